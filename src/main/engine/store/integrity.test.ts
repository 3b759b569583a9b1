// openStore at start: private file modes, damage and read-only disks refused with a clear
// message, a damaged WAL backed up and reported. Real SQLite files, a real read-only mount.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateApiToken } from '../../server/auth.ts';
import { BACKUPS_DIR, DATABASE_FILE, openStore } from './database.ts';
import { inspectWal } from './wal-check.ts';

let root: string;
let dataDir: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'studio-integrity-'));
  dataDir = path.join(root, 'data');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe('file modes', () => {
  it('a new data dir is 0700 and studio.db, -wal, -shm and api-token are 0600, whatever the umask', () => {
    const umask = process.umask(0o000); // the most permissive: SQLite alone would make 0666 files
    try {
      const store = openStore(dataDir);
      store.db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('studio.name', '\"x\"', 'now')").run();
      const token = loadOrCreateApiToken(dataDir);
      expect(token.length).toBeGreaterThanOrEqual(32);
      expect(modeOf(dataDir)).toBe(0o700);
      for (const name of [DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`, 'api-token']) {
        expect(existsSync(path.join(dataDir, name)), name).toBe(true);
        expect(modeOf(path.join(dataDir, name)), name).toBe(0o600);
      }
      store.close();
    } finally {
      process.umask(umask);
    }
  });

  it('an existing 0755 data dir with 0644 database files is made private on start', () => {
    openStore(dataDir).close();
    // As an older studio left them, with a crash's -wal and -shm beside the database.
    chmodSync(dataDir, 0o755);
    chmodSync(path.join(dataDir, DATABASE_FILE), 0o644);
    for (const suffix of ['-wal', '-shm']) writeFileSync(path.join(dataDir, DATABASE_FILE + suffix), '', { mode: 0o644 });
    chmodSync(path.join(dataDir, `${DATABASE_FILE}-shm`), 0o644);
    const store = openStore(dataDir);
    expect(modeOf(dataDir)).toBe(0o700);
    for (const name of [DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`]) expect(modeOf(path.join(dataDir, name)), name).toBe(0o600);
    store.close();
  });
});

describe('integrity at start', () => {
  it('a damaged studio.db is refused with a message naming the file and the way out, and the file is left as it was', () => {
    const store = openStore(dataDir);
    const insert = store.db.prepare('INSERT INTO analytics_samples (sampled_at, metrics) VALUES (?, ?)');
    store.db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(new Date(i * 1000).toISOString(), JSON.stringify({ i, padding: 'x'.repeat(100) }));
    })();
    store.close();
    const file = path.join(dataDir, DATABASE_FILE);
    const pages = statSync(file).size / 4096;
    expect(pages).toBeGreaterThan(20);
    // Garbage over a b-tree page in the middle of the table, as a bad sector or a torn write leaves.
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, Math.floor(pages / 2) * 4096);
    closeSync(fd);
    const damaged = readFileSync(file);

    expect(() => openStore(dataDir)).toThrow(
      expect.objectContaining({
        code: 'CORRUPT',
        message: expect.stringMatching(
          new RegExp(`^The database ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged \\(.+\\)\\..*Restore studio\\.db from a backup`),
        ),
      }),
    );
    expect(readFileSync(file).equals(damaged)).toBe(true);
  });

  it('a file that is not a database at all is refused the same way', () => {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path.join(dataDir, DATABASE_FILE), 'this is not SQLite, just text long enough to be read as a header: '.repeat(80));
    expect(() => openStore(dataDir)).toThrow(expect.objectContaining({ code: 'CORRUPT', message: expect.stringContaining('is damaged') }));
  });

  it('a WAL whose committed frames fail their checksums: the data as found is backed up and a warning says what was not applied', () => {
    // A crash image: the database and its WAL as they are on disk while the studio runs.
    const live = path.join(root, 'live');
    openStore(live).close();
    const db = new BetterSqlite3(path.join(live, DATABASE_FILE));
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    const insert = db.prepare('INSERT INTO scte35_log (sent_at, splice_command_type, section_hex, outcome) VALUES (?, 5, ?, ?)');
    for (let i = 0; i < 20; i++) insert.run(new Date(i * 1000).toISOString(), 'fc30', `cue ${i}`); // 20 commits
    mkdirSync(dataDir);
    copyFileSync(path.join(live, DATABASE_FILE), path.join(dataDir, DATABASE_FILE));
    copyFileSync(path.join(live, `${DATABASE_FILE}-wal`), path.join(dataDir, `${DATABASE_FILE}-wal`));
    db.close();

    const wal = path.join(dataDir, `${DATABASE_FILE}-wal`);
    const clean = inspectWal(wal);
    expect(clean).toMatchObject({ headerValid: true, commitsDiscarded: 0 });
    expect(clean.framesApplied).toBe(clean.framesPresent);
    // One flipped byte in the page of the 5th frame: SQLite's recovery stops there.
    const frameBytes = 24 + 4096;
    const fd = openSync(wal, 'r+');
    writeSync(fd, Buffer.from([0x5a]), 0, 1, 32 + 4 * frameBytes + 24 + 2000);
    closeSync(fd);
    const walAsFound = readFileSync(wal);
    const dbAsFound = readFileSync(path.join(dataDir, DATABASE_FILE));
    const inspection = inspectWal(wal);
    expect(inspection.framesApplied).toBeLessThan(5);
    expect(inspection.commitsDiscarded).toBeGreaterThan(10);

    const store = openStore(dataDir, { now: () => new Date('2026-12-05T08:00:00.000Z') });
    try {
      // SQLite itself says nothing: the later cues are just gone. The store says so.
      const rows = (store.db.prepare('SELECT count(*) AS n FROM scte35_log').get() as { n: number }).n;
      expect(rows).toBeLessThan(20);
      expect(store.warnings).toHaveLength(1);
      const backup = path.join(dataDir, BACKUPS_DIR, 'studio.db-2026-12-05T08-00-00-000Z');
      expect(store.warnings[0]).toContain(`${wal} was damaged: ${inspection.commitsDiscarded} committed transaction(s)`);
      expect(store.warnings[0]).toContain(backup);
      expect(readFileSync(path.join(backup, `${DATABASE_FILE}-wal`)).equals(walAsFound)).toBe(true);
      expect(readFileSync(path.join(backup, DATABASE_FILE)).equals(dbAsFound)).toBe(true);
      expect(modeOf(backup)).toBe(0o700);
      expect(modeOf(path.join(backup, DATABASE_FILE))).toBe(0o600);
    } finally {
      store.close();
    }
  });

  it('an intact WAL left by a crash is applied whole, with no warning and no backup', () => {
    const live = path.join(root, 'live');
    openStore(live).close();
    const db = new BetterSqlite3(path.join(live, DATABASE_FILE));
    db.pragma('wal_autocheckpoint = 0');
    const insert = db.prepare('INSERT INTO scte35_log (sent_at, splice_command_type, section_hex, outcome) VALUES (?, 5, ?, ?)');
    for (let i = 0; i < 20; i++) insert.run(new Date(i * 1000).toISOString(), 'fc30', `cue ${i}`);
    mkdirSync(dataDir);
    copyFileSync(path.join(live, DATABASE_FILE), path.join(dataDir, DATABASE_FILE));
    copyFileSync(path.join(live, `${DATABASE_FILE}-wal`), path.join(dataDir, `${DATABASE_FILE}-wal`));
    db.close();
    const store = openStore(dataDir);
    expect((store.db.prepare('SELECT count(*) AS n FROM scte35_log').get() as { n: number }).n).toBe(20);
    expect(store.warnings).toEqual([]);
    expect(existsSync(path.join(dataDir, BACKUPS_DIR))).toBe(false);
    store.close();
  });
});

