// The channel timeline's store (#14): the schedule items of the range the timeline shows, the
// selection, the edits (shown at once, reverted when the engine refuses, with its message), and
// playout's switch and status. The engine validates every edit; this slice only shows its verdict.
import type { PlayoutStatus, ScheduleBreaks, ScheduleItem } from '../../../../shared/schedule.ts';
import type { StudioClient } from '../../api/client.ts';
import { StudioApiError, describeError } from '../../api/errors.ts';
import { indexSchedule, type TimelineIndex } from '../../features/timeline/visible.ts';
import type { SliceCreator, StudioState } from '../types.ts';

/** What the timeline asked and the engine refused (a CONFLICT naming the item it collides with …). */
export interface ScheduleRefusal {
  /** What was asked, in the operator's words ("Move “News”"). */
  action: string;
  message: string;
  code: string;
  /** Local time (ms) of the refusal, so the same message twice still reads as new. */
  at: number;
}

export interface ScheduleRange {
  fromMs: number;
  toMs: number;
}

/** schedule.list spans at most 31 days (shared/schedule.ts MAX_LIST_SPAN_SECONDS); the view asks for less. */
export const MAX_LOADED_SPAN_MS = 30 * 24 * 60 * 60 * 1000;

export interface ScheduleSliceState {
  /** The items of the loaded range, sorted and indexed for the visible-window search. */
  scheduleIndex: TimelineIndex;
  /** The range last listed (the view and a margin around it); null before the timeline asked. */
  scheduleRange: ScheduleRange | null;
  scheduleRevision: number;
  /** The list failed (the engine's message). */
  scheduleError: string | null;
  scheduleRefusal: ScheduleRefusal | null;
  /** Edits sent and not yet answered. */
  schedulePending: number;
  scheduleSelection: number[];
  playoutStatus: PlayoutStatus | null;
  playoutError: string | null;
}

export type SelectMode = 'only' | 'toggle';

export interface MediaToSchedule {
  mediaId: number;
  name: string;
  durationSeconds: number;
}

export interface ScheduleSliceActions {
  /** The timeline shows this range: lists it (with a margin each side) unless already loaded. */
  showScheduleRange(fromMs: number, toMs: number): Promise<void>;
  /** Lists the loaded range again. */
  loadSchedule(): Promise<void>;
  receiveScheduleChanged(revision: number): void;
  loadPlayout(): Promise<void>;
  receivePlayoutStatus(status: PlayoutStatus): void;
  setPlayoutEnabled(enabled: boolean): Promise<boolean>;
  /** Each edit resolves true when the engine took it; otherwise it is undone and scheduleRefusal says why. */
  addMediaAt(media: MediaToSchedule, startMs: number): Promise<boolean>;
  addLiveAt(live: { sceneId: number; title: string; durationSeconds: number }, startMs: number): Promise<boolean>;
  moveItems(moves: ReadonlyArray<{ id: number; startMs: number }>): Promise<boolean>;
  /**
   * Trims an item. `startMs` (a fixed item's in point trimmed) moves its start with it, so its
   * end stays where it was.
   */
  trimItem(id: number, trim: { inSeconds?: number; durationSeconds: number; startMs?: number }): Promise<boolean>;
  setItemBreaks(id: number, breaks: ScheduleBreaks | null): Promise<boolean>;
  removeItems(ids: readonly number[]): Promise<boolean>;
  selectItem(id: number, mode: SelectMode): void;
  clearScheduleSelection(): void;
  dismissScheduleRefusal(): void;
}

export type ScheduleSlice = ScheduleSliceState & ScheduleSliceActions;

export const scheduleInitialState: ScheduleSliceState = {
  scheduleIndex: indexSchedule([]),
  scheduleRange: null,
  scheduleRevision: 0,
  scheduleError: null,
  scheduleRefusal: null,
  schedulePending: 0,
  scheduleSelection: [],
  playoutStatus: null,
  playoutError: null,
};

const iso = (ms: number) => new Date(Math.round(ms)).toISOString();

/** The items as they are, for an edit to change. */
const itemsOf = (state: StudioState) => state.scheduleIndex.entries.map((entry) => entry.item);

