// What a Program holds in memory stays bounded whatever a client asks of it.
import { describe, expect, it } from 'vitest';
import { FRAME_RATES } from '../compositor/index.ts';
import { DEFAULT_PROGRAM_FORMAT } from '../encoder/program-format.ts';
import { Logger } from '../log.ts';
import { MAX_PENDING_SWITCHES, Program } from './program.ts';

describe('Program bounds', () => {
  it(`keeps at most ${MAX_PENDING_SWITCHES} scene switches waiting: one more is refused with BAD_SWITCH`, async () => {
    const program = new Program({
      format: { ...DEFAULT_PROGRAM_FORMAT, width: 64, height: 36, frameRate: FRAME_RATES['30'] },
      ffmpegPath: 'ffmpeg',
      logger: new Logger({ sink: () => {}, level: 'error' }),
      inlineCompositor: true,
    });
    try {
      await program.addSource({ id: 'red', kind: 'color', color: '#ff0000', width: 64, height: 36 });
      program.setScene({ id: 'a', layers: [{ id: 'a:0', sourceId: 'red', rect: { x: 0, y: 0, width: 64, height: 36 }, opacity: 1, visible: true }] });
      for (let i = 0; i < MAX_PENDING_SWITCHES; i++) program.switchScene({ sceneId: 'a', atFrame: 1_000_000 + i });
      expect(() => program.switchScene({ sceneId: 'a', atFrame: 2_000_000 })).toThrow(expect.objectContaining({ code: 'BAD_SWITCH' }));
      expect(() => program.switchScene({ sceneId: 'a' })).toThrow(/already wait/);
    } finally {
      await program.close();
    }
  });
});
