// `npm run bench -- compositor [--frames N] [--workers N] [--realtime-seconds S] [--sharp-frames N] [--scaled-frames N]`
// 1080p program: a full-frame live base, a 300x120 logo with alpha and a 1920x200 lower third
// (text on a translucent box), composed in I420 through the worker pool. References in the same
// run: a plain Buffer.copy of one 1080p I420 frame, the same composition inline on one thread,
// and sharp compositing the same layers in RGBA.
// The scaled case (#13): two video layers scaled per frame by the wasm scale kernel (a 1280x720
// source drawn full frame at 1920x1080, a 1920x1080 source drawn as a 960x540 picture-in-picture)
// under the same two static overlays; target ≤ 2 ms per frame.
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { Compositor } from '../src/main/engine/compositor/compositor.ts';
import { WorkerExecutor } from '../src/main/engine/compositor/executor.ts';
import { FRAME_RATES, FrameTicker } from '../src/main/engine/compositor/frame-clock.ts';
import { frameLayout } from '../src/main/engine/compositor/frame-pool.ts';
import type { FrameSlot } from '../src/main/engine/compositor/frame-pool.ts';
import { rasterizeImage, rasterizeText } from '../src/main/engine/compositor/raster.ts';
import type { VideoSourceInput } from '../src/main/engine/compositor/sources.ts';
import { fillPseudoRandom } from '../tests/support/compositor.ts';

const WIDTH = 1920;
const HEIGHT = 1080;
const LOGO = { width: 300, height: 120 };
const THIRD = { width: 1920, height: 200 };

function option(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  return Number.isFinite(value) ? value : fallback;
}

function summary(samples: number[]): { mean: number; p50: number; p95: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const round = (v: number): number => Math.round(v * 1000) / 1000;
  return { mean: round(samples.reduce((s, v) => s + v, 0) / samples.length), p50: round(at(0.5)), p95: round(at(0.95)), max: round(sorted.at(-1)!) };
}

const logoSvg = Buffer.from(
  `<svg xmlns="http://www.w3.org/2000/svg" width="${LOGO.width}" height="${LOGO.height}">` +
    `<rect x="4" y="4" width="292" height="112" rx="24" fill="rgba(200,30,40,0.85)"/>` +
    `<text x="150" y="78" font-family="DejaVu Sans" font-size="56" font-weight="bold" fill="#fff" text-anchor="middle">LIVE</text></svg>`,
);

interface Program {
  compositor: Compositor;
  feed: () => void;
}

/** Scaled-case target: compose ≤ 2 ms per frame at 1080p30 (issue #13). */
const SCALED_TARGET_MS = 2;

/** Two scaled video layers and two static overlays; the inputs' slots are filled once, re-published per tick. */
async function buildScaledProgram(onFrame: (n: number, frame: FrameSlot | null) => void, executor?: WorkerExecutor): Promise<Program> {
  const compositor = executor
    ? new Compositor({ width: WIDTH, height: HEIGHT, executor, onFrame: (n, f) => onFrame(n, f) })
    : Compositor.inline({ width: WIDTH, height: HEIGHT, onFrame: (n, f) => onFrame(n, f) });
  const wide: VideoSourceInput = compositor.openVideoInput('camera720', { width: 1280, height: 720 });
  const pip: VideoSourceInput = compositor.openVideoInput('camera1080', { width: WIDTH, height: HEIGHT });
  for (const input of [wide, pip]) for (const slot of input.pool.slots) fillPseudoRandom(slot.i420, 11 + slot.index);
  compositor.setStaticSource('logo', await rasterizeImage(logoSvg, LOGO.width, LOGO.height));
  compositor.setStaticSource(
    'third',
    await rasterizeText('Breaking: the compositor scales in YUV', THIRD.width, THIRD.height, { fontSize: 64, background: 'rgba(10,20,60,0.7)', padding: 60 }),
  );
  compositor.setScene({
    id: 'program',
    layers: [
      { id: 'wide', sourceId: 'camera720', rect: { x: 0, y: 0, width: WIDTH, height: HEIGHT }, opacity: 1, visible: true, scaled: true },
      { id: 'pip', sourceId: 'camera1080', rect: { x: WIDTH - 960 - 60, y: 60, width: 960, height: 540 }, opacity: 1, visible: true, scaled: true },
      { id: 'logo', sourceId: 'logo', rect: { x: 60, y: 50, ...LOGO }, opacity: 0.9, visible: true, scaled: true },
      { id: 'third', sourceId: 'third', rect: { x: 0, y: HEIGHT - THIRD.height - 80, ...THIRD }, opacity: 1, visible: true, scaled: true },
    ],
  });
  compositor.switchScene({ sceneId: 'program' });
  const feed = (): void => {
    for (const input of [wide, pip]) {
      const slot = input.acquire();
      if (slot) input.publish(slot);
    }
  };
  return { compositor, feed };
}

