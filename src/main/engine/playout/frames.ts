// Where a piece of the plan falls in the program's frames: a pure resolver, no clock (STYLE.md:
// resolve the timeline, don't chase it). The schedule is in wall time; frame n airs at the
// program's start + n / fps (the timeline's wallTimeOf). A piece starts on the first frame whose
// wall time is at or after its start, and ends (exclusive) on the first frame at or after its end,
// so that two pieces that meet in wall time meet on one frame, with no frame between or shared.
//
// Breaks at chapter marks: the show airs continuously except while a break is on air. The break
// at mark `atSeconds` (file time) would start on the program frame where the show's frame at that
// file time airs; a splice must land on an IDR, and the encoder forces no keyframes (the cue
// deck's planner: IDRs only on n mod G = 0), so the break splices at the first IDR at or after the
// mark: at most G − 1 frames of the next chapter air before it. It lasts a whole number of GOPs
// (the deck's gridFrames), so its return is an IDR too, and the show resumes there on the frame
// after the last one it showed.
import { gridFrames } from '../cues/planner.ts';
import type { PlanPiece } from './plan.ts';

/** A wall-time difference below this is float noise in wallTimeOf, not a frame's worth. */
const WALL_TIME_EPSILON_MS = 1e-3;

/** What the resolver needs of the program's frame clock (a FrameTimeline has all of it). */
export interface PlayoutGrid {
  readonly fps: number;
  readonly gopFrames: number;
  wallTimeOf(frame: number): number;
  frameAt(ms: number): number;
  idrAtOrAfter(frame: number): number;
}

/** The first frame whose wall time is at or after `ms`. */
export function firstFrameAtOrAfter(grid: PlayoutGrid, ms: number): number {
  const frame = grid.frameAt(ms);
  return grid.wallTimeOf(frame) >= ms - WALL_TIME_EPSILON_MS ? frame : frame + 1;
}

/** One break of a show, in program frames. */
export interface ShowBreak {
  /** The chapter mark, file time. */
  atSeconds: number;
  durationSeconds: number;
  /** Where the show's frame at the mark would air; the break is asked for here. */
  markFrame: number;
  /** The first IDR at or after the mark: the show pauses (is not read) from here. */
  spliceFrame: number;
  /** splice + a whole number of GOPs: the show resumes here. */
  returnFrame: number;
}

export interface PieceFrames {
  startFrame: number;
  /** The first frame that is no longer this piece's. */
  endFrame: number;
  /** Media only: its breaks at chapter marks, in order, those that start before its end. */
  breaks: ShowBreak[];
}

export function pieceFrames(piece: PlanPiece, grid: PlayoutGrid): PieceFrames {
  const startFrame = firstFrameAtOrAfter(grid, piece.startMs);
  const endFrame = Math.max(startFrame, firstFrameAtOrAfter(grid, piece.endMs));
  if (piece.kind !== 'media') return { startFrame, endFrame, breaks: [] };
  const breaks: ShowBreak[] = [];
  let breakFramesBefore = 0;
  let lastReturn = startFrame;
  const marks = piece.breaks.filter((b) => b.atSeconds > piece.inSeconds).sort((a, b) => a.atSeconds - b.atSeconds);
  for (const mark of marks) {
    const showFrames = Math.round((mark.atSeconds - piece.inSeconds) * grid.fps);
    const markFrame = startFrame + showFrames + breakFramesBefore;
    // Two marks within one GOP: the second splices once the first has returned.
    const spliceFrame = grid.idrAtOrAfter(Math.max(markFrame, lastReturn));
    if (spliceFrame >= endFrame) break;
    const length = gridFrames(mark.durationSeconds, grid.fps, grid.gopFrames);
    breaks.push({ atSeconds: mark.atSeconds, durationSeconds: mark.durationSeconds, markFrame, spliceFrame, returnFrame: spliceFrame + length });
    breakFramesBefore += length;
    lastReturn = spliceFrame + length;
  }
  return { startFrame, endFrame, breaks };
}

/** Where a show is at program frame `frame` (in [start, end)). */
export interface ShowPosition {
  /** The show's frames aired before `frame` (counted from its in point); during a break, those before it. */
  showFrame: number;
  /** The break on air at `frame`, or null. */
  inBreak: ShowBreak | null;
}

export function showPositionAt(frames: PieceFrames, frame: number): ShowPosition {
  let breakFrames = 0;
  for (const b of frames.breaks) {
    if (frame < b.spliceFrame) break;
    if (frame < b.returnFrame) return { showFrame: b.spliceFrame - frames.startFrame - breakFrames, inBreak: b };
    breakFrames += b.returnFrame - b.spliceFrame;
  }
  return { showFrame: frame - frames.startFrame - breakFrames, inBreak: null };
}

/**
 * Where a decoder must seek to give show frame `showFrame` first: the in point plus that many
 * frames, less a millisecond, so that the rounding of that frame's time stamp in the file never
 * makes the accurate seek drop the frame itself (the one before is a whole frame earlier).
 */
export function seekSecondsFor(inSeconds: number, showFrame: number, fps: number): number {
  const at = inSeconds + showFrame / fps;
  return at < 0.001 ? 0 : at - 0.001;
}

/** The gain that brings a file measured at `loudnessLufs` to `targetLufs`, within what the mixer takes. */
export function loudnessGainDb(loudnessLufs: number | null, targetLufs: number): number {
  if (loudnessLufs === null || !Number.isFinite(loudnessLufs)) return 0;
  return Math.min(24, Math.max(-40, targetLufs - loudnessLufs));
}
