// Bounds on what one WebSocket client can make the server hold. A client that sends commands and
// never reads would otherwise grow our memory without end: every answer waits in its send buffer.

export interface WebSocketLimits {
  /** Connections open at once; further upgrades are answered 503. */
  maxConnections: number;
  /** Commands of one connection dispatched and not yet answered; further ones are answered with an error. */
  maxCommandsInFlight: number;
  /** Above this many bytes waiting to be sent, events are shed (results still go) and the slow clock runs. */
  softBufferBytes: number;
  /** A consumer that stays above the soft cap this long is closed. */
  slowConsumerGraceMs: number;
  /** Above this many bytes waiting, the consumer is closed at once, whatever it was sent. */
  hardBufferBytes: number;
}

export const DEFAULT_WEBSOCKET_LIMITS: WebSocketLimits = {
  maxConnections: 64,
  maxCommandsInFlight: 32,
  softBufferBytes: 1 << 20,
  slowConsumerGraceMs: 10_000,
  hardBufferBytes: 4 << 20,
};

/** What to do with the next message for a consumer, given how much it has not read yet. */
export type SendVerdict = { action: 'send' } | { action: 'shed-events' } | { action: 'close'; reason: string };

/**
 * One connection's back-pressure state. Pure: it is told the buffered amount and the time, so the
 * policy is tested without sockets or clocks.
 */
export class SendBudget {
  readonly #limits: WebSocketLimits;
  #slowSince: number | null = null;

  constructor(limits: WebSocketLimits) {
    this.#limits = limits;
  }

  verdict(bufferedBytes: number, now: number): SendVerdict {
    const limits = this.#limits;
    if (bufferedBytes >= limits.hardBufferBytes) {
      return { action: 'close', reason: `reads too slowly: ${megabytes(bufferedBytes)} MB waiting, over the ${megabytes(limits.hardBufferBytes)} MB cap` };
    }
    if (bufferedBytes < limits.softBufferBytes) {
      this.#slowSince = null;
      return { action: 'send' };
    }
    this.#slowSince ??= now;
    if (now - this.#slowSince >= limits.slowConsumerGraceMs) {
      return {
        action: 'close',
        reason: `reads too slowly: over ${megabytes(limits.softBufferBytes)} MB waiting for ${Math.round((now - this.#slowSince) / 1000)} s`,
      };
    }
    return { action: 'shed-events' };
  }
}

function megabytes(bytes: number): string {
  return (bytes / (1 << 20)).toFixed(1);
}

/** RFC 6455 §7.4.1: 1008, the endpoint received (here: caused) something that violates its policy. */
export const CLOSE_POLICY_VIOLATION = 1008;
