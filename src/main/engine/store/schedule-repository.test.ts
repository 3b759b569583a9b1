// Migration 7 and the schedule repository on real SQLite files: old rows carried over, edits
// written whole or not at all, the playout settings kept, and the links to media and scenes.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PLAYOUT_SETTINGS } from '../../../shared/schedule.ts';
import { openStore, type Store } from './database.ts';
import { MediaRepository } from './media-repository.ts';
import { migrations } from './migrations.ts';
import { ScheduleRepository, type TimelineItem } from './schedule-repository.ts';

const NEW_ITEM_ID = -1;

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'studio-schedule-repo-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const NOW = '2026-01-01T00:00:00.000Z';
const T0 = Date.parse('2026-12-06T20:00:00Z');

function mediaRow(media: MediaRepository, name: string, seconds = 60) {
  return media.upsertProbed(
    { path: `/shows/${name}`, name, state: 'ready', reason: null, durationSeconds: seconds, video: null, audio: null, chapters: [] },
    new Date(NOW),
  );
}

function newItem(fields: Partial<TimelineItem>): TimelineItem {
  return {
    id: NEW_ITEM_ID,
    kind: 'media',
    title: 'x',
    mediaId: null,
    sceneId: null,
    startAtMs: null,
    afterId: null,
    inSeconds: 0,
    playSeconds: 60,
    breakSeconds: null,
    ...fields,
  };
}

