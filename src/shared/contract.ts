// The one contract between the engine and every client (Electron IPC, WebSocket, HTTP).
// Types and constants only: imported by main, preload and renderer; imports nothing of ours.
import { z } from 'zod';
import {
  audioSettingsSchema,
  programFormatSchema,
  rowId,
  sceneCreateArgs,
  sceneUpdateArgs,
  sourceCreateArgs,
  sourceUpdateArgs,
  switchSceneArgs,
  tbarArgs,
  type AudioSettings,
  type MetersEvent,
  type ProgramFormatSettings,
  type ProgramStatus,
  type SceneInfo,
  type SourceInfo,
} from './program.ts';
import { outputSettings, outputSettingsEdit, type OutputStatus, type PublicOutputSettings } from './outputs.ts';
import type { StatsEvent } from './stats.ts';
import { mediaImportArgs, mediaUpdateArgs, type MediaItem } from './media.ts';
import {
  playoutSetEnabledArgs,
  playoutSettingsPatchSchema,
  scheduleAddArgs,
  scheduleAddLiveArgs,
  scheduleListArgs,
  scheduleMoveArgs,
  scheduleRemoveArgs,
  scheduleSetBreaksArgs,
  scheduleTrimArgs,
  type PlayoutSettings,
  type PlayoutStatus,
  type ScheduleChangedEvent,
  type ScheduleItem,
} from './schedule.ts';
import {
  cueSettingsPatchSchema,
  startAlertArgs,
  startBreakArgs,
  type AlertLogRow,
  type AlertState,
  type AsRunRow,
  type CueSettings,
  type CueState,
  type SignalStyle,
} from './cues.ts';

// ---------------------------------------------------------------------------
// Argument schemas
// ---------------------------------------------------------------------------

const noArgs = z.object({}).strict();

/** How long stored history is kept: whole numbers within these bounds, pruned hourly. */
export const RETENTION_SETTINGS = {
  'retention.analyticsDays': { default: 90, min: 1, max: 3650 },
  'retention.scte35LogDays': { default: 365, min: 1, max: 3650 },
  'retention.scte35LogMaxRows': { default: 100_000, min: 100, max: 100_000_000 },
} as const;
export type RetentionSettingKey = keyof typeof RETENTION_SETTINGS;

const settingKey = z.enum([
  'studio.name',
  'ui.theme',
  'ui.confidenceMonitor',
  'retention.analyticsDays',
  'retention.scte35LogDays',
  'retention.scte35LogMaxRows',
  /** The playout switch (#14): true, the schedule has the program (below breaks and alerts); otherwise the operator. */
  'playout.enabled',
]);
const settingValue = z.union([z.string().max(1000), z.number().finite(), z.boolean()]);
const settingsSetArgs = z
  .object({ key: settingKey, value: settingValue })
  .strict()
  .superRefine(({ key, value }, ctx) => {
    const rule = (RETENTION_SETTINGS as Record<string, { min: number; max: number } | undefined>)[key];
    if (rule && !(typeof value === 'number' && Number.isInteger(value) && value >= rule.min && value <= rule.max)) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `Must be a whole number from ${rule.min} to ${rule.max} for ${key}` });
    }
  });

const streamKeyName = z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters');
const byId = z.object({ id: rowId }).strict();

/** A splice_info_section as text: base64, or hex with or without 0x. */
const sectionText = z.string().trim().min(1, 'must not be empty').max(8192, 'must be at most 8192 characters');

