// The media library's rows (#14). Every write is one statement or one transaction, committed
// before the caller answers.
import type { Database } from 'better-sqlite3';
import type { MediaAudio, MediaChapter, MediaState, MediaVideo } from '../../../shared/media.ts';
import { StoreError } from './errors.ts';

/** A row as stored: what the library answers, minus what only the running library knows. */
export interface StoredMedia {
  id: number;
  path: string;
  name: string;
  state: MediaState;
  reason: string | null;
  durationSeconds: number | null;
  video: MediaVideo | null;
  audio: MediaAudio | null;
  chapters: MediaChapter[];
  loudnessLufs: number | null;
  analysisError: string | null;
  thumbnailPath: string | null;
  addedAt: string;
}

/** What a probe found; written as a whole on every import (a re-import refreshes the row). */
export interface ProbedMediaRow {
  path: string;
  name: string;
  state: MediaState;
  reason: string | null;
  durationSeconds: number | null;
  video: MediaVideo | null;
  audio: MediaAudio | null;
  chapters: MediaChapter[];
}

interface MediaRow {
  id: number;
  path: string;
  name: string;
  state: MediaState;
  reason: string | null;
  duration_seconds: number | null;
  video_width: number | null;
  video_height: number | null;
  video_fps_num: number | null;
  video_fps_den: number | null;
  video_codec: string | null;
  audio_codec: string | null;
  audio_channels: number | null;
  audio_sample_rate: number | null;
  chapters: string;
  loudness_lufs: number | null;
  analysis_error: string | null;
  thumbnail_path: string | null;
  added_at: string;
}

function fromRow(row: MediaRow): StoredMedia {
  const video =
    row.video_width !== null && row.video_height !== null && row.video_fps_num !== null && row.video_fps_den !== null
      ? { width: row.video_width, height: row.video_height, frameRate: { num: row.video_fps_num, den: row.video_fps_den }, codec: row.video_codec ?? '' }
      : null;
  const audio =
    row.audio_codec !== null && row.audio_channels !== null && row.audio_sample_rate !== null
      ? { codec: row.audio_codec, channels: row.audio_channels, sampleRate: row.audio_sample_rate }
      : null;
  return {
    id: row.id,
    path: row.path,
    name: row.name,
    state: row.state,
    reason: row.reason,
    durationSeconds: row.duration_seconds,
    video,
    audio,
    chapters: JSON.parse(row.chapters) as MediaChapter[],
    loudnessLufs: row.loudness_lufs,
    analysisError: row.analysis_error,
    thumbnailPath: row.thumbnail_path,
    addedAt: row.added_at,
  };
}

function probedColumns(probed: ProbedMediaRow) {
  return {
    path: probed.path,
    name: probed.name,
    state: probed.state,
    reason: probed.reason,
    duration_seconds: probed.durationSeconds,
    video_width: probed.video?.width ?? null,
    video_height: probed.video?.height ?? null,
    video_fps_num: probed.video?.frameRate.num ?? null,
    video_fps_den: probed.video?.frameRate.den ?? null,
    video_codec: probed.video?.codec ?? null,
    audio_codec: probed.audio?.codec ?? null,
    audio_channels: probed.audio?.channels ?? null,
    audio_sample_rate: probed.audio?.sampleRate ?? null,
    chapters: JSON.stringify(probed.chapters),
  };
}

export class MediaRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  list(): StoredMedia[] {
    return (this.#db.prepare('SELECT * FROM media ORDER BY id').all() as MediaRow[]).map(fromRow);
  }

  get(id: number): StoredMedia | null {
    const row = this.#db.prepare('SELECT * FROM media WHERE id = ?').get(id) as MediaRow | undefined;
    return row ? fromRow(row) : null;
  }

  byPath(filePath: string): StoredMedia | null {
    const row = this.#db.prepare('SELECT * FROM media WHERE path = ?').get(filePath) as MediaRow | undefined;
    return row ? fromRow(row) : null;
  }

  /**
   * Stores what a probe found. A file already in the library keeps its id, name and added time
   * (a schedule may name it); its probe facts are replaced and its analysis starts over.
   */
  upsertProbed(probed: ProbedMediaRow, addedAt: Date): StoredMedia {
    const columns = probedColumns(probed);
    const row = this.#db
      .prepare(
        `INSERT INTO media (path, name, state, reason, duration_seconds, video_width, video_height, video_fps_num, video_fps_den, video_codec,
                            audio_codec, audio_channels, audio_sample_rate, chapters, added_at)
         VALUES (@path, @name, @state, @reason, @duration_seconds, @video_width, @video_height, @video_fps_num, @video_fps_den, @video_codec,
                 @audio_codec, @audio_channels, @audio_sample_rate, @chapters, @added_at)
         ON CONFLICT (path) DO UPDATE SET
           state = excluded.state, reason = excluded.reason, duration_seconds = excluded.duration_seconds,
           video_width = excluded.video_width, video_height = excluded.video_height, video_fps_num = excluded.video_fps_num,
           video_fps_den = excluded.video_fps_den, video_codec = excluded.video_codec, audio_codec = excluded.audio_codec,
           audio_channels = excluded.audio_channels, audio_sample_rate = excluded.audio_sample_rate, chapters = excluded.chapters,
           loudness_lufs = NULL, analysis_error = NULL, thumbnail_path = NULL
         RETURNING *`,
      )
      .get({ ...columns, added_at: addedAt.toISOString() }) as MediaRow;
    return fromRow(row);
  }

  /** Records the analysis; false when the row is gone meanwhile (removed during the analysis). */
  setAnalysis(id: number, analysis: { loudnessLufs: number | null; thumbnailPath: string | null; error: string | null }): boolean {
    const result = this.#db
      .prepare('UPDATE media SET loudness_lufs = ?, thumbnail_path = ?, analysis_error = ? WHERE id = ?')
      .run(analysis.loudnessLufs, analysis.thumbnailPath, analysis.error, id);
    return result.changes > 0;
  }

  update(id: number, changes: { name?: string | undefined; chapters?: MediaChapter[] | undefined }): StoredMedia {
    return this.#db.transaction(() => {
      const before = this.get(id);
      if (!before) throw new StoreError('NOT_FOUND', `No media with id ${id}.`, { field: 'id' });
      if (changes.name !== undefined) this.#db.prepare('UPDATE media SET name = ? WHERE id = ?').run(changes.name, id);
      if (changes.chapters !== undefined) this.#db.prepare('UPDATE media SET chapters = ? WHERE id = ?').run(JSON.stringify(changes.chapters), id);
      return this.get(id)!;
    })();
  }

  /** False when there was no such row; CONFLICT while a schedule item still plays it. */
  remove(id: number): boolean {
    try {
      return this.#db.prepare('DELETE FROM media WHERE id = ?').run(id).changes > 0;
    } catch (error) {
      // ON DELETE RESTRICT reports as SQLITE_CONSTRAINT_TRIGGER, a deferred check as _FOREIGNKEY.
      if (String((error as { code?: string }).code).startsWith('SQLITE_CONSTRAINT') && /FOREIGN KEY/.test(String((error as Error).message))) {
        throw new StoreError('CONFLICT', `Media ${id} is in the schedule: remove it from the schedule first.`, { field: 'id', cause: error });
      }
      throw error;
    }
  }
}
