// Where a break splices and returns, on the encoder's GOP grid (decision 1 of #12).
//
// No keyframe is forced: the encoder makes an IDR every G frames (n mod G = 0), so a splice and a
// return on that grid are clean splice points the distributor's splicer can cut at. The price is
// that a break lasts a whole number of GOPs (2 s at 30 fps): the real length is what every answer,
// section and log row carries, never the request.
import { MAX_PTS } from '../media.ts';

/** What the planner needs of the program's frame clock (a FrameTimeline has all of it). */
export interface FrameGrid {
  readonly frame: number;
  readonly fps: number;
  readonly gopFrames: number;
  idrAtOrAfter(frame: number): number;
  ptsOfFrame(frame: number): number | null;
}

/** Frames in `seconds`, rounded up; a hair of tolerance so 0.1 s · 30 fps is 3 frames, not 4. */
export function framesIn(seconds: number, fps: number): number {
  return Math.max(0, Math.ceil(seconds * fps - 1e-9));
}

/** The first IDR at or after the next frame plus `prerollSeconds`; 0 is the next IDR. */
export function spliceFrameAfter(grid: FrameGrid, prerollSeconds: number): number {
  return grid.idrAtOrAfter(grid.frame + 1 + framesIn(prerollSeconds, grid.fps));
}

/** A break's length on the grid: a whole number of GOPs, at least one. */
export function gridFrames(durationSeconds: number, fps: number, gopFrames: number): number {
  return Math.max(1, Math.round((durationSeconds * fps) / gopFrames)) * gopFrames;
}

/** 90 kHz ticks between two frames: from their PTS when both are known (exact), else from the rate. */
export function ticksBetween(grid: FrameGrid, from: number, to: number): number {
  const a = grid.ptsOfFrame(from);
  const b = grid.ptsOfFrame(to);
  if (a !== null && b !== null) return (b - a + MAX_PTS) % MAX_PTS;
  return Math.round(((to - from) * 90_000) / grid.fps);
}

export interface PlannedBreak {
  spliceFrame: number;
  returnFrame: number;
  splicePts: number | null;
  returnPts: number | null;
  /** (return − splice) / fps: the real length. */
  durationSeconds: number;
  /** The same in 90 kHz ticks, for break_duration / segmentation_duration. */
  durationTicks: number;
}

export function planBreak(grid: FrameGrid, durationSeconds: number, prerollSeconds: number): PlannedBreak {
  return planBreakFrom(grid, spliceFrameAfter(grid, prerollSeconds), durationSeconds);
}

/**
 * A break asked for at frame `atFrame` (the playout's chapter mark): it splices at the first IDR
 * at or after it (never more than a GOP − 1 frames later, and never before the next frame made).
 */
export function planBreakAt(grid: FrameGrid, atFrame: number, durationSeconds: number): PlannedBreak {
  return planBreakFrom(grid, grid.idrAtOrAfter(Math.max(atFrame, grid.frame + 1)), durationSeconds);
}

function planBreakFrom(grid: FrameGrid, spliceFrame: number, durationSeconds: number): PlannedBreak {
  const returnFrame = spliceFrame + gridFrames(durationSeconds, grid.fps, grid.gopFrames);
  return {
    spliceFrame,
    returnFrame,
    splicePts: grid.ptsOfFrame(spliceFrame),
    returnPts: grid.ptsOfFrame(returnFrame),
    durationSeconds: (returnFrame - spliceFrame) / grid.fps,
    durationTicks: ticksBetween(grid, spliceFrame, returnFrame),
  };
}

/**
 * Return now: the first IDR at or after the next frame plus the return preroll. Null when that is
 * not before the planned return (the planned one comes first: nothing to bring forward).
 */
export function planEarlyReturn(grid: FrameGrid, returnPrerollSeconds: number, plannedReturnFrame: number): number | null {
  const frame = spliceFrameAfter(grid, returnPrerollSeconds);
  return frame < plannedReturnFrame ? frame : null;
}
