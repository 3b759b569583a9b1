// Lifecycle races and shutdown against a real `studio serve`: concurrent lifecycle calls over HTTP
// give one program and one encoder, and SIGTERM after a run closes everything and exits 0.
import { mkdirSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutputInfo } from '../../src/shared/contract.ts';
import type { ProgramStatus, SceneInfo, SourceInfo } from '../../src/shared/program.ts';
import { freePort } from '../support/ports.ts';
import { descendants, isProgramEncoder, processExists } from '../support/processes.ts';
import { startStudio, type RunningStudio } from '../support/studio-server.ts';

type Envelope<T> = { result?: T; error?: { code: string; message: string } };

const FORMAT = {
  width: 320,
  height: 180,
  frameRate: '30',
  videoBitrateKbps: 400,
  gopFrames: 30,
  x264Preset: 'ultrafast',
  audioBitrateKbps: 64,
  videoEncoder: 'libx264',
};

async function ok<T>(studio: RunningStudio, name: string, args: unknown = {}): Promise<T> {
  const { status, body } = await studio.command<Envelope<T>>(name, args);
  if (status !== 200) throw new Error(`${name}: ${status} ${JSON.stringify(body)}`);
  return body.result!;
}

/**
 * A test pattern and a lower third on air in one scene. The text is rasterized off the main thread
 * when the program starts, so a start really waits there, as it does for pictures and slates.
 */
async function setUpProgram(studio: RunningStudio): Promise<void> {
  await ok(studio, 'program.setFormat', FORMAT);
  const bars = await ok<SourceInfo>(studio, 'sources.create', { name: 'Bars', config: { kind: 'test_pattern', width: 320, height: 180 } });
  const lower = await ok<SourceInfo>(studio, 'sources.create', {
    name: 'Lower third',
    config: { kind: 'text', text: 'Lifecycle', fontSize: 20, background: '#000000', width: 320, height: 40 },
  });
  await ok<SceneInfo>(studio, 'scenes.create', { name: 'Main', layers: [{ sourceId: bars.id }, { sourceId: lower.id, y: 140 }] });
}

const encoders = (studio: RunningStudio) => descendants(studio.process.pid!).filter(isProgramEncoder);
const ffmpegs = (studio: RunningStudio) => descendants(studio.process.pid!).filter((child) => /ffmpeg/.test(child.cmdline));

function exitOf(studio: RunningStudio): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const child = studio.process;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

let studio: RunningStudio | undefined;
afterEach(async () => {
  await studio?.stop();
  studio = undefined;
});

describe('lifecycle calls over HTTP are serialized', () => {
  it('gives one program and one encoder for concurrent starts, consistent answers for a mix of calls, and no ffmpeg after stop', async () => {
    studio = await startStudio();
    const running = studio;
    await setUpProgram(running);
    const recordings = path.join(running.dataDir, 'recordings');
    mkdirSync(recordings);
    await ok<OutputInfo>(running, 'outputs.create', { settings: { kind: 'recording', name: 'Archive', folder: recordings } });
    // Nobody listens there: an SRT sender ffmpeg that retries, one more child that must not outlive stop.
    await ok<OutputInfo>(running, 'outputs.create', { settings: { kind: 'srt', name: 'Nowhere', url: `srt://127.0.0.1:${await freePort()}`, latencyMs: 120 } });

    // Five starts at once: every answer says running, and exactly one encoder exists.
    const starts = await Promise.all(Array.from({ length: 5 }, () => running.command<Envelope<ProgramStatus>>('program.start')));
    for (const { status, body } of starts) {
      expect(status).toBe(200);
      expect(body.result!.running).toBe(true);
    }
    await expect.poll(async () => (await ok<ProgramStatus>(running, 'program.status')).frame, { timeout: 20_000 }).toBeGreaterThan(30);
    expect(encoders(running)).toHaveLength(1);

    // A mix of every lifecycle call at once. The server may take them in any order, but each answer
    // must be the state its own call left: a start answers running, a stop answers stopped.
    const calls = [
      'program.stop',
      'outputs.startAll',
      'program.start',
      'outputs.stopAll',
      'program.start',
      'program.stop',
      'outputs.startAll',
      'program.start',
      'outputs.stopAll',
      'program.stop',
      'program.start',
      'outputs.startAll',
    ];
    const answers = await Promise.all(calls.map((name) => running.command<Envelope<ProgramStatus | OutputInfo[]>>(name)));
    answers.forEach(({ status, body }, i) => {
      expect(status, calls[i]).toBe(200);
      if (calls[i] === 'program.start') expect((body.result as ProgramStatus).running, 'a start answers running').toBe(true);
      if (calls[i] === 'program.stop') expect((body.result as ProgramStatus).running, 'a stop answers stopped').toBe(false);
    });
    // However it ended, the state is one state: one encoder while running, none while stopped.
    const settled = await ok<ProgramStatus>(running, 'program.status');
    await expect.poll(() => encoders(running).length, { timeout: 10_000 }).toBe(settled.running ? 1 : 0);

    // Then a known end: running once, and after stopping everything no ffmpeg at all.
    await Promise.all([running.command('program.start'), running.command('program.start'), running.command('outputs.startAll')]);
    expect((await ok<ProgramStatus>(running, 'program.status')).running).toBe(true);
    await expect.poll(() => encoders(running).length, { timeout: 10_000 }).toBe(1);
    await Promise.all([running.command('program.stop'), running.command('outputs.stopAll'), running.command('program.stop')]);
    expect((await ok<ProgramStatus>(running, 'program.status')).running).toBe(false);
    await expect.poll(() => ffmpegs(running).map((child) => child.cmdline), { timeout: 10_000 }).toEqual([]);

    // A source created while the program starts is in the program once both answered, whichever ran first.
    const [, created] = await Promise.all([
      running.command('program.start'),
      (async () => {
        await new Promise((resolve) => setTimeout(resolve, 20)); // lands while the start adds its sources
        return ok<SourceInfo>(running, 'sources.create', { name: 'Late bars', config: { kind: 'test_pattern', width: 160, height: 90 } });
      })(),
    ]);
    await expect
      .poll(async () => (await ok<SourceInfo[]>(running, 'sources.list')).find((source) => source.id === created.id)?.state, { timeout: 15_000 })
      .toBe('running');
    await running.command('program.stop');
  }, 120_000);
});

