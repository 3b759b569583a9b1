// `npm run bench -- outputs [--seconds 20] [--size 640x360] [--fps 30] [--bitrate 1500] [--srt-latency 120]
//                           [--kinds srt,hls,recording,rtmp] [--publisher-gop 30]`
//
// What each kind of output costs, and how late a frame reaches the distributor.
//
// 1. CPU per output type. ffmpeg publishes testsrc2 + tone over RTMP to the embedded ingest; a
//    Program composes it (one full-frame layer) and encodes it; its TS goes to an OutputFanout.
//    Phases of --seconds each, one after another on the same running program:
//      baseline (no output) → SRT → HLS → recording → RTMP → baseline again.
//    Each output is fed alone from the fan-out, to a local receiver: srt-live-transmit as SRT
//    listener (to /dev/null), a temp folder (HLS, recording), `ffmpeg -listen 1 … -f null -` (RTMP).
//    The window starts once the output runs and has warmed up (WARMUP_S), so start-up is not in it.
//    CPU comes from /proc (utime+stime, 100 ticks/s), per pid, sampled every second:
//    - SRT and RTMP: the sender ffmpeg's own CPU (the output's pid, across restarts if any);
//    - HLS and recording (in this process): their cost is far below the noise of this process
//      (compositor, ingest) on a shared machine, so the live difference against the baselines is
//      only reported beside the figure. The figure is a replay: the program TS captured in the
//      first baseline is fed again, chunk by chunk with its original spacing (4x faster), into a
//      fresh fan-out with that one output, after the program has stopped; this process's CPU
//      (all threads, file writes on the libuv pool included) minus the same replay into no output.
//    - The time inside fanout.write() (which calls each output's write()) is reported too.
//    The publisher's and the receivers' CPU is never counted; the program's own children (decoder
//    and encoder) are reported per phase, to show they did not move.
//    baseline_cpu_s_per_output_s is the program itself: this process (compositor, mixer, ingest,
//    fan-out) + decoder + encoder, per second of program output.
//
// 2. Latency, RTMP frame in → the same frame decoded at the SRT receiver. A second publisher
//    made here: Node writes raw yuv420p frames (320x180) at the program fps on a drift-free timer
//    into ffmpeg (x264 ultrafast zerolatency, silent AAC, FLV over RTMP). Each frame carries its
//    number as 24 black/white blocks (16 bits + an 8-bit check), which survive two encodes and
//    scaling. The program sends its TS over the studio's SRT output (caller) to an ffmpeg SRT
//    listener that decodes to small gray frames on stdout; Node reads the blocks back. Latency of a
//    frame = the time its last byte came out of the receiver − the time it was written to the
//    publisher. Frames written during the warm-up are left out.
//    Two more taps on the same frames, decoded the same way at the same time, split the figure:
//    an ffmpeg playing the stream straight from the ingest (publisher + ingest + decode), and an
//    ffmpeg fed the program's TS as the fan-out gets it (all but the SRT sender and transport).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { resolveFfmpegBinaries } from '../src/main/engine/encoder/ffmpeg-binaries.ts';
import { DEFAULT_PROGRAM_FORMAT, type ProgramFormat } from '../src/main/engine/encoder/program-format.ts';
import { RtmpIngest } from '../src/main/engine/ingest/rtmp-ingest.ts';
import { publishTestPattern } from '../tests/support/ingest.ts';
import { freePort } from '../tests/support/ports.ts';
import type { IngestStreamInfo } from '../src/main/engine/ingest/types.ts';
import { Logger } from '../src/main/engine/log.ts';
import { createOutput, FfmpegOutput, OutputFanout, type Output } from '../src/main/engine/outputs/index.ts';
import { spawnOwned, type OwnedChild } from '../src/main/engine/process/child.ts';
import { Program } from '../src/main/engine/program/program.ts';
import { parseProcStat } from '../src/main/engine/stats/process-usage.ts';
import { openStore } from '../src/main/engine/store/database.ts';
import { StreamKeysRepository } from '../src/main/engine/store/stream-keys-repository.ts';
import { frameRateOf, option, round as roundTo, sleep, until } from './lib/common.ts';

const CLOCK_TICKS_PER_S = 100; // getconf CLK_TCK on Linux
const WARMUP_S = 3;
const OUTPUT_KINDS = ['srt', 'hls', 'recording', 'rtmp'] as const;
type Kind = (typeof OUTPUT_KINDS)[number];

// The frame-number code: COLS × ROWS blocks over the whole picture, 16 bits of number + 8 of check.
const COLS = 8;
const ROWS = 3;
const NUMBER_BITS = 16;
const PUBLISHER_SIZE = { width: 320, height: 180 };
const RECEIVER_SIZE = { width: 160, height: 90 };
const LUMA_ON = 235;
const LUMA_OFF = 16;

function log(message: string): void {
  process.stderr.write(`[bench outputs] ${message}\n`);
}

// --- CPU from /proc ----------------------------------------------------------

function selfCpuSeconds(): number {
  const stat = parseProcStat(readFileSync('/proc/self/stat', 'utf8'));
  return (stat?.cpuTicks ?? 0) / CLOCK_TICKS_PER_S;
}

