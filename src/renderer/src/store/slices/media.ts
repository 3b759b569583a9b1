// The media library (#14): the engine's list (media.list, media.changed), the imports in flight
// (upload, then probe), the search, the selected item and its chapter marks being edited. Chapter
// edits are a draft until saved with media.update { chapters }, which never rewrites the file.
import type { MediaChapter, MediaItem } from '../../../../shared/media.ts';
import { secondsOfFrame } from '../../../../shared/timecode.ts';
import type { StudioClient } from '../../api/client.ts';
import { describeError, StudioApiError } from '../../api/errors.ts';
import type { SliceCreator, StudioState } from '../types.ts';
import type { FieldError } from './streamKeys.ts';

/** One file on its way into the library: first its path (an upload in a browser), then the probe. */
export interface MediaImportJob {
  key: number;
  name: string;
  phase: 'uploading' | 'probing' | 'failed';
  /** Upload progress, bytes. */
  sent: number;
  total: number;
  error: string | null;
}

/** Gives the file's path on the studio machine, reporting upload progress when there is an upload. */
export type MediaPathSource = (onProgress: (sent: number, total: number) => void) => Promise<string>;

export interface ChapterDraft {
  mediaId: number;
  chapters: MediaChapter[];
}

export interface MediaSliceState {
  mediaItems: MediaItem[];
  mediaLoaded: boolean;
  mediaError: string | null;
  mediaSearch: string;
  mediaSelectedId: number | null;
  mediaImports: MediaImportJob[];
  /** The selected item's chapters as edited and not yet saved; null when nothing was changed. */
  chapterDraft: ChapterDraft | null;
  chapterSaving: boolean;
  /** The engine's refusal of the last save, with the field it named (e.g. "chapters.1.startSeconds"). */
  chapterError: FieldError | null;
  /** Bumped per item when its analysis ends, so its pictures are fetched again (the URL changes). */
  mediaPictureVersions: Record<number, number>;
}

export interface MediaSliceActions {
  loadMedia(): Promise<void>;
  receiveMedia(items: MediaItem[]): void;
  setMediaSearch(text: string): void;
  selectMedia(id: number | null): void;
  /** Imports one file under the name it had where it was chosen; resolves with the item, or null when it failed (the job shows why). */
  importMedia(name: string, pathOf: MediaPathSource): Promise<MediaItem | null>;
  dismissMediaImport(key: number): void;
  /** Throws a StudioApiError (its field names the argument). */
  renameMedia(id: number, name: string): Promise<void>;
  /** Throws a StudioApiError. */
  removeMedia(id: number): Promise<void>;
  /** Adds a mark at `seconds` in the selected item (a no-op when one is already there). */
  addChapter(seconds: number): void;
  /** Moves mark `index` to `seconds`; the marks stay in time order. */
  moveChapter(index: number, seconds: number): void;
  renameChapter(index: number, title: string): void;
  removeChapter(index: number): void;
  discardChapters(): void;
  /** Saves the draft with media.update; resolves true when the engine took it. */
  saveChapters(): Promise<boolean>;
}

export type MediaSlice = MediaSliceState & MediaSliceActions;

export const mediaInitialState: MediaSliceState = {
  mediaItems: [],
  mediaLoaded: false,
  mediaError: null,
  mediaSearch: '',
  mediaSelectedId: null,
  mediaImports: [],
  chapterDraft: null,
  chapterSaving: false,
  chapterError: null,
  mediaPictureVersions: {},
};

/** Chapters in time order, as the engine requires them; a mark on the same instant as another is dropped. */
export function sortedChapters(chapters: readonly MediaChapter[]): MediaChapter[] {
  const sorted = [...chapters].sort((a, b) => a.startSeconds - b.startSeconds);
  return sorted.filter((chapter, index) => index === 0 || chapter.startSeconds !== sorted[index - 1]!.startSeconds);
}

/** A time within [0, duration): the engine refuses a chapter at or past the end; with video, the last frame's start at most. */
function clampIntoItem(item: MediaItem, seconds: number): number {
  const duration = item.durationSeconds ?? 0;
  const rate = item.video?.frameRate;
  const latest = rate ? secondsOfFrame(Math.max(0, Math.ceil((duration * rate.num) / rate.den - 1e-6) - 1), rate) : duration - 0.001;
  return Math.min(Math.max(0, seconds), Math.max(0, latest));
}

