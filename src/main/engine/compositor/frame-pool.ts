// Frames live in one shared WebAssembly.Memory (frame-arena.ts): each pool takes one range of
// it, once, and frames are handed between threads by (pool id, slot index). The wasm blend
// kernels address every pool by byte offset. Nothing on the per-frame path allocates.
import { CompositorError } from './errors.ts';
import { frameArena } from './frame-arena.ts';
import type { FrameArena } from './frame-arena.ts';

/**
 * Byte layout of one I420 (yuv420p) frame, tightly packed: Y (w·h), U (w/2·h/2), V (w/2·h/2),
 * which is exactly ffmpeg's `-pix_fmt yuv420p` rawvideo. Frames with alpha append a full
 * resolution alpha plane A (w·h) and the same alpha subsampled to chroma resolution AC
 * (w/2·h/2, the rounded mean of each 2×2 block), so chroma blending never has to derive it.
 * Width and height are even: 4:2:0 has no half chroma samples.
 */
export interface FrameLayout {
  readonly width: number;
  readonly height: number;
  readonly chromaWidth: number;
  readonly chromaHeight: number;
  readonly lumaBytes: number;
  readonly chromaBytes: number;
  readonly uOffset: number;
  readonly vOffset: number;
  /** Y+U+V: what an encoder reads and a decoder writes. */
  readonly i420Bytes: number;
  readonly alpha: boolean;
  readonly aOffset: number;
  readonly acOffset: number;
  /** Bytes one slot takes in its pool, rounded up to a cache line. */
  readonly slotBytes: number;
}

const SLOT_ALIGN = 64;

export function frameLayout(width: number, height: number, alpha = false): FrameLayout {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 2 || height < 2 || width % 2 || height % 2 || width > 8192 || height > 8192) {
    throw new CompositorError('BAD_OPTION', `frame size must be even and within 2..8192, got ${width}x${height}`, { field: 'size' });
  }
  const chromaWidth = width / 2;
  const chromaHeight = height / 2;
  const lumaBytes = width * height;
  const chromaBytes = chromaWidth * chromaHeight;
  const i420Bytes = lumaBytes + 2 * chromaBytes;
  const total = alpha ? i420Bytes + lumaBytes + chromaBytes : i420Bytes;
  return {
    width,
    height,
    chromaWidth,
    chromaHeight,
    lumaBytes,
    chromaBytes,
    uOffset: lumaBytes,
    vOffset: lumaBytes + chromaBytes,
    i420Bytes,
    alpha,
    aOffset: alpha ? i420Bytes : -1,
    acOffset: alpha ? i420Bytes + lumaBytes : -1,
    slotBytes: Math.ceil(total / SLOT_ALIGN) * SLOT_ALIGN,
  };
}

/** Views on one frame's planes. `a`/`ac` are null for opaque frames. */
export interface FramePlanes {
  readonly y: Uint8Array;
  readonly u: Uint8Array;
  readonly v: Uint8Array;
  readonly a: Uint8Array | null;
  readonly ac: Uint8Array | null;
}

export function planesAt(buffer: ArrayBufferLike, byteOffset: number, layout: FrameLayout): FramePlanes {
  return {
    y: new Uint8Array(buffer, byteOffset, layout.lumaBytes),
    u: new Uint8Array(buffer, byteOffset + layout.uOffset, layout.chromaBytes),
    v: new Uint8Array(buffer, byteOffset + layout.vOffset, layout.chromaBytes),
    a: layout.alpha ? new Uint8Array(buffer, byteOffset + layout.aOffset, layout.lumaBytes) : null,
    ac: layout.alpha ? new Uint8Array(buffer, byteOffset + layout.acOffset, layout.chromaBytes) : null,
  };
}

/**
 * What a worker needs to see a pool: posted once, when the pool is registered. The pool's slots
 * are `count` × layout.slotBytes bytes of the frame memory from `byteOffset` on.
 */
export interface PoolDescriptor {
  readonly id: number;
  readonly byteOffset: number;
  readonly layout: FrameLayout;
  readonly count: number;
}

/** One slot of a pool. Preallocated with the pool; acquire hands out these same objects. */
export interface FrameSlot {
  readonly pool: FramePool;
  readonly index: number;
  readonly planes: FramePlanes;
  /** Y, U, V as one Buffer: write it to an encoder's stdin, or fill it from a decoder. */
  readonly i420: Buffer;
  /** The whole slot including alpha planes. */
  readonly bytes: Buffer;
}

export interface FramePoolStats {
  count: number;
  inUse: number;
  acquired: number;
  /** acquire() calls that found the pool empty: each one is a dropped frame. */
  exhausted: number;
}

let nextPoolId = 1;

/**
 * A fixed number of equally sized frame slots in one range of the shared frame memory.
 * acquire() takes a free slot with one reference; retain()/release() count the holders (the
 * compositor retains the source frames a plan reads until the workers are done). A full pool is
 * not waited on: acquire() returns null and the miss is counted. dispose() gives the range back
 * to the frame memory once no slot is held any more.
 */
