// Helpers for tests that need a real RTMP publisher: ffmpeg publishing a test pattern.
import { resolveFfmpegBinaries } from '../../src/main/engine/encoder/ffmpeg-binaries.ts';
import { spawnOwned, type OwnedChild } from '../../src/main/engine/process/child.ts';

export function ffmpegPath(): string {
  return resolveFfmpegBinaries().ffmpeg.path;
}

/**
 * ffmpeg publishing testsrc2 + a 1 kHz tone, as OBS would (H.264 + AAC in FLV), in real time,
 * for at most `seconds`. `filters` are appended to the pattern's chain (e.g. burnt-in counters).
 */
export function publishTestPattern(url: string, options: { seconds?: number; size?: string; rate?: number; filters?: string; name?: string } = {}): OwnedChild {
  const size = options.size ?? '640x360';
  const rate = options.rate ?? 30;
  return spawnOwned({
    command: ffmpegPath(),
    name: options.name ?? 'test publisher',
    stdout: 'ignore',
    args: [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-re',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${size}:rate=${rate}${options.filters ? `,${options.filters}` : ''}`,
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=1000:sample_rate=48000',
      '-t',
      String(options.seconds ?? 6),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-tune',
      'zerolatency',
      '-g',
      String(rate),
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-b:a',
      '64k',
      '-f',
      'flv',
      url,
    ],
    timeoutMs: ((options.seconds ?? 6) + 10) * 1000,
    graceMs: 1000,
  });
}
