import { describe, expect, it } from 'vitest';
import { formatTimecode, frameAt, secondsOfFrame, timecodeBase } from './timecode.ts';

const PAL = { num: 25, den: 1 };
const NTSC = { num: 30000, den: 1001 };
const FILM = { num: 24000, den: 1001 };

describe('timecode (HH:MM:SS:FF, non-drop-frame)', () => {
  it('counts frames at the media’s own rate', () => {
    expect(formatTimecode(0, PAL)).toBe('00:00:00:00');
    expect(formatTimecode(10, PAL)).toBe('00:00:10:00');
    expect(formatTimecode(10.04, PAL)).toBe('00:00:10:01');
    expect(formatTimecode(9.999, PAL)).toBe('00:00:09:24');
    expect(formatTimecode(3600 + 23 * 60 + 45 + 12 / 25, PAL)).toBe('01:23:45:12');
    expect(formatTimecode(1.5, { num: 50, den: 1 })).toBe('00:00:01:25');
  });

  it('reads ffprobe’s decimal seconds a hair under a frame boundary as that boundary', () => {
    // 250 frames at 25 fps written as 9.99999999 by a float round trip.
    expect(formatTimecode(9.999_999_99, PAL)).toBe('00:00:10:00');
    expect(frameAt(secondsOfFrame(7, NTSC), NTSC)).toBe(7);
    for (let frame = 0; frame < 2000; frame += 37) expect(frameAt(secondsOfFrame(frame, NTSC), NTSC)).toBe(frame);
  });

  it('labels 29.97 and 23.976 in seconds of 30 and 24 frames (non-drop-frame)', () => {
    expect(timecodeBase(NTSC)).toBe(30);
    expect(timecodeBase(FILM)).toBe(24);
    // 30 frames at 29.97 last 1.001 s and read as one timecode second.
    expect(formatTimecode(1.001, NTSC)).toBe('00:00:01:00');
    expect(formatTimecode(1, NTSC)).toBe('00:00:00:29');
    // One wall-clock hour is 107892 frames: 00:59:56:12 in non-drop-frame.
    expect(formatTimecode(3600, NTSC)).toBe('00:59:56:12');
  });

  it('goes past 99 hours rather than wrap, and marks what it cannot show', () => {
    expect(formatTimecode(100 * 3600, PAL)).toBe('100:00:00:00');
    expect(formatTimecode(Number.NaN, PAL)).toBe('--:--:--:--');
    expect(formatTimecode(-1, PAL)).toBe('--:--:--:--');
    expect(formatTimecode(1, { num: 0, den: 1 })).toBe('--:--:--:--');
  });
});
