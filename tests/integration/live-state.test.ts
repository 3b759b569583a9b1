// Live state over the WebSocket of a real `studio serve` (real encoder, real recording file): while
// the program runs, a running output's figures are pushed at least once a second from its own
// counters; a program stop leaves nothing running (outputs, sources, program); the next start
// brings the outputs the operator had started back, and an output the operator stopped stays off.
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { OutputInfo } from '../../src/shared/contract.ts';
import type { OutputStatus } from '../../src/shared/outputs.ts';
import type { ProgramStatus, SceneInfo, SourceInfo } from '../../src/shared/program.ts';
import { startStudio, type RunningStudio } from '../support/studio-server.ts';

let studio: RunningStudio;

async function ok<T>(name: string, args: unknown = {}): Promise<T> {
  const { status, body } = await studio.command<{ result?: T }>(name, args);
  if (status !== 200) throw new Error(`${name}: ${status} ${JSON.stringify(body)}`);
  return body.result!;
}

interface Received {
  event: string;
  payload: unknown;
  /** Local time it arrived (ms). */
  at: number;
}

/** Every event the engine pushes, in order, from the moment the socket opened. */
async function listen(): Promise<{ events: Received[]; close(): void }> {
  const ws = new WebSocket(`${studio.url.replace('http', 'ws')}/api/v1/ws`, { headers: studio.authHeaders });
  const events: Received[] = [];
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { type: string; event?: string; payload?: unknown };
    if (message.type === 'event' && message.event) events.push({ event: message.event, payload: message.payload, at: Date.now() });
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { events, close: () => ws.close() };
}

const outputEvents = (events: Received[], id: number) =>
  events
    .filter((e) => e.event === 'outputs.status' && (e.payload as OutputStatus).id === String(id))
    .map((e) => ({ ...(e.payload as OutputStatus), at: e.at }));

/** The last state each output and source was pushed with. */
function lastStates(events: Received[]): { outputs: Map<string, string>; sources: Map<string, string | null> } {
  const outputs = new Map<string, string>();
  const sources = new Map<string, string | null>();
  for (const { event, payload } of events) {
    if (event === 'outputs.status') outputs.set((payload as OutputStatus).id, (payload as OutputStatus).state);
    if (event === 'source.status') sources.set((payload as { id: string }).id, (payload as { state: string }).state);
    if (event === 'sources.changed') for (const source of payload as SourceInfo[]) sources.set(String(source.id), source.state);
  }
  return { outputs, sources };
}

const recordedBytes = (folder: string) => readdirSync(folder).reduce((sum, name) => sum + statSync(path.join(folder, name)).size, 0);

beforeAll(async () => {
  studio = await startStudio();
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
}, 30_000);

afterAll(async () => {
  await studio?.stop();
});

describe('live state over the WebSocket', () => {
  it('figures at least once a second while live; after stop nothing runs; the next start brings the started outputs back', async () => {
    const pattern = await ok<SourceInfo>('sources.create', { name: 'Bars', config: { kind: 'test_pattern', width: 320, height: 180 } });
    await ok<SceneInfo>('scenes.create', { name: 'Main', layers: [{ sourceId: pattern.id }] });
    const folder = path.join(studio.dataDir, 'recordings');
    mkdirSync(folder);
    mkdirSync(path.join(studio.dataDir, 'spare'));
    const archive = await ok<OutputInfo>('outputs.create', { settings: { kind: 'recording', name: 'Archive', folder, fileNamePattern: 'archive-%H%M%S.ts' } });
    const spare = await ok<OutputInfo>('outputs.create', {
      settings: { kind: 'recording', name: 'Spare', folder: path.join(studio.dataDir, 'spare'), fileNamePattern: 'spare-%H%M%S.ts' },
    });
    const socket = await listen();
    try {
      await ok('outputs.start', { id: archive.id });
      await ok('outputs.start', { id: spare.id });
      await ok<ProgramStatus>('program.start');
      await expect.poll(() => outputEvents(socket.events, archive.id).filter((s) => s.bytesOut > 0).length, { timeout: 30_000 }).toBeGreaterThan(3);

      // Pushed, not asked for: several pushes of one unchanged state, with the bytes rising (the host pushes twice a second).
      const liveFrom = socket.events.length;
      await expect.poll(() => outputEvents(socket.events.slice(liveFrom), archive.id).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(6);
      const pushes = outputEvents(socket.events.slice(liveFrom), archive.id);
      for (let i = 1; i < pushes.length; i++) {
        expect(pushes[i]!.state).toBe('running');
        expect(pushes[i]!.bytesOut).toBeGreaterThanOrEqual(pushes[i - 1]!.bytesOut);
      }
      expect(pushes.at(-1)!.bytesOut).toBeGreaterThan(pushes[0]!.bytesOut);
      expect(pushes.at(-1)!.bitrateKbps).toBeGreaterThan(0);
      // Real figures: what was pushed is no more than the file holds now (the file only grows).
      expect(pushes.at(-1)!.bytesOut).toBeLessThanOrEqual(recordedBytes(folder));

      // The operator stops one output while live: it is off, and stays off after the next Go Live.
      await ok('outputs.stop', { id: spare.id });

      await ok<ProgramStatus>('program.stop');
      const stoppedAt = socket.events.length;
      // Whatever arrives after the stop: no output and no source says it runs, and no output figures move.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const afterStop = lastStates(socket.events);
      expect(afterStop.outputs.get(String(archive.id))).toBe('stopped');
      expect(afterStop.outputs.get(String(spare.id))).toBe('stopped');
      expect(afterStop.outputs.get('program')).toBe('stopped');
      expect(afterStop.sources.get(String(pattern.id)) ?? null).not.toBe('running');
      for (const status of outputEvents(socket.events.slice(stoppedAt), archive.id)) expect(status.state).not.toBe('running');
      const sources = await ok<SourceInfo[]>('sources.list');
      expect(sources.map((source) => source.state)).toEqual([null]);
      const outputs = await ok<OutputInfo[]>('outputs.list');
      expect(outputs.map((output) => output.status?.state)).toEqual(['stopped', 'stopped']);
      const bytesAtStop = recordedBytes(folder);

      // Go Live again: the output the operator left started is back, in a new file; the one stopped stays off.
      const restartedAt = socket.events.length;
      await ok<ProgramStatus>('program.start');
      await expect
        .poll(() => outputEvents(socket.events.slice(restartedAt), archive.id).filter((s) => s.state === 'running' && s.bytesOut > 0).length, {
          timeout: 30_000,
        })
        .toBeGreaterThan(1);
      await expect.poll(() => recordedBytes(folder), { timeout: 20_000 }).toBeGreaterThan(bytesAtStop);
      expect(readdirSync(folder).length).toBe(2);
      expect((await ok<OutputInfo[]>('outputs.list')).find((output) => output.id === spare.id)?.status?.state).toBe('stopped');
      await expect.poll(async () => (await ok<SourceInfo[]>('sources.list'))[0]?.state, { timeout: 20_000 }).toBe('running');
      await ok<ProgramStatus>('program.stop');
    } finally {
      socket.close();
    }
  }, 120_000);
});