/** Our direct children: pid → { name, CPU seconds (utime+stime) }. */
function childrenCpu(): Map<number, { name: string; cpuS: number }> {
  const result = new Map<number, { name: string; cpuS: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseProcStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (stat && stat.ppid === process.pid) result.set(stat.pid, { name: stat.name, cpuS: stat.cpuTicks / CLOCK_TICKS_PER_S });
    } catch {
      // exited meanwhile
    }
  }
  return result;
}

interface WindowResult {
  elapsedS: number;
  /** Seconds of program output made in the window (frames / fps). */
  outputS: number;
  framesDropped: number;
  selfCpuS: number;
  /** Decoder + encoder (children that are neither the sender nor excluded). */
  programChildrenCpuS: number;
  senderCpuS: number;
  senderPids: number[];
  /** Wall time inside fanout.write() (synchronous, main thread). */
  syncWriteMs: number;
  outputBytes: number;
  /** The output's dropped bytes and reconnects inside the window. */
  droppedBytes: number;
  reconnects: number;
}

/**
 * Measures `seconds` of the running program. CPU per child pid is the last value seen minus the
 * value at the start (0 for a pid born inside the window); polled each second so a child that
 * ends inside the window still counts up to its last poll.
 */
async function measureWindow(options: {
  seconds: number;
  fps: number;
  program: Program;
  output: Output | undefined;
  exclude: () => Set<number>;
  syncWriteMs: () => number;
}): Promise<WindowResult> {
  const { program, output } = options;
  const base = new Map<number, number>();
  const last = new Map<number, number>();
  const senderPids = new Set<number>();
  const poll = (first: boolean): void => {
    const pid = output instanceof FfmpegOutput ? output.pid : undefined;
    if (pid !== undefined) senderPids.add(pid);
    for (const [child, { cpuS }] of childrenCpu()) {
      if (first) base.set(child, cpuS);
      last.set(child, cpuS);
    }
  };
  const statsBefore = program.stats();
  const before = output?.status();
  const writeBefore = options.syncWriteMs();
  const selfBefore = selfCpuSeconds();
  const started = performance.now();
  poll(true);
  const deadline = started + options.seconds * 1000;
  while (performance.now() < deadline) {
    await sleep(Math.min(1000, deadline - performance.now()));
    poll(false);
  }
  const selfCpuS = selfCpuSeconds() - selfBefore;
  const elapsedS = (performance.now() - started) / 1000;
  const statsAfter = program.stats();
  const exclude = options.exclude();
  let programChildrenCpuS = 0;
  let senderCpuS = 0;
  for (const [pid, cpuS] of last) {
    const delta = cpuS - (base.get(pid) ?? 0);
    if (exclude.has(pid)) continue;
    if (senderPids.has(pid)) senderCpuS += delta;
    else programChildrenCpuS += delta;
  }
  return {
    elapsedS,
    outputS: (statsAfter.encoder.framesWritten - statsBefore.encoder.framesWritten) / options.fps,
    framesDropped: statsAfter.framesDropped - statsBefore.framesDropped,
    selfCpuS,
    programChildrenCpuS,
    senderCpuS,
    senderPids: [...senderPids],
    syncWriteMs: options.syncWriteMs() - writeBefore,
    outputBytes: (output?.status().bytesOut ?? 0) - (before?.bytesOut ?? 0),
    droppedBytes: (output?.status().droppedBytes ?? 0) - (before?.droppedBytes ?? 0),
    reconnects: (output?.status().reconnects ?? 0) - (before?.reconnects ?? 0),
  };
}

// --- frame numbers in pictures -------------------------------------------------

function checkByte(n: number): number {
  return ((n & 0xff) ^ ((n >> 8) & 0xff) ^ 0x5a) & 0xff;
}

/** A yuv420p frame of PUBLISHER_SIZE whose luma blocks spell n (mod 2^16) and its check byte. */
function numberedFrame(n: number): Buffer {
  const { width, height } = PUBLISHER_SIZE;
  const frame = Buffer.alloc(width * height * 1.5, 128);
  const number = n & 0xffff;
  const word = number | (checkByte(number) << NUMBER_BITS);
  for (let row = 0; row < ROWS; row++) {
    const y0 = Math.floor((row * height) / ROWS);
    const y1 = Math.floor(((row + 1) * height) / ROWS);
    for (let col = 0; col < COLS; col++) {
      const bit = (word >> (row * COLS + col)) & 1;
      const x0 = Math.floor((col * width) / COLS);
      const x1 = Math.floor(((col + 1) * width) / COLS);
      for (let y = y0; y < y1; y++) frame.fill(bit ? LUMA_ON : LUMA_OFF, y * width + x0, y * width + x1);
    }
  }
  return frame;
}

/** Reads the number back from a gray frame of RECEIVER_SIZE; null when the check byte disagrees. */
function readNumber(gray: Buffer): number | null {
  const { width, height } = RECEIVER_SIZE;
  let word = 0;
  for (let row = 0; row < ROWS; row++) {
    const y0 = Math.floor((row * height) / ROWS);
    const y1 = Math.floor(((row + 1) * height) / ROWS);
    for (let col = 0; col < COLS; col++) {
      const x0 = Math.floor((col * width) / COLS);
      const x1 = Math.floor(((col + 1) * width) / COLS);
      // The middle half of the block, away from edges that the encoders and scalers smear.
      const ya = y0 + Math.floor((y1 - y0) / 4);
      const yb = y1 - Math.floor((y1 - y0) / 4);
      const xa = x0 + Math.floor((x1 - x0) / 4);
      const xb = x1 - Math.floor((x1 - x0) / 4);
      let sum = 0;
      for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) sum += gray[y * width + x]!;
      if (sum / ((yb - ya) * (xb - xa)) > 128) word |= 1 << (row * COLS + col);
    }
  }
  const number = word & 0xffff;
  return word >>> NUMBER_BITS === checkByte(number) ? number : null;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[at]!;
}

