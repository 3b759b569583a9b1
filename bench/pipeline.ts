// `npm run bench -- pipeline [--seconds N] [--size 1920x1080] [--fps 30] [--break | --break-every S]`
// (default 600 s at 1080p30)
//
// --break keeps one ad break on air through the whole measured window; --break-every S alternates
// breaks of S seconds with S seconds of program, so splices and returns happen inside the window.
// Breaks go through the program's on-air control as the cue deck drives it (bench/lib/break-keeper.ts).
//
// The live program end to end, at full size: ffmpeg publishes a test pattern with tone over RTMP to
// the embedded ingest; the Program composes that input with a logo PNG and a text lower third (the
// integration test's layout, scaled up) and encodes it with DEFAULT_PROGRAM_FORMAT's x264 settings;
// the TS is counted and discarded.
//
// Reference, in the same run, never at the same time as the program: ONE ffmpeg reading the same
// RTMP stream from the ingest, overlaying the same PNG, drawing the same box and text (drawbox +
// drawtext), with the very output options encoderArgs() gives the studio's encoder. It runs half
// its time before the program and half after, so a machine that gets busier or quieter during
// the run weighs on both sides alike.
//
// CPU is what each side spends, from /proc (clock ticks):
// - studio: this process (main thread, blend workers, ingest) + the decoder and encoder children,
//   which are reaped inside the window and so land in our cutime/cstime;
// - reference: its ffmpeg's own utime+stime (our cutime/cstime over its window). What this process
//   spends meanwhile (the ingest serving it the stream) is shown apart, not added.
// The publisher is our child too, but it runs through both windows and is reaped after them, so its
// CPU is in neither figure.
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { encoderArgs } from '../src/main/engine/encoder/encoder-args.ts';
import { resolveFfmpegBinaries } from '../src/main/engine/encoder/ffmpeg-binaries.ts';
import { DEFAULT_PROGRAM_FORMAT, type ProgramFormat } from '../src/main/engine/encoder/program-format.ts';
import { RtmpIngest } from '../src/main/engine/ingest/rtmp-ingest.ts';
import { publishTestPattern } from '../tests/support/ingest.ts';
import { freePort } from '../tests/support/ports.ts';
import type { IngestStreamInfo } from '../src/main/engine/ingest/types.ts';
import { Logger } from '../src/main/engine/log.ts';
import { Program, type ProgramCounters } from '../src/main/engine/program/program.ts';
import { openStore } from '../src/main/engine/store/database.ts';
import { StreamKeysRepository } from '../src/main/engine/store/stream-keys-repository.ts';
import type { OnAirControl } from '../src/main/engine/program/on-air-control.ts';
import { BreakKeeper, type BreakKeeperFigures } from './lib/break-keeper.ts';
import { frameRateOf, option, round as roundTo, sleep, until } from './lib/common.ts';
import { CLOCK_TICKS_PER_S, cpuSnapshot, procTimes, runReference, type ReferenceRun } from './lib/reference.ts';

const FONT_FILE = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const LOWER_THIRD_TEXT = 'Live from the studio';
const COMPOSE_TARGET_MS = 2;
const CPU_TARGET_RATIO = 1.1;
const TEN_MINUTES_S = 600;
const STARTUP_WINDOW_S = 5;

/**
 * CPU seconds of this process's live threads, by name with its index dropped ("blend-0" and
 * "blend-1" are the blend workers, "MainThread" the event loop, "V8Worker" GC and compilation).
 */
function threadCpuSeconds(): Record<string, number> {
  const byName: Record<string, number> = {};
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8')
        .trim()
        .replace(/[-_]?\d+$/, '');
      const t = procTimes(`/proc/self/task/${tid}/stat`);
      byName[name] = (byName[name] ?? 0) + (t.utime + t.stime) / CLOCK_TICKS_PER_S;
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return byName;
}

