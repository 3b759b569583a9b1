// Measured bitrate: bytes per 250 ms bucket over a sliding window of the last few seconds. The
// bucket being filled is left out, so the figure lags by at most one bucket but never jumps.

const BUCKET_MS = 250;

export class RateMeter {
  readonly #now: () => number;
  readonly #buckets: number[];
  #bucketIndex = -1;
  #firstIndex = -1;

  constructor(options: { windowMs?: number; now?: () => number } = {}) {
    this.#now = options.now ?? (() => performance.now());
    this.#buckets = new Array<number>(Math.max(2, Math.round((options.windowMs ?? 2000) / BUCKET_MS) + 1)).fill(0);
  }

  add(bytes: number): void {
    this.#advance();
    this.#buckets[this.#bucketIndex % this.#buckets.length]! += bytes;
  }

  /** kbit/s over the complete buckets of the window. */
  kbps(): number {
    this.#advance();
    if (this.#bucketIndex < 0) return 0;
    const slots = this.#buckets.length;
    const complete = Math.min(slots - 1, this.#bucketIndex - this.#firstIndex);
    if (complete <= 0) return 0;
    let bytes = 0;
    for (let i = 1; i <= complete; i++) bytes += this.#buckets[(this.#bucketIndex - i) % slots]!;
    return Math.round((bytes * 8) / ((complete * BUCKET_MS) / 1000) / 100) / 10;
  }

  #advance(): void {
    const index = Math.floor(this.#now() / BUCKET_MS);
    if (this.#bucketIndex < 0) {
      this.#bucketIndex = this.#firstIndex = index;
      return;
    }
    if (index <= this.#bucketIndex) return;
    const steps = Math.min(index - this.#bucketIndex, this.#buckets.length);
    for (let i = 1; i <= steps; i++) this.#buckets[(this.#bucketIndex + i) % this.#buckets.length] = 0;
    this.#bucketIndex = index;
  }
}
