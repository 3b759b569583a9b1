// The program's SCTE-35 PID: it owns the injector every section goes through (the deck's, the
// alert's and scte35.inject's), its queue, withdrawals and heartbeat, and knows the first PTS of
// the outgoing TS (frame n's PTS is that plus n frames).
import { MAX_PTS } from '../media.ts';
import { Scte35Injector } from '../mpegts/injector.ts';
import type { Logger } from '../log.ts';
import type { CueChannel, CueCopySent, CueQueueOptions } from './on-air-control.ts';

export interface ProgramCueChannelOptions {
  /** SCTE-35 PID; default the injector's first free PID. */
  pid?: number;
  logger: Logger;
}

export class ProgramCueChannel implements CueChannel {
  readonly #options: ProgramCueChannelOptions;
  readonly #log: Logger;
  #injector: Scte35Injector;
  #listeners: ((sent: CueCopySent) => void)[] = [];
  #heartbeatSeconds: number | null = null;

  constructor(options: ProgramCueChannelOptions) {
    this.#options = options;
    this.#log = options.logger;
    this.#injector = this.#newInjector();
  }

  /**
   * A fresh stream (the program starts): a new injector, whose continuity counters and clock start
   * over. Listeners and the heartbeat setting carry on.
   */
  reset(): void {
    this.#injector = this.#newInjector();
  }

  get injector(): Scte35Injector {
    return this.#injector;
  }

  get pid(): number {
    return this.#injector.pid;
  }

  queue(section: Uint8Array, options?: CueQueueOptions): number {
    return this.#injector.queue(section, options);
  }

  withdraw(id: number): boolean {
    return this.#injector.withdraw(id);
  }

  setHeartbeat(seconds: number | null): void {
    this.#injector.setHeartbeat(seconds);
    this.#heartbeatSeconds = seconds;
  }

  onSent(listener: (sent: CueCopySent) => void): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /** The encoder's TS through the injector: what goes out. */
  push(chunk: Uint8Array): Buffer {
    return this.#injector.push(chunk);
  }

  /** The stream ends: what the injector still holds. */
  flush(): Buffer {
    return this.#injector.flush();
  }

  /** The PTS of frame 0 in the outgoing TS (33-bit), once its first video PES is seen. */
  firstPts(): number | null {
    const demux = this.#injector.demux;
    return demux.frames > 0 && Number.isFinite(demux.minPtsExt) ? demux.minPtsExt % MAX_PTS : null;
  }

  #newInjector(): Scte35Injector {
    const injector = new Scte35Injector(this.#options.pid === undefined ? {} : { pid: this.#options.pid });
    if (this.#heartbeatSeconds !== null) injector.setHeartbeat(this.#heartbeatSeconds);
    // The injector says what it sent, so an immediate section (sent inside queue()) is reported as
    // itself, and nothing here keeps a copy of every section queued.
    injector.onSent = (sent) => {
      const listeners = this.#listeners;
      if (listeners.length === 0) return;
      const copy: CueCopySent = { id: sent.sectionIndex, section: sent.section, copy: sent.copy, clockPts: sent.clockPts, splicePts: sent.splicePts };
      for (const listener of listeners) {
        try {
          listener(copy);
        } catch (error) {
          this.#log.error('a cue listener failed', { error });
        }
      }
    };
    return injector;
  }
}
