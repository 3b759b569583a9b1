import { devtools } from 'zustand/middleware';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { StudioClient } from '../api/client.ts';
import { createApiAccessSlice } from './slices/apiAccess.ts';
import { createConnectionSlice } from './slices/connection.ts';
import { createCuesSlice } from './slices/cues.ts';
import { createEditingSlice } from './slices/editing.ts';
import { createEngineSlice } from './slices/engine.ts';
import { createHotkeysSlice } from './slices/hotkeys.ts';
import { createIngestSlice } from './slices/ingest.ts';
import { createMediaSlice } from './slices/media.ts';
import { createMixerSlice } from './slices/mixer.ts';
import { createOutputsSlice } from './slices/outputs.ts';
import { createProgramSlice } from './slices/program.ts';
import { createScenesSlice } from './slices/scenes.ts';
import { createScheduleSlice } from './slices/schedule.ts';
import { createSourcesSlice } from './slices/sources.ts';
import { createStatsSlice } from './slices/stats.ts';
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
        ...createIngestSlice(client)(...a),
        ...createApiAccessSlice(client)(...a),
        ...createProgramSlice(client)(...a),
        ...createScenesSlice(client)(...a),
        ...createSourcesSlice(client)(...a),
        ...createMixerSlice(client)(...a),
        ...createOutputsSlice(client)(...a),
        ...createStatsSlice(client)(...a),
        ...createCuesSlice(client)(...a),
        ...createHotkeysSlice()(...a),
        ...createEditingSlice(client)(...a),
        ...createScheduleSlice(client)(...a),
        ...createMediaSlice(client)(...a),
      }),
      { name: 'Broadcast Studio', enabled: options.devtools ?? false },
    ),
  );
}

/**
 * Feeds the store from the engine: pushed events, the connection state, and a full load whenever
 * the connection (re)opens, since events missed while disconnected are gone. Returns the unbind.
 * Telemetry (stats, meters, cue tally) is not bound here: the views that show it watch it.
 */
export function bindStoreToClient(store: StudioStore, client: StudioClient): () => void {
  const state = () => store.getState();
  const loadAll = () => {
    void state().loadEngineStatus();
    void state().loadStreamKeys();
    void state().loadIngest();
    void state().loadApiAccess();
    void state().loadProgram();
    void state().loadScenes();
    void state().loadSources();
    void state().loadMasterAudio();
    void state().loadOutputs();
    void state().loadCues();
    void state().loadSchedule();
    void state().loadPlayout();
    void state().loadMedia();
  };
  const unsubscribers = [
    client.subscribe('engine.status', (status) => state().receiveEngineStatus(status)),
    client.subscribe('streamKeys.changed', (keys) => state().receiveStreamKeys(keys)),
    client.subscribe('ingest.published', (stream) => state().receiveIngestStream(stream)),
    client.subscribe('ingest.stats', (stream) => state().receiveIngestStream(stream)),
    client.subscribe('ingest.unpublished', ({ streamKeyId }) => state().receiveIngestUnpublished(streamKeyId)),
    client.subscribe('ingest.refused', (refused) => state().receiveIngestRefused(refused)),
    client.subscribe('program.status', (status) => state().receiveProgramStatus(status)),
    client.subscribe('scenes.changed', (scenes) => state().receiveScenes(scenes)),
    client.subscribe('sources.changed', (sources) => state().receiveSources(sources)),
    client.subscribe('source.status', (status) => state().receiveSourceStatus(status)),
    client.subscribe('audio.master', (audio) => state().receiveMasterAudio(audio)),
    client.subscribe('outputs.changed', (outputs) => state().receiveOutputs(outputs)),
    client.subscribe('outputs.status', (status) => state().receiveOutputStatus(status)),
    client.subscribe('cues.state', (cueState) => state().receiveCueState(cueState)),
    client.subscribe('cues.settings', (settings) => state().receiveCueSettings(settings)),
    client.subscribe('alerts.state', (alert) => state().receiveAlertState(alert)),
    client.subscribe('schedule.changed', ({ revision }) => state().receiveScheduleChanged(revision)),
    client.subscribe('playout.status', (status) => state().receivePlayoutStatus(status)),
    client.subscribe('media.changed', (items) => state().receiveMedia(items)),
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
