// The program's master time. Frame index n is the only clock: PTS, audio sample counts and
// scene switches are all functions of n, computed exactly from the rational frame rate.
import { frameRates } from '../../../shared/program.ts';
import { AUDIO_SAMPLE_RATE, MAX_PTS, PTS_HZ, type FrameRate } from '../media.ts';
import { CompositorError } from './errors.ts';

/** The program rates creators pick, by their usual names; one table, shared with the contract. */
export const FRAME_RATES = frameRates satisfies Record<string, FrameRate>;

export function validateFrameRate(rate: FrameRate): FrameRate {
  const { num, den } = rate;
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den) || num <= 0 || den <= 0 || num > 1_000_000 || den > 1_000_000) {
    throw new CompositorError('BAD_OPTION', `frame rate must be a positive fraction num/den, got ${num}/${den}`, { field: 'rate' });
  }
  if (num / den > 240 || num / den < 1) {
    throw new CompositorError('BAD_OPTION', `frame rate ${num}/${den} is outside 1..240 fps`, { field: 'rate' });
  }
  return { num, den };
}

/**
 * floor(n * scale * den / num) exactly, for n ≥ 0, without BigInt on the hot path.
 * n = q·num + r, so the value is q·scale·den + floor(r·scale·den / num); r < num keeps the
 * second product far below 2^53 for any rate validateFrameRate accepts.
 */
function scaledFloor(n: number, scale: number, rate: FrameRate): number {
  const q = Math.floor(n / rate.num);
  const r = n - q * rate.num;
  return q * scale * rate.den + Math.floor((r * scale * rate.den) / rate.num);
}

/** Pure arithmetic of the frame grid: PTS and audio sample cadence of frame n. */
export class FrameTiming {
  readonly rate: FrameRate;
  readonly firstPts: number;
  readonly sampleRate: number;
  /** The most samples any one frame carries (1602 at 29.97); size mixer buffers with it. */
  readonly maxSamplesPerFrame: number;
  /** Frame period in ns, rounded down (the ticker uses exact BigInt arithmetic instead). */
  readonly periodNs: number;

  constructor(rate: FrameRate, options: { firstPts?: number; sampleRate?: number } = {}) {
    this.rate = validateFrameRate(rate);
    this.firstPts = options.firstPts ?? 0;
    this.sampleRate = options.sampleRate ?? AUDIO_SAMPLE_RATE;
    if (!Number.isSafeInteger(this.firstPts) || this.firstPts < 0) {
      throw new CompositorError('BAD_OPTION', `firstPts must be a non-negative integer, got ${this.firstPts}`, { field: 'firstPts' });
    }
    if (!Number.isSafeInteger(this.sampleRate) || this.sampleRate <= 0) {
      throw new CompositorError('BAD_OPTION', `sampleRate must be a positive integer, got ${this.sampleRate}`, { field: 'sampleRate' });
    }
    this.maxSamplesPerFrame = Math.ceil((this.sampleRate * rate.den) / rate.num);
    this.periodNs = Math.floor((1e9 * rate.den) / rate.num);
  }

  /** 90 kHz ticks from frame 0 to frame n: floor(n·90000·den/num). 3003·n at 29.97. */
  ticksOf(n: number): number {
    return scaledFloor(n, PTS_HZ, this.rate);
  }

  /** PTS of frame n, not wrapped: firstPts + ticksOf(n). */
  ptsOf(n: number): number {
    return this.firstPts + this.ticksOf(n);
  }

  /** PTS of frame n as the 33-bit field carries it. */
  wrappedPtsOf(n: number): number {
    return this.ptsOf(n) % MAX_PTS;
  }

  /** Audio samples (per channel) before frame n: floor(n·rate·den/num). */
  sampleOffsetOf(n: number): number {
    return scaledFloor(n, this.sampleRate, this.rate);
  }

  /**
   * Samples (per channel) that belong to frame n. Differences of one floor sequence, so any
   * run of frames sums exactly: 1600 each at 30 fps; 1601,1602,1601,1602,1602 (8008 per 5) at 29.97.
   */
  samplesFor(n: number): number {
    return this.sampleOffsetOf(n + 1) - this.sampleOffsetOf(n);
  }

  /** The first frame whose PTS is at or after `pts` (unwrapped); for cue and switch planning. */
  frameAtOrAfterPts(pts: number): number {
    const ticks = pts - this.firstPts;
    if (ticks <= 0) return 0;
    let n = Math.floor((ticks * this.rate.num) / (PTS_HZ * this.rate.den));
    while (this.ticksOf(n) < ticks) n++;
    while (n > 0 && this.ticksOf(n - 1) >= ticks) n--;
    return n;
  }
}

// ---------------------------------------------------------------------------
// Real-time ticker
// ---------------------------------------------------------------------------

/** Monotonic time and timers; the real one is process.hrtime + setTimeout, tests inject a fake. */
export interface TimeSource {
  nowNs(): bigint;
  schedule(callback: () => void, delayMs: number): unknown;
  cancel(handle: unknown): void;
}

