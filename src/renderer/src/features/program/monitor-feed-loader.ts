import type Mpegts from 'mpegts.js';
import { SegmentationDurationStripper } from './segmentation-duration-stripper.ts';

/**
 * mpegts.js's loader for the monitor's TS feed: a streaming fetch, as its own FetchStreamLoader does
 * (same origin, the token's cookie), with every chunk passed through SegmentationDurationStripper
 * before mpegts.js parses it (see there: mpegts.js 1.8.2 throws on a segmentation_duration).
 * Made from the library loaded at run time, since mpegts.js loads in its own chunk.
 */
export function monitorFeedLoader(lib: typeof Mpegts): Mpegts.CustomLoaderConstructor {
  const { BaseLoader, LoaderStatus, LoaderErrors } = lib;
  return class MonitorFeedLoader extends BaseLoader {
    #abort: AbortController | null = null;
    #requestAborted = false;
    #received = 0;
    readonly #stripper = new SegmentationDurationStripper();

    constructor() {
      super('monitor-fetch-stream-loader');
      this._needStash = true;
    }

    override destroy(): void {
      if (this.isWorking()) this.abort();
      super.destroy();
    }

    override open(dataSource: Mpegts.MediaSegment & { withCredentials?: boolean }, range: Mpegts.Range): void {
      this.#abort = new AbortController();
      this._status = LoaderStatus.kConnecting;
      const from = range.from;
      fetch(dataSource.url, { credentials: dataSource.withCredentials ? 'include' : 'same-origin', signal: this.#abort.signal, cache: 'no-store' })
        .then(async (response) => {
          if (this.#requestAborted) {
            this._status = LoaderStatus.kIdle;
            await response.body?.cancel();
            return;
          }
          if (!response.ok || !response.body) {
            this._status = LoaderStatus.kError;
            this.#fail(LoaderErrors.HTTP_STATUS_CODE_INVALID, { code: response.status, msg: response.statusText });
            return;
          }
          this._status = LoaderStatus.kBuffering;
          const reader = response.body.getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (this.#requestAborted) {
              this._status = LoaderStatus.kComplete;
              await reader.cancel();
              return;
            }
            if (done) {
              this._status = LoaderStatus.kComplete;
              this.onComplete?.(from, from + this.#received - 1);
              return;
            }
            const out = this.#stripper.push(value);
            if (out.length === 0) continue;
            const byteStart = from + this.#received;
            this.#received += out.length;
            this.onDataArrival?.(out.slice().buffer, byteStart, this.#received);
          }
        })
        .catch((error: unknown) => {
          if (this.#abort?.signal.aborted) {
            this._status = LoaderStatus.kComplete;
            return;
          }
          this._status = LoaderStatus.kError;
          this.#fail(LoaderErrors.EXCEPTION, { code: -1, msg: error instanceof Error ? error.message : String(error) });
        });
    }

    /** The d.ts types onError's first argument as the LoaderErrors table itself; at run time it is one of its strings. */
    #fail(type: string, info: Mpegts.LoaderErrorMessage): void {
      this.onError?.(type as unknown as Mpegts.LoaderErrors, info);
    }

    override abort(): void {
      this.#requestAborted = true;
      this.#abort?.abort();
    }
  };
}
