// The SCTE-35 log over the API of a real `studio serve`: a cue is logged as what went out on the PID.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgramStatus, SceneInfo, SourceInfo } from '../../src/shared/program.ts';
import { buildCueOut, encodeSection } from '../../src/main/engine/scte35/index.ts';
import { startStudio, type RunningStudio } from '../support/studio-server.ts';

let studio: RunningStudio;

async function ok<T>(name: string, args: unknown = {}): Promise<T> {
  const { status, body } = await studio.command<{ result?: T }>(name, args);
  if (status !== 200) throw new Error(`${name}: ${status} ${JSON.stringify(body)}`);
  return body.result!;
}

beforeAll(async () => {
  studio = await startStudio();
});
afterAll(async () => {
  await studio?.stop();
});

describe('scte35.log', () => {
  it('logs an immediate splice_insert as a splice_insert with its event id (not a splice_null)', async () => {
    await ok('program.setFormat', {
      width: 320,
      height: 180,
      frameRate: '30',
      videoBitrateKbps: 400,
      gopFrames: 30,
      x264Preset: 'ultrafast',
      audioBitrateKbps: 64,
      videoEncoder: 'libx264',
    });
    const bars = await ok<SourceInfo>('sources.create', { name: 'Bars', config: { kind: 'test_pattern', width: 320, height: 180 } });
    await ok<SceneInfo>('scenes.create', { name: 'Main', layers: [{ sourceId: bars.id }] });
    await ok('program.start');
    // The PID is announced once the first PMT went through: an immediate cue is then sent at once.
    await expect.poll(async () => (await ok<ProgramStatus>('program.status')).scte35Pid, { timeout: 20_000 }).not.toBeNull();
    const cue = Buffer.from(encodeSection(buildCueOut({ eventId: 31337, durationTicks: 30 * 90_000, autoReturn: true })));
    await ok('scte35.inject', { section: cue.toString('hex') });
    const log = await ok<Array<{ eventId: number | null; commandType: number; hex: string; outcome: string }>>('scte35.log', { limit: 10 });
    const entries = log.filter((entry) => entry.hex === cue.toString('hex'));
    expect(entries).toEqual([expect.objectContaining({ commandType: 5, eventId: 31337, outcome: 'sent' })]);
    expect(log.filter((entry) => entry.commandType === 0)).toEqual([]);
    await ok('program.stop');
  }, 60_000);
});
