// The program's format: what the encoder makes, and what every frame tick is measured against.
import type { FrameRate } from '../media.ts';

export type X264Preset = 'ultrafast' | 'superfast' | 'veryfast' | 'faster' | 'fast' | 'medium';

export interface ProgramFormat {
  width: number;
  height: number;
  /** Exact: 30000/1001 for 29.97. */
  frameRate: FrameRate;
  videoBitrateKbps: number;
  /** An IDR every gopFrames frames, scene-cut off: the splice-point grid. */
  gopFrames: number;
  x264Preset: X264Preset;
  audioBitrateKbps: number;
  /** 'libx264', or a hardware encoder that passed a trial encode. */
  videoEncoder: string;
}

export const DEFAULT_PROGRAM_FORMAT: ProgramFormat = {
  width: 1920,
  height: 1080,
  frameRate: { num: 30, den: 1 },
  videoBitrateKbps: 6000,
  gopFrames: 60,
  x264Preset: 'veryfast',
  audioBitrateKbps: 128,
  videoEncoder: 'libx264',
};

/**
 * The CBR mux rate: the elementary streams plus room for TS/PES headers, PSI, PCR and our
 * SCTE-35 sections. FFmpeg fills the rest with null packets, which the injector replaces.
 */
export function muxRateKbps(format: ProgramFormat): number {
  const payload = format.videoBitrateKbps + format.audioBitrateKbps;
  return Math.ceil(payload * 1.12 + 200);
}
