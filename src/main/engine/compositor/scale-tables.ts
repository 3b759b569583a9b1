// Where a scaled layer's samples come from: the tables the scale_rows kernel reads
// (blend-kernels.wat, "scaling"), built once per layer geometry on the compositor's thread and
// kept in the frame memory, so a frame only passes their offset. Nothing here runs per frame.
//
// Mapping (pixel centres, as ffmpeg's and OpenCV's bilinear): the cropped part of the source,
// S samples wide in a plane, fills the layer's D columns; column i samples the source at
//   s = cropLeft + (i + 0.5)·S/D − 0.5
// clamped to the cropped part, and mixes the samples at floor(s) and floor(s) + 1 by the 7-bit
// weight round((s − floor(s))·128). Rows the same way. Chroma planes use the same formula at
// half the size (crop and size halved), so odd crops stay exact. An axis shrunk below half its
// size is averaged by area instead (areaTaps): bilinear would skip source samples and alias.
import type { Crop, Rect } from './plan.ts';
import type { WasmMemory } from './wasm.ts';

/** The vertical mix's line: a source row of the widest frame (8192) and the 32 a record may read past it. */
export const SCALE_LINE_BYTES = 8192 + 64;

/** A destination row of a frame `frameWidth` wide, rounded up to a cache line. */
const rowBytes = (frameWidth: number): number => Math.ceil((frameWidth + 16) / 64) * 64;

/** A core's scratch for scale_rows into frames `frameWidth` wide: the vertical mix, the scaled row, the scaled alpha. */
export function scaleScratchBytes(frameWidth: number): number {
  return SCALE_LINE_BYTES + 2 * rowBytes(frameWidth);
}

/** Where the scaled row and the scaled alpha row lie in a core's scratch (after the vertical mix's line). */
export const scaledRow = (scratch: number): number => scratch + SCALE_LINE_BYTES;
export const scaledAlphaRow = (scratch: number, frameWidth: number): number => scratch + SCALE_LINE_BYTES + rowBytes(frameWidth);

/** The 7-bit weights of both passes. */
export const SCALE_WEIGHT_ONE = 128;

const PLANE_HEADER_BYTES = 32;
const RECORD_BYTES = 96;
const COLUMN_BYTES = 12;
const ROW_BYTES = 12;
/** Luma header at 0, chroma header after it; then the tables. */
const HEADER_BYTES = 2 * PLANE_HEADER_BYTES;

/**
 * A scaled layer's place in the frame: the rect rounded to even (4:2:0), the part of it inside
 * the frame (dx, dy, w, h, all even) and how much of the rect is clipped off at its left and top.
 */
export interface ScaledGeometry {
  /** The rect's size, even. */
  width: number;
  height: number;
  /** Columns and rows of the rect clipped off at its left and top (even). */
  clipLeft: number;
  clipTop: number;
  dx: number;
  dy: number;
  w: number;
  h: number;
}

const floorEven = (value: number): number => Math.floor(value / 2) * 2;

/** The crop edges, integers ≥ 0. */
function cropEdges(crop: Crop | undefined): Crop {
  return {
    left: Math.max(0, Math.floor(crop?.left ?? 0)),
    top: Math.max(0, Math.floor(crop?.top ?? 0)),
    right: Math.max(0, Math.floor(crop?.right ?? 0)),
    bottom: Math.max(0, Math.floor(crop?.bottom ?? 0)),
  };
}

/**
 * Where a scaled layer lands: the rect's origin rounded down to even and its size down to even
 * (at least 2), clipped to the frame. False when nothing shows (outside the frame, or a crop
 * that leaves nothing of the source).
 */
