// What a drag on the timeline would do if let go now: a library item dropped at the pointer, an
// item moved, or an edge trimmed, each snapped. Pure, so the preview the operator sees and the edit
// sent on release are one computation.
import { isMediaDragData, type MediaDragData } from './drag-data.ts';
import { snapEdge, snapStart, type Snapped } from './snap.ts';
import { SECOND_MS, type TimeScale, timeAt } from './time-scale.ts';
import { edgesNear, type TimelineEntry, type TimelineIndex } from './visible.ts';

export interface ItemDragData {
  kind: 'item';
  id: number;
}

export interface TrimDragData {
  kind: 'trim';
  id: number;
  edge: 'start' | 'end';
}

export type TimelineDragData = MediaDragData | ItemDragData | TrimDragData;

export function isTimelineDragData(data: unknown): data is TimelineDragData {
  if (isMediaDragData(data)) return true;
  const kind = (data as { kind?: unknown } | null)?.kind;
  return (kind === 'item' || kind === 'trim') && typeof (data as { id?: unknown }).id === 'number';
}

export type DragPreview =
  | { kind: 'media'; media: MediaDragData; startMs: number; endMs: number; by: Snapped['by'] }
  | { kind: 'move'; entry: TimelineEntry; startMs: number; endMs: number; by: Snapped['by'] }
  | { kind: 'trim'; entry: TimelineEntry; edge: 'start' | 'end'; startMs: number; endMs: number };

export interface DragView {
  scale: TimeScale;
  fps: number;
  index: TimelineIndex;
  padToHalfHour: boolean;
  /** The view's range: the edges to snap to are the ones in it. */
  fromMs: number;
  toMs: number;
}

/**
 * The preview for a drag: `pointerX` is the pointer's x in the lanes (null when it is not over
 * them), `deltaX` how far it moved since the drag began. Null: nothing would happen.
 */
export function previewDrag(data: TimelineDragData, pointerX: number | null, deltaX: number, view: DragView): DragPreview | null {
  const { scale, fps, index } = view;
  const frameMs = SECOND_MS / fps;
  if (data.kind === 'media') {
    if (pointerX === null) return null;
    const durationMs = data.durationSeconds * SECOND_MS;
    const snapped = snapStart({
      startMs: timeAt(scale, pointerX),
      durationMs,
      pxPerMs: scale.pxPerMs,
      fps,
      edges: edgesNear(index, view.fromMs, view.toMs),
      padToHalfHour: view.padToHalfHour,
    });
    return { kind: 'media', media: data, startMs: snapped.startMs, endMs: snapped.startMs + durationMs, by: snapped.by };
  }
  const entry = index.entries.find((candidate) => candidate.item.id === data.id);
  if (!entry) return null;
  const others = edgesNear(index, view.fromMs, view.toMs, new Set([data.id]));
  const deltaMs = deltaX / scale.pxPerMs;
  if (data.kind === 'item') {
    const durationMs = entry.endMs - entry.startMs;
    const snapped = snapStart({ startMs: entry.startMs + deltaMs, durationMs, pxPerMs: scale.pxPerMs, fps, edges: others, padToHalfHour: view.padToHalfHour });
    return { kind: 'move', entry, startMs: snapped.startMs, endMs: snapped.startMs + durationMs, by: snapped.by };
  }
  if (data.edge === 'end') {
    const endMs = Math.max(entry.startMs + frameMs, snapEdge(entry.endMs + deltaMs, scale.pxPerMs, fps, others));
    return { kind: 'trim', entry, edge: 'end', startMs: entry.startMs, endMs };
  }
  // A media item's start can go back only as far as its file's beginning.
  const earliest = entry.item.kind === 'media' ? entry.startMs - entry.item.inSeconds * SECOND_MS : Number.NEGATIVE_INFINITY;
  const startMs = Math.min(entry.endMs - frameMs, Math.max(earliest, snapEdge(entry.startMs + deltaMs, scale.pxPerMs, fps, others)));
  return { kind: 'trim', entry, edge: 'start', startMs, endMs: entry.endMs };
}

/** Seconds to the ms, so float dust from pixel deltas never reaches the engine. */
const toMs3 = (seconds: number) => Math.round(seconds * 1000) / 1000;

/** The trim a trim preview sends (schedule.trim's lengths are the file's: breaks come on top). */
export function trimOf(preview: Extract<DragPreview, { kind: 'trim' }>): { inSeconds?: number; durationSeconds: number; startMs?: number } {
  const { entry } = preview;
  if (preview.edge === 'end') {
    return { durationSeconds: toMs3(entry.item.playSeconds + (preview.endMs - entry.endMs) / SECOND_MS) };
  }
  const shiftSeconds = (preview.startMs - entry.startMs) / SECOND_MS;
  const durationSeconds = toMs3(entry.item.playSeconds - shiftSeconds);
  if (entry.item.kind === 'live') return { durationSeconds, startMs: preview.startMs };
  const inSeconds = toMs3(Math.max(0, entry.item.inSeconds + shiftSeconds));
  // An item that follows another starts where that one ends: only its in point moves (its end comes earlier).
  return entry.item.anchor === 'fixed' ? { inSeconds, durationSeconds, startMs: preview.startMs } : { inSeconds, durationSeconds };
}
