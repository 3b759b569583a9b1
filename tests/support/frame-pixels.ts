// Full pictures from a received program, for checks that need more than a thumbnail: where a layer
// sits to the pixel. ffmpeg decodes the TS with its own timestamps (-copyts), showinfo names each
// frame's PTS, and each frame comes back as RGB at the size asked.
import { spawnSync } from 'node:child_process';
import { ffmpegPath } from './ingest.ts';
import { PTS_WRAP } from './ts-capture.ts';

export interface Picture {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** Every video frame of `file` at width×height (area-scaled when smaller than the stream), by its raw 33-bit PTS. */
export function decodePictures(file: string, width: number, height: number): Map<number, Picture> {
  const result = spawnSync(
    ffmpegPath(),
    [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'info',
      '-copyts',
      '-i',
      file,
      '-map',
      '0:v:0',
      '-vf',
      `showinfo,scale=${width}:${height}:flags=area,format=rgb24`,
      '-fps_mode',
      'passthrough',
      '-f',
      'rawvideo',
      'pipe:1',
    ],
    { maxBuffer: 1 << 30, timeout: 120_000 },
  );
  if (result.status !== 0 && result.stdout.length === 0) throw new Error(`ffmpeg could not decode ${file}: ${result.stderr.toString().slice(-2000)}`);
  const bytes = width * height * 3;
  const ptsList = [...result.stderr.toString().matchAll(/Parsed_showinfo.*?\bn:\s*\d+\s+pts:\s*(-?\d+)/g)].map((match) => Number(match[1]));
  const pictures = new Map<number, Picture>();
  const count = Math.min(ptsList.length, Math.floor(result.stdout.length / bytes));
  for (let index = 0; index < count; index++) {
    const pts = ((ptsList[index]! % PTS_WRAP) + PTS_WRAP) % PTS_WRAP;
    pictures.set(pts, { width, height, rgb: result.stdout.subarray(index * bytes, (index + 1) * bytes) });
  }
  return pictures;
}

/** RGB at (x, y). */
export function rgbAt(picture: Picture, x: number, y: number): [number, number, number] {
  const at = (Math.floor(y) * picture.width + Math.floor(x)) * 3;
  return [picture.rgb[at]!, picture.rgb[at + 1]!, picture.rgb[at + 2]!];
}
