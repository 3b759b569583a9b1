// Peak and RMS meters in dBFS. 0 dBFS is a sample of magnitude 32768 (full scale of s16), so a
// full-scale sine reads 0 dBFS peak and −3.01 dBFS RMS. Silence reads METER_FLOOR_DBFS, not
// −Infinity, so readings survive JSON.
import { AudioError } from './errors.ts';

export const FULL_SCALE = 32768;
export const METER_FLOOR_DBFS = -120;

export interface MeterReading {
  /** Per channel, dBFS. */
  peakDbfs: number[];
  rmsDbfs: number[];
}

export function toDbfs(magnitude: number): number {
  if (!(magnitude > 0)) return METER_FLOOR_DBFS;
  return Math.max(METER_FLOOR_DBFS, 20 * Math.log10(magnitude / FULL_SCALE));
}

/**
 * Accumulates interleaved samples and yields one reading every `windowSamples` sample frames
 * (4800 at 48 kHz = 10 readings a second). Windows do not follow video frames: at 29.97 a frame
 * carries 1601 or 1602 samples, and a window closes wherever its last sample falls.
 */
export class MeterAccumulator {
  readonly channels: number;
  readonly windowSamples: number;
  /** The last completed reading; mutated in place when the next one completes. */
  readonly reading: MeterReading;
  readonly #peak: Float64Array;
  readonly #sumSquares: Float64Array;
  #count = 0;
  #readings = 0;

  constructor(channels = 2, windowSamples = 4800) {
    if (!Number.isInteger(channels) || channels < 1 || channels > 8) throw new AudioError('BAD_OPTION', `channels must be 1..8, got ${channels}`);
    if (!Number.isInteger(windowSamples) || windowSamples < 1)
      throw new AudioError('BAD_OPTION', `windowSamples must be a positive integer, got ${windowSamples}`);
    this.channels = channels;
    this.windowSamples = windowSamples;
    this.#peak = new Float64Array(channels);
    this.#sumSquares = new Float64Array(channels);
    this.reading = {
      peakDbfs: new Array<number>(channels).fill(METER_FLOOR_DBFS),
      rmsDbfs: new Array<number>(channels).fill(METER_FLOOR_DBFS),
    };
  }

  /** Readings completed so far. */
  get readings(): number {
    return this.#readings;
  }

  /** Sample frames in the window now open. */
  get pending(): number {
    return this.#count;
  }

  /** Joins another meter's window phase (with silence so far), so both complete on the same sample. */
  alignWith(other: MeterAccumulator): void {
    this.#peak.fill(0);
    this.#sumSquares.fill(0);
    this.#count = other.pending;
  }

  /**
   * Adds `frames` sample frames of interleaved values (s16 scale, any numeric array) from
   * `offset` (in samples). Returns how many readings completed during the call.
   */
  add(samples: ArrayLike<number>, offset: number, frames: number): number {
    const channels = this.channels;
    let completed = 0;
    let i = offset;
    let left = frames;
    while (left > 0) {
      const take = Math.min(left, this.windowSamples - this.#count);
      for (let c = 0; c < channels; c++) {
        let peak = this.#peak[c]!;
        let sum = this.#sumSquares[c]!;
        for (let k = i + c, end = i + take * channels; k < end; k += channels) {
          const v = samples[k]!;
          const magnitude = v < 0 ? -v : v;
          if (magnitude > peak) peak = magnitude;
          sum += v * v;
        }
        this.#peak[c] = peak;
        this.#sumSquares[c] = sum;
      }
      i += take * channels;
      left -= take;
      this.#count += take;
      if (this.#count === this.windowSamples) {
        this.#finish();
        completed++;
      }
    }
    return completed;
  }

  #finish(): void {
    for (let c = 0; c < this.channels; c++) {
      this.reading.peakDbfs[c] = toDbfs(this.#peak[c]!);
      this.reading.rmsDbfs[c] = toDbfs(Math.sqrt(this.#sumSquares[c]! / this.#count));
      this.#peak[c] = 0;
      this.#sumSquares[c] = 0;
    }
    this.#count = 0;
    this.#readings++;
  }
}
