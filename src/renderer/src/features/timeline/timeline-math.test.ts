import { describe, expect, it } from 'vitest';
import type { ScheduleItem } from '../../../../shared/schedule.ts';
import { nextHalfHour, roundToUnit, snapEdge, snapStart, snapUnit } from './snap.ts';
import { formatLength, formatWallTime, framesPerSecond, HOUR_MS, MINUTE_MS, tickStep, ticks, timeAt, xOf, ZOOM_LIMITS, zoomAt } from './time-scale.ts';
import { edgesNear, indexSchedule, lowerBound, visibleEntries } from './visible.ts';

/** A local wall time today-ish (the tests hold in any time zone). */
const local = (h: number, m = 0, s = 0, ms = 0) => new Date(2026, 11, 6, h, m, s, ms).getTime();

function item(id: number, startMs: number, seconds: number): ScheduleItem {
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
  };
}

describe('time ↔ x', () => {
  it('maps a time to x and back, and zooming keeps the time under the pointer', () => {
    const scale = { originMs: local(20), pxPerMs: 0.01 };
    expect(xOf(scale, local(20, 0, 10))).toBeCloseTo(100);
    expect(timeAt(scale, 100)).toBeCloseTo(local(20, 0, 10));
    const zoomed = zoomAt(scale, 4, 300);
    expect(zoomed.pxPerMs).toBeCloseTo(0.04);
    expect(timeAt(zoomed, 300)).toBeCloseTo(timeAt(scale, 300));
  });

  it('stops zooming at frames and at hours', () => {
    expect(zoomAt({ originMs: 0, pxPerMs: 1 }, 1000, 0).pxPerMs).toBe(ZOOM_LIMITS.maxPxPerMs);
    expect(zoomAt({ originMs: 0, pxPerMs: 1e-4 }, 1e-6, 0).pxPerMs).toBe(ZOOM_LIMITS.minPxPerMs);
  });

  it('knows the NTSC rates exactly', () => {
    expect(framesPerSecond('29.97')).toBe(30000 / 1001);
    expect(framesPerSecond('25')).toBe(25);
  });
});

describe('wall time as text', () => {
  it('writes HH:MM:SS, and HH:MM:SS:FF with frames', () => {
    expect(formatWallTime(local(20, 5, 9))).toBe('20:05:09');
    expect(formatWallTime(local(20, 5, 9, 520), 25)).toBe('20:05:09:13');
    expect(formatWallTime(local(7, 0, 0, 999), 30)).toBe('07:00:00:29');
  });

  it('writes lengths as MM:SS or H:MM:SS', () => {
    expect(formatLength(95)).toBe('01:35');
    expect(formatLength(3725)).toBe('1:02:05');
    expect(formatLength(1.5, 30)).toBe('00:01:15');
  });
});

describe('the ruler', () => {
  it('uses frame steps only when frames are wide enough to read', () => {
    expect(tickStep(2, 25)).toEqual({ frames: 2 });
    expect(tickStep(0.1, 25)).toEqual({ ms: 1000 });
    expect(tickStep(90 / HOUR_MS, 25)).toEqual({ ms: HOUR_MS });
  });

  it('puts ticks on the local wall clock grid', () => {
    const marks = ticks(local(20, 7), local(21, 10), { ms: 30 * MINUTE_MS }, 25);
    expect(marks).toEqual([local(20, 30), local(21)]);
    const frames = ticks(local(20, 0, 0), local(20, 0, 0, 200), { frames: 2 }, 25);
    expect(frames).toEqual([0, 80, 160].map((ms) => local(20, 0, 0, ms)));
    // Epoch ms carry float error: every 2nd frame of a second at 30 fps must still read 00, 02, … 28.
    const second = local(20, 0, 1);
    const labels = ticks(second, second + 999, { frames: 2 }, 30).map((t) => formatWallTime(t, 30).slice(-2));
    expect(labels).toEqual(Array.from({ length: 15 }, (_, i) => String(2 * i).padStart(2, '0')));
  });
});

