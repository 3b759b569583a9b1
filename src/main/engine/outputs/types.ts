import type { OutputKind } from '../../../shared/outputs.ts';

/** The same states as the process Supervisor's, for every kind of output. */
export type OutputState =
  | 'idle'
  /** Launched, not yet delivering: connecting (SRT caller, RTMP), waiting for a caller (SRT listener). */
  | 'starting'
  /** Delivering bytes. */
  | 'running'
  /** Lost its destination; retries after a delay (see retryInMs). */
  | 'backoff'
  /** Something retrying cannot fix: see reason. Others keep going. */
  | 'failed'
  | 'stopped';

export interface OutputStatus {
  id: string;
  kind: OutputKind;
  state: OutputState;
  /** Why the state is what it is, for people: "connection to 10.0.0.5:9000 lost", "disk full: …". */
  reason: string | undefined;
  /** Bytes handed to this output by the fan-out. */
  bytesIn: number;
  /** Bytes the destination took (the sender process's pipe, the file, the segmenter). */
  bytesOut: number;
  /** Measured over the last seconds from bytesOut, in kbit/s. */
  bitrateKbps: number;
  /** Bytes dropped: destination down or too slow (whole 188-byte packets, oldest first). */
  droppedBytes: number;
  /** Chunks dropped, counted with droppedBytes. */
  droppedChunks: number;
  /** Times the destination came back after being lost. */
  reconnects: number;
  /** The last error met, kept after recovery. Secrets are redacted. */
  lastError: string | undefined;
  /** In backoff: the delay before the next attempt. */
  retryInMs: number | undefined;
  /** Where it goes, for people: "srt://10.0.0.5:9000 (caller)", a file path, a playlist path. Never a secret. */
  target: string;
  /** When the state last changed (ISO 8601). */
  since: string;
}

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
