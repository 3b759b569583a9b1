// The master fader on a real `studio serve` (real decoder, mixer and AAC encoder): audio.setMaster
// changes the level of the encoded program by its gain while it runs, mutes it, is stored, and a
// restarted studio starts the program with the stored fader.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AudioSettings, ProgramFormatSettings, SourceInfo } from '../../src/shared/program.ts';
import { muxRateKbps } from '../../src/main/engine/encoder/program-format.ts';
import { levelOnceSettled, openTsFeed, tsBytesFor, type AudioLevel } from '../support/audio-level.ts';
import { startStudio, type RunningStudio } from '../support/studio-server.ts';

const FORMAT: ProgramFormatSettings = {
  width: 320,
  height: 180,
  frameRate: '30',
  videoBitrateKbps: 300,
  gopFrames: 30,
  x264Preset: 'ultrafast',
  audioBitrateKbps: 96,
  videoEncoder: 'libx264',
};
const STRETCH_BYTES = tsBytesFor(muxRateKbps({ ...FORMAT, frameRate: { num: 30, den: 1 } }), 2);
/** AAC at 96 kbit/s and the measurement itself move a sine's level by a fraction of a dB. */
const TOLERANCE_DB = 2;
/** volumedetect reads s16 digital silence as −91 dB. */
const SILENT_BELOW_DB = -80;

let dataDir: string;
let studio: RunningStudio | undefined;

async function ok<T>(name: string, args: unknown = {}): Promise<T> {
  const { status, body } = await studio!.command<{ result?: T }>(name, args);
  if (status !== 200) throw new Error(`${name}: ${status} ${JSON.stringify(body)}`);
  return body.result!;
}

const near = (expected: number) => (level: AudioLevel) => Math.abs(level.meanDb - expected) <= TOLERANCE_DB;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'studio-master-audio-'));
  studio = await startStudio({ dataDir });
  await ok('program.setFormat', FORMAT);
  const tone = await ok<SourceInfo>('sources.create', { name: 'Tone', config: { kind: 'test_pattern', width: 320, height: 180 } });
  await ok('scenes.create', { name: 'Main', layers: [{ sourceId: tone.id }] });
}, 60_000);

afterAll(async () => {
  await studio?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('master fader', () => {
  it('changes the encoded level by its gain while on air, mutes it, and a restarted studio starts with it', async () => {
    expect(await ok<AudioSettings>('audio.getMaster')).toEqual({ gainDb: 0, muted: false });
    await ok('program.start');
    let feed = await openTsFeed(studio!.url, studio!.token);
    let unity: AudioLevel;
    try {
      unity = await levelOnceSettled(feed, STRETCH_BYTES, (level) => level.meanDb > -40);
      expect(unity.meanDb).toBeGreaterThan(-40); // the test pattern's tone is on air

      expect(await ok<AudioSettings>('audio.setMaster', { gainDb: -12, muted: false })).toEqual({ gainDb: -12, muted: false });
      const lowered = await levelOnceSettled(feed, STRETCH_BYTES, near(unity.meanDb - 12));
      expect(lowered.meanDb - unity.meanDb).toBeGreaterThan(-12 - TOLERANCE_DB);
      expect(lowered.meanDb - unity.meanDb).toBeLessThan(-12 + TOLERANCE_DB);

      await ok('audio.setMaster', { gainDb: -12, muted: true });
      const muted = await levelOnceSettled(feed, STRETCH_BYTES, (level) => level.meanDb < SILENT_BELOW_DB);
      expect(muted.meanDb).toBeLessThan(SILENT_BELOW_DB);
    } finally {
      feed.close();
    }

    // Stored: a new studio process on the same data dir answers it, and its program starts muted.
    // SIGTERM, not stop(): stop() also deletes the data dir, which is what must survive here.
    const exited = new Promise((resolve) => studio!.process.once('exit', resolve));
    studio!.process.kill('SIGTERM');
    await exited;
    studio = await startStudio({ dataDir });
    expect(await ok<AudioSettings>('audio.getMaster')).toEqual({ gainDb: -12, muted: true });
    await ok('program.start');
    feed = await openTsFeed(studio.url, studio.token);
    try {
      const atStart = await levelOnceSettled(feed, STRETCH_BYTES, (level) => level.meanDb < SILENT_BELOW_DB, 1);
      expect(atStart.meanDb).toBeLessThan(SILENT_BELOW_DB);
      await ok('audio.setMaster', { gainDb: -12, muted: false });
      const unmuted = await levelOnceSettled(feed, STRETCH_BYTES, near(unity.meanDb - 12));
      expect(unmuted.meanDb - unity.meanDb).toBeGreaterThan(-12 - TOLERANCE_DB);
      expect(unmuted.meanDb - unity.meanDb).toBeLessThan(-12 + TOLERANCE_DB);
    } finally {
      feed.close();
    }
    await ok('program.stop');
  }, 180_000);

  it('refuses a gain above +24 dB, naming the field, and keeps the stored fader', async () => {
    const { status, body } = await studio!.command<{ error?: { code: string; field?: string } }>('audio.setMaster', { gainDb: 30, muted: false });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'BAD_ARGUMENT', field: 'gainDb' });
    expect(await ok<AudioSettings>('audio.getMaster')).toEqual({ gainDb: -12, muted: false });
  });
});
