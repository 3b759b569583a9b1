import { describe, expect, it } from 'vitest';
import { droppedLevel, fpsLevel } from './stats.ts';

describe('OBS stats thresholds', () => {
  it('colours frame rate: < 95 % warns, < 80 % is danger', () => {
    expect(fpsLevel(30, 30)).toBe('ok');
    expect(fpsLevel(28.5, 30)).toBe('ok');
    expect(fpsLevel(28.4, 30)).toBe('warning');
    expect(fpsLevel(24, 30)).toBe('warning');
    expect(fpsLevel(23.9, 30)).toBe('danger');
    expect(fpsLevel(0, 0)).toBe('ok');
  });

  it('colours dropped frames: > 1 % warns, > 5 % is danger', () => {
    expect(droppedLevel(0, 1000)).toBe('ok');
    expect(droppedLevel(10, 1000)).toBe('ok');
    expect(droppedLevel(11, 1000)).toBe('warning');
    expect(droppedLevel(50, 1000)).toBe('warning');
    expect(droppedLevel(51, 1000)).toBe('danger');
    expect(droppedLevel(3, 0)).toBe('ok');
  });
});
