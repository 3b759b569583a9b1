// Test media made with the real ffmpeg at test time, shared by the specs of mpegts, hls, outputs and cli.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { temporaryPathFor } from '../../src/main/engine/util/atomic-file.ts';

export interface TestTsOptions {
  seconds?: number;
  fps?: number;
  /** Frames per GOP (an IDR every `gop` frames, scene-cut off). */
  gop?: number;
  /** CBR mux rate in bit/s; gives null packets. Omit for a VBR mux without nulls. */
  muxrate?: number;
  codec?: 'h264' | 'hevc';
  size?: string;
  bframes?: number;
}

/** Makes (or reuses, cached by options in the OS temp dir) a small A/V transport stream. */
export function makeTestTs(options: TestTsOptions = {}): string {
  const { seconds = 12, fps = 30, gop = 30, muxrate, codec = 'h264', size = '320x180', bframes = 0 } = options;
  const dir = path.join(tmpdir(), 'studio-ts-test-media');
  mkdirSync(dir, { recursive: true });
  const name = `${codec}-${size}-${fps}fps-${seconds}s-g${gop}-b${bframes}-${muxrate ?? 'vbr'}.ts`;
  const file = path.join(dir, name);
  if (existsSync(file)) return file;
  const video =
    codec === 'h264'
      ? ['-c:v', 'libx264', '-preset', 'ultrafast', '-bf', String(bframes), '-x264-params', `keyint=${gop}:min-keyint=${gop}:scenecut=0`]
      : ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', `keyint=${gop}:min-keyint=${gop}:scenecut=0:bframes=${bframes}:log-level=error`];
  // Unguessable: the cache is in the shared temp dir, where a planted symlink could wait.
  const tmp = `${temporaryPathFor(file)}.ts`;
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${size}:rate=${fps}`,
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    ...video,
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(gop),
    '-keyint_min',
    String(gop),
    '-sc_threshold',
    '0',
    '-c:a',
    'aac',
    '-b:a',
    '64k',
    '-t',
    String(seconds),
    ...(muxrate ? ['-muxrate', String(muxrate)] : []),
    '-f',
    'mpegts',
    tmp,
  ]);
  renameSync(tmp, file);
  return file;
}
