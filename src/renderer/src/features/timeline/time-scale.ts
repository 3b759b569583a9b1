// The channel timeline's geometry: wall time (ms since the epoch) ↔ x (px), the zoom's limits, the
// ruler's ticks and how times are written. Pure: no DOM, no store.
import type { FrameRateName } from '../../../../shared/program.ts';

/** Where the view is: the wall time at x = 0 and how many pixels a millisecond takes. */
export interface TimeScale {
  originMs: number;
  pxPerMs: number;
}

/** From a day in ~860 px (an hour is 36 px) down to frames (a 60 fps frame is 40 px). */
export const ZOOM_LIMITS = { minPxPerMs: 1e-5, maxPxPerMs: 2.4 } as const;

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The program's frames per second, exact for the NTSC rates (29.97 is 30000/1001). */
export function framesPerSecond(rate: FrameRateName | null | undefined): number {
  switch (rate) {
    case '23.976':
      return 24000 / 1001;
    case '29.97':
      return 30000 / 1001;
    case '59.94':
      return 60000 / 1001;
    case undefined:
    case null:
      return 30;
    default:
      return Number(rate);
  }
}

export function xOf(scale: TimeScale, ms: number): number {
  return (ms - scale.originMs) * scale.pxPerMs;
}

export function timeAt(scale: TimeScale, x: number): number {
  return scale.originMs + x / scale.pxPerMs;
}

export function clampZoom(pxPerMs: number): number {
  return Math.min(ZOOM_LIMITS.maxPxPerMs, Math.max(ZOOM_LIMITS.minPxPerMs, pxPerMs));
}

/** Zooms by `factor` keeping the time under `anchorX` where it is (the pointer, or the view's middle). */
export function zoomAt(scale: TimeScale, factor: number, anchorX: number): TimeScale {
  const anchorMs = timeAt(scale, anchorX);
  const pxPerMs = clampZoom(scale.pxPerMs * factor);
  return { pxPerMs, originMs: anchorMs - anchorX / pxPerMs };
}

/** Whether one frame is wide enough to be seen and aimed at: then times are written with frames. */
export function showsFrames(pxPerMs: number, fps: number): boolean {
  return (SECOND_MS / fps) * pxPerMs >= 6;
}

/** The local time zone's offset at `ms` (ms to add to UTC), so grids line up with the wall clock. */
export function localOffsetMs(ms: number): number {
  return -new Date(ms).getTimezoneOffset() * MINUTE_MS;
}

/** The start of the local-time grid cell of `stepMs` that holds `ms` (steps of a second up to a day). */
export function alignDown(ms: number, stepMs: number): number {
  const offset = localOffsetMs(ms);
  return Math.floor((ms + offset) / stepMs) * stepMs - offset;
}

/** Epoch ms carry ~0.0002 ms of float error: a thousandth of a frame absorbs it. */
const FRAME_EPSILON = 1e-3;

/** The frame of its wall second that `ms` falls in (0 … fps-1). */
export function frameInSecond(ms: number, fps: number): number {
  const second = Math.floor(ms / SECOND_MS) * SECOND_MS;
  return Math.min(Math.ceil(fps) - 1, Math.floor(((ms - second) * fps) / SECOND_MS + FRAME_EPSILON));
}

/** Where frame `frame` of the wall second starting at `secondMs` starts. */
export function frameStart(secondMs: number, frame: number, fps: number): number {
  return secondMs + (frame * SECOND_MS) / fps;
}

const two = (n: number) => String(n).padStart(2, '0');

/** Local wall time: HH:MM:SS, and HH:MM:SS:FF with frames (non-drop, counted within each wall second). */
export function formatWallTime(ms: number, fps: number | null = null): string {
  const date = new Date(ms);
  const hms = `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
  return fps === null ? hms : `${hms}:${two(frameInSecond(ms, fps))}`;
}

/** A length as H:MM:SS (or MM:SS under an hour), with :FF when frames are asked for. */
export function formatLength(seconds: number, fps: number | null = null): string {
  const whole = Math.floor(seconds + 1e-9);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const base = h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
  if (fps === null) return base;
  return `${base}:${two(Math.min(Math.ceil(fps) - 1, Math.floor((seconds - whole) * fps + 1e-6)))}`;
}

/** The local date of `ms` as the day header shows it ("Sun 6 Dec"). */
export function formatDay(ms: number): string {
  return new Date(ms).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
}

/** Ruler steps above a second, in ms: each a whole division of the next, so labels stay round. */
const WALL_STEPS = [
  SECOND_MS,
  2 * SECOND_MS,
  5 * SECOND_MS,
  10 * SECOND_MS,
  15 * SECOND_MS,
  30 * SECOND_MS,
  MINUTE_MS,
  2 * MINUTE_MS,
  5 * MINUTE_MS,
  10 * MINUTE_MS,
  15 * MINUTE_MS,
  30 * MINUTE_MS,
  HOUR_MS,
  2 * HOUR_MS,
  3 * HOUR_MS,
  6 * HOUR_MS,
  12 * HOUR_MS,
  DAY_MS,
];

/** A ruler step: whole frames (within each second) or a wall-time step in ms. */
export type TickStep = { frames: number } | { ms: number };

/** The finest step whose labels are at least `minPx` apart at this zoom. */
export function tickStep(pxPerMs: number, fps: number, minPx = 90): TickStep {
  const frameMs = SECOND_MS / fps;
  for (const frames of [1, 2, 5, 10]) if (frames < fps && frames * frameMs * pxPerMs >= minPx) return { frames };
  for (const ms of WALL_STEPS) if (ms * pxPerMs >= minPx) return { ms };
  return { ms: DAY_MS };
}

/** The ruler's ticks from `fromMs` to `toMs`, on the local wall clock's grid. */
export function ticks(fromMs: number, toMs: number, step: TickStep, fps: number): number[] {
  const out: number[] = [];
  if ('ms' in step) {
    for (let t = alignDown(fromMs, step.ms); t <= toMs; t += step.ms) if (t >= fromMs) out.push(t);
    return out;
  }
  for (let second = Math.floor(fromMs / SECOND_MS) * SECOND_MS; second <= toMs; second += SECOND_MS) {
    for (let frame = 0; frame < fps; frame += step.frames) {
      const t = frameStart(second, frame, fps);
      if (t >= fromMs && t <= toMs) out.push(t);
    }
  }
  return out;
}
