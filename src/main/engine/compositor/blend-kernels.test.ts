// The wasm kernels against the scalar JavaScript they replaced (tests/support/compositor.ts), byte for byte:
// random planes, widths with SIMD tails, odd offsets, the opacity and alpha edge values, fades.
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blendKernels } from './blend-kernels.ts';
import { blendBand, fillBand, mixBand } from './blend.ts';
import { frameArena } from './frame-arena.ts';
import { FramePool, frameLayout, planesAt } from './frame-pool.ts';
import type { FrameLayout, FramePlanes } from './frame-pool.ts';
import { KERNEL_MODULE_URL, assembleKernels, renderKernelModule } from './kernel-assembler.ts';
import {
  fillPseudoRandom,
  firstDifference,
  referenceBlendBand,
  referenceBlendPlane,
  referenceFillBand,
  referenceMixBand,
  referenceMixRange,
} from '../../../../tests/support/compositor.ts';

const kernels = blendKernels(frameArena().memory);
const OPACITIES = [0, 1, 2, 127, 128, 129, 200, 254, 255];

/** A private copy of a slot's planes (plain memory) for the scalar oracle to work on. */
function oracleCopy(pool: FramePool): FramePlanes {
  const copy = new ArrayBuffer(pool.layout.slotBytes);
  new Uint8Array(copy).set(pool.slots[0]!.bytes);
  return planesAt(copy, 0, pool.layout);
}

function bytesOf(planes: FramePlanes, layout: FrameLayout): Uint8Array {
  return new Uint8Array(planes.y.buffer, planes.y.byteOffset, layout.i420Bytes);
}

/** Alpha planes of a given character: random, all 0, all 255, or a mix of only 0 and 255. */
type AlphaKind = 'random' | 'clear' | 'opaque' | 'binary';

function fillAlpha(pool: FramePool, kind: AlphaKind, seed: number): void {
  const { a, ac } = pool.slots[0]!.planes;
  for (const plane of [a!, ac!]) {
    fillPseudoRandom(plane, seed++);
    if (kind === 'clear') plane.fill(0);
    else if (kind === 'opaque') plane.fill(255);
    else if (kind === 'binary') for (let i = 0; i < plane.length; i++) plane[i] = plane[i]! & 1 ? 255 : 0;
  }
}

function expectSame(actual: Uint8Array, expected: Uint8Array, what: string): void {
  const at = firstDifference(actual, expected);
  expect(at, `${what}: first difference at byte ${at} (${actual[at]} vs ${expected[at]})`).toBe(-1);
}

describe('blend kernels: the committed module', () => {
  it('is what blend-kernels.wat assembles to (run `npm run build:kernels` after editing the .wat)', async () => {
    const committed = await readFile(KERNEL_MODULE_URL, 'utf8');
    expect(committed).toBe(renderKernelModule(await assembleKernels()));
  });
});

