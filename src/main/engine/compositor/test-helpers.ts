// Shared by the compositor specs and the benchmark: deterministic pixels and a plain reference
// compositor that walks every pixel, to check the fast path against.
import type { FramePlanes } from './frame-pool.ts';
import type { Crop, Rect } from './plan.ts';

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
