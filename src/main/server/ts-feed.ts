// The confidence monitor's feed: the program's TS, the same bytes the outputs get (Program.onTs),
// as one chunked HTTP response per client (mpegts.js reads it with fetch as a live stream).
//
// HTTP chunked rather than WebSocket: the same request path as every other endpoint (token by
// cookie or bearer, Host check), no second upgrade handler, and mpegts.js's fetch loader needs no
// framing. Each client is bounded: bytes the socket has not taken count against MAX_PENDING_BYTES,
// and past it the client is dropped; the program's fan-out never waits for anyone.
// A feed ends when its program stops, so a monitor can never keep playing an earlier run: it
// opens a new feed for the next run.
import type { ServerResponse } from 'node:http';
import type { Program } from '../engine/program/program.ts';

/** About 4.5 s of the default 7 Mbit/s mux: more than that unread and the client is too slow to monitor. */
export const MAX_PENDING_BYTES = 4 << 20;

export interface TsFeedOptions {
  maxPendingBytes?: number;
  onDropped?: (reason: string) => void;
}

export class TsFeed {
  readonly #clients = new Set<ServerResponse>();
  readonly #maxPendingBytes: number;
  readonly #onDropped: (reason: string) => void;

  constructor(options: TsFeedOptions = {}) {
    this.#maxPendingBytes = options.maxPendingBytes ?? MAX_PENDING_BYTES;
    this.#onDropped = options.onDropped ?? (() => {});
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Streams `program`'s TS into `response` until the client goes, falls behind, or the program stops. */
  attach(program: Program, response: ServerResponse): void {
    response.writeHead(200, {
      'Content-Type': 'video/mp2t',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    response.flushHeaders();
    this.#clients.add(response);
    const unsubscribe = program.onTs((chunk) => {
      if (response.writableEnded || response.destroyed) return;
      if (response.writableLength + chunk.length > this.#maxPendingBytes) {
        this.#onDropped(`fell ${response.writableLength} bytes behind`);
        response.destroy();
        return;
      }
      response.write(chunk);
    });
    response.once('close', () => {
      unsubscribe();
      this.#clients.delete(response);
    });
  }

  /** The program stopped: every feed ends cleanly (a chunked end, not a reset). */
  endAll(): void {
    for (const response of this.#clients) response.end();
    this.#clients.clear();
  }

  destroyAll(): void {
    for (const response of this.#clients) response.destroy();
    this.#clients.clear();
  }
}
