import { describe, expect, it } from 'vitest';
import type { ScheduleItem } from '../../../../shared/schedule.ts';
import { type DragPreview, isTimelineDragData, previewDrag, trimOf } from './drag-preview.ts';
import { indexSchedule } from './visible.ts';

const local = (h: number, m = 0, s = 0, ms = 0) => new Date(2026, 11, 6, h, m, s, ms).getTime();

function item(id: number, startMs: number, seconds: number, extra: Partial<ScheduleItem> = {}): ScheduleItem {
  return {
    id,
    kind: 'media',
    title: `Show ${id}`,
    mediaId: id,
    sceneId: null,
    anchor: 'fixed',
    afterId: null,
    startAt: new Date(startMs).toISOString(),
    durationSeconds: seconds,
    inSeconds: 0,
    playSeconds: seconds,
    breaks: null,
    problem: null,
    ...extra,
  };
}

// 10 px a second (the grid is seconds; an edge catches within 8 px = 0.8 s), the view from 20:00 (x = 0) to 20:10.
const scale = { originMs: local(20), pxPerMs: 0.01 };
const index = indexSchedule([item(1, local(20, 1), 60, { inSeconds: 5, playSeconds: 60 }), item(2, local(20, 5), 120)]);
const view = { scale, fps: 25, index, padToHalfHour: false, fromMs: local(20), toMs: local(20, 10) };
const media = { kind: 'media' as const, mediaId: 9, name: 'Clip', durationSeconds: 30 };

describe('drag previews', () => {
  it('tells its own drags and library rows from anything else', () => {
    expect(isTimelineDragData(media)).toBe(true);
    expect(isTimelineDragData({ kind: 'trim', id: 3, edge: 'end' })).toBe(true);
    expect(isTimelineDragData({ kind: 'scene', id: 3 })).toBe(false);
    expect(isTimelineDragData(null)).toBe(false);
  });

  it('drops a library item at the pointer, snapped, and nowhere when the pointer is off the lanes', () => {
    // x 2120.4 = 20:03:32.04.
    expect(previewDrag(media, 2120.4, 0, view)).toMatchObject({ kind: 'media', startMs: local(20, 3, 32), endMs: local(20, 4, 2), by: 'grid' });
    // Its end 5 px from item 2's start (20:05): it lands flush before it.
    expect(previewDrag(media, 2695, 0, view)).toMatchObject({ startMs: local(20, 4, 30), by: 'edge' });
    expect(previewDrag(media, null, 0, view)).toBeNull();
    expect(previewDrag(media, 2120, 0, { ...view, padToHalfHour: true })).toMatchObject({ startMs: local(20, 30), by: 'pad' });
  });

  it('moves an item by the pointer’s travel, onto a neighbour’s edge when close', () => {
    expect(previewDrag({ kind: 'item', id: 1 }, null, 203, view)).toMatchObject({ kind: 'move', startMs: local(20, 1, 20), by: 'grid' });
    // Its end half a second short of item 2's start (20:05).
    expect(previewDrag({ kind: 'item', id: 1 }, null, 1795, view)).toMatchObject({ kind: 'move', startMs: local(20, 4), endMs: local(20, 5), by: 'edge' });
    expect(previewDrag({ kind: 'item', id: 99 }, null, 10, view)).toBeNull();
  });

  it('trims the end to the grid, and the start no further back than the file’s beginning', () => {
    const end = previewDrag({ kind: 'trim', id: 2, edge: 'end' }, null, -303, view) as Extract<DragPreview, { kind: 'trim' }>;
    expect(end).toMatchObject({ startMs: local(20, 5), endMs: local(20, 6, 30) });
    expect(trimOf(end)).toEqual({ durationSeconds: 90 });
    const start = previewDrag({ kind: 'trim', id: 1, edge: 'start' }, null, -100, view) as Extract<DragPreview, { kind: 'trim' }>;
    expect(start.startMs).toBe(local(20, 0, 55));
    expect(trimOf(start)).toEqual({ inSeconds: 0, durationSeconds: 65, startMs: local(20, 0, 55) });
  });

  it('trims an item that follows another by its in point only', () => {
    const follows = indexSchedule([item(3, local(20, 1), 60, { anchor: 'follows', afterId: 1, inSeconds: 10, playSeconds: 60 })]);
    const start = previewDrag({ kind: 'trim', id: 3, edge: 'start' }, null, 150, { ...view, index: follows }) as Extract<DragPreview, { kind: 'trim' }>;
    expect(trimOf(start)).toEqual({ inSeconds: 25, durationSeconds: 45 });
  });
});
