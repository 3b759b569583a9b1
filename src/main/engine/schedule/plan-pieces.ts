// The schedule as playout plays it (#14): a gapless run of pieces over a window of wall time.
// Pure: the service gives it the resolved items (with their problems) and the usable filler.
//
// Pieces are the same whichever window is asked for, so playout can ask again with a window that
// slides and know each piece by its start: a gap's filler is laid from the gap's start (the end of
// the item before it), or with no item before it in whole filler cycles from the epoch; the slate
// likewise, in SLATE_BLOCK_MS blocks. An edit that shortens a gap (an item added into it) only
// moves the end of the piece on air, never its start.
import type { PlanPiece } from '../playout/plan.ts';
import type { ResolvedItem } from './timeline.ts';

export interface PlannableItem extends ResolvedItem {
  /** Why it cannot air (media failed, removed or missing on disk; scene removed): filler stands in. */
  problem: string | null;
  path: string | null;
  loudnessLufs: number | null;
}

export interface FillerMedia {
  mediaId: number;
  title: string;
  path: string;
  durationSeconds: number;
  loudnessLufs: number | null;
}

/** The slate comes in blocks this long from its gap's start (or the epoch): a piece's start never depends on the window. */
export const SLATE_BLOCK_MS = 10 * 60 * 1000;

/** A safety bound: a window asking for more pieces than this is cut there (playout asks for minutes). */
export const MAX_PIECES_PER_WINDOW = 100_000;

interface Span {
  startMs: number;
  endMs: number;
}

function fill(span: Span, window: Span, fillers: readonly FillerMedia[], standsInFor: { itemId: number; reason: string } | null, out: PlanPiece[]): void {
  if (fillers.length === 0) {
    const slate = (startMs: number, endMs: number) =>
      out.push({ kind: 'filler', mediaId: null, title: 'Slate', path: null, startMs, endMs, inSeconds: 0, loudnessLufs: null, standsInFor });
    const anchor = Number.isFinite(span.startMs) ? span.startMs : 0;
    let blockStart = anchor + Math.max(0, Math.floor((window.startMs - anchor) / SLATE_BLOCK_MS)) * SLATE_BLOCK_MS;
    for (; blockStart < Math.min(window.endMs, span.endMs) && out.length < MAX_PIECES_PER_WINDOW; blockStart += SLATE_BLOCK_MS) {
      slate(Math.max(blockStart, span.startMs), Math.min(blockStart + SLATE_BLOCK_MS, span.endMs));
    }
    return;
  }
  // Whole ms (as every schedule time is), so skipping whole cycles lands exactly where laying them
  // one by one does.
  const lengthsMs = fillers.map((filler) => Math.max(1, Math.round(filler.durationSeconds * 1000)));
  const cycleMs = lengthsMs.reduce((sum, length) => sum + length, 0);
  const anchor = Number.isFinite(span.startMs) ? span.startMs : 0;
  let cursor = anchor + Math.max(0, Math.floor((window.startMs - anchor) / cycleMs)) * cycleMs;
  const stop = Math.min(window.endMs, span.endMs);
  for (let index = 0; cursor < stop && out.length < MAX_PIECES_PER_WINDOW; index = (index + 1) % fillers.length) {
    const filler = fillers[index]!;
    const endMs = Math.min(cursor + lengthsMs[index]!, span.endMs);
    if (endMs > window.startMs) {
      out.push({
        kind: 'filler',
        mediaId: filler.mediaId,
        title: filler.title,
        path: filler.path,
        startMs: cursor,
        endMs,
        inSeconds: 0,
        loudnessLufs: filler.loudnessLufs,
        standsInFor,
      });
    }
    cursor = endMs;
  }
}

/**
 * The pieces that overlap [fromMs, toMs), in order, gapless over it. `items` sorted by start. An
 * item that runs into the next (its media's chapters were edited after it was scheduled) is cut
 * at the next one's start.
 */
export function planPieces(items: readonly PlannableItem[], fillers: readonly FillerMedia[], fromMs: number, toMs: number): PlanPiece[] {
  const window = { startMs: fromMs, endMs: toMs };
  const out: PlanPiece[] = [];
  let previousEnd = Number.NEGATIVE_INFINITY;
  for (const [index, item] of items.entries()) {
    const endMs = Math.min(item.endMs, items[index + 1]?.startMs ?? Number.POSITIVE_INFINITY);
    if (endMs <= item.startMs) continue;
    if (item.startMs > previousEnd && item.startMs > fromMs && previousEnd < toMs)
      fill({ startMs: previousEnd, endMs: item.startMs }, window, fillers, null, out);
    previousEnd = endMs;
    if (endMs <= fromMs || item.startMs >= toMs) continue;
    const span = { startMs: item.startMs, endMs };
    if (item.problem !== null) fill(span, window, fillers, { itemId: item.id, reason: item.problem }, out);
    else if (item.kind === 'live') out.push({ kind: 'live', itemId: item.id, sceneId: item.sceneId!, title: item.title, ...span });
    else {
      out.push({
        kind: 'media',
        itemId: item.id,
        mediaId: item.mediaId!,
        title: item.title,
        path: item.path!,
        ...span,
        inSeconds: item.inSeconds,
        loudnessLufs: item.loudnessLufs,
        breaks: item.breakMarks.map((mark) => ({ atSeconds: mark.atSeconds, durationSeconds: mark.durationSeconds })),
      });
    }
  }
  if (previousEnd < toMs) fill({ startMs: previousEnd, endMs: Number.POSITIVE_INFINITY }, window, fillers, null, out);
  return out;
}
