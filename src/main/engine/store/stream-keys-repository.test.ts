import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './database.ts';
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
