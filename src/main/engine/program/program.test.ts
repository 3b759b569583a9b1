// Program at its public seams: the frame/IDR/PTS arithmetic, the refusals of sources, scenes and
// switches, and, with the machine's ffmpeg at 160x90 and 25 fps, scene switches that land on the
// frame asked for and SCTE-35 copies each reported as they leave.
// (Switch queue bounds and output-stall accounting have their own specs.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAME_RATES } from '../compositor/index.ts';
import { resolveFfmpegBinaries } from '../encoder/ffmpeg-binaries.ts';
import { DEFAULT_PROGRAM_FORMAT, type ProgramFormat } from '../encoder/program-format.ts';
import { Logger } from '../log.ts';
import { buildCueOut, buildSpliceNull, encodeSection } from '../scte35/index.ts';
import { Program, type CueSent, type ProgramOptions } from './program.ts';

const WIDTH = 160;
const HEIGHT = 90;
const GOP = 25;
const FORMAT: ProgramFormat = {
  ...DEFAULT_PROGRAM_FORMAT,
  width: WIDTH,
  height: HEIGHT,
  frameRate: FRAME_RATES['25'],
  videoBitrateKbps: 300,
  x264Preset: 'ultrafast',
  gopFrames: GOP,
};
const quiet = new Logger({ sink: () => {}, level: 'error' });

function newProgram(overrides: Partial<ProgramOptions> = {}): Program {
  return new Program({ format: FORMAT, ffmpegPath: 'ffmpeg', logger: quiet, inlineCompositor: true, ...overrides });
}

const fullFrame = (sceneId: string, sourceId: string) => ({
  id: sceneId,
  layers: [{ id: `${sceneId}:0`, sourceId, rect: { x: 0, y: 0, width: WIDTH, height: HEIGHT }, opacity: 1, visible: true }],
});

describe('Program before it runs', () => {
  it('refuses an odd size (BAD_FORMAT on width)', () => {
    expect(() => newProgram({ format: { ...FORMAT, width: 161 } })).toThrow(expect.objectContaining({ code: 'BAD_FORMAT', field: 'width' }));
  });

  it('nextIdrFrames: the next multiples of the GOP at or after a frame, from frame 0 before the first tick', async () => {
    const program = newProgram();
    try {
      expect(program.frame).toBe(-1);
      expect(program.nextIdrFrames(3)).toEqual([0, 25, 50]);
      expect(program.nextIdrFrames(2, 25)).toEqual([25, 50]);
      expect(program.nextIdrFrames(2, 26)).toEqual([50, 75]);
      expect(program.nextIdrFrames(1, -40)).toEqual([0]);
      expect(program.nextIdrFrames(0)).toEqual([]);
      const sixty = newProgram({ format: { ...FORMAT, gopFrames: 60 } });
      expect(sixty.nextIdrFrames(3, 61)).toEqual([120, 180, 240]);
      await sixty.close();
    } finally {
      await program.close();
    }
  });

  it('has no PTS for any frame until its TS carries video, and reports a stopped state', async () => {
    const program = newProgram();
    try {
      expect(program.ptsOfFrame(0)).toBeNull();
      expect(program.ptsOfFrame(1000)).toBeNull();
      expect(program.running).toBe(false);
      expect(program.stats()).toMatchObject({ running: false, frame: -1, firstPts: null, onAir: null, tsBytesOut: 0, encoderRestarts: 0, framesComposed: 0 });
    } finally {
      await program.close();
    }
  });

  it('refuses a second source with an id in use (CONFLICT on id), static or not', async () => {
    const program = newProgram();
    try {
      await program.addSource({ id: 'a', kind: 'color', color: '#ff0000', width: WIDTH, height: HEIGHT });
      await expect(program.addSource({ id: 'a', kind: 'text', text: 'again', width: 64, height: 36 })).rejects.toMatchObject({ code: 'CONFLICT', field: 'id' });
      await expect(program.addSource({ id: 'b', kind: 'image', path: '/nonexistent/logo.png', width: 64, height: 36 })).rejects.toMatchObject({
        code: 'SOURCE_FAILED',
        message: expect.stringContaining('source b'),
      });
      // The failed one left nothing behind: its id is free.
      await program.addSource({ id: 'b', kind: 'color', color: '#0000ff', width: 64, height: 36 });
      expect(await program.removeSource('b')).toBe(true);
      expect(await program.removeSource('b')).toBe(false);
      expect(await program.removeSource('never')).toBe(false);
    } finally {
      await program.close();
    }
  });

  it('refuses a scene using an unknown source (NOT_FOUND on layers) and does not keep it', async () => {
    const program = newProgram();
    try {
      await program.addSource({ id: 'red', kind: 'color', color: '#ff0000', width: WIDTH, height: HEIGHT });
      expect(() => program.setScene(fullFrame('s', 'ghost'))).toThrow(
        expect.objectContaining({ code: 'NOT_FOUND', field: 'layers', message: expect.stringContaining('ghost') }),
      );
      expect(() => program.switchScene({ sceneId: 's' })).toThrow(expect.objectContaining({ code: 'NOT_FOUND', field: 'sceneId' }));
      program.setScene(fullFrame('s', 'red'));
      expect(program.switchScene({ sceneId: 's', atFrame: 10 })).toMatchObject({ sceneId: 's', atFrame: 10, transition: { kind: 'cut' } });
      expect(program.removeScene('s')).toBe(true);
      expect(() => program.switchScene({ sceneId: 's' })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    } finally {
      await program.close();
    }
  });

  it('a switch the switcher refuses becomes BAD_SWITCH (a client error), keeping the cause', async () => {
    const program = newProgram();
    try {
      await program.addSource({ id: 'red', kind: 'color', color: '#ff0000', width: WIDTH, height: HEIGHT });
      program.setScene(fullFrame('s', 'red'));
      let caught: unknown;
      try {
        program.switchScene({ sceneId: 's', transition: { kind: 'fade', frames: 0 } });
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ code: 'BAD_SWITCH', apiCode: 'BAD_ARGUMENT', message: expect.stringContaining('fade') });
      expect((caught as Error).cause).toMatchObject({ field: 'transition.frames' });
    } finally {
      await program.close();
    }
  });

  it('refuses a cue that is not a splice_info_section', async () => {
    const program = newProgram();
    try {
      expect(() => program.queueCue(new Uint8Array([0xfc, 0x30, 0x00]))).toThrow(expect.objectContaining({ code: 'BAD_SECTION' }));
    } finally {
      await program.close();
    }
  });
});

