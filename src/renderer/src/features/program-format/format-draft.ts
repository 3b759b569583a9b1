// The program format as its form holds it, the arguments program.setFormat takes, and the
// figures that explain the choice (GOP in seconds, the splice grid).
import { frameRates, type FrameRateName, type ProgramFormatSettings } from '../../../../shared/program.ts';

export const FRAME_RATE_NAMES = Object.keys(frameRates) as FrameRateName[];
export const X264_PRESETS = [
  'ultrafast',
  'superfast',
  'veryfast',
  'faster',
  'fast',
  'medium',
] as const satisfies readonly ProgramFormatSettings['x264Preset'][];
export const SIZE_PRESETS = [
  { label: '1920×1080 (1080p)', width: 1920, height: 1080 },
  { label: '1280×720 (720p)', width: 1280, height: 720 },
  { label: '960×540', width: 960, height: 540 },
  { label: '640×360', width: 640, height: 360 },
  { label: '3840×2160 (4K)', width: 3840, height: 2160 },
] as const;

export interface FormatDraft {
  width: string;
  height: string;
  frameRate: FrameRateName;
  videoBitrateKbps: string;
  gopFrames: string;
  x264Preset: ProgramFormatSettings['x264Preset'];
  audioBitrateKbps: string;
  videoEncoder: string;
}

const num = (value: string) => (value.trim() === '' ? Number.NaN : Number(value));

export function draftFromFormat(format: ProgramFormatSettings): FormatDraft {
  return {
    width: String(format.width),
    height: String(format.height),
    frameRate: format.frameRate,
    videoBitrateKbps: String(format.videoBitrateKbps),
    gopFrames: String(format.gopFrames),
    x264Preset: format.x264Preset,
    audioBitrateKbps: String(format.audioBitrateKbps),
    videoEncoder: format.videoEncoder,
  };
}

export function formatFromDraft(draft: FormatDraft): ProgramFormatSettings {
  return {
    width: num(draft.width),
    height: num(draft.height),
    frameRate: draft.frameRate,
    videoBitrateKbps: num(draft.videoBitrateKbps),
    gopFrames: num(draft.gopFrames),
    x264Preset: draft.x264Preset,
    audioBitrateKbps: num(draft.audioBitrateKbps),
    videoEncoder: draft.videoEncoder,
  };
}

/** "An IDR every 2.00 s": how often a keyframe (and so a possible ad splice) comes; null when not computable. */
export function gopSeconds(gopFrames: string, frameRate: FrameRateName): number | null {
  const frames = num(gopFrames);
  if (!Number.isInteger(frames) || frames < 1) return null;
  const rate = frameRates[frameRate];
  return (frames * rate.den) / rate.num;
}

/** A problem the browser can tell before asking the engine (the engine still decides). */
export function sizeHint(value: string, what: 'width' | 'height'): string | null {
  const n = num(value);
  if (!Number.isInteger(n)) return `${what} must be a whole number of pixels`;
  if (n % 2 !== 0) return `${what} must be even (yuv420p halves it for colour)`;
  return null;
}
