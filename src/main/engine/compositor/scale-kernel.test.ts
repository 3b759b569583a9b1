// The scale kernel (blend-kernels.wat, scale_rows, driven by scaleBand and the tables of
// scale-tables.ts) against the pixel-by-pixel reference in tests/support/scale.ts, byte for byte:
// up and down, odd sizes and crops, clipped rects, alpha and opacity, split into bands.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { blendKernels } from './blend-kernels.ts';
import { scaleBand } from './blend.ts';
import { frameArena } from './frame-arena.ts';
import { FramePool, frameLayout, planesAt } from './frame-pool.ts';
import type { FramePlanes } from './frame-pool.ts';
import type { Crop, Rect } from './plan.ts';
import { AREA_WEIGHT_ONE, areaTaps, scaleScratchBytes, axisTaps, resolveScaledGeometry, scaleTableBytes, writeScaleTables } from './scale-tables.ts';
import type { ScaledGeometry } from './scale-tables.ts';
import { fillPseudoRandom, firstDifference } from '../../../../tests/support/compositor.ts';
import { referenceAreaTaps, referenceDrawScaled, referenceTap } from '../../../../tests/support/scale.ts';

const arena = frameArena();
const kernels = blendKernels(arena.memory);
const scratch = arena.allocate(scaleScratchBytes(128));
afterAll(() => arena.free(scratch));

interface Case {
  srcW: number;
  srcH: number;
  alpha: boolean;
  frameW: number;
  frameH: number;
  rect: Rect;
  crop: Crop;
  opacity: number;
  bands: number;
  seed: number;
}

function copyPlanes(pool: FramePool): FramePlanes {
  const copy = new ArrayBuffer(pool.layout.slotBytes);
  new Uint8Array(copy).set(pool.slots[0]!.bytes);
  return planesAt(copy, 0, pool.layout);
}

/** Draws the case with the kernel and with the reference; returns both outputs' planes. */
function run(c: Case): { actual: FramePlanes; expected: FramePlanes } | null {
  const g: ScaledGeometry = { width: 0, height: 0, clipLeft: 0, clipTop: 0, dx: 0, dy: 0, w: 0, h: 0 };
  if (!resolveScaledGeometry(c.rect, c.crop, c.srcW, c.srcH, c.frameW, c.frameH, g)) return null;
  const src = new FramePool(frameLayout(c.srcW, c.srcH, c.alpha), 1);
  const dst = new FramePool(frameLayout(c.frameW, c.frameH), 1);
  const table = arena.allocate(scaleTableBytes(g, c.crop, c.srcW, c.srcH));
  try {
    src.acquire();
    dst.acquire();
    fillPseudoRandom(src.slots[0]!.bytes, c.seed);
    fillPseudoRandom(dst.slots[0]!.bytes, c.seed + 1);
    const expected = copyPlanes(dst);
    referenceDrawScaled(expected, c.frameW, c.frameH, {
      planes: copyPlanes(src),
      width: c.srcW,
      height: c.srcH,
      rect: c.rect,
      crop: c.crop,
      opacity: c.opacity,
    });
    writeScaleTables(arena.memory, table, g, c.crop, c.srcW, c.srcH);
    const edges = [0];
    for (let b = 1; b <= c.bands; b++) edges.push(Math.round((c.frameH / 2) * (b / c.bands)) * 2);
    for (let b = 0; b < c.bands; b++) {
      scaleBand(kernels, dst.byteOffset, dst.layout, src.byteOffset, src.layout, table, g.dx, g.dy, g.w, g.h, c.opacity, edges[b]!, edges[b + 1]!, scratch);
    }
    return { actual: copyPlanes(dst), expected };
  } finally {
    arena.free(table);
    src.dispose();
    dst.dispose();
  }
}

function expectSame(result: { actual: FramePlanes; expected: FramePlanes } | null, what: string): void {
  expect(result, `${what}: something shows`).not.toBeNull();
  for (const plane of ['y', 'u', 'v'] as const) {
    const a = result!.actual[plane];
    const e = result!.expected[plane];
    const at = firstDifference(a, e);
    expect(at, `${what}: plane ${plane} differs first at ${at} (${a[at]} vs ${e[at]})`).toBe(-1);
  }
}

