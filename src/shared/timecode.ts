// SMPTE-style timecode, HH:MM:SS:FF, counted in the media's own frames (#14: "durations shown as
// HH:MM:SS:FF"). Non-drop-frame only: at 29.97 (30000/1001) frames are labelled in seconds of 30
// frames, so the label runs 3.6 s an hour behind the wall clock. Drop-frame (HH:MM:SS;FF) is not done.

export interface FrameRate {
  num: number;
  den: number;
}

/** Frames per timecode second: the rate rounded up to whole frames (30 for 29.97, 25 for 25). */
export function timecodeBase(rate: FrameRate): number {
  return Math.max(1, Math.ceil(rate.num / rate.den - 1e-9));
}

/**
 * The whole frame at `seconds`: the frame that has started by then. A time a hair under a frame
 * boundary (float noise from ffprobe's decimal seconds) counts as that boundary.
 */
export function frameAt(seconds: number, rate: FrameRate): number {
  const frames = (seconds * rate.num) / rate.den;
  return Math.max(0, Math.floor(frames + 1e-6));
}

/** The time frame `frame` starts at. */
export function secondsOfFrame(frame: number, rate: FrameRate): number {
  return (frame * rate.den) / rate.num;
}

/** `seconds` as HH:MM:SS:FF at `rate` (non-drop-frame); hours go past 99 rather than wrap. */
export function formatTimecode(seconds: number, rate: FrameRate): string {
  if (!Number.isFinite(seconds) || seconds < 0 || !(rate.num > 0) || !(rate.den > 0)) return '--:--:--:--';
  const base = timecodeBase(rate);
  const frames = frameAt(seconds, rate);
  const ff = frames % base;
  const totalSeconds = Math.floor(frames / base);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(Math.floor(totalSeconds / 3600))}:${pad(Math.floor(totalSeconds / 60) % 60)}:${pad(totalSeconds % 60)}:${pad(ff)}`;
}
