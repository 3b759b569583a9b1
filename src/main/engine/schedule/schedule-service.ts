// The channel timeline (#14): schedule edits validated and committed, the list clients see, the
// plan playout plays, and the guide. Every edit runs in one store transaction (timeline.ts decides,
// the repository writes); `schedule.changed` is emitted after the commit, before the answer.
import { existsSync } from 'node:fs';
import type { MediaChapter } from '../../../shared/media.ts';
import { MAX_LIST_SPAN_SECONDS, type PlayoutSettings, type ScheduleBreaks, type ScheduleChangedEvent, type ScheduleItem } from '../../../shared/schedule.ts';
import type { Logger } from '../log.ts';
import type { PlanPiece, PlayoutPlanSource } from '../playout/plan.ts';
import type { StoredMedia } from '../store/media-repository.ts';
import type { ScheduleRepository } from '../store/schedule-repository.ts';
import { ScheduleError } from './errors.ts';
import { type FillerMedia, type PlannableItem, planPieces } from './plan-pieces.ts';
import {
  airSeconds,
  checkEdit,
  describeItem,
  insertAfter,
  insertFixed,
  isoOf,
  moveItem,
  NEW_ITEM_ID,
  pinStarted,
  removeItems,
  resolveTimeline,
  type ResolvedItem,
  type TimelineItem,
  updateItem,
} from './timeline.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** schedule.list without `to`: a week. */
export const DEFAULT_LIST_DAYS = 7;
/** A file shorter than the item's out point by less than this still fits (probe rounding). */
const FILE_END_TOLERANCE_SECONDS = 0.001;

/** Where an item's first frame is in the running program: filled by playout while it runs. */
export type FrameLocator = (item: { id: number; startMs: number }) => { startFrame: number; startPts: number | null } | null;

export interface ScheduleServiceOptions {
  repository: ScheduleRepository;
  media: { get(id: number): StoredMedia | null };
  /** The scene's name, or null when there is no such scene. */
  sceneName: (id: number) => string | null;
  onChanged: (event: ScheduleChangedEvent) => void;
  onSettings: (settings: PlayoutSettings) => void;
  log: Logger;
  /** For tests: whether a media file is there. */
  fileExists?: (path: string) => boolean;
  now?: () => Date;
}

/** One programme of the guide: an item, or filler in a gap. */
export interface GuideEntry {
  itemId: number | null;
  kind: 'media' | 'live' | 'filler';
  title: string;
  description: string;
  startMs: number;
  endMs: number;
}

/** What one read of the library and the disk found, shared by every item of one answer. */
interface ReadContext {
  media: Map<number, StoredMedia | null>;
  exists: Map<string, boolean>;
}

/** The index of the first item (sorted by start) that starts at or after `ms`; the length when none does. */
function firstIndexStartingAtOrAfter(items: readonly ResolvedItem[], ms: number): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (items[middle]!.startMs < ms) low = middle + 1;
    else high = middle;
  }
  return low;
}