function p50(values: number[]): number {
  return round(
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    ),
    1,
  );
}

function summary(values: number[]): { min: number; p50: number; p95: number; max: number; mean: number; samples: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / Math.max(1, sorted.length);
  return {
    min: round(sorted[0] ?? NaN, 1),
    p50: round(percentile(sorted, 50), 1),
    p95: round(percentile(sorted, 95), 1),
    max: round(sorted.at(-1) ?? NaN, 1),
    mean: round(mean, 1),
    samples: sorted.length,
  };
}

// --- the benchmark ------------------------------------------------------------------

interface Setup {
  dir: string;
  ffmpeg: string;
  format: ProgramFormat;
  fps: number;
  seconds: number;
  ingest: RtmpIngest;
  keys: StreamKeysRepository;
  published: IngestStreamInfo[];
  rtmpPort: number;
  srtLatencyMs: number;
  kinds: Kind[];
  /** The numbered publisher's keyframe interval, in frames. */
  publisherGop: number;
  warnings: string[];
}

function makeProgram(setup: Setup, fanout: OutputFanout, onWrite: (ms: number) => void): Program {
  const logger = new Logger({ sink: (line) => setup.warnings.push(line), level: 'warn' });
  const program = new Program({ format: setup.format, ffmpegPath: setup.ffmpeg, logger, live: setup.ingest });
  program.onTs((chunk) => {
    const t = performance.now();
    fanout.write(chunk);
    onWrite(performance.now() - t);
  });
  return program;
}

async function startProgram(program: Program, setup: Setup, streamKeyId: number): Promise<void> {
  const { width, height } = setup.format;
  await program.addSource({ id: 'cam', kind: 'rtmp', streamKeyId, width, height });
  program.setScene({ id: 'show', layers: [{ id: 'l-cam', sourceId: 'cam', rect: { x: 0, y: 0, width, height }, opacity: 1, visible: true }] });
  program.switchScene({ sceneId: 'show' });
  await program.start();
  await until(
    () => program.sourceStatus('cam')?.state === 'running' && (program.sourceStatus('cam')?.framesDecoded ?? 0) > 0,
    20_000,
    'the camera source to run',
  );
  // Measure only a program that runs at its pace: two seconds of frames, then two more (the encoder's
  // start-up, however start() handles it, stays out of every window).
  const fps = setup.fps;
  await until(
    () => program.stats().frame >= 2 * fps,
    30_000,
    () => `the program to run (frame ${program.stats().frame})`,
  );
  const at = program.stats().frame;
  await until(
    () => program.stats().frame >= at + 2 * fps,
    30_000,
    () => `the program to run at pace (frame ${program.stats().frame})`,
  );
}

/** Whether something listens on 127.0.0.1:port (TCP) or has it bound (UDP), from /proc/net. */
function bound(port: number, protocol: 'tcp' | 'udp'): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of [`/proc/net/${protocol}`, `/proc/net/${protocol}6`]) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT; TCP state 0A is LISTEN (UDP sockets have 07).
      if (fields[1]?.endsWith(`:${hexPort}`) && (protocol === 'udp' || fields[3] === '0A')) return true;
    }
  }
  return false;
}

interface Receiver {
  settings: object;
  /** Starts the receiver (again, when it ended) and resolves once it listens; nothing for in-process outputs. */
  ensure(): Promise<void>;
  child(): OwnedChild | undefined;
}

/** The local receiver for an output kind (none for the in-process ones) and the output's settings. */
async function receiverFor(kind: Kind, setup: Setup): Promise<Receiver> {
  const listening = (make: () => OwnedChild, port: number, protocol: 'tcp' | 'udp', settings: object): Receiver => {
    let child: OwnedChild | undefined;
    return {
      settings,
      child: () => child,
      ensure: async () => {
        if (child?.running) return;
        // `ffmpeg -listen 1` takes one connection: one that broke (a sender's first try) ends it.
        child = make();
        const current = child;
        await until(() => bound(port, protocol) || !current.running, 10_000, `the ${kind} receiver to listen on ${port}`);
      },
    };
  };
  switch (kind) {
    case 'srt': {
      const port = await freePort();
      const make = () =>
        spawnOwned({
          command: 'srt-live-transmit',
          args: [`srt://:${port}?mode=listener&latency=${setup.srtLatencyMs}`, 'file://con'],
          name: 'srt receiver',
          stdout: 'ignore',
          graceMs: 1000,
        });
      return listening(make, port, 'udp', { kind: 'srt', url: `srt://127.0.0.1:${port}`, mode: 'caller', latencyMs: setup.srtLatencyMs });
    }
    case 'rtmp': {
      const port = await freePort();
      const make = () =>
        spawnOwned({
          command: setup.ffmpeg,
          args: [
            '-hide_banner',
            '-nostdin',
            '-loglevel',
            'error',
            '-listen',
            '1',
            '-i',
            `rtmp://127.0.0.1:${port}/live/bench-stream`,
            '-c',
            'copy',
            '-f',
            'null',
            '-',
          ],
          name: 'rtmp receiver',
          stdout: 'ignore',
          graceMs: 1000,
        });
      return listening(make, port, 'tcp', { kind: 'rtmp', url: `rtmp://127.0.0.1:${port}/live`, streamKey: 'bench-stream' });
    }
    case 'hls':
      return { settings: { kind: 'hls' }, ensure: async () => {}, child: () => undefined };
    case 'recording': {
      const folder = path.join(setup.dir, 'recordings');
      mkdirSync(folder, { recursive: true });
      return { settings: { kind: 'recording', folder }, ensure: async () => {}, child: () => undefined };
    }
  }
}

