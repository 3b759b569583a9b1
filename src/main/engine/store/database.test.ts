import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openStore, schemaVersionOf } from './database.ts';
import { StoreError } from './errors.ts';
import { migrations, type Migration } from './migrations.ts';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'studio-store-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const tables = (db: BetterSqlite3.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((row) => row.name);

describe('store', () => {
  it('creates a fresh database at the latest schema, WAL, foreign keys on', () => {
    const store = openStore(dataDir);
    try {
      expect(store.schemaVersion).toBe(migrations.at(-1)!.version);
      expect(schemaVersionOf(store.db)).toBe(store.schemaVersion);
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(tables(store.db)).toEqual(
        expect.arrayContaining([
          'settings',
          'secrets',
          'stream_keys',
          'outputs',
          'sources',
          'scenes',
          'scene_layers',
          'media',
          'channels',
          'schedule_items',
          'channel_filler',
          'scte35_log',
          'analytics_samples',
        ]),
      );
    } finally {
      store.close();
    }
  });

  it('enforces foreign keys', () => {
    const store = openStore(dataDir);
    try {
      expect(() => store.db.prepare('INSERT INTO scene_layers (scene_id, source_id, z_order, width, height) VALUES (99, 99, 0, 10, 10)').run()).toThrow(
        /FOREIGN KEY/,
      );
    } finally {
      store.close();
    }
  });

  it('upgrades an older database, keeping its data', () => {
    const v1 = openStore(dataDir, { migrations: migrations.slice(0, 1) });
    v1.db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('studio.name', '\"Kept\"', 'now')").run();
    v1.close();

    const v2: Migration = {
      version: 2,
      name: 'add a column',
      up: (db) => db.exec("ALTER TABLE settings ADD COLUMN note TEXT NOT NULL DEFAULT ''"),
    };
    const upgraded = openStore(dataDir, { migrations: [...migrations.slice(0, 1), v2] });
    try {
      expect(upgraded.schemaVersion).toBe(2);
      expect(upgraded.db.prepare('SELECT value, note FROM settings').get()).toEqual({ value: '"Kept"', note: '' });
    } finally {
      upgraded.close();
    }
  });

  it('leaves the previous version intact when a migration fails', () => {
    openStore(dataDir, { migrations: migrations.slice(0, 1) }).close();
    const broken: Migration = {
      version: 2,
      name: 'half done',
      up: (db) => {
        db.exec('CREATE TABLE half_done (id INTEGER)');
        db.exec('ALTER TABLE no_such_table ADD COLUMN x INTEGER');
      },
    };
    let thrown: unknown;
    try {
      openStore(dataDir, { migrations: [...migrations.slice(0, 1), broken] });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StoreError);
    expect((thrown as StoreError).code).toBe('MIGRATION_FAILED');
    expect((thrown as StoreError).message).toMatch(/Migration 2 \(half done\) failed.*stays at version 1/);

    const db = new BetterSqlite3(path.join(dataDir, DATABASE_FILE), { readonly: true });
    try {
      expect(schemaVersionOf(db)).toBe(1);
      expect(tables(db)).not.toContain('half_done');
    } finally {
      db.close();
    }
  });

  it('refuses a database from a newer studio', () => {
    const db = new BetterSqlite3(path.join(dataDir, DATABASE_FILE));
    db.pragma('user_version = 99');
    db.close();
    expect(() => openStore(dataDir)).toThrow(/schema version 99, newer/);
  });
});
