// The one frame memory: allocation, reuse, growth, exhaustion.
import { describe, expect, it } from 'vitest';
import { CompositorError } from './errors.ts';
import { FrameArena, WASM_PAGE_BYTES } from './frame-arena.ts';
import { fillPseudoRandom } from './test-helpers.ts';

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('FrameArena', () => {
  it('hands out 64-byte aligned ranges that do not overlap', () => {
    const arena = new FrameArena({ initialBytes: WASM_PAGE_BYTES, maximumBytes: 4 * WASM_PAGE_BYTES });
    const a = arena.allocate(100);
    const b = arena.allocate(1);
    const c = arena.allocate(64);
    expect([a % 64, b % 64, c % 64]).toEqual([0, 0, 0]);
    expect(arena.sizeOf(a)).toBe(128);
    expect(b).toBeGreaterThanOrEqual(a + 128);
    expect(c).toBeGreaterThanOrEqual(b + 64);
    expect(arena.stats()).toMatchObject({ usedBytes: 256, ranges: 3, grows: 0 });
  });

  it('reuses freed ranges first-fit, merges free neighbours, and zeroes what it hands out again', () => {
    const arena = new FrameArena({ initialBytes: WASM_PAGE_BYTES, maximumBytes: WASM_PAGE_BYTES });
    const a = arena.allocate(1024);
    const b = arena.allocate(1024);
    const c = arena.allocate(1024);
    new Uint8Array(arena.memory.buffer, a, 2048).fill(0xaa);
    arena.free(b);
    expect(arena.allocate(512)).toBe(b); // the first free range that fits
    arena.free(b);
    arena.free(a);
    expect(arena.stats().freeRanges).toBe(2); // [a, b) merged, and the tail after c
    const ab = arena.allocate(2048); // only fits because a and b were merged
    expect(ab).toBe(a);
    expect(new Uint8Array(arena.memory.buffer, ab, 2048).every((v) => v === 0)).toBe(true);
    arena.free(ab);
    arena.free(c);
    expect(arena.stats()).toMatchObject({ usedBytes: 0, ranges: 0, freeRanges: 1, largestFreeBytes: WASM_PAGE_BYTES });
    expect(() => arena.free(c)).toThrow(/not allocated/);
  });

  it('grows the memory when nothing fits; views made before stay valid, new ones come from the new buffer', () => {
    const arena = new FrameArena({ initialBytes: WASM_PAGE_BYTES, maximumBytes: 64 * WASM_PAGE_BYTES });
    const a = arena.allocate(40_000);
    const before = arena.memory.buffer;
    const old = new Uint8Array(before, a, 40_000);
    fillPseudoRandom(old, 5);
    const snapshot = old.slice();
    const b = arena.allocate(100_000);
    expect(arena.stats().grows).toBe(1);
    expect(arena.byteLength).toBeGreaterThanOrEqual(b + 100_000);
    expect(before.byteLength).toBe(WASM_PAGE_BYTES); // the old buffer keeps its length...
    expect(arena.memory.buffer.byteLength).toBe(arena.byteLength); // ...the current one is the grown memory
    expect(Buffer.from(old).equals(snapshot)).toBe(true);
    expect(Buffer.from(new Uint8Array(arena.memory.buffer, a, 40_000)).equals(snapshot)).toBe(true);
    new Uint8Array(arena.memory.buffer, b, 100_000).fill(7);
    expect(Buffer.from(old).equals(snapshot)).toBe(true);
  });

  it('says clearly when frames do not fit in the maximum, and stays usable', () => {
    const arena = new FrameArena({ initialBytes: WASM_PAGE_BYTES, maximumBytes: 4 * WASM_PAGE_BYTES });
    const a = arena.allocate(3 * WASM_PAGE_BYTES);
    const error = thrown(() => arena.allocate(2 * WASM_PAGE_BYTES));
    expect(error).toBeInstanceOf(CompositorError);
    expect(error).toMatchObject({ code: 'FRAME_MEMORY_EXHAUSTED', apiCode: 'UNAVAILABLE', fatal: false });
    expect((error as Error).message).toMatch(/^frame memory exhausted: 0\.1 MiB of frames do not fit \(0\.2 MiB in use of at most 0\.3 MiB/);
    expect(arena.allocate(WASM_PAGE_BYTES)).toBe(a + 3 * WASM_PAGE_BYTES);
    arena.free(a);
    expect(arena.allocate(2 * WASM_PAGE_BYTES)).toBe(a);
  });

  it('rejects sizes a wasm memory cannot have', () => {
    expect(() => new FrameArena({ maximumBytes: 8 * 2 ** 30 })).toThrow(CompositorError);
    expect(() => new FrameArena({ initialBytes: 2 * WASM_PAGE_BYTES, maximumBytes: WASM_PAGE_BYTES })).toThrow(/initial ≤ maximum/);
  });
});
