// The one frame memory: allocation, reuse, growth while pools are in use (in this thread and in
// the blend workers), exhaustion, and pools giving their range back where the engine drops them.
import { describe, expect, it } from 'vitest';
import { Compositor } from './compositor.ts';
import { CompositorError } from './errors.ts';
import { InlineExecutor, WorkerExecutor } from './executor.ts';
import { FrameArena, WASM_PAGE_BYTES, frameArena } from './frame-arena.ts';
import { FramePool, frameLayout } from './frame-pool.ts';
import { staticImageFromRgba } from './raster.ts';
import { fillPseudoRandom } from '../../../../tests/support/compositor.ts';

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

describe('FramePool in the frame memory', () => {
  it('gives its range back on dispose, at once when idle, else when the last slot is released', () => {
    const layout = frameLayout(64, 32);
    const a = new FramePool(layout, 2);
    const offset = a.byteOffset;
    const slot = a.acquire()!;
    a.dispose();
    expect(a.disposed).toBe(true);
    expect(frameArena().sizeOf(offset)).toBeGreaterThan(0); // a slot is still held
    expect(() => a.acquire()).toThrow(/disposed/);
    a.release(slot.index);
    expect(frameArena().sizeOf(offset)).toBe(0);
    const b = new FramePool(layout, 2);
    expect(b.byteOffset).toBe(offset); // the freed range is the first fit again
    expect(b.slots[1]!.bytes.every((v) => v === 0)).toBe(true);
    b.dispose();
  });

  it('keeps pools in use intact while the memory grows, in this thread and in the blend workers', async () => {
    const layout = frameLayout(96, 64);
    const executor = new WorkerExecutor({ layout, workers: 2 }); // the workers get the memory now
    const inline = new InlineExecutor({ layout });
    const logoRgba = new Uint8Array(32 * 16 * 4);
    fillPseudoRandom(logoRgba, 3);
    const early = staticImageFromRgba(logoRgba, 32, 16);
    const pattern = Buffer.from(early.pool.slots[0]!.bytes);
    // Take every free byte, then one large pool: the memory must grow while `early` and the
    // workers' view of the memory are in use, and every pool made after lies in the new pages.
    const arena = frameArena();
    const fillers: number[] = [];
    while (arena.stats().largestFreeBytes > 0) fillers.push(arena.allocate(arena.stats().largestFreeBytes));
    const grownFrom = arena.byteLength;
    const grows = arena.stats().grows;
    const big = new FramePool(frameLayout(2048, 2048), 2);
    expect(arena.stats().grows).toBe(grows + 1);
    expect(big.byteOffset).toBeGreaterThanOrEqual(grownFrom);
    expect(early.pool.slots[0]!.bytes.equals(pattern)).toBe(true);

    const frames: Buffer[][] = [[], []];
    const compose = async (which: number, exec: InlineExecutor | WorkerExecutor): Promise<void> => {
      const compositor = new Compositor({
        width: 96,
        height: 64,
        executor: exec,
        onFrame: (_n, frame) => {
          frames[which]!.push(Buffer.from(frame!.i420));
          frame!.pool.release(frame!.index);
        },
      });
      // A live input made after the growth: its slots are in pages the workers never saw at start.
      const cam = compositor.openVideoInput('cam', { width: 96, height: 64 });
      const slot = cam.acquire()!;
      fillPseudoRandom(slot.i420, 9);
      cam.publish(slot);
      compositor.setStaticSource('logo', which === 0 ? early : staticImageFromRgba(logoRgba, 32, 16));
      compositor.setScene({
        id: 's',
        layers: [
          { id: 'cam', sourceId: 'cam', rect: { x: 0, y: 0, width: 96, height: 64 }, opacity: 1, visible: true },
          { id: 'logo', sourceId: 'logo', rect: { x: 50, y: 30, width: 32, height: 16 }, opacity: 0.7, visible: true },
        ],
      });
      compositor.switchScene({ sceneId: 's' });
      expect(compositor.output.byteOffset).toBeGreaterThanOrEqual(grownFrom);
      expect(cam.pool.byteOffset).toBeGreaterThanOrEqual(grownFrom);
      compositor.tick(0);
      while (frames[which]!.length < 1) await new Promise((resolve) => setTimeout(resolve, 2));
      await compositor.close();
    };
    await compose(0, executor);
    await compose(1, inline);
    expect(frames[0]![0]!.equals(frames[1]![0]!)).toBe(true);
    const cam = Buffer.alloc(frameLayout(96, 64).i420Bytes);
    fillPseudoRandom(cam, 9);
    expect(frames[0]![0]!.subarray(0, 96).equals(cam.subarray(0, 96))).toBe(true); // the input made after the growth
    expect(frames[0]![0]!.subarray(30 * 96 + 50, 30 * 96 + 82).equals(cam.subarray(30 * 96 + 50, 30 * 96 + 82))).toBe(false); // the logo over it
    big.dispose();
    for (const offset of fillers) arena.free(offset);
  });

  it('fails a pool larger than the frame memory can ever be with a clear CompositorError', () => {
    const error = thrown(() => new FramePool(frameLayout(8192, 8192), 1024));
    expect(error).toMatchObject({ code: 'FRAME_MEMORY_EXHAUSTED' });
    expect((error as Error).message).toMatch(/frame memory exhausted: .* MiB of frames do not fit/);
  });

  it('frees the memory of removed sources, replaced static images, the output and the scratch frame on close', async () => {
    const used = frameArena().stats().usedBytes;
    const compositor = Compositor.inline({ width: 64, height: 32, onFrame: (_n, frame) => frame?.pool.release(frame.index) });
    const rgba = new Uint8Array(16 * 16 * 4).fill(200);
    compositor.setStaticSource('logo', staticImageFromRgba(rgba, 16, 16));
    const first = frameArena().stats().usedBytes;
    compositor.setStaticSource('logo', staticImageFromRgba(rgba, 16, 16)); // replaces: the old one goes
    await new Promise((resolve) => setImmediate(resolve));
    expect(frameArena().stats().usedBytes).toBe(first);
    compositor.openVideoInput('cam', { width: 64, height: 32 });
    expect(frameArena().stats().usedBytes).toBeGreaterThan(first);
    compositor.removeSource('cam');
    await new Promise((resolve) => setImmediate(resolve));
    expect(frameArena().stats().usedBytes).toBe(first);
    await compositor.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(frameArena().stats().usedBytes).toBe(used);
  });
});
