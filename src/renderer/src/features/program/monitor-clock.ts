// The confidence monitor's verdict on its own picture, from its media clock alone (no media events):
// 'playing' only while video.currentTime moves forward, 'stale' once it has stood still for
// STALE_AFTER_MS after it played. A frozen picture never says playing. Pure: sampled by the view.

export type ClockState = 'waiting' | 'playing' | 'stale';

/** A picture whose clock has not moved for this long is called stale, never playing. */
export const STALE_AFTER_MS = 2000;
/** Stale for this long while the program runs: the monitor opens the feed afresh (and again after as long). */
export const REOPEN_AFTER_STALE_MS = 3000;
/** Movement smaller than this is noise, not play. */
const EPSILON_SECONDS = 0.001;

export class MonitorClock {
  #state: ClockState = 'waiting';
  #lastTime = -1;
  #lastAdvanceAt = 0;
  /** Since when the picture has not been live: it froze (stale) or its player started again (waiting). */
  #staleSince = 0;
  #played = false;
  #lastReopenAt = Number.NEGATIVE_INFINITY;

  get state(): ClockState {
    return this.#state;
  }

  /** One look at the video's clock at `now` (ms, monotonic). */
  sample(currentTime: number, now: number): ClockState {
    if (this.#lastTime < 0 || currentTime < this.#lastTime - EPSILON_SECONDS) {
      // The first look, or a clock that went back: a reopened feed's player starts its media timeline
      // again. A new baseline, not movement: only its moving on from here says playing. Until then a
      // picture that was playing is waiting again (a stale one stays stale, and is reopened again).
      this.#lastTime = currentTime;
      this.#lastAdvanceAt = now;
      if (this.#state === 'playing') {
        this.#state = 'waiting';
        this.#staleSince = now;
      }
      return this.#state;
    }
    if (currentTime > this.#lastTime + EPSILON_SECONDS) {
      this.#lastTime = currentTime;
      this.#lastAdvanceAt = now;
      this.#state = 'playing';
      this.#played = true;
    } else if (this.#state === 'playing' && now - this.#lastAdvanceAt > STALE_AFTER_MS) {
      this.#state = 'stale';
      this.#staleSince = now;
    }
    return this.#state;
  }

  /**
   * True once per REOPEN_AFTER_STALE_MS while the picture stays stale, or waits again after it played
   * (a new player that never starts): the caller reopens the feed. Never before the first play (the
   * player's own error retry covers a feed that never opened).
   */
  shouldReopen(now: number): boolean {
    if (this.#state !== 'stale' && !(this.#state === 'waiting' && this.#played)) return false;
    if (now - this.#staleSince < REOPEN_AFTER_STALE_MS || now - this.#lastReopenAt < REOPEN_AFTER_STALE_MS) return false;
    this.#lastReopenAt = now;
    return true;
  }
}
