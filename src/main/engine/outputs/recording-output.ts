// Recording: the program's TS bytes appended to a .ts file as they are (the SCTE-35 PID included:
// a byte copy, no remux). File names come from a strftime-style pattern; with rotateMinutes a new
// file starts at the first PAT after the rotation time, so every file opens with PAT and PMT.
// A write error (disk full, folder gone) is a failed state with its reason; other outputs go on.
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { RecordingOutputSettings } from '../../../shared/outputs.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { PID_PAT, TS_PACKET_SIZE } from '../mpegts/constants.ts';
import { OutputBase } from './output-base.ts';

/** Bytes gathered into one writev. */
const WRITE_BATCH_BYTES = 1 << 20;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** The file name for `date` (local time): %Y %m %d %H %M %S, and %% for a percent sign. */
export function recordingFileName(pattern: string, date: Date): string {
  return pattern.replace(/%([YmdHMS%])/g, (_, token: string) => {
    switch (token) {
      case 'Y':
        return pad(date.getFullYear(), 4);
      case 'm':
        return pad(date.getMonth() + 1);
      case 'd':
        return pad(date.getDate());
      case 'H':
        return pad(date.getHours());
      case 'M':
        return pad(date.getMinutes());
      case 'S':
        return pad(date.getSeconds());
      default:
        return '%';
    }
  });
}

/** The offset of the first packet in `chunk` that starts a PAT section (PID 0, payload_unit_start), or -1. */
export function firstPatOffset(chunk: Uint8Array): number {
  for (let p = 0; p + TS_PACKET_SIZE <= chunk.length; p += TS_PACKET_SIZE) {
    const pid = ((chunk[p + 1]! & 0x1f) << 8) | chunk[p + 2]!;
    const unitStart = (chunk[p + 1]! & 0x40) !== 0;
    if (pid === PID_PAT && unitStart) return p;
  }
  return -1;
}