export const commandArgs = {
  /** Version, FFmpeg path and capabilities: what /api/v1/health returns. */
  'system.health': noArgs,
  /** The engine's state: what /api/v1/status returns. */
  'system.status': noArgs,
  /** How clients reach the API: bind address and, for a trusted client, the token. */
  'system.apiAccess': noArgs,

  'settings.list': noArgs,
  'settings.set': settingsSetArgs,

  /** RTMP ingest stream keys. The key itself is a secret: only create and reveal return it. */
  'streamKeys.list': noArgs,
  'streamKeys.create': z.object({ name: streamKeyName }).strict(),
  'streamKeys.reveal': byId,
  'streamKeys.remove': byId,

  /** Streams published to the RTMP ingest now, with codec, size, fps and bitrate. */
  'ingest.list': noArgs,

  /** The program: one format, started and stopped as a whole. */
  'program.getFormat': noArgs,
  /** Only while the program is stopped. */
  'program.setFormat': programFormatSchema,
  'program.start': noArgs,
  'program.stop': noArgs,
  /** Frame index, the next IDR frames (splice points), on-air scene, encoder figures. */
  'program.status': noArgs,
  /** The PTS (90 kHz, 33-bit) frame n has in the outgoing TS: what a cue for that frame carries. */
  'program.ptsOfFrame': z.object({ frame: z.number().int().min(0) }).strict(),
  /** Now (next frame) or at an exact frame index, by cut or fade. */
  'program.switchScene': switchSceneArgs,
  /** The T-bar: the scene mixed over Program at a position held by hand; 1 completes, 0 lets go. */
  'program.tbar': tbarArgs,

  'sources.list': noArgs,
  'sources.create': sourceCreateArgs,
  'sources.update': sourceUpdateArgs,
  'sources.remove': byId,

  /** The program's master fader: gain in dB and mute on the whole mix, kept for the next start. */
  'audio.getMaster': noArgs,
  /** Applied from the next frame while the program runs (nothing restarts), and stored. */
  'audio.setMaster': audioSettingsSchema,

  /** The latest live figures (also pushed as the `stats` event once a second). */
  'stats.get': noArgs,
  /** Analytics samples kept every 10 s while the program runs, newest first. */
  'stats.history': z.object({ limit: z.number().int().min(1).max(8640).default(360) }).strict(),

  /** Destinations of the one encode: SRT to the distributor, HLS, recording, RTMP push. */
  'outputs.list': noArgs,
  'outputs.create': z.object({ settings: outputSettings }).strict(),
  /** Every setting at once. keepSecret: a passphrase or stream key left out keeps the stored one (else it is removed, or refused where required). */
  'outputs.update': z.object({ id: rowId, settings: outputSettingsEdit, keepSecret: z.boolean().default(false) }).strict(),
  'outputs.remove': byId,
  'outputs.start': byId,
  'outputs.stop': byId,
  'outputs.startAll': noArgs,
  'outputs.stopAll': noArgs,
  /** Live state of every running output, the built-in preview included. */
  'outputs.status': noArgs,

  'scenes.list': noArgs,
  'scenes.create': sceneCreateArgs,
  'scenes.update': sceneUpdateArgs,
  'scenes.remove': byId,

  /** Decode a splice_info_section (ANSI/SCTE 35) into its JSON form. */
  'scte35.decode': z.object({ section: sectionText }).strict(),
  /**
   * Queue a splice_info_section on the program's SCTE-35 PID (base64 or hex). A timed one goes
   * out from splice − preroll, repeated each second until its splice; an immediate one at once.
   */
  'scte35.inject': z.object({ section: sectionText }).strict(),
  /** The SCTE-35 log, newest first: every copy sent, with wall time, event id and splice PTS. */
  'scte35.log': z.object({ limit: z.number().int().min(1).max(1000).default(100) }).strict(),
  /** Encode the JSON form of a splice_info_section; CRC computed. */
  'scte35.encode': z.object({ section: z.record(z.string(), z.unknown()), format: z.enum(['base64', 'hex']).default('base64') }).strict(),

  /**
   * An ad break: spliced on the first IDR at or after now + preroll, back on the IDR at splice +
   * duration (rounded to the GOP grid; the answer has the real duration). 409 while stopped, while
   * a break is armed or on air, or during an emergency alert.
   */
  'cues.startBreak': startBreakArgs,
  /** During a break: a cue-in on the next IDR after the return preroll; the program is back on that frame. */
  'cues.returnNow': noArgs,
  /** Before the splice: the cue-out stops, a splice_event_cancel goes out until the would-be splice; no slate airs. */
  'cues.cancel': noArgs,
  'cues.status': noArgs,
  /** The as-run log, newest first: one row per break, planned and actual. */
  'cues.asRun': z.object({ limit: z.number().int().min(1).max(10_000).default(100) }).strict(),
  'cues.getSettings': noArgs,
  /** Any subset of the settings; the rest keep their values. */
  'cues.setSettings': cueSettingsPatchSchema,

  /** Emergency alert: takes the program above everything, a running break returns first. */
  'alerts.start': startAlertArgs,
  'alerts.stop': noArgs,
  'alerts.status': noArgs,
  /** Alerts that aired, newest first. */
  'alerts.log': z.object({ limit: z.number().int().min(1).max(1000).default(50) }).strict(),

  /**
   * The media library (#14). Import probes the file (ffprobe) and answers what it found; a file it
   * cannot use is listed as failed with the reason. Loudness and thumbnail follow (media.changed).
   */
  'media.import': mediaImportArgs,
  'media.list': noArgs,
  /** Rename, or replace the chapters (in the store only; the file is never rewritten). */
  'media.update': mediaUpdateArgs,
  /** Removes the entry and its cached pictures, never the file. */
  'media.remove': byId,

  /**
   * The channel timeline (#14). Every edit is validated and committed before it is answered; one
   * that collides with a fixed item, lies in the past or names media that cannot play is refused
   * (CONFLICT names the item it collides with). Edits while on air change only the future.
   */
  'schedule.add': scheduleAddArgs,
  'schedule.addLive': scheduleAddLiveArgs,
  'schedule.move': scheduleMoveArgs,
  'schedule.trim': scheduleTrimArgs,
  'schedule.setBreaks': scheduleSetBreaksArgs,
  'schedule.remove': scheduleRemoveArgs,
  /** Items that overlap [from, to); default from now to 7 days on. */
  'schedule.list': scheduleListArgs,
  /** Off: the operator has the program. On: the schedule does, below breaks and alerts. */
  'playout.setEnabled': playoutSetEnabledArgs,
  'playout.status': noArgs,
  'playout.getSettings': noArgs,
  'playout.setSettings': playoutSettingsPatchSchema,
} as const;

