// Migration 6 (the media library) on a version-5 database with data in it: every other table keeps
// its rows, the old media rows are carried over, and the references around media still hold.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from './database.ts';
import { MediaRepository } from './media-repository.ts';
import { migrations } from './migrations.ts';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'studio-media-migration-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const NOW = '2026-01-01T00:00:00.000Z';

describe('migration 6: media redesigned', () => {
  it('upgrades a version-5 database: other data kept, old media carried over, schedule references still enforced', () => {
    const v5 = openStore(dataDir, { migrations: migrations.filter((migration) => migration.version <= 5) });
    expect(v5.schemaVersion).toBe(5);
    v5.db.exec(`
      INSERT INTO settings (key, value, updated_at) VALUES ('studio.name', '"Kept"', '${NOW}');
      INSERT INTO scenes (id, name, position, created_at) VALUES (1, 'Main', 0, '${NOW}');
      INSERT INTO sources (id, name, kind, config, created_at, updated_at) VALUES (1, 'Bars', 'test_pattern', '{}', '${NOW}', '${NOW}');
      INSERT INTO scene_layers (scene_id, source_id, z_order, width, height, locked) VALUES (1, 1, 0, 1920, 1080, 1);
      INSERT INTO media (id, path, title, duration_ms, width, height, fps_num, fps_den, video_codec, audio_codec, probe_status, added_at)
        VALUES (7, '/shows/old.mp4', 'Old show', 61500, 1280, 720, 30000, 1001, 'h264', 'aac', 'ok', '${NOW}');
      INSERT INTO media (id, path, title, probe_status, probe_error, added_at) VALUES (8, '/shows/broken.mp4', 'Broken', 'failed', 'moov atom not found', '${NOW}');
      INSERT INTO channels (id, name, fps_num, fps_den, created_at) VALUES (1, 'Channel', 30000, 1001, '${NOW}');
      INSERT INTO schedule_items (id, channel_id, media_id, start_at, duration_frames, created_at) VALUES (1, 1, 7, '${NOW}', 1843, '${NOW}');
      INSERT INTO ad_markers (id, channel_id, schedule_item_id, state, duration_ms, planned_at) VALUES (1, 1, 1, 'planned', 30000, '${NOW}');
      INSERT INTO cue_settings (id, value, updated_at) VALUES (1, '{}', '${NOW}');
    `);
    v5.close();

    const store = openStore(dataDir, { migrations: migrations.filter((migration) => migration.version <= 6) });
    try {
      expect(store.schemaVersion).toBe(6);
      const db = store.db;
      expect(db.prepare('SELECT value FROM settings').get()).toEqual({ value: '"Kept"' });
      expect(db.prepare('SELECT locked FROM scene_layers').get()).toEqual({ locked: 1 });
      expect(db.prepare('SELECT count(*) AS n FROM cue_settings').get()).toEqual({ n: 1 });
      expect(db.prepare('SELECT media_id, duration_frames FROM schedule_items').get()).toEqual({ media_id: 7, duration_frames: 1843 });
      expect(db.prepare('SELECT schedule_item_id, duration_ms FROM ad_markers').get()).toEqual({ schedule_item_id: 1, duration_ms: 30000 });

      const repository = new MediaRepository(db);
      const [old, broken] = repository.list();
      expect(old).toMatchObject({
        id: 7,
        path: '/shows/old.mp4',
        name: 'Old show',
        state: 'ready',
        durationSeconds: 61.5,
        video: { width: 1280, height: 720, frameRate: { num: 30000, den: 1001 }, codec: 'h264' },
        chapters: [],
        loudnessLufs: null,
      });
      expect(broken).toMatchObject({ id: 8, state: 'failed', reason: 'moov atom not found', durationSeconds: null });

      // The rebuilt tables name the new media table, and the rules still hold.
      const scheduleSql = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'schedule_items'").get() as { sql: string }).sql;
      expect(scheduleSql).toMatch(/REFERENCES "?media"?\(id\) ON DELETE RESTRICT/);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'schedule_items_by_channel_start'").get()).toBeDefined();
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(() => repository.remove(7)).toThrow(expect.objectContaining({ code: 'CONFLICT', field: 'id' }));
      expect(repository.remove(8)).toBe(true);
      expect(() =>
        db.prepare("INSERT INTO schedule_items (channel_id, media_id, start_at, duration_frames, created_at) VALUES (1, 99, 'x', 1, 'x')").run(),
      ).toThrow(/FOREIGN KEY/);
      // A ready row must have a duration.
      expect(() => db.prepare("INSERT INTO media (path, name, state, added_at) VALUES ('/x.mp4', 'x', 'ready', 'x')").run()).toThrow(/CHECK/);
      // Ids are never reused: the next one follows the highest ever given.
      const added = repository.upsertProbed(
        { path: '/shows/new.mkv', name: 'new.mkv', state: 'ready', reason: null, durationSeconds: 10, video: null, audio: null, chapters: [] },
        new Date(NOW),
      );
      expect(added.id).toBe(9);
    } finally {
      store.close();
    }
  });
});
