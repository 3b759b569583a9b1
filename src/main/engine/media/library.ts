// The media library (#14): import probes a file (ffprobe, bounded and timed), stores what it found,
// answers, then measures its loudness and renders its thumbnail and filmstrip off the request path.
// Chapters are edited in the store only: the file is never rewritten.
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { MediaChapter, MediaItem, MediaPictureKind } from '../../../shared/media.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { spawnOwned } from '../process/child.ts';
import type { MediaRepository, StoredMedia } from '../store/media-repository.ts';
import { writeFileAtomic } from '../util/atomic-file.ts';
import { measureLoudness, renderFilmstrip, renderThumbnail } from './analysis.ts';
import { MediaError } from './errors.ts';
import { checkMediaPath, ffprobeArgs, ffprobeBeside, refuseIndirectByContent, verdictFromFfprobe, type ProbeVerdict } from './probe.ts';

export const MEDIA_CACHE_DIR = 'media-cache';
/** Where the thumbnail sits: the timestamp of 10 % of the duration (past any black lead-in). */
export const THUMBNAIL_AT_FRACTION = 0.1;
/**
 * The filmstrip's file in the item's cache folder. Its path follows from the id and whether it exists
 * is read from the disk: no column (and no migration) is needed for it.
 */
export const FILMSTRIP_FILE = 'filmstrip.jpg';

export interface MediaLibraryOptions {
  repository: MediaRepository;
  dataDir: string;
  /** ffmpeg and ffprobe as the engine found them; null when there is none. */
  binaries: () => { ffmpeg: string | null; ffprobe: string | null };
  /** Called with the whole list after every change. */
  onChanged: (items: MediaItem[]) => void;
  log: Logger;
  /** How many ffprobe/ffmpeg runs at once, imports and analyses together. Default 2. */
  concurrency?: number;
  probeTimeoutMs?: number;
  analysisTimeoutMs?: number;
  now?: () => Date;
}

/** At most `limit` tasks at once; the rest wait in order. */
class BoundedQueue {
  readonly #limit: number;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running++;
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}

export class MediaLibrary {
  readonly #options: MediaLibraryOptions;
  readonly #queue: BoundedQueue;
  /** Analyses queued or running, by media id: aborting one stops its ffmpeg. */
  readonly #analyses = new Map<number, AbortController>();
  readonly #pending = new Set<Promise<unknown>>();
  #closed = false;

  constructor(options: MediaLibraryOptions) {
    this.#options = options;
    this.#queue = new BoundedQueue(options.concurrency ?? 2);
  }

  /**
   * Picks up analyses a previous run did not finish (stopped mid-way): ready rows without results;
   * and video that was analysed before filmstrips were made, or whose filmstrip is gone from the cache.
   */
  resumeAnalyses(): void {
    for (const stored of this.#options.repository.list()) {
      if (stored.state !== 'ready' || stored.analysisError !== null) continue;
      const unfinished = stored.thumbnailPath === null && stored.loudnessLufs === null;
      const noFilmstrip = stored.video !== null && stored.durationSeconds !== null && this.#filmstripPath(stored.id) === null;
      if (unfinished || noFilmstrip) this.#analyse(stored);
    }
  }

  list(): MediaItem[] {
    return this.#options.repository.list().map((stored) => this.#item(stored));
  }

  /**
   * Probes and stores one file. A bad path (or a playlist) is refused with an error naming `path`
   * before any process starts; a file ffprobe cannot use is stored as failed, with the reason.
   */
  async import(filePath: string): Promise<MediaItem> {
    this.#refuseWhenClosed();
    await checkMediaPath(filePath);
    await refuseIndirectByContent(filePath);
    const verdict = await this.#track(this.#queue.run(() => this.#probe(filePath)));
    this.#refuseWhenClosed();
    const stored = this.#options.repository.upsertProbed(
      verdict.state === 'ready'
        ? { path: filePath, name: path.basename(filePath), reason: null, ...verdict }
        : {
            path: filePath,
            name: path.basename(filePath),
            state: 'failed',
            reason: verdict.reason,
            durationSeconds: null,
            video: null,
            audio: null,
            chapters: [],
          },
      this.#now(),
    );
    // A re-import starts the analysis over: the old one measured the file as it was.
    this.#analyses.get(stored.id)?.abort();
    await rm(this.#cacheDir(stored.id), { recursive: true, force: true });
    if (stored.state === 'ready') this.#analyse(stored);
    this.#options.log.info(`media imported: ${stored.state}`, { id: stored.id, path: filePath, ...(stored.reason ? { reason: stored.reason } : {}) });
    this.#changed();
    return this.#item(stored);
  }

