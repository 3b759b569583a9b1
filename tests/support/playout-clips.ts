// Clips for the playout's tests and bench, made with the real ffmpeg, whose every frame says which
// clip and which frame it is in its pixels, exactly: the left half's luma is the clip's code, the
// right half's is 16 + the frame number (FFV1, lossless, so the program's composed frame carries
// the very values). A sine tone, and chapters from an ffmetadata file.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ffmetadata } from './media-fixtures.ts';

export interface CodedClip {
  name: string;
  /** The left half's luma, 17..235 (keep codes ≥ 20 apart from each other and from the slates). */
  code: number;
  seconds: number;
  width: number;
  height: number;
  fps: number;
  chapters?: Array<{ title: string; startSeconds: number }>;
  toneHz?: number;
}

/** Frames up to 219 keep 16 + n within the luma range. */
export const MAX_CODED_FRAMES = 219;

export function makeCodedClip(dir: string, clip: CodedClip): string {
  if (clip.seconds * clip.fps > MAX_CODED_FRAMES) throw new Error(`a coded clip has at most ${MAX_CODED_FRAMES} frames`);
  const file = path.join(dir, `${clip.name}.mkv`);
  const metadata = path.join(dir, `${clip.name}.ffmeta`);
  writeFileSync(metadata, ffmetadata(clip.chapters ?? [], clip.seconds));
  const half = clip.width / 2;
  const picture = `color=c=black:s=${clip.width}x${clip.height}:r=${clip.fps}:d=${clip.seconds},format=yuv420p,geq=lum='if(lt(X\\,${half})\\,${clip.code}\\,16+N)':cb=128:cr=128`;
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    picture,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=${clip.toneHz ?? 440}:sample_rate=48000:duration=${clip.seconds}`,
    '-i',
    metadata,
    '-map',
    '0:v',
    '-map',
    '1:a',
    '-map_metadata',
    '2',
    '-map_chapters',
    '2',
    '-c:v',
    'ffv1',
    '-c:a',
    'flac',
    file,
  ]);
  return file;
}

/** The clip code and frame number a composed yuv420p frame shows (the luma at the middle of each half). */
export function readCodedFrame(i420: Uint8Array, width: number, height: number): { code: number; frame: number } {
  const row = (height >> 1) * width;
  return { code: i420[row + (width >> 2)]!, frame: i420[row + ((3 * width) >> 2)]! - 16 };
}
