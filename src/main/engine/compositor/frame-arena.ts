// One shared WebAssembly.Memory holds every frame of the process, so the wasm blend kernels can
// address any pool by byte offset. Frame pools carve their slots out of it: pools come and go
// rarely (scene edits, sources added and removed), so a first-fit free list with coalescing is
// enough. The memory grows when a pool does not fit; a wasm memory never shrinks, but ranges
// given back are reused.
import { CompositorError } from './errors.ts';
import { sharedMemory } from './wasm.ts';
import type { WasmMemory } from './wasm.ts';

export const WASM_PAGE_BYTES = 65_536;
/** A wasm32 memory addresses at most 65536 pages: 4 GiB. */
export const MAX_WASM_PAGES = 65_536;
/** Every range starts on a cache line, as frame slots always did. */
export const ARENA_ALIGN = 64;

export interface FrameArenaOptions {
  /** Bytes committed at first; default 16 MiB. Rounded up to whole 64 KiB pages. */
  initialBytes?: number;
  /**
   * Bytes the memory may grow to; default 4 GiB, the wasm32 limit. A shared memory reserves its
   * maximum as address space up front (no physical memory until pages are touched).
   */
  maximumBytes?: number;
}

export interface FrameArenaStats {
  /** Current size of the memory. */
  byteLength: number;
  maximumBytes: number;
  /** Bytes handed out and not yet freed. */
  usedBytes: number;
  ranges: number;
  /** Free ranges inside the memory (more than one means fragmentation). */
  freeRanges: number;
  largestFreeBytes: number;
  grows: number;
}

function pagesFor(bytes: number): number {
  return Math.ceil(bytes / WASM_PAGE_BYTES);
}

function mib(bytes: number): string {
  return `${Math.round((bytes / 2 ** 20) * 10) / 10} MiB`;
}

/**
 * First-fit allocator over one shared WebAssembly.Memory. allocate() returns a 64-byte aligned
 * byte offset, free() gives the range back (merged with free neighbours). Ranges that were used
 * before are zeroed when handed out again, so a new pool reads zeros, as a new
 * SharedArrayBuffer did.
 */
export class FrameArena {
  readonly memory: WasmMemory;
  readonly maximumBytes: number;
  // Free ranges sorted by offset, never adjacent (adjacent ranges are merged).
  readonly #freeOffsets: number[] = [];
  readonly #freeSizes: number[] = [];
  readonly #used = new Map<number, number>();
  #byteLength: number;
  #usedBytes = 0;
  /** Everything at or past this offset has never been handed out: still zero. */
  #highWater = 0;
  #grows = 0;

  constructor(options: FrameArenaOptions = {}) {
    const maximumPages = pagesFor(options.maximumBytes ?? MAX_WASM_PAGES * WASM_PAGE_BYTES);
    const initialPages = pagesFor(options.initialBytes ?? 16 * 2 ** 20);
    if (!Number.isInteger(maximumPages) || maximumPages < 1 || maximumPages > MAX_WASM_PAGES || initialPages < 0 || initialPages > maximumPages) {
      throw new CompositorError(
        'BAD_OPTION',
        `frame memory must be 64 KiB..4 GiB with initial ≤ maximum, got ${options.initialBytes} / ${options.maximumBytes}`,
        { field: 'frameMemory' },
      );
    }
    this.memory = sharedMemory(initialPages, maximumPages);
    this.maximumBytes = maximumPages * WASM_PAGE_BYTES;
    this.#byteLength = initialPages * WASM_PAGE_BYTES;
    if (this.#byteLength > 0) {
      this.#freeOffsets.push(0);
      this.#freeSizes.push(this.#byteLength);
    }
  }

  /** The memory's current size in bytes. */
  get byteLength(): number {
    return this.#byteLength;
  }

