// What every CPU benchmark measures the studio against: a plain ffmpeg doing the same job, run as a
// child of this process, with its CPU read from /proc (reaped children's times) and its progress
// from `-progress pipe:2`.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { isProgressLine, ProgressParser, type EncoderProgress } from '../../src/main/engine/encoder/encoder-args.ts';
import { spawnOwned } from '../../src/main/engine/process/child.ts';
import { sleep } from './common.ts';

export const CLOCK_TICKS_PER_S = 100; // getconf CLK_TCK on Linux

/** /proc/<pid>/stat fields after "(comm) ": utime, stime, cutime, cstime are fields 14..17. */
export function procTimes(statPath: string): { utime: number; stime: number; cutime: number; cstime: number } {
  const text = readFileSync(statPath, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const at = (field: number): number => Number(fields[field - 3]);
  return { utime: at(14), stime: at(15), cutime: at(16), cstime: at(17) };
}

export interface CpuSnapshot {
  /** This process, all threads, seconds. */
  self: number;
  /** Reaped children, seconds. */
  children: number;
}

export function cpuSnapshot(): CpuSnapshot {
  const t = procTimes('/proc/self/stat');
  return { self: (t.utime + t.stime) / CLOCK_TICKS_PER_S, children: (t.cutime + t.cstime) / CLOCK_TICKS_PER_S };
}

export interface ReferenceRun {
  frames: number;
  elapsedS: number;
  /** The reference ffmpeg's CPU seconds. */
  cpuS: number;
  /** This process's CPU meanwhile (e.g. an RTMP ingest the reference reads from). */
  ingestCpuS: number;
  tsBytes: number;
  progress: EncoderProgress | null;
  exitCode: number | null;
  stderr: string[];
  args: string[];
}

/** Runs `ffmpeg args` (its output on stdout, progress on stderr) to its end; what it made and cost. */
export async function runReference(ffmpeg: string, args: string[]): Promise<ReferenceRun> {
  const parser = new ProgressParser();
  let progress: EncoderProgress | null = null;
  const stderr: string[] = [];
  let tsBytes = 0;
  const cpuBefore = cpuSnapshot();
  const started = performance.now();
  const child = spawnOwned({
    command: ffmpeg,
    args,
    name: 'reference',
    stdout: 'pipe',
    graceMs: 3000,
    stderr: { maxLines: 40 },
    onStderrLine: (line) => {
      if (!isProgressLine(line)) {
        stderr.push(line);
        return;
      }
      const report = parser.push(line);
      if (report) progress = report;
    },
  });
  child.stdout!.on('data', (chunk: Buffer) => (tsBytes += chunk.length));
  const exit = await child.exited;
  const elapsedS = (performance.now() - started) / 1000;
  // Its CPU is counted once it is reaped.
  await sleep(500);
  const cpuAfter = cpuSnapshot();
  const last = progress as EncoderProgress | null;
  return {
    frames: last?.frame ?? 0,
    elapsedS,
    cpuS: cpuAfter.children - cpuBefore.children,
    ingestCpuS: cpuAfter.self - cpuBefore.self,
    tsBytes,
    progress: last,
    exitCode: exit.exitCode,
    stderr: stderr.slice(-10),
    args,
  };
}
