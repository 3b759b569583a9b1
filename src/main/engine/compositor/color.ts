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

/** E'y on the 0..255 scale of its inputs. */
function weightedLuma(r: number, g: number, b: number): number {
  return BT709_KR * r + KG * g + BT709_KB * b;
}

/** Cb from B' and weightedLuma. */
function cbOf(b: number, yNorm: number): number {
  return clampByte(128 + (224 * (b - yNorm)) / PB_SCALE / 255);
}

/** Cr from R' and weightedLuma. */
function crOf(r: number, yNorm: number): number {
  return clampByte(128 + (224 * (r - yNorm)) / PR_SCALE / 255);
}

export function lumaOf(r: number, g: number, b: number): number {
  return clampByte(16 + (219 * weightedLuma(r, g, b)) / 255);
}

export function chromaOf(r: number, g: number, b: number): { u: number; v: number } {
  const yNorm = weightedLuma(r, g, b);
  return { u: cbOf(b, yNorm), v: crOf(r, yNorm) };
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
  checkRgbaToYuva(rgba, width, height, layout, out);
  rgbaToYuvaRows(rgba, width, layout, out, 0, height);
}

/** Rows converted per turn of the event loop by rgbaToYuvaAsync: a few ms of work at 1080p. */
const ROWS_PER_TURN = 64;

/**
 * rgbaToYuva in bands of rows, yielding to the event loop between them: a full-frame picture made
 * while the program runs (the break slate's "Back in m:ss", redrawn each second) then never holds
 * the frame clock's tick back. The result is the same bytes.
 */
export async function rgbaToYuvaAsync(rgba: Uint8Array, width: number, height: number, layout: FrameLayout, out: FramePlanes): Promise<void> {
  checkRgbaToYuva(rgba, width, height, layout, out);
  for (let row = 0; row < height; row += ROWS_PER_TURN) {
    if (row > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    rgbaToYuvaRows(rgba, width, layout, out, row, Math.min(height, row + ROWS_PER_TURN));
  }
}

function checkRgbaToYuva(rgba: Uint8Array, width: number, height: number, layout: FrameLayout, out: FramePlanes): void {
  if (layout.width !== width || layout.height !== height || !layout.alpha || !out.a || !out.ac) {
    throw new CompositorError('BAD_OPTION', `rgbaToYuva needs an alpha layout of ${width}x${height}`);
  }
  if (rgba.length < width * height * 4) {
    throw new CompositorError('BAD_OPTION', `RGBA buffer holds ${rgba.length} bytes, ${width}x${height} needs ${width * height * 4}`);
  }
}

/**
 * Rows [rowStart, rowEnd) (both even). Chroma goes through cbOf/crOf rather than chromaOf, so
 * that no object is made per 2×2 block (a 1080p frame has half a million).
 */
function rgbaToYuvaRows(rgba: Uint8Array, width: number, layout: FrameLayout, out: FramePlanes, rowStart: number, rowEnd: number): void {
  const y = out.y;
  const u = out.u;
  const v = out.v;
  const a = out.a!;
  const ac = out.ac!;
  for (let i = rowStart * width, p = i * 4, end = rowEnd * width; i < end; i++, p += 4) {
    y[i] = lumaOf(rgba[p]!, rgba[p + 1]!, rgba[p + 2]!);
    a[i] = rgba[p + 3]!;
  }
  const cw = layout.chromaWidth;
  const stride = width * 4;
  for (let cy = rowStart / 2; cy < rowEnd / 2; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      const p0 = (2 * cy * width + 2 * cx) * 4;
      const p1 = p0 + 4;
      const p2 = p0 + stride;
      const p3 = p2 + 4;
      // In the order the 2×2 loop summed them: (0,0), (1,0), (0,1), (1,1); sums of integers are exact anyway.
      const a0 = rgba[p0 + 3]!;
      const a1 = rgba[p1 + 3]!;
      const a2 = rgba[p2 + 3]!;
      const a3 = rgba[p3 + 3]!;
      const alphaSum = a0 + a1 + a2 + a3;
      let rr: number;
      let gg: number;
      let bb: number;
      if (alphaSum > 0) {
        rr = (rgba[p0]! * a0 + rgba[p1]! * a1 + rgba[p2]! * a2 + rgba[p3]! * a3) / alphaSum;
        gg = (rgba[p0 + 1]! * a0 + rgba[p1 + 1]! * a1 + rgba[p2 + 1]! * a2 + rgba[p3 + 1]! * a3) / alphaSum;
        bb = (rgba[p0 + 2]! * a0 + rgba[p1 + 2]! * a1 + rgba[p2 + 2]! * a2 + rgba[p3 + 2]! * a3) / alphaSum;
      } else {
        rr = (rgba[p0]! + rgba[p1]! + rgba[p2]! + rgba[p3]!) / 4;
        gg = (rgba[p0 + 1]! + rgba[p1 + 1]! + rgba[p2 + 1]! + rgba[p3 + 1]!) / 4;
        bb = (rgba[p0 + 2]! + rgba[p1 + 2]! + rgba[p2 + 2]! + rgba[p3 + 2]!) / 4;
      }
      const yNorm = weightedLuma(rr, gg, bb);
      const c = cy * cw + cx;
      u[c] = cbOf(bb, yNorm);
      v[c] = crOf(rr, yNorm);
      ac[c] = (alphaSum + 2) >> 2;
    }
  }
}