export type CommandName = keyof typeof commandArgs;
export const commandNames = Object.keys(commandArgs) as CommandName[];

/** Arguments as a client writes them (defaults may be left out). */
export type CommandArgsInput<C extends CommandName> = z.input<(typeof commandArgs)[C]>;
/** Arguments after validation, as handlers see them. */
export type CommandArgs<C extends CommandName> = z.output<(typeof commandArgs)[C]>;

// ---------------------------------------------------------------------------
// Result types
// ---------------------------------------------------------------------------

export interface FfmpegInfo {
  path: string;
  /** Where the binary was found: FFMPEG_PATH, ffmpeg-static, or PATH. */
  source: 'FFMPEG_PATH' | 'ffmpeg-static' | 'PATH';
  version: string;
  encoders: string[];
  protocols: string[];
  ffprobePath: string | null;
}

export interface Health {
  ok: boolean;
  version: string;
  ffmpeg: FfmpegInfo | null;
  /** Why ffmpeg is unusable, when it is. */
  problems: string[];
}

export interface EngineStatus {
  version: string;
  startedAt: string;
  uptimeSeconds: number;
  dataDir: string;
  host: 'electron' | 'headless';
  ffmpeg: FfmpegInfo | null;
  ffmpegError: string | null;
  /** warnings: problems found at start that did not stop it (a damaged WAL, backed up). */
  store: { path: string; schemaVersion: number; warnings?: string[] };
  api: ApiAccess | null;
  /** The embedded RTMP server OBS publishes to. */
  ingest: { url: string | null; running: boolean; error: string | null };
}