export function createScheduleSlice(client: StudioClient): SliceCreator<ScheduleSlice> {
  return (set, get) => {
    /** Only the newest list is kept: an older answer arriving late must not undo a newer one. */
    let listSeq = 0;
    /** Ids for items shown before the engine numbers them. */
    let nextTemporaryId = -1;

    async function list(range: ScheduleRange): Promise<void> {
      const seq = ++listSeq;
      try {
        const items = await client.call('schedule.list', { from: iso(range.fromMs), to: iso(range.toMs) });
        if (seq !== listSeq) return;
        const ids = new Set(items.map((item) => item.id));
        set(
          {
            scheduleIndex: indexSchedule(items),
            scheduleRange: range,
            scheduleError: null,
            scheduleSelection: get().scheduleSelection.filter((id) => ids.has(id)),
          },
          false,
          'schedule/listed',
        );
      } catch (error) {
        if (seq === listSeq) set({ scheduleError: describeError(error) }, false, 'schedule/listFailed');
      }
    }

    /**
     * Shows `preview(items)` at once, asks the engine, and on a refusal puts back what was there and
     * keeps the engine's message. The list that follows (schedule.changed) brings the engine's truth.
     */
    async function edit(action: string, preview: (items: ScheduleItem[]) => ScheduleItem[], run: () => Promise<unknown>): Promise<boolean> {
      const before = itemsOf(get());
      set({ scheduleIndex: indexSchedule(preview(before)), schedulePending: get().schedulePending + 1 }, false, 'schedule/edit');
      try {
        await run();
        set({ schedulePending: get().schedulePending - 1, scheduleRefusal: null }, false, 'schedule/edited');
        return true;
      } catch (error) {
        const code = error instanceof StudioApiError ? error.code : 'INTERNAL';
        set(
          {
            scheduleIndex: indexSchedule(before),
            schedulePending: get().schedulePending - 1,
            scheduleRefusal: { action, message: describeError(error), code, at: Date.now() },
          },
          false,
          'schedule/refused',
        );
        // What was put back may be older than the engine's state (another client's edit): list again.
        const range = get().scheduleRange;
        if (range) void list(range);
        return false;
      }
    }

    const replace = (items: ScheduleItem[], id: number, patch: Partial<ScheduleItem>) => items.map((item) => (item.id === id ? { ...item, ...patch } : item));
    const titleOf = (id: number) => get().scheduleIndex.entries.find((entry) => entry.item.id === id)?.item.title ?? `item ${id}`;

    return {
      ...scheduleInitialState,
      async showScheduleRange(fromMs, toMs) {
        const loaded = get().scheduleRange;
        if (loaded && loaded.fromMs <= fromMs && loaded.toMs >= toMs) return;
        // A view's width of margin each side (an hour at least), so scrolling does not list at every step.
        const margin = Math.max(toMs - fromMs, 60 * 60 * 1000);
        const fromWanted = fromMs - margin;
        const toWanted = Math.min(toMs + margin, fromWanted + MAX_LOADED_SPAN_MS);
        await list({ fromMs: fromWanted, toMs: toWanted });
      },
      async loadSchedule() {
        const range = get().scheduleRange;
        if (range) await list(range);
      },
      receiveScheduleChanged(revision) {
        set({ scheduleRevision: revision }, false, 'schedule/changed');
        void get().loadSchedule();
      },
      async loadPlayout() {
        try {
          set({ playoutStatus: await client.call('playout.status'), playoutError: null }, false, 'playout/loaded');
        } catch (error) {
          set({ playoutError: describeError(error) }, false, 'playout/loadFailed');
        }
      },
      receivePlayoutStatus(status) {
        set({ playoutStatus: status }, false, 'playout/status');
      },
      async setPlayoutEnabled(enabled) {
        set({ playoutError: null }, false, 'playout/setEnabled');
        try {
          set({ playoutStatus: await client.call('playout.setEnabled', { enabled }) }, false, 'playout/enabled');
          return true;
        } catch (error) {
          set({ playoutError: describeError(error) }, false, 'playout/setEnabledFailed');
          return false;
        }
      },
      addMediaAt(media, startMs) {
        const id = nextTemporaryId--;
        const shown: ScheduleItem = {
          id,
          kind: 'media',
          title: media.name,
          mediaId: media.mediaId,
          sceneId: null,
          anchor: 'fixed',
          afterId: null,
          startAt: iso(startMs),
          durationSeconds: media.durationSeconds,
          inSeconds: 0,
          playSeconds: media.durationSeconds,
          breaks: null,
          problem: null,
        };
        return edit(
          `Add “${media.name}”`,
          (items) => [...items, shown],
          () => client.call('schedule.add', { mediaId: media.mediaId, startAt: iso(startMs) }),
        );
      },
      addLiveAt(live, startMs) {
        const id = nextTemporaryId--;
        const shown: ScheduleItem = {
          id,
          kind: 'live',
          title: live.title,
          mediaId: null,
          sceneId: live.sceneId,
          anchor: 'fixed',
          afterId: null,
          startAt: iso(startMs),
          durationSeconds: live.durationSeconds,
          inSeconds: 0,
          playSeconds: live.durationSeconds,
          breaks: null,
          problem: null,
        };
        return edit(
          `Add live “${live.title}”`,
          (items) => [...items, shown],
          () => client.call('schedule.addLive', { sceneId: live.sceneId, startAt: iso(startMs), durationSeconds: live.durationSeconds }),
        );
      },
      moveItems(moves) {
        if (moves.length === 0) return Promise.resolve(true);
        const action = moves.length === 1 ? `Move “${titleOf(moves[0]!.id)}”` : `Move ${moves.length} items`;
        return edit(
          action,
          (items) => moves.reduce((out, move) => replace(out, move.id, { startAt: iso(move.startMs), anchor: 'fixed', afterId: null }), items),
          async () => {
            // One at a time, in the order that keeps them clear of each other: moving later, the last first.
            for (const move of moves) await client.call('schedule.move', { id: move.id, startAt: iso(move.startMs) });
          },
        );
      },
      trimItem(id, trim) {
        const item = itemsOf(get()).find((candidate) => candidate.id === id);
        if (!item) return Promise.resolve(false);
        const inSeconds = trim.inSeconds ?? item.inSeconds;
        const breakSeconds = item.durationSeconds - item.playSeconds;
        const preview: Partial<ScheduleItem> = {
          inSeconds,
          playSeconds: trim.durationSeconds,
          durationSeconds: trim.durationSeconds + breakSeconds,
          ...(trim.startMs === undefined ? {} : { startAt: iso(trim.startMs) }),
        };
        return edit(
          `Trim “${item.title}”`,
          (items) => replace(items, id, preview),
          async () => {
            const args = { id, durationSeconds: trim.durationSeconds, ...(trim.inSeconds === undefined ? {} : { inSeconds: trim.inSeconds }) };
            if (trim.startMs === undefined) {
              await client.call('schedule.trim', args);
              return;
            }
            // The in point and the start move together: the end stays. Shrinking, trim first (the
            // item only gets shorter), then move; growing, move first, so neither step overlaps.
            const later = trim.startMs > Date.parse(item.startAt);
            if (later) await client.call('schedule.trim', args);
            await client.call('schedule.move', { id, startAt: iso(trim.startMs) });
            if (!later) await client.call('schedule.trim', args);
          },
        );
      },
      setItemBreaks(id, breaks) {
        return edit(
          breaks ? `Breaks at chapters for “${titleOf(id)}”` : `No breaks for “${titleOf(id)}”`,
          // The marks come with the engine's answer (the list after schedule.changed).
          (items) => items.map((item) => (item.id === id ? { ...item, breaks: breaks ? { ...breaks, marks: item.breaks?.marks ?? [] } : null } : item)),
          () => client.call('schedule.setBreaks', { id, breaks }),
        );
      },
      removeItems(ids) {
        if (ids.length === 0) return Promise.resolve(true);
        const gone = new Set(ids);
        const action = ids.length === 1 ? `Remove “${titleOf(ids[0]!)}”` : `Remove ${ids.length} items`;
        const removed = edit(
          action,
          (items) => items.filter((item) => !gone.has(item.id)),
          () => client.call('schedule.remove', { ids: [...ids] }),
        );
        set({ scheduleSelection: get().scheduleSelection.filter((id) => !gone.has(id)) }, false, 'schedule/unselectRemoved');
        return removed;
      },
      selectItem(id, mode) {
        const selection = get().scheduleSelection;
        if (mode === 'only') set({ scheduleSelection: [id] }, false, 'schedule/select');
        else if (selection.includes(id)) set({ scheduleSelection: selection.filter((other) => other !== id) }, false, 'schedule/unselect');
        else set({ scheduleSelection: [...selection, id] }, false, 'schedule/selectAlso');
      },
      clearScheduleSelection() {
        if (get().scheduleSelection.length > 0) set({ scheduleSelection: [] }, false, 'schedule/clearSelection');
      },
      dismissScheduleRefusal() {
        if (get().scheduleRefusal) set({ scheduleRefusal: null }, false, 'schedule/dismissRefusal');
      },
    };
  };
}

export const scheduleSelectors = {
  index: (s: StudioState) => s.scheduleIndex,
  range: (s: StudioState) => s.scheduleRange,
  error: (s: StudioState) => s.scheduleError,
  refusal: (s: StudioState) => s.scheduleRefusal,
  pending: (s: StudioState) => s.schedulePending > 0,
  selection: (s: StudioState) => s.scheduleSelection,
  playout: (s: StudioState) => s.playoutStatus,
  playoutError: (s: StudioState) => s.playoutError,
  /** The selected items, in start order. */
  selectedItems: (s: StudioState) => s.scheduleIndex.entries.filter((entry) => s.scheduleSelection.includes(entry.item.id)).map((entry) => entry.item),
};