/** The program encoder among this process's children: the ffmpeg that reads raw frames and writes MPEG-TS. */
function encoderPid(): number | null {
  for (const tid of readdirSync('/proc/self/task')) {
    let children: string[];
    try {
      children = readFileSync(`/proc/self/task/${tid}/children`, 'utf8').trim().split(' ').filter(Boolean);
    } catch {
      continue;
    }
    for (const pid of children) {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        if (args.includes('rawvideo') && args.includes('mpegts')) return Number(pid);
      } catch {
        // gone meanwhile
      }
    }
  }
  return null;
}

/** The integration test's layout (320x180) scaled to the program size. */
function layout(format: ProgramFormat) {
  const k = format.width / 320;
  const even = (v: number): number => Math.round(v / 2) * 2;
  const logo = { width: even(60 * k), height: even(30 * k) };
  const third = { width: format.width, height: even(40 * k) };
  return {
    logo: { ...logo, x: format.width - even(70 * k), y: even(10 * k) },
    third: { ...third, x: 0, y: format.height - third.height },
    fontSize: Math.round(20 * k),
    padding: Math.round(24 * k),
    boxAlpha: 0.7,
  };
}

function log(message: string): void {
  process.stderr.write(`[bench pipeline] ${message}\n`);
}

interface StudioRun {
  frames: number;
  elapsedS: number;
  cpu: { self: number; children: number };
  composeWorkerCpuS: number;
  /** This process's threads over the whole run (minus what they had spent before it). */
  threadsCpuS: Record<string, number>;
  /** The decoder's and the encoder's own CPU from their start to the end of the window (null: not read). */
  childrenCpuS: { decoder: number | null; encoder: number | null };
  stats: ProgramCounters;
  source: ReturnType<Program['sourceStatus']>;
  tsBytes: number;
  warnings: string[];
  droppedAtStartup: number;
  breaks: BreakKeeperFigures | null;
}

/** The program's on-air control (what the cue deck drives). */
function onAirControlOf(program: Program): OnAirControl {
  const candidate = program as unknown as { control?: OnAirControl | null; timeline?: unknown; cues?: unknown };
  if (candidate.control) return candidate.control;
  if (candidate.timeline && candidate.cues) return program as unknown as OnAirControl;
  throw new Error('this Program has no on-air control: --break needs the on-air control core');
}

