// The program monitor: the composed program frames, before the encoder (as OBS's Program view),
// downscaled to 640×360 at 15 fps for whoever watches (monitor-feed.ts says why this transport).
// A viewer's connection outlives program runs: frames flow while a program airs, and the next
// run's frames follow its Go Live. Nothing taps the program while nobody watches.
import type { FrameSlot } from '../compositor/frame-pool.ts';
import type { Program } from '../program/program.ts';
import type { ProgramLifecycleEvents } from '../program/on-air-control.ts';
import { MONITOR_KIND_PROGRAM, isMonitorFrame, monitorSize } from '../../../shared/monitor-frame.ts';
import { MonitorFeed, type MonitorSink } from './monitor-feed.ts';

export const MONITOR_FPS = 15;
export const MONITOR_MAX_WIDTH = 640;
export const MONITOR_MAX_HEIGHT = 360;

/** Wall-clock ms with sub-ms precision, comparable across processes of this machine. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

export interface ProgramMonitorOptions {
  /** The program airing now, if any. */
  airing: () => Program | null;
  lifecycle: Pick<ProgramLifecycleEvents, 'onStarted' | 'onStopped'>;
  fps?: number;
}

export class ProgramMonitor {
  readonly #options: ProgramMonitorOptions;
  readonly #fps: number;
  #feed: MonitorFeed | null = null;
  #feedKey = '';
  #tapped: Program | null = null;
  #untap: (() => void) | null = null;
  readonly #offStarted: () => void;
  readonly #offStopped: () => void;

  constructor(options: ProgramMonitorOptions) {
    this.#options = options;
    this.#fps = options.fps ?? MONITOR_FPS;
    this.#offStarted = options.lifecycle.onStarted(() => this.#retap());
    this.#offStopped = options.lifecycle.onStopped(() => this.#retap());
  }

  get viewerCount(): number {
    return this.#feed?.viewerCount ?? 0;
  }

  get feedStats(): MonitorFeed['stats'] | null {
    return this.#feed?.stats ?? null;
  }

  /** A viewer; null when too many watch already. The function returned detaches it. */
  attach(sink: MonitorSink): (() => void) | null {
    this.#feed ??= new MonitorFeed({ width: MONITOR_MAX_WIDTH, height: MONITOR_MAX_HEIGHT, kind: MONITOR_KIND_PROGRAM });
    const detach = this.#feed.attach(sink);
    if (!detach) return null;
    this.#retap();
    return () => {
      detach();
      this.#retap();
    };
  }

  /** Taps the airing program while someone watches; untaps otherwise. */
  #retap(): void {
    const program = this.#feed?.watched ? this.#options.airing() : null;
    if (program === this.#tapped) return;
    this.#untap?.();
    this.#untap = null;
    this.#tapped = program;
    if (!program || !this.#feed) return;
    const { width, height, frameRate } = program.format;
    const size = monitorSize(width, height, MONITOR_MAX_WIDTH, MONITOR_MAX_HEIGHT);
    const key = `${size.width}x${size.height}`;
    if (key !== this.#feedKey) {
      // The monitor keeps the program's aspect: a new size for a program of another shape.
      const viewers = this.#feed;
      this.#feedKey = key;
      viewers.resize(size.width, size.height);
    }
    const programFps = frameRate.num / frameRate.den;
    const feed = this.#feed;
    const fps = this.#fps;
    this.#untap = program.onComposed((n: number, frame: FrameSlot) => {
      if (!feed.watched || !isMonitorFrame(n, programFps, fps)) return;
      feed.publish(frame.pool.layout, frame.pool.slotOffset(frame.index), n, nowMs());
    });
  }

  close(): void {
    this.#offStarted();
    this.#offStopped();
    this.#untap?.();
    this.#untap = null;
    this.#tapped = null;
    this.#feed?.close();
    this.#feed = null;
  }
}
