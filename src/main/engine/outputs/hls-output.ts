// HLS: the splice-aware segmenter fed in-process (no ffmpeg) into the preview folder, and, when
// the settings name one, a second segmenter publishing to the user's folder. Each folder fails on
// its own: a full publish disk does not take the preview down, and a folder that failed (disk
// full, folder gone) is retried with backoff like every other output, so the preview comes back
// by itself once the disk has room. Segments are cut on the drain turn, never inside the caller's
// write(), and land on disk through a queue, so the program never waits on the disk.
import path from 'node:path';
import type { HlsOutputSettings } from '../../../shared/outputs.ts';
import { errorMessage } from '../errors.ts';
import { QueuedHlsFiles } from '../hls/hls-files.ts';
import { HlsSegmenter } from '../hls/segmenter.ts';
import type { Logger } from '../log.ts';
import { backoffDelay, type BackoffPolicy } from '../process/supervisor.ts';
import { DEFAULT_OUTPUT_BACKOFF } from './ffmpeg-output.ts';
import { OutputBase } from './output-base.ts';

export interface HlsOutputOptions {
  id: string;
  settings: HlsOutputSettings;
  /** The folder the host serves at /preview/ (for this output). */
  previewDir: string;
  logger: Logger;
  playlistName?: string;
  /** Default 16 MiB: a few seconds of program, for a disk that stalls. */
  queueBytes?: number;
  /** How a failed folder is retried; default as the other outputs. */
  retry?: Partial<BackoffPolicy>;
}

/** Errors no retry can fix: a bad option, a state file the user must look at. */
const NOT_RETRIED = new Set(['BAD_OPTION', 'STATE_CORRUPT']);

interface Target {
  label: 'preview' | 'publish';
  dir: string;
  /** The preview lives in the private data dir; the publish folder is for a web server to read. */
  mode: number;
  segmenter: HlsSegmenter | undefined;
  files: QueuedHlsFiles | undefined;
  failed: string | undefined;
  /** Failures since a segment last landed: how long the next wait is. */
  failures: number;
  /** A segment landed since the folder was (re)opened. */
  landed: boolean;
  retryTimer: NodeJS.Timeout | undefined;
  retryAt: number | undefined;
}

export class HlsOutput extends OutputBase {
  readonly settings: HlsOutputSettings;
  readonly previewDir: string;
  readonly playlistName: string;
  readonly #retry: BackoffPolicy;
  #targets: Target[] = [];
  #active = false;
  #drainScheduled = false;
  /** Segments written to the preview folder since the output was made. */
  segmentsWritten = 0;

  constructor(options: HlsOutputOptions) {
    super({
      id: options.id,
      kind: 'hls',
      logger: options.logger.child(`output ${options.id}`),
      queueBytes: options.queueBytes ?? 16 << 20,
      target: path.join(options.previewDir, options.playlistName ?? 'index.m3u8') + (options.settings.folder ? ` + ${options.settings.folder}` : ''),
    });
    this.settings = options.settings;
    this.previewDir = options.previewDir;
    this.playlistName = options.playlistName ?? 'index.m3u8';
    this.#retry = { ...(DEFAULT_OUTPUT_BACKOFF as BackoffPolicy), ...options.retry };
  }

  /** The preview playlist's path. */
  get playlistPath(): string {
    return path.join(this.previewDir, this.playlistName);
  }