/** The scene, on any executor. The base input's slots are filled once; per tick one is re-published. */
async function buildProgram(onFrame: (n: number, frame: FrameSlot | null) => void, executor?: WorkerExecutor): Promise<Program> {
  const compositor = executor
    ? new Compositor({ width: WIDTH, height: HEIGHT, executor, onFrame: (n, f) => onFrame(n, f) })
    : Compositor.inline({ width: WIDTH, height: HEIGHT, onFrame: (n, f) => onFrame(n, f) });
  const base: VideoSourceInput = compositor.openVideoInput('camera', { width: WIDTH, height: HEIGHT });
  for (const slot of base.pool.slots) fillPseudoRandom(slot.i420, 1 + slot.index);
  compositor.setStaticSource('logo', await rasterizeImage(logoSvg, LOGO.width, LOGO.height));
  compositor.setStaticSource(
    'third',
    await rasterizeText('Breaking: the compositor runs in YUV', THIRD.width, THIRD.height, { fontSize: 64, background: 'rgba(10,20,60,0.7)', padding: 60 }),
  );
  compositor.setScene({
    id: 'program',
    layers: [
      { id: 'camera', sourceId: 'camera', rect: { x: 0, y: 0, width: WIDTH, height: HEIGHT }, opacity: 1, visible: true },
      { id: 'logo', sourceId: 'logo', rect: { x: WIDTH - LOGO.width - 60, y: 50, ...LOGO }, opacity: 0.9, visible: true },
      { id: 'third', sourceId: 'third', rect: { x: 0, y: HEIGHT - THIRD.height - 80, ...THIRD }, opacity: 1, visible: true },
    ],
  });
  compositor.switchScene({ sceneId: 'program' });
  const feed = (): void => {
    const slot = base.acquire();
    if (slot) base.publish(slot); // pixels already there: the decoder's copy is not the compositor's cost
  };
  return { compositor, feed };
}

/** Where frames come out: the last frame index, when, and a waiter to wake. */
interface Done {
  n: number;
  at: number;
  wake: (() => void) | null;
}

function frameDone(n: number, frame: FrameSlot | null, done: Done): void {
  done.n = n;
  done.at = performance.now();
  if (frame) frame.pool.release(frame.index);
  const wake = done.wake;
  done.wake = null;
  wake?.();
}

/** Waits (without spinning) until frame `n` has come out. */
async function until(done: Done, n: number): Promise<void> {
  while (done.n < n) await new Promise<void>((resolve) => (done.wake = resolve));
}

/** Frames back to back, one in flight: latency per frame (tick → frame out). */
async function latency(program: Program, frames: number, done: Done): Promise<number[]> {
  const times: number[] = [];
  const first = program.compositor.switcher.nextFrame;
  for (let n = first; n < first + frames; n++) {
    program.feed();
    const start = performance.now();
    program.compositor.tick(n);
    await until(done, n);
    times.push(done.at - start);
  }
  return times;
}

/**
 * Frames as fast as the pool takes them (plan slots kept full): sustainable frames per second,
 * and CPU per frame: the whole process, and this (main) thread's share of it; the rest is the
 * blend workers.
 */
