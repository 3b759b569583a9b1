import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './database.ts';
import { migrations } from './migrations.ts';
import { ProgramRepository } from './program-repository.ts';
import { StreamKeysRepository } from './stream-keys-repository.ts';

let dataDir: string;
let store: Store;
let keys: StreamKeysRepository;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'studio-keys-'));
  store = openStore(dataDir);
  keys = new StreamKeysRepository(store.db);
});
afterEach(() => {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('stream keys', () => {
  it('creates a key, lists it masked, finds it by key, removes it and its secret', () => {
    const created = keys.create('OBS');
    expect(created.key).toMatch(/^live_[0-9a-f]{32}$/);
    const [listed] = keys.list();
    expect(listed).toEqual({ id: created.id, name: 'OBS', masked: `••••${created.key.slice(-4)}`, createdAt: created.createdAt });
    expect(JSON.stringify(keys.list())).not.toContain(created.key);
    expect(keys.findByKey(created.key)?.id).toBe(created.id);
    expect(keys.findByKey('live_wrong')).toBeUndefined();
    expect(keys.remove(created.id)).toBe(true);
    expect(keys.remove(created.id)).toBe(false);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM secrets').get()).toEqual({ n: 0 });
  });

  it('refuses a duplicate name, naming the field', () => {
    keys.create('OBS');
    expect(() => keys.create('OBS')).toThrow(expect.objectContaining({ code: 'CONFLICT', field: 'name' }));
  });

  it('says which id is unknown', () => {
    expect(() => keys.reveal(42)).toThrow(/No stream key with id 42/);
  });
});

describe('stream key ids and references', () => {
  const rtmpSource = (streamKeyId: number) => ({ kind: 'rtmp' as const, streamKeyId, width: 320, height: 180, slateText: 'Stand by' });
  const noAudio = { gainDb: 0, muted: false };

  it('never hands out an id again, even the newest one after its removal', () => {
    keys.create('A');
    const newest = keys.create('B');
    keys.remove(newest.id);
    const next = keys.create('C');
    expect(next.id).toBeGreaterThan(newest.id);
  });

  it('refuses to remove a key a source takes its feed from, naming the sources', () => {
    const program = new ProgramRepository(store.db);
    const camera = keys.create('OBS');
    program.createSource('Camera 1', rtmpSource(camera.id), noAudio);
    program.createSource('Camera wide', rtmpSource(camera.id), noAudio);
    expect(keys.sourcesUsing(camera.id)).toEqual(['Camera 1', 'Camera wide']);
    expect(() => keys.remove(camera.id)).toThrow(
      expect.objectContaining({ code: 'CONFLICT', field: 'id', message: expect.stringMatching(/"OBS" feeds the sources "Camera 1", "Camera wide"/) }),
    );
    expect(keys.has(camera.id)).toBe(true);
    expect(keys.findByKey(camera.key)?.id).toBe(camera.id);
  });
});

describe('migration 2: stream_keys rebuilt with AUTOINCREMENT', () => {
  it('keeps every key, its secret and the foreign key, and skips the ids a v1 database had freed or a source names', () => {
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
    // A database as version 1 left it, written with version 1's SQL (today's repository writes
    // columns v1 did not have): keys 1..3, key 3 removed, a source still naming key 5.
    const v1 = openStore(dataDir, { migrations: migrations.slice(0, 1) });
    const insertKey = (name: string, key: string, createdAt: string): number => {
      const secret = v1.db.prepare("INSERT INTO secrets (purpose, value, created_at) VALUES ('ingest.stream_key', ?, ?)").run(key, createdAt);
      return Number(
        v1.db.prepare('INSERT INTO stream_keys (name, secret_id, created_at) VALUES (?, ?, ?)').run(name, secret.lastInsertRowid, createdAt).lastInsertRowid,
      );
    };
    const removeKey = (id: number): void => {
      const { secret_id } = v1.db.prepare('SELECT secret_id FROM stream_keys WHERE id = ?').get(id) as { secret_id: number };
      v1.db.prepare('DELETE FROM stream_keys WHERE id = ?').run(id);
      v1.db.prepare('DELETE FROM secrets WHERE id = ?').run(secret_id);
    };
    const obs = { id: insertKey('OBS', 'obs-secret-key-0001', '2026-01-02T03:04:05.000Z'), key: 'obs-secret-key-0001' };
    const phone = {
      id: insertKey('Phone', 'phone-secret-key-0002', '2026-01-03T00:00:00.000Z'),
      key: 'phone-secret-key-0002',
      createdAt: '2026-01-03T00:00:00.000Z',
    };
    removeKey(insertKey('Gone', 'gone-secret-key-0003', '2026-01-04T00:00:00.000Z'));
    new ProgramRepository(v1.db).createSource(
      'Old camera',
      { kind: 'rtmp', streamKeyId: 5, width: 320, height: 180, slateText: 'Stand by' },
      { gainDb: 0, muted: false },
    );
    expect(insertKey('Reused', 'reused-secret-key-0004', '2026-01-05T00:00:00.000Z')).toBe(3); // the fault: v1 hands out 3 again
    removeKey(3);
    v1.close();

    store = openStore(dataDir);
    keys = new StreamKeysRepository(store.db);
    expect(store.schemaVersion).toBeGreaterThanOrEqual(2);
    expect(keys.list()).toEqual([
      { id: obs.id, name: 'OBS', masked: `••••${obs.key.slice(-4)}`, createdAt: '2026-01-02T03:04:05.000Z' },
      { id: phone.id, name: 'Phone', masked: `••••${phone.key.slice(-4)}`, createdAt: phone.createdAt },
    ]);
    expect(keys.findByKey(obs.key)?.id).toBe(obs.id);
    expect(keys.reveal(phone.id).key).toBe(phone.key);
    const schema = store.db.prepare("SELECT sql FROM sqlite_master WHERE name = 'stream_keys'").get() as { sql: string };
    expect(schema.sql).toMatch(/INTEGER PRIMARY KEY AUTOINCREMENT/);
    expect(schema.sql).toMatch(/REFERENCES secrets\(id\)/);
    expect(() => store.db.prepare("INSERT INTO stream_keys (name, secret_id, created_at) VALUES ('x', 999, 'now')").run()).toThrow(/FOREIGN KEY/);
    // Past the removed key 3 and past the 5 the old source names.
    expect(keys.create('New').id).toBe(6);
  });
});