export const realTimeSource: TimeSource = {
  nowNs: () => process.hrtime.bigint(),
  schedule: (callback, delayMs) => setTimeout(callback, delayMs),
  cancel: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * What the ticker hands the consumer for frame n. One object, reused for every tick:
 * read it during the call, do not keep it.
 */
export interface Tick {
  frame: number;
  /** How far behind frame n's ideal time this call happens, in ns (≥ 0). */
  lateNs: number;
  /**
   * True when the tick came too late (more than one period behind and a newer frame is
   * already due). The consumer must still emit frame n, so the output keeps its constant rate
   * and n keeps its PTS: repeat the last picture instead of composing, and mix its audio.
   */
  skip: boolean;
}

export interface TickerStats {
  ticks: number;
  /** Ticks delivered later than lateThresholdNs. */
  lateTicks: number;
  /** Ticks delivered with skip = true. */
  skippedFrames: number;
  maxLateNs: number;
  /** The next frame index the ticker will deliver. */
  nextFrame: number;
}

export interface FrameTickerOptions {
  time?: TimeSource;
  /** A tick later than this counts as late; default half a period. */
  lateThresholdNs?: number;
  /** Index of the first frame delivered; default 0. */
  startFrame?: number;
  /**
   * A tick goes out flagged skip once this many newer frames are already due; default 1 (any).
   * More tolerates a short stall (a busy core, a GC pause) by composing late instead of
   * repeating: the timestamps come from n, not from when the frame was made.
   */
  skipWhenBehindFrames?: number;
}

/**
 * Calls onTick once for every frame index, in order, at that frame's ideal time
 * t0 + (n − start)·den/num seconds. Each wake-up is scheduled against the ideal time of the
 * next frame, never "previous + period", so timer jitter never accumulates. When the
 * consumer (or anything else on the event loop) holds the thread past a whole period, the
 * frames that fell due meanwhile are still delivered, at once and flagged skip, so nothing
 * waits for the composition they no longer have time for.
 */
export class FrameTicker {
  readonly rate: FrameRate;
  readonly #time: TimeSource;
  readonly #onTick: (tick: Tick) => void;
  readonly #lateThresholdNs: number;
  readonly #startFrame: number;
  readonly #skipBehind: number;
  readonly #tick: Tick = { frame: 0, lateNs: 0, skip: false };
  readonly #num: bigint;
  readonly #denNs: bigint;
  #t0 = 0n;
  #next: number;
  #handle: unknown = undefined;
  #running = false;
  #ticks = 0;
  #lateTicks = 0;
  #skipped = 0;
  #maxLateNs = 0;

  constructor(rate: FrameRate, onTick: (tick: Tick) => void, options: FrameTickerOptions = {}) {
    this.rate = validateFrameRate(rate);
    this.#onTick = onTick;
    this.#time = options.time ?? realTimeSource;
    this.#num = BigInt(rate.num);
    this.#denNs = BigInt(rate.den) * 1_000_000_000n;
    this.#lateThresholdNs = options.lateThresholdNs ?? Math.floor((1e9 * rate.den) / rate.num / 2);
    this.#startFrame = options.startFrame ?? 0;
    this.#skipBehind = Math.max(1, options.skipWhenBehindFrames ?? 1);
    this.#next = this.#startFrame;
  }

  get running(): boolean {
    return this.#running;
  }

  /** Starts now: frame startFrame is due immediately. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#t0 = this.#time.nowNs();
    this.#next = this.#startFrame;
    this.#wake();
  }

  stop(): void {
    this.#running = false;
    if (this.#handle !== undefined) this.#time.cancel(this.#handle);
    this.#handle = undefined;
  }

  stats(): TickerStats {
    return {
      ticks: this.#ticks,
      lateTicks: this.#lateTicks,
      skippedFrames: this.#skipped,
      maxLateNs: this.#maxLateNs,
      nextFrame: this.#next,
    };
  }

  /** Ideal monotonic time of frame n: t0 + floor((n − start)·den·1e9 / num). */
  idealTimeNs(n: number): bigint {
    return this.#t0 + (BigInt(n - this.#startFrame) * this.#denNs) / this.#num;
  }

  /** The latest frame whose ideal time is at or before `nowNs`. */
  #dueFrame(nowNs: bigint): number {
    const elapsed = nowNs - this.#t0;
    if (elapsed < 0n) return this.#startFrame - 1;
    return this.#startFrame + Number((elapsed * this.#num) / this.#denNs);
  }

  readonly #wake = (): void => {
    this.#handle = undefined;
    if (!this.#running) return;
    // Time is read again after every delivery: a slow consumer makes more frames due, and
    // every frame older than the newest due one is more than a period late: it goes out flagged skip.
    for (;;) {
      const now = this.#time.nowNs();
      const due = this.#dueFrame(now);
      if (this.#next > due) break;
      const n = this.#next++;
      this.#deliver(n, now, due - n >= this.#skipBehind);
      if (!this.#running) return;
    }
    const delayNs = this.idealTimeNs(this.#next) - this.#time.nowNs();
    // Round up: a timer that fires early only costs a re-arm, one that fires late costs lateness.
    const delayMs = delayNs <= 0n ? 0 : Math.ceil(Number(delayNs) / 1e6);
    this.#handle = this.#time.schedule(this.#wake, delayMs);
  };

  #deliver(n: number, now: bigint, skip: boolean): void {
    const late = now - this.idealTimeNs(n);
    const lateNs = late > 0n ? Number(late) : 0;
    this.#ticks++;
    if (lateNs > this.#lateThresholdNs) this.#lateTicks++;
    if (skip) this.#skipped++;
    if (lateNs > this.#maxLateNs) this.#maxLateNs = lateNs;
    const tick = this.#tick;
    tick.frame = n;
    tick.lateNs = lateNs;
    tick.skip = skip;
    this.#onTick(tick);
  }
}
