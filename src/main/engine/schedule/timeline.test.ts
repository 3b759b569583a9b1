// The timeline's rules without a store: start times through chains, breaks at chapters, and which
// edits are refused.
import { describe, expect, it } from 'vitest';
import type { MediaChapter } from '../../../shared/media.ts';
import {
  airSeconds,
  breakPoints,
  checkEdit,
  insertAfter,
  insertFixed,
  moveItem,
  NEW_ITEM_ID,
  removeItems,
  resolveTimeline,
  type ResolvedItem,
  type TimelineItem,
  updateItem,
} from './timeline.ts';

const T0 = Date.parse('2026-12-06T20:00:00Z');
const S = 1000;

function item(id: number, fields: Partial<TimelineItem>): TimelineItem {
  return {
    id,
    kind: 'media',
    title: `Show ${id}`,
    mediaId: id,
    sceneId: null,
    startAtMs: null,
    afterId: null,
    inSeconds: 0,
    playSeconds: 60,
    breakSeconds: null,
    ...fields,
  };
}

const chaptersById: Record<number, MediaChapter[]> = {
  2: [
    { title: 'open', startSeconds: 0 },
    { title: 'two', startSeconds: 20 },
    { title: 'three', startSeconds: 40 },
  ],
};
const resolve = (items: TimelineItem[]) => resolveTimeline(items, (each) => chaptersById[each.mediaId ?? 0] ?? []);
const byId = (items: ResolvedItem[], id: number) => items.find((each) => each.id === id)!;

describe('breaks at chapters', () => {
  it('makes one break per chapter strictly inside the part played, never at the in point', () => {
    const chapters = chaptersById[2]!;
    expect(breakPoints(0, 60, chapters)).toEqual([20, 40]);
    expect(breakPoints(20, 40, chapters)).toEqual([40]); // the chapter at the in point is not a break
    expect(breakPoints(0, 40, chapters)).toEqual([20]); // nor the one at the out point
    expect(breakPoints(25, 10, chapters)).toEqual([]);
    expect(airSeconds(item(2, { breakSeconds: 30 }), chapters)).toBe(60 + 2 * 30);
    expect(airSeconds(item(2, { breakSeconds: null }), chapters)).toBe(60);
  });

  it('places each break on air after the show played up to its chapter and the breaks before it', () => {
    const [resolved] = resolve([item(2, { startAtMs: T0, breakSeconds: 30 })]);
    expect(resolved!.breakMarks).toEqual([
      { atSeconds: 20, startMs: T0 + 20 * S, durationSeconds: 30 },
      { atSeconds: 40, startMs: T0 + (40 + 30) * S, durationSeconds: 30 },
    ]);
    expect(resolved!.endMs).toBe(T0 + 120 * S);
  });
});

describe('resolveTimeline', () => {
  it('starts each follower where the item before it ends, breaks included', () => {
    const items = [item(1, { startAtMs: T0 }), item(2, { afterId: 1, breakSeconds: 5 }), item(3, { afterId: 2, playSeconds: 10.01 })];
    const resolved = resolve(items);
    expect(resolved.map((each) => [each.id, each.startMs - T0, each.endMs - T0])).toEqual([
      [1, 0, 60 * S],
      [2, 60 * S, 130 * S],
      [3, 130 * S, 140010],
    ]);
  });

  it('refuses a loop or a follower of nothing', () => {
    expect(() => resolve([item(1, { afterId: 2 }), item(2, { afterId: 1 })])).toThrow(expect.objectContaining({ code: 'BAD_CHAIN' }));
    expect(() => resolve([item(1, { startAtMs: T0 }), item(2, { afterId: 1 }), item(3, { afterId: 1 })])).toThrow(/both follow item 1/);
  });
});

describe('edits', () => {
  const base = [item(1, { startAtMs: T0 }), item(2, { afterId: 1 }), item(3, { afterId: 2 }), item(4, { startAtMs: T0 + 3600 * S })];

  it('inserts behind an item: the one that followed it follows the new one', () => {
    const next = insertAfter(base, item(NEW_ITEM_ID, {}), 1);
    expect(next.find((each) => each.id === 2)!.afterId).toBe(NEW_ITEM_ID);
    const resolved = resolve(next);
    expect(byId(resolved, 3).startMs).toBe(T0 + 180 * S);
    expect(base.find((each) => each.id === 2)!.afterId).toBe(1); // the input is untouched
  });

  it('moves an item with its followers; behind another item, the displaced follower goes after the chain', () => {
    const fixed = resolve(moveItem(base, 2, { startAtMs: T0 + 600 * S }));
    expect([byId(fixed, 2).startMs, byId(fixed, 3).startMs]).toEqual([T0 + 600 * S, T0 + 660 * S]);
    const behind = moveItem(base, 4, { afterId: 1 });
    expect(behind.find((each) => each.id === 4)).toMatchObject({ afterId: 1, startAtMs: null });
    expect(behind.find((each) => each.id === 2)!.afterId).toBe(4);
    expect(() => moveItem(base, 1, { afterId: 3 })).toThrow(expect.objectContaining({ code: 'BAD_CHAIN', field: 'after' }));
  });

  it('removes: a chain closes up behind a removed follower; a removed fixed item leaves its follower fixed where it was', () => {
    const before = resolve(base);
    const middle = resolve(removeItems(base, [2], before));
    expect(byId(middle, 3).startMs).toBe(T0 + 60 * S);
    const head = removeItems(base, [1], before);
    expect(head.find((each) => each.id === 2)).toMatchObject({ startAtMs: T0 + 60 * S, afterId: null });
    const both = resolve(removeItems(base, [2, 3], before));
    expect(both.map((each) => each.id)).toEqual([1, 4]);
  });
});

