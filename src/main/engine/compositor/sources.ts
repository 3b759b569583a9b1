// What feeds the compositor: live video inputs (a decoder fills pooled frames, a small FIFO
// absorbs its jitter) and static images (rasterized once, replaced when they change).
import type { FrameSink, WhenFull } from '../frame-sink.ts';
import { CompositorError } from './errors.ts';
import { FramePool, frameLayout } from './frame-pool.ts';
import type { FrameSlot } from './frame-pool.ts';

/** A rasterized static layer: one frame with alpha in its own shared pool (slot 0). */
export interface StaticImage {
  readonly pool: FramePool;
  readonly width: number;
  readonly height: number;
}

export interface VideoInputStats {
  published: number;
  /** Ticks where no new frame had arrived: the last one was shown again. */
  repeated: number;
  /** Repeats in a row, right now: how long the source has been frozen (for fallback logic). */
  consecutiveRepeats: number;
  /** Frames the jitter buffer had to drop because the decoder ran ahead. */
  overflowed: number;
  /** acquire() calls that found every slot busy (the decoder should have waited). */
  exhausted: number;
  queued: number;
}

export interface VideoInputOptions {
  width: number;
  height: number;
  /** Frames of jitter buffer between the decoder and the clock; default 3. */
  jitterFrames?: number;
  /** Plans that may read a frame at once (the executor's plan slots); default 2. */
  readers?: number;
  /**
   * As a FrameSink (a decoder reading straight into the pool): 'pause' hands out no frame while
   * the jitter buffer is full, so a file decodes no faster than the clock takes it; 'drop-oldest'
   * (default, live inputs) keeps taking frames and drops the oldest queued one.
   */
  whenFull?: WhenFull;
  /**
   * Drop-oldest inputs: every this many ticks, frames that stayed queued through the whole window
   * are latency, not protection against jitter; all but one are dropped (counted as overflowed).
   * Default 60; 0 keeps the queue as the decoder fills it.
   */
  trimWindowTicks?: number;
}

/**
 * A decoder's way in. Per decoded frame: acquire() a slot (null = wait for whenWritable(),
 * that is the back-pressure), fill slot.i420 with one yuv420p frame of the input's size,
 * publish(slot). Or, as a FrameSink, claim()/commit(): a FrameReader reads the decoder's bytes
 * straight into the pool. The compositor takes one published frame per tick, FIFO; when none
 * is waiting it repeats the last one and counts it.
 */
export class VideoSourceInput implements FrameSink {
  readonly sourceId: string;
  readonly pool: FramePool;
  readonly jitterFrames: number;
  readonly whenFull: WhenFull;
  readonly frameBytes: number;
  readonly #queue: Int32Array;
  /** The slot a FrameSink writer is filling: −1 none, −2 the discard frame. */
  #filling = -1;
  #discard: Buffer | undefined;
  #writable: (() => void) | null = null;
  readonly #trimWindowTicks: number;
  #windowTicks = 0;
  #fewestQueued = Number.POSITIVE_INFINITY;
  #head = 0;
  #length = 0;
  #current = -1;
  #closed = false;
  #published = 0;
  #repeated = 0;
  #consecutive = 0;
  #overflowed = 0;

