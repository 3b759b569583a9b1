// The ad-cue deck and the emergency alert: argument schemas, settings, and the state clients see.
// Types and constants only (see contract.ts): imported by main, preload and renderer.
import { z } from 'zod';

/** Break lengths the deck offers as one-click buttons (seconds). */
export const BREAK_BUTTON_SECONDS = [30, 60, 90, 120] as const;

/** A break lasts 1 s to 1 hour; the real duration is rounded to the encoder's GOP grid. */
export const BREAK_DURATION_LIMITS = { min: 1, max: 3600 } as const;
/**
 * Seconds from the request to the splice. SCTE 67 (§ 8.1) asks for at least 4 s so the splicer
 * downstream can prepare; 0 means "the next IDR".
 */
export const PREROLL_LIMITS = { min: 0, max: 30, default: 4 } as const;
/** Return now: seconds before the early cue-in's splice (0 = the next IDR). */
export const RETURN_PREROLL_LIMITS = { min: 0, max: 10, default: 0 } as const;
/** splice_null heartbeat period, when enabled. */
export const HEARTBEAT_LIMITS = { min: 1, max: 300 } as const;
/** Emergency alerts: how long one may run by itself (an alert with no duration runs until stopped). */
export const ALERT_DURATION_LIMITS = { min: 1, max: 86_400 } as const;
export const ALERT_TEXT_MAX = 500;

export const signalStyles = ['splice_insert', 'time_signal_placement_opportunity', 'time_signal_advertisement'] as const;
export type SignalStyle = (typeof signalStyles)[number];

/** SCTE 35 Table 22 segmentation_type_id values each time_signal style uses (start, end). */
export const SEGMENTATION_TYPES: Record<Exclude<SignalStyle, 'splice_insert'>, { start: number; end: number }> = {
  time_signal_placement_opportunity: { start: 0x34, end: 0x35 },
  time_signal_advertisement: { start: 0x30, end: 0x31 },
};

/** The segmentation UPID a time_signal carries: none (type 0x00), an ADI string (0x09) or an MPU (0x0C). */
export const upidSetting = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z.object({ type: z.literal('adi'), value: z.string().trim().min(1, 'must not be empty').max(200) }).strict(),
  z
    .object({
      type: z.literal('mpu'),
      /** format_identifier: four ASCII characters (a registered SMPTE RA identifier). */
      formatIdentifier: z.string().regex(/^[\x20-\x7e]{4}$/, 'must be 4 ASCII characters'),
      /** private_data as hex. */
      privateData: z.string().regex(/^([0-9a-fA-F]{2}){0,200}$/, 'must be hex bytes'),
    })
    .strict(),
]);
export type UpidSetting = z.infer<typeof upidSetting>;

export const cueActions = ['break30', 'break60', 'break90', 'break120', 'breakCustom', 'returnNow', 'cancel'] as const;
export type CueAction = (typeof cueActions)[number];

/**
 * A hotkey as KeyboardEvent.code plus modifiers, e.g. "F1", "Ctrl+Digit3", "Shift+Alt+KeyR".
 * Modifiers first, in the order Ctrl, Alt, Shift, Meta.
 */
export const hotkeyText = z
  .string()
  .regex(/^((Ctrl|Alt|Shift|Meta)\+)*[A-Za-z0-9]+$/, 'must be a key code with optional Ctrl+/Alt+/Shift+/Meta+ (e.g. "F1" or "Ctrl+Digit3")')
  .max(40);