export interface ApiAccess {
  host: string;
  port: number;
  url: string;
  tokenRequired: boolean;
  /** Present only for clients already trusted (the desktop window, loopback, or a token holder). */
  token: string | null;
}

/** An output as clients see it: secrets replaced by whether they are set. */
export interface OutputInfo {
  id: number;
  name: string;
  settings: PublicOutputSettings;
  status: OutputStatus | null;
}

export type SettingKey = z.infer<typeof settingKey>;
export type SettingValue = z.infer<typeof settingValue>;
export type Settings = Partial<Record<SettingKey, SettingValue>>;

export interface StreamKeySummary {
  id: number;
  name: string;
  /** The last four characters only, e.g. "••••3f9a". */
  masked: string;
  createdAt: string;
}

export interface StreamKeyWithSecret extends StreamKeySummary {
  key: string;
}

export interface CommandResults {
  'system.health': Health;
  'system.status': EngineStatus;
  'system.apiAccess': ApiAccess | null;
  'settings.list': Settings;
  'settings.set': Settings;
  'streamKeys.list': StreamKeySummary[];
  'streamKeys.create': StreamKeyWithSecret;
  'streamKeys.reveal': StreamKeyWithSecret;
  'streamKeys.remove': { removed: boolean };
  'ingest.list': IngestStreamEvent[];
  'program.getFormat': ProgramFormatSettings;
  'program.setFormat': ProgramFormatSettings;
  'program.start': ProgramStatus;
  'program.stop': ProgramStatus;
  'program.status': ProgramStatus;
  'program.switchScene': { sceneId: number; atFrame: number | null };
  'program.tbar': { sceneId: number | null; position: number; atFrame: number | null };
  'program.ptsOfFrame': { frame: number; pts: number | null };
  'sources.list': SourceInfo[];
  'sources.create': SourceInfo;
  'sources.update': SourceInfo;
  'sources.remove': { removed: boolean };
  'audio.getMaster': AudioSettings;
  'audio.setMaster': AudioSettings;
  'outputs.list': OutputInfo[];
  'outputs.create': OutputInfo;
  'outputs.update': OutputInfo;
  'outputs.remove': { removed: boolean };
  'outputs.start': OutputInfo;
  'outputs.stop': OutputInfo;
  'outputs.startAll': OutputInfo[];
  'outputs.stopAll': OutputInfo[];
  'outputs.status': OutputStatus[];
  'scenes.list': SceneInfo[];
  'scenes.create': SceneInfo;
  'scenes.update': SceneInfo;
  'scenes.remove': { removed: boolean };
  'scte35.decode': { section: Record<string, unknown>; hex: string };
  'scte35.encode': { encoded: string; format: 'base64' | 'hex' };
  'scte35.inject': { queued: number; hex: string };
  'scte35.log': Array<{ sentAt: string; eventId: number | null; commandType: number; pts: number | null; hex: string; outcome: string }>;
  'stats.get': StatsEvent | null;
  'stats.history': Array<{ sampledAt: string; stats: StatsEvent }>;
  'cues.startBreak': BreakPlan;
  'cues.returnNow': { eventId: number; returnFrame: number; returnPts: number | null };
  'cues.cancel': { eventId: number; cancelled: true };
  'cues.status': CueState;
  'cues.asRun': AsRunRow[];
  'cues.getSettings': CueSettings;
  'cues.setSettings': CueSettings;
  'alerts.start': AlertState;
  'alerts.stop': AlertState;
  'alerts.status': AlertState;
  'alerts.log': AlertLogRow[];
  'media.import': MediaItem;
  'media.list': MediaItem[];
  'media.update': MediaItem;
  'media.remove': { removed: boolean };
  'schedule.add': ScheduleItem;
  'schedule.addLive': ScheduleItem;
  'schedule.move': ScheduleItem;
  'schedule.trim': ScheduleItem;
  'schedule.setBreaks': ScheduleItem;
  'schedule.remove': { removed: number[] };
  'schedule.list': ScheduleItem[];
  'playout.setEnabled': PlayoutStatus;
  'playout.status': PlayoutStatus;
  'playout.getSettings': PlayoutSettings;
  'playout.setSettings': PlayoutSettings;
}

