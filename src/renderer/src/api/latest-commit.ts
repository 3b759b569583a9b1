/**
 * Sends the newest value, one call at a time: while a call is out, later values replace each other,
 * so a fader or T-bar drag never queues stale values and the engine ends on where the hand stopped.
 * `onSettled` runs once nothing is left to send, with the last failure (a failure drops what waited:
 * the strip shows the engine's value again and the message).
 */
export interface LatestCommitter<T> {
  push(value: T): void;
  readonly busy: boolean;
}

export function latestCommitter<T>(send: (value: T) => Promise<void>, onSettled: (error: unknown) => void): LatestCommitter<T> {
  let pending: { value: T } | null = null;
  let busy = false;
  const pump = async () => {
    busy = true;
    let failure: unknown = null;
    while (pending) {
      const { value } = pending;
      pending = null;
      try {
        await send(value);
        failure = null;
      } catch (error) {
        failure = error;
        pending = null;
      }
    }
    busy = false;
    onSettled(failure);
  };
  return {
    push(value) {
      pending = { value };
      if (!busy) void pump();
    },
    get busy() {
      return busy;
    },
  };
}
