import { describe, expect, it } from 'vitest';
import type { SourceConfig, SourceInfo } from '../../../../shared/program.ts';
import { FADER_MAX_DB, FADER_MIN_DB, UNITY_POSITION, dbAtFaderPosition, faderPositionOf, formatDb, mixerSources, stepDb } from './fader';

describe('fader travel ↔ dB', () => {
  it('spans −60 dB at the bottom to +24 dB at the top, with unity at 80 % of the travel', () => {
    expect(dbAtFaderPosition(0)).toBe(FADER_MIN_DB);
    expect(dbAtFaderPosition(1)).toBe(FADER_MAX_DB);
    expect(dbAtFaderPosition(UNITY_POSITION)).toBe(0);
    expect(faderPositionOf(FADER_MIN_DB)).toBe(0);
    expect(faderPositionOf(FADER_MAX_DB)).toBe(1);
    expect(faderPositionOf(0)).toBe(UNITY_POSITION);
    // Out of range and nonsense stay at the ends.
    expect(dbAtFaderPosition(-0.5)).toBe(FADER_MIN_DB);
    expect(dbAtFaderPosition(7)).toBe(FADER_MAX_DB);
    expect(faderPositionOf(-Infinity)).toBe(0);
    expect(faderPositionOf(99)).toBe(1);
  });

  it("follows OBS's logarithmic taper below unity: the loud end gets most of the travel", () => {
    // −60..−20 dB takes less travel than −20..0 dB, unlike a fader linear in dB.
    expect(faderPositionOf(-20)).toBeLessThan(UNITY_POSITION / 2);
    expect(faderPositionOf(-20) - faderPositionOf(-60)).toBeLessThan(faderPositionOf(0) - faderPositionOf(-20));
    // log_def_to_db with a 6 dB offset over 60 dB: x = −log11(26/66) ≈ 0.3886 of the attenuation travel.
    expect(faderPositionOf(-20)).toBeCloseTo(0.3886 * UNITY_POSITION, 3);
    // Boost is linear in dB over the top fifth: +12 dB halfway between unity and the top.
    expect(faderPositionOf(12)).toBeCloseTo((UNITY_POSITION + 1) / 2, 10);
  });

  it('is monotonic, and every 0.1 dB step survives the round trip through a 1000-step fader', () => {
    let previous = -Infinity;
    for (let step = 0; step <= 1000; step++) {
      const db = dbAtFaderPosition(step / 1000);
      expect(db).toBeGreaterThanOrEqual(previous);
      previous = db;
    }
    for (const db of [-60, -45.5, -20, -6, -0.1, 0, 0.1, 6, 23.9, 24]) {
      expect(Math.abs(dbAtFaderPosition(faderPositionOf(db)) - db)).toBeLessThanOrEqual(0.05);
    }
  });

  it('steps by keyboard on the 0.1 dB grid, within range', () => {
    expect(stepDb(-20, 1)).toBe(-19);
    expect(stepDb(-0.05, 0.1)).toBe(0.1);
    expect(stepDb(23.5, 6)).toBe(FADER_MAX_DB);
    expect(stepDb(-58, -6)).toBe(FADER_MIN_DB);
  });

  it("reads like OBS's readout", () => {
    expect(formatDb(-20)).toBe('-20.0 dB');
    expect(formatDb(3)).toBe('+3.0 dB');
    expect(formatDb(0)).toBe('0.0 dB');
    expect(formatDb(-0.04)).toBe('0.0 dB');
  });
});

describe('which sources get a strip', () => {
  const source = (id: number, config: SourceConfig): SourceInfo => ({
    id,
    name: `s${id}`,
    config,
    audio: { gainDb: 0, muted: false },
    state: null,
    reason: null,
  });
  const size = { width: 64, height: 36 };

  it('live inputs, media files and test patterns, in the sources’ order; never an image, a colour or a text', () => {
    const all = [
      source(1, { kind: 'image', path: '/a.png', ...size }),
      source(2, { kind: 'media', path: '/a.mp4', loop: true, startSeconds: 0, ...size }),
      source(3, { kind: 'color', color: '#000000', ...size }),
      source(4, { kind: 'rtmp', streamKeyId: 1, slateText: 'Stand by', ...size }),
      source(5, { kind: 'text', text: 'Hello', fontSize: 48, color: '#ffffff', ...size }),
      source(6, { kind: 'test_pattern', toneHz: 1000, ...size }),
    ];
    expect(mixerSources(all).map((s) => s.id)).toEqual([2, 4, 6]);
    expect(mixerSources([all[0]!, all[2]!, all[4]!])).toEqual([]);
  });
});