/** What cues.startBreak answers: the break as planned, on the GOP grid. */
export interface BreakPlan {
  eventId: number;
  signalStyle: SignalStyle;
  spliceFrame: number;
  splicePts: number | null;
  returnFrame: number;
  returnPts: number | null;
  /** The real duration, returnFrame − spliceFrame in seconds (may differ from the request by the GOP grid). */
  durationSeconds: number;
  /** When the cue-out goes out first (wall time, ISO 8601) and when the splice airs. */
  firstCueAt: string;
  spliceAt: string;
}

export type CommandResult<C extends CommandName> = CommandResults[C];

// ---------------------------------------------------------------------------
// Events the engine pushes
// ---------------------------------------------------------------------------

/** A source's decoder state: what it does, and why not when it doesn't. */
export interface SourceStatusEvent {
  id: string;
  kind: string;
  state: string;
  reason: string | undefined;
  framesDecoded: number;
  framesDropped: number;
  restarts: number;
}

/** An RTMP publisher on the ingest (never the key itself: its id and name). */
export interface IngestStreamEvent {
  streamKeyId: number;
  streamKeyName: string;
  video: { codec: string | null; width: number; height: number; fps: number } | null;
  audio: { codec: string | null; sampleRate: number; channels: number } | null;
  bitrateKbps: number;
  /** Bytes received from the publisher since it started (RTMP framing included). */
  bytesIn: number;
}

export interface EventPayloads {
  /** Once a second. */
  'engine.status': EngineStatus;
  'settings.changed': Settings;
  'streamKeys.changed': StreamKeySummary[];
  /** Once a second while the program runs, and on start and stop. */
  'program.status': ProgramStatus;
  /** Peak and RMS in dBFS, 10 times a second while the program runs. */
  'audio.meters': MetersEvent;
  /** On every change of the master fader. */
  'audio.master': AudioSettings;
  'source.status': SourceStatusEvent;
  'sources.changed': SourceInfo[];
  'scenes.changed': SceneInfo[];
  /** On every change of an output's state, reason or reconnects; and twice a second for each active output while the program runs (its bytes and kbit/s). */
  'outputs.status': OutputStatus;
  'outputs.changed': OutputInfo[];
  'ingest.published': IngestStreamEvent;
  'ingest.stats': IngestStreamEvent;
  'ingest.unpublished': { streamKeyId: number; streamKeyName: string; reason: string };
  /** A publish refused: what was wrong (never the key that was tried). */
  'ingest.refused': { reason: string; remoteAddress: string };
  /** Once a second: program, sources, outputs, CPU and memory (OBS's stats dock). */
  stats: StatsEvent;
  /** Each copy of an SCTE-35 section that went out on the program's PID: the monitor's tally. */
  'scte35.sent': Scte35SentEvent;
  /** On every change, and at least 4 times a second while a break is armed or on air. */
  'cues.state': CueState;
  'cues.settings': CueSettings;
  /** On every change, and at least 4 times a second while a timed alert runs. */
  'alerts.state': AlertState;
  /** The whole library, on every import, edit, removal and finished analysis. */
  'media.changed': MediaItem[];
  /** After every committed schedule edit, and when the items' frames become known (Go Live): list again. */
  'schedule.changed': ScheduleChangedEvent;
  /** On every change, and once a second while the program runs. */
  'playout.status': PlayoutStatus;
  'playout.settings': PlayoutSettings;
}

export interface Scte35SentEvent {
  hex: string;
  spliceCommandType: number;
  eventId: number | null;
  outOfNetwork: boolean | null;
  splicePts: number | null;
  /** Program video clock when it went out. */
  clockPts: number;
  heartbeat: boolean;
  copy: number;
  sentAt: string;
}

