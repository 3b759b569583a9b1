// The per-frame pixel work, as pure functions over plane views. Every function works on one
// horizontal band [bandY0, bandY1) of the destination (even rows), so workers can split a frame
// without sharing any row. Integer arithmetic only: the same inputs give the same bytes on
// every thread.
import type { FrameLayout, FramePlanes } from './frame-pool.ts';

/** round(x / 255) for 0 ≤ x ≤ 65535, exactly (no tie can occur: 255 is odd). */
export function div255(x: number): number {
  const t = x + 128;
  return (t + (t >> 8)) >> 8;
}

/** Fills the band of all three planes with one colour. */
export function fillBand(dst: FramePlanes, layout: FrameLayout, bandY0: number, bandY1: number, y: number, u: number, v: number): void {
  dst.y.fill(y, bandY0 * layout.width, bandY1 * layout.width);
  const c0 = (bandY0 >> 1) * layout.chromaWidth;
  const c1 = (bandY1 >> 1) * layout.chromaWidth;
  dst.u.fill(u, c0, c1);
  dst.v.fill(v, c0, c1);
}

/**
 * Draws the w×h block of `src` at (sx, sy) onto `dst` at (dx, dy), within the band.
 * Geometry is already cropped, clipped and even (see resolveLayerGeometry). Per sample:
 *   a = alpha · opacity / 255 (rounded), out = (src·a + dst·(255 − a)) / 255 (rounded);
 * chroma uses the subsampled alpha AC. A source without alpha is opaque (a = opacity), and at
 * full opacity it is a row copy.
 */
export function blendBand(
  dst: FramePlanes,
  dstLayout: FrameLayout,
  src: FramePlanes,
  srcLayout: FrameLayout,
  sx: number,
  sy: number,
  dx: number,
  dy: number,
  w: number,
  h: number,
  opacity: number,
  bandY0: number,
  bandY1: number,
): void {
  const r0 = dy > bandY0 ? dy : bandY0;
  const r1 = dy + h < bandY1 ? dy + h : bandY1;
  if (r0 >= r1 || w <= 0 || opacity <= 0) return;
  blendPlane(dst.y, dstLayout.width, src.y, srcLayout.width, src.a, null, null, sx, sy, dx, dy, w, r0, r1, opacity);
  blendPlane(dst.u, dstLayout.chromaWidth, src.u, srcLayout.chromaWidth, src.ac, dst.v, src.v, sx >> 1, sy >> 1, dx >> 1, dy >> 1, w >> 1, r0 >> 1, r1 >> 1, opacity);
}

/** One plane, or the U and V pair (which share their alpha), over rows [r0, r1) of the destination plane. */
function blendPlane(
  dst: Uint8Array,
  dstStride: number,
  src: Uint8Array,
  srcStride: number,
  alpha: Uint8Array | null,
  dst2: Uint8Array | null,
  src2: Uint8Array | null,
  sx: number,
  sy: number,
  dx: number,
  dy: number,
  w: number,
  r0: number,
  r1: number,
  opacity: number,
): void {
  if (alpha === null && opacity >= 255 && w === srcStride && w === dstStride) {
    // Full-width opaque rows (the usual base layer): one contiguous copy for the whole band.
    const s0 = (r0 - dy + sy) * srcStride;
    const length = (r1 - r0) * w;
    dst.set(src.subarray(s0, s0 + length), r0 * dstStride);
    if (dst2 !== null && src2 !== null) dst2.set(src2.subarray(s0, s0 + length), r0 * dstStride);
    return;
  }
  for (let r = r0; r < r1; r++) {
    const s0 = (r - dy + sy) * srcStride + sx;
    const d0 = r * dstStride + dx;
    if (alpha === null) {
      if (opacity >= 255) {
        dst.set(src.subarray(s0, s0 + w), d0);
        if (dst2 !== null && src2 !== null) dst2.set(src2.subarray(s0, s0 + w), d0);
        continue;
      }
      const inv = 255 - opacity;
      for (let i = 0; i < w; i++) {
        const t = src[s0 + i]! * opacity + dst[d0 + i]! * inv + 128;
        dst[d0 + i] = (t + (t >> 8)) >> 8;
      }
      if (dst2 !== null && src2 !== null) {
        for (let i = 0; i < w; i++) {
          const t = src2[s0 + i]! * opacity + dst2[d0 + i]! * inv + 128;
          dst2[d0 + i] = (t + (t >> 8)) >> 8;
        }
      }
      continue;
    }
    for (let i = 0; i < w; i++) {
      let a = alpha[s0 + i]!;
      if (opacity < 255) {
        const t = a * opacity + 128;
        a = (t + (t >> 8)) >> 8;
      }
      if (a === 0) continue;
      if (a === 255) {
        dst[d0 + i] = src[s0 + i]!;
        if (dst2 !== null && src2 !== null) dst2[d0 + i] = src2[s0 + i]!;
        continue;
      }
      const inv = 255 - a;
      const t = src[s0 + i]! * a + dst[d0 + i]! * inv + 128;
      dst[d0 + i] = (t + (t >> 8)) >> 8;
      if (dst2 !== null && src2 !== null) {
        const t2 = src2[s0 + i]! * a + dst2[d0 + i]! * inv + 128;
        dst2[d0 + i] = (t2 + (t2 >> 8)) >> 8;
      }
    }
  }
}

/** Cross-fade: dst = (over·weight + dst·(255 − weight)) / 255 over the band, all planes. */
export function mixBand(dst: FramePlanes, over: FramePlanes, layout: FrameLayout, bandY0: number, bandY1: number, weight: number): void {
  if (weight <= 0) return;
  const l0 = bandY0 * layout.width;
  const l1 = bandY1 * layout.width;
  const c0 = (bandY0 >> 1) * layout.chromaWidth;
  const c1 = (bandY1 >> 1) * layout.chromaWidth;
  if (weight >= 255) {
    dst.y.set(over.y.subarray(l0, l1), l0);
    dst.u.set(over.u.subarray(c0, c1), c0);
    dst.v.set(over.v.subarray(c0, c1), c0);
    return;
  }
  mixRange(dst.y, over.y, l0, l1, weight);
  mixRange(dst.u, over.u, c0, c1, weight);
  mixRange(dst.v, over.v, c0, c1, weight);
}

function mixRange(dst: Uint8Array, over: Uint8Array, from: number, to: number, weight: number): void {
  const inv = 255 - weight;
  for (let i = from; i < to; i++) {
    const t = over[i]! * weight + dst[i]! * inv + 128;
    dst[i] = (t + (t >> 8)) >> 8;
  }
}