let nextImportKey = 1;

export function createMediaSlice(client: StudioClient): SliceCreator<MediaSlice> {
  return (set, get) => {
    const selectedItem = () => {
      const { mediaItems, mediaSelectedId } = get();
      return mediaItems.find((item) => item.id === mediaSelectedId) ?? null;
    };
    /** The chapters being edited: the draft, else the selected item's own. */
    const workingChapters = (): { item: MediaItem; chapters: MediaChapter[] } | null => {
      const item = selectedItem();
      if (item?.state !== 'ready') return null;
      const draft = get().chapterDraft;
      return { item, chapters: draft && draft.mediaId === item.id ? draft.chapters : item.chapters };
    };
    const setDraft = (item: MediaItem, chapters: MediaChapter[], action: string) =>
      set({ chapterDraft: { mediaId: item.id, chapters: sortedChapters(chapters) }, chapterError: null }, false, action);
    const updateJob = (key: number, changes: Partial<MediaImportJob>) =>
      set((s) => ({ mediaImports: s.mediaImports.map((job) => (job.key === key ? { ...job, ...changes } : job)) }), false, 'media/importProgress');

    return {
      ...mediaInitialState,
      async loadMedia() {
        try {
          get().receiveMedia(await client.call('media.list'));
        } catch (error) {
          set({ mediaError: describeError(error) }, false, 'media/loadFailed');
        }
      },
      receiveMedia(items) {
        set(
          (s) => {
            const versions = { ...s.mediaPictureVersions };
            for (const item of items) {
              const before = s.mediaItems.find((known) => known.id === item.id);
              if (before?.analysing && !item.analysing) versions[item.id] = (versions[item.id] ?? 0) + 1;
            }
            const selectedStays = items.some((item) => item.id === s.mediaSelectedId);
            const draftStays = s.chapterDraft !== null && items.some((item) => item.id === s.chapterDraft!.mediaId);
            return {
              mediaItems: items,
              mediaLoaded: true,
              mediaError: null,
              mediaPictureVersions: versions,
              mediaSelectedId: selectedStays ? s.mediaSelectedId : null,
              chapterDraft: draftStays ? s.chapterDraft : null,
            };
          },
          false,
          'media/list',
        );
      },
      setMediaSearch(text) {
        set({ mediaSearch: text }, false, 'media/search');
      },
      selectMedia(id) {
        if (id === get().mediaSelectedId) return;
        // An unsaved draft belongs to the item it was made on: changing the selection drops it.
        set({ mediaSelectedId: id, chapterDraft: null, chapterError: null }, false, 'media/select');
      },
      async importMedia(name, pathOf) {
        const key = nextImportKey++;
        set((s) => ({ mediaImports: [...s.mediaImports, { key, name, phase: 'uploading', sent: 0, total: 0, error: null }] }), false, 'media/importStart');
        try {
          const path = await pathOf((sent, total) => updateJob(key, { sent, total }));
          updateJob(key, { phase: 'probing' });
          let item = await client.call('media.import', { path });
          // An upload is stored under a unique name (uploads/<time>-<random>-clip.mp4): the library
          // shows the name the file had where it was chosen.
          if (item.name !== name && name.trim()) item = await client.call('media.update', { id: item.id, name: name.trim() });
          set(
            (s) => ({
              mediaImports: s.mediaImports.filter((job) => job.key !== key),
              // The event may lag behind the answer: the list shows the item at once.
              mediaItems: s.mediaItems.some((known) => known.id === item.id)
                ? s.mediaItems.map((known) => (known.id === item.id ? item : known))
                : [...s.mediaItems, item],
            }),
            false,
            'media/imported',
          );
          return item;
        } catch (error) {
          updateJob(key, { phase: 'failed', error: describeError(error) });
          return null;
        }
      },
      dismissMediaImport(key) {
        set((s) => ({ mediaImports: s.mediaImports.filter((job) => job.key !== key) }), false, 'media/importDismiss');
      },
      async renameMedia(id, name) {
        const item = await client.call('media.update', { id, name });
        set((s) => ({ mediaItems: s.mediaItems.map((known) => (known.id === id ? item : known)) }), false, 'media/renamed');
      },
      async removeMedia(id) {
        await client.call('media.remove', { id });
        set(
          (s) => ({
            mediaItems: s.mediaItems.filter((known) => known.id !== id),
            mediaSelectedId: s.mediaSelectedId === id ? null : s.mediaSelectedId,
            chapterDraft: s.chapterDraft?.mediaId === id ? null : s.chapterDraft,
          }),
          false,
          'media/removed',
        );
      },
      addChapter(seconds) {
        const working = workingChapters();
        if (!working) return;
        const at = clampIntoItem(working.item, seconds);
        if (working.chapters.some((chapter) => chapter.startSeconds === at)) return;
        setDraft(working.item, [...working.chapters, { title: `Chapter ${working.chapters.length + 1}`, startSeconds: at }], 'media/chapterAdd');
      },
      moveChapter(index, seconds) {
        const working = workingChapters();
        const moved = working?.chapters[index];
        if (!working || !moved) return;
        const at = clampIntoItem(working.item, seconds);
        if (at === moved.startSeconds) return;
        const others = working.chapters.filter((_, i) => i !== index);
        // Dropped onto another mark's instant: it would replace it, so it stays where it was.
        if (others.some((chapter) => chapter.startSeconds === at)) return;
        setDraft(working.item, [...others, { ...moved, startSeconds: at }], 'media/chapterMove');
      },
      renameChapter(index, title) {
        const working = workingChapters();
        if (!working?.chapters[index]) return;
        setDraft(
          working.item,
          working.chapters.map((chapter, i) => (i === index ? { ...chapter, title } : chapter)),
          'media/chapterRename',
        );
      },
      removeChapter(index) {
        const working = workingChapters();
        if (!working?.chapters[index]) return;
        setDraft(
          working.item,
          working.chapters.filter((_, i) => i !== index),
          'media/chapterRemove',
        );
      },
      discardChapters() {
        set({ chapterDraft: null, chapterError: null }, false, 'media/chapterDiscard');
      },
      async saveChapters() {
        const draft = get().chapterDraft;
        if (!draft) return true;
        set({ chapterSaving: true, chapterError: null }, false, 'media/chapterSave');
        try {
          const item = await client.call('media.update', { id: draft.mediaId, chapters: draft.chapters });
          set(
            (s) => ({
              chapterSaving: false,
              mediaItems: s.mediaItems.map((known) => (known.id === item.id ? item : known)),
              // Edits made while saving stay a draft.
              chapterDraft: s.chapterDraft === draft ? null : s.chapterDraft,
            }),
            false,
            'media/chapterSaved',
          );
          return true;
        } catch (error) {
          const field = error instanceof StudioApiError ? (error.field ?? null) : null;
          set({ chapterSaving: false, chapterError: { message: describeError(error), field } }, false, 'media/chapterSaveFailed');
          return false;
        }
      },
    };
  };
}

