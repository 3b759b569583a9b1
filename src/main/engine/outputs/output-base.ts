// What every output shares: status with listeners, byte counts, the measured bitrate, and the
// bounded queue between the fan-out and the destination.
import type { OutputKind } from '../../../shared/outputs.ts';
import type { Logger } from '../log.ts';
import { ChunkQueue } from './chunk-queue.ts';
import { RateMeter } from './rate-meter.ts';
import type { Output, OutputState, OutputStatus, OutputStatusListener } from './types.ts';

export interface OutputBaseOptions {
  id: string;
  kind: OutputKind;
  logger: Logger;
  /** Bytes held for a destination that is slower than the program for a moment. */
  queueBytes: number;
  /** Where it goes, for people; never a secret. */
  target: string;
  /** Standing notes about how it is set up, shown with its status. */
  warnings?: readonly string[];
}

export abstract class OutputBase implements Output {
  readonly id: string;
  readonly kind: OutputKind;
  readonly target: string;
  readonly warnings: readonly string[];
  protected readonly logger: Logger;
  protected readonly queue: ChunkQueue;
  protected readonly meter = new RateMeter();
  protected bytesIn = 0;
  protected bytesOut = 0;
  protected reconnects = 0;
  protected lastError: string | undefined;
  #state: OutputState = 'idle';
  #reason: string | undefined;
  #retryInMs: number | undefined;
  #since = new Date().toISOString();
  readonly #listeners = new Set<OutputStatusListener>();

  constructor(options: OutputBaseOptions) {
    this.id = options.id;
    this.kind = options.kind;
    this.target = options.target;
    this.warnings = options.warnings ?? [];
    this.logger = options.logger;
    this.queue = new ChunkQueue(options.queueBytes);
  }

  abstract start(): void;
  abstract stop(reason?: string): Promise<void>;
  abstract write(chunk: Buffer): void;

  get state(): OutputState {
    return this.#state;
  }

  status(): OutputStatus {
    return {
      id: this.id,
      kind: this.kind,
      state: this.#state,
      reason: this.#reason,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      bitrateKbps: this.meter.kbps(),
      droppedBytes: this.queue.droppedBytes,
      droppedChunks: this.queue.droppedChunks,
      reconnects: this.reconnects,
      lastError: this.lastError,
      retryInMs: this.#retryInMs,
      target: this.target,
      since: this.#since,
      warnings: [...this.warnings],
    };
  }

  onStatus(listener: OutputStatusListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  protected delivered(bytes: number): void {
    this.bytesOut += bytes;
    this.meter.add(bytes);
  }

  protected setState(state: OutputState, reason: string | undefined, retryInMs?: number): void {
    if (state === this.#state && reason === this.#reason && retryInMs === this.#retryInMs) return;
    if (state !== this.#state) this.#since = new Date().toISOString();
    this.#state = state;
    this.#reason = reason;
    this.#retryInMs = retryInMs;
    if (state === 'failed' || state === 'backoff') this.lastError = reason;
    this.emit();
  }

  /** Tells the listeners about a change other than the state (a reconnect). */
  protected emit(): void {
    const snapshot = this.status();
    for (const listener of this.#listeners) {
      try {
        listener(snapshot);
      } catch (error) {
        this.logger.error(`output ${this.id}: a status listener threw`, { error });
      }
    }
  }
}
