// An output whose destination is an ffmpeg child reading the TS on stdin (SRT, RTMP). The child is
// supervised: it is restarted with backoff when the peer goes away, and while it is down incoming
// bytes are dropped (counted), never piled up. Bytes reach the pipe in writes of whole TS packets
// no larger than PIPE_BUF, so each write lands whole and ffmpeg reads start on packet boundaries.
import type { OutputKind } from '../../../shared/outputs.ts';
import type { Logger } from '../log.ts';
import { PID_NULL, TS_PACKET_SIZE } from '../mpegts/constants.ts';
import { spawnOwned, type ChildExit, type OwnedChild } from '../process/child.ts';
import { Supervisor, type BackoffPolicy, type ExitVerdict, type SupervisorStatus } from '../process/supervisor.ts';
import { OutputBase } from './output-base.ts';

/** 21 TS packets: a multiple of 188 (and of 1316 / 7) under Linux's PIPE_BUF of 4096. */
export const PIPE_WRITE_BYTES = 21 * TS_PACKET_SIZE;

/** Null packets (ISO/IEC 13818-1 §2.4.3.2, PID 0x1FFF): harmless to any receiver. */
export function nullPackets(count: number): Buffer {
  const bytes = Buffer.alloc(count * TS_PACKET_SIZE, 0xff);
  for (let i = 0; i < count; i++) {
    const p = i * TS_PACKET_SIZE;
    bytes[p] = 0x47;
    bytes[p + 1] = PID_NULL >> 8; // transport_error_indicator 0, payload_unit_start 0, priority 0
    bytes[p + 2] = PID_NULL & 0xff;
    bytes[p + 3] = 0x10; // not scrambled, payload only, continuity_counter 0
  }
  return bytes;
}

/** Why the child ended, for people, and whether retrying can help. */
export interface FailureVerdict {
  reason: string;
  /** Retrying cannot fix it (ffmpeg without the protocol, an option it rejects). */
  fatal: boolean;
}

export interface FfmpegOutputOptions {
  id: string;
  kind: OutputKind;
  logger: Logger;
  ffmpegPath: string;
  target: string;
  /** A function when they depend on what is set up at start (a relay's port). */
  args: readonly string[] | (() => readonly string[]);
  /** Secrets as they may appear in argv or stderr; masked in logs, errors and status. */
  secrets: readonly string[];
  /** Runs before each start of ffmpeg (writes a secret file the args name, opens a relay). */
  prepare?: () => void;
  /** Runs when the output stops (removes that file, closes that relay). */
  release?: () => void | Promise<void>;
  /** Standing notes for the status (a secret visible in the process list). */
  warnings?: readonly string[];
  /** The stderr line that says the destination is open (ffmpeg's "Output #0, …"). */
  connectedLine: RegExp;
  /**
   * true (SRT): before the destination is open, ffmpeg gets only a few null packets (enough for it
   * to open the output), so when the peer arrives it gets the live edge, not a stale pipe.
   * false (RTMP): ffmpeg must probe the live TS before it connects, so it is fed all along.
   */
  holdUntilConnected: boolean;
  /** The state's reason while connecting. */
  connectingReason: string;
  describeFailure: (exit: ChildExit, stderr: string, wasConnected: boolean) => FailureVerdict;
  /** A stderr line worth showing as the reason while connecting (a caller refused), or undefined. */
  noticeWhileConnecting?: (line: string) => string | undefined;
  /**
   * Writes to the pipe are whole multiples of this (1316 for SRT: 7 packets per payload); a
   * remainder waits for more bytes, at most `flushAfterMs`. Default 188.
   */
  writeUnitBytes?: number;
  /** Default 40 ms. */
  flushAfterMs?: number;
  policy?: Partial<BackoffPolicy>;
  /** Default 1 MiB. */
  queueBytes?: number;
  graceMs?: number;
}

