import { describe, expect, it } from 'vitest';
import { DECAY_DB_PER_SECOND, PEAK_HOLD_MS, STALE_AFTER_MS, applyReading, isStale, meterFraction, silentBallistics, tick, zoneOf } from './ballistics';

describe('meter colour zones (OBS: yellow from −20 dBFS, red from −9 dBFS)', () => {
  it('puts each level in its zone, boundaries included', () => {
    expect(zoneOf(-40)).toBe('green');
    expect(zoneOf(-20.01)).toBe('green');
    expect(zoneOf(-20)).toBe('yellow');
    expect(zoneOf(-9.01)).toBe('yellow');
    expect(zoneOf(-9)).toBe('red');
    expect(zoneOf(0)).toBe('red');
  });
  it('maps −60 dB and silence to empty and 0 dBFS to full', () => {
    expect(meterFraction(-Infinity)).toBe(0);
    expect(meterFraction(-70)).toBe(0);
    expect(meterFraction(-60)).toBe(0);
    expect(meterFraction(-30)).toBeCloseTo(0.5);
    expect(meterFraction(0)).toBe(1);
    expect(meterFraction(3)).toBe(1);
  });
});

describe('peak hold and decay', () => {
  it('jumps up to a reading, then falls smoothly at the decay rate', () => {
    let state = applyReading(silentBallistics, -10, 1000);
    expect(state.shownDb).toBe(-10);
    state = tick(state, 1500, 500);
    expect(state.shownDb).toBeCloseTo(-10 - DECAY_DB_PER_SECOND * 0.5);
    // A quieter reading does not pull the drawn level down at once.
    const quieter = applyReading(state, -40, 1500);
    expect(quieter.shownDb).toBe(state.shownDb);
  });
  it('holds the peak for the hold time, then lets it fall', () => {
    let state = applyReading(silentBallistics, -6, 0);
    state = applyReading(state, -30, 500);
    expect(state.holdDb).toBe(-6);
    state = applyReading(state, -30, PEAK_HOLD_MS - 200);
    state = tick(state, PEAK_HOLD_MS - 100, 100);
    expect(state.holdDb).toBe(-6);
    state = applyReading(state, -30, PEAK_HOLD_MS + 100);
    expect(state.holdDb).toBe(-30);
  });
  it('shows empty when readings stop for over a second, instead of a frozen level', () => {
    let state = applyReading(silentBallistics, -3, 0);
    expect(isStale(state, STALE_AFTER_MS - 1)).toBe(false);
    state = tick(state, STALE_AFTER_MS + 1, 16);
    expect(isStale(state, STALE_AFTER_MS + 1)).toBe(true);
    expect(state.shownDb).toBe(-Infinity);
    expect(state.holdDb).toBe(-Infinity);
    expect(isStale(silentBallistics, 0)).toBe(true);
  });
});
