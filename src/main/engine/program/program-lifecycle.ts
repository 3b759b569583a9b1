// The program's life as events (on-air-control.ts ProgramLifecycleEvents): the host tells it,
// the deck, the alert and the playout listen, and none of them reaches through a nullable program.
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { OnAirControl, ProgramLifecycleEvents } from './on-air-control.ts';

/** How long a stop waits for its onStopping listeners (a break's return on the next IDR fits). */
export const STOPPING_TIMEOUT_MS = 5_000;

export class ProgramLifecycle implements ProgramLifecycleEvents {
  readonly #log: Logger;
  #control: OnAirControl | null = null;
  #started: ((control: OnAirControl) => void)[] = [];
  #stopping: ((control: OnAirControl) => Promise<void>)[] = [];
  #stopped: (() => void)[] = [];

  constructor(logger: Logger) {
    this.#log = logger;
  }

  get control(): OnAirControl | null {
    return this.#control;
  }

  onStarted(listener: (control: OnAirControl) => void): () => void {
    this.#started = [...this.#started, listener];
    return () => {
      this.#started = this.#started.filter((l) => l !== listener);
    };
  }

  onStopping(listener: (control: OnAirControl) => Promise<void>): () => void {
    this.#stopping = [...this.#stopping, listener];
    return () => {
      this.#stopping = this.#stopping.filter((l) => l !== listener);
    };
  }

  onStopped(listener: () => void): () => void {
    this.#stopped = [...this.#stopped, listener];
    return () => {
      this.#stopped = this.#stopped.filter((l) => l !== listener);
    };
  }

  /** The host: the program runs and makes frames. A listener that throws is logged; the others still hear. */
  started(control: OnAirControl): void {
    this.#control = control;
    for (const listener of this.#started) {
      try {
        listener(control);
      } catch (error) {
        this.#log.error('a program-started listener failed', { error });
      }
    }
  }

  /**
   * The host, inside its stop, before the encoder stops: waits for every onStopping listener
   * (together), at most `timeoutMs`. One that throws or takes longer is logged; the stop goes on.
   */
  async stopping(timeoutMs = STOPPING_TIMEOUT_MS): Promise<void> {
    const control = this.#control;
    if (!control || this.#stopping.length === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const all = Promise.allSettled(
      this.#stopping.map(async (listener) => {
        try {
          await listener(control);
        } catch (error) {
          this.#log.error(`a program-stopping listener failed: ${errorMessage(error)}`, { error });
        }
      }),
    );
    try {
      if ((await Promise.race([all, timedOut])) === 'timeout') {
        this.#log.warn(`program-stopping listeners still ran after ${timeoutMs} ms: the program stops without them`);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** The host: the program stopped; its control is no longer valid. */
  stopped(): void {
    if (this.#control === null) return;
    this.#control = null;
    for (const listener of this.#stopped) {
      try {
        listener();
      } catch (error) {
        this.#log.error('a program-stopped listener failed', { error });
      }
    }
  }
}
