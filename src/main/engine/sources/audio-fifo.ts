// s16le stereo PCM from a pipe into a fixed circular byte buffer. The consumer reads exactly the
// samples its frame needs (1600 at 30 fps, 1601/1602 at 29.97) into its own buffer: no
// allocation per read. When the buffer is full the pipe is paused, as for video frames.
import type { Readable } from 'node:stream';
import { AUDIO_BYTES_PER_SAMPLE, AUDIO_SAMPLE_RATE } from '../media.ts';
import { SourceError } from './errors.ts';

export interface AudioFifoOptions {
  /** Samples (per channel) held at most. Default 48 000 (one second). */
  capacitySamples?: number;
  /**
   * Asked when the buffer is full: true to drop the oldest samples instead of pausing the pipe.
   * A decoder blocked on a full audio pipe also stops making video, so a consumer waiting for
   * video would wait forever; the source answers true when its video ring is empty.
   */
  dropWhenFull?: () => boolean;
}

export class AudioFifo {
  readonly capacityBytes: number;
  readonly #buffer: Buffer;
  readonly #dropWhenFull: () => boolean;
  #readAt = 0;
  #length = 0;
  #stream: Readable | undefined;
  #stash: Buffer | undefined;
  #stashOffset = 0;
  #paused = false;
  readonly #onData = (chunk: Buffer): void => this.#consume(chunk, 0);

  bytesReceived = 0;
  /** Samples thrown away: full buffer with dropWhenFull, or a partial sample at a detach. */
  samplesDropped = 0;

  constructor(options: AudioFifoOptions = {}) {
    const samples = options.capacitySamples ?? AUDIO_SAMPLE_RATE;
    if (!Number.isInteger(samples) || samples < 256 || samples > 10 * AUDIO_SAMPLE_RATE) {
      throw new SourceError('BAD_OPTION', `audio capacity must be 256..480000 samples, got ${samples}`, { field: 'capacitySamples' });
    }
    this.capacityBytes = samples * AUDIO_BYTES_PER_SAMPLE;
    this.#buffer = Buffer.alloc(this.capacityBytes);
    this.#dropWhenFull = options.dropWhenFull ?? (() => false);
  }

  /** Whole samples (per channel) ready to read. */
  get availableSamples(): number {
    return Math.floor(this.#length / AUDIO_BYTES_PER_SAMPLE);
  }

  get paused(): boolean {
    return this.#paused;
  }

  attach(stream: Readable): void {
    this.detach();
    this.#stream = stream;
    stream.on('data', this.#onData);
    stream.resume();
  }

  /**
   * Stops reading the current pipe. Whole samples stay; a trailing partial sample is dropped.
   * `close` also closes our end, so a decoder blocked writing into a full pipe gets EPIPE and exits.
   */
  detach(options: { close?: boolean } = {}): void {
    const stream = this.#stream;
    if (stream) {
      stream.off('data', this.#onData);
      stream.pause();
      if (options.close) stream.destroy();
    }
    this.#stream = undefined;
    this.#stash = undefined;
    this.#paused = false;
    const partial = this.#length % AUDIO_BYTES_PER_SAMPLE;
    if (partial > 0) {
      this.#length -= partial;
      this.samplesDropped++;
    }
  }

  /** Drops everything buffered (a source switched to a new stream). */
  clear(): void {
    this.#readAt = 0;
    this.#length = 0;
  }

  /**
   * Copies up to `samples` samples into `target` (from byte 0) and returns how many it copied;
   * fewer when fewer are buffered: the caller fills the rest with silence.
   */
  read(target: Uint8Array, samples: number): number {
    const count = Math.min(samples, this.availableSamples, Math.floor(target.byteLength / AUDIO_BYTES_PER_SAMPLE));
    const bytes = count * AUDIO_BYTES_PER_SAMPLE;
    const first = Math.min(bytes, this.capacityBytes - this.#readAt);
    this.#buffer.copy(target, 0, this.#readAt, this.#readAt + first);
    if (bytes > first) this.#buffer.copy(target, first, 0, bytes - first);
    this.#readAt = (this.#readAt + bytes) % this.capacityBytes;
    this.#length -= bytes;
    if (this.#paused && bytes > 0) this.#resume();
    return count;
  }

  #consume(chunk: Buffer, offset: number): void {
    if (offset === 0) this.bytesReceived += chunk.length;
    let at = offset;
    while (at < chunk.length) {
      let room = this.capacityBytes - this.#length;
      if (room === 0) {
        if (!this.#dropWhenFull()) {
          this.#stash = chunk;
          this.#stashOffset = at;
          this.#paused = true;
          this.#stream?.pause();
          return;
        }
        // Drop the oldest whole samples to make room for this chunk's rest.
        const need = Math.min(chunk.length - at, this.#length);
        const drop = Math.ceil(need / AUDIO_BYTES_PER_SAMPLE) * AUDIO_BYTES_PER_SAMPLE;
        this.#readAt = (this.#readAt + drop) % this.capacityBytes;
        this.#length -= drop;
        this.samplesDropped += drop / AUDIO_BYTES_PER_SAMPLE;
        room = drop;
      }
      const writeAt = (this.#readAt + this.#length) % this.capacityBytes;
      const n = Math.min(room, chunk.length - at, this.capacityBytes - writeAt);
      chunk.copy(this.#buffer, writeAt, at, at + n);
      this.#length += n;
      at += n;
    }
  }

  #resume(): void {
    const stash = this.#stash;
    this.#stash = undefined;
    this.#paused = false;
    if (stash) this.#consume(stash, this.#stashOffset);
    if (!this.#paused) this.#stream?.resume();
  }
}