async function runStudio(options: {
  format: ProgramFormat;
  ffmpeg: string;
  ingest: RtmpIngest;
  streamKeyId: number;
  logoPath: string;
  seconds: number;
  /** Breaks during the window: length and gap in seconds (gap 0 = one break through the window). */
  breaks: { breakSeconds: number; gapSeconds: number } | null;
}): Promise<StudioRun> {
  const { format, seconds } = options;
  const place = layout(format);
  const warnings: string[] = [];
  const logger = new Logger({ sink: (line) => warnings.push(line), level: 'warn' });
  let tsBytes = 0;
  const cpuBefore = cpuSnapshot();
  const threadsBefore = threadCpuSeconds();
  const program = new Program({ format, ffmpegPath: options.ffmpeg, logger, live: options.ingest });
  program.onTs((chunk) => (tsBytes += chunk.length));
  await program.addSource({ id: 'cam', kind: 'rtmp', streamKeyId: options.streamKeyId, width: format.width, height: format.height });
  await program.addSource({ id: 'logo', kind: 'image', path: options.logoPath, width: place.logo.width, height: place.logo.height });
  await program.addSource({
    id: 'lower',
    kind: 'text',
    text: LOWER_THIRD_TEXT,
    width: place.third.width,
    height: place.third.height,
    style: { fontSize: place.fontSize, padding: place.padding, background: `rgba(0,0,0,${place.boxAlpha})` },
  });
  program.setScene({
    id: 'show',
    layers: [
      { id: 'l-cam', sourceId: 'cam', rect: { x: 0, y: 0, width: format.width, height: format.height }, opacity: 1, visible: true },
      {
        id: 'l-logo',
        sourceId: 'logo',
        rect: { x: place.logo.x, y: place.logo.y, width: place.logo.width, height: place.logo.height },
        opacity: 1,
        visible: true,
      },
      {
        id: 'l-lower',
        sourceId: 'lower',
        rect: { x: place.third.x, y: place.third.y, width: place.third.width, height: place.third.height },
        opacity: 1,
        visible: true,
      },
    ],
  });
  program.switchScene({ sceneId: 'show' });

  // start() resolves once the encoder has put out its first bytes and the frame clock runs.
  await program.start();
  let keeper: BreakKeeper | null = null;
  if (options.breaks) {
    keeper = new BreakKeeper(onAirControlOf(program), { ...options.breaks, width: format.width, height: format.height });
    await keeper.start();
  }
  const started = performance.now();
  const deadline = started + seconds * 1000;
  // Drops while the encoder ffmpeg starts (x264 opens ~1 s after the first frame) are told apart from the rest.
  const startupWindowMs = Math.min(STARTUP_WINDOW_S * 1000, seconds * 500);
  let droppedAtStartup: number | null = null;
  const reportEveryMs = Math.min(30_000, (seconds * 1000) / 6);
  let nextReport = started + reportEveryMs;
  while (performance.now() < deadline) {
    await sleep(Math.min(1000, deadline - performance.now()));
    if (droppedAtStartup === null && performance.now() - started >= startupWindowMs) droppedAtStartup = program.stats().framesDropped;
    if (performance.now() >= nextReport) {
      nextReport += reportEveryMs;
      const s = program.stats();
      const cam = s.sources.cam;
      log(
        `studio ${Math.round((performance.now() - started) / 1000)} s: frame ${s.frame}, dropped ${s.framesDropped}, cam repeats ${cam?.repeated ?? '?'}, encoder speed ${s.encoder.progress?.speed ?? '?'}x, backlog ${s.encoder.backlogFrames}`,
      );
    }
  }
  keeper?.stop();
  const stats = program.stats();
  const source = program.sourceStatus('cam');
  // Each child's own CPU so far (it is still running, so not yet in our cutime): where the
  // children's share goes, decoder or encoder.
  const childCpuS = (pid: number | null | undefined): number | null => {
    if (!pid) return null;
    try {
      const t = procTimes(`/proc/${pid}/stat`);
      return round((t.utime + t.stime) / CLOCK_TICKS_PER_S, 2);
    } catch {
      return null;
    }
  };
  const childrenCpuS = { decoder: childCpuS(source?.pid), encoder: childCpuS(encoderPid()) };
  const threadsAfter = threadCpuSeconds();
  const threadsCpuS = Object.fromEntries(Object.entries(threadsAfter).map(([name, seconds]) => [name, round(seconds - (threadsBefore[name] ?? 0), 2)]));
  const composeWorkerCpuS = threadsAfter.blend ?? 0; // the workers start with the program
  await program.stop();
  const elapsedS = (performance.now() - started) / 1000;
  const frames = stats.encoder.framesWritten;
  await program.close();
  await sleep(500); // the children are reaped: their CPU is in our cutime/cstime
  const cpuAfter = cpuSnapshot();
  return {
    frames,
    elapsedS,
    cpu: { self: cpuAfter.self - cpuBefore.self, children: cpuAfter.children - cpuBefore.children },
    composeWorkerCpuS,
    threadsCpuS,
    childrenCpuS,
    stats,
    source,
    tsBytes,
    warnings,
    droppedAtStartup: droppedAtStartup ?? stats.framesDropped,
    breaks: keeper ? { ...keeper.figures } : null,
  };
}

