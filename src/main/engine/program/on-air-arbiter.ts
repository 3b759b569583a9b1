// One place decides what is on air at frame n: each layer of control (alert > break > playout >
// operator) holds a scene or nothing; the highest holding one airs. When it lets go, the layer
// below airs what it holds then (it kept its own choice meanwhile, however often it changed).
// An overlay scene (the alert's crawl) airs drawn over the highest holding non-overlay scene.
//
// Pure state: the program feeds it the holds at their frames (timeline actions) and asks it, once
// per tick, what frame n shows; nothing is allocated per frame.
import type { Transition } from '../compositor/index.ts';
import { ON_AIR_LAYERS, type OnAirLayer } from './on-air-control.ts';

const CUT: Transition = { kind: 'cut' };
const OPERATOR = ON_AIR_LAYERS.indexOf('operator');

/** What frame n shows: `base` (or nothing) with `overlay` over it, entered by `transition`. */
export interface OnAirDecision {
  overlay: string | null;
  base: string | null;
  /** The layer `base` comes from, −1 when none. */
  baseLayer: number;
  transition: Transition;
}

export class OnAirArbiter {
  readonly #holds: (string | null)[] = ON_AIR_LAYERS.map(() => null);
  readonly #transitions: (Transition | undefined)[] = ON_AIR_LAYERS.map(() => undefined);
  /** The frame the operator's hold last changed at: its transition applies only on that frame. */
  #operatorChangedAt = -1;
  #dirty = true;
  /** The decision of the last resolve(); reused. */
  readonly decision: OnAirDecision = { overlay: null, base: null, baseLayer: -1, transition: CUT };

  /** From frame `frame`, `layer` holds `sceneId` (null: lets go). */
  hold(layer: OnAirLayer, sceneId: string | null, transition: Transition | undefined, frame: number): void {
    const index = ON_AIR_LAYERS.indexOf(layer);
    if (index < 0) throw new Error(`no on-air layer ${layer}`);
    this.#holds[index] = sceneId;
    this.#transitions[index] = transition;
    if (index === OPERATOR) this.#operatorChangedAt = frame;
    this.#dirty = true;
  }

  holding(layer: OnAirLayer): string | null {
    return this.#holds[ON_AIR_LAYERS.indexOf(layer)] ?? null;
  }

  /** Something the decision depends on changed outside hold() (a scene became an overlay, or went). */
  invalidate(): void {
    this.#dirty = true;
  }

  /**
   * What frame n shows. Returns false (and leaves `decision` as it was) when nothing changed since
   * the last call. `isOverlay` says which held scenes are drawn over the layers below;
   * `exists` leaves out a held scene that is gone.
   */
  resolve(n: number, isOverlay: (sceneId: string) => boolean, exists: (sceneId: string) => boolean): boolean {
    if (!this.#dirty) return false;
    this.#dirty = false;
    const decision = this.decision;
    decision.overlay = null;
    decision.base = null;
    decision.baseLayer = -1;
    for (let i = 0; i < this.#holds.length; i++) {
      const sceneId = this.#holds[i]!;
      if (sceneId === null || !exists(sceneId)) continue;
      if (isOverlay(sceneId)) {
        if (decision.overlay === null) decision.overlay = sceneId;
        continue;
      }
      decision.base = sceneId;
      decision.baseLayer = i;
      break;
    }
    // The operator's transition when it is the operator's change that airs now; otherwise a cut
    // (a break, an alert, and every return from them, land on their exact frame).
    const operatorTransition = this.#transitions[OPERATOR];
    decision.transition = decision.baseLayer === OPERATOR && this.#operatorChangedAt === n && operatorTransition ? operatorTransition : CUT;
    return true;
  }
}
