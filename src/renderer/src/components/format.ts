// Figures as the docks show them, shared by every feature that shows an output or a rate.
import type { OutputState } from '../../../shared/outputs.ts';

/** The colour an output's state is shown in (OBS-like: green running, amber retrying, red failed). */
export const OUTPUT_STATE_LEVEL: Record<OutputState, 'ok' | 'warning' | 'danger' | 'idle'> = {
  running: 'ok',
  starting: 'warning',
  backoff: 'warning',
  failed: 'danger',
  idle: 'idle',
  stopped: 'idle',
};

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatKbps(kbps: number): string {
  return kbps >= 1000 ? `${(kbps / 1000).toFixed(2)} Mbit/s` : `${Math.round(kbps)} kbit/s`;
}
