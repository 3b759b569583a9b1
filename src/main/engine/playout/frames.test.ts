// The resolver from wall time to frames, as a pure function (no clock): start and end frames,
// breaks at chapter marks on the IDR grid, where a show is when joined mid-piece, the seek, the gain.
import { describe, expect, it } from 'vitest';
import { FakeTimeline } from '../../../../tests/support/on-air.ts';
import { firstFrameAtOrAfter, loudnessGainDb, pieceFrames, seekSecondsFor, showPositionAt } from './frames.ts';
import type { PlanPiece } from './plan.ts';

const T0 = Date.UTC(2026, 11, 6, 20, 0, 0);
const grid = new FakeTimeline({ fps: 25, gopFrames: 25, startMs: T0 });

function media(startMs: number, endMs: number, breaks: { atSeconds: number; durationSeconds: number }[] = [], inSeconds = 0): PlanPiece {
  return { kind: 'media', itemId: 1, mediaId: 1, title: 'A', path: '/a.mkv', startMs, endMs, inSeconds, loudnessLufs: null, breaks };
}

describe('playout frames', () => {
  it('a piece starts on the first frame whose wall time is at or after its start', () => {
    expect(firstFrameAtOrAfter(grid, T0)).toBe(0);
    expect(firstFrameAtOrAfter(grid, T0 + 40)).toBe(1);
    expect(firstFrameAtOrAfter(grid, T0 + 40.5)).toBe(2);
    expect(firstFrameAtOrAfter(grid, T0 + 39.9)).toBe(1);
    // 29.97: a start that is a frame's wall time up to float noise is that frame.
    const ntsc = new FakeTimeline({ fps: 30000 / 1001, gopFrames: 30, startMs: T0 });
    expect(firstFrameAtOrAfter(ntsc, ntsc.wallTimeOf(1001))).toBe(1001);
  });

  it('pieces that meet in wall time meet on one frame', () => {
    const a = pieceFrames(media(T0 + 1010, T0 + 5013), grid);
    const b = pieceFrames(media(T0 + 5013, T0 + 9000), grid);
    expect(a).toMatchObject({ startFrame: 26, endFrame: 126 });
    expect(b.startFrame).toBe(a.endFrame);
  });

  it('a break at a chapter mark splices at the first IDR at or after the mark, lasts whole GOPs, and the next mark counts the break', () => {
    // Starts at frame 10; marks at 2 s (frame 60 → IDR 75) and 4 s (show frame 100 + 50 break frames → 160 → IDR 175).
    const frames = pieceFrames(
      media(T0 + 400, T0 + 20_000, [
        { atSeconds: 4, durationSeconds: 2 },
        { atSeconds: 2, durationSeconds: 2 },
      ]),
      grid,
    );
    expect(frames.startFrame).toBe(10);
    expect(frames.breaks).toEqual([
      { atSeconds: 2, durationSeconds: 2, markFrame: 60, spliceFrame: 75, returnFrame: 125 },
      { atSeconds: 4, durationSeconds: 2, markFrame: 160, spliceFrame: 175, returnFrame: 225 },
    ]);
    // On a mark that is an IDR: the splice is the mark itself.
    expect(pieceFrames(media(T0, T0 + 20_000, [{ atSeconds: 3, durationSeconds: 2 }]), grid).breaks[0]).toMatchObject({ markFrame: 75, spliceFrame: 75 });
    // A mark at or before the in point, or past the end, is no break.
    expect(pieceFrames(media(T0, T0 + 4000, [{ atSeconds: 5, durationSeconds: 2 }]), grid).breaks).toEqual([]);
    expect(pieceFrames(media(T0, T0 + 9000, [{ atSeconds: 1, durationSeconds: 2 }], 1), grid).breaks).toEqual([]);
  });

  it('joined mid-piece: the show frame is the frames aired since its start, less its breaks; during a break, the one it resumes on', () => {
    const frames = pieceFrames(media(T0 + 400, T0 + 20_000, [{ atSeconds: 2, durationSeconds: 2 }]), grid);
    expect(showPositionAt(frames, 10)).toEqual({ showFrame: 0, inBreak: null });
    expect(showPositionAt(frames, 74)).toEqual({ showFrame: 64, inBreak: null });
    expect(showPositionAt(frames, 75)).toMatchObject({ showFrame: 65, inBreak: { spliceFrame: 75 } });
    expect(showPositionAt(frames, 124)).toMatchObject({ showFrame: 65, inBreak: { returnFrame: 125 } });
    expect(showPositionAt(frames, 125)).toEqual({ showFrame: 65, inBreak: null });
    expect(showPositionAt(frames, 130)).toEqual({ showFrame: 70, inBreak: null });
  });

  it('seeks a millisecond before the frame, and gains to the loudness target within the mixer’s range', () => {
    expect(seekSecondsFor(0, 0, 25)).toBe(0);
    expect(seekSecondsFor(2, 50, 25)).toBeCloseTo(3.999, 9);
    expect(loudnessGainDb(-18, -23)).toBe(-5);
    expect(loudnessGainDb(-60, -23)).toBe(24);
    expect(loudnessGainDb(null, -23)).toBe(0);
  });
});