/** The same composition as one ffmpeg command: overlay + drawbox + drawtext, the encoder's own output options. */
function referenceArgs(format: ProgramFormat, url: string, logoPath: string, seconds: number): string[] {
  const place = layout(format);
  const fps = `${format.frameRate.num}/${format.frameRate.den}`;
  const studio = encoderArgs(format);
  // Everything from the video codec on is the studio encoder's output: x264 options, AAC, mpegts + muxrate.
  const output = studio.slice(studio.indexOf('-c:v'));
  const pipeAt = output.lastIndexOf('pipe:1');
  const text = LOWER_THIRD_TEXT.replace(/[:\\']/g, (c) => `\\${c}`);
  const graph = [
    `[0:v]fps=${fps},format=yuv420p[base]`,
    `[1:v]format=yuva420p[logo]`,
    `[base][logo]overlay=x=${place.logo.x}:y=${place.logo.y}:format=yuv420,` +
      `drawbox=x=${place.third.x}:y=${place.third.y}:w=${place.third.width}:h=${place.third.height}:color=black@${place.boxAlpha}:t=fill,` +
      `drawtext=fontfile=${FONT_FILE}:text='${text}':fontsize=${place.fontSize}:fontcolor=white:x=${place.padding}:y=${place.third.y}+(${place.third.height}-th)/2[v]`,
    `[0:a]aresample=48000[a]`,
  ].join(';');
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-nostats',
    '-progress',
    'pipe:2',
    '-stats_period',
    '1',
    '-fflags',
    '+nobuffer',
    '-i',
    url,
    '-i',
    logoPath,
    '-filter_complex',
    graph,
    '-map',
    '[v]',
    '-map',
    '[a]',
    ...output.slice(0, pipeAt),
    '-t',
    String(seconds),
    'pipe:1',
  ];
}

/** The two halves of the reference as one run: frames, time and CPU add up. */
function joinReferenceRuns(a: ReferenceRun, b: ReferenceRun): ReferenceRun {
  return {
    frames: a.frames + b.frames,
    elapsedS: a.elapsedS + b.elapsedS,
    cpuS: a.cpuS + b.cpuS,
    ingestCpuS: a.ingestCpuS + b.ingestCpuS,
    tsBytes: a.tsBytes + b.tsBytes,
    progress: b.progress,
    exitCode: a.exitCode !== 0 ? a.exitCode : b.exitCode,
    stderr: [...a.stderr, ...b.stderr].slice(-10),
    args: b.args,
  };
}

export default async function pipelineBench(args: string[]): Promise<object> {
  const seconds = Number(option(args, 'seconds') ?? TEN_MINUTES_S);
  if (!(seconds > 0)) throw new Error(`--seconds must be > 0`);
  const [width, height] = (option(args, 'size') ?? '1920x1080').split('x').map(Number) as [number, number];
  const frameRate = frameRateOf(option(args, 'fps') ?? '30');
  const fps = frameRate.num / frameRate.den;
  const format: ProgramFormat = { ...DEFAULT_PROGRAM_FORMAT, width, height, frameRate };
  const breakEvery = option(args, 'break-every');
  if (breakEvery !== undefined && !(Number(breakEvery) >= 1)) throw new Error(`--break-every must be ≥ 1 s, got ${breakEvery}`);
  // One break through the window: longer than it, so its return is never inside it.
  const breaks =
    breakEvery !== undefined
      ? { breakSeconds: Number(breakEvery), gapSeconds: Number(breakEvery) }
      : args.includes('--break')
        ? { breakSeconds: seconds + 60, gapSeconds: 0 }
        : null;
  const ffmpeg = resolveFfmpegBinaries().ffmpeg.path;
  const loadBefore = os.loadavg();

  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-pipeline-'));
  const store = openStore(dir);
  const ingestLogger = new Logger({ sink: () => {}, level: 'error' });
  const keys = new StreamKeysRepository(store.db);
  const key = keys.create('bench camera').key;
  const port = await freePort();
  const ingest = new RtmpIngest({ storeDir: path.join(dir, 'nms'), streamKeys: keys, logger: ingestLogger, port });
  await ingest.start();
  const place = layout(format);
  const logoPath = path.join(dir, 'logo.png');
  await sharp(
    Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${place.logo.width}" height="${place.logo.height}">` +
        `<rect x="4" y="4" width="${place.logo.width - 8}" height="${place.logo.height - 8}" rx="${Math.round(place.logo.height / 5)}" fill="rgba(255,200,0,0.9)"/>` +
        `<text x="50%" y="62%" font-family="DejaVu Sans" font-size="${Math.round(place.logo.height / 2)}" font-weight="bold" fill="#102040" text-anchor="middle">LIVE</text></svg>`,
    ),
  )
    .png()
    .toFile(logoPath);

  const url = `rtmp://127.0.0.1:${port}/live/${key}`;
  const published: IngestStreamInfo[] = [];
  ingest.on('ingest.published', (info) => published.push(info));
  // One publisher for both runs: 2 × seconds, plus start-up and the gap between them.
  const publisher = publishTestPattern(url, { seconds: 2 * seconds + 60, size: `${width}x${height}`, rate: Math.round(fps) });
  try {
    await until(() => published.length > 0, 20_000, 'the test pattern to publish');
    await sleep(3000); // the publisher settles at its real-time pace
    const ingestInfo = published[0]!;

    const firstHalf = Math.ceil(seconds / 2);
    log(`reference run, first half: ${firstHalf} s, one ffmpeg`);
    const before = await runReference(ffmpeg, referenceArgs(format, url, logoPath, firstHalf));
    await sleep(3000);
    log(`studio run: ${seconds} s at ${width}x${height}@${round(fps, 3)}`);
    const studio = await runStudio({ format, ffmpeg, ingest, streamKeyId: ingestInfo.streamKeyId, logoPath, seconds, breaks });
    await sleep(3000);
    log(`reference run, second half: ${seconds - firstHalf} s`);
    const after = seconds - firstHalf > 0 ? await runReference(ffmpeg, referenceArgs(format, url, logoPath, seconds - firstHalf)) : null;
    const reference = after ? joinReferenceRuns(before, after) : before;
    const halves = [before, ...(after ? [after] : [])].map((run) => round(run.cpuS / (run.frames / fps)));
    const loadAfter = os.loadavg();

    const outputSeconds = studio.frames / fps;
    const cpuPerOutputS = (studio.cpu.self + studio.cpu.children) / outputSeconds;
    const referenceOutputSeconds = reference.frames / fps;
    const referenceCpuPerOutputS = reference.cpuS / referenceOutputSeconds;
    const referenceWithIngest = (reference.cpuS + reference.ingestCpuS) / referenceOutputSeconds;
    const composed = Math.max(1, studio.stats.framesComposed);
    const composeWorkerMs = (studio.composeWorkerCpuS * 1000) / composed;
    const composeMs = composeWorkerMs + studio.stats.composeMsPerFrame;
    const cam = studio.stats.sources.cam ?? { repeated: 0, overflowed: 0 };
    const dropped = studio.stats.framesDropped;

    return {
      bench: 'pipeline',
      size: `${width}x${height}`,
      seconds,
      fps_target: round(fps, 3),
      frames: studio.frames,
      elapsed_s: round(studio.elapsedS, 2),
      realtime_factor: round(studio.frames / (studio.elapsedS * fps), 4),
      dropped_frames: dropped,
      dropped_frames_first_5_s: studio.droppedAtStartup,
      dropped_frames_after_first_5_s: dropped - studio.droppedAtStartup,
      repeated_frames: cam.repeated,
      output_repeats: studio.stats.framesRepeated,
      late_ticks: studio.stats.lateTicks,
      breaks: breaks
        ? {
            mode: breakEvery !== undefined ? `break ${breakEvery} s, program ${breakEvery} s, repeated` : 'one break through the window',
            ...studio.breaks,
            share_of_frames_on_break: round((studio.breaks?.framesOnBreak ?? 0) / Math.max(1, studio.frames)),
          }
        : null,
      compose_ms_per_frame: round(composeMs),
      compose_breakdown: {
        blend_workers_cpu_ms_per_frame: round(composeWorkerMs),
        main_thread_tick_ms_per_frame: round(studio.stats.composeMsPerFrame),
        note: 'tick = moving the decoded frame into the compositor + planning + dispatch; workers = the pixel work',
      },
      cpu_s_per_output_s: round(cpuPerOutputS),
      cpu_breakdown_s: {
        studio_process: round(studio.cpu.self, 2),
        decoder_and_encoder_children: round(studio.cpu.children, 2),
        // Read just before the program stops: the children's stop and flush are in the figure above only.
        children_until_the_window_ends: studio.childrenCpuS,
        studio_process_threads: studio.threadsCpuS,
      },
      reference_cpu_s_per_output_s: round(referenceCpuPerOutputS),
      reference_with_ingest_cpu_s_per_output_s: round(referenceWithIngest),
      cpu_ratio_to_reference: round(cpuPerOutputS / referenceCpuPerOutputS),
      // Like for like: the studio figure includes the ingest receiving the publisher and feeding the
      // decoder; the reference needs the same ingest to receive it and serve it over RTMP.
      cpu_ratio_to_reference_with_ingest: round(cpuPerOutputS / referenceWithIngest),
      source: {
        jitter_overflowed: cam.overflowed,
        frames_decoded: studio.source?.framesDecoded ?? null,
        ring_frames_dropped: studio.source?.framesDropped ?? null,
        feed_bytes_dropped: studio.source?.feedBytesDropped ?? null,
        restarts: studio.source?.restarts ?? null,
      },
      encoder: {
        last_progress: studio.stats.encoder.progress,
        ts_bytes: studio.tsBytes,
        ts_kbps: round((studio.tsBytes * 8) / 1000 / outputSeconds, 1),
      },
      reference: {
        frames: reference.frames,
        elapsed_s: round(reference.elapsedS, 2),
        realtime_factor: round(reference.frames / (reference.elapsedS * fps), 4),
        cpu_s: round(reference.cpuS, 2),
        cpu_s_per_output_s_before_and_after_the_program: halves,
        ingest_process_cpu_s_meanwhile: round(reference.ingestCpuS, 2),
        ts_bytes: reference.tsBytes,
        ts_kbps: round((reference.tsBytes * 8) / 1000 / referenceOutputSeconds, 1),
        exit_code: reference.exitCode,
        stderr_tail: reference.stderr,
        command: ['ffmpeg', ...reference.args.map((a) => (a === url ? 'rtmp://127.0.0.1:<port>/live/<key>' : a === logoPath ? 'logo.png' : a))].join(' '),
      },
      input: {
        publisher: `testsrc2 ${width}x${height}@${Math.round(fps)} + 1 kHz tone, x264 ultrafast, over RTMP (its CPU not counted)`,
        ingest: ingestInfo.video,
      },
      targets: {
        zero_dropped_over_10_minutes: {
          value: dropped,
          met: dropped === 0 && seconds >= TEN_MINUTES_S,
          ...(seconds < TEN_MINUTES_S ? { note: `this run was ${seconds} s; zero dropped here: ${dropped === 0}` } : {}),
        },
        cpu_within_110_percent_of_reference: {
          value: round(cpuPerOutputS),
          limit: round(CPU_TARGET_RATIO * referenceCpuPerOutputS),
          met: cpuPerOutputS <= CPU_TARGET_RATIO * referenceCpuPerOutputS,
        },
        compose_at_most_2_ms_per_frame: { value: round(composeMs), limit: COMPOSE_TARGET_MS, met: composeMs <= COMPOSE_TARGET_MS },
      },
      machine: { cpus: os.cpus().length, load_avg_before: loadBefore.map((v) => round(v, 2)), load_avg_after: loadAfter.map((v) => round(v, 2)) },
      warnings: { count: studio.warnings.length, last: studio.warnings.slice(-5) },
    };
  } finally {
    await publisher.stop('benchmark over');
    await ingest.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(value: number, digits = 3): number {
  return roundTo(value, digits);
}
