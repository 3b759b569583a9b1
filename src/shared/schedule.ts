// The channel timeline and its playout as clients see them (#14). Schemas and types only (zod),
// shared by the engine and the renderer.
//
// Time: the schedule is in wall time (what the guide shows), ISO 8601 instants with an offset.
// While the program runs, frame n airs at the program's start + n / fps; an item's `startFrame`
// and `startPts` say where its first frame is in the program and in the outgoing TS.
import { z } from 'zod';
import { BREAK_DURATION_LIMITS } from './cues.ts';
import { rowId } from './program.ts';

/** The longest a single item (media played, or a live block) may be: a day. */
export const MAX_ITEM_SECONDS = 24 * 60 * 60;
/** How far apart `from` and `to` of one schedule.list may be: 31 days. */
export const MAX_LIST_SPAN_SECONDS = 31 * 24 * 60 * 60;
export const MAX_REMOVE_IDS = 1000;
export const MAX_FILLER_ITEMS = 200;

/** An instant with its offset (2026-12-06T20:00:00Z, 2026-12-06T21:00:00+01:00). */
export const isoInstant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date and time with its offset, e.g. 2026-12-06T20:00:00Z' });

const itemSeconds = z.number().finite().positive('must be more than 0 s').max(MAX_ITEM_SECONDS, `must be at most ${MAX_ITEM_SECONDS} s (a day)`);

/** Breaks at the media's chapter marks (not at 0): each a break of `durationSeconds` through the cue deck. */
export const scheduleBreaksSchema = z
  .object({
    atChapters: z.literal(true),
    durationSeconds: z.number().min(BREAK_DURATION_LIMITS.min).max(BREAK_DURATION_LIMITS.max),
  })
  .strict();
export type ScheduleBreaks = z.infer<typeof scheduleBreaksSchema>;

/**
 * A media item. `startAt`: it starts then (fixed). `after`: it follows that item. Neither: it
 * follows the last item of the schedule. Both: refused.
 */
export const scheduleAddArgs = z
  .object({
    mediaId: rowId,
    startAt: isoInstant.optional(),
    after: rowId.optional(),
    breaks: scheduleBreaksSchema.optional(),
  })
  .strict()
  .refine((args) => args.startAt === undefined || args.after === undefined, { message: 'give startAt or after, not both', path: ['after'] });

/** A live block: `sceneId` is on air (through playout) from `startAt` for `durationSeconds`. */
export const scheduleAddLiveArgs = z.object({ sceneId: rowId, startAt: isoInstant, durationSeconds: itemSeconds }).strict();

/** Moves an item: to a fixed `startAt`, or to follow `after`. Exactly one of them. */
export const scheduleMoveArgs = z
  .object({ id: rowId, startAt: isoInstant.optional(), after: rowId.optional() })
  .strict()
  .refine((args) => (args.startAt === undefined) !== (args.after === undefined), { message: 'give startAt or after (exactly one)', path: ['startAt'] });

/**
 * Trims an item. Media: `inSeconds` is where in the file it starts, `durationSeconds` how much of
 * the file it plays (breaks come on top); `inSeconds` alone keeps the out point in the file. Live:
 * `durationSeconds` is the block's length. `startAt` (a fixed item only) moves its start in the
 * same edit, so a head trim keeps the end where it is without a conflict in between.
 */
export const scheduleTrimArgs = z
  .object({
    id: rowId,
    inSeconds: z.number().finite().min(0, 'must not be negative').optional(),
    durationSeconds: itemSeconds.optional(),
    startAt: isoInstant.optional(),
  })
  .strict()
  .refine((args) => args.inSeconds !== undefined || args.durationSeconds !== undefined, {
    message: 'give inSeconds, durationSeconds or both',
    path: ['durationSeconds'],
  });

export const scheduleRemoveArgs = z.object({ ids: z.array(rowId).min(1, 'must name at least one item').max(MAX_REMOVE_IDS) }).strict();

export const scheduleListArgs = z.object({ from: isoInstant.optional(), to: isoInstant.optional() }).strict();

/** Sets breaks at chapters on a media item, or (null) takes them off. */
export const scheduleSetBreaksArgs = z.object({ id: rowId, breaks: scheduleBreaksSchema.nullable() }).strict();

export const playoutSetEnabledArgs = z.object({ enabled: z.boolean() }).strict();

export const playoutSettingsSchema = z
  .object({
    /** Filler that fills gaps, in order, repeated as needed; empty: the slate. */
    fillerMediaIds: z.array(rowId).max(MAX_FILLER_ITEMS),
    /** Each item's loudness is brought to this (EBU R128 integrated, LUFS). */
    loudnessTargetLufs: z.number().min(-40).max(-5),
    /** Leave filler out of the guide (XMLTV). */
    hideFillerInGuide: z.boolean(),
    /** The channel's name in the guide and the M3U. */
    channelName: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  })
  .strict();
export type PlayoutSettings = z.infer<typeof playoutSettingsSchema>;
export const playoutSettingsPatchSchema = playoutSettingsSchema.partial().strict();
export const DEFAULT_PLAYOUT_SETTINGS: PlayoutSettings = {
  fillerMediaIds: [],
  loudnessTargetLufs: -23, // EBU R128
  hideFillerInGuide: false,
  channelName: 'Studio',
};

export type ScheduleItemKind = 'media' | 'live';

/** One break of an item's breaks at chapters, where it falls. */
export interface ScheduleBreakMark {
  /** The chapter's start in the file (seconds): the show pauses on the frame before it. */
  atSeconds: number;
  /** When the break starts on air (ISO). */
  startAt: string;
  durationSeconds: number;
}

export interface ScheduleItem {
  id: number;
  kind: ScheduleItemKind;
  /** The media's name, or the live scene's. */
  title: string;
  mediaId: number | null;
  sceneId: number | null;
  /** `fixed`: starts at its own time. `follows`: starts when `afterId` ends. */
  anchor: 'fixed' | 'follows';
  afterId: number | null;
  /** When it starts on air (ISO), worked out for an item that follows. */
  startAt: string;
  /** How long it holds the air: the media played plus its breaks, or the live block. */
  durationSeconds: number;
  /** Where in the file it starts (media; 0 for live). */
  inSeconds: number;
  /** How much of the file it plays (media), or the block's length (live). */
  playSeconds: number;
  breaks: (ScheduleBreaks & { marks: ScheduleBreakMark[] }) | null;
  /**
   * What is wrong with it, if anything: its media failed, was removed, or is missing on disk.
   * Playout puts filler or the slate on air in its place and says so.
   */
  problem: string | null;
  /** While the program runs: the frame its first frame is, and that frame's PTS in the TS (null until known). */
  startFrame?: number;
  startPts?: number | null;
}

export interface ScheduleChangedEvent {
  /** Goes up by one with every committed edit. */
  revision: number;
}

export type PlayoutState = 'off' | 'idle' | 'playing';

export interface PlayoutNow {
  itemId: number | null;
  kind: 'media' | 'live' | 'filler' | 'slate' | 'break';
  title: string;
  /** Seconds into the file (media, filler), or into the block. */
  offsetSeconds: number;
  startAt: string;
  endAt: string;
}

export interface PlayoutStatus {
  enabled: boolean;
  /** `off`: the operator has the program. `idle`: on, but the program is not running. */
  state: PlayoutState;
  now: PlayoutNow | null;
  next: PlayoutNow | null;
  /** Frames made against the wall clock: (wall time of the last frame by the frame clock) − (real wall time), ms. */
  driftMs: number | null;
  /** Why something other than the schedule is on air (a missing file, a failed decoder), when it is. */
  message: string | null;
}