/** A reason for people from a file system error. */
export function fileProblem(error: unknown, file: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  const folder = path.dirname(file);
  switch (code) {
    case 'ENOSPC':
      return `disk full writing ${file}`;
    case 'EDQUOT':
      return `disk quota exceeded writing ${file}`;
    case 'ENOENT':
      return `folder missing: ${folder}`;
    case 'ENOTDIR':
      return `not a folder: ${folder}`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied writing ${file}`;
    case 'EROFS':
      return `read-only file system: ${folder}`;
    case 'EIO':
      return `I/O error writing ${file}`;
    default:
      return `cannot write ${file}: ${errorMessage(error)}`;
  }
}

export interface RecordingOutputOptions {
  id: string;
  settings: RecordingOutputSettings;
  logger: Logger;
  /** Default 32 MiB: many seconds of program for a disk that stalls. */
  queueBytes?: number;
  /** The clock for file names and rotation. */
  now?: () => Date;
}

export const MAX_REMEMBERED_FILES = 100;

export class RecordingOutput extends OutputBase {
  readonly settings: RecordingOutputSettings;
  /** The files this output has opened, oldest first: the latest MAX_REMEMBERED_FILES (it may rotate for months). */
  readonly files: string[] = [];
  readonly #now: () => Date;
  #active = false;
  #handle: FileHandle | undefined;
  #file: string | undefined;
  #pumping: Promise<void> | undefined;
  #opening: Promise<void> | undefined;
  #rotateAt = Number.POSITIVE_INFINITY;
  /** The chunk that starts the next file, while it waits in the queue. */
  #rotationChunk: Buffer | undefined;
  #generation = 0;

  constructor(options: RecordingOutputOptions) {
    super({
      id: options.id,
      kind: 'recording',
      logger: options.logger.child(`output ${options.id}`),
      queueBytes: options.queueBytes ?? 32 << 20,
      target: path.join(options.settings.folder, options.settings.fileNamePattern),
    });
    this.settings = options.settings;
    this.#now = options.now ?? (() => new Date());
    this.queue.onDrop = (chunk) => {
      if (chunk !== this.#rotationChunk) return;
      // The next PAT starts the new file instead.
      this.#rotationChunk = undefined;
      this.#rotateAt = 0;
    };
  }

  /** The file being written, if any. */
  get file(): string | undefined {
    return this.#file;
  }

  /** Starts a new file; from 'failed' too (after the disk was freed, say). */
  start(): void {
    if (this.#active && this.state !== 'failed') return;
    this.#active = true;
    const generation = ++this.#generation;
    this.setState('starting', 'opening the file');
    this.#opening = this.#openNext(generation).then(() => {
      if (generation !== this.#generation || !this.#handle) return;
      this.setState('running', undefined);
      this.#pump();
    });
  }

  async stop(reason = 'stopped'): Promise<void> {
    if (!this.#active) return;
    this.#active = false;
    await this.#opening;
    while (this.#pumping) await this.#pumping; // what was queued before stop() is written
    this.#generation++;
    await this.#close();
    this.queue.clear();
    this.#rotationChunk = undefined;
    if (this.state !== 'failed') this.setState('stopped', reason);
  }

  write(chunk: Buffer): void {
    if (!this.#active || this.state === 'failed') return;
    this.bytesIn += chunk.length;
    if (this.#rotationChunk === undefined && this.#rotateAt !== Number.POSITIVE_INFINITY && this.#now().getTime() >= this.#rotateAt) {
      const at = firstPatOffset(chunk);
      if (at >= 0) {
        if (at > 0) this.queue.push(chunk.subarray(0, at));
        const rest = at > 0 ? chunk.subarray(at) : chunk;
        this.#rotationChunk = rest;
        this.#rotateAt = Number.POSITIVE_INFINITY; // until the new file is open and sets the next
        this.queue.push(rest);
        this.#pump();
        return;
      }
    }
    this.queue.push(chunk);
    this.#pump();
  }

  #pump(): void {
    if (this.#pumping || !this.#handle) return;
    this.#pumping = this.#writeQueued().finally(() => {
      this.#pumping = undefined;
      if (this.queue.length > 0 && this.#handle) this.#pump();
    });
  }

  async #writeQueued(): Promise<void> {
    const generation = this.#generation;
    while (this.#handle && generation === this.#generation) {
      const batch: Buffer[] = [];
      let bytes = 0;
      while (bytes < WRITE_BATCH_BYTES) {
        const chunk = this.queue.shift();
        if (!chunk) break;
        if (chunk === this.#rotationChunk) {
          if (batch.length > 0) {
            this.queue.unshift(chunk);
            break;
          }
          this.#rotationChunk = undefined;
          await this.#close();
          await this.#openNext(generation);
          if (!this.#handle) return;
        }
        batch.push(chunk);
        bytes += chunk.length;
      }
      if (batch.length === 0) return;
      try {
        await this.#handle.writev(batch);
        this.delivered(bytes);
      } catch (error) {
        await this.#fail(fileProblem(error, this.#file ?? this.settings.folder));
        return;
      }
    }
  }

  async #openNext(generation: number): Promise<void> {
    const now = this.#now();
    const base = recordingFileName(this.settings.fileNamePattern, now);
    const stem = base.replace(/\.ts$/i, '');
    for (let attempt = 0; attempt < 100; attempt++) {
      const file = path.join(this.settings.folder, attempt === 0 ? base : `${stem}-${attempt}.ts`);
      try {
        const handle = await open(file, 'wx');
        if (generation !== this.#generation) {
          await handle.close();
          return;
        }
        this.#handle = handle;
        this.#file = file;
        this.files.push(file);
        if (this.files.length > MAX_REMEMBERED_FILES) this.files.splice(0, this.files.length - MAX_REMEMBERED_FILES);
        this.#rotateAt = this.settings.rotateMinutes === undefined ? Number.POSITIVE_INFINITY : now.getTime() + this.settings.rotateMinutes * 60_000;
        this.logger.info(`recording to ${file}`);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        await this.#fail(fileProblem(error, file));
        return;
      }
    }
    await this.#fail(`cannot find a free file name for ${base} in ${this.settings.folder}`);
  }

  async #fail(reason: string): Promise<void> {
    this.logger.error(`recording failed: ${reason}`);
    this.setState('failed', reason);
    this.queue.clear();
    await this.#close();
  }

  async #close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    if (!handle) return;
    try {
      await handle.close();
    } catch (error) {
      this.logger.warn(`closing ${this.#file} failed`, { error: errorMessage(error) });
    }
  }
}
