// Positions on the filmstrip and times in the item. The strip spans the whole duration in equal
// tiles (engine/media/analysis.ts), so a point at fraction x of its width is the time x × duration.
// Marks land on whole frames of the media's own rate: frame n is the master time.
import { type FrameRate, secondsOfFrame } from '../../../../shared/timecode.ts';

/** The frame-exact time nearest to fraction `x` (0..1) of the strip, within the item (never at or past its end). */
export function secondsAtFraction(x: number, durationSeconds: number, rate: FrameRate): number {
  const fps = rate.num / rate.den;
  const lastFrame = Math.max(0, Math.ceil(durationSeconds * fps - 1e-6) - 1);
  const frame = Math.min(lastFrame, Math.max(0, Math.round(Math.min(1, Math.max(0, x)) * durationSeconds * fps)));
  return secondsOfFrame(frame, rate);
}

/** Where `seconds` sits along the strip, as a percentage of its width. */
export function percentAt(seconds: number, durationSeconds: number): number {
  if (!(durationSeconds > 0)) return 0;
  return Math.min(100, Math.max(0, (seconds / durationSeconds) * 100));
}
