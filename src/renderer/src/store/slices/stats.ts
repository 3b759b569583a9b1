import type { StatsEvent } from '../../../../shared/stats.ts';
import type { StudioClient } from '../../api/client.ts';
import { sharedWatch, throttleLatest } from '../telemetry.ts';
import type { SliceCreator, StudioState } from '../types.ts';

/** Stats reach the UI at most this often (the engine sends 1 Hz). */
export const STATS_INTERVAL_MS = 100;

export interface StatsSliceState {
  stats: StatsEvent | null;
}

export interface StatsSliceActions {
  /** Loads the latest figures and listens to `stats` while the panel shows; returns the unsubscribe. */
  watchStats(): () => void;
}

export type StatsSlice = StatsSliceState & StatsSliceActions;

export const statsInitialState: StatsSliceState = { stats: null };

export function createStatsSlice(client: StudioClient): SliceCreator<StatsSlice> {
  return (set) => ({
    ...statsInitialState,
    watchStats: sharedWatch(() => {
      let live = true;
      const throttled = throttleLatest<StatsEvent>((stats) => set({ stats }, false, 'stats/received'), STATS_INTERVAL_MS);
      const unsubscribe = client.subscribe('stats', throttled.push);
      client.call('stats.get').then(
        (stats) => {
          if (live && stats) throttled.push(stats);
        },
        () => {},
      );
      return () => {
        live = false;
        unsubscribe();
        throttled.cancel();
      };
    }),
  });
}

export const statsSelectors = {
  latest: (s: StudioState) => s.stats,
  program: (s: StudioState) => s.stats?.program ?? null,
  usage: (s: StudioState) => s.stats?.usage ?? null,
  outputs: (s: StudioState) => s.stats?.outputs ?? [],
};
