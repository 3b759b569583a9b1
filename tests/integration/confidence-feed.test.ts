// The confidence monitor's TS feed on a real `studio serve` (real encoder): the token is required,
// a stopped program answers 409, a running one streams TS with the SCTE-35 PID in its PMT, and Stop
// ends the feed cleanly (complete chunked body), so a monitor never keeps an earlier run.
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgramStatus, SourceInfo } from '../../src/shared/program.ts';
import { startStudio, type RunningStudio } from '../support/studio-server.ts';

const FEED = '/api/v1/monitor/program.ts';
let dataDir: string;
let studio: RunningStudio;

async function ok<T>(name: string, args: unknown = {}): Promise<T> {
  const { status, body } = await studio.command<{ result?: T }>(name, args);
  if (status !== 200) throw new Error(`${name}: ${status} ${JSON.stringify(body)}`);
  return body.result!;
}

function openFeed(headers: Record<string, string>): Promise<IncomingMessage> {
  const { port } = new URL(studio.url);
  return new Promise((resolve, reject) =>
    httpRequest({ host: '127.0.0.1', port: Number(port), path: FEED, headers: { Host: `127.0.0.1:${port}`, ...headers } }, resolve)
      .on('error', reject)
      .end(),
  );
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'studio-confidence-feed-'));
  studio = await startStudio({ dataDir });
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
  await ok('scenes.create', { name: 'Main', layers: [{ sourceId: bars.id }] });
}, 60_000);
afterAll(async () => {
  await studio?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('confidence monitor feed', () => {
  it('needs the token, and answers 409 while the program is stopped', async () => {
    const anonymous = await openFeed({});
    anonymous.resume();
    expect(anonymous.statusCode).toBe(401);
    const stopped = await openFeed(studio.authHeaders);
    stopped.resume();
    expect(stopped.statusCode).toBe(409);
  });

  it('streams the running program TS with the SCTE-35 PID, and ends cleanly at Stop', async () => {
    await ok('program.start');
    await expect.poll(async () => (await ok<ProgramStatus>('program.status')).scte35Pid, { timeout: 30_000 }).not.toBeNull();
    const scte35Pid = (await ok<ProgramStatus>('program.status')).scte35Pid!;
    const feed = await openFeed(studio.authHeaders);
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toBe('video/mp2t');
    const chunks: Buffer[] = [];
    feed.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise<void>((resolve) => feed.on('end', resolve));
    await expect.poll(() => chunks.reduce((sum, chunk) => sum + chunk.length, 0), { timeout: 30_000 }).toBeGreaterThan(188 * 200);
    const bytes = Buffer.concat(chunks);
    const start = bytes.indexOf(0x47);
    const pids = new Set<number>();
    for (let offset = start; offset + 188 <= bytes.length; offset += 188) {
      expect(bytes[offset]).toBe(0x47);
      pids.add(((bytes[offset + 1]! & 0x1f) << 8) | bytes[offset + 2]!);
    }
    expect(pids.has(0)).toBe(true);
    // The PMT declares the SCTE-35 PID with stream_type 0x86: its pid bytes follow 0x86 somewhere in the PMT.
    const declaration = Buffer.from([0x86, 0xe0 | (scte35Pid >> 8), scte35Pid & 0xff]);
    expect(bytes.indexOf(declaration)).toBeGreaterThanOrEqual(0);
    await ok('program.stop');
    await ended;
    expect(feed.complete).toBe(true);
  }, 90_000);
});
