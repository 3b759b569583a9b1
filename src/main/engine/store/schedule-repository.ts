// The channel's schedule and playout settings (#14, migration 7). An edit is one transaction: the
// caller's function reads the items, decides (and may refuse by throwing), and what it returns is
// written together with the next revision, or nothing is.
import type { Database } from 'better-sqlite3';
import { DEFAULT_PLAYOUT_SETTINGS, type PlayoutSettings } from '../../../shared/schedule.ts';

/** An item as stored. `startAtMs` (fixed) and `afterId` (follows): exactly one is set. */
export interface TimelineItem {
  id: number;
  kind: 'media' | 'live';
  title: string;
  mediaId: number | null;
  sceneId: number | null;
  startAtMs: number | null;
  afterId: number | null;
  inSeconds: number;
  playSeconds: number;
  /** Breaks at chapters, each this long; null: none. */
  breakSeconds: number | null;
}

/** The studio's one channel (migration 7 keeps its row: id 1). */
export const CHANNEL_ID = 1;

interface ItemRow {
  id: number;
  kind: 'media' | 'live';
  title: string;
  media_id: number | null;
  scene_id: number | null;
  start_at: string | null;
  after_id: number | null;
  in_seconds: number;
  play_seconds: number;
  break_seconds: number | null;
}

interface ChannelRow {
  name: string;
  loudness_target_lufs: number;
  hide_filler_in_guide: number;
  schedule_revision: number;
}

function fromRow(row: ItemRow): TimelineItem {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    mediaId: row.media_id,
    sceneId: row.scene_id,
    startAtMs: row.start_at === null ? null : Date.parse(row.start_at),
    afterId: row.after_id,
    inSeconds: row.in_seconds,
    playSeconds: row.play_seconds,
    breakSeconds: row.break_seconds,
  };
}

function columns(item: TimelineItem) {
  return {
    kind: item.kind,
    title: item.title,
    media_id: item.mediaId,
    scene_id: item.sceneId,
    start_at: item.startAtMs === null ? null : new Date(item.startAtMs).toISOString(),
    after_id: item.afterId,
    in_seconds: item.inSeconds,
    play_seconds: item.playSeconds,
    break_seconds: item.breakSeconds,
  };
}

function sameItem(a: TimelineItem, b: TimelineItem): boolean {
  return (
    a.kind === b.kind &&
    a.title === b.title &&
    a.mediaId === b.mediaId &&
    a.sceneId === b.sceneId &&
    a.startAtMs === b.startAtMs &&
    a.afterId === b.afterId &&
    a.inSeconds === b.inSeconds &&
    a.playSeconds === b.playSeconds &&
    a.breakSeconds === b.breakSeconds
  );
}

export interface CommittedEdit<R> {
  revision: number;
  result: R;
  /** Ids the store gave the edit's new items, by their provisional (negative) id. */
  newIds: Map<number, number>;
}

export class ScheduleRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  items(): TimelineItem[] {
    return (this.#db.prepare('SELECT * FROM schedule_items WHERE channel_id = ? ORDER BY id').all(CHANNEL_ID) as ItemRow[]).map(fromRow);
  }

  revision(): number {
    return this.#channel().schedule_revision;
  }