async function throughput(program: Program, frames: number, done: Done): Promise<{ fps: number; cpuMsPerFrame: number; mainThreadCpuMsPerFrame: number }> {
  const firstFrame = program.compositor.switcher.nextFrame;
  const cpu = process.cpuUsage();
  const mainCpu = process.threadCpuUsage();
  const start = performance.now();
  const inFlightMax = program.compositor.executor.planSlots;
  let n = firstFrame;
  while (n < firstFrame + frames) {
    if (n - done.n - 1 >= inFlightMax) {
      await until(done, n - inFlightMax);
      continue;
    }
    program.feed();
    program.compositor.tick(n++);
  }
  await until(done, n - 1);
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const main = process.threadCpuUsage(mainCpu);
  const msPerFrame = (usage: { user: number; system: number }): number => Math.round(((usage.user + usage.system) / 1000 / frames) * 1000) / 1000;
  return { fps: Math.round((frames / wall) * 10_000) / 10, cpuMsPerFrame: msPerFrame(used), mainThreadCpuMsPerFrame: msPerFrame(main) };
}

export default async function compositorBench(args: string[]): Promise<object> {
  const frames = option(args, 'frames', 300);
  const workers = option(args, 'workers', 2);
  const realtimeSeconds = option(args, 'realtime-seconds', 10);
  const sharpFrames = option(args, 'sharp-frames', 30);
  const scaledFrames = option(args, 'scaled-frames', frames);
  const layout = frameLayout(WIDTH, HEIGHT);

  // Reference 1: one plain copy of a 1080p I420 frame.
  const src = Buffer.alloc(layout.i420Bytes);
  const dst = Buffer.alloc(layout.i420Bytes);
  fillPseudoRandom(src, 3);
  const copyTimes: number[] = [];
  for (let i = 0; i < 30 + frames; i++) {
    const start = performance.now();
    src.copy(dst);
    if (i >= 30) copyTimes.push(performance.now() - start);
  }

  // Worker pool.
  const done: Done = { n: -1, at: 0, wake: null };
  const onFrame = (n: number, frame: FrameSlot | null): void => frameDone(n, frame, done);
  const executor = new WorkerExecutor({ layout, workers });
  const pooled = await buildProgram(onFrame, executor);
  await latency(pooled, 30, done); // warm-up: workers start, JIT settles
  const workerLatency = await latency(pooled, frames, done);
  const workerThroughput = await throughput(pooled, frames, done);
  const pooledStats = pooled.compositor.stats();

  // Real time: the frame clock drives the same program for a while; drops and skips counted.
  let realtime: object | undefined;
  if (realtimeSeconds > 0) {
    let next = pooled.compositor.switcher.nextFrame;
    const ticker = new FrameTicker(FRAME_RATES['30'], (tick) => {
      pooled.feed();
      pooled.compositor.tick(next++, tick.skip);
    });
    const before = pooled.compositor.stats();
    ticker.start();
    await new Promise((resolve) => setTimeout(resolve, realtimeSeconds * 1000));
    ticker.stop();
    const after = pooled.compositor.stats();
    const t = ticker.stats();
    realtime = {
      seconds: realtimeSeconds,
      ticks: t.ticks,
      late_ticks: t.lateTicks,
      skipped_frames: t.skippedFrames,
      max_late_ms: Math.round(t.maxLateNs / 1e4) / 100,
      dropped_busy: after.dropped.busy - before.dropped.busy,
      dropped_pool: after.dropped.poolExhausted - before.dropped.poolExhausted,
      repeated_output: after.repeatedOutput - before.repeatedOutput,
    };
  }
  await pooled.compositor.close();

  // The scaled case: on the worker pool (ms per frame, one in flight, and pipelined CPU), and inline on one thread.
  let scaled: object | undefined;
  if (scaledFrames > 0) {
    const scaledDone: Done = { n: -1, at: 0, wake: null };
    const scaledProgram = await buildScaledProgram((n, frame) => frameDone(n, frame, scaledDone), new WorkerExecutor({ layout, workers }));
    await latency(scaledProgram, 30, scaledDone);
    const scaledLatency = summary(await latency(scaledProgram, scaledFrames, scaledDone));
    const scaledThroughput = await throughput(scaledProgram, scaledFrames, scaledDone);
    const scaledStats = scaledProgram.compositor.stats();
    await scaledProgram.compositor.close();
    const scaledInlineDone: Done = { n: -1, at: 0, wake: null };
    const scaledInline = await buildScaledProgram((n, frame) => frameDone(n, frame, scaledInlineDone));
    await latency(scaledInline, 10, scaledInlineDone);
    const scaledInlineTimes = summary(await latency(scaledInline, Math.min(scaledFrames, 120), scaledInlineDone));
    await scaledInline.compositor.close();
    scaled = {
      layers: [
        'video 1280x720 scaled to 1920x1080 (full frame)',
        'video 1920x1080 scaled to 960x540 (picture in picture)',
        `logo ${LOGO.width}x${LOGO.height} alpha, opacity 0.9`,
        `lower third ${THIRD.width}x${THIRD.height} alpha`,
      ],
      frames: scaledFrames,
      worker_pool: {
        ms_per_frame: scaledLatency,
        frames_per_s_pipelined: scaledThroughput.fps,
        cpu_ms_per_frame: scaledThroughput.cpuMsPerFrame,
        main_thread_cpu_ms_per_frame: scaledThroughput.mainThreadCpuMsPerFrame,
        dropped: scaledStats.dropped,
      },
      inline_one_thread_ms: scaledInlineTimes,
      target_ms_per_frame: SCALED_TARGET_MS,
      within_target: scaledLatency.p50 <= SCALED_TARGET_MS,
    };
  }

  // Reference 2: the same composition on this thread alone.
  const inlineDone: Done = { n: -1, at: 0, wake: null };
  const inline = await buildProgram((n, frame) => frameDone(n, frame, inlineDone));
  await latency(inline, 10, inlineDone);
  const inlineTimes = await latency(inline, Math.min(frames, 120), inlineDone);
  await inline.compositor.close();

  // Reference 3: sharp compositing the same layers in RGBA (what DESIGN.md measured at ~15 ms).
  let sharpRef: object | undefined;
  if (sharpFrames > 0) {
    const baseRgba = Buffer.alloc(WIDTH * HEIGHT * 4);
    fillPseudoRandom(baseRgba, 9);
    const logoPng = await sharp(logoSvg).png().toBuffer();
    const thirdPng = await sharp(
      Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${THIRD.width}" height="${THIRD.height}"><rect width="100%" height="100%" fill="rgba(10,20,60,0.7)"/><text x="60" y="120" font-size="64" fill="#fff">Breaking</text></svg>`,
      ),
    )
      .png()
      .toBuffer();
    const times: number[] = [];
    for (let i = 0; i < sharpFrames + 3; i++) {
      const start = performance.now();
      await sharp(baseRgba, { raw: { width: WIDTH, height: HEIGHT, channels: 4 } })
        .composite([
          { input: logoPng, left: WIDTH - LOGO.width - 60, top: 50 },
          { input: thirdPng, left: 0, top: HEIGHT - THIRD.height - 80 },
        ])
        .raw()
        .toBuffer();
      if (i >= 3) times.push(performance.now() - start);
    }
    sharpRef = { frames: sharpFrames, ms_per_frame: summary(times) };
  }

  const workerSummary = summary(workerLatency);
  return {
    size: `${WIDTH}x${HEIGHT}`,
    pix_fmt: 'yuv420p',
    layers: ['base 1920x1080 live', `logo ${LOGO.width}x${LOGO.height} alpha, opacity 0.9`, `lower third ${THIRD.width}x${THIRD.height} alpha`],
    frames,
    workers,
    worker_pool: {
      ms_per_frame: workerSummary,
      frames_per_s_one_in_flight: Math.round((1000 / workerSummary.mean) * 10) / 10,
      frames_per_s_pipelined: workerThroughput.fps,
      cpu_ms_per_frame: workerThroughput.cpuMsPerFrame,
      main_thread_cpu_ms_per_frame: workerThroughput.mainThreadCpuMsPerFrame,
      blend_workers_cpu_ms_per_frame: Math.round((workerThroughput.cpuMsPerFrame - workerThroughput.mainThreadCpuMsPerFrame) * 1000) / 1000,
      dropped: pooledStats.dropped,
    },
    realtime_30fps: realtime,
    scaled_two_video_two_static: scaled,
    reference_buffer_copy_ms: summary(copyTimes),
    reference_inline_one_thread_ms: summary(inlineTimes),
    reference_sharp_rgba_composite: sharpRef,
    budget_ms_at_30fps: 33.333,
  };
}
