import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PTS } from '../media.ts';
import { FRAME_RATES, FrameTicker, FrameTiming } from './frame-clock.ts';
import type { Tick, TimeSource } from './frame-clock.ts';

/** Exact reference with BigInt: floor(n · scale · den / num). */
function exact(n: number, scale: number, num: number, den: number): number {
  return Number((BigInt(n) * BigInt(scale) * BigInt(den)) / BigInt(num));
}

describe('FrameTiming', () => {
  it('gives 3003 ticks per frame at 29.97, exactly, for 10^6 frames', () => {
    const timing = new FrameTiming(FRAME_RATES['29.97'], { firstPts: 126_000 });
    for (let n = 0; n <= 1_000_000; n++) {
      if (timing.ptsOf(n) !== 126_000 + 3003 * n) throw new Error(`frame ${n}: ${timing.ptsOf(n)}`);
    }
    expect(timing.ptsOf(1_000_000)).toBe(126_000 + 3_003_000_000);
  });

  it('gives 3000 ticks and 1600 samples per frame at 30 fps', () => {
    const timing = new FrameTiming(FRAME_RATES['30']);
    for (let n = 0; n < 10_000; n++) {
      expect(timing.ticksOf(n)).toBe(3000 * n);
      expect(timing.samplesFor(n)).toBe(1600);
    }
  });

  it('alternates 1501/1502 ticks at 59.94 and 3753/3754 at 23.976, matching exact rational floors', () => {
    const t5994 = new FrameTiming(FRAME_RATES['59.94']);
    expect([1, 2, 3, 4].map((n) => t5994.ticksOf(n))).toEqual([1501, 3003, 4504, 6006]);
    const t23 = new FrameTiming(FRAME_RATES['23.976']);
    expect(t23.ticksOf(4)).toBe(15_015);
  });

  it('follows the cadence 1601,1602,1601,1602,1602 at 29.97 (8008 per 5 frames)', () => {
    const timing = new FrameTiming(FRAME_RATES['29.97']);
    expect([0, 1, 2, 3, 4].map((n) => timing.samplesFor(n))).toEqual([1601, 1602, 1601, 1602, 1602]);
    expect([5, 6, 7, 8, 9].map((n) => timing.samplesFor(n))).toEqual([1601, 1602, 1601, 1602, 1602]);
    expect(timing.maxSamplesPerFrame).toBe(1602);
  });

  it('sums to exactly 48,048,000 samples over 30,000 frames at 29.97 (1001 s)', () => {
    const timing = new FrameTiming(FRAME_RATES['29.97']);
    let sum = 0;
    for (let n = 0; n < 30_000; n++) sum += timing.samplesFor(n);
    expect(sum).toBe(48_048_000);
    expect(timing.sampleOffsetOf(30_000)).toBe(48_048_000);
  });

  it('sums exactly over any run of frames at any rate (property)', () => {
    const rates = Object.values(FRAME_RATES);
    fc.assert(
      fc.property(fc.constantFrom(...rates), fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 300 }), (rate, start, count) => {
        const timing = new FrameTiming(rate);
        let sum = 0;
        for (let n = start; n < start + count; n++) {
          const s = timing.samplesFor(n);
          expect(s === Math.floor((48_000 * rate.den) / rate.num) || s === Math.ceil((48_000 * rate.den) / rate.num)).toBe(true);
          sum += s;
        }
        expect(sum).toBe(exact(start + count, 48_000, rate.num, rate.den) - exact(start, 48_000, rate.num, rate.den));
        expect(timing.ticksOf(start)).toBe(exact(start, 90_000, rate.num, rate.den));
      }),
      { numRuns: 300 },
    );
  });

  it('wraps the 33-bit PTS and finds the frame at or after a PTS', () => {
    const timing = new FrameTiming(FRAME_RATES['29.97'], { firstPts: MAX_PTS - 3003 });
    expect(timing.wrappedPtsOf(0)).toBe(MAX_PTS - 3003);
    expect(timing.wrappedPtsOf(1)).toBe(0);
    expect(timing.wrappedPtsOf(2)).toBe(3003);
    const t = new FrameTiming(FRAME_RATES['29.97'], { firstPts: 1000 });
    expect(t.frameAtOrAfterPts(1000 + 3003 * 7)).toBe(7);
    expect(t.frameAtOrAfterPts(1000 + 3003 * 7 + 1)).toBe(8);
    expect(t.frameAtOrAfterPts(0)).toBe(0);
  });

  it('refuses rates that are not positive fractions in range', () => {
    expect(() => new FrameTiming({ num: 0, den: 1 })).toThrow(/frame rate/);
    expect(() => new FrameTiming({ num: 30.5, den: 1 })).toThrow(/frame rate/);
    expect(() => new FrameTiming({ num: 1000, den: 1 })).toThrow(/outside/);
  });
});

/** A fake monotonic clock; timers fire late by `jitterNs(i)` to mimic a busy event loop. */
class FakeTime implements TimeSource {
  now = 5_000_000_000n;
  timers: { due: bigint; callback: () => void; id: number }[] = [];
  #id = 0;
  scheduled = 0;
  readonly jitterNs: (i: number) => bigint;
  constructor(jitterNs: (i: number) => bigint = () => 0n) {
    this.jitterNs = jitterNs;
  }
  nowNs(): bigint {
    return this.now;
  }
  schedule(callback: () => void, delayMs: number): unknown {
    const id = ++this.#id;
    this.timers.push({ due: this.now + BigInt(delayMs) * 1_000_000n + this.jitterNs(this.scheduled++), callback, id });
    return id;
  }
  cancel(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  /** Runs timers in due order until `until`. */
  runUntil(until: bigint): void {
    for (;;) {
      this.timers.sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : 0));
      const next = this.timers[0];
      if (!next || next.due > until) break;
      this.timers.shift();
      if (next.due > this.now) this.now = next.due;
      next.callback();
    }
    if (until > this.now) this.now = until;
  }
}

