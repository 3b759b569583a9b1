// The on-air core in a running program (real ffmpeg at 160x90, 25 fps), its clock driven frame by
// frame by a fake time: holds of the layers land on the exact frame in the encoded picture, the
// operator's change during a break airs only when the break lets go, generated scenes are swapped
// between two frames, actions at frames the clock skipped still run, and the lifecycle of a stop.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTime } from '../../../../tests/support/fake-time.ts';
import { FRAME_RATES } from '../compositor/index.ts';
import { resolveFfmpegBinaries } from '../encoder/ffmpeg-binaries.ts';
import { DEFAULT_PROGRAM_FORMAT, type ProgramFormat } from '../encoder/program-format.ts';
import { Logger } from '../log.ts';
import { Program } from './program.ts';

const WIDTH = 160;
const HEIGHT = 90;
const FORMAT: ProgramFormat = {
  ...DEFAULT_PROGRAM_FORMAT,
  width: WIDTH,
  height: HEIGHT,
  frameRate: FRAME_RATES['25'],
  videoBitrateKbps: 300,
  x264Preset: 'ultrafast',
  gopFrames: 25,
};
const quiet = new Logger({ sink: () => {}, level: 'error' });
const SLATE = { width: WIDTH, height: HEIGHT, fontSize: 12, color: '#ffffff', background: '#ffffff' };

const fullFrame = (sceneId: string, sourceId: string) => ({
  id: sceneId,
  layers: [{ id: `${sceneId}:0`, sourceId, rect: { x: 0, y: 0, width: WIDTH, height: HEIGHT }, opacity: 1, visible: true }],
});

/** The mean luma of each encoded frame, in frame order (full-range gray, 1x1). */
function lumaPerFrame(ffmpeg: string, file: string): number[] {
  const decoded = spawnSync(
    ffmpeg,
    ['-v', 'error', '-i', file, '-an', '-fps_mode', 'passthrough', '-vf', 'scale=1:1:flags=area,format=gray', '-f', 'rawvideo', '-'],
    {
      maxBuffer: 1 << 24,
    },
  );
  expect(decoded.status).toBe(0);
  return [...decoded.stdout];
}

/** red ≈ 55, blue ≈ 19, white ≈ 235+, gray #808080 ≈ 128 (BT.709, as the program encodes it). */
function colourOf(y: number): string {
  if (y > 200) return 'white';
  if (y > 100 && y < 160) return 'gray';
  if (y > 40 && y < 70) return 'red';
  if (y < 30) return 'blue';
  return `?${y}`;
}

const ffmpeg = resolveFfmpegBinaries().ffmpeg.path;