  /** Starts segmenting; from 'failed' too (the folder fixed). The media sequence carries on. */
  start(): void {
    if (this.#active && this.state !== 'failed') return;
    this.#clearRetries();
    this.#active = true;
    const target = (label: Target['label'], dir: string, mode: number): Target => ({
      label,
      dir,
      mode,
      segmenter: undefined,
      files: undefined,
      failed: undefined,
      failures: 0,
      landed: false,
      retryTimer: undefined,
      retryAt: undefined,
    });
    this.#targets = [target('preview', this.previewDir, 0o600)];
    if (this.settings.folder) this.#targets.push(target('publish', this.settings.folder, 0o644));
    for (const each of this.#targets) this.#open(each);
    this.setState('starting', 'waiting for the first keyframe');
    this.#refreshState();
  }

  async stop(reason = 'stopped'): Promise<void> {
    if (!this.#active) return;
    this.#drain();
    this.#active = false;
    this.#clearRetries();
    const closing: Promise<void>[] = [];
    for (const target of this.#targets) {
      if (!target.segmenter || !target.files) continue;
      try {
        target.segmenter.end();
      } catch (error) {
        // NO_VIDEO: nothing was segmented yet; anything else is worth a line in the log.
        if ((error as { code?: string }).code !== 'NO_VIDEO') this.logger.warn(`${target.label}: could not close the playlist`, { error: errorMessage(error) });
      }
      closing.push(
        target.files.drained().catch((error: unknown) => this.logger.warn(`${target.label}: could not close the playlist`, { error: errorMessage(error) })),
      );
    }
    this.#targets = [];
    this.queue.clear();
    await Promise.all(closing);
    this.setState('stopped', reason);
  }

  write(chunk: Buffer): void {
    if (!this.#active) return;
    this.bytesIn += chunk.length;
    if (!this.#targets.some((target) => target.segmenter)) {
      // Every folder is down and waiting for its retry: these bytes have nowhere to go.
      this.queue.countDropped(chunk.length);
      return;
    }
    this.queue.push(chunk);
    if (this.#drainScheduled) return;
    this.#drainScheduled = true;
    setImmediate(() => {
      this.#drainScheduled = false;
      this.#drain();
    });
  }

  #open(target: Target): void {
    const files = new QueuedHlsFiles({ mode: target.mode, onError: (error) => this.#fail(target, files, error) });
    try {
      target.segmenter = new HlsSegmenter({
        outputDir: target.dir,
        segmentDurationSeconds: this.settings.segmentSeconds,
        listSize: this.settings.listSize,
        segmentHistory: this.settings.listSize, // live for days: remember no more than is listed
        markers: this.settings.markers,
        playlistName: this.playlistName,
        files,
        onSegment: () => {
          if (target.files !== files) return;
          if (target.label === 'preview') this.segmentsWritten++;
          if (target.failed !== undefined) {
            this.logger.info(`HLS ${target.label} writing again`);
            this.reconnects++;
          }
          target.failed = undefined;
          target.failures = 0;
          if (!target.landed) {
            target.landed = true;
            this.#refreshState();
          }
        },
      });
      target.files = files;
    } catch (error) {
      this.#fail(target, undefined, error);
    }
  }

  /** A folder failed: drop its segmenter and, unless no retry can help, try again after a wait. */
  #fail(target: Target, files: QueuedHlsFiles | undefined, error: unknown): void {
    if (files && target.files !== files) return; // a late report from a writer already replaced
    target.segmenter = undefined;
    target.files = undefined;
    target.landed = false;
    target.failures++;
    target.failed = `${target.label} folder ${target.dir}: ${errorMessage(error)}${causeText(error)}`;
    const code = (error as { code?: string }).code;
    const retried = this.#active && !(code !== undefined && NOT_RETRIED.has(code));
    if (retried) {
      const delay = backoffDelay(target.failures, this.#retry);
      target.retryAt = Date.now() + delay;
      target.retryTimer = setTimeout(() => {
        target.retryTimer = undefined;
        target.retryAt = undefined;
        if (!this.#active || !this.#targets.includes(target)) return;
        this.#open(target);
        this.#refreshState();
      }, delay);
      target.retryTimer.unref();
      this.logger.error(`HLS ${target.label} failed; retrying in ${delay} ms`, { reason: target.failed });
    } else {
      this.logger.error(`HLS ${target.label} failed`, { reason: target.failed });
    }
    this.#refreshState();
  }

  #clearRetries(): void {
    for (const target of this.#targets) {
      clearTimeout(target.retryTimer);
      target.retryTimer = undefined;
      target.retryAt = undefined;
    }
  }

  #drain(): void {
    for (;;) {
      const chunk = this.queue.shift();
      if (!chunk) return;
      let took = false;
      for (const target of this.#targets) {
        if (!target.segmenter) continue;
        try {
          target.segmenter.push(chunk);
          took = true;
        } catch (error) {
          this.#fail(target, target.files, error);
        }
      }
      if (took) this.delivered(chunk.length);
      else this.queue.countDropped(chunk.length);
    }
  }

  #refreshState(): void {
    if (!this.#active) return;
    const failures = this.#targets.filter((target) => target.failed).map((target) => target.failed!);
    const working = this.#targets.filter((target) => target.segmenter);
    if (working.length === 0) {
      this.queue.clear();
      const retryAts = this.#targets.map((target) => target.retryAt).filter((at): at is number => at !== undefined);
      if (retryAts.length > 0) this.setState('backoff', failures.join('; '), Math.max(0, Math.min(...retryAts) - Date.now()));
      else this.setState('failed', failures.join('; '));
      return;
    }
    if (failures.length > 0) this.lastError = failures.join('; ');
    const down = this.#targets.filter((target) => target.failed);
    const prefix = down.every((target) => target.label === 'publish') ? 'publishing failed' : 'preview failed, retrying';
    const reason = failures.length > 0 ? `${prefix}: ${failures.join('; ')}` : undefined;
    if (working.some((target) => target.landed)) this.setState('running', reason);
    else this.setState('starting', reason ?? 'waiting for the first keyframe');
  }
}

function causeText(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC') return ' (disk full)';
  if (code === 'ENOENT') return ' (folder missing)';
  if (code === 'EACCES' || code === 'EPERM') return ' (permission denied)';
  return cause instanceof Error ? ` (${cause.message})` : '';
}
