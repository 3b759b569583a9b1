// Audio follows the picture: frame n's mix holds only the decoding sources the scene(s) frame n
// shows (both scenes of a fade), and a paused source is held, silent. The decision is taken in the
// tick of frame n (record) and applied when frame n's audio is mixed (apply), which comes after
// its composition, a few plans later with the worker pool: a preallocated ring keyed by frame
// carries it between the two. Per frame nothing is allocated; the sources are worked out again
// only when what frame n shows (or what is paused, or a scene's layers) changed.
import type { AudioSourceInput } from '../audio/index.ts';

/** Frames a decision waits at most; one that fell out (workers stuck for seconds) mixes by the last one. */
export const AUDIO_DECISION_FRAMES = 256;
const NO_SOURCES: ReadonlySet<string> = new Set();

export class AudioFollowsPicture {
  /** Whether scene `sceneId` (a compositor scene id) shows source `sourceId`. */
  readonly #shows: (sceneId: string | null, sourceId: string) => boolean;
  readonly #frame = new Float64Array(AUDIO_DECISION_FRAMES).fill(-1);
  readonly #from: (string | null)[] = new Array<string | null>(AUDIO_DECISION_FRAMES).fill(null);
  readonly #to: (string | null)[] = new Array<string | null>(AUDIO_DECISION_FRAMES).fill(null);
  readonly #pausedAt = new Int32Array(AUDIO_DECISION_FRAMES);
  /** Paused sources by generation (a new one per pause or resume); older ones go once mixed past. */
  readonly #pausedBy = new Map<number, ReadonlySet<string>>([[0, NO_SOURCES]]);
  #generation = 0;
  #appliedFrom: string | null = null;
  #appliedTo: string | null = null;
  #appliedGeneration = -1;
  #dirty = true;

  constructor(shows: (sceneId: string | null, sourceId: string) => boolean) {
    this.#shows = shows;
  }

  /** From the next frame recorded, `sourceId` is paused (held, silent) or not. */
  setPaused(sourceId: string, paused: boolean): void {
    const now = new Set(this.#pausedBy.get(this.#generation) ?? NO_SOURCES);
    if (paused) now.add(sourceId);
    else now.delete(sourceId);
    this.#pausedBy.set(++this.#generation, now);
  }

  /** Scenes' layers or the sources changed: the next apply works the mix out again. */
  invalidate(): void {
    this.#dirty = true;
  }

  /** The tick of frame n: it shows `from` (and `to`, during a fade). */
  record(n: number, from: string | null, to: string | null): void {
    const at = n % AUDIO_DECISION_FRAMES;
    this.#frame[at] = n;
    this.#from[at] = from;
    this.#to[at] = to;
    this.#pausedAt[at] = this.#generation;
  }

  /** Before frame n's audio is mixed: marks each input audible, left out, or held. */
  apply(n: number, inputs: readonly AudioSourceInput[]): void {
    const at = n % AUDIO_DECISION_FRAMES;
    let from = this.#appliedFrom;
    let to = this.#appliedTo;
    let generation = this.#appliedGeneration;
    if (this.#frame[at] === n) {
      from = this.#from[at]!;
      to = this.#to[at]!;
      generation = this.#pausedAt[at]!;
    }
    if (!this.#dirty && from === this.#appliedFrom && to === this.#appliedTo && generation === this.#appliedGeneration) return;
    this.#dirty = false;
    this.#appliedFrom = from;
    this.#appliedTo = to;
    if (generation !== this.#appliedGeneration) {
      this.#appliedGeneration = generation;
      for (const older of this.#pausedBy.keys()) if (older < generation) this.#pausedBy.delete(older);
    }
    const paused = this.#pausedBy.get(generation) ?? NO_SOURCES;
    for (const input of inputs) {
      input.held = paused.has(input.sourceId);
      input.audible = this.#shows(from, input.sourceId) || this.#shows(to, input.sourceId);
    }
  }
}
