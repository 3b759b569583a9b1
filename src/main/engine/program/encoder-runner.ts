// The program's one encoder over its life: started with the program, and when it dies, started
// again on a later GOP boundary (so the new one begins with an IDR at the frame it is given),
// after the supervisor's backoff: 1 s, 2 s, … 30 s while it keeps dying within 10 s of its start.
// The frame clock never waits for it: frames made meanwhile go nowhere.
import { ProgramEncoder } from '../encoder/program-encoder.ts';
import type { ProgramFormat } from '../encoder/program-format.ts';
import type { Logger } from '../log.ts';
import { backoffDelay, type BackoffPolicy } from '../process/supervisor.ts';

/** The encoder's restarts: no jitter (one encoder per program), the delay counted in frames. */
export const ENCODER_BACKOFF: BackoffPolicy = {
  initialDelayMs: 1000,
  factor: 2,
  maxDelayMs: 30_000,
  jitter: 0,
  healthyAfterMs: 10_000,
  maxConsecutiveFailures: Number.POSITIVE_INFINITY,
};

export interface EncoderRunnerOptions {
  ffmpegPath: string;
  format: ProgramFormat;
  logger: Logger;
  /** The encoder's TS, as it comes. */
  onTs: (chunk: Buffer) => void;
  /** A new encoder took over at this frame (a GOP boundary): a TS discontinuity. */
  onRestart?: (fromFrame: number) => void;
  /** The last frame made (the restart is planned after it). */
  lastFrame: () => number;
}

export class EncoderRunner {
  readonly #options: EncoderRunnerOptions;
  readonly #log: Logger;
  #encoder: ProgramEncoder | null = null;
  #running = false;
  /** After an encoder death: the frame its successor starts at; −1 when none is due. */
  #restartAt = -1;
  #failuresInARow = 0;
  #restarts = 0;
  #startedAt = 0;

  constructor(options: EncoderRunnerOptions) {
    this.#options = options;
    this.#log = options.logger;
  }

  /** The encoder taking frames now, or null (stopped, or between a death and its restart). */
  get encoder(): ProgramEncoder | null {
    return this.#encoder;
  }

  /** Encoders started after one died, over the runner's life. */
  get restarts(): number {
    return this.#restarts;
  }

  /** The frame a restart is planned at, −1 when none is. */
  get restartAt(): number {
    return this.#restartAt;
  }

  start(fromFrame = 0): void {
    if (this.#running) return;
    this.#running = true;
    this.#restartAt = -1;
    this.#spawn(fromFrame);
  }

  /**
   * Before frame n goes to the encoder: starts the successor when n is its frame. Returns the
   * encoder that takes frame n, or null.
   */
  encoderFor(n: number): ProgramEncoder | null {
    if (n === this.#restartAt && this.#running) {
      this.#restartAt = -1;
      this.#spawn(n);
      this.#restarts++;
      this.#options.onRestart?.(n);
    }
    return this.#encoder;
  }

  /** Stops the encoder (it drains what it was given); no restart follows. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#restartAt = -1;
    const encoder = this.#encoder;
    this.#encoder = null;
    await encoder?.stop();
  }

  #spawn(fromFrame: number): void {
    const encoder = new ProgramEncoder({
      ffmpegPath: this.#options.ffmpegPath,
      format: this.#options.format,
      startFrame: fromFrame,
      logger: this.#log,
      onTs: this.#options.onTs,
      onExit: () => this.#died(encoder),
    });
    this.#encoder = encoder;
    this.#startedAt = Date.now();
    encoder.start();
  }

  #died(encoder: ProgramEncoder): void {
    if (!this.#running || this.#encoder !== encoder) return;
    this.#encoder = null;
    const healthy = Date.now() - this.#startedAt >= ENCODER_BACKOFF.healthyAfterMs;
    this.#failuresInARow = healthy ? 1 : this.#failuresInARow + 1;
    const { num, den } = this.#options.format.frameRate;
    const delayMs = backoffDelay(this.#failuresInARow, ENCODER_BACKOFF);
    const delayFrames = Math.round((delayMs / 1000) * (num / den));
    const gop = this.#options.format.gopFrames;
    this.#restartAt = Math.ceil((this.#options.lastFrame() + delayFrames) / gop) * gop;
    this.#log.error(`the encoder died; a new one starts at frame ${this.#restartAt}`);
  }
}