export const cueSettingsSchema = z
  .object({
    signalStyle: z.enum(signalStyles),
    /** Default preroll of a break (seconds). */
    prerollSeconds: z.number().min(PREROLL_LIMITS.min).max(PREROLL_LIMITS.max),
    /** Preroll of "Return now" (seconds). */
    returnPrerollSeconds: z.number().min(RETURN_PREROLL_LIMITS.min).max(RETURN_PREROLL_LIMITS.max),
    /** The scene shown during a break; null = the generated slate. */
    breakSceneId: z.number().int().positive().nullable(),
    /** The generated slate's line. */
    slateText: z.string().trim().min(1).max(200),
    /** splice_null every N seconds; null = off. */
    heartbeatSeconds: z.number().int().min(HEARTBEAT_LIMITS.min).max(HEARTBEAT_LIMITS.max).nullable(),
    upid: upidSetting,
    /** Per action, its key; null = none. */
    hotkeys: z.record(z.enum(cueActions), hotkeyText.nullable()),
    /** The custom button's duration (seconds). */
    customDurationSeconds: z.number().int().min(BREAK_DURATION_LIMITS.min).max(BREAK_DURATION_LIMITS.max),
  })
  .strict();
export type CueSettings = z.infer<typeof cueSettingsSchema>;

/** What cues.setSettings takes: any subset, the hotkeys too (one action's key alone is fine). */
export const cueSettingsPatchSchema = cueSettingsSchema
  .partial()
  .extend({ hotkeys: z.partialRecord(z.enum(cueActions), hotkeyText.nullable()).optional() })
  .strict();
export type CueSettingsPatch = z.infer<typeof cueSettingsPatchSchema>;

export const DEFAULT_CUE_SETTINGS: CueSettings = {
  signalStyle: 'splice_insert',
  prerollSeconds: PREROLL_LIMITS.default,
  returnPrerollSeconds: RETURN_PREROLL_LIMITS.default,
  breakSceneId: null,
  slateText: "We'll be right back",
  heartbeatSeconds: null,
  upid: { type: 'none' },
  hotkeys: { break30: 'F1', break60: 'F2', break90: 'F3', break120: 'F4', breakCustom: 'F5', returnNow: 'F9', cancel: 'F10' },
  customDurationSeconds: 45,
};

export const startBreakArgs = z
  .object({
    durationSeconds: z.number().min(BREAK_DURATION_LIMITS.min).max(BREAK_DURATION_LIMITS.max),
    prerollSeconds: z.number().min(PREROLL_LIMITS.min).max(PREROLL_LIMITS.max).optional(),
  })
  .strict();

export const alertStyles = ['fullscreen', 'crawl'] as const;
export type AlertStyle = (typeof alertStyles)[number];

export const startAlertArgs = z
  .object({
    text: z.string().trim().min(1, 'must not be empty').max(ALERT_TEXT_MAX),
    style: z.enum(alertStyles),
    durationSeconds: z.number().min(ALERT_DURATION_LIMITS.min).max(ALERT_DURATION_LIMITS.max).optional(),
  })
  .strict();

/** A frame on the program's timeline: its index, its PTS in the TS (90 kHz, 33-bit), its wall time. */
export interface FramePoint {
  frame: number;
  pts: number | null;
  /** ISO 8601, when it aired (actual) or is planned to (planned). */
  at: string;
}

export type BreakPhase = 'idle' | 'armed' | 'onBreak';

/**
 * What the deck shows, pushed as `cues.state` on every change and at ≥ 4 Hz while armed or on
 * break. Every figure is the engine's, from the frame clock: the renderer only formats it.
 */
export interface CueState {
  phase: BreakPhase;
  /** The program runs (a break can be asked for). */
  programRunning: boolean;
  /** The program's last frame when this state was made. */
  frame: number;
  /** The frame rate, so a client can turn frames into seconds. */
  fps: number;
  /** The break armed or on air. */
  current: {
    eventId: number;
    signalStyle: SignalStyle;
    splice: FramePoint;
    return: FramePoint;
    /** Real distance between splice and return, in seconds (GOP grid). */
    durationSeconds: number;
    /** Seconds to the splice (armed), from the frame clock. */
    secondsToSplice: number;
    /** Seconds to the return (on break). */
    secondsLeft: number;
    /** 0..1 of the break done (on break). */
    progress: number;
    /** A return-now was asked: the return above is the early one. */
    returningEarly: boolean;
  } | null;
  /** The last break that ended, with how. */
  last: { eventId: number; outcome: AsRunOutcome; endedAt: string } | null;
  /** The emergency alert holds the program: breaks are refused. */
  alertActive: boolean;
}

