// Raw video frames from a pipe into a small ring of preallocated frame buffers. The pipe is read
// exactly one frame's bytes at a time: chunk bytes are copied into the slot being filled (a chunk
// may end mid-frame or hold several frames), nothing is allocated per frame. When every slot is
// full the pipe is paused, so ffmpeg blocks on its write; a release() resumes it. That is the
// back-pressure that paces a decoder instead of -re.
//
// Slots live in one SharedArrayBuffer by default, so compositor workers can read a frame in place.
import type { Readable } from 'node:stream';
import { SourceError } from './errors.ts';

/** What to do with a new frame when every slot is taken. */
export type WhenFull =
  /** Pause the pipe until the consumer releases a slot (files, test patterns). */
  | 'pause'
  /** Keep reading, overwrite the oldest unread frame; counted (live inputs: latency stays low). */
  | 'drop-oldest';

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

export class VideoFrameRing {
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
  readonly #discard: Buffer;
  #fillSlot = -1; // -1: none; slots: the discard buffer
  #fillOffset = 0;
  #stream: Readable | undefined;
  #stash: Buffer | undefined;
  #stashOffset = 0;
  #paused = false;
  readonly #listeners = new Set<() => void>();
  readonly #onData = (chunk: Buffer): void => this.#consume(chunk, 0);

  /** Frames completed into the ring. */
  framesWritten = 0;
  /** Frames thrown away because the ring was full (drop-oldest) or partial at a detach. */
  framesDropped = 0;
  /** Bytes taken from pipes: the proof that nothing is read ahead beyond the ring. */
  bytesReceived = 0;

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
    this.#discard = Buffer.alloc(options.frameBytes);
  }

  /** Frames ready to take. */
  get readyCount(): number {
    return this.#readyCount;
  }

  /** True while the pipe is paused because the ring is full. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Reads frames from this pipe from now on (a new decoder); any previous pipe is detached. */
  attach(stream: Readable): void {
    this.detach();
    this.#stream = stream;
    stream.on('data', this.#onData);
    stream.resume();
  }

  /** Stops reading the current pipe; a partly filled frame is dropped. Ready frames stay. */
  detach(): void {
    const stream = this.#stream;
    if (stream) {
      stream.off('data', this.#onData);
      stream.pause();
    }
    this.#stream = undefined;
    this.#stash = undefined;
    this.#paused = false;
    if (this.#fillSlot >= 0 && this.#fillSlot < this.slots) this.#state[this.#fillSlot] = FREE;
    if (this.#fillOffset > 0) this.framesDropped++;
    this.#fillSlot = -1;
    this.#fillOffset = 0;
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

  /** Gives a taken frame's slot back; a paused pipe resumes. */
  release(frame: VideoFrame): void {
    if (this.#state[frame.slot] !== HELD) return;
    this.#state[frame.slot] = FREE;
    if (this.#paused) this.#resume();
  }

  /** Called after each frame written; returns the unsubscribe function. */
  onFrame(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #consume(chunk: Buffer, offset: number): void {
    if (offset === 0) this.bytesReceived += chunk.length;
    let at = offset;
    while (at < chunk.length) {
      if (this.#fillSlot < 0 && !this.#claimSlot()) {
        this.#stash = chunk;
        this.#stashOffset = at;
        this.#paused = true;
        this.#stream?.pause();
        return;
      }
      const target = this.#fillSlot === this.slots ? this.#discard : this.#frames[this.#fillSlot]!.data;
      const n = Math.min(this.frameBytes - this.#fillOffset, chunk.length - at);
      chunk.copy(target, this.#fillOffset, at, at + n);
      this.#fillOffset += n;
      at += n;
      if (this.#fillOffset === this.frameBytes) this.#completeFrame();
    }
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
      this.#fillSlot = this.slots; // every slot is held by the consumer: decode into the void
    }
    return true;
  }

  #completeFrame(): void {
    const slot = this.#fillSlot;
    this.#fillSlot = -1;
    this.#fillOffset = 0;
    if (slot === this.slots) return; // discarded, already counted
    this.#frames[slot]!.sequence = this.framesWritten++;
    this.#state[slot] = READY;
    this.#ready[(this.#readyHead + this.#readyCount) % this.slots] = slot;
    this.#readyCount++;
    for (const listener of this.#listeners) listener();
  }

  #resume(): void {
    const stash = this.#stash;
    this.#stash = undefined;
    this.#paused = false;
    if (stash) this.#consume(stash, this.#stashOffset);
    if (!this.#paused) this.#stream?.resume();
  }
}
