// Lifecycle operations (program start/stop, output start/stop, format changes, closing) run one at
// a time, in the order they were asked for. Each reads the state the one before it left: a second
// start finds the program running and does nothing; a stop asked during a start waits for the start
// to finish, then stops what it started. Concurrent calls therefore give one program, one encoder,
// and answers that agree with each other.

export class LifecycleQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #waiting = 0;

  /**
   * Runs `operation` after every operation queued before it has settled (resolved or rejected),
   * and settles as it does. One operation's failure does not affect the next.
   * An operation must not queue another on the same queue and await it: that would wait forever.
   */
  run<T>(operation: () => T | Promise<T>): Promise<T> {
    this.#waiting++;
    const result = this.#tail.then(() => operation()).finally(() => this.#waiting--);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Operations queued or running. */
  get size(): number {
    return this.#waiting;
  }
}