export const asRunOutcomes = [
  'pending',
  'aired',
  'cancelled',
  'returned_early',
  'interrupted_by_stop',
  'interrupted_by_crash',
  'interrupted_by_alert',
] as const;
export type AsRunOutcome = (typeof asRunOutcomes)[number];

/** One row of the as-run log: one break, planned and actual. */
export interface AsRunRow {
  eventId: number;
  signalStyle: SignalStyle;
  requestedAt: string;
  durationSecondsRequested: number;
  /** The real planned duration (GOP grid). */
  durationSecondsPlanned: number;
  plannedSpliceFrame: number;
  plannedSplicePts: number | null;
  plannedSpliceAt: string;
  plannedReturnFrame: number;
  plannedReturnPts: number | null;
  plannedReturnAt: string;
  actualSpliceFrame: number | null;
  actualSplicePts: number | null;
  actualSpliceAt: string | null;
  actualReturnFrame: number | null;
  actualReturnPts: number | null;
  actualReturnAt: string | null;
  /** Seconds actually on break (actual return − actual splice), null until both are known. */
  durationSecondsActual: number | null;
  outcome: AsRunOutcome;
  /** Ids of the rows in the SCTE-35 log for the sections sent for this break. */
  scte35LogIds: number[];
}

export interface AlertState {
  active: boolean;
  text: string | null;
  style: AlertStyle | null;
  startedAt: string | null;
  /** When it ends by itself; null = until stopped. */
  endsAt: string | null;
  /** The frame it went on air, and the frame it ends (when timed). */
  startFrame: number | null;
  endFrame: number | null;
  /** Seconds left when timed (from the frame clock). */
  secondsLeft: number | null;
}

export interface AlertLogRow {
  id: number;
  text: string;
  style: AlertStyle;
  startedAt: string;
  endedAt: string | null;
  startFrame: number | null;
  endFrame: number | null;
  /** 'timer' | 'operator' | 'program_stopped' | 'crash'; null while on air. */
  endedBy: string | null;
  /** The break it cut short, if any. */
  interruptedEventId: number | null;
}

/** The columns of GET /api/v1/cues/as-run.csv, in order (the AsRunRow fields, scte35LogIds as "1;2;3"). */
export const AS_RUN_CSV_COLUMNS = [
  'eventId',
  'signalStyle',
  'outcome',
  'requestedAt',
  'durationSecondsRequested',
  'durationSecondsPlanned',
  'durationSecondsActual',
  'plannedSpliceFrame',
  'plannedSplicePts',
  'plannedSpliceAt',
  'actualSpliceFrame',
  'actualSplicePts',
  'actualSpliceAt',
  'plannedReturnFrame',
  'plannedReturnPts',
  'plannedReturnAt',
  'actualReturnFrame',
  'actualReturnPts',
  'actualReturnAt',
  'scte35LogIds',
] as const satisfies readonly (keyof AsRunRow)[];

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled.
 * A text cell that a spreadsheet would read as a formula (=, +, -, @, tab, CR first: OWASP's
 * "CSV injection") gets a leading apostrophe, so it is shown as text, never run.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The as-run log as CSV, the columns of AS_RUN_CSV_COLUMNS, CRLF line ends (RFC 4180), header first. */
export function asRunToCsv(rows: readonly AsRunRow[]): string {
  const lines = [AS_RUN_CSV_COLUMNS.join(',')];
  for (const row of rows) {
    lines.push(AS_RUN_CSV_COLUMNS.map((column) => (column === 'scte35LogIds' ? csvCell(row.scte35LogIds.join(';')) : csvCell(row[column]))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
