// HLS: the splice-aware segmenter fed in-process (no ffmpeg) into the preview folder, and, when
// the settings name one, a second segmenter publishing to the user's folder. Each folder fails on
// its own: a full publish disk does not take the preview down. Segments are cut on the drain turn,
// never inside the caller's write().
import path from 'node:path';
import type { HlsOutputSettings } from '../../../shared/outputs.ts';
import { errorMessage } from '../errors.ts';
import { HlsSegmenter } from '../hls/segmenter.ts';
import type { Logger } from '../log.ts';
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
}

interface Target {
  label: 'preview' | 'publish';
  dir: string;
  segmenter: HlsSegmenter | undefined;
  failed: string | undefined;
}

export class HlsOutput extends OutputBase {
  readonly settings: HlsOutputSettings;
  readonly previewDir: string;
  readonly playlistName: string;
  #targets: Target[] = [];
  #active = false;
  #drainScheduled = false;
  #hadSegment = false;
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
  }

  /** The preview playlist's path. */
  get playlistPath(): string {
    return path.join(this.previewDir, this.playlistName);
  }

  /** Starts segmenting; from 'failed' too (the folder fixed). The media sequence carries on. */
  start(): void {
    if (this.#active && this.state !== 'failed') return;
    this.#active = true;
    this.#hadSegment = false;
    this.#targets = [{ label: 'preview', dir: this.previewDir, segmenter: undefined, failed: undefined }];
    if (this.settings.folder) this.#targets.push({ label: 'publish', dir: this.settings.folder, segmenter: undefined, failed: undefined });
    for (const target of this.#targets) {
      try {
        target.segmenter = new HlsSegmenter({
          outputDir: target.dir,
          segmentDurationSeconds: this.settings.segmentSeconds,
          listSize: this.settings.listSize,
          segmentHistory: this.settings.listSize, // live for days: remember no more than is listed
          markers: this.settings.markers,
          playlistName: this.playlistName,
          onSegment: () => {
            if (target.label === 'preview') this.segmentsWritten++;
            this.#hadSegment = true;
            if (this.state === 'starting') this.#refreshState();
          },
        });
      } catch (error) {
        target.failed = `${target.label} folder ${target.dir}: ${errorMessage(error)}`;
      }
    }
    this.setState('starting', 'waiting for the first keyframe');
    this.#refreshState();
  }

  async stop(reason = 'stopped'): Promise<void> {
    if (!this.#active) return;
    this.#drain();
    this.#active = false;
    for (const target of this.#targets) {
      if (!target.segmenter || target.failed) continue;
      try {
        target.segmenter.end();
      } catch (error) {
        // NO_VIDEO: nothing was segmented yet; anything else is worth a line in the log.
        if ((error as { code?: string }).code !== 'NO_VIDEO') this.logger.warn(`${target.label}: could not close the playlist`, { error: errorMessage(error) });
      }
    }
    this.#targets = [];
    this.queue.clear();
    this.setState('stopped', reason);
  }

  write(chunk: Buffer): void {
    if (!this.#active || this.state === 'failed') return;
    this.bytesIn += chunk.length;
    this.queue.push(chunk);
    if (this.#drainScheduled) return;
    this.#drainScheduled = true;
    setImmediate(() => {
      this.#drainScheduled = false;
      this.#drain();
    });
  }

  #drain(): void {
    for (;;) {
      const chunk = this.queue.shift();
      if (!chunk) return;
      let took = false;
      for (const target of this.#targets) {
        if (!target.segmenter || target.failed) continue;
        try {
          target.segmenter.push(chunk);
          took = true;
        } catch (error) {
          target.failed = `${target.label} folder ${target.dir}: ${errorMessage(error)}${causeText(error)}`;
          this.logger.error(`HLS ${target.label} failed`, { reason: target.failed });
          this.#refreshState();
        }
      }
      if (took) this.delivered(chunk.length);
    }
  }

  #refreshState(): void {
    if (!this.#active) return;
    const failures = this.#targets.filter((target) => target.failed).map((target) => target.failed!);
    const working = this.#targets.filter((target) => !target.failed);
    if (working.length === 0) {
      this.setState('failed', failures.join('; '));
      this.queue.clear();
      return;
    }
    if (failures.length > 0) this.lastError = failures.join('; ');
    if (this.#hadSegment) this.setState('running', failures.length > 0 ? `publishing failed: ${failures.join('; ')}` : undefined);
    else this.setState('starting', failures.length > 0 ? `publishing failed: ${failures.join('; ')}` : 'waiting for the first keyframe');
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