interface CpuPhase {
  kind: Kind | 'baseline';
  window: WindowResult;
  state: string;
  /** Times the output went to backoff before it first ran, and why. */
  failedStarts?: number;
  failures?: string[];
}

/** Program TS as it came out, with arrival times (ms), for replaying into in-process outputs. */
type Capture = Array<{ at: number; chunk: Buffer }>;

async function cpuPhases(setup: Setup): Promise<{ phases: CpuPhase[]; capture: Capture }> {
  const { format, fps, seconds } = setup;
  const key = setup.keys.create('bench test pattern');
  const url = `rtmp://127.0.0.1:${setup.rtmpPort}/live/${key.key}`;
  const phaseCount = setup.kinds.length + 2;
  const publisher = publishTestPattern(url, {
    seconds: phaseCount * (seconds + WARMUP_S + 15) + 60,
    size: `${format.width}x${format.height}`,
    rate: Math.round(fps),
  });
  const fanout = new OutputFanout();
  let syncWriteMs = 0;
  const program = makeProgram(setup, fanout, (ms) => (syncWriteMs += ms));
  // Retries come soon: a sender's first try may fail (see failed_starts_before_running).
  const context = {
    ffmpegPath: setup.ffmpeg,
    logger: new Logger({ sink: (line) => setup.warnings.push(line), level: 'warn' }),
    previewDir: (id: string) => path.join(setup.dir, 'preview', id),
    policy: { initialDelayMs: 500, maxDelayMs: 2000 },
  };
  const phases: CpuPhase[] = [];
  let receiver: Receiver | undefined;
  const receiverPids = new Set<number>();
  let output: Output | undefined;
  const exclude = (): Set<number> => {
    const pid = receiver?.child()?.pid;
    if (pid !== undefined) receiverPids.add(pid);
    return new Set([publisher.pid, ...receiverPids].filter((p): p is number => p !== undefined));
  };
  const measure = (current: Output | undefined) => measureWindow({ seconds, fps, program, output: current, exclude, syncWriteMs: () => syncWriteMs });
  try {
    await until(
      () => setup.published.some((info) => info.streamKeyId === key.id),
      20_000,
      () => `the test pattern to publish (${publisher.stderrTail().join(' | ')})`,
    );
    await startProgram(program, setup, key.id);
    await sleep(WARMUP_S * 1000);

    log(`baseline: ${seconds} s, no output (the program's TS is kept for the replays)`);
    const capture: Capture = [];
    const stopCapture = program.onTs((chunk) => capture.push({ at: performance.now(), chunk: Buffer.from(chunk) }));
    phases.push({ kind: 'baseline', window: await measure(undefined), state: 'n/a' });
    stopCapture();
    for (const kind of setup.kinds) {
      receiver = await receiverFor(kind, setup);
      const made = receiver;
      await made.ensure();
      exclude();
      output = createOutput(`bench-${kind}`, made.settings, context);
      fanout.add(output);
      let failedStarts = 0;
      const failures: string[] = [];
      const unsubscribe = output.onStatus((status) => {
        if (status.state !== 'backoff') return;
        failedStarts++;
        if (status.reason && !failures.includes(status.reason)) failures.push(status.reason);
      });
      output.start();
      const current = output;
      const started = Date.now();
      while (current.status().state !== 'running') {
        if (Date.now() - started > 60_000)
          throw new Error(
            `timed out waiting for the ${kind} output to run (${JSON.stringify(current.status())}; receiver: ${made.child()?.stderrTail().join(' | ') ?? 'none'})`,
          );
        await made.ensure();
        exclude();
        await sleep(100);
      }
      await sleep(WARMUP_S * 1000);
      log(`${kind}: ${seconds} s`);
      const window = await measure(current);
      const status = current.status();
      log(
        `${kind}: ${round(window.outputS, 1)} output s, ${window.outputBytes} bytes out, state ${status.state}, sender CPU ${round(window.senderCpuS, 2)} s, this process ${round(window.selfCpuS, 2)} s`,
      );
      unsubscribe();
      phases.push({ kind, window, state: status.state, failedStarts, failures });
      fanout.remove(current.id);
      await current.stop('phase over');
      output = undefined;
      await receiver.child()?.stop('phase over');
      receiver = undefined;
      await sleep(1000);
    }
    log(`baseline again: ${seconds} s, no output`);
    phases.push({ kind: 'baseline', window: await measure(undefined), state: 'n/a' });
    return { phases, capture };
  } finally {
    await output?.stop('benchmark over');
    await receiver?.child()?.stop('benchmark over');
    await program.stop();
    await program.close();
    await publisher.stop('benchmark over');
  }
}

const REPLAY_SPEEDUP = 4;

