// A frame clock's time that only moves when a test says so: the program makes exactly the
// frames whose time came, so tests can act between frames n and n+1 without racing a real clock.
import type { FrameRate } from '../../src/main/engine/media.ts';
import type { TimeSource } from '../../src/main/engine/compositor/index.ts';

export class FakeTime implements TimeSource {
  now = 1_000_000_000n;
  #timers: { due: bigint; callback: () => void; id: number }[] = [];
  #id = 0;

  nowNs(): bigint {
    return this.now;
  }

  schedule(callback: () => void, delayMs: number): unknown {
    const id = ++this.#id;
    this.#timers.push({ due: this.now + BigInt(Math.max(0, Math.ceil(delayMs))) * 1_000_000n, callback, id });
    return id;
  }

  cancel(handle: unknown): void {
    this.#timers = this.#timers.filter((timer) => timer.id !== handle);
  }

  /** Moves time on by `ns`, running each timer that falls due, in due order. */
  advance(ns: bigint): void {
    const until = this.now + ns;
    for (;;) {
      this.#timers.sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : 0));
      const next = this.#timers[0];
      if (!next || next.due > until) break;
      this.#timers.shift();
      if (next.due > this.now) this.now = next.due;
      next.callback();
    }
    this.now = until;
  }

  /** Moves time on by `frames` frame periods of `rate` (rounded up to whole ns). */
  advanceFrames(frames: number, rate: FrameRate): void {
    const num = BigInt(rate.num);
    this.advance((BigInt(frames) * BigInt(rate.den) * 1_000_000_000n + num - 1n) / num);
  }

  /**
   * Time jumps `frames` frame periods at once (the thread was held): the timers then run late, so
   * a frame clock delivers the frames that fell due meanwhile at once, flagged skip.
   */
  jumpFrames(frames: number, rate: FrameRate): void {
    const num = BigInt(rate.num);
    this.now += (BigInt(frames) * BigInt(rate.den) * 1_000_000_000n + num - 1n) / num;
    this.advance(0n);
  }
}
