/**
 * The mixer's fader: where a gain in dB sits on the fader's travel, and which sources get a strip.
 * Pure functions, so the dock only draws.
 *
 * Range: −60 dB to +24 dB, the engine's bounds for a gain (audioSettingsSchema); mute is its own
 * button, as in OBS. The travel is not linear in dB: below unity it follows OBS's logarithmic fader
 * (libobs obs-audio-controls.c, log_def_to_db: dB = −(R + O)·((R + O)/O)^(−x) + O with an offset
 * O of 6 dB), so the loud part where creators work gets most of the travel; unity sits at 80 % of
 * the travel, as on a console, and the top fifth is boost, linear in dB.
 */
import { sourceKindHasAudio, type SourceInfo } from '../../../../shared/program.ts';

export const FADER_MIN_DB = -60;
export const FADER_MAX_DB = 24;
/** Where 0 dB sits on the travel (0 = bottom, 1 = top). */
export const UNITY_POSITION = 0.8;
/** OBS's LOG_OFFSET_DB: how strongly the travel favours the loud end. */
const LOG_OFFSET_DB = 6;
const ATTENUATION_RANGE_DB = -FADER_MIN_DB;
const LOG_BASE = (ATTENUATION_RANGE_DB + LOG_OFFSET_DB) / LOG_OFFSET_DB;

/** Gains move in tenths of a dB: what the dB readout shows is what the engine gets. */
export function roundDb(db: number): number {
  return Math.round(db * 10) / 10;
}

export function clampDb(db: number): number {
  if (Number.isNaN(db)) return 0;
  return Math.min(FADER_MAX_DB, Math.max(FADER_MIN_DB, db));
}

/** The gain at a point of the travel (0..1, clamped), rounded to 0.1 dB. */
export function dbAtFaderPosition(position: number): number {
  const p = Math.min(1, Math.max(0, Number.isNaN(position) ? 0 : position));
  if (p >= UNITY_POSITION) return roundDb(((p - UNITY_POSITION) / (1 - UNITY_POSITION)) * FADER_MAX_DB);
  const x = p / UNITY_POSITION;
  return roundDb(clampDb(-(ATTENUATION_RANGE_DB + LOG_OFFSET_DB) * LOG_BASE ** -x + LOG_OFFSET_DB));
}

/** Where a gain sits on the travel (0..1); gains outside the range sit at its ends. */
export function faderPositionOf(db: number): number {
  const clamped = clampDb(db);
  if (clamped >= 0) return UNITY_POSITION + (clamped / FADER_MAX_DB) * (1 - UNITY_POSITION);
  const x = -Math.log((LOG_OFFSET_DB - clamped) / (ATTENUATION_RANGE_DB + LOG_OFFSET_DB)) / Math.log(LOG_BASE);
  return Math.min(1, Math.max(0, x)) * UNITY_POSITION;
}

/** A keyboard step: `delta` dB from `db`, kept in range and on the 0.1 dB grid. */
export function stepDb(db: number, delta: number): number {
  return roundDb(clampDb(db + delta));
}

/** "+3.0 dB", "0.0 dB", "-20.0 dB": OBS's readout. */
export function formatDb(db: number): string {
  const rounded = roundDb(db);
  return `${rounded > 0 ? '+' : ''}${(rounded === 0 ? 0 : rounded).toFixed(1)} dB`;
}

/** The mixer has a strip for each source that carries sound, in the sources' order; pictures have none. */
export function mixerSources(sources: readonly SourceInfo[]): SourceInfo[] {
  return sources.filter((source) => sourceKindHasAudio(source.config.kind));
}