describe('checkEdit', () => {
  const base = [item(1, { startAtMs: T0 }), item(2, { afterId: 1 }), item(4, { startAtMs: T0 + 3600 * S, title: 'News' })];
  const check = (after: TimelineItem[], nowMs: number, editedId: number, endTrimOnly = false) =>
    checkEdit({ before: resolve(base), after: resolve(after), nowMs, editedId, field: 'startAt', endTrimOnly });

  it('names the fixed item an edit runs into, with its id and times', () => {
    const added = insertFixed(base, item(NEW_ITEM_ID, { title: 'Film', playSeconds: 600 }), T0 + 3300 * S);
    expect(() => check(added, T0 - S, NEW_ITEM_ID)).toThrow(
      expect.objectContaining({
        code: 'CONFLICT',
        apiCode: 'CONFLICT',
        field: 'startAt',
        message: expect.stringContaining('"News" (item 4, 2026-12-06T21:00:00.000Z–2026-12-06T21:01:00.000Z)'),
      }),
    );
  });

  it('names the fixed item a follower is pushed into', () => {
    const longer = updateItem(base, 1, { playSeconds: 3580 });
    expect(() => check(longer, T0 - S, 1)).toThrow(/"Show 2" \(item 2, .*\) would overlap "News" \(item 4/);
  });

  it('lets followers shift when nothing fixed is in the way', () => {
    expect(() => check(updateItem(base, 1, { playSeconds: 120 }), T0 - S, 1)).not.toThrow();
  });

  it('refuses to start an item in the past, or to change what has started; the item on air may only be trimmed at its end', () => {
    const nowMs = T0 + 30 * S; // item 1 is on air
    expect(() => check(insertFixed(base, item(NEW_ITEM_ID, {}), T0 + 10 * S), nowMs, NEW_ITEM_ID)).toThrow(
      expect.objectContaining({ code: 'STARTED', apiCode: 'CONFLICT', message: expect.stringMatching(/in the past/) }),
    );
    expect(() => check(moveItem(base, 1, { startAtMs: T0 + 600 * S }), nowMs, 1)).toThrow(/is on air now: it cannot be moved/);
    expect(() => check(removeItems(base, [1], resolve(base)), nowMs, 1)).toThrow(/cannot be removed/);
    expect(() => check(updateItem(base, 1, { inSeconds: 5, playSeconds: 55 }), nowMs, 1)).toThrow(/cannot be moved or changed/);
    expect(() => check(updateItem(base, 1, { playSeconds: 90 }), nowMs, 1, true)).not.toThrow();
    expect(() => check(updateItem(base, 1, { playSeconds: 90 }), nowMs, 1, false)).toThrow(/only its end can be trimmed/);
    expect(() => check(updateItem(base, 1, { playSeconds: 20 }), nowMs, 1, true)).toThrow(/cannot end before now/);
    // A past item stays as it aired.
    expect(() => check(updateItem(base, 1, { playSeconds: 90 }), T0 + 3590 * S, 1, true)).toThrow(/has already aired: its length cannot change/);
    // Future items can still change while one is on air.
    expect(() => check(moveItem(base, 4, { startAtMs: T0 + 4000 * S }), nowMs, 4)).not.toThrow();
  });

  it('does not blame an edit for an overlap that was there before it', () => {
    const overlapping = [item(1, { startAtMs: T0, playSeconds: 4000 }), item(4, { startAtMs: T0 + 3600 * S }), item(5, { startAtMs: T0 + 7200 * S })];
    const before = resolve(overlapping);
    const after = resolve(updateItem(overlapping, 5, { playSeconds: 30 }));
    expect(() => checkEdit({ before, after, nowMs: T0 - S, editedId: 5, field: 'durationSeconds', endTrimOnly: true })).not.toThrow();
  });
});