function formatDuration(seconds: number): string {
  const whole = Math.round(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(whole / 3600))}:${pad(Math.floor((whole % 3600) / 60))}:${pad(whole % 60)}`;
}

export class ScheduleService implements PlayoutPlanSource {
  readonly #options: ScheduleServiceOptions;
  readonly #listeners = new Set<() => void>();
  #frameLocator: FrameLocator | null = null;
  /** The resolved timeline, sorted by start, as of `#cachedRevision`; dropped by edits and library changes. */
  #cached: ResolvedItem[] | null = null;
  #cachedRevision = -1;
  /** The filler list last announced (playout.settings), to tell when removed media took some out of it. */
  #lastFiller: string;

  constructor(options: ScheduleServiceOptions) {
    this.#options = options;
    this.#lastFiller = options.repository.settings().fillerMediaIds.join(',');
  }

  // Commands.

  list(range: { from?: string | undefined; to?: string | undefined } = {}): ScheduleItem[] {
    const fromMs = range.from === undefined ? this.#nowMs() : Date.parse(range.from);
    const toMs = range.to === undefined ? fromMs + DEFAULT_LIST_DAYS * DAY_MS : Date.parse(range.to);
    if (toMs <= fromMs) throw new ScheduleError('BAD_RANGE', `to: must be after from (${isoOf(fromMs)}).`, { field: 'to' });
    if (toMs - fromMs > MAX_LIST_SPAN_SECONDS * 1000) {
      throw new ScheduleError('BAD_RANGE', `to: at most ${MAX_LIST_SPAN_SECONDS / 86400} days after from.`, { field: 'to' });
    }
    const context = this.#context();
    return this.#timeline(context)
      .filter((item) => item.endMs > fromMs && item.startMs < toMs)
      .map((item) => this.#clientItem(item, context));
  }

  add(args: { mediaId: number; startAt?: string | undefined; after?: number | undefined; breaks?: ScheduleBreaks | undefined }): ScheduleItem {
    const media = this.#schedulableMedia(args.mediaId);
    const item: TimelineItem = {
      id: NEW_ITEM_ID,
      kind: 'media',
      title: media.name,
      mediaId: media.id,
      sceneId: null,
      startAtMs: null,
      afterId: null,
      inSeconds: 0,
      playSeconds: media.durationSeconds!,
      breakSeconds: args.breaks?.durationSeconds ?? null,
    };
    const field = args.startAt !== undefined ? 'startAt' : args.after !== undefined ? 'after' : 'mediaId';
    return this.#edit(NEW_ITEM_ID, field, false, (items, before, nowMs) => {
      if (args.startAt !== undefined) return insertFixed(items, item, Date.parse(args.startAt));
      if (args.after !== undefined) return insertAfter(items, item, args.after);
      const last = before.reduce<ResolvedItem | null>((latest, each) => (!latest || each.endMs > latest.endMs ? each : latest), null);
      if (!last) throw new ScheduleError('BAD_REFERENCE', 'startAt: the schedule is empty, so there is nothing to follow; give startAt.', { field: 'startAt' });
      if (last.endMs <= nowMs) {
        throw new ScheduleError('STARTED', `startAt: the schedule's last item ${describeItem(last)} has already ended; give startAt.`, { field: 'startAt' });
      }
      return insertAfter(items, item, last.id);
    });
  }

  addLive(args: { sceneId: number; startAt: string; durationSeconds: number }): ScheduleItem {
    const name = this.#options.sceneName(args.sceneId);
    if (name === null) throw new ScheduleError('BAD_REFERENCE', `sceneId: there is no scene with id ${args.sceneId}.`, { field: 'sceneId' });
    const item: TimelineItem = {
      id: NEW_ITEM_ID,
      kind: 'live',
      title: name,
      mediaId: null,
      sceneId: args.sceneId,
      startAtMs: null,
      afterId: null,
      inSeconds: 0,
      playSeconds: args.durationSeconds,
      breakSeconds: null,
    };
    return this.#edit(NEW_ITEM_ID, 'startAt', false, (items) => insertFixed(items, item, Date.parse(args.startAt)));
  }

  move(args: { id: number; startAt?: string | undefined; after?: number | undefined }): ScheduleItem {
    const field = args.startAt !== undefined ? 'startAt' : 'after';
    return this.#edit(args.id, field, false, (items) =>
      moveItem(items, args.id, args.startAt !== undefined ? { startAtMs: Date.parse(args.startAt) } : { afterId: args.after! }),
    );
  }

  /**
   * `inSeconds` alone keeps the item's out point in the file (the head is trimmed). `startAt` moves
   * a fixed item's start in the same edit (a head trim that keeps the end).
   */
  trim(args: { id: number; inSeconds?: number | undefined; durationSeconds?: number | undefined; startAt?: string | undefined }): ScheduleItem {
    const field = args.startAt !== undefined ? 'startAt' : args.durationSeconds !== undefined ? 'durationSeconds' : 'inSeconds';
    const endOnly = args.inSeconds === undefined && args.startAt === undefined;
    return this.#edit(args.id, field, endOnly, (items) => {
      const item = items.find((each) => each.id === args.id);
      if (!item) throw new ScheduleError('NOT_FOUND', `id: no schedule item with id ${args.id}.`, { field: 'id' });
      if (args.startAt !== undefined && item.startAtMs === null) {
        throw new ScheduleError(
          'BAD_REFERENCE',
          `startAt: item ${item.id} follows item ${item.afterId}, so its start is that item's end; move it to fix its start.`,
          {
            field: 'startAt',
          },
        );
      }
      const start = args.startAt === undefined ? {} : { startAtMs: Date.parse(args.startAt) };
      if (item.kind === 'live') {
        if (args.inSeconds !== undefined && args.inSeconds !== 0) {
          throw new ScheduleError('BAD_RANGE', 'inSeconds: a live block has no in point; trim its durationSeconds.', { field: 'inSeconds' });
        }
        return updateItem(items, item.id, { playSeconds: args.durationSeconds ?? item.playSeconds, ...start });
      }
      const inSeconds = args.inSeconds ?? item.inSeconds;
      const playSeconds = args.durationSeconds ?? item.inSeconds + item.playSeconds - inSeconds;
      if (playSeconds <= 0) {
        throw new ScheduleError('BAD_RANGE', `inSeconds: ${inSeconds} s is at or past the item's out point (${item.inSeconds + item.playSeconds} s).`, {
          field: 'inSeconds',
        });
      }
      const media = item.mediaId === null ? null : this.#options.media.get(item.mediaId);
      const fileSeconds = media?.durationSeconds ?? null;
      if (fileSeconds !== null && inSeconds + playSeconds > fileSeconds + FILE_END_TOLERANCE_SECONDS) {
        const at = args.durationSeconds !== undefined ? 'durationSeconds' : 'inSeconds';
        throw new ScheduleError(
          'BAD_RANGE',
          `${at}: the item would play the file from ${inSeconds} s to ${inSeconds + playSeconds} s, past its end (${fileSeconds} s).`,
          { field: at },
        );
      }
      return updateItem(items, item.id, { inSeconds, playSeconds, ...start });
    });
  }

  setBreaks(args: { id: number; breaks: ScheduleBreaks | null }): ScheduleItem {
    return this.#edit(args.id, 'breaks', false, (items) => {
      const item = items.find((each) => each.id === args.id);
      if (!item) throw new ScheduleError('NOT_FOUND', `id: no schedule item with id ${args.id}.`, { field: 'id' });
      if (item.kind === 'live') throw new ScheduleError('BAD_REFERENCE', 'breaks: a live block has no chapters to break at.', { field: 'breaks' });
      return updateItem(items, item.id, { breakSeconds: args.breaks?.durationSeconds ?? null });
    });
  }

  remove(args: { ids: number[] }): { removed: number[] } {
    const ids = [...new Set(args.ids)];
    const committed = this.#commit(null, 'ids', false, (items, before) => {
      for (const id of ids) {
        if (!items.some((item) => item.id === id)) throw new ScheduleError('NOT_FOUND', `ids: no schedule item with id ${id}.`, { field: 'ids' });
      }
      return removeItems(items, ids, before);
    });
    return { removed: committed.ids };
  }

  settings(): PlayoutSettings {
    return this.#options.repository.settings();
  }

  setSettings(patch: { [K in keyof PlayoutSettings]?: PlayoutSettings[K] | undefined }): PlayoutSettings {
    const given = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<PlayoutSettings>;
    const settings = this.#options.repository.setSettings(given, (merged) => {
      for (const [index, id] of merged.fillerMediaIds.entries()) {
        const media = this.#options.media.get(id);
        if (!media) throw new ScheduleError('BAD_REFERENCE', `fillerMediaIds.${index}: no media with id ${id}.`, { field: `fillerMediaIds.${index}` });
        if (media.state !== 'ready') {
          throw new ScheduleError('BAD_REFERENCE', `fillerMediaIds.${index}: media ${id} (${media.name}) failed to probe and cannot play.`, {
            field: `fillerMediaIds.${index}`,
          });
        }
      }
    });
    this.#lastFiller = settings.fillerMediaIds.join(',');
    this.#options.onSettings(settings);
    this.#notifyPlan(); // the filler in the gaps may have changed
    return settings;
  }

  /**
   * The library changed (media.changed): chapters move breaks and lengths, a failed or removed
   * media gives its items a problem, and removed media leaves the filler list (its rows cascade).
   * Clients list again, playout plans again.
   */
  mediaChanged(): void {
    this.#cached = null;
    const settings = this.settings();
    const filler = settings.fillerMediaIds.join(',');
    if (filler !== this.#lastFiller) {
      this.#lastFiller = filler;
      this.#options.onSettings(settings);
    }
    this.#options.onChanged({ revision: this.#options.repository.revision() });
    this.#notifyPlan();
  }

  /**
   * Media that an item not yet ended plays cannot leave the library: CONFLICT naming the items.
   * (Items that have aired keep their title; their link to the media is dropped.)
   */
  refuseMediaRemoval(mediaId: number): void {
    const nowMs = this.#nowMs();
    const context = this.#context();
    const playing = this.#timeline(context).filter((item) => item.mediaId === mediaId && item.endMs > nowMs);
    if (playing.length === 0) return;
    const named = playing.slice(0, 5).map(describeItem).join(', ');
    const more = playing.length > 5 ? ` and ${playing.length - 5} more` : '';
    throw new ScheduleError('CONFLICT', `id: media ${mediaId} is in the schedule: ${named}${more}. Remove those items first.`, { field: 'id' });
  }

  /**
   * Fixes every started item that follows another at the time it started. A follower's start is
   * worked out from the items before it, and their lengths from their media's chapters (breaks):
   * the library calls this before it changes chapters or removes media, so a change to an item
   * that has aired cannot move what is on air now or the rest of its chain.
   */
  pinStarted(): void {
    const nowMs = this.#nowMs();
    const context = this.#context();
    const resolved = this.#timeline(context);
    if (!resolved.some((item) => item.afterId !== null && item.startMs <= nowMs)) return;
    const committed = this.#options.repository.edit(
      (items) => ({ items: pinStarted(items, this.#resolve(items, context), nowMs), result: () => null }),
      new Date(nowMs),
    );
    this.#options.log.info('started items pinned to their start times', { revision: committed.revision });
    this.#options.onChanged({ revision: committed.revision });
  }

  // Playout.

  piecesBetween(fromMs: number, toMs: number): PlanPiece[] {
    const context = this.#context();
    // Playout asks every second: only the items around the window are looked at (and the disk
    // for those in it). Before the window only the last item that starts before it can reach into
    // it (each earlier one ends by the next one's start), and it gives the next gap its start.
    const timeline = this.#timeline(context);
    const firstInOrAfter = firstIndexStartingAtOrAfter(timeline, fromMs);
    const firstAfter = firstIndexStartingAtOrAfter(timeline, toMs);
    const items = timeline
      .slice(Math.max(0, firstInOrAfter - 1), firstAfter + 1)
      .map((item) => this.#plannable(item, context, item.endMs > fromMs && item.startMs < toMs));
    return planPieces(items, this.#fillers(context), fromMs, toMs);
  }

  onChanged(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Playout sets this while the program runs (null when it stops), so schedule.list carries each
   * item's `startFrame` and `startPts`; then it calls `framesChanged()`.
   */
  setFrameLocator(locator: FrameLocator | null): void {
    this.#frameLocator = locator;
  }

  /** Tells clients to list again: the items' frames became known or went away (no edit). */
  framesChanged(): void {
    this.#options.onChanged({ revision: this.#options.repository.revision() });
  }

  // The guide.

  guide(fromMs: number, toMs: number): { settings: PlayoutSettings; entries: GuideEntry[] } {
    const settings = this.settings();
    const context = this.#context();
    const items = this.#timeline(context).filter((item) => item.endMs > fromMs && item.startMs < toMs);
    const entries: GuideEntry[] = [];
    let cursor = fromMs;
    const filler = (startMs: number, endMs: number) => {
      if (settings.hideFillerInGuide || endMs <= startMs) return;
      entries.push({ itemId: null, kind: 'filler', title: 'Filler', description: 'Filler until the next programme.', startMs, endMs });
    };
    for (const [index, item] of items.entries()) {
      // As playout plays it (plan-pieces.ts): an item that runs into the next is cut at its start.
      const endMs = Math.min(item.endMs, items[index + 1]?.startMs ?? Number.POSITIVE_INFINITY);
      if (endMs <= item.startMs) continue;
      filler(cursor, item.startMs);
      const view = this.#clientItem(item, context);
      const breaks = item.breakMarks.length > 0 ? `, with ${item.breakMarks.length} break${item.breakMarks.length === 1 ? '' : 's'}` : '';
      const description =
        item.kind === 'live'
          ? `Live: ${view.title}, ${formatDuration(view.durationSeconds)}.`
          : `${view.title}, ${formatDuration(view.durationSeconds)}${breaks}.`;
      entries.push({ itemId: item.id, kind: item.kind, title: view.title, description, startMs: item.startMs, endMs });
      cursor = endMs;
    }
    filler(cursor, toMs);
    return { settings, entries };
  }

  // Inside.

  /**
   * Every item resolved, by start. Kept between calls (playout reads the plan every second): an
   * edit moves the revision, and a library change (chapters, media gone) calls mediaChanged().
   */
  #timeline(context: ReadContext): ResolvedItem[] {
    const revision = this.#options.repository.revision();
    if (this.#cached === null || this.#cachedRevision !== revision) {
      this.#cached = this.#resolve(this.#options.repository.items(), context);
      this.#cachedRevision = revision;
    }
    return this.#cached;
  }

  #notifyPlan(): void {
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch (error) {
        this.#options.log.error('schedule listener failed', { error });
      }
    }
  }

  #nowMs(): number {
    return (this.#options.now?.() ?? new Date()).getTime();
  }

  #context(): ReadContext {
    return { media: new Map(), exists: new Map() };
  }

  #media(id: number | null, context: ReadContext): StoredMedia | null {
    if (id === null) return null;
    if (!context.media.has(id)) context.media.set(id, this.#options.media.get(id));
    return context.media.get(id)!;
  }

  #exists(path: string, context: ReadContext): boolean {
    if (!context.exists.has(path)) context.exists.set(path, (this.#options.fileExists ?? existsSync)(path));
    return context.exists.get(path)!;
  }

  #resolve(items: readonly TimelineItem[], context: ReadContext): ResolvedItem[] {
    return resolveTimeline(items, (item) => this.#chapters(item, context));
  }

  #chapters(item: TimelineItem, context: ReadContext): readonly MediaChapter[] {
    return item.kind === 'media' ? (this.#media(item.mediaId, context)?.chapters ?? []) : [];
  }

  #problem(item: TimelineItem, context: ReadContext): string | null {
    if (item.kind === 'live') return item.sceneId !== null && this.#options.sceneName(item.sceneId) !== null ? null : 'its scene was removed';
    const media = this.#media(item.mediaId, context);
    if (!media) return 'its media was removed from the library';
    if (media.state !== 'ready') return `its media failed: ${media.reason ?? 'unknown reason'}`;
    if (!this.#exists(media.path, context)) return `its file ${media.path} is missing on disk`;
    return null;
  }

  #title(item: TimelineItem, context: ReadContext): string {
    if (item.kind === 'media') return this.#media(item.mediaId, context)?.name ?? item.title;
    return (item.sceneId === null ? null : this.#options.sceneName(item.sceneId)) ?? item.title;
  }

  #clientItem(item: ResolvedItem, context: ReadContext): ScheduleItem {
    const frames = this.#frameLocator?.({ id: item.id, startMs: item.startMs }) ?? null;
    return {
      id: item.id,
      kind: item.kind,
      title: this.#title(item, context),
      mediaId: item.mediaId,
      sceneId: item.sceneId,
      anchor: item.startAtMs !== null ? 'fixed' : 'follows',
      afterId: item.afterId,
      startAt: isoOf(item.startMs),
      durationSeconds: airSeconds(item, this.#chapters(item, context)),
      inSeconds: item.inSeconds,
      playSeconds: item.playSeconds,
      breaks:
        item.breakSeconds === null
          ? null
          : {
              atChapters: true,
              durationSeconds: item.breakSeconds,
              marks: item.breakMarks.map((mark) => ({ atSeconds: mark.atSeconds, startAt: isoOf(mark.startMs), durationSeconds: mark.durationSeconds })),
            },
      problem: this.#problem(item, context),
      ...(frames ? { startFrame: frames.startFrame, startPts: frames.startPts } : {}),
    };
  }

  #plannable(item: ResolvedItem, context: ReadContext, inWindow: boolean): PlannableItem {
    const media = item.kind === 'media' ? this.#media(item.mediaId, context) : null;
    return {
      ...item,
      title: this.#title(item, context),
      problem: inWindow ? this.#problem(item, context) : null,
      path: media?.path ?? null,
      loudnessLufs: media?.loudnessLufs ?? null,
    };
  }

  #fillers(context: ReadContext): FillerMedia[] {
    return this.settings().fillerMediaIds.flatMap((id) => {
      const media = this.#media(id, context);
      if (media?.state !== 'ready' || !media.durationSeconds || !this.#exists(media.path, context)) return [];
      return [{ mediaId: media.id, title: media.name, path: media.path, durationSeconds: media.durationSeconds, loudnessLufs: media.loudnessLufs }];
    });
  }

  /** Ready media whose file is there: anything else is refused at add. */
  #schedulableMedia(id: number): StoredMedia {
    const media = this.#options.media.get(id);
    if (!media) throw new ScheduleError('BAD_REFERENCE', `mediaId: there is no media with id ${id}.`, { field: 'mediaId' });
    if (media.state !== 'ready' || media.durationSeconds === null) {
      throw new ScheduleError(
        'BAD_REFERENCE',
        `mediaId: media ${id} (${media.name}) failed to probe (${media.reason ?? 'unknown reason'}) and cannot be scheduled.`,
        {
          field: 'mediaId',
        },
      );
    }
    if (!(this.#options.fileExists ?? existsSync)(media.path)) {
      throw new ScheduleError('BAD_REFERENCE', `mediaId: the file of media ${id} (${media.path}) is missing on disk.`, { field: 'mediaId' });
    }
    return media;
  }

  /** One edit whose answer is the edited (or added) item. */
  #edit(
    id: number,
    field: string,
    endTrimOnly: boolean,
    change: (items: TimelineItem[], before: ResolvedItem[], nowMs: number) => TimelineItem[],
  ): ScheduleItem {
    const committed = this.#commit(id, field, endTrimOnly, change);
    const storedId = committed.newIds.get(id) ?? id;
    const context = this.#context();
    const item = this.#timeline(context).find((each) => each.id === storedId)!;
    return this.#clientItem(item, context);
  }

  #commit(
    editedId: number | null,
    field: string,
    endTrimOnly: boolean,
    change: (items: TimelineItem[], before: ResolvedItem[], nowMs: number) => TimelineItem[],
  ): { revision: number; ids: number[]; newIds: Map<number, number> } {
    const nowMs = this.#nowMs();
    const context = this.#context();
    let resolvedAfter: ResolvedItem[] = [];
    const committed = this.#options.repository.edit((items) => {
      if (editedId !== null && editedId >= 0 && !items.some((item) => item.id === editedId)) {
        throw new ScheduleError('NOT_FOUND', `id: no schedule item with id ${editedId}.`, { field: 'id' });
      }
      const before = this.#resolve(items, context);
      const next = change(items, before, nowMs);
      resolvedAfter = this.#resolve(next, context);
      checkEdit({ before, after: resolvedAfter, nowMs, editedId, field, endTrimOnly });
      const kept = new Set(next.map((item) => item.id));
      return { items: next, result: () => items.filter((item) => !kept.has(item.id)).map((item) => item.id) };
    }, new Date(nowMs));
    // What was just written, resolved: the cache, with the ids the store gave the new items.
    const storedId = (id: number | null) => (id !== null && id < 0 ? committed.newIds.get(id)! : id);
    this.#cached = resolvedAfter.map((item) =>
      item.id < 0 || (item.afterId ?? 0) < 0 ? { ...item, id: storedId(item.id)!, afterId: storedId(item.afterId) } : item,
    );
    this.#cachedRevision = committed.revision;
    this.#options.log.info('schedule edited', { revision: committed.revision, field, ...(editedId !== null && editedId >= 0 ? { id: editedId } : {}) });
    this.#options.onChanged({ revision: committed.revision });
    this.#notifyPlan();
    return { revision: committed.revision, ids: committed.result, newIds: committed.newIds };
  }
}