describe('Program running (real ffmpeg, 160x90 at 25 fps)', () => {
  const ffmpeg = resolveFfmpegBinaries().ffmpeg.path;
  let program: Program;
  const chunks: Buffer[] = [];
  const sent: CueSent[] = [];
  let work: string;
  /** The frame a cut to blue was scheduled at. */
  let cutAt = -1;
  /** The first frame of a five-frame fade back to red. */
  let fadeAt = -1;
  const FADE_FRAMES = 5;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'program-test-'));
    program = new Program({ format: FORMAT, ffmpegPath: ffmpeg, logger: quiet, inlineCompositor: true, onCueSent: (cue) => sent.push(cue) });
    program.onTs((chunk) => chunks.push(Buffer.from(chunk)));
    await program.addSource({ id: 'red', kind: 'color', color: '#ff0000', width: WIDTH, height: HEIGHT });
    await program.addSource({ id: 'blue', kind: 'color', color: '#0000ff', width: WIDTH, height: HEIGHT });
    program.setScene(fullFrame('red', 'red'));
    program.setScene(fullFrame('blue', 'blue'));
    program.switchScene({ sceneId: 'red' });
    await program.start();
  }, 30_000);

  afterAll(async () => {
    await program?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('frame PTS: one frame apart is 90000/25 ticks, once the TS carries video', async () => {
    await expect.poll(() => program.ptsOfFrame(0), { timeout: 10_000 }).not.toBeNull();
    const first = program.ptsOfFrame(0)!;
    expect(program.stats().firstPts).toBe(first);
    expect(program.ptsOfFrame(1)! - first).toBe(3600);
    expect(program.ptsOfFrame(250)! - first).toBe(250 * 3600);
    const next = program.nextIdrFrames(2);
    expect(next[0]! % GOP).toBe(0);
    expect(next[0]!).toBeGreaterThan(program.frame);
    expect(next[1]! - next[0]!).toBe(GOP);
  });

  it('a cut asked for frame N: not on air before, on air from N; asked for a frame already made, refused', async () => {
    await expect.poll(() => program.stats().onAir, { timeout: 10_000 }).toBe('red');
    cutAt = program.frame + 20;
    expect(program.switchScene({ sceneId: 'blue', atFrame: cutAt })).toMatchObject({ atFrame: cutAt });
    expect(program.stats().onAir).toBe('red');
    expect(() => program.switchScene({ sceneId: 'red', atFrame: Math.max(0, program.frame - 1) })).toThrow(
      expect.objectContaining({ code: 'BAD_SWITCH', field: 'atFrame', message: expect.stringContaining('already composed') }),
    );
    await expect.poll(() => program.frame >= cutAt, { timeout: 10_000 }).toBe(true);
    expect(program.stats().onAir).toBe('blue');
  });

  it('a fade: the target scene is on air once it starts', async () => {
    fadeAt = program.frame + 5;
    const at = fadeAt;
    expect(program.switchScene({ sceneId: 'red', atFrame: at, transition: { kind: 'fade', frames: FADE_FRAMES } })).toMatchObject({
      transition: { kind: 'fade', frames: FADE_FRAMES },
    });
    await expect.poll(() => program.frame >= at + FADE_FRAMES, { timeout: 10_000 }).toBe(true);
    expect(program.stats().onAir).toBe('red');
  });

  it('reports every copy of a timed cue as it leaves (copy 1, 2, ...), and an immediate one as itself', async () => {
    const spliceFrame = program.frame + 40;
    const splicePts = program.ptsOfFrame(spliceFrame)!;
    const cue = encodeSection(buildCueOut({ eventId: 7, ptsTime: splicePts, durationTicks: 30 * 90_000 }));
    program.queueCue(cue);
    await expect.poll(() => sent.filter((s) => s.splicePts === splicePts).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    const copies = sent.filter((s) => s.splicePts === splicePts);
    expect(copies.map((copy) => copy.copy)).toEqual(copies.map((_, i) => i + 1));
    for (const copy of copies) {
      expect(Buffer.from(copy.section).equals(Buffer.from(cue))).toBe(true);
      expect(copy.heartbeat).toBe(false);
      expect(copy.clockPts).toBeGreaterThan(0);
    }

    const immediate = encodeSection(buildSpliceNull());
    const before = sent.length;
    program.queueCue(immediate);
    await expect.poll(() => sent.slice(before).some((s) => Buffer.from(s.section).equals(Buffer.from(immediate))), { timeout: 10_000 }).toBe(true);
    const reported = sent.slice(before).find((s) => Buffer.from(s.section).equals(Buffer.from(immediate)))!;
    expect(reported).toMatchObject({ splicePts: null, copy: 1, heartbeat: false });
  });

  it('the TS shows the cut on frame N (no earlier, no later than the frames the clock skipped) and the fade frame by frame', async () => {
    expect(cutAt).toBeGreaterThan(0);
    await program.stop();
    const skipped = program.stats().dropReasons.skipped;
    const file = path.join(work, 'program.ts');
    writeFileSync(file, Buffer.concat(chunks));
    // One luma byte per frame: the mean of an 1x1 downscale of the whole picture, every frame kept.
    const decoded = spawnSync(
      ffmpeg,
      ['-v', 'error', '-i', file, '-an', '-fps_mode', 'passthrough', '-vf', 'scale=1:1:flags=area,format=gray', '-f', 'rawvideo', '-'],
      { maxBuffer: 1 << 24 },
    );
    expect(decoded.status).toBe(0);
    const luma = [...decoded.stdout];
    expect(luma.length).toBeGreaterThan(cutAt + 5);
    // BT.709 red is Y≈55 and blue Y≈19 in full-range gray: told apart at 37.
    const isBlue = luma.map((y) => y < 37);
    const firstBlue = isBlue.indexOf(true);
    expect(isBlue.slice(0, cutAt).every((blue) => !blue)).toBe(true);
    expect(firstBlue).toBeGreaterThanOrEqual(cutAt);
    expect(firstBlue).toBeLessThanOrEqual(cutAt + skipped);

    // The fade back to red: blue until it starts, then brighter each frame (never darker), red on its last frame.
    expect(fadeAt).toBeGreaterThan(cutAt);
    expect(luma.length).toBeGreaterThan(fadeAt + FADE_FRAMES + skipped);
    expect(luma.slice(cutAt + skipped, fadeAt).every((y) => y < 37)).toBe(true);
    const fade = luma.slice(fadeAt, fadeAt + FADE_FRAMES + skipped);
    for (let i = 1; i < fade.length; i++) expect(fade[i]!).toBeGreaterThanOrEqual(fade[i - 1]!);
    const red = luma[0]!;
    const blue = luma[firstBlue]!;
    expect(fade.filter((y) => y > blue + 3 && y < red - 3).length).toBeGreaterThanOrEqual(FADE_FRAMES - 1 - skipped);
    expect(luma.slice(fadeAt + FADE_FRAMES - 1 + skipped).every((y) => Math.abs(y - red) <= 3)).toBe(true);
  }, 20_000);
});
