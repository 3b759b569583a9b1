// `npm run bench -- playout [--seconds N] [--size 1280x720] [--fps 30] [--clip-seconds S]`
// (default 60 s at 1280x720@30, clips of 10 s)
//
// The playout from files, end to end: three H.264/AAC clips (made here, each frame's clip and frame
// number in its pixels) played back to back, in a loop, from an in-memory plan by the Playout over
// a real Program (real clock, the worker compositor, DEFAULT_PROGRAM_FORMAT's x264 settings); the
// TS is counted and discarded. No break at chapter marks: the reference below has none either.
//
// Figures:
// - CPU per output second, against ONE plain ffmpeg playing the same files in the same order
//   (the concat demuxer, read at its native rate with -re) with the very output options
//   encoderArgs() gives the studio's encoder: the ratio. The reference runs before the studio;
//   CPU is from /proc, as bench/pipeline.ts measures it (this process + reaped children; the
//   reference's children only).
// - Frames off at every switch: the composed frames from each piece's start frame must show that
//   clip's frame (n − start); frames off = how late they are (target 0). Frames the compositor
//   dropped on a busy machine are counted apart (studio.frames_dropped).
// - Wall-clock drift: the frame clock's wall time of the last frame made − Date.now(), sampled
//   once a second through playout.status(): first, last, min, max.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CueDeck } from '../src/main/engine/cues/deck.ts';
import { encoderArgs } from '../src/main/engine/encoder/encoder-args.ts';
import { resolveFfmpegBinaries } from '../src/main/engine/encoder/ffmpeg-binaries.ts';
import { DEFAULT_PROGRAM_FORMAT, type ProgramFormat } from '../src/main/engine/encoder/program-format.ts';
import { Logger } from '../src/main/engine/log.ts';
import type { PlanPiece } from '../src/main/engine/playout/plan.ts';
import { Playout } from '../src/main/engine/playout/playout.ts';
import { ProgramLifecycle } from '../src/main/engine/program/program-lifecycle.ts';
import { Program } from '../src/main/engine/program/program.ts';
import { CuesRepository } from '../src/main/engine/store/cues-repository.ts';
import { openStore } from '../src/main/engine/store/database.ts';
import { MemoryPlan } from '../tests/support/memory-plan.ts';
import { frameRateOf, option, round, sleep } from './lib/common.ts';
import { cpuSnapshot, runReference, type ReferenceRun } from './lib/reference.ts';

/** The right half's luma steps 4 per frame, over 50 frames: an H.264 error of ±1 still reads right. */
const FRAME_CODE_PERIOD = 50;
const FRAME_CODE_STEP = 4;
const CLIP_CODES = [40, 110, 180];
/** The plan starts this long after the program: the first decoder has time to pre-roll. */
const LEAD_SECONDS = 4;

function log(message: string): void {
  process.stderr.write(`[bench playout] ${message}\n`);
}

/** A clip at the program's size: drawn small (geq is per pixel) and scaled up by nearest neighbour, so its halves stay flat. */
function makeClip(ffmpeg: string, dir: string, index: number, format: ProgramFormat, seconds: number): string {
  const file = path.join(dir, `clip-${index}.mp4`);
  const fps = `${format.frameRate.num}/${format.frameRate.den}`;
  const code = CLIP_CODES[index]!;
  const picture = `color=c=black:s=64x36:r=${fps}:d=${seconds},format=yuv420p,geq=lum='if(lt(X\\,32)\\,${code}\\,16+${FRAME_CODE_STEP}*mod(N\\,${FRAME_CODE_PERIOD}))':cb=128:cr=128,scale=${format.width}:${format.height}:flags=neighbor`;
  execFileSync(ffmpeg, [
    '-hide_banner',
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    picture,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=${440 * (index + 1)}:sample_rate=48000:duration=${seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '16',
    '-g',
    String(Math.round(format.frameRate.num / format.frameRate.den)),
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    file,
  ]);
  return file;
}

/** The clip index and frame number (mod the period) a composed frame shows, or null for no clip. */
function readFrame(i420: Uint8Array, width: number, height: number): { clip: number; frame: number } | null {
  const row = (height >> 1) * width;
  const code = i420[row + (width >> 2)]!;
  const clip = CLIP_CODES.findIndex((c) => Math.abs(c - code) <= 8);
  if (clip < 0) return null;
  const frame = Math.round((i420[row + ((3 * width) >> 2)]! - 16) / FRAME_CODE_STEP);
  return { clip, frame };
}

/** One plain ffmpeg playing the same files (concat, read at their rate) with the studio's encode. */
function runPlainPlayout(ffmpeg: string, format: ProgramFormat, files: string[], dir: string): Promise<ReferenceRun> {
  const fps = `${format.frameRate.num}/${format.frameRate.den}`;
  const studio = encoderArgs(format);
  const output = studio.slice(studio.indexOf('-c:v'));
  const pipeAt = output.lastIndexOf('pipe:1');
  // The concat demuxer, read at its native rate: one input, paced like the studio's real-time clock.
  const list = path.join(dir, 'reference.txt');
  writeFileSync(list, files.map((file) => `file '${file}'`).join('\n'));
  const args = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-nostats',
    '-progress',
    'pipe:2',
    '-stats_period',
    '1',
    '-re',
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    list,
    '-filter_complex',
    `[0:v]fps=${fps},format=yuv420p[v];[0:a]aresample=48000[a]`,
    '-map',
    '[v]',
    '-map',
    '[a]',
    ...output.slice(0, pipeAt),
    'pipe:1',
  ];
  return runReference(ffmpeg, args);
}

