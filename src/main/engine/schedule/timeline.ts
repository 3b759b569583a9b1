// The channel timeline's rules, pure (#14): items as stored -> when each airs, and whether an edit
// may be made. No I/O: the service (schedule-service.ts) reads the store, calls these inside the
// edit's transaction, and writes what they return.
//
// Model: an item starts at a fixed wall time, or follows one other item (a chain: at most one
// follower per item). An item holds the air for its play length plus one break per chapter that
// starts strictly inside the part of the file it plays (the chapter at the in point, e.g. 0, is
// not a break). Wall times are ms since the epoch; lengths are seconds, as the API speaks them.
import type { MediaChapter } from '../../../shared/media.ts';
import type { TimelineItem } from '../store/schedule-repository.ts';
import { ScheduleError } from './errors.ts';

export type { TimelineItem };

export interface BreakMark {
  /** The chapter's start in the file. */
  atSeconds: number;
  /** When the break starts on air. */
  startMs: number;
  durationSeconds: number;
}

export interface ResolvedItem extends TimelineItem {
  startMs: number;
  endMs: number;
  breakMarks: BreakMark[];
}

/** The chapters of an item's media ([] for live items and media no longer in the library). */
export type ChaptersOf = (item: TimelineItem) => readonly MediaChapter[];

/**
 * Wall times are whole milliseconds (as stored: ISO text to the ms), so a follower's start can be
 * stored as a fixed time exactly (pinStarted) and equal stays equal. Playout turns them into frames.
 */
function roundMs(ms: number): number {
  return Math.round(ms);
}

/** The chapter starts (file time) that make breaks: strictly inside (in, in + play). */
export function breakPoints(inSeconds: number, playSeconds: number, chapters: readonly MediaChapter[]): number[] {
  const out = inSeconds + playSeconds;
  return chapters.map((chapter) => chapter.startSeconds).filter((start) => start > inSeconds && start < out);
}

function breakMarksOf(item: TimelineItem, startMs: number, chapters: readonly MediaChapter[]): BreakMark[] {
  if (item.kind !== 'media' || item.breakSeconds === null) return [];
  const breakSeconds = item.breakSeconds;
  return breakPoints(item.inSeconds, item.playSeconds, chapters).map((atSeconds, index) => ({
    atSeconds,
    startMs: roundMs(startMs + (atSeconds - item.inSeconds + index * breakSeconds) * 1000),
    durationSeconds: breakSeconds,
  }));
}

/** How long the item holds the air: its play length plus its breaks. */
export function airSeconds(item: TimelineItem, chapters: readonly MediaChapter[]): number {
  if (item.kind !== 'media' || item.breakSeconds === null) return item.playSeconds;
  return item.playSeconds + breakPoints(item.inSeconds, item.playSeconds, chapters).length * item.breakSeconds;
}

/** The one item that follows each item, by the followed item's id. */
export function followersOf(items: readonly TimelineItem[]): Map<number, TimelineItem> {
  const followers = new Map<number, TimelineItem>();
  for (const item of items) {
    if (item.afterId === null) continue;
    const other = followers.get(item.afterId);
    if (other) throw new ScheduleError('BAD_CHAIN', `Items ${other.id} and ${item.id} both follow item ${item.afterId}; an item has one follower.`);
    followers.set(item.afterId, item);
  }
  return followers;
}

/** Works out every item's start and end (fixed items, then each chain behind them), sorted by start. */
export function resolveTimeline(items: readonly TimelineItem[], chaptersOf: ChaptersOf): ResolvedItem[] {
  const followers = followersOf(items);
  const resolved: ResolvedItem[] = [];
  for (const root of items) {
    if (root.startAtMs === null) continue;
    let item: TimelineItem | undefined = root;
    let startMs = root.startAtMs;
    while (item) {
      const chapters = chaptersOf(item);
      const endMs = roundMs(startMs + airSeconds(item, chapters) * 1000);
      resolved.push({ ...item, startMs, endMs, breakMarks: breakMarksOf(item, startMs, chapters) });
      startMs = endMs;
      item = followers.get(item.id);
    }
  }
  if (resolved.length !== items.length) {
    const reached = new Set(resolved.map((item) => item.id));
    const lost = items.filter((item) => !reached.has(item.id)).map((item) => item.id);
    throw new ScheduleError('BAD_CHAIN', `Items ${lost.join(', ')} follow nothing that starts (a loop, or a missing item).`, { field: 'after' });
  }
  return resolved.sort((a, b) => a.startMs - b.startMs || a.id - b.id);
}