export function resolveScaledGeometry(
  rect: Rect,
  crop: Crop | undefined,
  srcWidth: number,
  srcHeight: number,
  frameWidth: number,
  frameHeight: number,
  out: ScaledGeometry,
): boolean {
  const c = cropEdges(crop);
  if (c.left + c.right >= srcWidth || c.top + c.bottom >= srcHeight) return false;
  const width = Math.max(2, floorEven(rect.width));
  const height = Math.max(2, floorEven(rect.height));
  const x = floorEven(rect.x);
  const y = floorEven(rect.y);
  const x0 = Math.max(x, 0);
  const y0 = Math.max(y, 0);
  const x1 = Math.min(x + width, frameWidth);
  const y1 = Math.min(y + height, frameHeight);
  if (x1 <= x0 || y1 <= y0) return false;
  out.width = width;
  out.height = height;
  out.clipLeft = x0 - x;
  out.clipTop = y0 - y;
  out.dx = x0;
  out.dy = y0;
  out.w = x1 - x0;
  out.h = y1 - y0;
  return true;
}

/** Whether the layer is its source's cropped part at 1:1 with an even crop: drawn as a plain blend. */
export function isUnscaled(g: ScaledGeometry, crop: Crop | undefined, srcWidth: number, srcHeight: number): boolean {
  const c = cropEdges(crop);
  return g.width === srcWidth - c.left - c.right && g.height === srcHeight - c.top - c.bottom && c.left % 2 === 0 && c.top % 2 === 0;
}

/** One axis of one plane: per destination sample, the two source samples and the weight of the second. */
export interface AxisTaps {
  first: Int32Array;
  second: Int32Array;
  weight: Int32Array;
}

/**
 * The taps of `count` destination samples starting `from` samples into a layer of `size`,
 * filling the source span [cropStart, cropStart + span) of a plane `planeSize` samples long
 * (crop and span may be fractional: chroma of an odd crop).
 */
export function axisTaps(from: number, count: number, size: number, cropStart: number, span: number, planeSize: number): AxisTaps {
  const first = new Int32Array(count);
  const second = new Int32Array(count);
  const weight = new Int32Array(count);
  const low = Math.max(0, cropStart);
  // A span under one sample (the chroma of a 1-row crop) has one place to sample: its start.
  const high = Math.max(low, Math.min(planeSize - 1, cropStart + span - 1));
  const step = span / size;
  for (let k = 0; k < count; k++) {
    const s = Math.min(high, Math.max(low, cropStart + (from + k + 0.5) * step - 0.5));
    let a = Math.floor(s);
    let w = Math.round((s - a) * SCALE_WEIGHT_ONE);
    if (w === SCALE_WEIGHT_ONE) {
      a += 1;
      w = 0;
    }
    first[k] = a;
    second[k] = w === 0 ? a : Math.min(a + 1, planeSize - 1);
    weight[k] = w;
  }
  return { first, second, weight };
}

/** Area taps of one axis: per destination sample, its first source sample and how many, and their Q14 weights. */
export interface AreaTaps {
  first: Int32Array;
  count: Int32Array;
  /** Where each sample's weights start in `weights`. */
  start: Int32Array;
  weights: Int32Array;
}

/** The Q14 unit of area weights: a sample's weights sum to it exactly. */
export const AREA_WEIGHT_ONE = 16384;

/** Whether an axis shrinks below half its size: then it is averaged by area, not bilinear. */
export const isAreaAxis = (span: number, size: number): boolean => span > 2 * size;

/**
 * The area taps of `count` destination samples starting `from` into a layer of `size` filling
 * [cropStart, cropStart + span) of a plane: sample i averages the source over
 * [cropStart + i·S/D, cropStart + (i + 1)·S/D), each source sample weighted by its overlap,
 * rounded to Q14, the rounding left over given to the largest weight (the first of equals).
 */
export function areaTaps(from: number, count: number, size: number, cropStart: number, span: number, planeSize: number): AreaTaps {
  const first = new Int32Array(count);
  const counts = new Int32Array(count);
  const start = new Int32Array(count);
  const weights: number[] = [];
  const step = span / size;
  for (let k = 0; k < count; k++) {
    const a = Math.max(0, cropStart + (from + k) * step);
    const b = Math.min(planeSize, cropStart + (from + k + 1) * step);
    const lo = Math.floor(a);
    const hi = Math.max(lo + 1, Math.ceil(b));
    first[k] = lo;
    counts[k] = hi - lo;
    start[k] = weights.length;
    let sum = 0;
    let largest = weights.length;
    for (let j = lo; j < hi; j++) {
      const w = Math.round(((Math.min(b, j + 1) - Math.max(a, j)) / (b - a)) * AREA_WEIGHT_ONE);
      if (w > weights[largest]! || weights.length === start[k]) largest = weights.length;
      weights.push(w);
      sum += w;
    }
    weights[largest] = weights[largest]! + AREA_WEIGHT_ONE - sum;
  }
  return { first, count: counts, start, weights: Int32Array.from(weights) };
}

