import { afterEach, describe, expect, it } from 'vitest';
import { resolveFfmpegBinaries } from '../encoder/ffmpeg-binaries.ts';
import { Logger } from '../log.ts';
import type { FrameTransport } from './decoder-args.ts';
import { DecoderSource } from './decoder-source.ts';
import { VideoFrameRing } from './frame-ring.ts';

const W = 160;
const H = 90;
const FRAME = (W * H * 3) / 2;
const ffmpegPath = resolveFfmpegBinaries().ffmpeg.path;

const lines: string[] = [];
const logger = new Logger({ sink: (line) => lines.push(line), level: 'debug' });
const sources: DecoderSource[] = [];

afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.stop()));
  lines.length = 0;
});

/** Resolves once `check` holds, polling; the test's own limit bounds it. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('stopping a decoder that is blocked on a full ring', () => {
  // A file or test pattern pauses when its ring is full: ffmpeg then blocks in a write, where
  // SIGTERM alone does not end it. The stop closes our ends so that write fails at once.
  for (const transport of ['socket', 'pipe'] as const satisfies readonly FrameTransport['kind'][]) {
    it(`ends it without SIGKILL (${transport})`, async () => {
      const video = new VideoFrameRing({ frameBytes: FRAME, slots: 2, whenFull: 'pause' });
      const source = new DecoderSource({
        id: `blocked-${transport}`,
        input: { kind: 'testPattern', toneHz: 440 },
        format: { width: W, height: H, rate: { num: 30, den: 1 } },
        ffmpegPath,
        logger,
        video,
        frameTransport: transport,
      });
      sources.push(source);
      source.start();
      // Nobody takes frames: the ring fills, the reader pauses, and ffmpeg fills the kernel's
      // buffers until its write blocks (a few hundred kB: well within a second of frames).
      await until(() => source.videoPaused);
      const received = source.videoBytesReceived;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(source.videoBytesReceived).toBe(received);

      await source.stop('test over');
      expect(source.state).toBe('stopped');
      expect(lines.filter((line) => /SIGKILL/.test(line))).toEqual([]);
    }, 20_000);
  }
});
