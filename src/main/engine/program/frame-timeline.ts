// The program's timeline of actions keyed by frame index (see on-air-control.ts). The program
// calls run(n) inside the tick of frame n, before frame n is composed, for every n in order
// (frames the clock skipped included): each action due at n runs there, in the order asked.
//
// Per frame nothing is allocated: the pending actions sit in one array sorted by (frame, id), the
// due ones are taken from its head, and the frame listeners are an array replaced only when one
// subscribes or leaves.
import type { Logger } from '../log.ts';
import type { FrameRate } from '../media.ts';
import { FrameTiming } from '../compositor/index.ts';
import type { FrameAction, FrameTimeline } from './on-air-control.ts';
import { ProgramError } from './errors.ts';

/** Actions waiting at once: a client (or a bug) cannot grow the timeline without bound. */
export const MAX_PENDING_ACTIONS = 4096;

interface Pending {
  id: number;
  frame: number;
  action: FrameAction;
}

export interface ProgramTimelineOptions {
  rate: FrameRate;
  gopFrames: number;
  logger: Logger;
  /** Carries out an action (hold, cue, pause, resume) at its frame; 'call' actions are run here. */
  perform: (action: Exclude<FrameAction, { kind: 'call' }>, frame: number) => void;
  /** The PTS of frame n in the outgoing TS, or null before its first video PES. */
  ptsOfFrame: (frame: number) => number | null;
}

export class ProgramTimeline implements FrameTimeline {
  readonly fps: number;
  readonly gopFrames: number;
  readonly timing: FrameTiming;
  readonly #log: Logger;
  readonly #perform: ProgramTimelineOptions['perform'];
  readonly #ptsOfFrame: ProgramTimelineOptions['ptsOfFrame'];
  /** Sorted by frame, then id (the order asked in). */
  readonly #pending: Pending[] = [];
  #listeners: ((frame: number) => void)[] = [];
  #nextId = 1;
  #frame = -1;
  /** The frame whose actions run now, −1 outside run(). */
  #running = -1;
  /** Wall-clock anchor: frame #anchorFrame is made at #anchorMs (ms since the epoch). */
  #anchorFrame = 0;
  #anchorMs = Date.now();

  constructor(options: ProgramTimelineOptions) {
    this.timing = new FrameTiming(options.rate);
    this.fps = options.rate.num / options.rate.den;
    this.gopFrames = options.gopFrames;
    this.#log = options.logger;
    this.#perform = options.perform;
    this.#ptsOfFrame = options.ptsOfFrame;
  }

  /** The last frame made (its tick started), −1 before the first. */
  get frame(): number {
    return this.#frame;
  }

  /** Actions not yet run. */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /**
   * Runs `action` when frame `frame` is made, before it is composed. A frame already made is
   * refused; while frame n's actions run, an action for n itself is accepted and runs in that tick,
   * after the ones asked before it.
   */
  at(frame: number, action: FrameAction): number {
    if (!Number.isSafeInteger(frame) || frame < 0) throw new ProgramError('BAD_SWITCH', `a frame index is an integer ≥ 0, got ${frame}`, { field: 'atFrame' });
    const earliest = this.#running >= 0 ? this.#running : this.#frame + 1;
    if (frame < earliest) {
      throw new ProgramError('BAD_SWITCH', `frame ${frame} is already composed; the next frame is ${this.#frame + 1}`, { field: 'atFrame' });
    }
    if (this.#pending.length >= MAX_PENDING_ACTIONS) {
      throw new ProgramError('BAD_SWITCH', `${MAX_PENDING_ACTIONS} actions already wait for their frame`, { field: 'atFrame' });
    }
    const entry: Pending = { id: this.#nextId++, frame, action };
    // After every entry at or before this frame: same-frame actions keep the order they were asked in.
    const pending = this.#pending;
    let lo = 0;
    let hi = pending.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pending[mid]!.frame <= frame) lo = mid + 1;
      else hi = mid;
    }
    pending.splice(lo, 0, entry);
    return entry.id;
  }

  cancel(id: number): boolean {
    const pending = this.#pending;
    for (let i = 0; i < pending.length; i++) {
      if (pending[i]!.id !== id) continue;
      pending.splice(i, 1);
      return true;
    }
    return false;
  }

  /** The frame of a pending action, or null when it ran, was cancelled or never was. */
  frameOf(id: number): number | null {
    for (const entry of this.#pending) if (entry.id === id) return entry.frame;
    return null;
  }

  /** Pending actions matching `test` (e.g. operator holds, to bound them). */
  countPending(test: (action: FrameAction) => boolean): number {
    let count = 0;
    for (const entry of this.#pending) if (test(entry.action)) count++;
    return count;
  }

  onFrame(listener: (frame: number) => void): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /** Makes frame n current and runs the actions due at it (the tick of n, before it is composed). */
  run(n: number): void {
    this.#frame = n;
    this.#running = n;
    const pending = this.#pending;
    try {
      while (pending.length > 0 && pending[0]!.frame <= n) {
        const entry = pending.shift()!;
        try {
          const action = entry.action;
          if (action.kind === 'call') action.run(n);
          else this.#perform(action, n);
        } catch (error) {
          this.#log.error(`a timeline action (${entry.action.kind}) at frame ${entry.frame} failed`, { error });
        }
      }
    } finally {
      this.#running = -1;
    }
  }

  /** Tells the frame listeners that frame n is made (after its actions ran and it was handed to the compositor). */
  notify(n: number): void {
    const listeners = this.#listeners;
    for (let i = 0; i < listeners.length; i++) {
      try {
        listeners[i]!(n);
      } catch (error) {
        this.#log.error('a frame listener failed', { error });
      }
    }
  }

  /** From here, frame `frame` is made at wall time `ms` (the clock's start). */
  anchor(frame: number, ms: number): void {
    this.#anchorFrame = frame;
    this.#anchorMs = ms;
  }

  wallTimeOf(frame: number): number {
    const { num, den } = this.timing.rate;
    return this.#anchorMs + ((frame - this.#anchorFrame) * 1000 * den) / num;
  }

  frameAt(ms: number): number {
    const { num, den } = this.timing.rate;
    return this.#anchorFrame + Math.floor(((ms - this.#anchorMs) * num) / (1000 * den));
  }

  idrAtOrAfter(frame: number): number {
    const gop = this.gopFrames;
    return Math.ceil(Math.max(0, frame) / gop) * gop;
  }

  ptsOfFrame(frame: number): number | null {
    return this.#ptsOfFrame(frame);
  }
}
