// The per-frame pixel work, per horizontal band [bandY0, bandY1) of the destination (even rows),
// so workers can split a frame without sharing any row. Frames are byte offsets into the shared
// frame memory; the samples are computed by the wasm kernels (blend-kernels.wat), integer
// arithmetic only, so the same inputs give the same bytes on every thread. These functions only
// turn a band and a layer's geometry into plane offsets: no views, no objects, per call.
import type { BlendKernels } from './blend-kernels.ts';
import type { FrameLayout } from './frame-pool.ts';
import { chromaTable, lumaTable, scaledAlphaRow, scaledRow } from './scale-tables.ts';

/** Fills the band of all three planes of the frame at `dst` with one colour. */
export function fillBand(k: BlendKernels, dst: number, layout: FrameLayout, bandY0: number, bandY1: number, y: number, u: number, v: number): void {
  k.fill(dst + bandY0 * layout.width, y, (bandY1 - bandY0) * layout.width);
  const c0 = (bandY0 >> 1) * layout.chromaWidth;
  const length = (bandY1 >> 1) * layout.chromaWidth - c0;
  k.fill(dst + layout.uOffset + c0, u, length);
  k.fill(dst + layout.vOffset + c0, v, length);
}

/**
 * Draws the w×h block of the frame at `src` at (sx, sy) onto the frame at `dst` at (dx, dy),
 * within the band. Geometry is already cropped, clipped and even (see resolveLayerGeometry).
 * Per sample: a = alpha · opacity / 255 (rounded), out = (src·a + dst·(255 − a)) / 255
 * (rounded); chroma uses the subsampled alpha AC. A source without alpha is opaque
 * (a = opacity), and at full opacity it is a row copy.
 */
export function blendBand(
  k: BlendKernels,
  dst: number,
  dstLayout: FrameLayout,
  src: number,
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
  const a = Math.min(opacity, 255);
  const rows = r1 - r0;
  const dstStride = dstLayout.width;
  const srcStride = srcLayout.width;
  const dstY = dst + r0 * dstStride + dx;
  const srcY = (r0 - dy + sy) * srcStride + sx;
  // Chroma: half the columns and rows of the same block (everything is even).
  const cw = w >> 1;
  const c0 = r0 >> 1;
  const crows = (r1 >> 1) - c0;
  const dstCStride = dstLayout.chromaWidth;
  const srcCStride = srcLayout.chromaWidth;
  const dstC = c0 * dstCStride + (dx >> 1);
  const srcC = (c0 - (dy >> 1) + (sy >> 1)) * srcCStride + (sx >> 1);
  const dstU = dst + dstLayout.uOffset + dstC;
  const dstV = dst + dstLayout.vOffset + dstC;
  const srcU = src + srcLayout.uOffset + srcC;
  const srcV = src + srcLayout.vOffset + srcC;
  if (srcLayout.alpha) {
    k.blend_alpha(dstY, dstStride, src + srcY, srcStride, src + srcLayout.aOffset + srcY, w, rows, a);
    k.blend_alpha_pair(dstU, dstV, dstCStride, srcU, srcV, srcCStride, src + srcLayout.acOffset + srcC, cw, crows, a);
  } else if (a === 255) {
    k.copy_rows(dstY, dstStride, src + srcY, srcStride, w, rows);
    k.copy_rows(dstU, dstCStride, srcU, srcCStride, cw, crows);
    k.copy_rows(dstV, dstCStride, srcV, srcCStride, cw, crows);
  } else {
    k.blend_constant(dstY, dstStride, src + srcY, srcStride, w, rows, a);
    k.blend_constant(dstU, dstCStride, srcU, srcCStride, cw, crows, a);
    k.blend_constant(dstV, dstCStride, srcV, srcCStride, cw, crows, a);
  }
}

