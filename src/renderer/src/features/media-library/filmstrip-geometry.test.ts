import { describe, expect, it } from 'vitest';
import { percentAt, secondsAtFraction } from './filmstrip-geometry.ts';

const PAL = { num: 25, den: 1 };
const NTSC = { num: 30000, den: 1001 };

describe('filmstrip geometry', () => {
  it('maps a point on the strip to the nearest whole frame', () => {
    expect(secondsAtFraction(0, 10, PAL)).toBe(0);
    expect(secondsAtFraction(0.5, 10, PAL)).toBe(5);
    // 0.4321 × 10 s = 4.321 s → frame 108 (4.32 s).
    expect(secondsAtFraction(0.4321, 10, PAL)).toBeCloseTo(4.32, 9);
    // At 29.97 a mark is n × 1001/30000 s.
    expect(secondsAtFraction(0.5, 10, NTSC) * 30000).toBeCloseTo(150 * 1001, 6);
  });

  it('stays within the item: the last frame at most, never its end', () => {
    expect(secondsAtFraction(1, 10, PAL)).toBeCloseTo(9.96, 9);
    expect(secondsAtFraction(1.7, 10, PAL)).toBeCloseTo(9.96, 9);
    expect(secondsAtFraction(-0.2, 10, PAL)).toBe(0);
  });

  it('places a time along the strip, clamped', () => {
    expect(percentAt(2.5, 10)).toBe(25);
    expect(percentAt(12, 10)).toBe(100);
    expect(percentAt(1, 0)).toBe(0);
  });
});
