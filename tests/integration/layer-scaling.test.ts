// Layer geometry made real (#13), through the public HTTP API of a real `studio serve`: a video
// layer given a width/height other than its source's is scaled to its rect, a cropped one shows
// only its cropped part filling its rect, a static layer is drawn at its own size; resizing a
// layer on air moves the picture without restarting its decoder. Checked in the pixels of the
// recording (decoded by ffmpeg), with tolerances for x264.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutputInfo } from '../../src/shared/contract.ts';
import type { OutputStatus } from '../../src/shared/outputs.ts';
import type { ProgramStatus, SceneInfo, SourceInfo } from '../../src/shared/program.ts';
import { ffmpegPath } from '../support/ingest.ts';
import { descendants } from '../support/processes.ts';
import { startStudio, type RunningStudio } from '../support/studio-server.ts';

const WIDTH = 640;
const HEIGHT = 360;
const FRAME_BYTES = WIDTH * HEIGHT * 3;

type Rgb = [number, number, number];
const RED: Rgb = [255, 0, 0];
const GREEN: Rgb = [0, 255, 0];
const BLUE: Rgb = [0, 0, 255];
const WHITE: Rgb = [255, 255, 255];
const YELLOW: Rgb = [255, 255, 0];
const BLACK: Rgb = [0, 0, 0];

let studio: RunningStudio;

async function ok<T>(name: string, args: unknown = {}): Promise<T> {
  const { status, body } = await studio.command<{ result?: T; error?: unknown }>(name, args);
  if (status !== 200) throw new Error(`${name}: ${status} ${JSON.stringify(body)}`);
  return body.result!;
}

/** A 320x180 clip of four quadrants (red, green / blue, white), 4 s, with silent audio. */
function quadrantClip(file: string): void {
  execFileSync(ffmpegPath(), [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'color=c=red:s=320x180:r=30:d=4',
    '-f',
    'lavfi',
    '-i',
    'anullsrc=r=48000:cl=stereo',
    '-vf',
    'drawbox=x=160:y=0:w=160:h=90:color=lime:t=fill,drawbox=x=0:y=90:w=160:h=90:color=blue:t=fill,drawbox=x=160:y=90:w=160:h=90:color=white:t=fill',
    '-shortest',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-qp',
    '0',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-y',
    file,
  ]);
}