type Axis = { area: false; taps: AxisTaps } | { area: true; taps: AreaTaps };

interface PlaneTaps {
  columns: Axis;
  rows: Axis;
  lineStart: number;
  lineLength: number;
}

function axis(from: number, count: number, size: number, cropStart: number, span: number, planeSize: number): Axis {
  return isAreaAxis(span, size)
    ? { area: true, taps: areaTaps(from, count, size, cropStart, span, planeSize) }
    : { area: false, taps: axisTaps(from, count, size, cropStart, span, planeSize) };
}

const axisLength = (a: Axis): number => a.taps.first.length;

function planeTaps(g: ScaledGeometry, c: Crop, srcWidth: number, srcHeight: number, factor: 1 | 2): PlaneTaps {
  const columns = axis(g.clipLeft / factor, g.w / factor, g.width / factor, c.left / factor, (srcWidth - c.left - c.right) / factor, srcWidth / factor);
  const rows = axis(g.clipTop / factor, g.h / factor, g.height / factor, c.top / factor, (srcHeight - c.top - c.bottom) / factor, srcHeight / factor);
  const last = axisLength(columns) - 1;
  const lineStart = columns.taps.first[0]!;
  const lineEnd = columns.area ? columns.taps.first[last]! + columns.taps.count[last]! : columns.taps.second[last]! + 1;
  return { columns, rows, lineStart, lineLength: lineEnd - lineStart };
}

const weightBytes = (a: Axis): number => (a.area ? a.taps.weights.length * 4 : 0);

function planeBytes(taps: PlaneTaps): number {
  const width = axisLength(taps.columns);
  const records = taps.columns.area ? 0 : Math.floor(width / 16) * RECORD_BYTES;
  return records + width * COLUMN_BYTES + axisLength(taps.rows) * ROW_BYTES + weightBytes(taps.columns) + weightBytes(taps.rows);
}

/** Writes the 12-byte entries of an area axis at `entries` and its weights at `weights` (block-relative; pointers absolute). */
function writeArea(view: DataView, offset: number, entries: number, weights: number, taps: AreaTaps, firstOffset: number): void {
  for (let i = 0; i < taps.first.length; i++) {
    const entry = entries + i * 12;
    view.setInt32(entry, taps.first[i]! - firstOffset, true);
    view.setInt32(entry + 4, taps.count[i]!, true);
    view.setInt32(entry + 8, offset + weights + taps.start[i]! * 4, true);
  }
  for (let j = 0; j < taps.weights.length; j++) view.setInt32(weights + j * 4, taps.weights[j]!, true);
}