describe('shutdown', () => {
  it('exits 0 on SIGTERM after a run: outputs and program stopped, WAL checkpointed, store closed, no child left', async () => {
    studio = await startStudio();
    const running = studio;
    await setUpProgram(running);
    const recordings = path.join(running.dataDir, 'recordings');
    mkdirSync(recordings);
    const archive = await ok<OutputInfo>(running, 'outputs.create', { settings: { kind: 'recording', name: 'Archive', folder: recordings } });
    await ok(running, 'program.start');
    await ok(running, 'outputs.start', { id: archive.id });
    await expect.poll(async () => (await ok<ProgramStatus>(running, 'program.status')).frame, { timeout: 20_000 }).toBeGreaterThan(60);
    const children = descendants(running.process.pid!);
    expect(children.some(isProgramEncoder)).toBe(true);
    const wal = path.join(running.dataDir, 'studio.db-wal');
    expect(existsSync(wal) && statSync(wal).size > 0).toBe(true); // the run wrote to the store

    const exited = exitOf(running);
    running.process.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(running.output()).toContain('engine stopped');
    expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);
    const db = new BetterSqlite3(path.join(running.dataDir, 'studio.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((db.prepare('SELECT count(*) AS n FROM scenes').get() as { n: number }).n).toBe(1);
    } finally {
      db.close();
    }
    for (const child of children) expect(processExists(child.pid), child.cmdline).toBe(false);
  }, 90_000);

  it('forces the exit on a second signal during a stuck shutdown, and still leaves no child', async () => {
    studio = await startStudio();
    const running = studio;
    await setUpProgram(running);
    await ok(running, 'program.start');
    await expect.poll(async () => (await ok<ProgramStatus>(running, 'program.status')).frame, { timeout: 20_000 }).toBeGreaterThan(30);
    const children = descendants(running.process.pid!);
    const encoder = children.find(isProgramEncoder)!;
    expect(encoder).toBeDefined();
    // A stopped encoder holds the shutdown for seconds: it can neither flush nor die of SIGTERM.
    process.kill(encoder.pid, 'SIGSTOP');
    const exited = exitOf(running);
    running.process.kill('SIGTERM');
    await expect.poll(() => running.output(), { timeout: 10_000 }).toContain('SIGTERM: shutting down');
    running.process.kill('SIGTERM');
    const exit = await exited;
    expect(exit.code).not.toBe(0);
    expect(running.output()).toMatch(/SIGTERM during shutdown/);
    await expect.poll(() => children.filter((child) => processExists(child.pid)).map((child) => child.cmdline), { timeout: 10_000 }).toEqual([]);
  }, 90_000);

  it('forces the exit when the shutdown takes longer than its bound, and still leaves no child', async () => {
    studio = await startStudio({ env: { STUDIO_SHUTDOWN_TIMEOUT_MS: '1500' } });
    const running = studio;
    await setUpProgram(running);
    await ok(running, 'program.start');
    await expect.poll(async () => (await ok<ProgramStatus>(running, 'program.status')).frame, { timeout: 20_000 }).toBeGreaterThan(30);
    const children = descendants(running.process.pid!);
    const encoder = children.find(isProgramEncoder)!;
    expect(encoder).toBeDefined();
    process.kill(encoder.pid, 'SIGSTOP'); // the encoder's stop now takes 5 s + a 3 s grace: past the bound
    const exited = exitOf(running);
    running.process.kill('SIGTERM');
    const exit = await exited;
    expect(exit.code).not.toBe(0);
    expect(running.output()).toMatch(/shutdown took longer than 1\.5 s/);
    await expect.poll(() => children.filter((child) => processExists(child.pid)).map((child) => child.cmdline), { timeout: 10_000 }).toEqual([]);
  }, 90_000);
});