/**
 * Replays the captured program TS, chunk by chunk with its original spacing (sped up
 * REPLAY_SPEEDUP times), into a fresh fan-out with one in-process output (or none, the
 * reference), with the program stopped: this process's CPU (all threads, the libuv pool's file
 * writes included) until the output has taken every byte.
 */
async function replay(
  setup: Setup,
  capture: Capture,
  kind: 'hls' | 'recording' | 'none',
): Promise<{ cpuS: number; bytesIn: number; bytesOut: number; state: string }> {
  const fanout = new OutputFanout();
  const logger = new Logger({ sink: (line) => setup.warnings.push(line), level: 'warn' });
  let output: Output | undefined;
  if (kind !== 'none') {
    const folder = path.join(setup.dir, `replay-${kind}`);
    mkdirSync(folder, { recursive: true });
    const settings = kind === 'hls' ? { kind: 'hls' } : { kind: 'recording', folder };
    output = createOutput(`replay-${kind}`, settings, { ffmpegPath: setup.ffmpeg, logger, previewDir: () => folder });
    fanout.add(output);
    output.start();
  }
  await sleep(300);
  const first = capture[0]?.at ?? 0;
  const before = process.cpuUsage();
  const t0 = performance.now();
  let i = 0;
  await new Promise<void>((resolve) => {
    const step = (): void => {
      const due = (performance.now() - t0) * REPLAY_SPEEDUP;
      while (i < capture.length && capture[i]!.at - first <= due) fanout.write(capture[i++]!.chunk);
      if (i >= capture.length) return resolve();
      setTimeout(step, Math.max(0, (capture[i]!.at - first) / REPLAY_SPEEDUP - (performance.now() - t0)));
    };
    step();
  });
  const current = output;
  if (current)
    await until(
      () => current.status().bytesOut >= current.status().bytesIn,
      10_000,
      () => `the ${kind} replay to drain (${JSON.stringify(current.status())})`,
    );
  const used = process.cpuUsage(before);
  const status = output?.status();
  await output?.stop('replay over');
  return { cpuS: (used.user + used.system) / 1e6, bytesIn: status?.bytesIn ?? 0, bytesOut: status?.bytesOut ?? 0, state: status?.state ?? 'n/a' };
}

/** An ffmpeg that decodes a stream to small gray frames on stdout, and the frame numbers read back. */
class NumberedFrameReader {
  readonly child: OwnedChild;
  /** Frame number (mod 2^16) → when its last byte came out of the decoder (first arrival only). */
  readonly arrivedAt = new Map<number, number>();
  readonly stderr: string[] = [];
  received = 0;
  undecodable = 0;
  #pending: Buffer = Buffer.alloc(0);

  constructor(ffmpeg: string, name: string, inputArgs: string[], stdin: 'pipe' | 'ignore' = 'ignore') {
    const frameBytes = RECEIVER_SIZE.width * RECEIVER_SIZE.height;
    this.child = spawnOwned({
      command: ffmpeg,
      name,
      stdin,
      stdout: 'pipe',
      graceMs: 1000,
      stderr: { maxLines: 20 },
      onStderrLine: (line) => this.stderr.push(line),
      args: [
        '-hide_banner',
        '-nostdin',
        '-loglevel',
        'error',
        // One decoder thread: frame threads would hold frames back.
        '-fflags',
        'nobuffer',
        '-flags',
        'low_delay',
        '-analyzeduration',
        '1000000',
        '-threads',
        '1',
        ...inputArgs,
        '-map',
        '0:v:0',
        '-an',
        '-sn',
        '-dn',
        '-vf',
        `scale=${RECEIVER_SIZE.width}:${RECEIVER_SIZE.height}`,
        '-pix_fmt',
        'gray',
        '-fps_mode',
        'passthrough',
        '-flush_packets',
        '1',
        '-f',
        'rawvideo',
        'pipe:1',
      ],
    });
    this.child.stdin?.on('error', () => {}); // stopped while written to
    this.child.stdout!.on('data', (chunk: Buffer) => {
      const now = performance.now();
      let pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
      while (pending.length >= frameBytes) {
        const number = readNumber(pending.subarray(0, frameBytes));
        pending = pending.subarray(frameBytes);
        this.received++;
        if (number === null) this.undecodable++;
        else if (!this.arrivedAt.has(number)) this.arrivedAt.set(number, now); // a repeated frame: its first arrival counts
      }
      this.#pending = Buffer.from(pending);
    });
  }

  /** Latency of frames [from, to) that arrived, in order of frame number. */
  latencies(writtenAt: number[], from: number, to: number): number[] {
    const result: number[] = [];
    for (let n = from; n < to; n++) {
      const arrived = this.arrivedAt.get(n & 0xffff);
      if (arrived !== undefined && writtenAt[n] !== undefined) result.push(arrived - writtenAt[n]!);
    }
    return result;
  }
}

interface LatencyRun {
  latenciesMs: number[];
  /** The same frames read straight from the ingest (RTMP play, no program, no SRT). */
  ingestOnlyMs: number[];
  /** The same frames decoded from the program's TS as it leaves the program (before SRT). */
  programTsMs: number[];
  framesWritten: number;
  framesReceived: number;
  framesUndecodable: number;
  framesDropped: number;
  srtState: string;
  firstHalfP50: number;
  secondHalfP50: number;
  receiverStderr: string[];
}

