import type { SourceStatusEvent } from '../../../../shared/contract.ts';
import type { AudioSettings, MetersEvent, SourceConfigInput, SourceInfo } from '../../../../shared/program.ts';
import type { StudioClient } from '../../api/client.ts';
import { StudioApiError, describeError } from '../../api/errors.ts';
import { sharedWatch, throttleLatest } from '../telemetry.ts';
import type { SliceCreator, StudioState } from '../types.ts';
import type { FieldError } from './streamKeys.ts';

/** Meters reach the UI at most this often (the engine sends 10 Hz). */
export const METERS_INTERVAL_MS = 1000 / 30;

export interface SourceLiveState {
  state: string | null;
  reason: string | null;
}

export interface SourcesSliceState {
  sources: SourceInfo[];
  sourcesLoaded: boolean;
  sourcesError: string | null;
  /** Decoder states pushed by `source.status`, by source id; newer than what sources.list said. */
  sourceStates: Record<number, SourceLiveState>;
  sourceCreateError: FieldError | null;
  meters: MetersEvent | null;
}

export interface SourcesSliceActions {
  loadSources(): Promise<void>;
  receiveSources(sources: SourceInfo[]): void;
  receiveSourceStatus(status: SourceStatusEvent): void;
  /** Resolves with the new source, or null when the engine refused it (see sourceCreateError). */
  createSource(name: string, config: SourceConfigInput): Promise<SourceInfo | null>;
  clearSourceCreateError(): void;
  /** Throws a StudioApiError. */
  removeSource(id: number): Promise<void>;
  /** Throws a StudioApiError. */
  setSourceAudio(id: number, audio: AudioSettings): Promise<void>;
  /** Listens to `audio.meters` (≤ 30 Hz into the store) while a meter is shown; returns the unsubscribe. */
  watchMeters(): () => void;
}

export type SourcesSlice = SourcesSliceState & SourcesSliceActions;

export const sourcesInitialState: SourcesSliceState = {
  sources: [],
  sourcesLoaded: false,
  sourcesError: null,
  sourceStates: {},
  sourceCreateError: null,
  meters: null,
};

export function createSourcesSlice(client: StudioClient): SliceCreator<SourcesSlice> {
  return (set, get) => {
    // Decoder states come by push, over the socket and in order; a command's answer is not in order
    // with them. An answer sets the state of its own source only when no push for it arrived while
    // it was in flight, and never those of the others (the list's are as old as its last load).
    let pushes = 0;
    const lastPushFor = new Map<number, number>();
    const pushedSince = (id: number, asked: number) => (lastPushFor.get(id) ?? 0) > asked;
    const upsert = (source: SourceInfo, asked: number) => {
      const list = get().sources;
      const sources = list.some((s) => s.id === source.id) ? list.map((s) => (s.id === source.id ? source : s)) : [...list, source];
      set(
        (s) => ({
          sources,
          sourceStates: pushedSince(source.id, asked) ? s.sourceStates : { ...s.sourceStates, [source.id]: { state: source.state, reason: source.reason } },
          sourcesLoaded: true,
          sourcesError: null,
        }),
        false,
        'sources/answer',
      );
    };
    const watchMeters = sharedWatch(() => {
      const throttled = throttleLatest<MetersEvent>((meters) => set({ meters }, false, 'sources/meters'), METERS_INTERVAL_MS);
      const unsubscribe = client.subscribe('audio.meters', throttled.push);
      return () => {
        unsubscribe();
        throttled.cancel();
        set({ meters: null }, false, 'sources/metersOff');
      };
    });
    return {
      ...sourcesInitialState,
      async loadSources() {
        const asked = pushes;
        try {
          const sources = await client.call('sources.list');
          const pushed = get().sourceStates;
          get().receiveSources(sources);
          const newer = sources.filter((source) => pushedSince(source.id, asked) && pushed[source.id]);
          if (newer.length > 0) {
            set(
              (s) => ({ sourceStates: { ...s.sourceStates, ...Object.fromEntries(newer.map((source) => [source.id, pushed[source.id]!])) } }),
              false,
              'sources/keepPushed',
            );
          }
        } catch (error) {
          set({ sourcesError: describeError(error) }, false, 'sources/loadFailed');
        }
      },
      receiveSources(sources) {
        const sourceStates: Record<number, SourceLiveState> = {};
        for (const source of sources) sourceStates[source.id] = { state: source.state, reason: source.reason };
        set({ sources, sourceStates, sourcesLoaded: true, sourcesError: null }, false, 'sources/list');
      },
      receiveSourceStatus(status) {
        const id = Number(status.id);
        if (!Number.isInteger(id)) return;
        pushes += 1;
        lastPushFor.set(id, pushes);
        const previous = get().sourceStates[id];
        const reason = status.reason ?? null;
        if (previous && previous.state === status.state && previous.reason === reason) return;
        set((s) => ({ sourceStates: { ...s.sourceStates, [id]: { state: status.state, reason } } }), false, 'sources/status');
      },
      async createSource(name, config) {
        set({ sourceCreateError: null }, false, 'sources/create');
        const asked = pushes;
        try {
          const source = await client.call('sources.create', { name, config });
          upsert(source, asked);
          return source;
        } catch (error) {
          const field = error instanceof StudioApiError ? (error.field ?? null) : null;
          set({ sourceCreateError: { message: describeError(error), field } }, false, 'sources/createFailed');
          return null;
        }
      },
      clearSourceCreateError() {
        if (get().sourceCreateError) set({ sourceCreateError: null }, false, 'sources/clearError');
      },
      async removeSource(id) {
        const { removed } = await client.call('sources.remove', { id });
        if (!removed) return;
        set(
          (s) => {
            const { [id]: _gone, ...sourceStates } = s.sourceStates;
            return { sources: s.sources.filter((source) => source.id !== id), sourceStates };
          },
          false,
          'sources/removed',
        );
      },
      async setSourceAudio(id, audio) {
        const asked = pushes;
        upsert(await client.call('sources.update', { id, audio }), asked);
      },
      watchMeters,
    };
  };
}

export const sourcesSelectors = {
  list: (s: StudioState) => s.sources,
  ids: (s: StudioState) => s.sources.map((source) => source.id),
  byId: (id: number) => (s: StudioState) => s.sources.find((source) => source.id === id) ?? null,
  loaded: (s: StudioState) => s.sourcesLoaded,
  error: (s: StudioState) => s.sourcesError,
  /**
   * The decoder's state while the program runs. None while it is stopped: a source has no decoder
   * then (the engine lists every state as null), so a push that arrives late never shows "running".
   */
  liveState: (id: number) => (s: StudioState) => (s.programStatus?.running === true ? (s.sourceStates[id] ?? null) : null),
  createError: (s: StudioState) => s.sourceCreateError,
};
