// The receiver's view of an expert's cue (scte35.inject), real parts only: the section arrives over
// SRT with its pts_time on an IDR, first from 4 s before the splice on the video clock and then
// about each second, and the capture's frames decode to pictures at the PTS the program names.
// It also proves the capture helpers the cue deck's end-to-end tests rely on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgramStatus } from '../../src/shared/program.ts';
import { buildCueOut, encodeSection } from '../../src/main/engine/scte35/index.ts';
import { FPS, GOP, startCueStudio, type CueStudio } from '../support/cue-studio.ts';
import { classify, decodeThumbnails, isCueOut, pictureAt, ptsMinus, readCapture, sectionsWhere, signalledPts } from '../support/ts-capture.ts';

let live: CueStudio;

describe('cue capture at the receiver', () => {
  beforeAll(async () => {
    live = await startCueStudio({ publishSeconds: 60 });
  }, 90_000);
  afterAll(async () => {
    await live?.stop();
  });

  it('sees an injected cue-out on an IDR, from 4 s before the splice, repeated about each second', async () => {
    const status = await live.ok<ProgramStatus>('program.status');
    const spliceFrame = status.nextIdrFrames[0]! + 6 * GOP;
    const { pts: splicePts } = await live.ok<{ pts: number | null }>('program.ptsOfFrame', { frame: spliceFrame });
    expect(splicePts).not.toBeNull();
    const section = encodeSection(buildCueOut({ eventId: 7001, ptsTime: splicePts!, durationTicks: 2 * 90_000, autoReturn: true }));
    await live.ok('scte35.inject', { section: Buffer.from(section).toString('base64') });

    // Until the receiver has frames 2 s past the splice (a state of the capture, not a clock).
    await expect
      .poll(() => readCapture(live.captureFile).frames.some((frame) => ptsMinus(frame.pts, splicePts!) >= 2 * 90_000), { timeout: 30_000, interval: 500 })
      .toBe(true);
    const capture = readCapture(live.captureFile);
    expect(capture.continuityErrors).toBe(0);
    expect(capture.pmtStreamTypes).toContain(0x86);

    const copies = sectionsWhere(capture, isCueOut(7001));
    expect(copies.length).toBeGreaterThanOrEqual(4);
    for (const copy of copies) expect(signalledPts(copy.section)).toBe(splicePts);
    const idr = capture.frames.find((frame) => frame.pts === splicePts);
    expect(idr).toMatchObject({ keyframe: true });
    // The first copy arrives at least 4 s (video clock at arrival) before the splice, minus one frame
    // of clock granularity (the clock is the last PES seen, which may trail the mux by a frame).
    expect(ptsMinus(splicePts!, copies[0]!.clockPts)).toBeGreaterThanOrEqual(4 * 90_000 - 90_000 / FPS);
    // Copies repeat about each second (on the video clock) and none arrive after the splice.
    for (let index = 1; index < copies.length; index++) {
      const step = ptsMinus(copies[index]!.clockPts, copies[index - 1]!.clockPts);
      expect(step).toBeGreaterThan(0.5 * 90_000);
      expect(step).toBeLessThan(1.5 * 90_000);
    }
    expect(ptsMinus(splicePts!, copies.at(-1)!.clockPts)).toBeGreaterThanOrEqual(0);

    // The frames decode to pictures keyed by the same PTS our demux reads.
    const pictures = decodeThumbnails(live.captureFile);
    const at = pictureAt(pictures, splicePts!);
    const before = pictureAt(pictures, splicePts! - 90_000 / FPS);
    // Both are the program (the same test pattern): nearer each other than to a black frame.
    const black = new Uint8Array(at.length);
    expect(classify(at, { program: before, black }).nearest).toBe('program');
  }, 120_000);
});
