// The schedule as the timeline draws it: items with their times in ms, sorted by start, and the
// few of them inside the view found by binary search, so a week of items costs what a screen does.
import type { ScheduleItem } from '../../../../shared/schedule.ts';

export interface TimelineEntry {
  item: ScheduleItem;
  startMs: number;
  endMs: number;
}

export interface TimelineIndex {
  /** Sorted by start (then id). */
  entries: readonly TimelineEntry[];
  /** entries[i].startMs, for the binary search. */
  starts: Float64Array;
  /** The longest entry: an entry starting this much before the view may still reach into it. */
  longestMs: number;
}

export function entryOf(item: ScheduleItem): TimelineEntry {
  const startMs = Date.parse(item.startAt);
  return { item, startMs, endMs: startMs + item.durationSeconds * 1000 };
}

export function indexSchedule(items: readonly ScheduleItem[]): TimelineIndex {
  const entries = items.map(entryOf).sort((a, b) => a.startMs - b.startMs || a.item.id - b.item.id);
  const starts = new Float64Array(entries.length);
  let longestMs = 0;
  entries.forEach((entry, i) => {
    starts[i] = entry.startMs;
    longestMs = Math.max(longestMs, entry.endMs - entry.startMs);
  });
  return { entries, starts, longestMs };
}

/** The first index whose value is ≥ `value` (sorted ascending); `sorted.length` when none is. */
export function lowerBound(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The entries that show between `fromMs` and `toMs` (any part of them), in start order. */
export function visibleEntries(index: TimelineIndex, fromMs: number, toMs: number): TimelineEntry[] {
  const first = lowerBound(index.starts, fromMs - index.longestMs);
  const end = lowerBound(index.starts, toMs);
  const out: TimelineEntry[] = [];
  for (let i = first; i < end; i++) {
    const entry = index.entries[i] as TimelineEntry;
    if (entry.endMs > fromMs) out.push(entry);
  }
  return out;
}

/** The edges (starts and ends) of the entries near a time, leaving out the ones being dragged. */
export function edgesNear(index: TimelineIndex, fromMs: number, toMs: number, exclude: ReadonlySet<number> = new Set()): number[] {
  const edges: number[] = [];
  for (const entry of visibleEntries(index, fromMs, toMs)) {
    if (exclude.has(entry.item.id)) continue;
    edges.push(entry.startMs, entry.endMs);
  }
  return edges;
}