describe('blend kernels against the scalar oracle', () => {
  it('blend one plane by alpha over odd offsets and every width 0..48 (SIMD steps and tails)', () => {
    const stride = 97; // rows of an odd stride inside the planes: nothing is aligned
    const rows = 5;
    const dst = new FramePool(frameLayout(stride + 1, 2 * rows), 1);
    const src = new FramePool(frameLayout(stride + 1, 2 * rows, true), 1);
    const d = dst.slots[0]!.planes.y;
    const s = src.slots[0]!.planes;
    for (const opacity of OPACITIES) {
      for (let w = 0; w <= 48; w++) {
        const sx = 1 + (w % 7);
        const dx = 3 + (w % 5);
        fillPseudoRandom(d, 1000 + w);
        fillPseudoRandom(s.y, 2000 + w);
        fillPseudoRandom(s.a!, 3000 + w);
        const expected = d.slice();
        referenceBlendPlane(expected, stride, s.y, stride, s.a, null, null, sx, 1, dx, 2, w, 2, 2 + rows, opacity);
        kernels.blend_alpha(
          dst.byteOffset + 2 * stride + dx,
          stride,
          src.byteOffset + stride + sx,
          stride,
          src.byteOffset + src.layout.aOffset + stride + sx,
          w,
          rows,
          opacity,
        );
        expectSame(d, expected, `opacity ${opacity} width ${w}`);
      }
    }
  });

  it('blend the U and V pair by the shared alpha, and one plane by a constant weight', () => {
    const stride = 61;
    const rows = 4;
    const dst = new FramePool(frameLayout(2 * stride + 2, 4 * rows), 1);
    const src = new FramePool(frameLayout(2 * stride + 2, 4 * rows, true), 1);
    const d = dst.slots[0]!.planes;
    const s = src.slots[0]!.planes;
    const cStride = dst.layout.chromaWidth;
    for (const opacity of OPACITIES) {
      for (const w of [0, 1, 15, 16, 17, 31, 33, 47, 50]) {
        for (const plane of [d.u, d.v, s.u, s.v, s.ac!]) fillPseudoRandom(plane, opacity * 100 + w + plane.byteOffset);
        const u = d.u.slice();
        const v = d.v.slice();
        referenceBlendPlane(u, cStride, s.u, cStride, s.ac, v, s.v, 3, 1, 5, 2, w, 2, 2 + rows, opacity);
        const dAt = dst.byteOffset + 2 * cStride + 5; // row 2, column 5
        const sAt = src.byteOffset + cStride + 3; // row 1, column 3
        const { uOffset, vOffset, acOffset } = src.layout;
        kernels.blend_alpha_pair(
          dAt + dst.layout.uOffset,
          dAt + dst.layout.vOffset,
          cStride,
          sAt + uOffset,
          sAt + vOffset,
          cStride,
          sAt + acOffset,
          w,
          rows,
          opacity,
        );
        expectSame(d.u, u, `U, opacity ${opacity} width ${w}`);
        expectSame(d.v, v, `V, opacity ${opacity} width ${w}`);

        if (opacity === 0 || opacity === 255) continue; // the engine copies or skips those
        fillPseudoRandom(d.y, 7 + w);
        const y = d.y.slice();
        referenceBlendPlane(y, 2 * cStride, s.y, 2 * cStride, null, null, null, 1, 3, 7, 1, w, 1, 1 + rows, opacity);
        kernels.blend_constant(dst.byteOffset + 2 * cStride + 7, 2 * cStride, src.byteOffset + 3 * 2 * cStride + 1, 2 * cStride, w, rows, opacity);
        expectSame(d.y, y, `constant ${opacity} width ${w}`);
      }
    }
  });

  it('mix a fade over odd ranges for every weight edge case', () => {
    const pool = new FramePool(frameLayout(64, 8), 2);
    const d = pool.slots[0]!.planes.y;
    const o = pool.slots[1]!.planes.y;
    for (const weight of OPACITIES) {
      for (const [from, to] of [
        [0, 0],
        [3, 4],
        [1, 18],
        [5, 37],
        [0, 512],
        [7, 500],
      ] as const) {
        fillPseudoRandom(d, weight + from);
        fillPseudoRandom(o, weight + to + 99);
        const expected = d.slice();
        referenceMixRange(expected, o, from, to, weight);
        kernels.blend_constant(pool.slotOffset(0) + from, 0, pool.slotOffset(1) + from, 0, to - from, 1, weight);
        expectSame(d, expected, `weight ${weight} range ${from}..${to}`);
      }
    }
  });

  it('compose random layers band by band to the same bytes as the scalar blendBand', () => {
    const even = (max: number) => fc.integer({ min: 1, max }).map((k) => 2 * k);
    const layerCase = fc.record({
      dstW: even(40),
      dstH: even(12),
      srcW: even(40),
      srcH: even(12),
      alpha: fc.constantFrom<AlphaKind | null>(null, 'random', 'clear', 'opaque', 'binary'),
      opacity: fc.oneof(fc.constantFrom(...OPACITIES), fc.integer({ min: 0, max: 255 })),
      x: fc.nat(40),
      y: fc.nat(12),
      fx: fc.nat(40),
      fy: fc.nat(12),
      cutW: fc.nat(12),
      cutH: fc.nat(4),
      band: fc.nat(6),
      seed: fc.integer(),
    });
    fc.assert(
      fc.property(layerCase, (c) => {
        const dstLayout = frameLayout(c.dstW, c.dstH);
        const srcLayout = frameLayout(c.srcW, c.srcH, c.alpha !== null);
        // An even block inside both frames, as resolveLayerGeometry makes.
        const sx = Math.min(c.x, c.srcW - 2) & ~1;
        const sy = Math.min(c.y, c.srcH - 2) & ~1;
        const dx = Math.min(c.fx, c.dstW - 2) & ~1;
        const dy = Math.min(c.fy, c.dstH - 2) & ~1;
        const w = Math.max(0, Math.min(c.srcW - sx, c.dstW - dx) - 2 * c.cutW);
        const h = Math.max(0, Math.min(c.srcH - sy, c.dstH - dy) - 2 * c.cutH);
        const dst = new FramePool(dstLayout, 1);
        const src = new FramePool(srcLayout, 1);
        try {
          fillPseudoRandom(dst.slots[0]!.bytes, c.seed);
          fillPseudoRandom(src.slots[0]!.bytes, c.seed + 1);
          if (c.alpha) fillAlpha(src, c.alpha, c.seed + 2);
          const expected = oracleCopy(dst);
          const srcPlanes = oracleCopy(src);
          const split = Math.min(c.band * 2, c.dstH);
          for (const [b0, b1] of [
            [0, split],
            [split, c.dstH],
          ] as const) {
            referenceBlendBand(expected, dstLayout, srcPlanes, srcLayout, sx, sy, dx, dy, w, h, c.opacity, b0, b1);
            blendBand(kernels, dst.slotOffset(0), dstLayout, src.slotOffset(0), srcLayout, sx, sy, dx, dy, w, h, c.opacity, b0, b1);
          }
          expectSame(dst.slots[0]!.i420, bytesOf(expected, dstLayout), JSON.stringify(c));
        } finally {
          dst.dispose();
          src.dispose();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('fill and fade whole bands like the scalar fillBand and mixBand', () => {
    const layout = frameLayout(50, 18);
    const pool = new FramePool(layout, 2);
    for (const weight of OPACITIES) {
      fillPseudoRandom(pool.slots[0]!.bytes, weight);
      fillPseudoRandom(pool.slots[1]!.bytes, weight + 1);
      const dst = oracleCopy(pool);
      const over = planesAt(new Uint8Array(pool.slots[1]!.bytes).buffer, 0, layout); // a copy
      for (const [b0, b1] of [
        [0, 6],
        [6, 8],
        [8, 18],
      ] as const) {
        referenceMixBand(dst, over, layout, b0, b1, weight);
        mixBand(kernels, pool.slotOffset(0), pool.slotOffset(1), layout, b0, b1, weight);
      }
      referenceFillBand(dst, layout, 10, 14, 16, 128, 200);
      fillBand(kernels, pool.slotOffset(0), layout, 10, 14, 16, 128, 200);
      expectSame(pool.slots[0]!.i420, bytesOf(dst, layout), `weight ${weight}`);
    }
  });
});