/** Frame `index` and the last frame of a recording, decoded to RGB at the program size. */
async function decodeFrames(file: string, index: number): Promise<{ early: Buffer; last: Buffer; count: number }> {
  const child = spawn(ffmpegPath(), ['-v', 'error', '-i', file, '-map', '0:v:0', '-pix_fmt', 'rgb24', '-f', 'rawvideo', '-'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let pending = Buffer.alloc(0);
  let count = 0;
  let early: Buffer | null = null;
  let last: Buffer | null = null;
  for await (const chunk of child.stdout) {
    pending = Buffer.concat([pending, chunk as Buffer]);
    while (pending.length >= FRAME_BYTES) {
      const frame = Buffer.from(pending.subarray(0, FRAME_BYTES));
      pending = pending.subarray(FRAME_BYTES);
      if (count === index) early = frame;
      last = frame;
      count++;
    }
  }
  if (!early || !last) throw new Error(`the recording has ${count} frames, expected more than ${index}`);
  return { early, last, count };
}

function pixel(frame: Buffer, x: number, y: number): Rgb {
  const at = (y * WIDTH + x) * 3;
  return [frame[at]!, frame[at + 1]!, frame[at + 2]!];
}

/** Within 48 per channel of the colour: x264 at a modest bitrate and 4:2:0 chroma are not exact. */
function expectColour(frame: Buffer, x: number, y: number, colour: Rgb, what: string): void {
  const seen = pixel(frame, x, y);
  const off = Math.max(...seen.map((value, i) => Math.abs(value - colour[i]!)));
  expect(off, `${what} at (${x}, ${y}): ${JSON.stringify(seen)}, expected about ${JSON.stringify(colour)}`).toBeLessThanOrEqual(48);
}

function decoderPids(file: string): number[] {
  return descendants(studio.process.pid!)
    .filter((process) => process.cmdline.includes('ffmpeg') && process.cmdline.includes(file))
    .map((process) => process.pid);
}

beforeAll(async () => {
  studio = await startStudio();
});
afterAll(async () => {
  await studio?.stop();
});

describe('layer crop through the API', () => {
  it("refuses a crop that leaves nothing of the layer's source, naming the field, and stores a valid one", async () => {
    const source = await ok<SourceInfo>('sources.create', { name: 'Blue', config: { kind: 'color', color: '#0000ff', width: 320, height: 180 } });
    const refused = await studio.command<{ error?: { code: string; field?: string } }>('scenes.create', {
      name: 'Over-cropped',
      layers: [{ sourceId: source.id, crop: { left: 200, right: 120 } }],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'BAD_ARGUMENT', field: 'layers.0.crop.right' });
    const negative = await studio.command<{ error?: { code: string; field?: string } }>('scenes.create', {
      name: 'Negative',
      layers: [{ sourceId: source.id, crop: { top: -2 } }],
    });
    expect(negative.status).toBe(400);
    expect(negative.body.error).toMatchObject({ code: 'BAD_ARGUMENT', field: 'layers.0.crop.top' });
    const stored = await ok<SceneInfo>('scenes.create', { name: 'Cropped', layers: [{ sourceId: source.id, crop: { left: 20, bottom: 30 } }] });
    expect(stored.layers[0]).toMatchObject({ width: 300, height: 150, crop: { left: 20, right: 0, top: 0, bottom: 30 } });
    expect((await ok<SceneInfo[]>('scenes.list')).map((scene) => scene.name)).toEqual(['Cropped']);
    await ok('scenes.remove', { id: stored.id });
    await ok('sources.remove', { id: source.id });
  });
});

describe('layer geometry in the program output', () => {
  it('scales video layers to their rect, fills the rect with the cropped part, draws a static layer at its size, and resizes on air without restarting the decoder', async () => {
    const clip = path.join(studio.dataDir, 'quadrants.mp4');
    quadrantClip(clip);
    const recordings = path.join(studio.dataDir, 'recordings');
    mkdirSync(recordings);
    await ok('program.setFormat', {
      width: WIDTH,
      height: HEIGHT,
      frameRate: '30',
      videoBitrateKbps: 3000,
      gopFrames: 30,
      x264Preset: 'ultrafast',
      audioBitrateKbps: 96,
      videoEncoder: 'libx264',
    });
    const media = await ok<SourceInfo>('sources.create', { name: 'Quadrants', config: { kind: 'media', path: clip, loop: true, width: 320, height: 180 } });
    const yellow = await ok<SourceInfo>('sources.create', { name: 'Yellow', config: { kind: 'color', color: '#ffff00', width: 64, height: 36 } });
    // A: the whole clip at 3/4 of its size. B: its bottom half (crop) stretched over 280x200.
    // C: a 64x36 colour at 200x80.
    const layers = (a: { width: number; height: number }) => [
      { sourceId: media.id, x: 40, y: 40, ...a },
      { sourceId: media.id, x: 320, y: 40, width: 280, height: 200, crop: { top: 90 } },
      { sourceId: yellow.id, x: 360, y: 270, width: 200, height: 80 },
    ];
    const scene = await ok<SceneInfo>('scenes.create', { name: 'Sized', layers: layers({ width: 240, height: 136 }) });
    expect(scene.layers.map((layer) => [layer.width, layer.height])).toEqual([
      [240, 136],
      [280, 200],
      [200, 80],
    ]);
    const recording = await ok<OutputInfo>('outputs.create', { settings: { kind: 'recording', name: 'Archive', folder: recordings } });

    await ok<ProgramStatus>('program.start');
    await expect
      .poll(async () => (await ok<SourceInfo[]>('sources.list')).find((source) => source.id === media.id)?.state, { timeout: 20_000 })
      .toBe('running');
    await ok<OutputInfo[]>('outputs.startAll');
    const recorded = async () => (await ok<OutputStatus[]>('outputs.status')).find((status) => status.id === String(recording.id))?.bytesOut ?? 0;
    await expect.poll(recorded, { timeout: 15_000 }).toBeGreaterThan(0);
    // Two seconds at the first size, then the resize on air.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const decodersBefore = decoderPids(clip);
    expect(decodersBefore.length).toBeGreaterThan(0);
    const resized = await ok<SceneInfo>('scenes.update', { id: scene.id, layers: layers({ width: 160, height: 90 }) });
    expect(resized.layers[0]).toMatchObject({ width: 160, height: 90 });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(decoderPids(clip)).toEqual(decodersBefore);
    await ok<ProgramStatus>('program.stop');

    const file = path.join(recordings, readdirSync(recordings)[0]!);
    expect(statSync(file).size).toBeGreaterThan(0);
    const { early, last } = await decodeFrames(file, 15);

    // A at 240x136 from (40, 40): each quadrant scaled to 120x68, nothing outside the rect.
    expectColour(early, 100, 74, RED, 'A top-left quadrant');
    expectColour(early, 220, 74, GREEN, 'A top-right quadrant');
    expectColour(early, 100, 142, BLUE, 'A bottom-left quadrant');
    expectColour(early, 220, 142, WHITE, 'A bottom-right quadrant');
    expectColour(early, 46, 46, RED, 'A just inside its top-left corner');
    expectColour(early, 273, 169, WHITE, 'A just inside its bottom-right corner');
    expectColour(early, 286, 100, BLACK, 'right of A');
    expectColour(early, 100, 183, BLACK, 'below A');
    expectColour(early, 34, 100, BLACK, 'left of A');

    // After the resize: A at 160x90, the quadrants 80x45; where it reached before is black.
    expectColour(last, 80, 62, RED, 'resized A top-left');
    expectColour(last, 160, 62, GREEN, 'resized A top-right');
    expectColour(last, 80, 107, BLUE, 'resized A bottom-left');
    expectColour(last, 160, 107, WHITE, 'resized A bottom-right');
    expectColour(last, 206, 100, BLACK, 'right of resized A');
    expectColour(last, 220, 142, BLACK, 'where A reached before the resize');

    for (const [frame, when] of [
      [early, 'before the resize'],
      [last, 'after the resize'],
    ] as const) {
      // B shows only the clip's bottom half (blue | white), stretched over 280x200: no red or green.
      expectColour(frame, 390, 46, BLUE, `B top-left, ${when}`);
      expectColour(frame, 390, 140, BLUE, `B left half, ${when}`);
      expectColour(frame, 530, 140, WHITE, `B right half, ${when}`);
      expectColour(frame, 594, 234, WHITE, `B just inside its bottom-right corner, ${when}`);
      expectColour(frame, 448, 140, BLUE, `B left of its middle, ${when}`);
      expectColour(frame, 472, 140, WHITE, `B right of its middle, ${when}`);
      expectColour(frame, 312, 140, BLACK, `left of B, ${when}`);
      expectColour(frame, 460, 248, BLACK, `below B, ${when}`);
      // C fills 200x80 from (360, 270).
      expectColour(frame, 366, 276, YELLOW, `C top-left, ${when}`);
      expectColour(frame, 553, 343, YELLOW, `C bottom-right, ${when}`);
      expectColour(frame, 460, 356, BLACK, `below C, ${when}`);
      expectColour(frame, 352, 310, BLACK, `left of C, ${when}`);
      expectColour(frame, 568, 310, BLACK, `right of C, ${when}`);
    }
  });
});