export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

/** `"Title" (item 12, 2026-12-06T20:00:00.000Z–2026-12-06T21:00:00.000Z)`: how refusals name an item. */
export function describeItem(item: ResolvedItem): string {
  return `"${item.title}" (item ${item.id}, ${isoOf(item.startMs)}–${isoOf(item.endMs)})`;
}

/** Pairs of items that overlap in time, each pair once, the earlier-starting first. */
export function overlaps(items: readonly ResolvedItem[]): [ResolvedItem, ResolvedItem][] {
  const sorted = [...items].sort((a, b) => a.startMs - b.startMs || a.id - b.id);
  const pairs: [ResolvedItem, ResolvedItem][] = [];
  const open: ResolvedItem[] = [];
  for (const item of sorted) {
    for (let i = open.length - 1; i >= 0; i--) if (open[i]!.endMs <= item.startMs) open.splice(i, 1);
    for (const earlier of open) pairs.push([earlier, item]);
    open.push(item);
  }
  return pairs;
}

export interface EditCheck {
  before: readonly ResolvedItem[];
  after: readonly ResolvedItem[];
  nowMs: number;
  /** The item the edit is about (the new one for an add), named first in refusals. */
  editedId: number | null;
  /** The argument refusals name. */
  field: string;
  /** The edit is a trim of `editedId` that keeps its start and in point: it may move the end of an item on air. */
  endTrimOnly: boolean;
}

/**
 * Refuses an edit that changes what has started (edits while on air change only the future) or
 * that makes two items overlap which did not overlap before (an item whose media's chapters were
 * edited may already overlap; that is shown as it is, and playout cuts the earlier one short).
 */
export function checkEdit(check: EditCheck): void {
  const { before, after, nowMs, field } = check;
  const afterById = new Map(after.map((item) => [item.id, item]));
  const beforeById = new Map(before.map((item) => [item.id, item]));
  for (const old of before) {
    if (old.startMs > nowMs) continue;
    const now = afterById.get(old.id);
    const ended = old.endMs <= nowMs;
    const what = ended ? `${describeItem(old)} has already aired` : `${describeItem(old)} is on air now`;
    if (!now) throw new ScheduleError('STARTED', `${what}: it cannot be removed (edits change only the future).`, { field });
    if (now.startMs !== old.startMs || now.inSeconds !== old.inSeconds || now.mediaId !== old.mediaId || now.sceneId !== old.sceneId) {
      throw new ScheduleError('STARTED', `${what}: it cannot be moved or changed (edits change only the future).`, { field });
    }
    if (now.endMs === old.endMs) continue;
    if (ended) throw new ScheduleError('STARTED', `${what}: its length cannot change.`, { field });
    if (!check.endTrimOnly || old.id !== check.editedId) {
      throw new ScheduleError('STARTED', `${what}: only its end can be trimmed (edits change only the future).`, { field });
    }
    if (now.endMs <= nowMs) throw new ScheduleError('STARTED', `${what}: it cannot end before now (${isoOf(nowMs)}).`, { field });
  }
  for (const item of after) {
    const old = beforeById.get(item.id);
    if (item.startMs < nowMs && (!old || old.startMs !== item.startMs)) {
      const who = item.id === check.editedId || !old ? `It would start at ${isoOf(item.startMs)}` : `${describeItem(item)} would start`;
      throw new ScheduleError('STARTED', `${who}, in the past (now is ${isoOf(nowMs)}): edits change only the future.`, { field });
    }
  }
  const overlappedBefore = new Set(overlaps(before).map(([a, b]) => `${a.id}/${b.id}`));
  for (const [a, b] of overlaps(after)) {
    if (overlappedBefore.has(`${a.id}/${b.id}`) || overlappedBefore.has(`${b.id}/${a.id}`)) continue;
    // Name the item the edited one runs into; when neither is the edited one (a follower pushed
    // along), name the fixed one it runs into.
    const [moved, other] = b.id === check.editedId || (a.id !== check.editedId && a.startAtMs !== null) ? [b, a] : [a, b];
    const subject = moved.id === check.editedId ? 'It' : describeItem(moved);
    throw new ScheduleError(
      'CONFLICT',
      `${subject} would overlap ${describeItem(other)}${moved.id === check.editedId ? ` (it would run ${isoOf(moved.startMs)}–${isoOf(moved.endMs)})` : ''}.`,
      { field },
    );
  }
}

