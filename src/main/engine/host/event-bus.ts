import type { EventName, EventPayloads } from '../../../shared/contract.ts';

export type EventListener<E extends EventName> = (payload: EventPayloads[E]) => void;
export type AnyEventListener = <E extends EventName>(event: E, payload: EventPayloads[E]) => void;

/** The engine's pushed events. A throwing listener is isolated: it never stops the others. */
export class EventBus {
  readonly #listeners = new Set<AnyEventListener>();
  readonly #onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void) {
    this.#onListenerError = onListenerError;
  }

  /** Every event, for transports (IPC, WebSocket). Returns the unsubscribe function. */
  subscribeAll(listener: AnyEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  subscribe<E extends EventName>(event: E, listener: EventListener<E>): () => void {
    const filtered: AnyEventListener = (name, payload) => {
      if ((name as EventName) === event) listener(payload as EventPayloads[E]);
    };
    return this.subscribeAll(filtered);
  }

  emit<E extends EventName>(event: E, payload: EventPayloads[E]): void {
    for (const listener of this.#listeners) {
      try {
        listener(event, payload);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}
