/**
 * Peak-meter ballistics as OBS's audio mixer draws them: a −60 dB floor, green below −20 dBFS, yellow from
 * −20 dBFS, red from −9 dBFS, a peak hold of a couple of seconds, and a smooth fall rather than a jump.
 * Pure functions of (previous state, reading, time), so the requestAnimationFrame loop only draws.
 */

export const METER_FLOOR_DB = -60;
export const YELLOW_FROM_DBFS = -20;
export const RED_FROM_DBFS = -9;
/** How long the held peak stays before it starts to fall (OBS holds about this long). */
export const PEAK_HOLD_MS = 2_000;
/** OBS's default "fast" decay: 20 dB per 1.7 s. */
export const DECAY_DB_PER_SECOND = 20 / 1.7;
/** With no meters event for longer than this, the meter is stale and shows empty, not a frozen level. */
export const STALE_AFTER_MS = 1_000;

export type MeterZone = 'green' | 'yellow' | 'red';

export function zoneOf(dbfs: number): MeterZone {
  if (dbfs >= RED_FROM_DBFS) return 'red';
  if (dbfs >= YELLOW_FROM_DBFS) return 'yellow';
  return 'green';
}

/** Position on the meter, 0 at the floor (or below, or silence) and 1 at 0 dBFS (clipped above). */
export function meterFraction(dbfs: number): number {
  if (!Number.isFinite(dbfs) || dbfs <= METER_FLOOR_DB) return 0;
  if (dbfs >= 0) return 1;
  return (dbfs - METER_FLOOR_DB) / -METER_FLOOR_DB;
}

export interface MeterBallistics {
  /** The level drawn now: jumps up to a reading, falls at DECAY_DB_PER_SECOND. */
  shownDb: number;
  /** The held peak and when it was set. */
  holdDb: number;
  holdSince: number;
  /** When the last reading arrived (ms, same clock as `now`); null before any. */
  lastReadingAt: number | null;
}

export const silentBallistics: MeterBallistics = { shownDb: -Infinity, holdDb: -Infinity, holdSince: 0, lastReadingAt: null };

/** A meters event arrived with this peak (the loudest channel). */
export function applyReading(state: MeterBallistics, peakDb: number, now: number): MeterBallistics {
  const reading = Number.isFinite(peakDb) ? peakDb : -Infinity;
  const shownDb = Math.max(state.shownDb, reading);
  const holdExpired = now - state.holdSince > PEAK_HOLD_MS;
  const hold = reading >= state.holdDb || holdExpired ? { holdDb: reading, holdSince: now } : { holdDb: state.holdDb, holdSince: state.holdSince };
  return { shownDb, ...hold, lastReadingAt: now };
}

/** Advance the drawn level to `now` (one animation frame): smooth decay, hold expiry, stale readings to empty. */
export function tick(state: MeterBallistics, now: number, elapsedMs: number): MeterBallistics {
  if (state.lastReadingAt === null || now - state.lastReadingAt > STALE_AFTER_MS) return { ...silentBallistics, lastReadingAt: state.lastReadingAt };
  const fallen = state.shownDb - (DECAY_DB_PER_SECOND * Math.max(0, elapsedMs)) / 1000;
  const shownDb = fallen < METER_FLOOR_DB ? -Infinity : fallen;
  if (now - state.holdSince > PEAK_HOLD_MS) return { ...state, shownDb, holdDb: shownDb, holdSince: now };
  return { ...state, shownDb };
}

export function isStale(state: MeterBallistics, now: number): boolean {
  return state.lastReadingAt === null || now - state.lastReadingAt > STALE_AFTER_MS;
}
