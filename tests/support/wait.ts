/** Resolves once `condition()` holds, polled every 50 ms; rejects naming `what` after the timeout. */
export function until(condition: () => boolean, timeoutMs: number, what: string | (() => string)): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (condition()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`));
      }
    }, 50);
  });
}
