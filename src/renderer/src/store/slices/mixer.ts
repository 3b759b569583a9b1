import type { AudioSettings, MeterReadingInfo } from '../../../../shared/program.ts';
import type { AudioMonitorMode } from '../../../../shared/audio-monitor-frame.ts';
import type { StudioClient } from '../../api/client.ts';
import { describeError } from '../../api/errors.ts';
import type { SliceCreator, StudioState } from '../types.ts';

/**
 * The Audio Mixer dock's own state: the master fader, and which sources this page monitors (OBS's
 * Audio Monitoring: heard in this operator's headphones, so it is the page's, not the engine's,
 * and not saved). Source faders live on the sources (sources slice).
 */
export interface MixerSliceState {
  /** null until audio.getMaster answers. */
  masterAudio: AudioSettings | null;
  masterAudioError: string | null;
  /** By source id; a source not here is 'off'. */
  monitorModes: Record<number, AudioMonitorMode>;
  /** Whether a source in Monitor Only was muted before it went there (leaving it restores that). */
  mutedBeforeMonitorOnly: Record<number, boolean>;
}

export interface MixerSliceActions {
  loadMasterAudio(): Promise<void>;
  receiveMasterAudio(audio: AudioSettings): void;
  /** Throws a StudioApiError. */
  setMasterAudio(audio: AudioSettings): Promise<void>;
  /**
   * Monitor Off / Monitor Only (mute output) / Monitor and Output for a source. Monitor Only mutes
   * the source on the program through its mute (sources.update); leaving it unmutes the source
   * again unless it was muted before. Throws a StudioApiError (the mode is then unchanged).
   */
  setMonitorMode(id: number, mode: AudioMonitorMode): Promise<void>;
}

export type MixerSlice = MixerSliceState & MixerSliceActions;

export const mixerInitialState: MixerSliceState = { masterAudio: null, masterAudioError: null, monitorModes: {}, mutedBeforeMonitorOnly: {} };

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
    async setMonitorMode(id, mode) {
      const before = mixerSelectors.monitorMode(id)(get());
      if (before === mode) return;
      const source = get().sources.find((s) => s.id === id);
      const setMode = (next: AudioMonitorMode, muted: Record<number, boolean>) =>
        set((s) => ({ monitorModes: { ...s.monitorModes, [id]: next }, mutedBeforeMonitorOnly: muted }), false, 'mixer/monitorMode');
      const mutedBefore = get().mutedBeforeMonitorOnly;
      if (mode === 'monitor-only') {
        const wasMuted = source?.audio.muted ?? false;
        setMode(mode, { ...mutedBefore, [id]: wasMuted });
        if (source && !wasMuted) {
          try {
            await get().setSourceAudio(id, { gainDb: source.audio.gainDb, muted: true });
          } catch (error) {
            setMode(before, mutedBefore);
            throw error;
          }
        }
        return;
      }
      const { [id]: wasMuted, ...rest } = mutedBefore;
      setMode(mode, rest);
      if (before === 'monitor-only' && source?.audio.muted && wasMuted === false) {
        try {
          await get().setSourceAudio(id, { gainDb: source.audio.gainDb, muted: false });
        } catch (error) {
          setMode(before, mutedBefore);
          throw error;
        }
      }
    },
  });
}

export const mixerSelectors = {
  masterAudio: (s: StudioState) => s.masterAudio,
  /**
   * A source's monitoring. Monitor Only holds while the source stays muted: unmuted by hand, it is
   * heard on the program too, so it is Monitor and Output.
   */
  monitorMode:
    (id: number) =>
    (s: StudioState): AudioMonitorMode => {
      const mode = s.monitorModes[id] ?? 'off';
      if (mode !== 'monitor-only') return mode;
      return s.sources.find((source) => source.id === id)?.audio.muted === false ? 'monitor-and-output' : mode;
    },
  /** Sources monitored now (any mode but off). */
  monitoredIds: (s: StudioState): number[] =>
    Object.entries(s.monitorModes)
      .filter(([, mode]) => mode !== 'off')
      .map(([id]) => Number(id)),
  masterAudioError: (s: StudioState) => s.masterAudioError,
  /** The latest meter reading of a source (by id) or of the master; null when none (program stopped, meters not watched). */
  reading:
    (id: number | 'master') =>
    (s: StudioState): MeterReadingInfo | null =>
      // Off air there is no level: the stopped program's last reading is no level now.
      s.programStatus?.running !== true ? null : ((id === 'master' ? s.meters?.master : s.meters?.sources[String(id)]) ?? null),
};
