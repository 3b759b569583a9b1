import type { OutputKind, OutputState, OutputStatus } from '../../../shared/outputs.ts';

export type { OutputState, OutputStatus };

export type OutputStatusListener = (status: OutputStatus) => void;

/**
 * One destination of the program's TS. write() takes whole 188-byte packets (the fan-out sees to
 * that), never blocks and never throws: a destination that is down or slow drops, and counts.
 */
export interface Output {
  readonly id: string;
  readonly kind: OutputKind;
  /** Starts delivering; problems show up as state and reason, not as a throw. No-op while active. */
  start(): void;
  /** Stops (the sender process SIGTERM → SIGKILL, files closed); resolves when done. */
  stop(reason?: string): Promise<void>;
  /** Takes a chunk of whole TS packets. The chunk is not modified, and not kept past delivery. */
  write(chunk: Buffer): void;
  status(): OutputStatus;
  /** Called on every change of state, reason or reconnects (not on every byte); returns the unsubscribe. */
  onStatus(listener: OutputStatusListener): () => void;
}