const base: Omit<Case, 'rect' | 'srcW' | 'srcH'> = {
  alpha: false,
  frameW: 64,
  frameH: 48,
  crop: { left: 0, top: 0, right: 0, bottom: 0 },
  opacity: 255,
  bands: 1,
  seed: 7,
};

describe('scale kernel against the reference', () => {
  it('downscales 2:1 (bilinear, two-load records) and 3:1 and 5:2 (area averages, both axes)', () => {
    expectSame(run({ ...base, srcW: 100, srcH: 60, rect: { x: 2, y: 0, width: 40, height: 24 } }), '5:2');
    expectSame(run({ ...base, srcW: 96, srcH: 64, rect: { x: 0, y: 0, width: 48, height: 32 } }), '2:1');
    expectSame(run({ ...base, srcW: 120, srcH: 90, rect: { x: 4, y: 2, width: 40, height: 30 } }), '3:1');
  });
  it('upscales, with odd rect sizes and odd origins (rounded down to even)', () => {
    expectSame(run({ ...base, srcW: 20, srcH: 14, rect: { x: 3, y: 5, width: 57, height: 39 } }), 'up, odd');
    expectSame(run({ ...base, srcW: 34, srcH: 18, rect: { x: 0, y: 0, width: 64, height: 48 } }), 'up, full frame');
  });
  it('applies odd crops on every edge: the cropped part fills the rect, chroma included', () => {
    expectSame(run({ ...base, srcW: 40, srcH: 30, crop: { left: 3, top: 5, right: 7, bottom: 1 }, rect: { x: 10, y: 6, width: 46, height: 30 } }), 'odd crop');
  });
  it('clips a rect hanging off every edge of the frame', () => {
    expectSame(run({ ...base, srcW: 50, srcH: 40, rect: { x: -22, y: -14, width: 110, height: 80 }, bands: 3 }), 'clipped');
  });
  it('blends by alpha and opacity', () => {
    expectSame(run({ ...base, srcW: 30, srcH: 20, alpha: true, opacity: 255, rect: { x: 2, y: 2, width: 52, height: 40 } }), 'alpha');
    expectSame(run({ ...base, srcW: 30, srcH: 20, alpha: true, opacity: 100, rect: { x: 2, y: 2, width: 52, height: 40 } }), 'alpha, opacity');
    expectSame(run({ ...base, srcW: 30, srcH: 20, opacity: 130, rect: { x: 2, y: 2, width: 52, height: 40 } }), 'opacity');
  });

  const evenSize = (max: number): fc.Arbitrary<number> => fc.integer({ min: 1, max: max / 2 }).map((k) => 2 * k);
  it('matches for random sources, crops, rects, opacities and band splits (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          srcW: evenSize(80),
          srcH: evenSize(60),
          alpha: fc.boolean(),
          frameW: evenSize(72),
          frameH: evenSize(48),
          rect: fc.record({
            x: fc.integer({ min: -30, max: 60 }),
            y: fc.integer({ min: -30, max: 40 }),
            width: fc.integer({ min: 1, max: 100 }),
            height: fc.integer({ min: 1, max: 80 }),
          }),
          crop: fc.record({ left: fc.nat(12), top: fc.nat(12), right: fc.nat(12), bottom: fc.nat(12) }),
          opacity: fc.oneof(fc.constant(255), fc.integer({ min: 1, max: 255 })),
          bands: fc.integer({ min: 1, max: 4 }),
          seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        }),
        (c) => {
          const result = run(c);
          if (result === null) return;
          expectSame(result, JSON.stringify(c));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('scale taps', () => {
  it('average by area below half size: the documented weights, summing to one', () => {
    for (const [size, cropStart, span, planeSize] of [
      [480, 0, 1920, 1920],
      [7, 1.5, 30.5, 40],
      [3, 0, 1000, 1000],
    ] as const) {
      const taps = areaTaps(0, size, size, cropStart, span, planeSize);
      for (let i = 0; i < size; i++) {
        const weights = Array.from(taps.weights.subarray(taps.start[i]!, taps.start[i]! + taps.count[i]!));
        expect(weights.reduce((sum, w) => sum + w, 0)).toBe(AREA_WEIGHT_ONE);
        expect(weights.map((w, t) => [taps.first[i]! + t, w])).toEqual(referenceAreaTaps(i, size, cropStart, span, planeSize));
      }
    }
  });
  it('keep what bilinear would skip: a 1-in-4 line pattern shrunk 4:1 is its average, on both axes', () => {
    const g: ScaledGeometry = { width: 0, height: 0, clipLeft: 0, clipTop: 0, dx: 0, dy: 0, w: 0, h: 0 };
    const src = new FramePool(frameLayout(64, 64), 1);
    const dst = new FramePool(frameLayout(16, 16), 1);
    src.acquire();
    dst.acquire();
    const planes = src.slots[0]!.planes;
    // A bright line every 4th column and every 4th row (at 0, 4, 8, ...): bilinear at 4:1 samples
    // columns 4i+1 and 4i+2 and would see none of them.
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) planes.y[y * 64 + x] = x % 4 === 0 || y % 4 === 0 ? 236 : 16;
    expect(resolveScaledGeometry({ x: 0, y: 0, width: 16, height: 16 }, undefined, 64, 64, 16, 16, g)).toBe(true);
    const table = arena.allocate(scaleTableBytes(g, undefined, 64, 64));
    writeScaleTables(arena.memory, table, g, undefined, 64, 64);
    scaleBand(kernels, dst.byteOffset, dst.layout, src.byteOffset, src.layout, table, g.dx, g.dy, g.w, g.h, 255, 0, 16, scratch);
    // 7 of 16 source pixels bright: 16 + 220·7/16 = 112.25.
    for (const value of dst.slots[0]!.planes.y) expect(Math.abs(value - 112.25)).toBeLessThanOrEqual(1);
    arena.free(table);
    src.dispose();
    dst.dispose();
  });

  it('are the documented formula (the tables and the reference agree on every sample)', () => {
    for (const [size, cropStart, span, planeSize] of [
      [960, 0, 1920, 1920],
      [1920, 0, 1280, 1280],
      [7, 1.5, 9.5, 12],
      [2, 0, 3840, 3840],
    ] as const) {
      const taps = axisTaps(0, size, size, cropStart, span, planeSize);
      for (let i = 0; i < size; i++) expect([taps.first[i], taps.second[i], taps.weight[i]]).toEqual(referenceTap(i, size, cropStart, span, planeSize));
    }
  });
  it('stay a true bilinear resample: a ramp scaled up or down is the ramp sampled at pixel centres, within rounding', () => {
    const g: ScaledGeometry = { width: 0, height: 0, clipLeft: 0, clipTop: 0, dx: 0, dy: 0, w: 0, h: 0 };
    for (const [srcW, dstW] of [
      [64, 40],
      [40, 64],
    ] as const) {
      const src = new FramePool(frameLayout(srcW, 4), 1);
      const dst = new FramePool(frameLayout(dstW, 4), 1);
      src.acquire();
      dst.acquire();
      const planes = src.slots[0]!.planes;
      for (let y = 0; y < 4; y++) for (let x = 0; x < srcW; x++) planes.y[y * srcW + x] = 2 * x + 30;
      expect(resolveScaledGeometry({ x: 0, y: 0, width: dstW, height: 4 }, undefined, srcW, 4, dstW, 4, g)).toBe(true);
      const table = arena.allocate(scaleTableBytes(g, undefined, srcW, 4));
      writeScaleTables(arena.memory, table, g, undefined, srcW, 4);
      scaleBand(kernels, dst.byteOffset, dst.layout, src.byteOffset, src.layout, table, g.dx, g.dy, g.w, g.h, 255, 0, 4, scratch);
      const out = dst.slots[0]!.planes.y;
      for (let x = 0; x < dstW; x++) {
        const s = Math.min(srcW - 1, Math.max(0, ((x + 0.5) * srcW) / dstW - 0.5));
        expect(Math.abs(out[x]! - (2 * s + 30))).toBeLessThanOrEqual(1.01);
      }
      arena.free(table);
      src.dispose();
      dst.dispose();
    }
  });
});
