import { describe, expect, it } from 'vitest';
import { parseDurationMs, transitionAt, transitionLabel } from './transition-choice.ts';

describe('transition choice', () => {
  it('turns a duration into whole frames at the program rate', () => {
    expect(transitionAt({ kind: 'fade', durationMs: 300 }, '30')).toEqual({ kind: 'fade', frames: 9 });
    expect(transitionAt({ kind: 'fade', durationMs: 300 }, '29.97')).toEqual({ kind: 'fade', frames: 9 });
    expect(transitionAt({ kind: 'fade', durationMs: 1000 }, '59.94')).toEqual({ kind: 'fade', frames: 60 });
    expect(transitionAt({ kind: 'fadeToBlack', durationMs: 500 }, '25')).toEqual({ kind: 'fadeToBlack', frames: 13 });
  });

  it('keeps a transition the engine accepts: one frame for a fade, two for a fade to black, at most 600', () => {
    expect(transitionAt({ kind: 'fade', durationMs: 1 }, '24')).toEqual({ kind: 'fade', frames: 1 });
    expect(transitionAt({ kind: 'fadeToBlack', durationMs: 1 }, '24')).toEqual({ kind: 'fadeToBlack', frames: 2 });
    expect(transitionAt({ kind: 'fade', durationMs: 10_000 }, '60')).toEqual({ kind: 'fade', frames: 600 });
    expect(transitionAt({ kind: 'cut', durationMs: 300 }, '30')).toEqual({ kind: 'cut' });
  });

  it('reads a typed duration or names what is wrong', () => {
    expect(parseDurationMs(' 750 ')).toEqual({ value: 750 });
    expect(parseDurationMs('')).toHaveProperty('error');
    expect(parseDurationMs('0.5')).toHaveProperty('error');
    expect(parseDurationMs('20')).toEqual({ error: 'Duration must be 50–10000 ms.' });
  });

  it('labels like OBS', () => {
    expect(transitionLabel({ kind: 'cut', durationMs: 300 })).toBe('Cut');
    expect(transitionLabel({ kind: 'fadeToBlack', durationMs: 300 })).toBe('Fade to Black (300 ms)');
  });
});
