import type { StreamKeySummary, StreamKeyWithSecret } from '../../../../shared/contract.ts';
import type { StudioClient } from '../../api/client.ts';
import { StudioApiError, describeError } from '../../api/errors.ts';
import type { SliceCreator, StudioState } from '../types.ts';

export interface FieldError {
  message: string;
  /** The argument the engine named, e.g. "name"; null when the error is not about one field. */
  field: string | null;
}

export interface StreamKeysSliceState {
  /** Summaries only (masked); the secret itself never enters the store. */
  streamKeys: StreamKeySummary[];
  streamKeysLoaded: boolean;
  streamKeysError: string | null;
  streamKeyCreating: boolean;
  streamKeyCreateError: FieldError | null;
}

export interface StreamKeysSliceActions {
  loadStreamKeys(): Promise<void>;
  receiveStreamKeys(keys: StreamKeySummary[]): void;
  /** Resolves with the new key (shown once by the caller), or null when the engine refused it. */
  createStreamKey(name: string): Promise<StreamKeyWithSecret | null>;
  clearStreamKeyCreateError(): void;
  /** Resolves with the secret key; throws a StudioApiError. */
  revealStreamKey(id: number): Promise<string>;
  /** Throws a StudioApiError. */
  removeStreamKey(id: number): Promise<void>;
}

export type StreamKeysSlice = StreamKeysSliceState & StreamKeysSliceActions;

export const streamKeysInitialState: StreamKeysSliceState = {
  streamKeys: [],
  streamKeysLoaded: false,
  streamKeysError: null,
  streamKeyCreating: false,
  streamKeyCreateError: null,
};

function summaryOf({ id, name, masked, createdAt }: StreamKeyWithSecret): StreamKeySummary {
  return { id, name, masked, createdAt };
}

export function createStreamKeysSlice(client: StudioClient): SliceCreator<StreamKeysSlice> {
  return (set, get) => ({
    ...streamKeysInitialState,
    async loadStreamKeys() {
      try {
        const keys = await client.call('streamKeys.list');
        get().receiveStreamKeys(keys);
      } catch (error) {
        set({ streamKeysError: describeError(error) }, false, 'streamKeys/loadFailed');
      }
    },
    receiveStreamKeys(keys) {
      set({ streamKeys: keys, streamKeysLoaded: true, streamKeysError: null }, false, 'streamKeys/list');
    },
    async createStreamKey(name) {
      set({ streamKeyCreating: true, streamKeyCreateError: null }, false, 'streamKeys/create');
      try {
        const created = await client.call('streamKeys.create', { name });
        // The streamKeys.changed event brings the list too; adding it here keeps the UI right if it lags.
        const known = get().streamKeys.some((key) => key.id === created.id);
        set(
          (s) => ({
            streamKeyCreating: false,
            streamKeys: known ? s.streamKeys : [...s.streamKeys, summaryOf(created)],
          }),
          false,
          'streamKeys/created',
        );
        return created;
      } catch (error) {
        const field = error instanceof StudioApiError ? (error.field ?? null) : null;
        set({ streamKeyCreating: false, streamKeyCreateError: { message: describeError(error), field } }, false, 'streamKeys/createFailed');
        return null;
      }
    },
    clearStreamKeyCreateError() {
      if (get().streamKeyCreateError) set({ streamKeyCreateError: null }, false, 'streamKeys/clearError');
    },
    async revealStreamKey(id) {
      const revealed = await client.call('streamKeys.reveal', { id });
      return revealed.key;
    },
    async removeStreamKey(id) {
      const { removed } = await client.call('streamKeys.remove', { id });
      if (removed) {
        set((s) => ({ streamKeys: s.streamKeys.filter((key) => key.id !== id) }), false, 'streamKeys/removed');
      }
    },
  });
}

export const streamKeysSelectors = {
  list: (s: StudioState) => s.streamKeys,
  ids: (s: StudioState) => s.streamKeys.map((key) => key.id),
  byId: (id: number) => (s: StudioState) => s.streamKeys.find((key) => key.id === id) ?? null,
  loaded: (s: StudioState) => s.streamKeysLoaded,
  error: (s: StudioState) => s.streamKeysError,
  creating: (s: StudioState) => s.streamKeyCreating,
  createError: (s: StudioState) => s.streamKeyCreateError,
  /** The create error when it concerns the given argument. */
  createFieldError: (field: string) => (s: StudioState) => (s.streamKeyCreateError?.field === field ? s.streamKeyCreateError.message : null),
};