  /**
   * A range of at least `bytes` (rounded up to 64), zero-filled, at a 64-byte aligned offset.
   * Grows the memory when no free range is large enough; throws FRAME_MEMORY_EXHAUSTED when
   * even the maximum would not hold it.
   */
  allocate(bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 1) throw new CompositorError('BAD_OPTION', `cannot allocate ${bytes} bytes of frame memory`);
    const size = Math.ceil(bytes / ARENA_ALIGN) * ARENA_ALIGN;
    let at = this.#firstFit(size);
    if (at < 0) at = this.#grow(size);
    const offset = this.#freeOffsets[at]!;
    const left = this.#freeSizes[at]! - size;
    if (left > 0) {
      this.#freeOffsets[at] = offset + size;
      this.#freeSizes[at] = left;
    } else {
      this.#freeOffsets.splice(at, 1);
      this.#freeSizes.splice(at, 1);
    }
    this.#used.set(offset, size);
    this.#usedBytes += size;
    const dirtyEnd = Math.min(offset + size, this.#highWater);
    if (dirtyEnd > offset) new Uint8Array(this.memory.buffer, offset, dirtyEnd - offset).fill(0);
    if (offset + size > this.#highWater) this.#highWater = offset + size;
    return offset;
  }

  /** Gives a range from allocate() back. */
  free(offset: number): void {
    const size = this.#used.get(offset);
    if (size === undefined) throw new CompositorError('BAD_OPTION', `frame memory at ${offset} is not allocated`);
    this.#used.delete(offset);
    this.#usedBytes -= size;
    this.#insertFree(offset, size);
  }

  /** Size of the allocated range at `offset` (as rounded up), or 0. */
  sizeOf(offset: number): number {
    return this.#used.get(offset) ?? 0;
  }

  stats(): FrameArenaStats {
    let largest = 0;
    for (const size of this.#freeSizes) if (size > largest) largest = size;
    return {
      byteLength: this.#byteLength,
      maximumBytes: this.maximumBytes,
      usedBytes: this.#usedBytes,
      ranges: this.#used.size,
      freeRanges: this.#freeSizes.length,
      largestFreeBytes: largest,
      grows: this.#grows,
    };
  }

  #firstFit(size: number): number {
    for (let i = 0; i < this.#freeSizes.length; i++) if (this.#freeSizes[i]! >= size) return i;
    return -1;
  }

  /** Grows so that a free range at the end holds `size`; returns that range's index. */
  #grow(size: number): number {
    const last = this.#freeOffsets.length - 1;
    const tailFree = last >= 0 && this.#freeOffsets[last]! + this.#freeSizes[last]! === this.#byteLength ? this.#freeSizes[last]! : 0;
    const neededPages = pagesFor(size - tailFree);
    const currentPages = this.#byteLength / WASM_PAGE_BYTES;
    const maximumPages = this.maximumBytes / WASM_PAGE_BYTES;
    if (currentPages + neededPages > maximumPages) {
      throw new CompositorError(
        'FRAME_MEMORY_EXHAUSTED',
        `frame memory exhausted: ${mib(size)} of frames do not fit (${mib(this.#usedBytes)} in use of at most ${mib(this.maximumBytes)}, largest free range ${mib(this.stats().largestFreeBytes)}); remove sources or lower their size`,
      );
    }
    // Grow by at least a quarter of the current size: pools often arrive a few at a time.
    const pages = Math.min(maximumPages - currentPages, Math.max(neededPages, Math.ceil(currentPages / 4)));
    try {
      this.memory.grow(pages);
    } catch (cause) {
      throw new CompositorError(
        'FRAME_MEMORY_EXHAUSTED',
        `frame memory exhausted: the system refused to grow it from ${mib(this.#byteLength)} by ${mib(pages * WASM_PAGE_BYTES)}`,
        { cause },
      );
    }
    this.#grows++;
    const start = this.#byteLength;
    this.#byteLength += pages * WASM_PAGE_BYTES;
    this.#insertFree(start, pages * WASM_PAGE_BYTES);
    return this.#freeOffsets.length - 1;
  }

  /** Inserts a free range in offset order, merged with the free ranges it touches. */
  #insertFree(offset: number, size: number): void {
    const offsets = this.#freeOffsets;
    const sizes = this.#freeSizes;
    let at = 0;
    while (at < offsets.length && offsets[at]! < offset) at++;
    const mergesBefore = at > 0 && offsets[at - 1]! + sizes[at - 1]! === offset;
    const mergesAfter = at < offsets.length && offset + size === offsets[at]!;
    if (mergesBefore && mergesAfter) {
      sizes[at - 1] = sizes[at - 1]! + size + sizes[at]!;
      offsets.splice(at, 1);
      sizes.splice(at, 1);
    } else if (mergesBefore) {
      sizes[at - 1] = sizes[at - 1]! + size;
    } else if (mergesAfter) {
      offsets[at] = offset;
      sizes[at] = size + sizes[at]!;
    } else {
      offsets.splice(at, 0, offset);
      sizes.splice(at, 0, size);
    }
  }
}

let processArena: FrameArena | null = null;

/**
 * The process-wide arena every FramePool allocates from, created on first use. Frame pools are
 * made on the main thread; workers get its memory once (WorkerExecutor) and never allocate.
 */
export function frameArena(): FrameArena {
  processArena ??= new FrameArena();
  return processArena;
}
