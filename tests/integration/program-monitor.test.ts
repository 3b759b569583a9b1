// The program monitor on a real `studio serve` (real compositor workers, real encoder): its
// WebSocket needs the token; it sends 640×360 I420 frames of the composed program whose pixels
// are the scene's (a red full frame); and a viewer that never reads does not hold the program
// back: frames keep being composed and another viewer keeps getting new ones.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ProgramStatus, SourceInfo } from '../../src/shared/program.ts';
import {
  MONITOR_HEADER_BYTES,
  MONITOR_KIND_PROGRAM,
  MONITOR_KIND_SCENE,
  PROGRAM_MONITOR_PATH,
  SCENE_MONITOR_PATH,
  readMonitorHeader,
  type MonitorFrameHeader,
} from '../../src/shared/monitor-frame.ts';
import { startStudio, type RunningStudio } from '../support/studio-server.ts';

let dataDir: string;
let studio: RunningStudio;

async function ok<T>(name: string, args: unknown = {}): Promise<T> {
  const { status, body } = await studio.command<{ result?: T }>(name, args);
  if (status !== 200) throw new Error(`${name}: ${status} ${JSON.stringify(body)}`);
  return body.result!;
}

let sideSceneId = 0;
let blueSourceId = 0;

function monitorUrl(path = PROGRAM_MONITOR_PATH): string {
  return `${studio.url.replace(/^http/, 'ws')}${path}`;
}

interface Received {
  header: MonitorFrameHeader;
  pixels: Buffer;
}

