import { devtools } from 'zustand/middleware';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { StudioClient } from '../api/client.ts';
import { createApiAccessSlice } from './slices/apiAccess.ts';
import { createConnectionSlice } from './slices/connection.ts';
import { createEngineSlice } from './slices/engine.ts';
import { createStreamKeysSlice } from './slices/streamKeys.ts';
import type { StudioState } from './types.ts';

export type { StudioState } from './types.ts';
export type StudioStore = StoreApi<StudioState>;

export interface StudioStoreOptions {
  /** Connect to the Redux DevTools extension (development builds only by default). */
  devtools?: boolean;
}

/** One store for the whole renderer; every feature's slice, bound to the given client. */
export function createStudioStore(client: StudioClient, options: StudioStoreOptions = {}): StudioStore {
  return createStore<StudioState>()(
    devtools(
      (...a) => ({
        ...createConnectionSlice(client.transport)(...a),
        ...createEngineSlice(client)(...a),
        ...createStreamKeysSlice(client)(...a),
        ...createApiAccessSlice(client)(...a),
      }),
      { name: 'Broadcast Studio', enabled: options.devtools ?? false },
    ),
  );
}

/**
 * Feeds the store from the engine: pushed events, the connection state, and a full load whenever
 * the connection (re)opens, since events missed while disconnected are gone. Returns the unbind.
 */
export function bindStoreToClient(store: StudioStore, client: StudioClient): () => void {
  const state = () => store.getState();
  const loadAll = () => {
    void state().loadEngineStatus();
    void state().loadStreamKeys();
    void state().loadApiAccess();
  };
  const unsubscribers = [
    client.subscribe('engine.status', (status) => state().receiveEngineStatus(status)),
    client.subscribe('streamKeys.changed', (keys) => state().receiveStreamKeys(keys)),
    client.onConnectionState((connection) => {
      state().setConnection(connection);
      if (connection === 'open') loadAll();
    }),
  ];
  state().setConnection(client.connectionState);
  if (client.connectionState === 'open') loadAll();
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}