async function latencyPhase(setup: Setup): Promise<LatencyRun> {
  const { fps, seconds } = setup;
  const key = setup.keys.create('bench numbered frames');
  const url = `rtmp://127.0.0.1:${setup.rtmpPort}/live/${key.key}`;
  const { width, height } = PUBLISHER_SIZE;
  const gop = setup.publisherGop;

  // The publisher: raw frames in on stdin, paced by us; silent audio alongside, as OBS would send.
  const publisher = spawnOwned({
    command: setup.ffmpeg,
    name: 'numbered publisher',
    stdin: 'pipe',
    stdout: 'ignore',
    graceMs: 1000,
    stderr: { maxLines: 20 },
    args: [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'yuv420p',
      '-s',
      `${width}x${height}`,
      '-framerate',
      String(fps),
      '-i',
      'pipe:0',
      '-f',
      'lavfi',
      '-i',
      'anullsrc=r=48000:cl=stereo',
      '-map',
      '0:v',
      '-map',
      '1:a',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-tune',
      'zerolatency',
      '-g',
      String(gop),
      '-pix_fmt',
      'yuv420p',
      '-b:v',
      '500k',
      '-c:a',
      'aac',
      '-b:a',
      '64k',
      '-f',
      'flv',
      '-flvflags',
      'no_duration_filesize',
      url,
    ],
  });
  publisher.stdin!.on('error', () => {}); // it is stopped while we write: ignore EPIPE
  const writtenAt: number[] = [];
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const periodMs = 1000 / fps;
  const t0 = performance.now();
  let next = 0;
  const tick = (): void => {
    if (stopped) return;
    const now = performance.now();
    // Drift-free: frame n is due at t0 + n·period; a late timer writes what is due, at once.
    while (t0 + next * periodMs <= now) {
      const frame = numberedFrame(next);
      writtenAt[next] = performance.now();
      publisher.stdin!.write(frame);
      next++;
    }
    timer = setTimeout(tick, Math.max(0, t0 + next * periodMs - performance.now()));
  };
  tick();

  // The distributor's side: an SRT listener that decodes (ffmpeg's srt latency is in microseconds).
  const srtPort = await freePort();
  const atSrt = new NumberedFrameReader(setup.ffmpeg, 'srt receiver (decoding)', [
    '-i',
    `srt://127.0.0.1:${srtPort}?mode=listener&latency=${setup.srtLatencyMs * 1000}`,
  ]);
  let atIngest: NumberedFrameReader | undefined;

  const fanout = new OutputFanout();
  const program = makeProgram(setup, fanout, () => {});
  // A tap on the program's TS (the bytes the fan-out gets), decoded the same way: the program's share.
  const atProgram = new NumberedFrameReader(setup.ffmpeg, 'program TS tap (decoding)', ['-f', 'mpegts', '-i', 'pipe:0'], 'pipe');
  program.onTs((chunk) => {
    if (atProgram.child.running) atProgram.child.stdin?.write(chunk);
  });
  const logger = new Logger({ sink: (line) => setup.warnings.push(line), level: 'warn' });
  const srt = createOutput(
    'bench-latency-srt',
    { kind: 'srt', url: `srt://127.0.0.1:${srtPort}`, mode: 'caller', latencyMs: setup.srtLatencyMs },
    { ffmpegPath: setup.ffmpeg, logger, previewDir: (id) => path.join(setup.dir, 'preview', id) },
  );
  fanout.add(srt);
  try {
    await until(
      () => setup.published.some((info) => info.streamKeyId === key.id),
      20_000,
      () => `the numbered publisher to publish (${publisher.stderrTail().join(' | ')})`,
    );
    // The reference leg: the same stream played straight from the ingest, decoded the same way.
    atIngest = new NumberedFrameReader(setup.ffmpeg, 'ingest player (decoding)', ['-f', 'flv', '-i', url]);
    await startProgram(program, setup, key.id);
    await until(() => bound(srtPort, 'udp') || !atSrt.child.running, 10_000, 'the SRT receiver to listen');
    srt.start();
    await until(() => srt.status().state === 'running', 20_000, 'the SRT output to run');
    await until(
      () => atSrt.arrivedAt.size > 0,
      20_000,
      () => `numbered frames at the receiver (${atSrt.stderr.slice(-3).join(' | ')})`,
    );
    await sleep(WARMUP_S * 1000);
    const from = next; // frames written from now on are measured
    const droppedBefore = program.stats().framesDropped;
    log(`latency: ${seconds} s, frames from #${from}`);
    await sleep(seconds * 1000);
    const to = next;
    await sleep(2000); // the last ones arrive
    const latencies = atSrt.latencies(writtenAt, from, to);
    const half = Math.floor(latencies.length / 2);
    return {
      latenciesMs: latencies,
      ingestOnlyMs: atIngest.latencies(writtenAt, from, to),
      programTsMs: atProgram.latencies(writtenAt, from, to),
      framesWritten: to - from,
      framesReceived: atSrt.received,
      framesUndecodable: atSrt.undecodable,
      framesDropped: program.stats().framesDropped - droppedBefore,
      srtState: srt.status().state,
      firstHalfP50: round(
        percentile(
          [...latencies.slice(0, half)].sort((a, b) => a - b),
          50,
        ),
        1,
      ),
      secondHalfP50: round(
        percentile(
          [...latencies.slice(half)].sort((a, b) => a - b),
          50,
        ),
        1,
      ),
      receiverStderr: atSrt.stderr.slice(-5),
    };
  } finally {
    stopped = true;
    clearTimeout(timer);
    await srt.stop('benchmark over');
    await program.stop();
    await program.close();
    await atSrt.child.stop('benchmark over');
    await atIngest?.child.stop('benchmark over');
    atProgram.child.stdin?.end();
    await atProgram.child.stop('benchmark over');
    publisher.stdin?.end();
    await publisher.stop('benchmark over');
  }
}

