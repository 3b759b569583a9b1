import { describe, expect, it } from 'vitest';
import type { EventName, EventPayloads } from '../../../../shared/contract.ts';
import type { MediaChapter, MediaItem } from '../../../../shared/media.ts';
import type { StudioClient } from '../../api/client.ts';
import { StudioApiError } from '../../api/errors.ts';
import { bindStoreToClient, createStudioStore } from '../index.ts';
import { mediaSelectors, sortedChapters } from './media.ts';

function item(id: number, name: string, changes: Partial<MediaItem> = {}): MediaItem {
  return {
    id,
    name,
    path: `/media/${name}`,
    state: 'ready',
    durationSeconds: 10,
    video: { width: 320, height: 180, frameRate: { num: 25, den: 1 }, codec: 'h264' },
    audio: null,
    chapters: [{ title: 'Open', startSeconds: 0 }],
    loudnessLufs: null,
    analysing: false,
    analysisError: null,
    thumbnailPath: null,
    filmstripPath: null,
    addedAt: '2026-01-01T00:00:00.000Z',
    ...changes,
  };
}

/**
 * Answers the media commands as the engine would, over an in-memory list, checking chapters against
 * the duration the way the engine does (BAD_ARGUMENT naming the chapter's field).
 */
function fakeClient(initial: MediaItem[]) {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const calls: Array<{ command: string; args: unknown }> = [];
  let items = initial;
  let nextId = 100;
  const client: StudioClient = {
    transport: 'websocket',
    connectionState: 'open',
    call: (async (command: string, args?: Record<string, unknown>) => {
      calls.push({ command, args });
      if (command === 'media.list') return items;
      if (command === 'media.import') {
        const path = args!.path as string;
        if (!path.startsWith('/')) throw new StudioApiError('BAD_ARGUMENT', 'media.import: argument "path" must be absolute', 'path');
        const added = item(nextId++, path.split('/').at(-1)!, { path, analysing: true });
        items = [...items, added];
        return added;
      }
      if (command === 'media.update') {
        const known = items.find((entry) => entry.id === args!.id);
        if (!known) throw new StudioApiError('NOT_FOUND', 'no such media');
        const chapters = args!.chapters as MediaChapter[] | undefined;
        const late = chapters?.findIndex((chapter) => chapter.startSeconds >= known.durationSeconds!) ?? -1;
        if (late >= 0) throw new StudioApiError('BAD_ARGUMENT', `chapters.${late}.startSeconds: not within the duration`, `chapters.${late}.startSeconds`);
        const updated = { ...known, ...(args!.name ? { name: args!.name as string } : {}), ...(chapters ? { chapters } : {}) };
        items = items.map((entry) => (entry.id === known.id ? updated : entry));
        return updated;
      }
      if (command === 'media.remove') {
        items = items.filter((entry) => entry.id !== args!.id);
        return { removed: true };
      }
      throw new StudioApiError('UNAVAILABLE', `${command}: not in this test`);
    }) as StudioClient['call'],
    subscribe(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    onConnectionState: () => () => {},
    reconnect() {},
    close() {},
  };
  return {
    client,
    calls,
    emit<E extends EventName>(event: E, payload: EventPayloads[E]) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    /** The engine's list changes (a re-import, another client): stored, then pushed. */
    change(next: MediaItem[]) {
      items = next;
      for (const listener of listeners.get('media.changed') ?? []) listener(next);
    },
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

async function boundStore(initial: MediaItem[]) {
  const fake = fakeClient(initial);
  const store = createStudioStore(fake.client);
  bindStoreToClient(store, fake.client);
  await flush();
  return { fake, store, state: () => store.getState() };
}

describe('media slice', () => {
  it('loads the library on connect, follows media.changed, and searches by name in any case', async () => {
    const { fake, state } = await boundStore([item(1, 'Morning Show.mkv'), item(2, 'news-at-nine.mp4')]);
    expect(mediaSelectors.loaded(state())).toBe(true);
    expect(mediaSelectors.visibleIds(state())).toEqual([1, 2]);
    state().setMediaSearch('  SHOW ');
    expect(mediaSelectors.visibleIds(state())).toEqual([1]);
    state().setMediaSearch('nine');
    expect(mediaSelectors.visibleIds(state())).toEqual([2]);
    state().setMediaSearch('');
    fake.emit('media.changed', [item(2, 'news-at-nine.mp4')]);
    expect(mediaSelectors.visibleIds(state())).toEqual([2]);
  });

  it('an import goes uploading → probing → listed; a refused one stays as a failed job with the reason', async () => {
    const { fake, state } = await boundStore([]);
    let finishUpload!: (path: string) => void;
    const importing = state().importMedia('clip.mkv', (onProgress) => {
      onProgress(50, 200);
      return new Promise((resolve) => {
        finishUpload = resolve;
      });
    });
    expect(mediaSelectors.imports(state())).toMatchObject([{ name: 'clip.mkv', phase: 'uploading', sent: 50, total: 200 }]);
    // Stored under a unique name, listed under the one it had.
    finishUpload('/data/uploads/1700000000-ab12cd34-clip.mkv');
    const imported = await importing;
    expect(imported).toMatchObject({ name: 'clip.mkv', path: '/data/uploads/1700000000-ab12cd34-clip.mkv' });
    expect(fake.calls.map((call) => call.command).slice(-2)).toEqual(['media.import', 'media.update']);
    expect(mediaSelectors.imports(state())).toEqual([]);
    expect(mediaSelectors.visibleIds(state())).toEqual([imported!.id]);

    expect(await state().importMedia('bad', async () => 'relative/path.mkv')).toBeNull();
    const [failed] = mediaSelectors.imports(state());
    expect(failed).toMatchObject({ phase: 'failed', error: 'media.import: argument "path" must be absolute' });
    state().dismissMediaImport(failed!.key);
    expect(mediaSelectors.imports(state())).toEqual([]);
  });

  it('bumps an item’s picture version when its analysis ends', async () => {
    const { fake, state } = await boundStore([item(1, 'a', { analysing: true })]);
    expect(mediaSelectors.pictureVersion(1)(state())).toBe(0);
    fake.emit('media.changed', [item(1, 'a', { analysing: true })]);
    expect(mediaSelectors.pictureVersion(1)(state())).toBe(0);
    fake.emit('media.changed', [item(1, 'a', { analysing: false, thumbnailPath: '/x/thumb.jpg' })]);
    expect(mediaSelectors.pictureVersion(1)(state())).toBe(1);
  });

  it('edits chapters as a draft (add, move past another, rename, remove) and saves them with media.update', async () => {
    const { fake, state } = await boundStore([item(1, 'a'), item(2, 'b')]);
    // Nothing selected: no draft.
    state().addChapter(3);
    expect(state().chapterDraft).toBeNull();
    state().selectMedia(1);
    state().addChapter(6);
    state().addChapter(3);
    state().addChapter(3); // the same instant twice is one mark
    expect(mediaSelectors.chapters(state()).map((chapter) => chapter.startSeconds)).toEqual([0, 3, 6]);
    expect(mediaSelectors.chaptersChanged(state())).toBe(true);
    // Moved past its neighbour, the marks stay in time order; past the end, it stops inside.
    state().moveChapter(1, 8);
    expect(mediaSelectors.chapters(state()).map((chapter) => chapter.startSeconds)).toEqual([0, 6, 8]);
    state().moveChapter(2, 99);
    // The last frame of 10 s at 25 fps starts at 9.96 s.
    expect(mediaSelectors.chapters(state()).at(-1)!.startSeconds).toBeCloseTo(9.96, 9);
    state().moveChapter(2, 8);
    // Onto another mark's instant: refused, the mark stays.
    state().moveChapter(2, 6);
    expect(mediaSelectors.chapters(state()).map((chapter) => chapter.startSeconds)).toEqual([0, 6, 8]);
    state().renameChapter(1, 'Break one');
    state().removeChapter(0);
    const expected = [
      { title: 'Break one', startSeconds: 6 },
      { title: 'Chapter 3', startSeconds: 8 },
    ];
    expect(mediaSelectors.chapters(state())).toEqual(expected);
    // The item itself is untouched until the save.
    expect(mediaSelectors.byId(1)(state())!.chapters).toEqual([{ title: 'Open', startSeconds: 0 }]);

    expect(await state().saveChapters()).toBe(true);
    expect(fake.calls.at(-1)).toEqual({ command: 'media.update', args: { id: 1, chapters: expected } });
    expect(mediaSelectors.chaptersChanged(state())).toBe(false);
    expect(mediaSelectors.byId(1)(state())!.chapters).toEqual(expected);

    // Selecting another item drops an unsaved draft.
    state().addChapter(2);
    state().selectMedia(2);
    expect(state().chapterDraft).toBeNull();
    expect(mediaSelectors.chapters(state())).toEqual([{ title: 'Open', startSeconds: 0 }]);
  });

  it('keeps the draft and shows the engine’s refusal with the field it named', async () => {
    const { fake, state } = await boundStore([item(1, 'a', { durationSeconds: 10 })]);
    state().selectMedia(1);
    state().addChapter(5);
    // The engine's duration is shorter than the one shown (e.g. re-imported meanwhile).
    fake.change([item(1, 'a', { durationSeconds: 4 })]);
    expect(await state().saveChapters()).toBe(false);
    expect(mediaSelectors.chapterError(state())).toEqual({ field: 'chapters.1.startSeconds', message: 'chapters.1.startSeconds: not within the duration' });
    expect(mediaSelectors.chaptersChanged(state())).toBe(true);
    state().discardChapters();
    expect(mediaSelectors.chapterError(state())).toBeNull();
    expect(mediaSelectors.chapters(state())).toEqual([{ title: 'Open', startSeconds: 0 }]);
  });

  it('a failed item takes no chapters; rename and remove go through the engine', async () => {
    const { fake, state } = await boundStore([
      item(1, 'junk.bin', { state: 'failed', reason: 'ffprobe could not read this file', durationSeconds: null, chapters: [] }),
    ]);
    state().selectMedia(1);
    state().addChapter(1);
    expect(state().chapterDraft).toBeNull();
    await state().renameMedia(1, 'Junk');
    expect(mediaSelectors.byId(1)(state())!.name).toBe('Junk');
    await state().removeMedia(1);
    expect(fake.calls.at(-1)).toEqual({ command: 'media.remove', args: { id: 1 } });
    expect(mediaSelectors.items(state())).toEqual([]);
    expect(mediaSelectors.selectedId(state())).toBeNull();
  });

  it('sortedChapters orders by start and drops a second mark on the same instant', () => {
    expect(
      sortedChapters([
        { title: 'b', startSeconds: 2 },
        { title: 'a', startSeconds: 1 },
        { title: 'c', startSeconds: 2 },
      ]),
    ).toEqual([
      { title: 'a', startSeconds: 1 },
      { title: 'b', startSeconds: 2 },
    ]);
  });
});
