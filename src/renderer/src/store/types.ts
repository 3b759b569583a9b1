import type { StateCreator } from 'zustand/vanilla';
import type { ApiAccessSlice } from './slices/apiAccess.ts';
import type { ConnectionSlice } from './slices/connection.ts';
import type { CuesSlice } from './slices/cues.ts';
import type { EditingSlice } from './slices/editing.ts';
import type { EngineSlice } from './slices/engine.ts';
import type { HotkeysSlice } from './slices/hotkeys.ts';
import type { IngestSlice } from './slices/ingest.ts';
import type { MediaSlice } from './slices/media.ts';
import type { MixerSlice } from './slices/mixer.ts';
import type { OutputsSlice } from './slices/outputs.ts';
import type { ProgramSlice } from './slices/program.ts';
import type { ScenesSlice } from './slices/scenes.ts';
import type { ScheduleSlice } from './slices/schedule.ts';
import type { SourcesSlice } from './slices/sources.ts';
import type { StatsSlice } from './slices/stats.ts';
import type { StreamKeysSlice } from './slices/streamKeys.ts';

/** The whole renderer state: every feature's slice, flat, in one store. */
export type StudioState = ConnectionSlice &
  EngineSlice &
  StreamKeysSlice &
  IngestSlice &
  ApiAccessSlice &
  ProgramSlice &
  ScenesSlice &
  SourcesSlice &
  MixerSlice &
  OutputsSlice &
  StatsSlice &
  CuesSlice &
  HotkeysSlice &
  EditingSlice &
  ScheduleSlice &
  MediaSlice;

/** A slice creator for the combined store with the devtools middleware. */
export type SliceCreator<Slice> = StateCreator<StudioState, [['zustand/devtools', never]], [], Slice>;
