// Secrets at rest: with the desktop app's cipher (safeStorage, here a stand-in keychain doing real
// AES-GCM: Electron does not run here) no stream key or passphrase is in studio.db or its WAL;
// plain rows from a headless run are sealed on the first desktop open; a headless host refuses
// sealed rows it cannot read. Real SQLite files throughout.
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testKeychain } from '../../../../tests/support/test-keychain.ts';
import { outputSettings } from '../../../shared/outputs.ts';
import { safeStorageCipher, SAFE_STORAGE_CIPHER_ID } from '../../app/safe-storage-cipher.ts';
import { DATABASE_FILE, openStore, type Store } from './database.ts';
import { OutputsRepository } from './outputs-repository.ts';
import { StreamKeysRepository } from './stream-keys-repository.ts';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'studio-secrets-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const PASSPHRASE = 'correct horse battery staple';
const PUSH_KEY = 'sk_live_push_9f8e7d6c5b4a';

/** Whether `text` appears anywhere in the database's files on disk. */
function onDisk(text: string): boolean {
  return [DATABASE_FILE, `${DATABASE_FILE}-wal`].some((name) => {
    const file = path.join(dataDir, name);
    return existsSync(file) && readFileSync(file).includes(Buffer.from(text));
  });
}

function addSecrets(store: Store): { streamKey: string } {
  const streamKey = new StreamKeysRepository(store.db).create('OBS').key;
  const outputs = new OutputsRepository(store.db);
  outputs.create(outputSettings.parse({ kind: 'srt', name: 'Distributor', url: 'srt://ingest.example:9000', mode: 'caller', passphrase: PASSPHRASE }));
  outputs.create(outputSettings.parse({ kind: 'rtmp', url: 'rtmp://live.example/app', streamKey: PUSH_KEY }));
  return { streamKey };
}

function expectReadable(store: Store, streamKey: string): void {
  const keys = new StreamKeysRepository(store.db);
  const [listed] = keys.list();
  expect(keys.reveal(listed!.id).key).toBe(streamKey);
  expect(listed!.masked).toBe(`••••${streamKey.slice(-4)}`);
  expect(keys.findByKey(streamKey)?.name).toBe('OBS');
  const outputs = new OutputsRepository(store.db);
  expect(outputs.list().map((output) => output.settings)).toEqual(
    expect.arrayContaining([expect.objectContaining({ kind: 'srt', passphrase: PASSPHRASE }), expect.objectContaining({ kind: 'rtmp', streamKey: PUSH_KEY })]),
  );
  expect(outputs.secrets().sort()).toEqual([PASSPHRASE, PUSH_KEY].sort());
}

describe('secrets at rest', () => {
  it('desktop (keychain cipher): stream keys, passphrases and push keys are sealed on disk and read back', () => {
    const cipher = safeStorageCipher(testKeychain());
    const store = openStore(dataDir, { cipher });
    const { streamKey } = addSecrets(store);
    expectReadable(store, streamKey);
    for (const secret of [streamKey, PASSPHRASE, PUSH_KEY]) expect(onDisk(secret), secret).toBe(false);
    expect(store.db.prepare('SELECT DISTINCT sealed_with FROM secrets').all()).toEqual([{ sealed_with: SAFE_STORAGE_CIPHER_ID }]);
    store.close();
    // Reopened with the same keychain: the same values.
    const again = openStore(dataDir, { cipher });
    expectReadable(again, streamKey);
    again.close();
    for (const secret of [streamKey, PASSPHRASE, PUSH_KEY]) expect(onDisk(secret), secret).toBe(false);
  });

  it('plain rows from a headless run are sealed on the first desktop open, and no plain copy is left in the files', () => {
    const headless = openStore(dataDir);
    const { streamKey } = addSecrets(headless);
    expect(onDisk(streamKey)).toBe(true); // headless: plain text, protected by the 0600 file in a 0700 dir
    headless.close();

    const keychain = testKeychain();
    const desktop = openStore(dataDir, { cipher: safeStorageCipher(keychain) });
    expect(desktop.db.prepare('SELECT sealed_with, count(*) AS n FROM secrets GROUP BY sealed_with').all()).toEqual([
      { sealed_with: SAFE_STORAGE_CIPHER_ID, n: 3 },
    ]);
    for (const secret of [streamKey, PASSPHRASE, PUSH_KEY]) expect(onDisk(secret), secret).toBe(false);
    expectReadable(desktop, streamKey);
    desktop.close();
    for (const secret of [streamKey, PASSPHRASE, PUSH_KEY]) expect(onDisk(secret), secret).toBe(false);
  });

  it('a host without the keychain refuses sealed secrets clearly, and changes nothing', () => {
    const desktop = openStore(dataDir, { cipher: safeStorageCipher(testKeychain()) });
    addSecrets(desktop);
    desktop.close();
    const before = readFileSync(path.join(dataDir, DATABASE_FILE));
    expect(() => openStore(dataDir)).toThrow(
      expect.objectContaining({
        code: 'SECRETS_SEALED',
        message: expect.stringMatching(/^The secrets in .*studio\.db are encrypted \(3 with electron-safeStorage: the desktop app's OS keychain\)/),
      }),
    );
    expect(readFileSync(path.join(dataDir, DATABASE_FILE)).equals(before)).toBe(true);
  });
});