  /** Renames, or replaces the chapters (sorted, within the duration): in the store, never in the file. */
  update(id: number, changes: { name?: string | undefined; chapters?: MediaChapter[] | undefined }): MediaItem {
    const before = this.#options.repository.get(id);
    if (!before) throw new MediaError('NOT_FOUND', `No media with id ${id}.`, { field: 'id' });
    if (changes.chapters !== undefined) checkChaptersFit(before, changes.chapters);
    const after = this.#options.repository.update(id, changes);
    this.#changed();
    return this.#item(after);
  }

  /** Removes the row and its cached pictures; the file itself stays where it is. */
  async remove(id: number): Promise<{ removed: boolean }> {
    const removed = this.#options.repository.remove(id);
    if (!removed) throw new MediaError('NOT_FOUND', `No media with id ${id}.`, { field: 'id' });
    this.#analyses.get(id)?.abort();
    await rm(this.#cacheDir(id), { recursive: true, force: true });
    this.#changed();
    return { removed };
  }

  /** The cached picture's file, or null when there is none (yet). */
  picturePath(id: number, kind: MediaPictureKind): string | null {
    const stored = this.#options.repository.get(id);
    if (!stored) return null;
    if (kind === 'thumbnail') return stored.thumbnailPath;
    return this.#filmstripPath(stored.id);
  }

  /** Stops every analysis and waits for the children to be gone. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const controller of this.#analyses.values()) controller.abort();
    await Promise.allSettled([...this.#pending]);
  }

  #refuseWhenClosed(): void {
    if (this.#closed) throw new MediaError('CLOSED', 'The media library is shutting down.');
  }

  async #probe(filePath: string): Promise<ProbeVerdict> {
    const { ffmpeg, ffprobe } = this.#options.binaries();
    const probePath = ffprobe ?? (ffmpeg ? ffprobeBeside(ffmpeg) : null);
    if (!probePath) throw new MediaError('NO_FFPROBE', 'No ffprobe: install ffmpeg (with ffprobe) or set FFPROBE_PATH.');
    const child = spawnOwned({
      command: probePath,
      name: 'ffprobe',
      args: ffprobeArgs(filePath),
      timeoutMs: this.#options.probeTimeoutMs ?? 30_000,
      graceMs: 1000,
    });
    const chunks: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk));
    const exit = await child.exited;
    if (exit.error?.code === 'SPAWN_FAILED') throw new MediaError('NO_FFPROBE', exit.error.message, { cause: exit.error });
    if (exit.error) {
      const said = exit.stderrTail.at(-1);
      const how = exit.timedOut ? 'took too long and was stopped' : 'could not read this file';
      return { state: 'failed', reason: `ffprobe ${how}${said ? `: ${said}` : '.'}` };
    }
    return verdictFromFfprobe(filePath, Buffer.concat(chunks).toString('utf8'));
  }

  #analyse(stored: StoredMedia): void {
    const controller = new AbortController();
    this.#analyses.set(stored.id, controller);
    const done = this.#queue
      .run(() => this.#runAnalysis(stored, controller.signal))
      .catch((error) => this.#options.log.error('media analysis failed', { id: stored.id, error: errorMessage(error) }))
      .finally(() => {
        if (this.#analyses.get(stored.id) === controller) this.#analyses.delete(stored.id);
        if (!controller.signal.aborted) this.#changed();
      });
    void this.#track(done);
  }

  async #runAnalysis(stored: StoredMedia, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const ffmpeg = this.#options.binaries().ffmpeg;
    const problems: string[] = [];
    let loudnessLufs: number | null = null;
    let thumbnailPath: string | null = null;
    if (!ffmpeg) problems.push('no ffmpeg to measure loudness or render a thumbnail');
    const timeoutMs = this.#options.analysisTimeoutMs ?? 10 * 60_000;
    if (ffmpeg && stored.audio) {
      try {
        const measured = await measureLoudness({ ffmpegPath: ffmpeg, filePath: stored.path, signal, timeoutMs });
        loudnessLufs = Number.isFinite(measured) ? measured : null;
      } catch (error) {
        if (signal.aborted) return;
        problems.push(`loudness: ${errorMessage(error)}`);
      }
    }
    if (ffmpeg && stored.video && !signal.aborted) {
      try {
        const jpeg = await renderThumbnail({
          ffmpegPath: ffmpeg,
          filePath: stored.path,
          signal,
          timeoutMs,
          atSeconds: (stored.durationSeconds ?? 0) * THUMBNAIL_AT_FRACTION,
        });
        if (signal.aborted) return;
        const folder = this.#cacheDir(stored.id);
        await mkdir(folder, { recursive: true, mode: 0o700 });
        thumbnailPath = path.join(folder, 'thumb.jpg');
        writeFileAtomic(thumbnailPath, jpeg);
      } catch (error) {
        if (signal.aborted) return;
        thumbnailPath = null;
        problems.push(`thumbnail: ${errorMessage(error)}`);
      }
    }
    if (ffmpeg && stored.video && stored.durationSeconds !== null && !signal.aborted) {
      try {
        const jpeg = await renderFilmstrip({ ffmpegPath: ffmpeg, filePath: stored.path, signal, timeoutMs, durationSeconds: stored.durationSeconds });
        if (signal.aborted) return;
        const folder = this.#cacheDir(stored.id);
        await mkdir(folder, { recursive: true, mode: 0o700 });
        writeFileAtomic(path.join(folder, FILMSTRIP_FILE), jpeg);
      } catch (error) {
        if (signal.aborted) return;
        problems.push(`filmstrip: ${errorMessage(error)}`);
      }
    }
    if (signal.aborted) return;
    const kept = this.#options.repository.setAnalysis(stored.id, { loudnessLufs, thumbnailPath, error: problems.length ? problems.join('; ') : null });
    // Removed while it ran: what it made goes too.
    if (!kept) await rm(this.#cacheDir(stored.id), { recursive: true, force: true });
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#pending.add(promise);
    void promise.then(
      () => this.#pending.delete(promise),
      () => this.#pending.delete(promise),
    );
    return promise;
  }

  #cacheDir(id: number): string {
    return path.join(this.#options.dataDir, MEDIA_CACHE_DIR, String(id));
  }

  #filmstripPath(id: number): string | null {
    const file = path.join(this.#cacheDir(id), FILMSTRIP_FILE);
    return existsSync(file) ? file : null;
  }

  #changed(): void {
    this.#options.onChanged(this.list());
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }

  #item(stored: StoredMedia): MediaItem {
    return {
      id: stored.id,
      name: stored.name,
      path: stored.path,
      state: stored.state,
      ...(stored.reason ? { reason: stored.reason } : {}),
      durationSeconds: stored.durationSeconds,
      video: stored.video,
      audio: stored.audio,
      chapters: stored.chapters,
      loudnessLufs: stored.loudnessLufs,
      analysing: this.#analyses.has(stored.id),
      analysisError: stored.analysisError,
      thumbnailPath: stored.thumbnailPath,
      filmstripPath: stored.state === 'ready' ? this.#filmstripPath(stored.id) : null,
      addedAt: stored.addedAt,
    };
  }
}

/** Chapters must start within the file: a failed file (no duration) has none. */
function checkChaptersFit(media: StoredMedia, chapters: readonly MediaChapter[]): void {
  if (media.state !== 'ready' || media.durationSeconds === null) {
    if (chapters.length === 0) return;
    throw new MediaError('BAD_CHAPTERS', `chapters: media ${media.id} failed to probe and has no duration, so it can have no chapters.`, { field: 'chapters' });
  }
  for (const [index, chapter] of chapters.entries()) {
    if (chapter.startSeconds >= media.durationSeconds) {
      throw new MediaError(
        'BAD_CHAPTERS',
        `chapters.${index}.startSeconds: ${chapter.startSeconds} s is not within the duration (${media.durationSeconds} s).`,
        {
          field: `chapters.${index}.startSeconds`,
        },
      );
    }
  }
}
