import { describe, expect, it } from 'vitest';
import { MonitorClock, REOPEN_AFTER_STALE_MS, STALE_AFTER_MS } from './monitor-clock.ts';

const TICK_MS = 250;

/** Samples the clock every TICK_MS from `from` (ms) with the media times given, and returns each verdict. */
function run(clock: MonitorClock, from: number, times: number[]): string[] {
  return times.map((time, i) => clock.sample(time, from + i * TICK_MS));
}

describe('MonitorClock', () => {
  it('waits until the clock moves, then plays', () => {
    const clock = new MonitorClock();
    expect(run(clock, 0, [0, 0, 0])).toEqual(['waiting', 'waiting', 'waiting']);
    expect(clock.sample(0.25, 750)).toBe('playing');
  });

  it('never calls a picture that has not played stale (it is still waiting)', () => {
    const clock = new MonitorClock();
    expect(clock.sample(0, 0)).toBe('waiting');
    expect(clock.sample(0, STALE_AFTER_MS * 3)).toBe('waiting');
  });

  it('calls a frozen picture stale after STALE_AFTER_MS, and playing again when it moves on', () => {
    const clock = new MonitorClock();
    run(clock, 0, [0, 0.25, 0.5]);
    expect(clock.sample(0.5, 500 + STALE_AFTER_MS)).toBe('playing');
    expect(clock.sample(0.5, 500 + STALE_AFTER_MS + 1)).toBe('stale');
    expect(clock.sample(0.75, 500 + STALE_AFTER_MS + 250)).toBe('playing');
  });

  it('after a reopened feed (its clock starts again from 0) says playing as soon as the new clock moves', () => {
    const clock = new MonitorClock();
    run(clock, 0, [10, 10.25, 10.5]);
    const frozenAt = 500;
    expect(clock.sample(10.5, frozenAt + STALE_AFTER_MS + 1)).toBe('stale');
    // The new player: its clock is back at 0, then moves on from there, far below the old 10.5 s.
    const reopenedAt = frozenAt + STALE_AFTER_MS + 500;
    expect(clock.sample(0, reopenedAt)).toBe('stale');
    expect(clock.sample(0, reopenedAt + 250)).toBe('stale');
    expect(clock.sample(0.3, reopenedAt + 500)).toBe('playing');
    expect(clock.sample(0.55, reopenedAt + 750)).toBe('playing');
  });

  it('a player reopened after an error (its clock back at 0) is waiting, not playing, until its clock moves', () => {
    const clock = new MonitorClock();
    run(clock, 0, [10, 10.25, 10.5]);
    expect(clock.sample(0, 750)).toBe('waiting');
    expect(clock.sample(0, 1000 + STALE_AFTER_MS * 2)).toBe('waiting');
    expect(clock.sample(0.25, 1250 + STALE_AFTER_MS * 2)).toBe('playing');
  });

  it('a reopened player that never starts is reopened again', () => {
    const clock = new MonitorClock();
    run(clock, 0, [10, 10.25, 10.5]);
    expect(clock.sample(0, 750)).toBe('waiting');
    expect(clock.shouldReopen(750 + REOPEN_AFTER_STALE_MS - 1)).toBe(false);
    expect(clock.shouldReopen(750 + REOPEN_AFTER_STALE_MS)).toBe(true);
  });

  it('asks for a reopen once the picture has been stale REOPEN_AFTER_STALE_MS, then no more often than that', () => {
    const clock = new MonitorClock();
    run(clock, 0, [0, 0.25]);
    const staleAt = 250 + STALE_AFTER_MS + 1;
    expect(clock.sample(0.25, staleAt)).toBe('stale');
    expect(clock.shouldReopen(staleAt + REOPEN_AFTER_STALE_MS - 1)).toBe(false);
    expect(clock.shouldReopen(staleAt + REOPEN_AFTER_STALE_MS)).toBe(true);
    expect(clock.shouldReopen(staleAt + REOPEN_AFTER_STALE_MS + 250)).toBe(false);
    expect(clock.shouldReopen(staleAt + 2 * REOPEN_AFTER_STALE_MS)).toBe(true);
  });

  it('never asks for a reopen while playing or waiting', () => {
    const clock = new MonitorClock();
    expect(clock.shouldReopen(60_000)).toBe(false);
    run(clock, 0, [0, 0.25, 0.5, 0.75]);
    expect(clock.shouldReopen(60_000)).toBe(false);
  });
});
