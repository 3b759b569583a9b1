// Where a dropped, moved or trimmed edge lands: on a neighbour's edge when close, on the grid the
// zoom shows (frames, seconds or minutes), or, with "pad", at the next :00 or :30 of the wall clock.
// Pure; the engine still validates what is sent (this only makes aiming easy).
import { alignDown, frameInSecond, frameStart, MINUTE_MS, SECOND_MS, showsFrames } from './time-scale.ts';

export type SnapUnit = 'frame' | 'second' | 'minute';

/** How close (px) an edge must be to catch. */
export const EDGE_SNAP_PX = 8;

/** The grid at this zoom: frames when a frame can be aimed at, else seconds when a second is 6 px, else minutes. */
export function snapUnit(pxPerMs: number, fps: number): SnapUnit {
  if (showsFrames(pxPerMs, fps)) return 'frame';
  return SECOND_MS * pxPerMs >= 6 ? 'second' : 'minute';
}

/** A unit's length in ms (a frame: its average length, 1001/30 ms at 29.97). */
export function unitMs(unit: SnapUnit, fps: number): number {
  if (unit === 'frame') return SECOND_MS / fps;
  return unit === 'second' ? SECOND_MS : MINUTE_MS;
}

/** The nearest grid point of `unit` to `ms` (frames start within each wall second). */
export function roundToUnit(ms: number, unit: SnapUnit, fps: number): number {
  if (unit === 'frame') {
    const second = Math.floor(ms / SECOND_MS) * SECOND_MS;
    const frame = frameInSecond(ms, fps);
    const here = frameStart(second, frame, fps);
    const next = frame + 1 >= fps ? second + SECOND_MS : frameStart(second, frame + 1, fps);
    return ms - here <= next - ms ? here : next;
  }
  const step = unitMs(unit, fps);
  const down = alignDown(ms, step);
  return ms - down < step / 2 ? down : down + step;
}

/** The next :00 or :30 of the local wall clock at or after `ms`. */
export function nextHalfHour(ms: number): number {
  const down = alignDown(ms, 30 * MINUTE_MS);
  return down === ms ? ms : down + 30 * MINUTE_MS;
}

export interface SnapRequest {
  /** Where the item would start, unsnapped. */
  startMs: number;
  /** Its length on air (its end snaps too). */
  durationMs: number;
  pxPerMs: number;
  fps: number;
  /** The starts and ends of the other items near it. */
  edges: readonly number[];
  padToHalfHour: boolean;
}

export interface Snapped {
  startMs: number;
  /** What it snapped to, for the preview's label. */
  by: 'edge' | 'grid' | 'pad';
}

/** Where an item's start lands. */
export function snapStart(request: SnapRequest): Snapped {
  const { startMs, durationMs, pxPerMs, fps, edges } = request;
  if (request.padToHalfHour) return { startMs: nextHalfHour(startMs), by: 'pad' };
  const reach = EDGE_SNAP_PX / pxPerMs;
  let best: { startMs: number; distance: number } | null = null;
  for (const edge of edges) {
    for (const candidate of [edge, edge - durationMs]) {
      const distance = Math.abs(candidate - startMs);
      if (distance <= reach && (!best || distance < best.distance)) best = { startMs: candidate, distance };
    }
  }
  if (best) return { startMs: best.startMs, by: 'edge' };
  return { startMs: roundToUnit(startMs, snapUnit(pxPerMs, fps), fps), by: 'grid' };
}

/** Where a single edge (a trim) lands: a neighbour's edge when close, else the grid. */
export function snapEdge(ms: number, pxPerMs: number, fps: number, edges: readonly number[]): number {
  const reach = EDGE_SNAP_PX / pxPerMs;
  let best: number | null = null;
  for (const edge of edges) if (Math.abs(edge - ms) <= reach && (best === null || Math.abs(edge - ms) < Math.abs(best - ms))) best = edge;
  return best ?? roundToUnit(ms, snapUnit(pxPerMs, fps), fps);
}
