// The program's cue channel over a real TS (ffmpeg-made): what it reports sent, with the ids
// queue() gave; withdraw; the heartbeat setting surviving a new stream (reset); the first PTS.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeTestTs } from '../../../../tests/support/mpegts.ts';
import { Logger } from '../log.ts';
import { PTS_HZ } from '../media.ts';
import { TsInspector } from '../mpegts/inspect.ts';
import { buildCancel, buildCueOut, encodeSection } from '../scte35/index.ts';
import { ProgramCueChannel } from './cue-channel.ts';
import type { CueCopySent } from './on-air-control.ts';

const quiet = new Logger({ sink: () => {}, level: 'error' });

function streamOf(): { bytes: Buffer; firstPts: number } {
  const bytes = readFileSync(makeTestTs({ muxrate: 2_000_000 }));
  const inspector = new TsInspector();
  inspector.push(bytes);
  return { bytes, firstPts: inspector.end().firstPts! };
}

function run(channel: ProgramCueChannel, bytes: Buffer, before: () => void = () => {}): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 188 * 150) {
    before();
    parts.push(Buffer.from(channel.push(bytes.subarray(i, i + 188 * 150))));
  }
  parts.push(Buffer.from(channel.flush()));
  return Buffer.concat(parts);
}

describe('ProgramCueChannel', () => {
  it('reports each copy with the id queue() gave (−1 for heartbeats); a withdrawn section stops; first PTS known once video passed', () => {
    const { bytes, firstPts } = streamOf();
    const channel = new ProgramCueChannel({ logger: quiet, pid: 0x1f0 });
    const sent: CueCopySent[] = [];
    const off = channel.onSent((copy) => sent.push(copy));
    channel.onSent(() => {
      throw new Error('a listener bug does not stop the stream');
    });
    expect(channel.pid).toBe(-1);
    expect(channel.firstPts()).toBeNull();
    channel.setHeartbeat(2);
    const splice = (firstPts + 8 * PTS_HZ) % 2 ** 33;
    const kept = channel.queue(encodeSection(buildCueOut({ eventId: 1, ptsTime: splice, durationTicks: 30 * PTS_HZ })), { prerollSeconds: 3 });
    const withdrawn = channel.queue(encodeSection(buildCueOut({ eventId: 2, ptsTime: splice, durationTicks: 30 * PTS_HZ })), { prerollSeconds: 6 });
    const cancel = channel.queue(encodeSection(buildCancel({ eventId: 3 })), { repeatUntilPts: (firstPts + 3 * PTS_HZ) % 2 ** 33 });
    /** How many copies had been reported when the withdrawal came. */
    let withdrawnAt = -1;
    run(channel, bytes, () => {
      if (withdrawnAt < 0 && sent.some((copy) => copy.id === withdrawn)) {
        expect(channel.withdraw(withdrawn)).toBe(true);
        withdrawnAt = sent.length;
      }
    });
    expect(channel.withdraw(withdrawn)).toBe(false);
    expect(channel.pid).toBe(0x1f0);
    expect(channel.firstPts()).toBe(firstPts);
    const ids = sent.map((copy) => copy.id);
    expect(withdrawnAt).toBeGreaterThan(0);
    expect(ids.slice(withdrawnAt).includes(withdrawn)).toBe(false);
    expect(ids.filter((id) => id === kept).length).toBeGreaterThanOrEqual(3);
    expect(ids.filter((id) => id === cancel).length).toBeGreaterThanOrEqual(3);
    expect(ids.filter((id) => id === -1).length).toBeGreaterThanOrEqual(4);
    for (const copy of sent.filter((c) => c.id === kept)) expect(copy.splicePts).toBe(splice);
    // A new stream (the program starts again): the heartbeat setting and the listeners carry on.
    const before = sent.length;
    channel.reset();
    expect(channel.pid).toBe(-1);
    run(channel, bytes.subarray(0, 188 * 3000));
    expect(sent.slice(before).some((copy) => copy.id === -1)).toBe(true);
    off();
    const after = sent.length;
    run(channel, bytes.subarray(0, 188 * 3000));
    expect(sent.length).toBe(after);
  });
});