describe('FrameTicker', () => {
  it('does not drift: after 1001 s of jittery timers at 29.97 it has delivered exactly 30,000 frames, in order, none late', () => {
    const time = new FakeTime((i) => BigInt((i * 7919) % 6_000_000)); // up to 6 ms late
    const frames: number[] = [];
    const ticker = new FrameTicker(FRAME_RATES['29.97'], (tick) => frames.push(tick.frame), { time });
    const t0 = time.now;
    ticker.start();
    // Frame 30000 is due at exactly t0 + 1001 s; stop just before it.
    time.runUntil(t0 + 1_001_000_000_000n - 1n);
    ticker.stop();
    expect(frames.length).toBe(30_000);
    expect(frames[29_999]).toBe(29_999);
    expect(frames.every((f, i) => f === i)).toBe(true);
    const stats = ticker.stats();
    expect(stats.skippedFrames).toBe(0);
    expect(stats.lateTicks).toBe(0);
    expect(ticker.idealTimeNs(30_000)).toBe(t0 + 1_001_000_000_000n);
  });

  it('delivers a tick no earlier than its ideal time and within a timer jitter of it', () => {
    const time = new FakeTime(() => 2_000_000n);
    const late: number[] = [];
    const ticker = new FrameTicker(
      FRAME_RATES['30'],
      (tick) => {
        expect(time.now >= ticker.idealTimeNs(tick.frame)).toBe(true);
        late.push(tick.lateNs);
      },
      { time },
    );
    ticker.start();
    time.runUntil(time.now + 10_000_000_000n);
    ticker.stop();
    // Frame 300 is due at exactly +10 s, and its timer fires 2 ms after that.
    expect(late.length).toBe(300);
    expect(Math.max(...late)).toBeLessThan(4_000_000);
  });

  it('when the consumer holds the thread, delivers the missed frames at once flagged skip, and counts them', () => {
    const time = new FakeTime();
    const seen: Tick[] = [];
    const ticker = new FrameTicker(
      FRAME_RATES['30'],
      (tick) => {
        seen.push({ ...tick });
        if (tick.frame === 10) time.now += 120_000_000n; // a 120 ms stall: frame 10 at 333 ms, now 453 ms
      },
      { time },
    );
    const t0 = time.now;
    ticker.start();
    time.runUntil(t0 + 1_000_000_000n - 1n); // up to frame 29
    ticker.stop();
    expect(seen.map((t) => t.frame)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    // 11 (367 ms) and 12 (400 ms) are a period or more behind frame 13 (433 ms), the newest due.
    expect(seen.filter((t) => t.skip).map((t) => t.frame)).toEqual([11, 12]);
    expect(seen[13]!.skip).toBe(false);
    // Timers are armed in whole ms, rounded up: frame 10 ran at 334 ms, so the stall ended at 454 ms.
    expect(seen[13]!.lateNs).toBe(454_000_000 - 433_333_333);
    const stats = ticker.stats();
    expect(stats.skippedFrames).toBe(2);
    expect(stats.lateTicks).toBe(3);
    expect(stats.maxLateNs).toBe(454_000_000 - 366_666_666);
  });

  it('with skipWhenBehindFrames, absorbs a short stall by composing late, and skips only beyond it', () => {
    const run = (stallNs: bigint) => {
      const time = new FakeTime();
      const seen: Tick[] = [];
      const ticker = new FrameTicker(
        FRAME_RATES['30'],
        (tick) => {
          seen.push({ ...tick });
          if (tick.frame === 10) time.now += stallNs;
        },
        { time, skipWhenBehindFrames: 3 },
      );
      const t0 = time.now;
      ticker.start();
      time.runUntil(t0 + 1_000_000_000n - 1n);
      ticker.stop();
      expect(seen.map((t) => t.frame)).toEqual(Array.from({ length: 30 }, (_, i) => i));
      return seen.filter((t) => t.skip).map((t) => t.frame);
    };
    // 120 ms: frames 11 and 12 are behind 13 by two periods or less: made late, none skipped.
    expect(run(120_000_000n)).toEqual([]);
    // 250 ms: frame 10 at 334 ms, stall ends at 584 ms, frame 17 (567 ms) is due: 11..14 are 3+ behind.
    expect(run(250_000_000n)).toEqual([11, 12, 13, 14]);
  });

  it('counts a tick later than half a period as late without skipping it', () => {
    let calls = 0;
    const time = new FakeTime(() => (calls++ === 5 ? 25_000_000n : 0n));
    const ticker = new FrameTicker(FRAME_RATES['30'], () => {}, { time });
    ticker.start();
    time.runUntil(time.now + 1_000_000_000n);
    ticker.stop();
    const stats = ticker.stats();
    expect(stats.lateTicks).toBe(1);
    expect(stats.skippedFrames).toBe(0);
  });

  it('stops cleanly and starts at the requested frame', () => {
    const time = new FakeTime();
    const frames: number[] = [];
    const ticker = new FrameTicker(
      FRAME_RATES['25'],
      (tick) => {
        frames.push(tick.frame);
        if (tick.frame === 102) ticker.stop();
      },
      { time, startFrame: 100 },
    );
    ticker.start();
    time.runUntil(time.now + 5_000_000_000n);
    expect(frames).toEqual([100, 101, 102]);
    expect(time.timers.length).toBe(0);
    expect(ticker.running).toBe(false);
  });
});