describe('inspectWal', () => {
  it('frames left over from before a WAL reset (older salts) are not counted as lost', () => {
    const live = path.join(root, 'live');
    openStore(live).close();
    const db = new BetterSqlite3(path.join(live, DATABASE_FILE));
    db.pragma('wal_autocheckpoint = 0');
    const insert = db.prepare("INSERT INTO scte35_log (sent_at, splice_command_type, section_hex, outcome) VALUES (?, 5, 'fc', 'sent')");
    for (let i = 0; i < 30; i++) insert.run(new Date(i * 1000).toISOString());
    db.pragma('wal_checkpoint(PASSIVE)'); // everything in the database: the next write starts the WAL over
    for (let i = 0; i < 3; i++) insert.run(new Date(i * 1000).toISOString());
    const wal = path.join(root, 'crash.db-wal');
    copyFileSync(path.join(live, `${DATABASE_FILE}-wal`), wal);
    db.close();
    const inspection = inspectWal(wal);
    expect(inspection.headerValid).toBe(true);
    expect(inspection.framesPresent).toBeGreaterThan(inspection.framesApplied); // the old generation's tail
    expect(inspection.framesApplied).toBeGreaterThan(0);
    expect(inspection.commitsDiscarded).toBe(0);
  });

  it('a WAL whose header checksum fails loses all its frames', () => {
    const live = path.join(root, 'live');
    openStore(live).close();
    const db = new BetterSqlite3(path.join(live, DATABASE_FILE));
    db.pragma('wal_autocheckpoint = 0');
    db.prepare("INSERT INTO scte35_log (sent_at, splice_command_type, section_hex, outcome) VALUES ('t', 5, 'fc', 'sent')").run();
    const wal = path.join(root, 'crash.db-wal');
    copyFileSync(path.join(live, `${DATABASE_FILE}-wal`), wal);
    db.close();
    const fd = openSync(wal, 'r+');
    writeSync(fd, Buffer.from([0xff]), 0, 1, 13); // checkpoint sequence: covered by the header checksum
    closeSync(fd);
    const inspection = inspectWal(wal);
    expect(inspection.headerValid).toBe(false);
    expect(inspection.framesPresent).toBeGreaterThan(0);
  });
});

describe('writability at start', () => {
  it('a data dir on a read-only file system (a real tmpfs remounted ro) is refused, naming the dir', () => {
    const mount = path.join(root, 'mount');
    mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount]);
    try {
      const onMount = path.join(mount, 'data');
      const store = openStore(onMount);
      store.db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('studio.name', '\"x\"', 'now')").run();
      store.close();
      execFileSync('mount', ['-o', 'remount,ro', mount]);
      expect(() => openStore(onMount)).toThrow(
        expect.objectContaining({
          code: 'NOT_WRITABLE',
          message: expect.stringMatching(new RegExp(`^The data dir ${onMount} is not writable \\(EROFS: .*\\)\\. .*--data-dir`)),
        }),
      );
    } finally {
      execFileSync('umount', [mount]);
    }
  });

  it('a studio.db that cannot be written (chattr +i: root ignores mode bits, not this) is refused, naming the file', () => {
    openStore(dataDir).close();
    const file = path.join(dataDir, DATABASE_FILE);
    execFileSync('chattr', ['+i', file]);
    try {
      expect(() => openStore(dataDir)).toThrow(
        expect.objectContaining({ code: 'NOT_WRITABLE', message: expect.stringContaining(`The database ${file} is not writable`) }),
      );
    } finally {
      execFileSync('chattr', ['-i', file]);
    }
    expect(readdirSync(dataDir)).toContain(DATABASE_FILE);
  });
});