/** A monitor viewer that keeps every frame it gets. */
function openMonitor(
  headers: Record<string, string>,
  path = PROGRAM_MONITOR_PATH,
): { ws: WebSocket; frames: Received[]; opened: Promise<void>; refused: Promise<number> } {
  const ws = new WebSocket(monitorUrl(path), { headers });
  const frames: Received[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) return;
    const header = readMonitorHeader(new DataView(data.buffer, data.byteOffset, data.byteLength));
    if (header) frames.push({ header, pixels: data.subarray(MONITOR_HEADER_BYTES) });
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const refused = new Promise<number>((resolve) => ws.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)));
  return { ws, frames, opened, refused };
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'studio-program-monitor-'));
  studio = await startStudio({ dataDir });
  await ok('program.setFormat', {
    width: 1280,
    height: 720,
    frameRate: '30',
    videoBitrateKbps: 800,
    gopFrames: 30,
    x264Preset: 'ultrafast',
    audioBitrateKbps: 64,
    videoEncoder: 'libx264',
  });
  const red = await ok<SourceInfo>('sources.create', { name: 'Red', config: { kind: 'color', color: '#ff0000', width: 1280, height: 720 } });
  const blue = await ok<SourceInfo>('sources.create', { name: 'Blue', config: { kind: 'color', color: '#0000ff', width: 640, height: 360 } });
  await ok('scenes.create', { name: 'Main', layers: [{ sourceId: red.id }] });
  const side = await ok<{ id: number }>('scenes.create', { name: 'Side', layers: [{ sourceId: blue.id, x: 640, y: 360 }] });
  sideSceneId = side.id;
  blueSourceId = blue.id;
}, 90_000);
afterAll(async () => {
  await studio?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Samples of a plane that differ from `expected` by more than 1, in the block [x0, x1) × [y0, y1). */
function offSamples(plane: Uint8Array, stride: number, x0: number, y0: number, x1: number, y1: number, expected: number): number {
  let off = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (Math.abs(plane[y * stride + x]! - expected) > 1) off++;
  return off;
}

describe('scene picture', () => {
  it('shows a scene that is not on air, before Go Live, at monitor scale, and needs the token', async () => {
    expect((await ok<ProgramStatus>('program.status')).running).toBe(false);
    const anonymous = openMonitor({}, `${SCENE_MONITOR_PATH}?scene=${sideSceneId}`);
    anonymous.opened.catch(() => {});
    expect(await anonymous.refused).toBe(401);
    const missing = openMonitor(studio.authHeaders, `${SCENE_MONITOR_PATH}?scene=999999`);
    missing.opened.catch(() => {});
    expect(await missing.refused).toBe(404);

    const viewer = openMonitor(studio.authHeaders, `${SCENE_MONITOR_PATH}?scene=${sideSceneId}`);
    await viewer.opened;
    await expect.poll(() => viewer.frames.length, { timeout: 30_000 }).toBeGreaterThan(1);
    const { header, pixels } = viewer.frames.at(-1)!;
    expect(header.kind).toBe(MONITOR_KIND_SCENE);
    expect([header.width, header.height]).toEqual([640, 360]);
    // The blue 640×360 layer at (640, 360) of the 1280×720 program: the bottom-right quarter of
    // the picture is blue (#0000ff: Y 32, Cb 240, Cr 118), the rest is black (Y 16).
    const luma = pixels.subarray(0, 640 * 360);
    const cb = pixels.subarray(640 * 360, 640 * 360 + 320 * 180);
    expect(offSamples(luma, 640, 320, 180, 640, 360, 32)).toBe(0);
    expect(offSamples(cb, 320, 160, 90, 320, 180, 240)).toBe(0);
    expect(offSamples(luma, 640, 0, 0, 640, 180, 16)).toBe(0);
    expect(offSamples(luma, 640, 0, 180, 320, 360, 16)).toBe(0);

    // An edit shows in the picture: the layer moved to the top-left and drawn at half its size.
    await ok('scenes.update', { id: sideSceneId, layers: [{ sourceId: blueSourceId, x: 0, y: 0, width: 320, height: 180 }] });
    await expect
      .poll(
        () => {
          const last = viewer.frames.at(-1)!.pixels.subarray(0, 640 * 360);
          return offSamples(last, 640, 0, 0, 160, 90, 32) + offSamples(last, 640, 160, 0, 640, 360, 16) + offSamples(last, 640, 0, 90, 160, 360, 16);
        },
        { timeout: 30_000 },
      )
      .toBe(0);
    viewer.ws.close();
  });
});

describe('program monitor', () => {
  it('refuses a viewer without the token', async () => {
    const anonymous = openMonitor({});
    anonymous.opened.catch(() => {});
    expect(await anonymous.refused).toBe(401);
    const wrong = openMonitor({ Authorization: 'Bearer not-the-token' });
    wrong.opened.catch(() => {});
    expect(await wrong.refused).toBe(401);
  });

  it('sends the composed program at 640×360 with the scene’s pixels (red)', async () => {
    await ok('program.start');
    const viewer = openMonitor(studio.authHeaders);
    await viewer.opened;
    await expect.poll(() => viewer.frames.length, { timeout: 30_000 }).toBeGreaterThan(3);
    const { header, pixels } = viewer.frames.at(-1)!;
    expect(header.kind).toBe(MONITOR_KIND_PROGRAM);
    expect([header.width, header.height]).toEqual([640, 360]);
    expect(pixels.length).toBe(640 * 360 * 1.5);
    // #ff0000 in BT.709 limited range: Y 63, Cb 102, Cr 240 (color.ts); every sample of the frame.
    const luma = pixels.subarray(0, 640 * 360);
    const cb = pixels.subarray(640 * 360, 640 * 360 + 320 * 180);
    const cr = pixels.subarray(640 * 360 + 320 * 180);
    for (const [plane, expected] of [
      [luma, 63],
      [cb, 102],
      [cr, 240],
    ] as const) {
      let off = 0;
      for (const sample of plane) if (Math.abs(sample - expected) > 1) off++;
      expect(off).toBe(0);
    }
    // Frames come in program order, each stamped when composed.
    const indices = viewer.frames.map((f) => f.header.frameIndex);
    for (let i = 1; i < indices.length; i++) expect(indices[i]!).toBeGreaterThan(indices[i - 1]!);
    expect(header.composedAtMs).toBeGreaterThan(Date.parse('2020-01-01'));
    viewer.ws.close();
  });

  it('a viewer that never reads does not stall the program, nor the other viewers', async () => {
    const stuck = openMonitor(studio.authHeaders);
    await stuck.opened;
    // It stops reading: its socket fills up and the server must drop its frames, not wait.
    stuck.ws.pause();
    const reader = openMonitor(studio.authHeaders);
    await reader.opened;
    // Long enough to fill the stuck viewer's socket buffers many times over (5 MB/s of frames).
    await expect.poll(() => reader.frames.length, { timeout: 60_000, interval: 500 }).toBeGreaterThan(60);
    // The program still makes new frames (polled, not timed: the machine may be slow).
    const composedThen = (await ok<ProgramStatus>('program.status')).framesComposed;
    await expect
      .poll(async () => (await ok<ProgramStatus>('program.status')).framesComposed, { timeout: 30_000, interval: 500 })
      .toBeGreaterThan(composedThen + 30);
    expect((await ok<ProgramStatus>('program.status')).running).toBe(true);
    // The reader still gets frames made after all that time.
    const last = reader.frames.at(-1)!.header.frameIndex;
    await expect.poll(() => reader.frames.at(-1)!.header.frameIndex, { timeout: 30_000 }).toBeGreaterThan(last + 15);
    stuck.ws.terminate();
    reader.ws.close();
  });
});
