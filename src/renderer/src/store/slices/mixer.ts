import type { AudioSettings, MeterReadingInfo } from '../../../../shared/program.ts';
import type { StudioClient } from '../../api/client.ts';
import { describeError } from '../../api/errors.ts';
import type { SliceCreator, StudioState } from '../types.ts';

/** The Audio Mixer dock's own state: the master fader. Source faders live on the sources (sources slice). */
export interface MixerSliceState {
  /** null until audio.getMaster answers. */
  masterAudio: AudioSettings | null;
  masterAudioError: string | null;
}

export interface MixerSliceActions {
  loadMasterAudio(): Promise<void>;
  receiveMasterAudio(audio: AudioSettings): void;
  /** Throws a StudioApiError. */
  setMasterAudio(audio: AudioSettings): Promise<void>;
}

export type MixerSlice = MixerSliceState & MixerSliceActions;

export const mixerInitialState: MixerSliceState = { masterAudio: null, masterAudioError: null };

export function createMixerSlice(client: StudioClient): SliceCreator<MixerSlice> {
  return (set, get) => ({
    ...mixerInitialState,
    async loadMasterAudio() {
      try {
        get().receiveMasterAudio(await client.call('audio.getMaster'));
      } catch (error) {
        set({ masterAudioError: describeError(error) }, false, 'mixer/loadFailed');
      }
    },
    receiveMasterAudio(masterAudio) {
      set({ masterAudio, masterAudioError: null }, false, 'mixer/master');
    },
    async setMasterAudio(audio) {
      get().receiveMasterAudio(await client.call('audio.setMaster', audio));
    },
  });
}

export const mixerSelectors = {
  masterAudio: (s: StudioState) => s.masterAudio,
  masterAudioError: (s: StudioState) => s.masterAudioError,
  /** The latest meter reading of a source (by id) or of the master; null when none (program stopped, meters not watched). */
  reading:
    (id: number | 'master') =>
    (s: StudioState): MeterReadingInfo | null =>
      // Off air there is no level: the stopped program's last reading is no level now.
      s.programStatus?.running !== true ? null : ((id === 'master' ? s.meters?.master : s.meters?.sources[String(id)]) ?? null),
};