export type EventName = keyof EventPayloads;
export const eventNames = [
  'engine.status',
  'settings.changed',
  'streamKeys.changed',
  'program.status',
  'audio.meters',
  'audio.master',
  'source.status',
  'sources.changed',
  'scenes.changed',
  'outputs.status',
  'outputs.changed',
  'ingest.published',
  'ingest.stats',
  'ingest.unpublished',
  'ingest.refused',
  'stats',
  'scte35.sent',
  'cues.state',
  'cues.settings',
  'alerts.state',
  'media.changed',
  'schedule.changed',
  'playout.status',
  'playout.settings',
] as const satisfies readonly EventName[];

// ---------------------------------------------------------------------------
// Errors and envelopes
// ---------------------------------------------------------------------------

export const errorCodes = ['BAD_ARGUMENT', 'UNKNOWN_COMMAND', 'NOT_FOUND', 'CONFLICT', 'UNAUTHORIZED', 'FORBIDDEN', 'UNAVAILABLE', 'INTERNAL'] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface CommandError {
  code: ErrorCode;
  message: string;
  /** The argument at fault, as a dotted path (e.g. "outputs.0.latency"). */
  field?: string;
}

export type CommandEnvelope<R = unknown> = { result: R } | { error: CommandError };

/** HTTP status for each error code of the public API. */
export const httpStatusOf: Record<ErrorCode, number> = {
  BAD_ARGUMENT: 400,
  UNKNOWN_COMMAND: 404,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commandArgs, name);
}

/**
 * Validates raw arguments for a command. The first problem is reported with the field it concerns,
 * so a client can point at the input that is wrong.
 */
export function validateCommandArgs<C extends CommandName>(command: C, raw: unknown): { ok: true; args: CommandArgs<C> } | { ok: false; error: CommandError } {
  const parsed = commandArgs[command].safeParse(raw ?? {});
  if (parsed.success) return { ok: true, args: parsed.data as CommandArgs<C> };
  const issue = parsed.error.issues[0]!;
  const unknownKeys = issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys : [];
  const path = [...issue.path, ...unknownKeys.slice(0, 1)].map(String).join('.');
  const field = path || undefined;
  const message =
    issue.code === 'unrecognized_keys'
      ? `${command}: unknown argument "${path}"`
      : `${command}: ${field ? `argument "${field}" ` : 'arguments '}${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}`;
  return { ok: false, error: { code: 'BAD_ARGUMENT', message, ...(field ? { field } : {}) } };
}

// ---------------------------------------------------------------------------
// Transports
// ---------------------------------------------------------------------------

/** Electron IPC channels. */
export const ipcChannels = {
  command: 'studio:command',
  event: 'studio:event',
  /** The desktop app's native file dialog: a kind in ('image' | 'media'), a path or null out. */
  chooseFile: 'studio:chooseFile',
} as const;

/** Files a source can be made from, chosen with the native dialog (desktop) or uploaded (browser). */
export type FileChoiceKind = 'image' | 'media';

/** WebSocket frames (JSON text). */
export type WsClientMessage = { type: 'command'; id: number; command: string; args?: unknown };
export type WsServerMessage =
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: CommandError }
  | { type: 'event'; event: EventName; payload: unknown };

export const API_PREFIX = '/api/v1';

/** What the preload exposes as `window.studio`: one function per command, and event subscriptions. */
export type CommandFunctions = {
  [C in CommandName]: (args: CommandArgsInput<C>) => Promise<CommandEnvelope<CommandResult<C>>>;
};
export interface StudioBridge {
  commands: CommandFunctions;
  /** Subscribes to an engine event; returns the unsubscribe function. */
  onEvent<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
  /**
   * The desktop app only. `choose`: the native file dialog; resolves with the chosen absolute path,
   * or null when cancelled. `pathOf`: where a file dropped on the window is on disk ('' when it has
   * none), since a sandboxed page's File carries no path.
   */
  files?: { choose(kind: FileChoiceKind): Promise<string | null>; pathOf?(file: File): string };
}