describe('snapping', () => {
  it('picks the grid by zoom: frames, seconds, then minutes', () => {
    expect(snapUnit(1, 25)).toBe('frame');
    expect(snapUnit(0.01, 25)).toBe('second');
    expect(snapUnit(0.0001, 25)).toBe('minute');
  });

  it('rounds to the nearest frame, second or minute of the wall clock', () => {
    expect(roundToUnit(local(20, 0, 0, 50), 'frame', 25)).toBe(local(20, 0, 0, 40));
    expect(roundToUnit(local(20, 0, 0, 990), 'frame', 25)).toBe(local(20, 0, 1));
    expect(roundToUnit(local(20, 0, 1, 600), 'second', 25)).toBe(local(20, 0, 2));
    expect(roundToUnit(local(20, 3, 29), 'minute', 25)).toBe(local(20, 3));
  });

  it('catches a neighbour edge within reach, with the start or with the end', () => {
    const base = { durationMs: 60_000, pxPerMs: 0.01, fps: 25, padToHalfHour: false };
    // 8 px reach = 800 ms at this zoom.
    expect(snapStart({ ...base, startMs: local(20, 0, 0, 600), edges: [local(20)] })).toEqual({ startMs: local(20), by: 'edge' });
    expect(snapStart({ ...base, startMs: local(19, 59, 0, 500), edges: [local(20)] })).toEqual({ startMs: local(19, 59), by: 'edge' });
    expect(snapStart({ ...base, startMs: local(20, 0, 3, 400), edges: [local(20)] })).toEqual({ startMs: local(20, 0, 3), by: 'grid' });
  });

  it('pads to the next :00 or :30', () => {
    expect(nextHalfHour(local(20, 7, 12))).toBe(local(20, 30));
    expect(nextHalfHour(local(20, 30))).toBe(local(20, 30));
    expect(nextHalfHour(local(20, 31))).toBe(local(21));
    const padded = snapStart({ startMs: local(20, 7), durationMs: 1000, pxPerMs: 0.01, fps: 25, edges: [local(20, 7)], padToHalfHour: true });
    expect(padded).toEqual({ startMs: local(20, 30), by: 'pad' });
  });

  it('snaps a trimmed edge to a neighbour, else the grid', () => {
    expect(snapEdge(local(20, 0, 0, 300), 0.01, 25, [local(20)])).toBe(local(20));
    expect(snapEdge(local(20, 0, 5, 300), 0.01, 25, [local(20)])).toBe(local(20, 0, 5));
  });
});

describe('the visible window', () => {
  it('binary-searches the first start at or after a value', () => {
    expect(lowerBound([1, 3, 3, 7], 3)).toBe(1);
    expect(lowerBound([1, 3, 3, 7], 8)).toBe(4);
    expect(lowerBound([], 5)).toBe(0);
  });

  it('finds only the items that show, including one that began before the view', () => {
    // A week of half-hour items, and one long item at the start.
    const items = [item(0, local(0) - 6 * HOUR_MS, 8 * 3600)];
    for (let i = 1; i <= 7 * 48; i++) items.push(item(i, local(2) + (i - 1) * 30 * MINUTE_MS, 1800));
    const index = indexSchedule(items.reverse());
    const shown = visibleEntries(index, local(1), local(3, 10));
    expect(shown.map((entry) => entry.item.id)).toEqual([0, 1, 2, 3]);
    const later = visibleEntries(index, local(2) + 3 * 24 * HOUR_MS + 1, local(2) + 3 * 24 * HOUR_MS + 20 * MINUTE_MS);
    expect(later.map((entry) => entry.item.id)).toEqual([145]);
    expect(visibleEntries(index, local(0) - 30 * 24 * HOUR_MS, local(0) - 29 * 24 * HOUR_MS)).toEqual([]);
  });

  it('gives the neighbours’ edges, without the dragged items', () => {
    const index = indexSchedule([item(1, local(20), 600), item(2, local(20, 10), 600)]);
    expect(edgesNear(index, local(19), local(21), new Set([2]))).toEqual([local(20), local(20, 10)]);
  });
});
