// Shared by the compositor specs and the benchmark: deterministic pixels, a plain reference
// compositor that walks every pixel, and the scalar JavaScript blend (what the engine ran before
// the wasm kernels) as the oracle the kernels must match byte for byte.
import type { FrameLayout, FramePlanes } from '../../src/main/engine/compositor/frame-pool.ts';
import type { Crop, Rect } from '../../src/main/engine/compositor/plan.ts';

/** xorshift32: the same bytes for the same seed, everywhere. */
export function fillPseudoRandom(bytes: Uint8Array, seed: number): void {
  let x = seed | 0 || 0x9e3779b9;
  for (let i = 0; i < bytes.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
}

export interface ReferenceLayer {
  planes: FramePlanes;
  width: number;
  height: number;
  rect: Rect;
  crop?: Crop;
  opacity: number;
  visible: boolean;
}

export interface ReferenceFrame {
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
}

const floorEven = (v: number): number => Math.floor(v / 2) * 2;
const ceilEven = (v: number): number => Math.ceil(v / 2) * 2;

/**
 * The documented semantics, pixel by pixel: black background; each visible layer's source
 * top-left at the rect origin rounded down to even; source pixel (sx, sy) shows when
 * ceilEven(crop.left) ≤ sx < floorEven(min(srcW, rect.width) − crop.right) (same for y) and it
 * lands inside the frame; a = alpha·opacity/255, out = (src·a + dst·(255−a))/255, rounded;
 * chroma with the rounded mean alpha of the 2×2 block.
 */
export function referenceCompose(width: number, height: number, layers: readonly ReferenceLayer[]): ReferenceFrame {
  const cw = width / 2;
  const ch = height / 2;
  const out = { y: new Uint8Array(width * height).fill(16), u: new Uint8Array(cw * ch).fill(128), v: new Uint8Array(cw * ch).fill(128) };
  for (const layer of layers) {
    if (!layer.visible || !(layer.opacity > 0)) continue;
    const opacity = layer.opacity >= 1 ? 255 : Math.round(layer.opacity * 255);
    const rx = floorEven(layer.rect.x);
    const ry = floorEven(layer.rect.y);
    const left = ceilEven(layer.crop?.left ?? 0);
    const top = ceilEven(layer.crop?.top ?? 0);
    const right = floorEven(Math.min(layer.width, layer.rect.width) - (layer.crop?.right ?? 0));
    const bottom = floorEven(Math.min(layer.height, layer.rect.height) - (layer.crop?.bottom ?? 0));
    const shows = (x: number, y: number): boolean => {
      const sx = x - rx;
      const sy = y - ry;
      return sx >= left && sx < right && sy >= top && sy < bottom;
    };
    const alphaAt = (sx: number, sy: number): number => (layer.planes.a ? layer.planes.a[sy * layer.width + sx]! : 255);
    const mix = (s: number, d: number, a: number): number => Math.round((s * a + d * (255 - a)) / 255);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (!shows(x, y)) continue;
        const sx = x - rx;
        const sy = y - ry;
        const a = Math.round((alphaAt(sx, sy) * opacity) / 255);
        out.y[y * width + x] = mix(layer.planes.y[sy * layer.width + sx]!, out.y[y * width + x]!, a);
      }
    }
    for (let cy = 0; cy < ch; cy++) {
      for (let cx = 0; cx < cw; cx++) {
        if (!shows(2 * cx, 2 * cy)) continue;
        const sx = 2 * cx - rx;
        const sy = 2 * cy - ry;
        const mean = Math.round((alphaAt(sx, sy) + alphaAt(sx + 1, sy) + alphaAt(sx, sy + 1) + alphaAt(sx + 1, sy + 1)) / 4);
        const a = Math.round((mean * opacity) / 255);
        const s = (sy / 2) * (layer.width / 2) + sx / 2;
        out.u[cy * cw + cx] = mix(layer.planes.u[s]!, out.u[cy * cw + cx]!, a);
        out.v[cy * cw + cx] = mix(layer.planes.v[s]!, out.v[cy * cw + cx]!, a);
      }
    }
  }
  return out;
}

/** Index of the first differing byte, or −1. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

// --- the scalar oracle ------------------------------------------------------------------------
// The per-band blend functions as plain JavaScript over plane views, exactly the engine's code
// before blend-kernels.wat; blend-kernels.test.ts checks the kernels against them byte for byte.

/** Fills the band of all three planes with one colour. */
export function referenceFillBand(dst: FramePlanes, layout: FrameLayout, bandY0: number, bandY1: number, y: number, u: number, v: number): void {
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
export function referenceBlendBand(
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
  const r0 = Math.max(dy, bandY0);
  const r1 = Math.min(dy + h, bandY1);
  if (r0 >= r1 || w <= 0 || opacity <= 0) return;
  referenceBlendPlane(dst.y, dstLayout.width, src.y, srcLayout.width, src.a, null, null, sx, sy, dx, dy, w, r0, r1, opacity);
  referenceBlendPlane(
    dst.u,
    dstLayout.chromaWidth,
    src.u,
    srcLayout.chromaWidth,
    src.ac,
    dst.v,
    src.v,
    sx >> 1,
    sy >> 1,
    dx >> 1,
    dy >> 1,
    w >> 1,
    r0 >> 1,
    r1 >> 1,
    opacity,
  );
}

/** One plane, or the U and V pair (which share their alpha), over rows [r0, r1) of the destination plane. */
export function referenceBlendPlane(
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
export function referenceMixBand(dst: FramePlanes, over: FramePlanes, layout: FrameLayout, bandY0: number, bandY1: number, weight: number): void {
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
  referenceMixRange(dst.y, over.y, l0, l1, weight);
  referenceMixRange(dst.u, over.u, c0, c1, weight);
  referenceMixRange(dst.v, over.v, c0, c1, weight);
}

export function referenceMixRange(dst: Uint8Array, over: Uint8Array, from: number, to: number, weight: number): void {
  const inv = 255 - weight;
  for (let i = from; i < to; i++) {
    const t = over[i]! * weight + dst[i]! * inv + 128;
    dst[i] = (t + (t >> 8)) >> 8;
  }
}
