// Live stats as the engine pushes them, and the thresholds creators know from OBS's stats dock.
import type { OutputStatus } from './outputs.ts';
import type { ProgramFigures } from './program.ts';

export interface ProgramStats extends ProgramFigures {
  fpsTarget: number;
  /** Frames made over the last second. */
  fps: number;
  /** Frames written to the encoder it has not taken yet. */
  encoderBacklogFrames: number;
}

export interface UsageStats {
  hostCpuPercent: number;
  hostRssBytes: number;
  childrenCpuPercent: number;
  childrenRssBytes: number;
  children: Array<{ pid: number; name: string; cpuPercent: number; rssBytes: number }>;
  cores: number;
  systemMemoryBytes: number;
}

export interface StatsEvent {
  at: string;
  /** Null while the program is stopped. */
  program: ProgramStats | null;
  sources: Array<{ id: string; state: string; reason: string | null; framesDecoded: number; framesDropped: number }>;
  outputs: OutputStatus[];
  usage: UsageStats;
}

export type StatLevel = 'ok' | 'warning' | 'danger';

/** OBS: frame rate below 95 % of the target warns, below 80 % is danger. */
export function fpsLevel(fps: number, target: number): StatLevel {
  if (!(target > 0)) return 'ok';
  const ratio = fps / target;
  return ratio < 0.8 ? 'danger' : ratio < 0.95 ? 'warning' : 'ok';
}

/** OBS: dropped frames above 1 % warn, above 5 % are danger. */
export function droppedLevel(dropped: number, total: number): StatLevel {
  if (!(total > 0)) return 'ok';
  const percent = (dropped / total) * 100;
  return percent > 5 ? 'danger' : percent > 1 ? 'warning' : 'ok';
}