export const mediaSelectors = {
  items: (s: StudioState) => s.mediaItems,
  loaded: (s: StudioState) => s.mediaLoaded,
  error: (s: StudioState) => s.mediaError,
  search: (s: StudioState) => s.mediaSearch,
  /** Ids of the items whose name contains the search (any case), in the library's order. */
  visibleIds: (s: StudioState) => {
    const needle = s.mediaSearch.trim().toLocaleLowerCase();
    return s.mediaItems.filter((item) => !needle || item.name.toLocaleLowerCase().includes(needle)).map((item) => item.id);
  },
  byId: (id: number) => (s: StudioState) => s.mediaItems.find((item) => item.id === id) ?? null,
  selectedId: (s: StudioState) => s.mediaSelectedId,
  selected: (s: StudioState) => s.mediaItems.find((item) => item.id === s.mediaSelectedId) ?? null,
  imports: (s: StudioState) => s.mediaImports,
  /** The selected item's chapters as shown: the draft when there is one. */
  chapters: (s: StudioState) => {
    const item = s.mediaItems.find((known) => known.id === s.mediaSelectedId);
    if (!item) return [];
    return s.chapterDraft?.mediaId === item.id ? s.chapterDraft.chapters : item.chapters;
  },
  chaptersChanged: (s: StudioState) => s.chapterDraft !== null && s.chapterDraft.mediaId === s.mediaSelectedId,
  chapterSaving: (s: StudioState) => s.chapterSaving,
  chapterError: (s: StudioState) => s.chapterError,
  pictureVersion: (id: number) => (s: StudioState) => s.mediaPictureVersions[id] ?? 0,
};
