// The scene editor's arithmetic, in program (canvas) pixels and without the DOM: moving, resizing
// (aspect kept or free), cropping, snapping, nudging, and the bounds types of OBS's Edit Transform.
// The editor maps pointer positions through the monitor's on-screen scale before calling these.

export interface Size {
  width: number;
  height: number;
}

export interface Rect extends Size {
  x: number;
  y: number;
}

export interface Crop {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** A layer's place on the canvas and the part of its source it shows. */
export interface LayerGeometry extends Rect {
  crop: Crop;
}

export type Handle = 'nw' | 'n' | 'ne' | 'e' | 'se' | 's' | 'sw' | 'w';
export const HANDLES: readonly Handle[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];
export const EDGE_HANDLES: ReadonlySet<Handle> = new Set<Handle>(['n', 'e', 's', 'w']);

/** A snapping guide: a vertical line at x = `at` (axis 'x') or a horizontal one at y = `at` (axis 'y'). */
export interface Guide {
  axis: 'x' | 'y';
  at: number;
}

export type BoundsType = 'fit' | 'fill' | 'stretch';

export const NO_CROP: Crop = { left: 0, right: 0, top: 0, bottom: 0 };

/** The contract's limits (src/shared/program.ts layerSchema): position ±7680, size 1..7680. */
const MAX_POSITION = 7680;
const MAX_SIZE = 7680;
/** The compositor draws 4:2:0 and rounds sizes down to even, at least 2: the editor never goes below. */
export const MIN_SIZE = 2;

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
const position = (value: number) => clamp(Math.round(value), -MAX_POSITION, MAX_POSITION);
const size = (value: number) => clamp(Math.round(value), MIN_SIZE, MAX_SIZE);

/** The layer's geometry with the contract's defaults filled in: no crop, and the cropped source's size. */
export function resolveGeometry(
  layer: { x: number; y: number; width?: number | undefined; height?: number | undefined; crop?: Crop | undefined },
  source: Size,
): LayerGeometry {
  const crop = layer.crop ?? NO_CROP;
  return {
    x: layer.x,
    y: layer.y,
    width: layer.width ?? Math.max(1, source.width - crop.left - crop.right),
    height: layer.height ?? Math.max(1, source.height - crop.top - crop.bottom),
    crop: { ...crop },
  };
}

export function sameGeometry(a: LayerGeometry, b: LayerGeometry): boolean {
  return (
    a.x === b.x &&
    a.y === b.y &&
    a.width === b.width &&
    a.height === b.height &&
    a.crop.left === b.crop.left &&
    a.crop.right === b.crop.right &&
    a.crop.top === b.crop.top &&
    a.crop.bottom === b.crop.bottom
  );
}

export function moveRect<T extends Rect>(start: T, dx: number, dy: number): T {
  return { ...start, x: position(start.x + dx), y: position(start.y + dy) };
}

const NUDGE: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/** Arrow keys move by one pixel, ten with Shift (OBS's nudge); null for any other key. */
export function nudge<T extends Rect>(start: T, key: string, shift: boolean): T | null {
  const step = NUDGE[key];
  if (!step) return null;
  const by = shift ? 10 : 1;
  return moveRect(start, step[0] * by, step[1] * by);
}

/** Which edges a handle moves: -1 the left/top edge, +1 the right/bottom edge, 0 neither. */
export function handleSides(handle: Handle): { x: -1 | 0 | 1; y: -1 | 0 | 1 } {
  return {
    x: handle.includes('w') ? -1 : handle.includes('e') ? 1 : 0,
    y: handle.startsWith('n') ? -1 : handle.startsWith('s') ? 1 : 0,
  };
}

/**
 * Resizes by dragging a handle by (dx, dy); the opposite edge or corner stays where it was. With the
 * aspect kept (OBS's default), a corner follows whichever axis moved further and an edge handle
 * scales the other side too (anchored at the top or left edge); free (Shift), each axis follows the
 * pointer alone. Never smaller than MIN_SIZE, never flipped.
 */
export function resizeRect<T extends Rect>(start: T, handle: Handle, dx: number, dy: number, keepAspect: boolean): T {
  const sides = handleSides(handle);
  let width = sides.x === 0 ? start.width : start.width + sides.x * dx;
  let height = sides.y === 0 ? start.height : start.height + sides.y * dy;
  if (keepAspect && start.width > 0 && start.height > 0) {
    const aspect = start.width / start.height;
    if (sides.x !== 0 && sides.y !== 0) {
      // The axis that grew or shrank more, relative to its size, leads.
      if (Math.abs(width / start.width - 1) >= Math.abs(height / start.height - 1)) height = width / aspect;
      else width = height * aspect;
    } else if (sides.x !== 0) height = width / aspect;
    else width = height * aspect;
    // Keep the aspect at the minimum size too.
    const minScale = Math.max(MIN_SIZE / start.width, MIN_SIZE / start.height);
    if (width / start.width < minScale) {
      width = start.width * minScale;
      height = start.height * minScale;
    }
  }
  const newWidth = size(width);
  const newHeight = size(height);
  return {
    ...start,
    x: sides.x === -1 ? position(start.x + start.width - newWidth) : start.x,
    y: sides.y === -1 ? position(start.y + start.height - newHeight) : start.y,
    width: newWidth,
    height: newHeight,
  };
}

/**
 * Alt-drag on a handle crops (OBS): the edge moves by (dx, dy) on the canvas and the layer keeps its
 * scale, so the source pixels cut from that side change by the drag divided by the scale. At least
 * MIN_SIZE source pixels stay on each axis; a crop never goes below 0.
 */
export function cropRect(start: LayerGeometry, handle: Handle, dx: number, dy: number, source: Size): LayerGeometry {
  const sides = handleSides(handle);
  const crop = { ...start.crop };
  const shownWidth = source.width - crop.left - crop.right;
  const shownHeight = source.height - crop.top - crop.bottom;
  const scaleX = shownWidth > 0 ? start.width / shownWidth : 1;
  const scaleY = shownHeight > 0 ? start.height / shownHeight : 1;
  if (sides.x === -1) crop.left = clamp(Math.round(crop.left + dx / scaleX), 0, source.width - crop.right - MIN_SIZE);
  if (sides.x === 1) crop.right = clamp(Math.round(crop.right - dx / scaleX), 0, source.width - crop.left - MIN_SIZE);
  if (sides.y === -1) crop.top = clamp(Math.round(crop.top + dy / scaleY), 0, source.height - crop.bottom - MIN_SIZE);
  if (sides.y === 1) crop.bottom = clamp(Math.round(crop.bottom - dy / scaleY), 0, source.height - crop.top - MIN_SIZE);
  const width = size((source.width - crop.left - crop.right) * scaleX);
  const height = size((source.height - crop.top - crop.bottom) * scaleY);
  return {
    x: sides.x === -1 ? position(start.x + (crop.left - start.crop.left) * scaleX) : start.x,
    y: sides.y === -1 ? position(start.y + (crop.top - start.crop.top) * scaleY) : start.y,
    width,
    height,
    crop,
  };
}

/** The lines things snap to: the canvas's edges and centre, and the other layers' edges. */
export function snapTargets(canvas: Size, others: readonly Rect[]): { x: number[]; y: number[] } {
  const x = [0, canvas.width / 2, canvas.width];
  const y = [0, canvas.height / 2, canvas.height];
  for (const other of others) {
    x.push(other.x, other.x + other.width);
    y.push(other.y, other.y + other.height);
  }
  return { x, y };
}

/** The smallest shift (within `threshold`) that puts one of `lines` on one of `targets`, and that target. */
function nearest(lines: readonly number[], targets: readonly number[], threshold: number): { shift: number; at: number } | null {
  let best: { shift: number; at: number } | null = null;
  for (const line of lines) {
    for (const target of targets) {
      const shift = target - line;
      if (Math.abs(shift) <= threshold && (best === null || Math.abs(shift) < Math.abs(best.shift))) best = { shift, at: target };
    }
  }
  return best;
}

/** A moved rect's left, centre or right (and top, middle or bottom) pulled onto the nearest target. */
export function snapMove<T extends Rect>(moved: T, canvas: Size, others: readonly Rect[], threshold: number): { rect: T; guides: Guide[] } {
  const targets = snapTargets(canvas, others);
  const snapX = nearest([moved.x, moved.x + moved.width / 2, moved.x + moved.width], targets.x, threshold);
  const snapY = nearest([moved.y, moved.y + moved.height / 2, moved.y + moved.height], targets.y, threshold);
  const guides: Guide[] = [];
  if (snapX) guides.push({ axis: 'x', at: snapX.at });
  if (snapY) guides.push({ axis: 'y', at: snapY.at });
  return { rect: { ...moved, x: position(moved.x + (snapX?.shift ?? 0)), y: position(moved.y + (snapY?.shift ?? 0)) }, guides };
}

/**
 * A resized rect's moving edges pulled onto the nearest target. With the aspect kept, the edge that
 * is closer to a target leads and the other side follows the aspect; free, each moving edge snaps
 * on its own.
 */
export function snapResize<T extends Rect>(
  start: T,
  resized: T,
  handle: Handle,
  keepAspect: boolean,
  canvas: Size,
  others: readonly Rect[],
  threshold: number,
): { rect: T; guides: Guide[] } {
  const sides = handleSides(handle);
  const targets = snapTargets(canvas, others);
  const edgeX = sides.x === -1 ? resized.x : resized.x + resized.width;
  const edgeY = sides.y === -1 ? resized.y : resized.y + resized.height;
  const snapX = sides.x === 0 ? null : nearest([edgeX], targets.x, threshold);
  const snapY = sides.y === 0 ? null : nearest([edgeY], targets.y, threshold);
  if (!snapX && !snapY) return { rect: resized, guides: [] };
  // Dragging the handle by the snap's shift is what snapping means: redo the resize from the start.
  const useX = snapX !== null && (!keepAspect || snapY === null || Math.abs(snapX.shift) <= Math.abs(snapY.shift));
  const useY = snapY !== null && (!keepAspect || !useX);
  const dx = resized.x + (sides.x === -1 ? 0 : resized.width) - (start.x + (sides.x === -1 ? 0 : start.width)) + (useX ? snapX!.shift : 0);
  const dy = resized.y + (sides.y === -1 ? 0 : resized.height) - (start.y + (sides.y === -1 ? 0 : start.height)) + (useY ? snapY!.shift : 0);
  let rect: T;
  if (keepAspect) {
    // Lead with the snapped axis so the other follows the aspect.
    const leadHandle: Handle = useX ? (sides.x === -1 ? 'w' : 'e') : sides.y === -1 ? 'n' : 's';
    rect = resizeRect(start, leadHandle, dx, dy, true);
    // A corner keeps its opposite corner: re-anchor the axis the lead handle did not move.
    if (useX && sides.y === -1) rect = { ...rect, y: position(start.y + start.height - rect.height) };
    if (useY && sides.x === -1) rect = { ...rect, x: position(start.x + start.width - rect.width) };
  } else rect = resizeRect(start, handle, dx, dy, false);
  const guides: Guide[] = [];
  if (useX) guides.push({ axis: 'x', at: snapX!.at });
  if (useY) guides.push({ axis: 'y', at: snapY!.at });
  return { rect, guides };
}

/**
 * OBS's bounding box types, from the source's own size: `stretch` fills the box exactly; `fit` scales
 * the whole source to fit inside it, centred, keeping the aspect; `fill` scales it to cover the box,
 * keeping the aspect, and crops the overflow evenly from both sides.
 */
export function applyBounds(type: BoundsType, source: Size, box: Rect): LayerGeometry {
  const boxWidth = size(box.width);
  const boxHeight = size(box.height);
  if (type === 'stretch') return { x: position(box.x), y: position(box.y), width: boxWidth, height: boxHeight, crop: { ...NO_CROP } };
  if (type === 'fit') {
    const scale = Math.min(boxWidth / source.width, boxHeight / source.height);
    const width = size(source.width * scale);
    const height = size(source.height * scale);
    return {
      x: position(box.x + (boxWidth - width) / 2),
      y: position(box.y + (boxHeight - height) / 2),
      width,
      height,
      crop: { ...NO_CROP },
    };
  }
  const scale = Math.max(boxWidth / source.width, boxHeight / source.height);
  // The source pixels that fit in the box at this scale; the rest is cut, half on each side.
  const keptWidth = clamp(Math.round(boxWidth / scale), MIN_SIZE, source.width);
  const keptHeight = clamp(Math.round(boxHeight / scale), MIN_SIZE, source.height);
  const cutX = source.width - keptWidth;
  const cutY = source.height - keptHeight;
  return {
    x: position(box.x),
    y: position(box.y),
    width: boxWidth,
    height: boxHeight,
    crop: { left: Math.floor(cutX / 2), right: Math.ceil(cutX / 2), top: Math.floor(cutY / 2), bottom: Math.ceil(cutY / 2) },
  };
}

/** The topmost rect (last in `rects`, which are bottom first) under the point, or -1; skipped ones excluded. */
export function hitTest(rects: ReadonlyArray<Rect | null>, x: number, y: number): number {
  for (let index = rects.length - 1; index >= 0; index--) {
    const rect = rects[index];
    if (rect && x >= rect.x && x < rect.x + rect.width && y >= rect.y && y < rect.y + rect.height) return index;
  }
  return -1;
}

/**
 * Where to draw each layer's name (screen pixels) so names never overlap: each starts at its layer's
 * top-left corner, and one that would cover a name already placed (upper layers are placed first)
 * moves down a row, as often as needed.
 */
export function placeLabels(rects: ReadonlyArray<Rect>, labelWidths: readonly number[], rowHeight: number): Array<{ x: number; y: number }> {
  const placed: Rect[] = [];
  const positions: Array<{ x: number; y: number }> = new Array(rects.length);
  for (let index = rects.length - 1; index >= 0; index--) {
    const rect = rects[index]!;
    const label: Rect = { x: rect.x, y: rect.y, width: labelWidths[index] ?? 0, height: rowHeight };
    const overlaps = (other: Rect) =>
      label.x < other.x + other.width && other.x < label.x + label.width && label.y < other.y + other.height && other.y < label.y + label.height;
    for (let guard = 0; guard < rects.length && placed.some(overlaps); guard++) label.y += rowHeight;
    placed.push(label);
    positions[index] = { x: label.x, y: label.y };
  }
  return positions;
}

/** Moves the layer at `from` to `to` (both indexes in the bottom-first list). */
export function reorder<T>(list: readonly T[], from: number, to: number): T[] {
  const result = [...list];
  if (from < 0 || from >= list.length || to < 0 || to >= list.length || from === to) return result;
  const [moved] = result.splice(from, 1);
  result.splice(to, 0, moved as T);
  return result;
}

/**
 * A new crop typed in Edit Transform, as OBS applies it: the layer keeps its scale and its top-left
 * corner, so its size grows or shrinks by what the crop gives or takes.
 */
export function withCrop(start: LayerGeometry, crop: Crop, source: Size): LayerGeometry {
  const shownWidth = source.width - start.crop.left - start.crop.right;
  const shownHeight = source.height - start.crop.top - start.crop.bottom;
  const scaleX = shownWidth > 0 ? start.width / shownWidth : 1;
  const scaleY = shownHeight > 0 ? start.height / shownHeight : 1;
  return {
    x: start.x,
    y: start.y,
    width: size((source.width - crop.left - crop.right) * scaleX),
    height: size((source.height - crop.top - crop.bottom) * scaleY),
    crop: { ...crop },
  };
}
