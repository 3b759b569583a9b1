// playout.setEnabled and playout.status through a real Engine (a real SQLite file, no program
// running): the switch is stored as the setting playout.enabled, both doors turn it, it survives a
// restart, and the status and its event say so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlayoutStatus } from '../../../shared/schedule.ts';
import { Logger } from '../log.ts';
import { MemoryPlan } from '../../../../tests/support/memory-plan.ts';
import { makeCodedClip } from '../../../../tests/support/playout-clips.ts';
import { until } from '../../../../tests/support/wait.ts';
import { Engine } from './engine.ts';

const trusted = { trusted: true };
const quiet = new Logger({ sink: () => {} });
let work: string;
let engine: Engine;
const statuses: PlayoutStatus[] = [];

const open = () => Engine.create({ dataDir: path.join(work, 'data'), version: 'test', host: 'headless', log: quiet, rtmp: null, statusIntervalMs: 60_000 });

async function run(on: Engine, command: string, args: unknown = {}): Promise<unknown> {
  const envelope = await on.dispatch(command, args, trusted);
  if (!('result' in envelope)) throw new Error(`${command} failed: ${JSON.stringify(envelope.error)}`);
  return envelope.result;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'playout-handlers-'));
  engine = await open();
  engine.events.subscribe('playout.status', (status) => statuses.push(status));
}, 30_000);

afterAll(async () => {
  await engine?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('playout commands', () => {
  it('starts off: the operator has the program', async () => {
    expect(await run(engine, 'playout.status')).toEqual({ enabled: false, state: 'off', now: null, next: null, driftMs: null, message: null });
  });

  it('setEnabled turns it on (idle while the program is stopped), stores it, and tells the clients', async () => {
    expect(await run(engine, 'playout.setEnabled', { enabled: true })).toMatchObject({ enabled: true, state: 'idle' });
    expect(statuses.at(-1)).toMatchObject({ enabled: true, state: 'idle' });
    expect(await run(engine, 'settings.list')).toMatchObject({ 'playout.enabled': true });
    const refused = await engine.dispatch('playout.setEnabled', { enabled: 'yes' }, trusted);
    expect(refused).toMatchObject({ error: { code: 'BAD_ARGUMENT', field: 'enabled' } });
  });

  it('while the program runs, the Engine’s playout plays an attached plan: status, frames of items, and idle again at stop', async () => {
    await run(engine, 'program.setFormat', {
      width: 160,
      height: 90,
      frameRate: '25',
      videoBitrateKbps: 300,
      gopFrames: 25,
      x264Preset: 'ultrafast',
      audioBitrateKbps: 64,
      videoEncoder: 'libx264',
    });
    const clip = makeCodedClip(work, { name: 'e2e', code: 90, seconds: 4, width: 160, height: 90, fps: 25 });
    const plan = new MemoryPlan();
    engine.playout.useSchedule(plan, () => ({ loudnessTargetLufs: -23, channelName: 'E2E' }));
    await run(engine, 'program.start');
    try {
      const timeline = engine.programHost.program!.timeline;
      const start = timeline.frame + 75; // 3 s ahead: a preroll's room
      const startMs = timeline.wallTimeOf(start);
      plan.set([
        { kind: 'media', itemId: 41, mediaId: 1, title: 'E2E', path: clip, startMs, endMs: startMs + 2000, inSeconds: 0, loudnessLufs: null, breaks: [] },
      ]);
      expect(engine.playout.framesOf(41)).toMatchObject({ startFrame: start });
      await until(() => (engine.programHost.program?.timeline.frame ?? 0) > start + 5, 20_000, 'the item to go on air');
      expect(await run(engine, 'playout.status')).toMatchObject({ enabled: true, state: 'playing', now: { itemId: 41, kind: 'media', title: 'E2E' } });
      expect(engine.programHost.program!.onAirScene()).toMatch(/^playout:show:/);
      expect(engine.playout.framesOf(41)?.startPts).toBe(engine.programHost.program!.ptsOfFrame(start));
      expect(statuses.some((s) => s.state === 'playing' && s.now?.itemId === 41 && typeof s.driftMs === 'number')).toBe(true);
    } finally {
      await run(engine, 'program.stop');
    }
    expect(await run(engine, 'playout.status')).toMatchObject({ enabled: true, state: 'idle', now: null });
  }, 60_000);

  it('survives a restart, and settings.set turns it too', async () => {
    await engine.close();
    engine = await open();
    expect(engine.playout.status()).toMatchObject({ enabled: true, state: 'idle' });
    await run(engine, 'settings.set', { key: 'playout.enabled', value: false });
    expect(await run(engine, 'playout.status')).toMatchObject({ enabled: false, state: 'off' });
  });
});
