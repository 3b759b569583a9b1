// How the segmenter puts its files on disk. Every file is replaced atomically through the one
// helper (util/atomic-file.ts: unguessable temp name opened O_EXCL, then rename), so a planted
// symlink is never followed. Two ways to wait for the disk:
// - synchronousHlsFiles: the call returns when the file is there (the CLI, tests, one-shot jobs);
// - QueuedHlsFiles: writes go to a queue that lands them in order off the caller's turn, so a live
//   program never waits on a slow or full disk. A failure is reported once, by callback.
import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { writeFileAtomic, writeFileAtomicAsync } from '../util/atomic-file.ts';
import { HlsError } from './errors.ts';
import { errorMessage } from '../errors.ts';

export interface HlsWriteOptions {
  /** fsync before the rename: only for what must survive a power cut (the media sequence). */
  durable: boolean;
}

export interface HlsFiles {
  write(file: string, data: string | Uint8Array, options: HlsWriteOptions): void;
  remove(file: string): void;
  /** Runs `then` once every write asked for before it has landed. */
  after(then: () => void): void;
}

export function synchronousHlsFiles(mode = 0o644): HlsFiles {
  return {
    write(file, data, { durable }) {
      try {
        writeFileAtomic(file, data, { mode, durable });
      } catch (cause) {
        throw new HlsError('WRITE_FAILED', `cannot write ${file}`, { cause });
      }
    },
    remove(file) {
      rmSync(file, { force: true });
    },
    after(then) {
      then();
    },
  };
}

export interface QueuedHlsFilesOptions {
  mode?: number;
  /** Bytes waiting for the disk before it counts as failed ("not keeping up"). Default 64 MiB. */
  maxPendingBytes?: number;
  /** The first failure; after it, nothing more is written. */
  onError: (error: HlsError) => void;
}

export class QueuedHlsFiles implements HlsFiles {
  readonly #mode: number;
  readonly #maxPendingBytes: number;
  readonly #onError: (error: HlsError) => void;
  #tail: Promise<void> = Promise.resolve();
  #pendingBytes = 0;
  #error: HlsError | undefined;

  constructor(options: QueuedHlsFilesOptions) {
    this.#mode = options.mode ?? 0o644;
    this.#maxPendingBytes = options.maxPendingBytes ?? 64 << 20;
    this.#onError = options.onError;
  }

  /** The failure that stopped the queue, if any. */
  get error(): HlsError | undefined {
    return this.#error;
  }

  write(file: string, data: string | Uint8Array, { durable }: HlsWriteOptions): void {
    if (this.#error) return;
    // A copy: the segmenter reuses its buffers as soon as this returns.
    const bytes = Buffer.from(data);
    if (this.#pendingBytes + bytes.length > this.#maxPendingBytes) {
      this.#fail(new HlsError('WRITE_FAILED', `cannot write ${file}: the disk is not keeping up (${this.#pendingBytes} bytes waiting)`));
      return;
    }
    this.#pendingBytes += bytes.length;
    this.#enqueue(async () => {
      try {
        await writeFileAtomicAsync(file, bytes, { mode: this.#mode, durable });
      } catch (cause) {
        throw new HlsError('WRITE_FAILED', `cannot write ${file}`, { cause });
      } finally {
        this.#pendingBytes -= bytes.length;
      }
    });
  }

  remove(file: string): void {
    this.#enqueue(() => rm(file, { force: true }));
  }

  after(then: () => void): void {
    this.#enqueue(async () => then());
  }

  /** Resolves when everything queued so far has landed; rejects with the failure if one happened. */
  async drained(): Promise<void> {
    await this.#tail;
    if (this.#error) throw this.#error;
  }

  #enqueue(job: () => Promise<void>): void {
    this.#tail = this.#tail.then(async () => {
      if (this.#error) return;
      try {
        await job();
      } catch (error) {
        this.#fail(error instanceof HlsError ? error : new HlsError('WRITE_FAILED', errorMessage(error), { cause: error }));
      }
    });
  }

  #fail(error: HlsError): void {
    if (this.#error) return;
    this.#error = error;
    this.#onError(error);
  }
}
