// planPieces alone: gapless over any window, and the same pieces whichever window asks (playout
// asks again with a window that slides), an overrunning item cut at the next one's start.
import { describe, expect, it } from 'vitest';
import type { PlanPiece } from '../playout/plan.ts';
import { type FillerMedia, type PlannableItem, planPieces, SLATE_BLOCK_MS } from './plan-pieces.ts';

const T0 = Date.parse('2026-12-06T20:00:00Z');
const S = 1000;

function media(id: number, startMs: number, seconds: number, problem: string | null = null): PlannableItem {
  return {
    id,
    kind: 'media',
    title: `Show ${id}`,
    mediaId: id,
    sceneId: null,
    startAtMs: startMs,
    afterId: null,
    inSeconds: 0,
    playSeconds: seconds,
    breakSeconds: null,
    startMs,
    endMs: startMs + seconds * S,
    breakMarks: [],
    problem,
    path: `/shows/${id}.mp4`,
    loudnessLufs: -23,
  };
}

const fillers: FillerMedia[] = [
  { mediaId: 100, title: 'ident', path: '/f/ident.mp4', durationSeconds: 7, loudnessLufs: null },
  { mediaId: 101, title: 'promo', path: '/f/promo.mp4', durationSeconds: 13.5, loudnessLufs: -20 },
];
/** Probed lengths that are not whole ms in binary floating point (4.021 × 1000 = 4021.0000000000005). */
const oddFillers: FillerMedia[] = [
  ...fillers,
  { mediaId: 102, title: 'sting', path: '/f/sting.mkv', durationSeconds: 4.021, loudnessLufs: null },
  { mediaId: 103, title: 'bumper', path: '/f/bumper.mp4', durationSeconds: 1.1, loudnessLufs: null },
];

function expectGapless(pieces: PlanPiece[], fromMs: number, toMs: number): void {
  expect(pieces.length).toBeGreaterThan(0);
  expect(pieces[0]!.startMs).toBeLessThanOrEqual(fromMs);
  expect(pieces.at(-1)!.endMs).toBeGreaterThanOrEqual(toMs);
  for (let i = 1; i < pieces.length; i++) expect(pieces[i]!.startMs).toBe(pieces[i - 1]!.endMs);
  for (const piece of pieces) expect(piece.endMs).toBeGreaterThan(piece.startMs);
}

/** A deterministic pseudo-random sequence (xorshift), so a failure can be replayed. */
function randoms(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) % 1_000_000) / 1_000_000;
  };
}

describe('planPieces', () => {
  const items = [media(1, T0, 60), media(2, T0 + 100 * S, 30, 'its file /shows/2.mp4 is missing on disk'), media(3, T0 + 200 * S, 45)];

  it('gives every window the same pieces: those of a wide window that overlap it', () => {
    const wideFrom = T0 - 500 * S;
    const wideTo = T0 + 600 * S;
    for (const list of [fillers, oddFillers, []]) {
      const wide = planPieces(items, list, wideFrom, wideTo);
      expectGapless(wide, wideFrom, wideTo);
      const random = randoms(20261206);
      for (let round = 0; round < 300; round++) {
        const fromMs = Math.round(wideFrom + random() * (wideTo - wideFrom - 2000)) + 1000;
        const toMs = Math.min(wideTo - 1, fromMs + 1 + Math.round(random() * 120 * S));
        const narrow = planPieces(items, list, fromMs, toMs);
        expectGapless(narrow, fromMs, toMs);
        expect(narrow).toEqual(wide.filter((piece) => piece.endMs > fromMs && piece.startMs < toMs));
      }
    }
  });

  it('cycles filler from 0 in gaps, stands in for an item with a problem, and never stops', () => {
    const pieces = planPieces(items, fillers, T0, T0 + 300 * S);
    const standIns = pieces.filter((piece) => piece.kind === 'filler' && piece.standsInFor !== null);
    expect(standIns.map((piece) => [piece.startMs - T0, piece.endMs - T0])).toEqual([
      [100 * S, 107 * S],
      [107 * S, 120.5 * S],
      [120.5 * S, 127.5 * S],
      [127.5 * S, 130 * S],
    ]);
    expect(pieces.every((piece) => piece.kind !== 'filler' || piece.inSeconds === 0)).toBe(true);
    expect(pieces.at(-1)).toMatchObject({ kind: 'filler', standsInFor: null, startMs: expect.any(Number) });
  });

  it('keeps the start of the piece on air when an item is added into its gap: only its end moves', () => {
    for (const list of [fillers, []]) {
      const nowMs = T0 - 123_456;
      const [onAir] = planPieces([], list, nowMs, nowMs + 15 * S);
      const [after] = planPieces([media(9, nowMs + 2 * S, 30)], list, nowMs, nowMs + 15 * S);
      expect(after).toEqual({ ...onAir, endMs: Math.min(onAir!.endMs, nowMs + 2 * S) });
      const [later] = planPieces([media(1, T0 - 3600 * S, 60), media(9, nowMs + 2 * S, 30)], list, nowMs, nowMs + 15 * S);
      const [before] = planPieces([media(1, T0 - 3600 * S, 60)], list, nowMs, nowMs + 15 * S);
      expect(later).toEqual({ ...before, endMs: Math.min(before!.endMs, nowMs + 2 * S) });
    }
  });

  it('cuts an item that runs into the next at its start; an empty schedule is filler from the epoch, or the slate', () => {
    const overrun = planPieces([media(1, T0, 150), media(3, T0 + 100 * S, 10)], [], T0, T0 + 110 * S);
    expect(overrun.map((piece) => [piece.kind, piece.startMs - T0, piece.endMs - T0])).toEqual([
      ['media', 0, 100 * S],
      ['media', 100 * S, 110 * S],
    ]);
    const empty = planPieces([], fillers, T0, T0 + 60 * S);
    expectGapless(empty, T0, T0 + 60 * S);
    expect(empty[0]!.startMs % (20.5 * S)).toBe(0); // whole cycles from the epoch
    expect(planPieces([], [], T0 + 5 * S, T0 + 60 * S)).toEqual([
      {
        kind: 'filler',
        mediaId: null,
        title: 'Slate',
        path: null,
        startMs: T0,
        endMs: T0 + SLATE_BLOCK_MS,
        inSeconds: 0,
        loudnessLufs: null,
        standsInFor: null,
      },
    ]);
  });
});