/** Writes one plane's header at `header` and its tables from `at` (both block-relative; the block is at `offset`); returns the end. */
function writePlane(bytes: Uint8Array, view: DataView, offset: number, header: number, at: number, taps: PlaneTaps): number {
  const { columns, rows, lineStart } = taps;
  const width = axisLength(columns);
  const chunks = columns.area ? 0 : Math.floor(width / 16);
  const records = at;
  const scalar = records + chunks * RECORD_BYTES;
  const rowTable = scalar + width * COLUMN_BYTES;
  const columnWeights = rowTable + axisLength(rows) * ROW_BYTES;
  const rowWeights = columnWeights + weightBytes(columns);
  view.setInt32(header, width, true);
  view.setInt32(header + 4, chunks, true);
  view.setInt32(header + 8, offset + records, true);
  view.setInt32(header + 12, offset + scalar, true);
  view.setInt32(header + 16, lineStart, true);
  view.setInt32(header + 20, taps.lineLength, true);
  view.setInt32(header + 24, offset + rowTable, true);
  view.setInt32(header + 28, (columns.area ? 1 : 0) | (rows.area ? 2 : 0), true);
  if (columns.area) {
    writeArea(view, offset, scalar, columnWeights, columns.taps, lineStart);
  } else {
    const c = columns.taps;
    for (let chunk = 0; chunk < chunks; chunk++) {
      const record = records + chunk * RECORD_BYTES;
      const base = c.first[chunk * 16]! - lineStart;
      // Samples within 16 of the base take one load, within 32 two; wider records go scalar.
      const reach = c.second[chunk * 16 + 15]! - lineStart - base;
      const loads = reach <= 15 ? 1 : reach <= 31 ? 2 : 0;
      for (let k = 0; k < 16 && loads > 0; k++) {
        const i = chunk * 16 + k;
        const left = c.first[i]! - lineStart - base;
        const right = c.second[i]! - lineStart - base;
        bytes[record + 16 + k] = left;
        bytes[record + 32 + k] = right;
        bytes[record + 48 + k] = c.weight[i]!;
        // Less 16, as a byte: the second load's lanes; the first load's wrap to ≥ 240, which swizzle zeroes.
        bytes[record + 64 + k] = (left - 16) & 0xff;
        bytes[record + 80 + k] = (right - 16) & 0xff;
      }
      view.setInt32(record, base, true);
      view.setInt32(record + 4, loads, true);
    }
    for (let i = 0; i < width; i++) {
      const entry = scalar + i * COLUMN_BYTES;
      view.setInt32(entry, c.first[i]! - lineStart, true);
      view.setInt32(entry + 4, c.second[i]! - lineStart, true);
      view.setInt32(entry + 8, c.weight[i]!, true);
    }
  }
  if (rows.area) {
    writeArea(view, offset, rowTable, rowWeights, rows.taps, 0);
  } else {
    const r = rows.taps;
    for (let j = 0; j < r.first.length; j++) {
      const entry = rowTable + j * ROW_BYTES;
      view.setInt32(entry, r.first[j]!, true);
      view.setInt32(entry + 4, r.second[j]!, true);
      view.setInt32(entry + 8, r.weight[j]!, true);
    }
  }
  return rowWeights + weightBytes(rows);
}

/** Bytes the tables of a scaled layer take (what to allocate for writeScaleTables). */
export function scaleTableBytes(g: ScaledGeometry, crop: Crop | undefined, srcWidth: number, srcHeight: number): number {
  const c = cropEdges(crop);
  return HEADER_BYTES + planeBytes(planeTaps(g, c, srcWidth, srcHeight, 1)) + planeBytes(planeTaps(g, c, srcWidth, srcHeight, 2));
}

/** Offsets of the luma and chroma plane tables within a table block written at `offset`. */
export const lumaTable = (offset: number): number => offset;
export const chromaTable = (offset: number): number => offset + PLANE_HEADER_BYTES;

/**
 * Writes the tables of a scaled layer at `offset` of the frame memory (scaleTableBytes bytes):
 * the luma plane's header at lumaTable(offset), the chroma planes' (U and V share it) at
 * chromaTable(offset). Line starts are source columns; rows are source rows of each plane;
 * every pointer the kernel reads is a frame-memory offset.
 */
export function writeScaleTables(memory: WasmMemory, offset: number, g: ScaledGeometry, crop: Crop | undefined, srcWidth: number, srcHeight: number): void {
  const c = cropEdges(crop);
  const luma = planeTaps(g, c, srcWidth, srcHeight, 1);
  const chroma = planeTaps(g, c, srcWidth, srcHeight, 2);
  const size = HEADER_BYTES + planeBytes(luma) + planeBytes(chroma);
  const bytes = new Uint8Array(memory.buffer, offset, size);
  const view = new DataView(memory.buffer, offset, size);
  bytes.fill(0);
  const end = writePlane(bytes, view, offset, 0, HEADER_BYTES, luma);
  writePlane(bytes, view, offset, PLANE_HEADER_BYTES, end, chroma);
}