describe('migration 7: the channel timeline', () => {
  it('upgrades a version-6 database: the channel kept, old items carried over as fixed items in seconds, ad_markers gone', () => {
    const v6 = openStore(dataDir, { migrations: migrations.filter((migration) => migration.version <= 6) });
    v6.db.exec(`
      INSERT INTO media (id, path, name, state, duration_seconds, added_at) VALUES (7, '/shows/old.mp4', 'Old show', 'ready', 61.5, '${NOW}');
      INSERT INTO channels (id, name, fps_num, fps_den, created_at) VALUES (3, 'My channel', 30000, 1001, '${NOW}');
      INSERT INTO schedule_items (id, channel_id, media_id, start_at, duration_frames, in_point_ms, created_at)
        VALUES (5, 3, 7, '2026-12-06T20:00:00.000Z', 1800, 1500, '${NOW}');
      INSERT INTO ad_markers (channel_id, schedule_item_id, state, duration_ms, planned_at) VALUES (3, 5, 'planned', 30000, '${NOW}');
    `);
    v6.close();

    const store = openStore(dataDir);
    try {
      expect(store.schemaVersion).toBe(7);
      const repository = new ScheduleRepository(store.db);
      expect(repository.items()).toEqual([
        {
          id: 5,
          kind: 'media',
          title: 'Old show',
          mediaId: 7,
          sceneId: null,
          startAtMs: T0,
          afterId: null,
          inSeconds: 1.5,
          playSeconds: 1800 * (1001 / 30000),
          breakSeconds: null,
        },
      ]);
      expect(repository.settings()).toEqual({ ...DEFAULT_PLAYOUT_SETTINGS, channelName: 'My channel' });
      expect(store.db.prepare("SELECT name FROM sqlite_master WHERE name = 'ad_markers'").get()).toBeUndefined();
      expect(store.db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('creates the one channel on a new database, and allows no second one', () => {
    const store = openStore(dataDir);
    try {
      expect(new ScheduleRepository(store.db).settings()).toEqual(DEFAULT_PLAYOUT_SETTINGS);
      expect(() => store.db.prepare(`INSERT INTO channels (id, name, created_at, updated_at) VALUES (2, 'Two', '${NOW}', '${NOW}')`).run()).toThrow(/CHECK/);
    } finally {
      store.close();
    }
  });
});

describe('ScheduleRepository', () => {
  let store: Store;
  let repository: ScheduleRepository;
  let media: MediaRepository;
  beforeEach(() => {
    store = openStore(dataDir);
    repository = new ScheduleRepository(store.db);
    media = new MediaRepository(store.db);
  });
  afterEach(() => store.close());

  it('writes an edit whole (new ids, relinked followers, removals) and counts revisions', () => {
    const show = mediaRow(media, 'show.mp4');
    const first = repository.edit((items) => ({ items: [...items, newItem({ mediaId: show.id, startAtMs: T0 })], result: (ids) => ids.get(NEW_ITEM_ID) }));
    expect(first.revision).toBe(1);
    const a = first.result!;
    const second = repository.edit((items) => ({ items: [...items, newItem({ mediaId: show.id, afterId: a })], result: (ids) => ids.get(NEW_ITEM_ID)! }));
    const b = second.result;
    // Insert c between a and b, and in the same edit remove nothing: b must now follow c.
    const third = repository.edit((items) => ({
      items: [...items.map((item) => (item.id === b ? { ...item, afterId: NEW_ITEM_ID } : item)), newItem({ mediaId: show.id, afterId: a })],
      result: (ids) => ids.get(NEW_ITEM_ID)!,
    }));
    const c = third.result;
    expect(repository.items().map((item) => [item.id, item.afterId])).toEqual([
      [a, null],
      [b, c],
      [c, a],
    ]);
    // Removing a chain's middle and end in one edit, in any order: the links are checked at commit.
    repository.edit((items) => ({ items: items.filter((item) => item.id === a), result: () => null }));
    expect(repository.items().map((item) => item.id)).toEqual([a]);
    expect(repository.revision()).toBe(4);
  });

  it('writes nothing when the decision throws, or when the result breaks a rule of the schema', () => {
    const show = mediaRow(media, 'show.mp4');
    const a = repository.edit((items) => ({ items: [...items, newItem({ mediaId: show.id, startAtMs: T0 })], result: (ids) => ids.get(NEW_ITEM_ID)! })).result;
    repository.edit((items) => ({ items: [...items, newItem({ mediaId: show.id, afterId: a })], result: () => null }));
    expect(() =>
      repository.edit(() => {
        throw new Error('refused');
      }),
    ).toThrow('refused');
    // An item left following a removed one: the check at commit refuses the whole edit.
    expect(() => repository.edit((items) => ({ items: items.filter((item) => item.id !== a), result: () => null }))).toThrow(/FOREIGN KEY/);
    expect(() => repository.edit((items) => ({ items: [...items, newItem({ id: 99, startAtMs: T0 })], result: () => null }))).toThrow(/not stored/);
    expect(repository.items()).toHaveLength(2);
    expect(repository.revision()).toBe(2);
  });

  it('keeps the playout settings; filler leaves the list when its media leaves the library', () => {
    const one = mediaRow(media, 'one.mp4');
    const two = mediaRow(media, 'two.mp4');
    const saved = repository.setSettings({ fillerMediaIds: [two.id, one.id, two.id], hideFillerInGuide: true, channelName: 'Night' });
    expect(saved).toEqual({ fillerMediaIds: [two.id, one.id, two.id], loudnessTargetLufs: -23, hideFillerInGuide: true, channelName: 'Night' });
    expect(() =>
      repository.setSettings({ channelName: 'Never', fillerMediaIds: [] }, () => {
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(repository.settings().channelName).toBe('Night');
    expect(repository.settings().fillerMediaIds).toEqual([two.id, one.id, two.id]);
    expect(media.remove(one.id)).toBe(true);
    expect(repository.settings().fillerMediaIds).toEqual([two.id, two.id]);
  });

  it('keeps an item when its media row goes (history), with its title; its link is gone', () => {
    const show = mediaRow(media, 'show.mp4');
    repository.edit((items) => ({ items: [...items, newItem({ title: 'Show', mediaId: show.id, startAtMs: T0 })], result: () => null }));
    expect(media.remove(show.id)).toBe(true);
    expect(repository.items()).toMatchObject([{ title: 'Show', mediaId: null }]);
  });
});
