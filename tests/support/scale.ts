// The scaled-layer semantics written out pixel by pixel, for the scale kernel's specs and the
// compositor's property test: the oracle blend-kernels.wat's scale_rows must match byte for byte.
// It follows the documented formula only (scale-tables.ts's header), not the tables' code.
import type { FramePlanes } from '../../src/main/engine/compositor/frame-pool.ts';
import type { Crop, Rect } from '../../src/main/engine/compositor/plan.ts';

const floorEven = (v: number): number => Math.floor(v / 2) * 2;

/** The source sample pair and 7-bit weight for destination sample i of `size`, filling [cropStart, cropStart + span) of a plane `planeSize` long. */
export function referenceTap(i: number, size: number, cropStart: number, span: number, planeSize: number): [number, number, number] {
  const low = Math.max(0, cropStart);
  const high = Math.max(low, Math.min(planeSize - 1, cropStart + span - 1));
  const s = Math.min(high, Math.max(low, cropStart + ((i + 0.5) * span) / size - 0.5));
  let a = Math.floor(s);
  let w = Math.round((s - a) * 128);
  if (w === 128) {
    a++;
    w = 0;
  }
  return [a, w === 0 ? a : Math.min(a + 1, planeSize - 1), w];
}

/**
 * Below half size, destination sample i averages the source over [cropStart + i·S/D, cropStart + (i + 1)·S/D):
 * each source sample it overlaps weighs its overlap, rounded to Q14 (16384), and what the rounding
 * leaves over goes to the largest weight (the first of equals). Returns [sample, weight] pairs.
 */
export function referenceAreaTaps(i: number, size: number, cropStart: number, span: number, planeSize: number): Array<[number, number]> {
  const a = Math.max(0, cropStart + (i * span) / size);
  const b = Math.min(planeSize, cropStart + ((i + 1) * span) / size);
  const taps: Array<[number, number]> = [];
  for (let j = Math.floor(a); j < Math.max(Math.floor(a) + 1, Math.ceil(b)); j++) {
    taps.push([j, Math.round(((Math.min(b, j + 1) - Math.max(a, j)) / (b - a)) * 16384)]);
  }
  let largest = 0;
  for (let t = 1; t < taps.length; t++) if (taps[t]![1] > taps[largest]![1]) largest = t;
  taps[largest]![1] += 16384 - taps.reduce((sum, [, w]) => sum + w, 0);
  return taps;
}

const isArea = (span: number, size: number): boolean => span > 2 * size;
const lerp = (l: number, r: number, w: number): number => (l * (128 - w) + r * w + 64) >> 7;
const mix = (s: number, d: number, a: number): number => Math.round((s * a + d * (255 - a)) / 255);

export interface ReferenceScaledLayer {
  planes: FramePlanes;
  width: number;
  height: number;
  rect: Rect;
  crop?: Crop;
  /** 0..255 */
  opacity: number;
}

/**
 * Draws a scaled layer onto dst (a frame of width × height): the rect's origin and size rounded
 * down to even (size at least 2); the cropped part of the source fills it; each destination
 * sample is the source's plane sampled at its pixel centre, bilinear in two rounded passes
 * (rows, then columns), or on an axis shrunk below half size the area average of what it covers;
 * blended by the scaled alpha times opacity, as every layer.
 */
export function referenceDrawScaled(dst: FramePlanes, width: number, height: number, layer: ReferenceScaledLayer): void {
  const crop = { left: 0, top: 0, right: 0, bottom: 0, ...layer.crop };
  const X = floorEven(layer.rect.x);
  const Y = floorEven(layer.rect.y);
  const W = Math.max(2, floorEven(layer.rect.width));
  const H = Math.max(2, floorEven(layer.rect.height));
  const plane = (
    out: Uint8Array,
    outWidth: number,
    outHeight: number,
    src: Uint8Array,
    alpha: Uint8Array | null,
    planeW: number,
    planeH: number,
    f: number,
  ): void => {
    const spanX = (layer.width - crop.left - crop.right) / f;
    const spanY = (layer.height - crop.top - crop.bottom) / f;
    // First down the rows (into one value per source column), then across the columns; each pass rounds.
    const column = (p: Uint8Array, x: number, j: number): number => {
      if (isArea(spanY, H / f)) {
        const sum = referenceAreaTaps(j, H / f, crop.top / f, spanY, planeH).reduce((acc, [y, w]) => acc + w * p[y * planeW + x]!, 8192);
        return sum >> 14;
      }
      const [ya, yb, wy] = referenceTap(j, H / f, crop.top / f, spanY, planeH);
      return lerp(p[ya * planeW + x]!, p[yb * planeW + x]!, wy);
    };
    const sample = (p: Uint8Array, i: number, j: number): number => {
      if (isArea(spanX, W / f)) {
        return referenceAreaTaps(i, W / f, crop.left / f, spanX, planeW).reduce((acc, [x, w]) => acc + w * column(p, x, j), 8192) >> 14;
      }
      const [xa, xb, wx] = referenceTap(i, W / f, crop.left / f, spanX, planeW);
      return lerp(column(p, xa, j), column(p, xb, j), wx);
    };
    for (let y = Math.max(0, Y / f); y < Math.min(outHeight, (Y + H) / f); y++) {
      for (let x = Math.max(0, X / f); x < Math.min(outWidth, (X + W) / f); x++) {
        const i = x - X / f;
        const j = y - Y / f;
        const a = alpha ? Math.round((sample(alpha, i, j) * layer.opacity) / 255) : layer.opacity;
        out[y * outWidth + x] = mix(sample(src, i, j), out[y * outWidth + x]!, a);
      }
    }
  };
  const p = layer.planes;
  plane(dst.y, width, height, p.y, p.a, layer.width, layer.height, 1);
  plane(dst.u, width / 2, height / 2, p.u, p.ac, layer.width / 2, layer.height / 2, 2);
  plane(dst.v, width / 2, height / 2, p.v, p.ac, layer.width / 2, layer.height / 2, 2);
}