  constructor(sourceId: string, options: VideoInputOptions) {
    this.sourceId = sourceId;
    this.jitterFrames = options.jitterFrames ?? 3;
    if (!Number.isInteger(this.jitterFrames) || this.jitterFrames < 1 || this.jitterFrames > 60) {
      throw new CompositorError('BAD_OPTION', `jitterFrames must be 1..60, got ${this.jitterFrames}`, { field: 'jitterFrames' });
    }
    const readers = options.readers ?? 2;
    // Queue + the frame on air + one per plan in flight + the one the decoder is filling.
    this.pool = new FramePool(frameLayout(options.width, options.height), this.jitterFrames + readers + 2);
    this.#queue = new Int32Array(this.jitterFrames);
    this.whenFull = options.whenFull ?? 'drop-oldest';
    this.#trimWindowTicks = this.whenFull === 'drop-oldest' ? (options.trimWindowTicks ?? 60) : 0;
    this.frameBytes = this.pool.layout.i420Bytes;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** A free slot to decode into, or null (counted) when the pool is full. */
  acquire(): FrameSlot | null {
    if (this.#closed) return null;
    return this.pool.acquire();
  }

  /** Resolves when acquire() can succeed again. */
  whenWritable(): Promise<void> {
    return this.pool.whenAvailable();
  }

  /** Hands a filled slot to the compositor. When the jitter buffer is full its oldest frame goes. */
  publish(slot: FrameSlot): void {
    if (slot.pool !== this.pool) throw new CompositorError('BAD_OPTION', `slot does not belong to input ${this.sourceId}`);
    if (this.#closed) {
      this.pool.release(slot.index);
      return;
    }
    this.#published++;
    if (this.#length === this.jitterFrames) {
      this.pool.release(this.#queue[this.#head]!);
      this.#head = (this.#head + 1) % this.jitterFrames;
      this.#length--;
      this.#overflowed++;
    }
    this.#queue[(this.#head + this.#length) % this.jitterFrames] = slot.index;
    this.#length++;
  }

  /** Returns a slot the decoder acquired but will not publish. */
  discard(slot: FrameSlot): void {
    this.pool.release(slot.index);
  }

  // --- FrameSink: a FrameReader fills pool slots in place -------------------------

  claim(): Uint8Array | null {
    if (this.#filling === -2) return this.#discard!;
    if (this.#filling >= 0) return this.pool.slots[this.#filling]!.i420;
    if (this.#closed) return null;
    // 'pause': room in the jitter buffer, or wait. The pool always has a slot then: it holds the
    // queue, the frame on air, one per plan in flight and the one being filled.
    if (this.whenFull === 'pause' && this.#length >= this.jitterFrames) return null;
    const slot = this.pool.acquire();
    if (slot) {
      this.#filling = slot.index;
      return slot.i420;
    }
    if (this.whenFull === 'pause') return null;
    // Every slot held (plans stuck in flight): decode into the void rather than stall a live feed.
    this.#overflowed++;
    this.#discard ??= Buffer.alloc(this.frameBytes);
    this.#filling = -2;
    return this.#discard;
  }

  commit(): void {
    const filling = this.#filling;
    this.#filling = -1;
    if (filling >= 0) this.publish(this.pool.slots[filling]!);
  }

  abandon(): void {
    const filling = this.#filling;
    this.#filling = -1;
    if (filling >= 0) this.pool.release(filling);
  }

  get queuedFrames(): number {
    return this.#length;
  }

  /** Frames dropped because the decoder ran ahead of the clock (overflowed, as a FrameSink counts it). */
  get framesDropped(): number {
    return this.#overflowed;
  }

  setWritableListener(listener: (() => void) | null): void {
    this.#writable = listener;
  }

  /** Compositor side: takes the next frame for this tick; returns the slot on air, −1 if none yet. */
  advance(): number {
    if (this.#length > 0) {
      const next = this.#queue[this.#head]!;
      this.#head = (this.#head + 1) % this.jitterFrames;
      this.#length--;
      if (this.#current >= 0) this.pool.release(this.#current);
      this.#current = next;
      this.#consecutive = 0;
      this.#writable?.();
    } else if (this.#current >= 0) {
      this.#repeated++;
      this.#consecutive++;
    }
    if (this.#trimWindowTicks > 0) this.#trimStandingLatency();
    return this.#current;
  }

  /**
   * A live input that started with a burst (the ingest replays its last GOP to a new decoder)
   * keeps those frames queued for good: each one is a frame period of delay on air. The fewest
   * frames left queued after a tick, over a window, is that standing delay; one stays as slack.
   */
  #trimStandingLatency(): void {
    if (this.#length < this.#fewestQueued) this.#fewestQueued = this.#length;
    if (++this.#windowTicks < this.#trimWindowTicks) return;
    for (let excess = this.#fewestQueued - 1; excess > 0 && this.#length > 0; excess--) {
      this.pool.release(this.#queue[this.#head]!);
      this.#head = (this.#head + 1) % this.jitterFrames;
      this.#length--;
      this.#overflowed++;
    }
    this.#windowTicks = 0;
    this.#fewestQueued = Number.POSITIVE_INFINITY;
  }

  get current(): number {
    return this.#current;
  }

  /** Ticks in a row that repeated the last frame: how long the source has been frozen. */
  get consecutiveRepeats(): number {
    return this.#consecutive;
  }

  /** Frees every frame this input holds; frames retained by plans in flight free when those finish. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#length > 0) {
      this.pool.release(this.#queue[this.#head]!);
      this.#head = (this.#head + 1) % this.jitterFrames;
      this.#length--;
    }
    if (this.#current >= 0) this.pool.release(this.#current);
    this.#current = -1;
    // A frame being filled stays the writer's until it commits or abandons it (a decoder is
    // stopped before its input is removed): the pool's memory must not be reused under a write.
    this.#writable = null;
  }

  stats(): VideoInputStats {
    return {
      published: this.#published,
      repeated: this.#repeated,
      consecutiveRepeats: this.#consecutive,
      overflowed: this.#overflowed,
      exhausted: this.pool.stats().exhausted,
      queued: this.#length,
    };
  }
}