export default async function outputsBench(args: string[]): Promise<object> {
  const seconds = Number(option(args, 'seconds') ?? 20);
  if (!(seconds > 0)) throw new Error('--seconds must be > 0');
  const [width, height] = (option(args, 'size') ?? '640x360').split('x').map(Number) as [number, number];
  const frameRate = frameRateOf(option(args, 'fps') ?? '30');
  const fps = frameRate.num / frameRate.den;
  const videoBitrateKbps = Number(option(args, 'bitrate') ?? 1500);
  const srtLatencyMs = Number(option(args, 'srt-latency') ?? 120);
  const publisherGop = Number(option(args, 'publisher-gop') ?? Math.round(fps));
  const kinds = (option(args, 'kinds') ?? OUTPUT_KINDS.join(',')).split(',') as Kind[];
  for (const kind of kinds)
    if (!(OUTPUT_KINDS as readonly string[]).includes(kind)) throw new Error(`--kinds: ${kind} is not one of ${OUTPUT_KINDS.join(', ')}`);
  const format: ProgramFormat = { ...DEFAULT_PROGRAM_FORMAT, width, height, frameRate, videoBitrateKbps, gopFrames: Math.round(fps) * 2 };
  const ffmpeg = resolveFfmpegBinaries().ffmpeg.path;
  const loadBefore = os.loadavg();

  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-outputs-'));
  const store = openStore(dir);
  const keys = new StreamKeysRepository(store.db);
  const rtmpPort = await freePort();
  const ingest = new RtmpIngest({ storeDir: path.join(dir, 'nms'), streamKeys: keys, logger: new Logger({ sink: () => {}, level: 'error' }), port: rtmpPort });
  const published: IngestStreamInfo[] = [];
  ingest.on('ingest.published', (info) => published.push(info));
  await ingest.start();
  const setup: Setup = { dir, ffmpeg, format, fps, seconds, ingest, keys, published, rtmpPort, srtLatencyMs, kinds, publisherGop, warnings: [] };
  try {
    const { phases, capture } = await cpuPhases(setup);
    await sleep(1000);
    const inProcessKinds = kinds.filter((kind): kind is 'hls' | 'recording' => kind === 'hls' || kind === 'recording');
    const replays: Record<string, Awaited<ReturnType<typeof replay>>> = {};
    if (inProcessKinds.length > 0) {
      log(`replays of ${capture.length} captured TS chunks at ${REPLAY_SPEEDUP}x: none, ${inProcessKinds.join(', ')}`);
      replays.none = await replay(setup, capture, 'none');
      for (const kind of inProcessKinds) replays[kind] = await replay(setup, capture, kind);
    }
    const capturedS = phases[0]?.window.outputS ?? 0;
    await sleep(1000);
    const latency = await latencyPhase(setup);
    const loadAfter = os.loadavg();

    const baselines = phases.filter((phase) => phase.kind === 'baseline').map((phase) => phase.window);
    const perS = (value: number, w: WindowResult): number => value / Math.max(1e-9, w.outputS);
    const baselineSelf = baselines.map((w) => perS(w.selfCpuS, w));
    const baselineChildren = baselines.map((w) => perS(w.programChildrenCpuS, w));
    const baselineSyncMs = baselines.map((w) => perS(w.syncWriteMs, w));
    const mean = (values: number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;
    const selfRef = mean(baselineSelf);
    const syncRef = mean(baselineSyncMs);

    const outputs: Record<string, object> = {};
    for (const phase of phases) {
      if (phase.kind === 'baseline') continue;
      const w = phase.window;
      const hostDelta = perS(w.selfCpuS, w) - selfRef;
      const replayed = replays[phase.kind];
      const replayCpu = replayed && replays.none ? (replayed.cpuS - replays.none.cpuS) / capturedS : undefined;
      outputs[phase.kind] = {
        cpu_s_per_output_s: round(replayCpu ?? perS(w.senderCpuS, w)),
        measured_as:
          replayCpu !== undefined
            ? `this process (all threads) replaying ${round(capturedS, 1)} s of the program's TS into it at ${REPLAY_SPEEDUP}x with the original chunking, program stopped, minus the same replay into no output`
            : 'the sender ffmpeg utime+stime in the live window',
        ...(replayed
          ? {
              replay: {
                cpu_s: round(replayed.cpuS, 3),
                reference_cpu_s: round(replays.none!.cpuS, 3),
                bytes_in: replayed.bytesIn,
                bytes_out: replayed.bytesOut,
                state: replayed.state,
              },
            }
          : { sender_pids: w.senderPids.length }),
        host_process_delta_cpu_s_per_output_s: round(hostDelta),
        sync_write_ms_per_output_s: round(perS(w.syncWriteMs, w) - syncRef, 3),
        program_children_cpu_s_per_output_s: round(perS(w.programChildrenCpuS, w)),
        output_s: round(w.outputS, 2),
        delivered_kbps: round((w.outputBytes * 8) / 1000 / w.outputS, 1),
        state_at_end: phase.state,
        failed_starts_before_running: phase.failedStarts ?? 0,
        ...(phase.failures && phase.failures.length > 0 ? { start_failures: phase.failures } : {}),
        reconnects_in_window: w.reconnects,
        dropped_bytes_in_window: w.droppedBytes,
        program_frames_dropped: w.framesDropped,
      };
    }
    const latencySummary = summary(latency.latenciesMs);

    return {
      bench: 'outputs',
      config: {
        size: `${width}x${height}`,
        fps: round(fps, 3),
        seconds_per_phase: seconds,
        warmup_s_before_each_window: WARMUP_S,
        video_bitrate_kbps: videoBitrateKbps,
        audio_bitrate_kbps: format.audioBitrateKbps,
        x264_preset: format.x264Preset,
        gop_frames: format.gopFrames,
        srt_latency_ms: srtLatencyMs,
      },
      node: process.version,
      ffmpeg,
      machine: { cpus: os.cpus().length, load_avg_before: loadBefore.map((v) => round(v, 2)), load_avg_after: loadAfter.map((v) => round(v, 2)) },
      cpu: {
        unit: 'CPU seconds per second of program output (1.0 = one core)',
        baseline_cpu_s_per_output_s: round(selfRef + mean(baselineChildren)),
        baseline: {
          this_process: baselineSelf.map((v) => round(v)),
          decoder_and_encoder: baselineChildren.map((v) => round(v)),
          note: 'two baseline windows (first and last phase); their spread is the noise floor of the in-process deltas',
          spread_this_process: round(Math.abs((baselineSelf[0] ?? 0) - (baselineSelf[1] ?? 0))),
          program_frames_dropped: baselines.map((w) => w.framesDropped),
        },
        outputs,
      },
      latency: {
        rtmp_frame_in_to_srt_receiver_ms: latencySummary,
        srt_latency_ms: srtLatencyMs,
        p50_first_half_ms: latency.firstHalfP50,
        p50_second_half_ms: latency.secondHalfP50,
        frames_written: latency.framesWritten,
        ingest_only_reference_ms: {
          ...summary(latency.ingestOnlyMs),
          what: 'the same frames played straight from the ingest (ffmpeg RTMP play, decoded the same way), at the same time: publisher + ingest + decode, without the program and SRT',
        },
        program_ts_reference_ms: {
          ...summary(latency.programTsMs),
          what: 'the same frames decoded from the program TS as the fan-out gets it (piped to an ffmpeg decoding the same way): everything but the SRT sender and transport',
        },
        p50_split_ms: {
          publisher_ingest_and_decode: p50(latency.ingestOnlyMs),
          program: round(p50(latency.programTsMs) - p50(latency.ingestOnlyMs), 1),
          srt_sender_transport_and_latency_buffer: round(p50(latency.latenciesMs) - p50(latency.programTsMs), 1),
          note: 'differences of medians of the three taps on the same frames; the TS demux wait (~1 frame) is in the program share',
        },
        frames_at_receiver_total: latency.framesReceived,
        frames_undecodable_at_receiver: latency.framesUndecodable,
        program_frames_dropped: latency.framesDropped,
        srt_state_at_end: latency.srtState,
        // Mostly the receiver joining mid-GOP (no SPS/PPS yet) at the start.
        ...(latency.receiverStderr.length > 0 ? { receiver_stderr_tail: latency.receiverStderr } : {}),
        publisher: `Node writes ${PUBLISHER_SIZE.width}x${PUBLISHER_SIZE.height} yuv420p at ${round(fps, 3)} fps (drift-free timer) into ffmpeg: x264 ultrafast zerolatency g=${publisherGop} 500k + silent AAC, FLV over RTMP`,
        receiver: `ffmpeg SRT listener (latency ${srtLatencyMs} ms, -fflags nobuffer, 1 decoder thread) → ${RECEIVER_SIZE.width}x${RECEIVER_SIZE.height} gray on stdout, read by Node`,
        includes: [
          'publisher: pipe + x264 encode + FLV/RTMP send',
          'ingest (node-media-server) relay to the source decoder',
          'source decoder (ffmpeg) + scale to the program size + jitter buffer',
          'frame clock wait + compose + program encoder (x264 zerolatency, CBR mpegts)',
          'SCTE-35 injector, fan-out, SRT sender ffmpeg',
          `SRT transport incl. its receive latency buffer (${srtLatencyMs} ms)`,
          'receiver: TS demux (a video PES is complete when the next one starts: ~1 frame), H.264 decode, scale, pipe to Node',
        ],
      },
      note:
        'CPU from /proc (10 ms ticks) over windows of ' +
        seconds +
        ' s after a ' +
        WARMUP_S +
        ' s warm-up, on one running program fed by ffmpeg testsrc2 over RTMP; each output alone behind an OutputFanout. ' +
        'SRT and RTMP: the sender ffmpeg only (their in-process side is sync_write_ms: time inside fanout.write() above the baseline). HLS and recording run in this process, where the live difference against the baselines (host_process_delta_…) is below the noise of the compositor and a shared machine, so their figure comes from replaying the captured program TS into them with the program stopped. ' +
        "The publisher's and the receivers' CPU is never counted. Latency: first arrival of each frame number at the receiver minus its write time to the publisher, frames written after the warm-up.",
      warnings: { count: setup.warnings.length, last: setup.warnings.slice(-5) },
    };
  } finally {
    await ingest.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(value: number, digits = 4): number {
  return roundTo(value, digits);
}
