// A small ring of preallocated frame buffers: a FrameSink for a decoder's FrameReader, read by
// a consumer with take()/release(). Nothing is allocated per frame. In 'pause' mode a full ring
// hands out nothing, so the reader stops and ffmpeg blocks on its write until a release(): the
// back-pressure that paces a decoder instead of -re.
//
// Slots live in one SharedArrayBuffer by default, so compositor workers can read a frame in place.
import { SourceError } from './errors.ts';
import type { FrameSink, WhenFull } from '../frame-sink.ts';

export interface VideoFrame {
  /** frameBytes of yuv420p: Y plane, then U, then V. Valid until release(). */
  readonly data: Buffer;
  /** Frames written to the ring before this one, over the ring's life (restarts included). */
  sequence: number;
  readonly slot: number;
}

export interface FrameRingOptions {
  frameBytes: number;
  /** Default 4. */
  slots?: number;
  /** Back slots with a SharedArrayBuffer (default) or a plain ArrayBuffer. */
  shared?: boolean;
  whenFull?: WhenFull;
}

const FREE = 0;
const FILLING = 1;
const READY = 2;
const HELD = 3;

/** yuv420p bytes of a width × height frame: a full Y plane and quarter-size U and V planes. */
export function yuv420pFrameBytes(width: number, height: number): number {
  return width * height + 2 * ((width / 2) * (height / 2));
}

export class VideoFrameRing implements FrameSink {
  readonly frameBytes: number;
  readonly slots: number;
  readonly whenFull: WhenFull;
  readonly buffer: SharedArrayBuffer | ArrayBuffer;
  readonly #frames: VideoFrame[];
  readonly #state: Uint8Array;
  /** Ready slots in order, as a circular queue. */
  readonly #ready: Int32Array;
  #readyHead = 0;
  #readyCount = 0;
  #discard: Buffer | undefined;
  #fillSlot = -1; // -1: none; slots: the discard buffer
  #writable: (() => void) | null = null;
  readonly #listeners = new Set<() => void>();

  /** Frames committed into the ring. */
  framesWritten = 0;
  /** Frames thrown away because the ring was full (drop-oldest). */
  framesDropped = 0;

  constructor(options: FrameRingOptions) {
    const slots = options.slots ?? 4;
    if (!Number.isInteger(options.frameBytes) || options.frameBytes <= 0) {
      throw new SourceError('BAD_OPTION', `frameBytes must be a positive integer, got ${options.frameBytes}`, { field: 'frameBytes' });
    }
    if (!Number.isInteger(slots) || slots < 2 || slots > 64) {
      throw new SourceError('BAD_OPTION', `a frame ring needs 2..64 slots, got ${slots}`, { field: 'slots' });
    }
    this.frameBytes = options.frameBytes;
    this.slots = slots;
    this.whenFull = options.whenFull ?? 'pause';
    const total = options.frameBytes * slots;
    this.buffer = options.shared === false ? new ArrayBuffer(total) : new SharedArrayBuffer(total);
    this.#frames = [];
    for (let slot = 0; slot < slots; slot++) {
      this.#frames.push({ data: Buffer.from(this.buffer, slot * options.frameBytes, options.frameBytes), sequence: -1, slot });
    }
    this.#state = new Uint8Array(slots);
    this.#ready = new Int32Array(slots);
  }

  /** Frames ready to take. */
  get queuedFrames(): number {
    return this.#readyCount;
  }

  /** The oldest ready frame, now held by the caller until release(); null when none is ready. */
  take(): VideoFrame | null {
    if (this.#readyCount === 0) return null;
    const slot = this.#ready[this.#readyHead]!;
    this.#readyHead = (this.#readyHead + 1) % this.slots;
    this.#readyCount--;
    this.#state[slot] = HELD;
    return this.#frames[slot]!;
  }

  /** Gives a taken frame's slot back; a reader waiting for room goes on. */
  release(frame: VideoFrame): void {
    if (this.#state[frame.slot] !== HELD) return;
    this.#state[frame.slot] = FREE;
    this.#writable?.();
  }

  /** Called after each frame written; returns the unsubscribe function. */
  onFrame(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // --- FrameSink: the decoder side ---------------------------------------------

  claim(): Uint8Array | null {
    if (this.#fillSlot < 0 && !this.#claimSlot()) return null;
    return this.#fillSlot === this.slots ? this.#discard! : this.#frames[this.#fillSlot]!.data;
  }

  commit(): void {
    if (this.#fillSlot >= 0) this.#completeFrame();
  }

  abandon(): void {
    if (this.#fillSlot >= 0 && this.#fillSlot < this.slots) this.#state[this.#fillSlot] = FREE;
    this.#fillSlot = -1;
  }

  setWritableListener(listener: (() => void) | null): void {
    this.#writable = listener;
  }

  /** A slot to fill: a free one; in drop-oldest mode the oldest ready one, or the discard buffer. */
  #claimSlot(): boolean {
    for (let slot = 0; slot < this.slots; slot++) {
      if (this.#state[slot] === FREE) {
        this.#state[slot] = FILLING;
        this.#fillSlot = slot;
        return true;
      }
    }
    if (this.whenFull === 'pause') return false;
    this.framesDropped++;
    if (this.#readyCount > 0) {
      const slot = this.#ready[this.#readyHead]!;
      this.#readyHead = (this.#readyHead + 1) % this.slots;
      this.#readyCount--;
      this.#state[slot] = FILLING;
      this.#fillSlot = slot;
    } else {
      this.#discard ??= Buffer.alloc(this.frameBytes);
      this.#fillSlot = this.slots; // every slot is held by the consumer: decode into the void
    }
    return true;
  }

  #completeFrame(): void {
    const slot = this.#fillSlot;
    this.#fillSlot = -1;
    if (slot === this.slots) return; // discarded, already counted
    this.#frames[slot]!.sequence = this.framesWritten++;
    this.#state[slot] = READY;
    this.#ready[(this.#readyHead + this.#readyCount) % this.slots] = slot;
    this.#readyCount++;
    for (const listener of this.#listeners) listener();
  }
}