export const DEFAULT_OUTPUT_BACKOFF: Partial<BackoffPolicy> = {
  initialDelayMs: 1000,
  factor: 2,
  maxDelayMs: 15_000,
  jitter: 0.2,
  healthyAfterMs: 10_000,
  maxConsecutiveFailures: Number.POSITIVE_INFINITY,
};

export class FfmpegOutput extends OutputBase {
  readonly #options: FfmpegOutputOptions;
  readonly #supervisor: Supervisor;
  readonly #redact: (text: string) => string;
  #active = false;
  #child: OwnedChild | undefined;
  #connected = false;
  #everConnected = false;
  #writing = false;
  /** Whether the child that just ended had reached its destination. */
  #lastRunConnected = false;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** The reason from our own reading of the last exit, shown instead of the raw error. */
  #failureReason: string | undefined;

  constructor(options: FfmpegOutputOptions) {
    super({
      id: options.id,
      kind: options.kind,
      logger: options.logger.child(`output ${options.id}`),
      queueBytes: options.queueBytes ?? 1 << 20,
      target: options.target,
      warnings: options.warnings ?? [],
    });
    this.#options = options;
    const secrets = options.secrets.filter((secret) => secret.length > 0);
    for (const secret of secrets) this.logger.registerSecret(secret);
    this.#redact = (text) => {
      let result = text;
      for (const secret of secrets) result = result.split(secret).join('[redacted]');
      return this.logger.redact(result);
    };
    this.#supervisor = new Supervisor({
      name: `${options.kind} output ${options.id}`,
      start: ({ markRunning }) => this.#spawn(markRunning),
      classify: (exit) => this.#classify(exit),
      runningWhen: 'marked',
      logger: this.logger,
      policy: { ...DEFAULT_OUTPUT_BACKOFF, ...options.policy },
    });
    this.#supervisor.onStatus((status) => this.#fromSupervisor(status));
  }

  /** The sender's pid while it runs (for stats of children). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  start(): void {
    if (this.#active) return;
    this.#active = true;
    this.#failureReason = undefined;
    this.#everConnected = false; // a start by hand is not a reconnect
    this.#supervisor.start();
  }

  async stop(reason = 'stopped'): Promise<void> {
    this.#active = false;
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#connected = false;
    this.queue.clear();
    // An ffmpeg waiting in a read of its stdin is ended by the child's stop closing that input
    // (process/child.ts), not by SIGTERM alone.
    await this.#supervisor.stop(reason);
    await this.#options.release?.();
  }

  write(chunk: Buffer): void {
    if (!this.#active) return;
    this.bytesIn += chunk.length;
    const child = this.#child;
    if (!child?.stdin || (this.#options.holdUntilConnected && !this.#connected)) {
      this.queue.countDropped(chunk.length);
      return;
    }
    this.queue.push(chunk);
    this.#pump();
  }

  #spawn(markRunning: () => void): OwnedChild {
    this.#connected = false;
    this.#writing = false;
    this.queue.clear();
    let child: OwnedChild | undefined;
    const connectedLine = this.#options.connectedLine;
    this.#options.prepare?.();
    const args = typeof this.#options.args === 'function' ? this.#options.args() : this.#options.args;
    child = spawnOwned({
      command: this.#options.ffmpegPath,
      args,
      name: `${this.kind} output ${this.id}`,
      stdin: 'pipe',
      stdout: 'ignore',
      graceMs: this.#options.graceMs ?? 2000,
      redact: this.#redact,
      logger: this.logger,
      stderr: { maxLines: 40 },
      onStderrLine: (line) => {
        if (this.#child !== child || this.#connected) return;
        if (!connectedLine.test(line)) {
          const notice = this.#options.noticeWhileConnecting?.(line);
          if (notice) {
            this.lastError = this.#redact(notice);
            this.setState('starting', `${this.#options.connectingReason}; ${this.#redact(notice)}`);
          }
          return;
        }
        this.#connected = true;
        if (this.#everConnected) this.reconnects++;
        this.#everConnected = true;
        markRunning();
        this.#pump();
      },
    });
    this.#child = child;
    void child.exited.then(() => {
      if (this.#child !== child) return;
      this.#lastRunConnected = this.#connected;
      this.#child = undefined;
      this.#connected = false;
      this.#writing = false;
      this.queue.clear();
    });
    if (this.#options.holdUntilConnected) child.stdin?.write(nullPackets(7));
    return child;
  }

  #pump(): void {
    const child = this.#child;
    const stdin = child?.stdin;
    if (this.#writing || !child || !stdin || !child.running || stdin.destroyed) return;
    const unit = this.#options.writeUnitBytes ?? TS_PACKET_SIZE;
    const flushing = this.#flushDue;
    this.#flushDue = false;
    const available = Math.min(this.queue.bytes, PIPE_WRITE_BYTES - (PIPE_WRITE_BYTES % unit));
    const size = available >= unit ? available - (available % unit) : flushing ? available : 0;
    if (size === 0) {
      // Less than one payload: wait for more, but not long (the producer may have paused).
      if (available > 0 && this.#flushTimer === undefined) {
        this.#flushTimer = setTimeout(() => {
          this.#flushTimer = undefined;
          this.#flushDue = true;
          this.#pump();
        }, this.#options.flushAfterMs ?? 40);
      }
      return;
    }
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const piece = this.#take(size);
    this.#writing = true;
    // One write in flight at a time: Node would otherwise gather queued writes into one writev,
    // which a full pipe may split mid-packet. A write under PIPE_BUF lands whole.
    stdin.write(piece, (error) => {
      if (this.#child !== child) return;
      this.#writing = false;
      if (error) return; // the child is going away; its exit is handled by the supervisor
      this.delivered(piece.length);
      this.#pump();
    });
  }

  #flushDue = false;

  /** `size` bytes off the front of the queue, as one buffer. */
  #take(size: number): Buffer {
    const first = this.queue.shift()!;
    if (first.length === size) return first;
    if (first.length > size) {
      this.queue.unshift(first.subarray(size));
      return first.subarray(0, size);
    }
    const piece = Buffer.allocUnsafe(size);
    let filled = first.copy(piece, 0);
    while (filled < size) {
      const next = this.queue.shift()!;
      const take = Math.min(next.length, size - filled);
      next.copy(piece, filled, 0, take);
      filled += take;
      if (take < next.length) this.queue.unshift(next.subarray(take));
    }
    return piece;
  }

  #classify(exit: ChildExit): ExitVerdict {
    const stderr = exit.stderrTail.join('\n');
    const verdict = this.#options.describeFailure(exit, stderr, this.#lastRunConnected);
    const reason = this.#redact(verdict.reason);
    this.#failureReason = reason;
    if (exit.error?.code === 'SPAWN_FAILED') return { action: 'fail', reason: this.#redact(exit.error.message) };
    return verdict.fatal ? { action: 'fail', reason } : { action: 'restart' };
  }

  #fromSupervisor(status: SupervisorStatus): void {
    switch (status.state) {
      case 'starting':
        this.setState('starting', this.#options.connectingReason);
        break;
      case 'running':
        this.#failureReason = undefined;
        this.setState('running', undefined);
        break;
      case 'backoff': {
        const reason = this.#failureReason ?? this.#redact(status.reason ?? 'the sender ended');
        this.logger.warn(`${reason}; retrying in ${status.nextDelayMs} ms`);
        this.setState('backoff', reason, status.nextDelayMs);
        break;
      }
      case 'failed':
        this.setState('failed', this.#redact(status.reason ?? this.#failureReason ?? 'failed'));
        break;
      case 'stopped':
        this.setState('stopped', status.reason);
        break;
      case 'idle':
        break;
    }
  }
}

/** The last stderr line that is not ffmpeg's closing chatter, for a reason. */
export function lastMeaningfulStderrLine(stderr: string): string | undefined {
  const lines = stderr
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^(Conversion failed!|Exiting normally|\[AVIOContext|video:|size=)/.test(line.trim()));
  return lines.at(-1)?.trim();
}
