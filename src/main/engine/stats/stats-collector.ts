// Once a second: the live figures of the program, its sources and outputs, and the CPU and memory
// of the studio and its children. Pushed as an event, kept for /metrics, and every tenth sample
// (10 s) written to the store as an analytics sample while the program runs.
import type { Database } from 'better-sqlite3';
import { Gauge, type Registry } from 'prom-client';
import type { OutputStatus } from '../../../shared/outputs.ts';
import type { ProgramStats, StatsEvent } from '../../../shared/stats.ts';
import type { Logger } from '../log.ts';
import { ProcessUsageSampler } from './process-usage.ts';

export interface StatsSources {
  program: () => (ProgramStats & { sources: StatsEvent['sources'] }) | null;
  outputs: () => OutputStatus[];
}

export const ANALYTICS_EVERY_SAMPLES = 10;

export class StatsCollector {
  readonly #sources: StatsSources;
  readonly #db: Database;
  readonly #log: Logger;
  readonly #emit: (event: StatsEvent) => void;
  readonly #usage = new ProcessUsageSampler();
  readonly #timer: NodeJS.Timeout;
  #last: StatsEvent | null = null;
  #samples = 0;
  #lastFrame = -1;
  #lastAt = 0;

  constructor(options: { sources: StatsSources; db: Database; log: Logger; registry: Registry; emit: (event: StatsEvent) => void; intervalMs?: number }) {
    this.#sources = options.sources;
    this.#db = options.db;
    this.#log = options.log;
    this.#emit = options.emit;
    this.#registerMetrics(options.registry);
    this.#timer = setInterval(() => this.sample(), options.intervalMs ?? 1000);
    this.#timer.unref();
  }

  get last(): StatsEvent | null {
    return this.#last;
  }

  sample(): StatsEvent {
    const now = Date.now();
    const programAndSources = this.#sources.program();
    let program: ProgramStats | null = null;
    if (programAndSources) {
      const { sources: _sources, ...stats } = programAndSources;
      // Frames made per second of wall time since the last sample: what OBS shows as FPS.
      const fps = this.#lastFrame >= 0 && now > this.#lastAt ? ((stats.frame - this.#lastFrame) * 1000) / (now - this.#lastAt) : 0;
      program = { ...stats, fps: Math.max(0, Math.round(fps * 100) / 100) };
      this.#lastFrame = stats.frame;
    } else {
      this.#lastFrame = -1;
    }
    this.#lastAt = now;
    const event: StatsEvent = {
      at: new Date(now).toISOString(),
      program,
      sources: programAndSources?.sources ?? [],
      outputs: this.#sources.outputs(),
      usage: this.#usage.sample(),
    };
    this.#last = event;
    this.#emit(event);
    this.#samples++;
    if (program && this.#samples % ANALYTICS_EVERY_SAMPLES === 0) this.#persist(event);
    return event;
  }

  history(limit: number): Array<{ sampledAt: string; stats: StatsEvent }> {
    const rows = this.#db.prepare('SELECT sampled_at, metrics FROM analytics_samples ORDER BY id DESC LIMIT ?').all(limit) as Array<{
      sampled_at: string;
      metrics: string;
    }>;
    return rows.map((row) => ({ sampledAt: row.sampled_at, stats: JSON.parse(row.metrics) as StatsEvent }));
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #persist(event: StatsEvent): void {
    try {
      this.#db.prepare('INSERT INTO analytics_samples (sampled_at, metrics) VALUES (?, ?)').run(event.at, JSON.stringify(event));
    } catch (error) {
      this.#log.error('analytics sample not stored', { error });
    }
  }

  #registerMetrics(registry: Registry): void {
    const last = () => this.#last;
    const gauge = (name: string, help: string, read: (event: StatsEvent) => number | null | undefined) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          const event = last();
          const value = event ? read(event) : null;
          if (value !== null && value !== undefined && Number.isFinite(value)) this.set(value);
        },
      });
    gauge('studio_program_running', '1 while the program runs.', (e) => (e.program ? 1 : 0));
    gauge('studio_program_fps', 'Frames made per second.', (e) => e.program?.fps);
    gauge('studio_program_fps_target', 'The program frame rate.', (e) => e.program?.fpsTarget);
    gauge('studio_program_frames_composed', 'Frames composed since the program started.', (e) => e.program?.framesComposed);
    gauge('studio_program_frames_repeated', 'Frames that repeated the last picture.', (e) => e.program?.framesRepeated);
    gauge('studio_program_frames_dropped', 'Frames not composed in time.', (e) => e.program?.framesDropped);
    gauge('studio_program_compose_ms', 'Mean time to compose a frame, ms.', (e) => e.program?.composeMsPerFrame);
    gauge('studio_encoder_backlog_frames', 'Frames waiting for the encoder.', (e) => e.program?.encoderBacklogFrames);
    gauge('studio_encoder_fps', 'Encoder frames per second.', (e) => e.program?.encoder.fps);
    gauge('studio_encoder_speed', 'Encoder speed (1 = real time).', (e) => e.program?.encoder.speed);
    gauge('studio_encoder_bitrate_kbps', 'Encoder output bitrate, kbit/s.', (e) => e.program?.encoder.bitrateKbps);
    gauge('studio_host_cpu_percent', 'CPU of the studio process, % of one core.', (e) => e.usage.hostCpuPercent);
    gauge('studio_children_cpu_percent', 'CPU of the studio’s child processes, % of one core.', (e) => e.usage.childrenCpuPercent);
    gauge('studio_children_rss_bytes', 'Resident memory of the child processes.', (e) => e.usage.childrenRssBytes);
    const perOutput = (name: string, help: string, read: (status: OutputStatus) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['output', 'kind'],
        registers: [registry],
        collect() {
          this.reset();
          for (const status of last()?.outputs ?? []) this.set({ output: status.id, kind: status.kind }, read(status));
        },
      });
    perOutput('studio_output_bitrate_kbps', 'Output bitrate, kbit/s.', (s) => s.bitrateKbps);
    perOutput('studio_output_bytes_out', 'Bytes the output delivered.', (s) => s.bytesOut);
    perOutput('studio_output_dropped_bytes', 'Bytes the output dropped (destination down or slow).', (s) => s.droppedBytes);
    perOutput('studio_output_reconnects', 'Times the output came back after losing its destination.', (s) => s.reconnects);
    perOutput('studio_output_up', '1 while the output delivers.', (s) => (s.state === 'running' ? 1 : 0));
  }
}