/** Cross-fade: dst = (over·weight + dst·(255 − weight)) / 255 over the band, all planes. */
export function mixBand(k: BlendKernels, dst: number, over: number, layout: FrameLayout, bandY0: number, bandY1: number, weight: number): void {
  if (weight <= 0) return;
  // A band's rows are contiguous in each plane: one "row" of the band's length.
  const l0 = bandY0 * layout.width;
  const lumaLength = (bandY1 - bandY0) * layout.width;
  const c0 = (bandY0 >> 1) * layout.chromaWidth;
  const chromaLength = (bandY1 >> 1) * layout.chromaWidth - c0;
  if (weight >= 255) {
    k.copy_rows(dst + l0, lumaLength, over + l0, lumaLength, lumaLength, 1);
    k.copy_rows(dst + layout.uOffset + c0, chromaLength, over + layout.uOffset + c0, chromaLength, chromaLength, 1);
    k.copy_rows(dst + layout.vOffset + c0, chromaLength, over + layout.vOffset + c0, chromaLength, chromaLength, 1);
    return;
  }
  k.blend_constant(dst + l0, lumaLength, over + l0, lumaLength, lumaLength, 1, weight);
  k.blend_constant(dst + layout.uOffset + c0, chromaLength, over + layout.uOffset + c0, chromaLength, chromaLength, 1, weight);
  k.blend_constant(dst + layout.vOffset + c0, chromaLength, over + layout.vOffset + c0, chromaLength, chromaLength, 1, weight);
}

/**
 * Draws a scaled layer within the band: the w×h block at (dx, dy) of the frame at `dst` is the
 * source frame at `src` resampled by the tables at `table` (scale-tables.ts, built for this
 * geometry and this source's layout). Blending as blendBand: by the source's alpha (AC for
 * chroma) times opacity, or opacity alone. `scratch`: this core's scaleScratchBytes(dstLayout.width).
 */
export function scaleBand(
  k: BlendKernels,
  dst: number,
  dstLayout: FrameLayout,
  src: number,
  srcLayout: FrameLayout,
  table: number,
  dx: number,
  dy: number,
  w: number,
  h: number,
  opacity: number,
  bandY0: number,
  bandY1: number,
  scratch: number,
): void {
  const r0 = Math.max(dy, bandY0);
  const r1 = Math.min(dy + h, bandY1);
  if (r0 >= r1 || w <= 0 || opacity <= 0) return;
  const a = Math.min(opacity, 255);
  const hasAlpha = srcLayout.alpha ? 1 : 0;
  const luma = lumaTable(table);
  const scaled = scaledRow(scratch);
  const scaledAlpha = scaledAlphaRow(scratch, dstLayout.width);
  const chroma = chromaTable(table);
  k.scale_rows(
    dst + r0 * dstLayout.width + dx,
    dstLayout.width,
    src,
    srcLayout.width,
    src + srcLayout.aOffset,
    hasAlpha,
    luma,
    r0 - dy,
    r1 - r0,
    scratch,
    scaled,
    scaledAlpha,
    a,
  );
  const c0 = r0 >> 1;
  const crows = (r1 >> 1) - c0;
  const dstC = c0 * dstLayout.chromaWidth + (dx >> 1);
  const row = c0 - (dy >> 1);
  const alphaC = src + srcLayout.acOffset;
  const cStride = srcLayout.chromaWidth;
  k.scale_rows(
    dst + dstLayout.uOffset + dstC,
    dstLayout.chromaWidth,
    src + srcLayout.uOffset,
    cStride,
    alphaC,
    hasAlpha,
    chroma,
    row,
    crows,
    scratch,
    scaled,
    scaledAlpha,
    a,
  );
  k.scale_rows(
    dst + dstLayout.vOffset + dstC,
    dstLayout.chromaWidth,
    src + srcLayout.vOffset,
    cStride,
    alphaC,
    hasAlpha,
    chroma,
    row,
    crows,
    scratch,
    scaled,
    scaledAlpha,
    a,
  );
}
