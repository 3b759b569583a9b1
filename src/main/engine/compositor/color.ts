// RGB(A) → Y'CbCr for static layers, once per raster (never per frame).
// ITU-R BT.709 matrix (Kr = 0.2126, Kb = 0.0722), limited ("TV", "MPEG") range:
//   Y' = 16 + 219·E'y, Cb = 128 + 224·E'pb, Cr = 128 + 224·E'pr, 8-bit (BT.709-6 table 3 item 3.4).
// This is what x264 signals by default for HD and what ffmpeg's yuv420p output of an HD source is,
// so static layers and decoded video land in the same colour space.
import { CompositorError } from './errors.ts';
import type { FrameLayout, FramePlanes } from './frame-pool.ts';

export const BT709_KR = 0.2126;
export const BT709_KB = 0.0722;
const KG = 1 - BT709_KR - BT709_KB;
/** 2·(1 − Kb) and 2·(1 − Kr): the divisors that scale B'−Y' and R'−Y' to ±0.5. */
const PB_SCALE = 2 * (1 - BT709_KB);
const PR_SCALE = 2 * (1 - BT709_KR);

/** Limited-range black (Y 16, Cb/Cr 128). */
export const YUV_BLACK = { y: 16, u: 128, v: 128 } as const;

function clampByte(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : Math.round(value);
}

export function lumaOf(r: number, g: number, b: number): number {
  return clampByte(16 + (219 * (BT709_KR * r + KG * g + BT709_KB * b)) / 255);
}

export function chromaOf(r: number, g: number, b: number): { u: number; v: number } {
  const yNorm = BT709_KR * r + KG * g + BT709_KB * b;
  return {
    u: clampByte(128 + (224 * (b - yNorm)) / PB_SCALE / 255),
    v: clampByte(128 + (224 * (r - yNorm)) / PR_SCALE / 255),
  };
}

/** One 8-bit sRGB-coded colour (R'G'B', as image files store it) in BT.709 limited range. */
export function rgbToYuv(r: number, g: number, b: number): { y: number; u: number; v: number } {
  return { y: lumaOf(r, g, b), ...chromaOf(r, g, b) };
}

/**
 * Converts straight (not premultiplied) RGBA, as sharp's raw output gives it, into a frame with
 * alpha. Luma and alpha per pixel. Chroma per 2×2 block from the alpha-weighted mean colour, so
 * transparent pixels (often black) do not darken or tint the edges of anti-aliased text and
 * logos; AC is the rounded mean of the block's four alphas.
 */
export function rgbaToYuva(rgba: Uint8Array, width: number, height: number, layout: FrameLayout, out: FramePlanes): void {
  if (layout.width !== width || layout.height !== height || !layout.alpha || !out.a || !out.ac) {
    throw new CompositorError('BAD_OPTION', `rgbaToYuva needs an alpha layout of ${width}x${height}`);
  }
  if (rgba.length < width * height * 4) {
    throw new CompositorError('BAD_OPTION', `RGBA buffer holds ${rgba.length} bytes, ${width}x${height} needs ${width * height * 4}`);
  }
  const { y, u, v, a, ac } = out;
  for (let i = 0, p = 0; i < width * height; i++, p += 4) {
    y[i] = lumaOf(rgba[p]!, rgba[p + 1]!, rgba[p + 2]!);
    a[i] = rgba[p + 3]!;
  }
  const cw = layout.chromaWidth;
  for (let cy = 0; cy < layout.chromaHeight; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let alphaSum = 0;
      let rPlain = 0;
      let gPlain = 0;
      let bPlain = 0;
      for (let dy = 0; dy < 2; dy++) {
        for (let dx = 0; dx < 2; dx++) {
          const p = ((2 * cy + dy) * width + 2 * cx + dx) * 4;
          const alpha = rgba[p + 3]!;
          r += rgba[p]! * alpha;
          g += rgba[p + 1]! * alpha;
          b += rgba[p + 2]! * alpha;
          rPlain += rgba[p]!;
          gPlain += rgba[p + 1]!;
          bPlain += rgba[p + 2]!;
          alphaSum += alpha;
        }
      }
      const chroma = alphaSum > 0 ? chromaOf(r / alphaSum, g / alphaSum, b / alphaSum) : chromaOf(rPlain / 4, gPlain / 4, bPlain / 4);
      const c = cy * cw + cx;
      u[c] = chroma.u;
      v[c] = chroma.v;
      ac[c] = (alphaSum + 2) >> 2;
    }
  }
}
