import type { EngineStatus } from '../../../../shared/contract.ts';
import type { StudioClient } from '../../api/client.ts';
import { describeError } from '../../api/errors.ts';
import type { SliceCreator, StudioState } from '../types.ts';

/** What the UI needs to know about FFmpeg's abilities, by the names FFmpeg itself lists. */
export const REQUIRED_CAPABILITIES = [
  { name: 'libx264', kind: 'encoder' },
  { name: 'srt', kind: 'protocol' },
  { name: 'rtmp', kind: 'protocol' },
] as const;
export type CapabilityName = (typeof REQUIRED_CAPABILITIES)[number]['name'];

export interface EngineSliceState {
  /** The latest status the engine pushed (or answered), without the API token. */
  engineStatus: EngineStatus | null;
  engineError: string | null;
}

export interface EngineSliceActions {
  loadEngineStatus(): Promise<void>;
  receiveEngineStatus(status: EngineStatus): void;
}

export type EngineSlice = EngineSliceState & EngineSliceActions;

export const engineInitialState: EngineSliceState = {
  engineStatus: null,
  engineError: null,
};

/** The token is a secret: it stays out of the store (and out of devtools) and is fetched on demand. */
function withoutToken(status: EngineStatus): EngineStatus {
  return status.api ? { ...status, api: { ...status.api, token: null } } : status;
}

export function createEngineSlice(client: StudioClient): SliceCreator<EngineSlice> {
  return (set, get) => ({
    ...engineInitialState,
    async loadEngineStatus() {
      try {
        const status = await client.call('system.status');
        get().receiveEngineStatus(status);
      } catch (error) {
        set({ engineError: describeError(error) }, false, 'engine/loadFailed');
      }
    },
    receiveEngineStatus(status) {
      set({ engineStatus: withoutToken(status), engineError: null }, false, 'engine/status');
    },
  });
}

export const engineSelectors = {
  status: (s: StudioState) => s.engineStatus,
  error: (s: StudioState) => s.engineError,
  version: (s: StudioState) => s.engineStatus?.version ?? null,
  dataDir: (s: StudioState) => s.engineStatus?.dataDir ?? null,
  uptimeSeconds: (s: StudioState) => s.engineStatus?.uptimeSeconds ?? null,
  host: (s: StudioState) => s.engineStatus?.host ?? null,
  ffmpeg: (s: StudioState) => s.engineStatus?.ffmpeg ?? null,
  ffmpegError: (s: StudioState) => s.engineStatus?.ffmpegError ?? null,
  /** Which of the capabilities the studio relies on this FFmpeg has; empty until FFmpeg is known. */
  capabilities: (s: StudioState): Partial<Record<CapabilityName, boolean>> => {
    const ffmpeg = s.engineStatus?.ffmpeg;
    if (!ffmpeg) return {};
    const present: Partial<Record<CapabilityName, boolean>> = {};
    for (const { name, kind } of REQUIRED_CAPABILITIES) {
      present[name] = (kind === 'encoder' ? ffmpeg.encoders : ffmpeg.protocols).includes(name);
    }
    return present;
  },
};

/** "0:02:03", "12:02:03"; days in front when there are any, e.g. "3d 4:05:06". */
export function formatUptime(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  const mmss = `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
  if (days > 0) return `${days}d ${hours}:${mmss}`;
  return `${hours}:${mmss}`;
}
