// Drops the outputs cause are told apart from drops a busy CPU causes: a TS listener that holds
// the main thread is counted as an output stall, and the frames skipped after it are attributed.
import { describe, expect, it } from 'vitest';
import { FRAME_RATES } from '../compositor/index.ts';
import { resolveFfmpegBinaries } from '../encoder/ffmpeg-binaries.ts';
import { DEFAULT_PROGRAM_FORMAT } from '../encoder/program-format.ts';
import { Logger } from '../log.ts';
import { Program } from './program.ts';

const ffmpeg = resolveFfmpegBinaries().ffmpeg.path;

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // holding the thread, as a blocking output write would
  }
}

describe('Program output stalls', () => {
  it("counts a TS delivery that holds the thread, and the frames skipped after it, as the outputs' doing", async () => {
    const program = new Program({
      format: {
        ...DEFAULT_PROGRAM_FORMAT,
        width: 160,
        height: 90,
        frameRate: FRAME_RATES['30'],
        videoBitrateKbps: 200,
        x264Preset: 'ultrafast',
        gopFrames: 30,
      },
      ffmpegPath: ffmpeg,
      logger: new Logger({ sink: () => {}, level: 'error' }),
      inlineCompositor: true,
    });
    let chunks = 0;
    let held = false;
    program.onTs(() => {
      chunks++;
      // Once the program is well under way, one delivery blocks for 400 ms (12 frames at 30 fps).
      if (!held && program.frame > 45) {
        held = true;
        busyWait(400);
      }
    });
    try {
      await program.addSource({ id: 'gray', kind: 'color', color: '#808080', width: 160, height: 90 });
      program.setScene({ id: 's', layers: [{ id: 's:0', sourceId: 'gray', rect: { x: 0, y: 0, width: 160, height: 90 }, opacity: 1, visible: true }] });
      program.switchScene({ sceneId: 's' });
      await program.start();
      await expect.poll(() => held && program.frame > 90, { timeout: 30_000, message: `the stall and 45 frames after it (${chunks} chunks)` }).toBe(true);
      const stats = program.stats();
      expect(stats.outputStalls.stalls).toBeGreaterThanOrEqual(1);
      expect(stats.outputStalls.framesSkipped).toBeGreaterThanOrEqual(1);
      expect(stats.dropReasons.skipped).toBeGreaterThanOrEqual(stats.outputStalls.framesSkipped);
    } finally {
      await program.close();
    }
  }, 60_000);
});