export class FramePool implements PoolDescriptor {
  readonly id: number;
  readonly layout: FrameLayout;
  readonly count: number;
  /** Where slot 0 starts in the frame memory; slot i is at byteOffset + i × layout.slotBytes. */
  readonly byteOffset: number;
  /** The frame memory's buffer the slots' views were made on (it covers at least this pool). */
  readonly buffer: SharedArrayBuffer;
  readonly slots: readonly FrameSlot[];
  readonly #arena: FrameArena;
  readonly #refs: Int32Array;
  readonly #free: Int32Array;
  #freeCount: number;
  #acquired = 0;
  #exhausted = 0;
  #disposed = false;
  #waiters: (() => void)[] = [];
  #idleWaiters: (() => void)[] = [];

  constructor(layout: FrameLayout, count: number) {
    if (!Number.isInteger(count) || count < 1 || count > 1024) {
      throw new CompositorError('BAD_OPTION', `pool size must be 1..1024, got ${count}`, { field: 'count' });
    }
    const arena = frameArena();
    this.#arena = arena;
    this.byteOffset = arena.allocate(layout.slotBytes * count);
    this.id = nextPoolId++;
    this.layout = layout;
    this.count = count;
    // After allocate(): a grow replaces memory.buffer, and views must come from the current one.
    this.buffer = arena.memory.buffer;
    const slots: FrameSlot[] = [];
    for (let i = 0; i < count; i++) {
      const offset = this.byteOffset + i * layout.slotBytes;
      slots.push({
        pool: this,
        index: i,
        planes: planesAt(this.buffer, offset, layout),
        i420: Buffer.from(this.buffer, offset, layout.i420Bytes),
        bytes: Buffer.from(this.buffer, offset, layout.slotBytes),
      });
    }
    this.slots = slots;
    this.#refs = new Int32Array(count);
    this.#free = new Int32Array(count);
    // Hand out low indices first; the stack top is the end of the array.
    for (let i = 0; i < count; i++) this.#free[i] = count - 1 - i;
    this.#freeCount = count;
  }

  /** Byte offset of slot `index` in the frame memory. */
  slotOffset(index: number): number {
    return this.byteOffset + index * this.layout.slotBytes;
  }

  /** True once dispose() was called: no slot can be acquired any more. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /**
   * Gives the pool's range back to the frame memory: now if no slot is held, else when the last
   * one is released. Call it where the pool is dropped. The slots' views stay readable but must
   * not be used after that: the range goes to the next pool made.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    const free = (): void => this.#arena.free(this.byteOffset);
    if (this.#freeCount === this.count) free();
    else this.#idleWaiters.push(free);
  }

  get available(): number {
    return this.#freeCount;
  }

  /** A free slot holding one reference, or null (counted) when every slot is in use. */
  acquire(): FrameSlot | null {
    if (this.#disposed) throw new CompositorError('CLOSED', `pool ${this.id} is disposed`);
    if (this.#freeCount === 0) {
      this.#exhausted++;
      return null;
    }
    const index = this.#free[--this.#freeCount]!;
    this.#refs[index] = 1;
    this.#acquired++;
    return this.slots[index]!;
  }

  retain(index: number): void {
    if (this.#refs[index]! <= 0) throw new CompositorError('BAD_OPTION', `retain of free slot ${index} in pool ${this.id}`);
    this.#refs[index]!++;
  }

  release(index: number): void {
    const refs = this.#refs[index]!;
    if (refs <= 0) throw new CompositorError('BAD_OPTION', `release of free slot ${index} in pool ${this.id}`);
    this.#refs[index] = refs - 1;
    if (refs === 1) {
      this.#free[this.#freeCount++] = index;
      if (this.#waiters.length > 0) {
        const waiters = this.#waiters;
        this.#waiters = [];
        for (const wake of waiters) wake();
      }
      if (this.#freeCount === this.count && this.#idleWaiters.length > 0) {
        const waiters = this.#idleWaiters;
        this.#idleWaiters = [];
        for (const wake of waiters) wake();
      }
    }
  }

  refCount(index: number): number {
    return this.#refs[index]!;
  }

  /** Resolves when a slot is free; decoders pause their input until then (back-pressure). */
  whenAvailable(): Promise<void> {
    if (this.#freeCount > 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Resolves when every slot is free: nobody reads the pool any more. */
  whenIdle(): Promise<void> {
    if (this.#freeCount === this.count) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  stats(): FramePoolStats {
    return { count: this.count, inUse: this.count - this.#freeCount, acquired: this.#acquired, exhausted: this.#exhausted };
  }

  descriptor(): PoolDescriptor {
    return { id: this.id, byteOffset: this.byteOffset, layout: this.layout, count: this.count };
  }
}