export default async function playoutBench(args: string[]): Promise<object> {
  const seconds = Number(option(args, 'seconds') ?? 60);
  const clipSeconds = Number(option(args, 'clip-seconds') ?? 10);
  if (!(seconds > 0) || !(clipSeconds >= 2)) throw new Error('--seconds must be > 0 and --clip-seconds ≥ 2');
  const [width, height] = (option(args, 'size') ?? '1280x720').split('x').map(Number) as [number, number];
  const frameRate = frameRateOf(option(args, 'fps') ?? '30');
  const fps = frameRate.num / frameRate.den;
  const format: ProgramFormat = { ...DEFAULT_PROGRAM_FORMAT, width, height, frameRate };
  const ffmpeg = resolveFfmpegBinaries().ffmpeg.path;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-playout-'));
  const loadBefore = os.loadavg();
  try {
    log(`making 3 clips of ${clipSeconds} s at ${width}x${height}`);
    const clips = [0, 1, 2].map((i) => makeClip(ffmpeg, dir, i, format, clipSeconds));
    const pieceCount = Math.ceil(seconds / clipSeconds);
    const order = Array.from({ length: pieceCount }, (_, i) => i % clips.length);

    log(`reference: one ffmpeg playing the same ${pieceCount} files`);
    const reference = await runPlainPlayout(
      ffmpeg,
      format,
      order.map((i) => clips[i]!),
      dir,
    );
    await sleep(2000);

    log(`studio: playout of ${pieceCount} pieces, ${seconds} s`);
    const store = openStore(dir);
    const lifecycle = new ProgramLifecycle(new Logger({ sink: () => {}, level: 'error' }));
    const warnings: string[] = [];
    const logger = new Logger({ sink: (line) => warnings.push(line), level: 'warn' });
    const cpuBefore = cpuSnapshot();
    const program = new Program({ format, ffmpegPath: ffmpeg, logger });
    let tsBytes = 0;
    program.onTs((chunk) => (tsBytes += chunk.length));
    // What each frame shows, by frame index (a number per frame, no object: nothing allocated per frame).
    const capacity = Math.ceil((seconds + LEAD_SECONDS + 10) * fps);
    const shownClip = new Int16Array(capacity).fill(-1);
    const shownFrame = new Int16Array(capacity).fill(-1);
    program.onComposed((n, frame) => {
      if (n >= capacity) return;
      const read = readFrame(frame.i420, width, height);
      if (read) {
        shownClip[n] = read.clip;
        shownFrame[n] = read.frame;
      }
    });
    const deck = new CueDeck({ lifecycle, store: new CuesRepository(store.db), onState: () => {}, frameSize: () => ({ width, height }) });
    const plan = new MemoryPlan();
    const playout = new Playout({
      lifecycle,
      plan,
      breaks: deck,
      enabledFlag: { get: () => true, set: () => {} },
      frameSize: () => ({ width, height }),
      onStatus: () => {},
      log: logger,
    });
    await program.start();
    lifecycle.started(program);
    const timeline = program.timeline;
    const firstFrame = timeline.frame + Math.round(LEAD_SECONDS * fps);
    const clipFrames = Math.round(clipSeconds * fps);
    const starts = order.map((_, i) => firstFrame + i * clipFrames);
    const pieces: PlanPiece[] = order.map((clip, i) => ({
      kind: 'media',
      itemId: i + 1,
      mediaId: clip + 1,
      title: `clip ${clip}`,
      path: clips[clip]!,
      startMs: timeline.wallTimeOf(starts[i]!),
      endMs: timeline.wallTimeOf(starts[i]! + clipFrames),
      inSeconds: 0,
      loudnessLufs: null,
      breaks: [],
    }));
    plan.set(pieces);
    const lastFrame = firstFrame + pieceCount * clipFrames;
    const drift: number[] = [];
    const started = performance.now();
    while (timeline.frame < lastFrame + 2) {
      await sleep(1000);
      const status = playout.status();
      if (status.driftMs !== null) drift.push(status.driftMs);
    }
    const elapsedS = (performance.now() - started) / 1000;
    const stats = program.stats();
    playout.dispose();
    deck.dispose();
    await program.stop();
    lifecycle.stopped();
    await program.close();
    store.close();
    await sleep(500);
    const cpuAfter = cpuSnapshot();

    // Frames off at each switch: the first composed frame at or after (or just before) the start frame
    // that shows the piece's clip; its lateness is the frames since the start frame − the clip frame
    // it shows (0: on time, > 0 late, < 0 early). A frame the compositor dropped (a busy machine)
    // is simply not there, so lateness stays a measure of the switch, not of the drops.
    const half = FRAME_CODE_PERIOD / 2;
    const switches = starts.map((start, i) => {
      for (let n = Math.max(0, start - 5); n < Math.min(capacity, start + 30); n++) {
        if (shownClip[n] !== order[i]) continue;
        const lateness = ((((n - start - shownFrame[n]!) % FRAME_CODE_PERIOD) + FRAME_CODE_PERIOD + half) % FRAME_CODE_PERIOD) - half;
        return { piece: i + 1, startFrame: start, firstSeenAt: n, startFrameComposed: shownClip[start] !== -1, framesOff: lateness };
      }
      return { piece: i + 1, startFrame: start, firstSeenAt: null, startFrameComposed: shownClip[start] !== -1, framesOff: null };
    });
    // Within each piece, frames that repeated or skipped (the period wraps every 50 frames).
    let framesRepeatedOrSkipped = 0;
    starts.forEach((start, i) => {
      for (let n = start + 1; n < Math.min(capacity, start + clipFrames); n++) {
        if (shownClip[n] !== order[i] || shownClip[n - 1] !== order[i]) continue;
        if (shownFrame[n] !== (shownFrame[n - 1]! + 1) % FRAME_CODE_PERIOD) framesRepeatedOrSkipped++;
      }
    });
    const outputSeconds = stats.encoder.framesWritten / fps;
    const studioCpuS = cpuAfter.self - cpuBefore.self + (cpuAfter.children - cpuBefore.children);
    const cpuPerOutputS = studioCpuS / outputSeconds;
    const referenceCpuPerOutputS = reference.cpuS / (reference.frames / fps);
    const off = switches.map((s) => s.framesOff);
    return {
      bench: 'playout',
      format: { width, height, fps: round(fps, 3), gopFrames: format.gopFrames, x264Preset: format.x264Preset },
      pieces: pieceCount,
      clip_seconds: clipSeconds,
      studio: {
        frames: stats.encoder.framesWritten,
        elapsed_s: round(elapsedS, 2),
        cpu_s: round(studioCpuS, 2),
        cpu_s_per_output_s: round(cpuPerOutputS),
        frames_dropped: stats.framesDropped,
        frames_repeated: stats.framesRepeated,
        ts_bytes: tsBytes,
        warnings: warnings.slice(-10),
      },
      reference: {
        frames: reference.frames,
        elapsed_s: round(reference.elapsedS, 2),
        cpu_s: round(reference.cpuS, 2),
        cpu_s_per_output_s: round(referenceCpuPerOutputS),
        exit_code: reference.exitCode,
        stderr_tail: reference.stderr,
      },
      cpu_ratio_to_reference: round(cpuPerOutputS / referenceCpuPerOutputS),
      switches: {
        count: switches.length,
        frames_off: off,
        start_frames_composed: switches.filter((w) => w.startFrameComposed).length,
        all_zero: off.every((o) => o === 0),
        max_abs_frames_off: off.some((o) => o === null) ? null : Math.max(...off.map((o) => Math.abs(o!))),
        frames_repeated_or_skipped_within_pieces: framesRepeatedOrSkipped,
      },
      drift_ms: {
        samples: drift.length,
        first: drift[0] ?? null,
        last: drift.at(-1) ?? null,
        min: drift.length ? round(Math.min(...drift), 1) : null,
        max: drift.length ? round(Math.max(...drift), 1) : null,
        over_run: drift.length > 1 ? round(drift.at(-1)! - drift[0]!, 1) : null,
      },
      load_average: { before: loadBefore.map((l) => round(l, 2)), after: os.loadavg().map((l) => round(l, 2)) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
