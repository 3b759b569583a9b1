// The media library as clients see it (#14): imported files, what ffprobe found in them, their
// chapters and loudness. Schemas and types only (zod), shared by the engine and the renderer.
import { z } from 'zod';
import { localFilePath, rowId } from './program.ts';

export const MAX_MEDIA_NAME_LENGTH = 200;
export const MAX_CHAPTER_TITLE_LENGTH = 200;
export const MAX_CHAPTERS = 1000;

export const chapterSchema = z
  .object({
    title: z.string().max(MAX_CHAPTER_TITLE_LENGTH, `must be at most ${MAX_CHAPTER_TITLE_LENGTH} characters`),
    startSeconds: z.number().finite().min(0, 'must not be negative'),
  })
  .strict();
export type MediaChapter = z.infer<typeof chapterSchema>;

/**
 * Chapters in the order they play: each starts after the one before. (That they start within the
 * file's duration is checked by the engine, which knows the duration.)
 */
export const chaptersSchema = z
  .array(chapterSchema)
  .max(MAX_CHAPTERS, `must have at most ${MAX_CHAPTERS} chapters`)
  .superRefine((chapters, ctx) => {
    for (let i = 1; i < chapters.length; i++) {
      if (chapters[i]!.startSeconds <= chapters[i - 1]!.startSeconds) {
        ctx.addIssue({ code: 'custom', path: [i, 'startSeconds'], message: `must be after the previous chapter's start (${chapters[i - 1]!.startSeconds} s)` });
        return;
      }
    }
  });

const mediaName = z.string().trim().min(1, 'must not be empty').max(MAX_MEDIA_NAME_LENGTH, `must be at most ${MAX_MEDIA_NAME_LENGTH} characters`);

export const mediaImportArgs = z.object({ path: localFilePath }).strict();
export const mediaUpdateArgs = z.object({ id: rowId, name: mediaName.optional(), chapters: chaptersSchema.optional() }).strict();

export type MediaState = 'ready' | 'failed';

export interface MediaVideo {
  width: number;
  height: number;
  /** Exact, as the stream declares it (r_frame_rate): 30000/1001 for 29.97. */
  frameRate: { num: number; den: number };
  codec: string;
}

export interface MediaAudio {
  codec: string;
  channels: number;
  sampleRate: number;
}

export interface MediaItem {
  id: number;
  name: string;
  path: string;
  /** `failed`: ffprobe could not read it or found nothing to play; `reason` says why. It cannot be scheduled. */
  state: MediaState;
  reason?: string;
  /** null when failed. */
  durationSeconds: number | null;
  video: MediaVideo | null;
  audio: MediaAudio | null;
  chapters: MediaChapter[];
  /** Integrated loudness (EBU R128), measured after the import; null until then, or without audio. */
  loudnessLufs: number | null;
  /** The thumbnail and loudness are still being made. */
  analysing: boolean;
  /** Why the thumbnail or the loudness could not be made, when they could not. */
  analysisError: string | null;
  /** The cached JPEG thumbnail in the data dir, once made. */
  thumbnailPath: string | null;
  /**
   * The cached filmstrip, once made: one JPEG of equal tiles side by side spanning the whole
   * duration, so a point x (0..1) along it is the time x × durationSeconds.
   */
  filmstripPath: string | null;
  addedAt: string;
}

/** The pictures the library caches for an item, and the route both hosts serve them at. */
export type MediaPictureKind = 'thumbnail' | 'filmstrip';
const MEDIA_PICTURE_ROUTE = /^\/api\/v1\/media\/([1-9]\d{0,15})\/(thumbnail|filmstrip)\.jpg$/;

/**
 * Where a page fetches an item's picture: the same path under `studio serve` (token cookie) and in
 * the desktop app (its studio://app scheme). `version` changes the URL when the picture may have.
 */
export function mediaPictureUrl(id: number, kind: MediaPictureKind, version: string): string {
  return `/api/v1/media/${id}/${kind}.jpg?v=${encodeURIComponent(version)}`;
}

/** The item id and picture a URL path asks for, or null when it is not a media picture route. */
export function parseMediaPictureRoute(pathname: string): { id: number; kind: MediaPictureKind } | null {
  const match = MEDIA_PICTURE_ROUTE.exec(pathname);
  if (!match) return null;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) ? { id, kind: match[2] as MediaPictureKind } : null;
}