  /**
   * One edit, atomically: `decide` gets the stored items and returns the new list (items with a
   * negative id are inserted) and a result; the differences are written and the revision goes up.
   * If `decide` throws, nothing is written.
   */
  edit<R>(decide: (items: TimelineItem[]) => { items: TimelineItem[]; result: (newIds: Map<number, number>) => R }, now = new Date()): CommittedEdit<R> {
    return this.#db.transaction(() => {
      const before = this.items();
      const { items: after, result } = decide(before);
      const stamp = now.toISOString();
      const newIds = new Map<number, number>();
      const insert = this.#db.prepare(
        `INSERT INTO schedule_items (channel_id, kind, title, media_id, scene_id, start_at, after_id, in_seconds, play_seconds, break_seconds, created_at, updated_at)
         VALUES (${CHANNEL_ID}, @kind, @title, @media_id, @scene_id, @start_at, @after_id, @in_seconds, @play_seconds, @break_seconds, @stamp, @stamp)`,
      );
      // New items first (they name only stored items), then the stored ones that changed (they
      // may now name a new one), then the removed ones (nothing names them any more).
      for (const item of after) {
        if (item.id >= 0) continue;
        const id = Number(insert.run({ ...columns(item), stamp }).lastInsertRowid);
        newIds.set(item.id, id);
      }
      const update = this.#db.prepare(
        `UPDATE schedule_items SET kind = @kind, title = @title, media_id = @media_id, scene_id = @scene_id, start_at = @start_at, after_id = @after_id,
           in_seconds = @in_seconds, play_seconds = @play_seconds, break_seconds = @break_seconds, updated_at = @stamp WHERE id = @id`,
      );
      const beforeById = new Map(before.map((item) => [item.id, item]));
      const kept = new Set<number>();
      for (const item of after) {
        const stored = { ...item, afterId: item.afterId !== null && item.afterId < 0 ? newIds.get(item.afterId)! : item.afterId };
        if (item.id < 0) {
          if (stored.afterId !== item.afterId) update.run({ ...columns(stored), id: newIds.get(item.id)!, stamp });
          continue;
        }
        kept.add(item.id);
        const old = beforeById.get(item.id);
        if (!old) throw new Error(`schedule edit returned item ${item.id}, which is not stored (new items have negative ids)`);
        if (!sameItem(old, stored)) update.run({ ...columns(stored), id: item.id, stamp });
      }
      const remove = this.#db.prepare('DELETE FROM schedule_items WHERE id = ?');
      for (const item of before) if (!kept.has(item.id)) remove.run(item.id);
      this.#db.prepare('UPDATE channels SET schedule_revision = schedule_revision + 1, updated_at = ? WHERE id = ?').run(stamp, CHANNEL_ID);
      return { revision: this.revision(), result: result(newIds), newIds };
    })();
  }

  /** Ids of stored items that play this media. */
  itemsPlaying(mediaId: number): TimelineItem[] {
    return (this.#db.prepare('SELECT * FROM schedule_items WHERE media_id = ? ORDER BY id').all(mediaId) as ItemRow[]).map(fromRow);
  }

  settings(): PlayoutSettings {
    const channel = this.#channel();
    const filler = this.#db.prepare('SELECT media_id FROM channel_filler WHERE channel_id = ? ORDER BY position').pluck().all(CHANNEL_ID) as number[];
    return {
      fillerMediaIds: filler,
      loudnessTargetLufs: channel.loudness_target_lufs,
      hideFillerInGuide: channel.hide_filler_in_guide === 1,
      channelName: channel.name,
    };
  }

  /** Applies a patch in one transaction; `check` sees the merged settings and may refuse them. */
  setSettings(patch: Partial<PlayoutSettings>, check: (merged: PlayoutSettings) => void = () => {}, now = new Date()): PlayoutSettings {
    return this.#db.transaction(() => {
      const merged = { ...DEFAULT_PLAYOUT_SETTINGS, ...this.settings(), ...patch };
      check(merged);
      this.#db
        .prepare('UPDATE channels SET name = ?, loudness_target_lufs = ?, hide_filler_in_guide = ?, updated_at = ? WHERE id = ?')
        .run(merged.channelName, merged.loudnessTargetLufs, merged.hideFillerInGuide ? 1 : 0, now.toISOString(), CHANNEL_ID);
      if (patch.fillerMediaIds !== undefined) {
        this.#db.prepare('DELETE FROM channel_filler WHERE channel_id = ?').run(CHANNEL_ID);
        const insert = this.#db.prepare('INSERT INTO channel_filler (channel_id, position, media_id) VALUES (?, ?, ?)');
        for (const [position, mediaId] of patch.fillerMediaIds.entries()) insert.run(CHANNEL_ID, position, mediaId);
      }
      return this.settings();
    })();
  }

  #channel(): ChannelRow {
    return this.#db.prepare('SELECT * FROM channels WHERE id = ?').get(CHANNEL_ID) as ChannelRow;
  }
}
