import { describe, expect, it } from 'vitest';
import { FakeTimeline } from '../../../../tests/support/on-air.ts';
import { framesIn, gridFrames, planBreak, planBreakAt, planEarlyReturn, spliceFrameAfter } from './planner.ts';

describe('break planner (GOP grid, decision 1)', () => {
  it('splices at the first IDR at or after the next frame plus the preroll, its PTS that IDR’s', () => {
    const grid = new FakeTimeline({ fps: 30, gopFrames: 60, firstPts: 126_000 });
    grid.advanceTo(100); // last frame made: 100; + 1 + 120 = 221 → IDR 240
    const plan = planBreak(grid, 30, 4);
    expect(plan.spliceFrame).toBe(240);
    expect(plan.spliceFrame % 60).toBe(0);
    expect(plan.splicePts).toBe(126_000 + 240 * 3000);
    expect(plan.returnFrame).toBe(240 + 900);
    expect(plan.returnPts).toBe(126_000 + 1140 * 3000);
    expect(plan.durationSeconds).toBe(30);
    expect(plan.durationTicks).toBe(30 * 90_000);
  });

  it('a break at a frame (a chapter mark) splices at the IDR at or after it, within one GOP, never on a frame made', () => {
    const grid = new FakeTimeline({ fps: 30, gopFrames: 60, firstPts: 126_000 });
    grid.advanceTo(100);
    expect(planBreakAt(grid, 300, 5)).toMatchObject({ spliceFrame: 300, returnFrame: 480, splicePts: 126_000 + 300 * 3000 });
    expect(planBreakAt(grid, 301, 5)).toMatchObject({ spliceFrame: 360, returnFrame: 540 });
    expect(planBreakAt(grid, 359, 5).spliceFrame).toBe(360);
    // A mark already passed (or the frame being made) splices at the next IDR still to come.
    expect(planBreakAt(grid, 50, 5).spliceFrame).toBe(120);
  });

  it('a preroll landing exactly on an IDR splices there, not a GOP later', () => {
    const grid = new FakeTimeline();
    grid.advanceTo(59); // 59 + 1 + 120 = 180, an IDR
    expect(spliceFrameAfter(grid, 4)).toBe(180);
  });

  it('preroll 0 is the next IDR, and never the frame already made', () => {
    const grid = new FakeTimeline();
    grid.advanceTo(60); // frame 60 (an IDR) was made: the next IDR is 120
    expect(spliceFrameAfter(grid, 0)).toBe(120);
    grid.advanceTo(61);
    expect(spliceFrameAfter(grid, 0)).toBe(120);
  });

  it('rounds a duration to the GOP grid and reports the real length, at least one GOP', () => {
    expect(gridFrames(45, 30, 60)).toBe(1380); // 1350 frames = 22.5 GOPs → 23 GOPs (46 s)
    expect(gridFrames(1, 30, 60)).toBe(60);
    const grid = new FakeTimeline();
    grid.advanceTo(10);
    const plan = planBreak(grid, 45, 4);
    expect(plan.returnFrame - plan.spliceFrame).toBe(1380);
    expect(plan.durationSeconds).toBe(46);
    expect(plan.durationTicks).toBe(46 * 90_000);
  });

  it('29.97 fps: the duration in ticks is exact (3003 per frame) and the splice still on the grid', () => {
    const grid = new FakeTimeline({ fps: 30000 / 1001, gopFrames: 60, firstPts: 0 });
    grid.advanceTo(5);
    const plan = planBreak(grid, 60, 4);
    expect(plan.spliceFrame % 60).toBe(0);
    expect(plan.returnFrame - plan.spliceFrame).toBe(1800);
    expect(plan.durationTicks).toBe(1800 * 3003);
  });

  it('the duration in ticks wraps with the 33-bit PTS', () => {
    const grid = new FakeTimeline({ fps: 30, gopFrames: 60, firstPts: 2 ** 33 - 3000 * 300 });
    grid.advanceTo(0);
    const plan = planBreak(grid, 30, 4);
    expect(plan.returnPts! < plan.splicePts!).toBe(true);
    expect(plan.durationTicks).toBe(30 * 90_000);
  });

  it('no PTS yet: the plan says so (null), the frames still stand', () => {
    const grid = new FakeTimeline({ firstPts: null });
    grid.advanceTo(3);
    const plan = planBreak(grid, 30, 4);
    expect(plan.splicePts).toBeNull();
    expect(plan.spliceFrame).toBe(180);
    expect(plan.durationTicks).toBe(30 * 90_000);
  });

  it('frames in a preroll round up, without float noise adding a frame', () => {
    expect(framesIn(0.1, 30)).toBe(3);
    expect(framesIn(4, 30000 / 1001)).toBe(120);
    expect(framesIn(0, 30)).toBe(0);
  });

  it('return now: the next IDR after the return preroll, or null when the planned return is not later', () => {
    const grid = new FakeTimeline();
    grid.advanceTo(300);
    expect(planEarlyReturn(grid, 0, 1200)).toBe(360);
    expect(planEarlyReturn(grid, 2, 1200)).toBe(420); // 301 + 60 = 361 → 420
    expect(planEarlyReturn(grid, 0, 360)).toBeNull();
  });
});
