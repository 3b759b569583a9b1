// The program monitor's figures (issue #13): its delay after the compositor and its CPU.
//
// - Delay: a real `studio serve` composes a moving test pattern; a WebSocket viewer (this process)
//   receives each monitor frame and reads its header; delay = time received and parsed − the
//   frame's composedAtMs stamp (taken when the compositor delivered it). Both clocks are this
//   machine's wall clock (performance.timeOrigin + performance.now()).
// - CPU: the studio process's CPU time (/proc/<pid>/stat: all its threads, compositor workers
//   included; not its ffmpeg children) as % of one core, in alternating phases without and with
//   a viewer; the monitor costs the difference. The machine is shared, so the per-frame cost of
//   the downscale itself is measured too, in this process (MonitorFrames.render, the SIMD kernel),
//   as a figure that noise does not move much.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { frameArena } from '../../src/main/engine/compositor/frame-arena.ts';
import { frameLayout } from '../../src/main/engine/compositor/frame-pool.ts';
import { MonitorFrames } from '../../src/main/engine/monitor/monitor-frames.ts';
import { MONITOR_KIND_PROGRAM, PROGRAM_MONITOR_PATH, readMonitorHeader } from '../../src/shared/monitor-frame.ts';
import { startStudio, type RunningStudio } from '../../tests/support/studio-server.ts';
import { round, sleep } from './common.ts';

export interface ProgramMonitorOptions {
  programWidth?: number;
  programHeight?: number;
  programFps?: '30' | '25' | '60' | '29.97';
  /** Seconds per phase; four phases (without, with, without, with). */
  phaseSeconds?: number;
  /** Frames for the in-process downscale measurement. */
  renderFrames?: number;
}

export interface ProgramMonitorFigures {
  program: { width: number; height: number; fps: string };
  monitor: { width: number; height: number; fps: number; framesReceived: number; receivedFps: number };
  delayMs: { mean: number; p50: number; p95: number; max: number };
  cpu: { withoutViewerPercent: number; withViewerPercent: number; monitorPercent: number; phases: Array<{ viewer: boolean; percent: number }> };
  downscale: { msPerFrame: number; percentOfCoreAt15fps: number };
  budget: { delayMs: number; cpuPercent: number };
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function summary(samples: number[]): { mean: number; p50: number; p95: number; max: number } {
  if (samples.length === 0) return { mean: Number.NaN, p50: Number.NaN, p95: Number.NaN, max: Number.NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { mean: round(samples.reduce((s, v) => s + v, 0) / samples.length), p50: round(at(0.5)), p95: round(at(0.95)), max: round(sorted.at(-1)!) };
}

async function ok<T>(studio: RunningStudio, name: string, args: unknown = {}): Promise<T> {
  const { status, body } = await studio.command<{ result?: T; error?: unknown }>(name, args);
  if (status !== 200) throw new Error(`${name}: ${status} ${JSON.stringify(body.error)}`);
  return body.result!;
}

/** ms per frame of the downscale alone (program size → 640×360) by the compositor's kernel, here. */
function measureDownscale(width: number, height: number, frames: number): number {
  const source = frameLayout(width, height);
  const arena = frameArena();
  const offset = arena.allocate(source.slotBytes);
  new Uint8Array(arena.memory.buffer, offset, source.i420Bytes).fill(100);
  const monitor = new MonitorFrames(source, 640, 360, 1);
  try {
    for (let i = 0; i < 20; i++) monitor.render(0, offset, MONITOR_KIND_PROGRAM, i, 0, 0);
    const started = performance.now();
    for (let i = 0; i < frames; i++) monitor.render(0, offset, MONITOR_KIND_PROGRAM, i, 0, 0);
    return (performance.now() - started) / frames;
  } finally {
    monitor.close();
    arena.free(offset);
  }
}

export async function measureProgramMonitor(options: ProgramMonitorOptions = {}): Promise<ProgramMonitorFigures> {
  const width = options.programWidth ?? 1280;
  const height = options.programHeight ?? 720;
  const fps = options.programFps ?? '30';
  const phaseMs = (options.phaseSeconds ?? 6) * 1000;
  const downscaleMs = measureDownscale(width, height, options.renderFrames ?? 300);

  const studio = await startStudio();
  try {
    await ok(studio, 'program.setFormat', {
      width,
      height,
      frameRate: fps,
      videoBitrateKbps: 1500,
      gopFrames: 60,
      x264Preset: 'ultrafast',
      audioBitrateKbps: 64,
      videoEncoder: 'libx264',
    });
    const bars = await ok<{ id: number }>(studio, 'sources.create', { name: 'Bars', config: { kind: 'test_pattern', width, height } });
    await ok(studio, 'scenes.create', { name: 'Main', layers: [{ sourceId: bars.id }] });
    await ok(studio, 'program.start');
    await sleep(3000); // the encoder and decoder warm up

    const pid = studio.process.pid!;
    const delays: number[] = [];
    let received = 0;
    let monitorSize = { width: 0, height: 0 };
    const phases: Array<{ viewer: boolean; percent: number }> = [];
    for (const viewer of [false, true, false, true]) {
      let ws: WebSocket | null = null;
      if (viewer) {
        const socket = new WebSocket(`${studio.url.replace(/^http/, 'ws')}${PROGRAM_MONITOR_PATH}`, { headers: studio.authHeaders });
        socket.on('message', (data: Buffer) => {
          const header = readMonitorHeader(new DataView(data.buffer, data.byteOffset, data.byteLength));
          if (!header) return;
          delays.push(performance.timeOrigin + performance.now() - header.composedAtMs);
          received++;
          monitorSize = { width: header.width, height: header.height };
        });
        await new Promise<void>((resolve, reject) => {
          socket.once('open', () => resolve());
          socket.once('error', reject);
        });
        ws = socket;
        await sleep(500); // the first frames set up the feed's buffers
      }
      const cpuBefore = processCpuSeconds(pid);
      const started = performance.now();
      await sleep(phaseMs);
      const percent = ((processCpuSeconds(pid) - cpuBefore) / ((performance.now() - started) / 1000)) * 100;
      phases.push({ viewer, percent: round(percent, 2) });
      if (ws) {
        ws.close();
        await sleep(300);
      }
    }
    await ok(studio, 'program.stop');
    const mean = (list: number[]): number => list.reduce((s, v) => s + v, 0) / list.length;
    const without = mean(phases.filter((p) => !p.viewer).map((p) => p.percent));
    const withViewer = mean(phases.filter((p) => p.viewer).map((p) => p.percent));
    const viewedSeconds = (2 * (phaseMs + 500)) / 1000;
    return {
      program: { width, height, fps },
      monitor: { ...monitorSize, fps: 15, framesReceived: received, receivedFps: round(received / viewedSeconds, 2) },
      delayMs: summary(delays),
      cpu: { withoutViewerPercent: round(without, 2), withViewerPercent: round(withViewer, 2), monitorPercent: round(withViewer - without, 2), phases },
      downscale: { msPerFrame: round(downscaleMs, 4), percentOfCoreAt15fps: round((downscaleMs * 15) / 10, 3) },
      budget: { delayMs: 100, cpuPercent: 5 },
    };
  } finally {
    await studio.stop();
  }
}
