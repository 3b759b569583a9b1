// Telemetry (stats, meters, cue tally) reaches the store only while a view shows it, and no faster
// than the view needs: a shared, reference-counted subscription with a trailing throttle.

/** Calls `fn` at most once per `intervalMs` with the latest value; the last one is never lost. */
export function throttleLatest<T>(fn: (value: T) => void, intervalMs: number): { push(value: T): void; cancel(): void } {
  let last = -Infinity;
  let pending: { value: T } | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    if (!pending) return;
    const { value } = pending;
    pending = null;
    last = Date.now();
    fn(value);
  };
  return {
    push(value) {
      pending = { value };
      const wait = last + intervalMs - Date.now();
      if (wait <= 0) flush();
      else if (timer === undefined) timer = setTimeout(flush, wait);
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
      pending = null;
    },
  };
}

/**
 * One subscription shared by every view that watches: made when the first view mounts, dropped
 * when the last one unmounts. `start` returns its own stop.
 */
export function sharedWatch(start: () => () => void): () => () => void {
  let watchers = 0;
  let stop: (() => void) | null = null;
  return () => {
    watchers += 1;
    if (watchers === 1) stop = start();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      watchers -= 1;
      if (watchers === 0) {
        stop?.();
        stop = null;
      }
    };
  };
}
