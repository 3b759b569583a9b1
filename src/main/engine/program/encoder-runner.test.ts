// The encoder runner with the machine's ffmpeg: an encoder that dies is replaced on a later GOP
// boundary after the supervisor's backoff (in frames), the successor starts at that frame and
// delivers TS again; a stop ends it with no restart.
import { describe, expect, it } from 'vitest';
import { FRAME_RATES } from '../compositor/index.ts';
import { resolveFfmpegBinaries } from '../encoder/ffmpeg-binaries.ts';
import { DEFAULT_PROGRAM_FORMAT, type ProgramFormat } from '../encoder/program-format.ts';
import { Logger } from '../log.ts';
import { ENCODER_BACKOFF, EncoderRunner } from './encoder-runner.ts';
import { backoffDelay } from '../process/supervisor.ts';

const FORMAT: ProgramFormat = {
  ...DEFAULT_PROGRAM_FORMAT,
  width: 64,
  height: 36,
  frameRate: FRAME_RATES['25'],
  videoBitrateKbps: 200,
  x264Preset: 'ultrafast',
  gopFrames: 25,
};

describe('EncoderRunner (real ffmpeg)', () => {
  it('restarts a dead encoder at the first GOP boundary after the backoff, from that frame; stop ends it for good', async () => {
    let lastFrame = 0;
    let tsBytes = 0;
    const restarts: number[] = [];
    const runner = new EncoderRunner({
      ffmpegPath: resolveFfmpegBinaries().ffmpeg.path,
      format: FORMAT,
      logger: new Logger({ sink: () => {}, level: 'error' }),
      onTs: (chunk) => {
        tsBytes += chunk.length;
      },
      onRestart: (frame) => restarts.push(frame),
      lastFrame: () => lastFrame,
    });
    const picture = new Uint8Array(64 * 36 * 1.5).fill(128);
    const audio = new Uint8Array(1920 * 4);
    const feed = async (count: number) => {
      for (let i = 0; i < count; i++, lastFrame++) runner.encoderFor(lastFrame)?.writeFrame(picture, audio, () => {});
      await new Promise((resolve) => setTimeout(resolve, 20));
    };
    try {
      runner.start(0);
      const first = runner.encoder!;
      await feed(30);
      await expect.poll(() => tsBytes, { timeout: 10_000 }).toBeGreaterThan(0);
      first.kill();
      await expect.poll(() => runner.encoder, { timeout: 10_000 }).toBeNull();
      // Died within 10 s of its start: the first backoff step, on the GOP grid after the last frame.
      const delayFrames = Math.round((backoffDelay(1, ENCODER_BACKOFF) / 1000) * 25);
      expect(runner.restartAt).toBe(Math.ceil((lastFrame + delayFrames) / 25) * 25);
      expect(runner.restartAt % FORMAT.gopFrames).toBe(0);
      const restartAt = runner.restartAt;
      while (lastFrame < restartAt) {
        expect(runner.encoderFor(lastFrame)).toBeNull();
        lastFrame++;
      }
      const bytesBefore = tsBytes;
      await feed(30);
      expect(restarts).toEqual([restartAt]);
      expect(runner.restarts).toBe(1);
      expect(runner.encoder).not.toBe(first);
      await expect.poll(() => tsBytes, { timeout: 10_000 }).toBeGreaterThan(bytesBefore);
      await runner.stop();
      expect(runner.encoder).toBeNull();
      expect(runner.restartAt).toBe(-1);
    } finally {
      await runner.stop();
    }
  }, 30_000);
});
