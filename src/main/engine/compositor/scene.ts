// Scenes and frame-exact scene switches. The ad-cue deck and the playout schedule switches for
// a known frame index in advance; the operator switches "next frame".
import { CompositorError } from './errors.ts';
import type { Crop, Rect } from './plan.ts';

export interface Layer {
  id: string;
  sourceId: string;
  /**
   * Scaled: the source's cropped part fills the rect, scaled to its size. Not scaled: the source's
   * top-left lands at the rect's origin at the source's own size, clipped to the rect, and crop
   * removes edges in place (generated layers: slates, cards).
   */
  rect: Rect;
  crop?: Crop;
  /** Whether the layer is drawn scaled to its rect (see rect); default false. */
  scaled?: boolean;
  /** 0..1 */
  opacity: number;
  visible: boolean;
}

/** Layers bottom first: layers[0] is the base. */
export interface Scene {
  id: string;
  layers: readonly Layer[];
}

/**
 * cut; fade: the new scene mixed over the old; fadeToBlack (OBS's "Fade to Color" in black): the old
 * scene fades out to the background over the first half, the new one fades in over the second.
 */
export type Transition = { kind: 'cut' } | { kind: 'fade'; frames: number } | { kind: 'fadeToBlack'; frames: number };

export interface SwitchRequest {
  sceneId: string;
  /** The first frame that shows the new scene; omitted = the next frame composed. */
  atFrame?: number;
  transition?: Transition;
}

export interface ScheduledSwitch {
  readonly id: number;
  readonly sceneId: string;
  /** null until a "next frame" switch has been taken. */
  readonly atFrame: number | null;
  readonly transition: Transition;
}

/**
 * What frame n shows: `from` alone, or during a fade `to` mixed over `from` at weight/255.
 * Reused between frames by the compositor.
 */
export interface ProgramView {
  from: string | null;
  to: string | null;
  weight: number;
}

/** A cut, or a fade of 1..100000 frames; anything else is refused (BAD_OPTION on transition.frames). */
export function validateTransition(transition: Transition): Transition {
  if (transition.kind !== 'cut' && (!Number.isInteger(transition.frames) || transition.frames < 1 || transition.frames > 100_000)) {
    throw new CompositorError('BAD_OPTION', `a fade lasts 1..100000 frames, got ${transition.frames}`, { field: 'transition.frames' });
  }
  return transition;
}

interface ActiveFade {
  throughBlack: boolean;
  from: string | null;
  to: string;
  start: number;
  frames: number;
}

/**
 * Holds the on-air scene and the queue of pending switches. A fade of N frames starting at S
 * shows the new scene at weight (k+1)/N on frame S+k, so frame S+N−1 and later show it alone;
 * a cut is the one-frame case. A switch that falls due during a fade completes that fade first.
 * advance(n) must see every frame index in order (skipped frames included).
 */
export class SceneSwitcher {
  #current: string | null;
  #fade: ActiveFade | null = null;
  /** A transition held by hand (the T-bar): `to` over the current scene at weight/255, until let go or a switch falls due. */
  #manualTo: string | null = null;
  #manualWeight = 0;
  #pending: ScheduledSwitch[] = [];
  #nextId = 1;
  #nextFrame: number;

  constructor(initialSceneId: string | null = null, startFrame = 0) {
    this.#current = initialSceneId;
    this.#nextFrame = startFrame;
  }

  /** The scene on air after the last advanced frame (the target, during a fade). */
  get current(): string | null {
    return this.#fade ? this.#fade.to : this.#current;
  }

  /** The next frame index advance() expects. */
  get nextFrame(): number {
    return this.#nextFrame;
  }

  pending(): readonly ScheduledSwitch[] {
    return this.#pending;
  }

  /**
   * The T-bar: from the next frame, `to` shows over the scene on air at weight/255 (0..255), and stays
   * so until it is moved again, let go (null), or a scheduled switch falls due, which ends it.
   */
  setManualMix(to: string | null, weight: number): void {
    if (to !== null && (!Number.isInteger(weight) || weight < 0 || weight > 255)) {
      throw new CompositorError('BAD_OPTION', `a T-bar weight is 0..255, got ${weight}`, { field: 'position' });
    }
    this.#manualTo = to;
    this.#manualWeight = to === null ? 0 : weight;
  }

  /** The scene the T-bar is taking to, or null. */
  get manualTarget(): string | null {
    return this.#manualTo;
  }

  schedule(request: SwitchRequest): ScheduledSwitch {
    const transition = validateTransition(request.transition ?? { kind: 'cut' });
    const atFrame = request.atFrame ?? null;
    if (atFrame !== null) {
      if (!Number.isSafeInteger(atFrame) || atFrame < 0)
        throw new CompositorError('BAD_OPTION', `atFrame must be a frame index, got ${atFrame}`, { field: 'atFrame' });
      if (atFrame < this.#nextFrame) {
        throw new CompositorError('SWITCH_IN_PAST', `frame ${atFrame} is already composed; the next frame is ${this.#nextFrame}`, { field: 'atFrame' });
      }
    }
    const scheduled: ScheduledSwitch = { id: this.#nextId++, sceneId: request.sceneId, atFrame, transition };
    this.#pending.push(scheduled);
    // Stable: equal frames keep the order they were asked in; "next frame" ones sort first.
    this.#pending.sort((a, b) => (a.atFrame ?? -1) - (b.atFrame ?? -1));
    return scheduled;
  }

  cancel(id: number): boolean {
    const before = this.#pending.length;
    this.#pending = this.#pending.filter((s) => s.id !== id);
    return this.#pending.length !== before;
  }

  /** Makes frame n current and writes what it shows into `view`. */
  advance(n: number, view: ProgramView): void {
    this.#nextFrame = n + 1;
    while (this.#pending.length > 0) {
      const next = this.#pending[0]!;
      if (next.atFrame !== null && next.atFrame > n) break;
      this.#pending.shift();
      this.#manualTo = null; // a switch that falls due takes over from the hand
      if (this.#fade) {
        this.#current = this.#fade.to;
        this.#fade = null;
      }
      const frames = next.transition.kind === 'cut' ? 1 : next.transition.frames;
      if (frames <= 1) this.#current = next.sceneId;
      else this.#fade = { throughBlack: next.transition.kind === 'fadeToBlack', from: this.#current, to: next.sceneId, start: n, frames };
    }
    const fade = this.#fade;
    if (fade) {
      const k = n - fade.start;
      if (k + 1 >= fade.frames) {
        this.#current = fade.to;
        this.#fade = null;
      } else if (fade.throughBlack) {
        // Over the background (no scene): the old scene at 1 − 2t, then the new one at 2t − 1, with
        // t = (k+1)/N; the middle frame of an even N is the background alone.
        const twice = 2 * (k + 1);
        const fadingOut = twice <= fade.frames;
        view.from = null;
        view.to = fadingOut ? fade.from : fade.to;
        view.weight = Math.round((255 * (fadingOut ? fade.frames - twice : twice - fade.frames)) / fade.frames);
        if (view.to === null) view.weight = 0;
        return;
      } else {
        view.from = fade.from;
        view.to = fade.to;
        view.weight = Math.round((255 * (k + 1)) / fade.frames);
        return;
      }
    }
    view.from = this.#current;
    view.to = null;
    view.weight = 0;
    if (this.#manualTo !== null && this.#manualTo !== this.#current) {
      view.to = this.#manualTo;
      view.weight = this.#manualWeight;
    }
  }
}
