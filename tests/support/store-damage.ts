// A data dir whose WAL was damaged after its first frames were committed (a crash mid-write on a
// disk that lies about flushes): the studio starts on it, recovers what was committed, keeps the
// files as found in backups/ and says so in `system.status` `store.warnings`.
import { closeSync, copyFileSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openStore } from '../../src/main/engine/store/database.ts';

/** Makes `<root>/data` with a damaged WAL (using `<root>/live` as scratch) and returns its path. */
export function dataDirWithDamagedWal(root: string): string {
  const live = path.join(root, 'live');
  openStore(live).close();
  const db = new BetterSqlite3(path.join(live, 'studio.db'));
  db.pragma('wal_autocheckpoint = 0');
  const insert = db.prepare("INSERT INTO scte35_log (sent_at, splice_command_type, section_hex, outcome) VALUES (?, 5, 'fc', 'sent')");
  for (let i = 0; i < 20; i++) insert.run(new Date(i * 1000).toISOString());
  const dataDir = path.join(root, 'data');
  mkdirSync(dataDir);
  for (const name of ['studio.db', 'studio.db-wal']) copyFileSync(path.join(live, name), path.join(dataDir, name));
  db.close();
  // One byte inside the fifth frame's page: frames 1–4 stay valid, the rest of the WAL does not.
  const fd = openSync(path.join(dataDir, 'studio.db-wal'), 'r+');
  writeSync(fd, Buffer.from([0x5a]), 0, 1, 32 + 4 * (24 + 4096) + 24 + 2000);
  closeSync(fd);
  return dataDir;
}