// Edits: each returns the new item list (copies), never touching its input. A new item has a
// negative id until the store gives it one.

export const NEW_ITEM_ID = -1;

function copy(items: readonly TimelineItem[]): TimelineItem[] {
  return items.map((item) => ({ ...item }));
}

function find(items: readonly TimelineItem[], id: number, field = 'id'): TimelineItem {
  const item = items.find((each) => each.id === id);
  if (!item) throw new ScheduleError(field === 'id' ? 'NOT_FOUND' : 'BAD_REFERENCE', `${field}: no schedule item with id ${id}.`, { field });
  return item;
}

/** Inserts `item` behind `afterId`: the item that followed it follows the new one. */
export function insertAfter(items: readonly TimelineItem[], item: TimelineItem, afterId: number): TimelineItem[] {
  const next = copy(items);
  find(next, afterId, 'after');
  const displaced = followersOf(next).get(afterId);
  if (displaced) displaced.afterId = item.id;
  next.push({ ...item, startAtMs: null, afterId });
  return next;
}

export function insertFixed(items: readonly TimelineItem[], item: TimelineItem, startAtMs: number): TimelineItem[] {
  return [...copy(items), { ...item, startAtMs, afterId: null }];
}

function chainFrom(items: readonly TimelineItem[], id: number): TimelineItem[] {
  const followers = followersOf(items);
  const chain: TimelineItem[] = [];
  for (let item = items.find((each) => each.id === id); item; item = followers.get(item.id)) chain.push(item);
  return chain;
}

/**
 * Moves an item, and the items that follow it with it (they shift: they follow it), to a fixed
 * time or behind another item (whose follower then follows the moved chain's last item).
 */
export function moveItem(items: readonly TimelineItem[], id: number, to: { startAtMs: number } | { afterId: number }): TimelineItem[] {
  const next = copy(items);
  const item = find(next, id);
  if ('startAtMs' in to) {
    item.startAtMs = to.startAtMs;
    item.afterId = null;
    return next;
  }
  find(next, to.afterId, 'after');
  const chain = chainFrom(next, id);
  if (chain.some((each) => each.id === to.afterId)) {
    throw new ScheduleError('BAD_CHAIN', `after: item ${id} cannot follow item ${to.afterId}, which is itself or follows it.`, { field: 'after' });
  }
  if (item.afterId === to.afterId) return next;
  const displaced = followersOf(next).get(to.afterId);
  item.startAtMs = null;
  item.afterId = to.afterId;
  if (displaced) displaced.afterId = chain.at(-1)!.id;
  return next;
}

export function updateItem(
  items: readonly TimelineItem[],
  id: number,
  changes: Partial<Pick<TimelineItem, 'inSeconds' | 'playSeconds' | 'breakSeconds' | 'title' | 'startAtMs'>>,
): TimelineItem[] {
  const next = copy(items);
  Object.assign(find(next, id), changes);
  return next;
}

/**
 * Removes items. The follower of a removed item that followed another follows that one instead
 * (the chain closes up); the follower of a removed fixed item stays where it was, fixed there.
 */
/** Started items that follow another become fixed where they started (see ScheduleService.pinStarted). */
export function pinStarted(items: readonly TimelineItem[], resolved: readonly ResolvedItem[], nowMs: number): TimelineItem[] {
  const startOf = new Map(resolved.map((item) => [item.id, item.startMs]));
  return copy(items).map((item) =>
    item.afterId !== null && startOf.get(item.id)! <= nowMs ? { ...item, startAtMs: startOf.get(item.id)!, afterId: null } : item,
  );
}

export function removeItems(items: readonly TimelineItem[], ids: readonly number[], resolved: readonly ResolvedItem[]): TimelineItem[] {
  let next = copy(items);
  const startOf = new Map(resolved.map((item) => [item.id, item.startMs]));
  for (const id of ids) {
    const item = find(next, id);
    const follower = followersOf(next).get(id);
    if (follower) {
      if (item.afterId !== null) follower.afterId = item.afterId;
      else {
        follower.afterId = null;
        follower.startAtMs = startOf.get(follower.id)!;
      }
    }
    next = next.filter((each) => each.id !== id);
  }
  return next;
}