describe('the on-air core in a running program (fake clock, real ffmpeg)', () => {
  const time = new FakeTime();
  const chunks: Buffer[] = [];
  const operatorTook: [string | null, number][] = [];
  /** The latest peak of the 'tone' source in the program's mix (post-fader), or null before it exists. */
  let toneDbfs: number | null = null;
  let program: Program;
  let work: string;

  /** Makes `count` frames one at a time, letting the encoder take each. */
  async function step(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      time.advanceFrames(1, FORMAT.frameRate);
      for (let wait = 0; wait < 2000 && program.stats().encoder.backlogFrames > 2; wait++) await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'on-air-test-'));
    program = new Program({
      format: FORMAT,
      ffmpegPath: ffmpeg,
      logger: quiet,
      inlineCompositor: true,
      time,
      onOperatorScene: (sceneId, frame) => operatorTook.push([sceneId, frame]),
      onMeters: (event) => {
        toneDbfs = event.sources.tone?.peakDbfs[0] ?? null;
      },
    });
    program.onTs((chunk) => chunks.push(Buffer.from(chunk)));
    await program.addSource({ id: 'red', kind: 'color', color: '#ff0000', width: WIDTH, height: HEIGHT });
    await program.addSource({ id: 'blue', kind: 'color', color: '#0000ff', width: WIDTH, height: HEIGHT });
    program.setScene(fullFrame('red', 'red'));
    program.setScene(fullFrame('blue', 'blue'));
    await program.setGeneratedText('cue:slate', 'Back soon', SLATE);
    program.setGeneratedScene('cue:break', [{ sourceId: 'cue:slate', x: 0, y: 0 }]);
    program.switchScene({ sceneId: 'red' });
    await program.start();
  }, 30_000);

  afterAll(async () => {
    await program?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** Frame → colour on air, from the encoded TS (stops the program). */
  let colours: string[] = [];
  const marks: Record<string, number> = {};

  it('a break holds from its frame; the operator switches during it; the return airs the operator’s current scene on the exact frame', async () => {
    await step(2);
    const timeline = program.timeline;
    const splice = timeline.frame + 5;
    const operatorSwitch = splice + 3;
    const swap = splice + 4;
    const back = splice + 8;
    Object.assign(marks, { splice, operatorSwitch, swap, back });
    const held: (string | null)[] = [];
    const off = timeline.onFrame((frame) => {
      held[frame] = program.onAirScene();
    });
    timeline.at(splice, { kind: 'hold', layer: 'break', sceneId: 'cue:break' });
    timeline.at(back, { kind: 'hold', layer: 'break', sceneId: null });
    expect(program.switchScene({ sceneId: 'blue', atFrame: operatorSwitch })).toMatchObject({ atFrame: operatorSwitch });
    await step(swap - timeline.frame);
    expect(timeline.frame).toBe(swap);
    expect(program.holding('operator')).toBe('blue');
    expect(program.holding('break')).toBe('cue:break');
    expect(program.onAirScene()).toBe('cue:break');
    // Swapped between frame `swap` and the next: rasterized first, then put in place at once.
    await program.setGeneratedText('cue:slate', 'Back in 0:01', { ...SLATE, color: '#808080', background: '#808080' });
    await step(back + 4 - timeline.frame);
    off();
    expect(held.slice(splice - 1, back + 1)).toEqual([
      'red',
      ...Array(operatorSwitch - splice).fill('cue:break'),
      ...Array(back - operatorSwitch).fill('cue:break'),
      'blue',
    ]);
    expect(program.stats().onAir).toBe('blue');
    expect(operatorTook).toEqual([
      ['red', 0],
      ['blue', operatorSwitch],
    ]);
  }, 30_000);

  it('actions at frames the clock skipped still run, in order, and their holds air from their frame', async () => {
    const timeline = program.timeline;
    const skippedBefore = program.stats().dropReasons.skipped;
    const first = timeline.frame + 2;
    const ran: number[] = [];
    timeline.at(first, { kind: 'call', run: (frame) => ran.push(frame) });
    timeline.at(first + 1, { kind: 'hold', layer: 'playout', sceneId: 'red' });
    timeline.at(first + 1, { kind: 'call', run: (frame) => ran.push(frame) });
    timeline.at(first + 4, {
      kind: 'call',
      run: () => {
        throw new Error('a bug in a deck');
      },
    });
    timeline.at(first + 4, { kind: 'call', run: (frame) => ran.push(frame) });
    // The clock jumps 12 frames: all but the last few come flagged skip.
    time.jumpFrames(12, FORMAT.frameRate);
    expect(program.stats().dropReasons.skipped).toBeGreaterThan(skippedBefore);
    expect(ran).toEqual([first, first + 1, first + 4]);
    expect(program.holding('playout')).toBe('red');
    expect(program.stats().onAir).toBe('red');
    marks.skippedFrom = first;
    await step(3);
  }, 30_000);

  it('an overlay (a crawl) airs over what the layers below air, follows it when it changes, and goes with its layer', async () => {
    await program.setGeneratedText('alert:band', 'ALERT', { width: WIDTH, height: HEIGHT / 2, fontSize: 12, color: '#ffffff', background: '#ffffff' });
    program.setGeneratedScene('alert:crawl', [{ sourceId: 'alert:band', x: 0, y: HEIGHT / 2 }], { overBelow: true });
    const timeline = program.timeline;
    const crawlFrom = timeline.frame + 2;
    const playoutRelease = crawlFrom + 3;
    const crawlEnd = crawlFrom + 6;
    Object.assign(marks, { crawlFrom, playoutRelease, crawlEnd });
    timeline.at(crawlFrom, { kind: 'hold', layer: 'alert', sceneId: 'alert:crawl' });
    timeline.at(playoutRelease, { kind: 'hold', layer: 'playout', sceneId: null });
    timeline.at(crawlEnd, { kind: 'hold', layer: 'alert', sceneId: null });
    await step(crawlFrom + 1 - timeline.frame);
    expect(program.onAirScene()).toBe('alert:crawl');
    expect(program.stats().onAir).toBe('red');
    await step(crawlEnd + 2 - timeline.frame);
    expect(program.onAirScene()).toBe('blue');
    await program.removeGenerated('alert:crawl');
    await program.removeGenerated('alert:band');
  }, 30_000);

  it('audio follows the picture: a decoding source is in the mix while a scene showing it airs, and silent otherwise', async () => {
    await program.addSource({ id: 'tone', kind: 'test_pattern', toneHz: 1000, width: WIDTH, height: HEIGHT });
    program.setScene(fullFrame('tone', 'tone'));
    /** Makes frames (letting the decoder run in real time) until `test` holds; false if it never did. */
    const stepUntil = async (test: () => boolean): Promise<boolean> => {
      for (let i = 0; i < 400; i++) {
        if (test()) return true;
        await step(1);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return test();
    };
    // Not on air (blue airs): silent in the mix, however long the decoder has been feeding it.
    await stepUntil(() => program.sourceStatus('tone')?.state === 'running');
    await step(10);
    expect(toneDbfs).toBeLessThanOrEqual(-100);
    program.switchScene({ sceneId: 'tone' });
    expect(await stepUntil(() => toneDbfs !== null && toneDbfs > -40)).toBe(true);
    // Covered by a break: the slate airs, the tone leaves the mix with it.
    const timeline = program.timeline;
    timeline.at(timeline.frame + 1, { kind: 'hold', layer: 'break', sceneId: 'cue:break' });
    expect(await stepUntil(() => toneDbfs !== null && toneDbfs <= -100)).toBe(true);
    timeline.at(timeline.frame + 1, { kind: 'hold', layer: 'break', sceneId: null });
    expect(await stepUntil(() => toneDbfs !== null && toneDbfs > -40)).toBe(true);
    program.switchScene({ sceneId: 'blue' });
    await step(1);
    await program.removeSource('tone');
  }, 60_000);

  it('the T-bar: a mix held where the hand leaves it, refused while a break holds the air and ended by it, completed on the next frame at 1', async () => {
    const timeline = program.timeline;
    expect(program.holding('operator')).toBe('blue');
    // Red half over blue, held over several frames (not a fade running on).
    expect(program.setTbar('red', 0.5)).toEqual({ sceneId: 'red', position: 0.5, atFrame: null });
    const tbarFrom = timeline.frame + 1;
    await step(4);
    const tbarTo = timeline.frame;
    // A break takes the air: the T-bar's mix ends with it, and the T-bar is refused while it holds.
    timeline.at(timeline.frame + 1, { kind: 'hold', layer: 'break', sceneId: 'cue:break' });
    await step(2);
    expect(() => program.setTbar('red', 0.3)).toThrow(expect.objectContaining({ code: 'CONFLICT', field: 'sceneId' }));
    timeline.at(timeline.frame + 1, { kind: 'hold', layer: 'break', sceneId: null });
    await step(2);
    const afterBreak = timeline.frame;
    expect(program.onAirScene()).toBe('blue');
    // All the way: red from the next frame, the operator's scene from then on.
    const { atFrame } = program.setTbar('red', 1);
    expect(atFrame).toBe(timeline.frame + 1);
    await step(3);
    expect(program.holding('operator')).toBe('red');
    expect(() => program.setTbar('nope', 0.5)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => program.setTbar('blue', 1.5)).toThrow(expect.objectContaining({ field: 'position' }));
    Object.assign(marks, { tbarFrom, tbarTo, afterBreak, tbarComplete: atFrame });
  }, 30_000);

  it('the encoded picture: red, the slate from the splice frame, its new text from the frame after the swap, blue on the return frame; the crawl', async () => {
    await program.stop();
    const file = path.join(work, 'program.ts');
    writeFileSync(file, Buffer.concat(chunks));
    const luma = lumaPerFrame(ffmpeg, file);
    colours = luma.map(colourOf);
    const { splice, swap, back } = marks as { splice: number; swap: number; back: number };
    expect(colours.slice(0, splice)).toEqual(Array(splice).fill('red'));
    expect(colours.slice(splice, swap + 1)).toEqual(Array(swap + 1 - splice).fill('white'));
    expect(colours.slice(swap + 1, back)).toEqual(Array(back - swap - 1).fill('gray'));
    expect(colours[back]).toBe('blue');
    // The crawl: the bottom half white over red, then over blue, then gone (mean luma of the frame).
    const { crawlFrom, playoutRelease, crawlEnd } = marks as { crawlFrom: number; playoutRelease: number; crawlEnd: number };
    const red = luma[0]!;
    const white = luma[splice]!;
    const blue = luma[back]!;
    const near = (value: number, expected: number) => Math.abs(value - expected) <= 6;
    expect(near(luma[crawlFrom - 1]!, red)).toBe(true);
    for (let n = crawlFrom; n < playoutRelease; n++) expect(near(luma[n]!, (red + white) / 2)).toBe(true);
    for (let n = playoutRelease; n < crawlEnd; n++) expect(near(luma[n]!, (blue + white) / 2)).toBe(true);
    expect(near(luma[crawlEnd]!, blue)).toBe(true);
    // The T-bar at half: red at 128/255 over blue on every frame it was held; blue again after the
    // break that ended it; red alone from the frame the completion named, with no frame between.
    const { tbarFrom, tbarTo, afterBreak, tbarComplete } = marks as { tbarFrom: number; tbarTo: number; afterBreak: number; tbarComplete: number };
    expect(near(luma[tbarFrom - 1]!, blue)).toBe(true);
    for (let n = tbarFrom; n <= tbarTo; n++) expect(near(luma[n]!, (red * 128 + blue * 127) / 255), `T-bar frame ${n}: ${luma[n]}`).toBe(true);
    expect(near(luma[afterBreak]!, blue)).toBe(true);
    expect(colours[tbarComplete - 1]).toBe('blue');
    expect(colours[tbarComplete]).toBe('red');
  }, 30_000);
});
