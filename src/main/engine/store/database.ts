// The studio's SQLite store: opened only when it is whole and writable, private to its owner.
// At start it (1) makes the data dir 0700 and proves it writable, (2) creates studio.db 0600
// before SQLite does (SQLite gives -wal and -shm the database file's mode), (3) reads a leftover
// WAL itself and, if SQLite would drop committed transactions in it, backs both files up and
// warns, (4) runs PRAGMA quick_check and a real write (rolled back), refusing to start on damage
// or a read-only disk rather than losing data or failing every write later.
import { chmodSync, closeSync, constants, copyFileSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { makePrivate, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, preparePrivateDataDir } from '../data-dir.ts';
import { errorMessage } from '../errors.ts';
import { StoreError } from './errors.ts';
import { migrations as studioMigrations, type Migration } from './migrations.ts';
import { plainTextCipher, type SecretCipher } from './secret-cipher.ts';
import { inspectWal, walLosesCommits } from './wal-check.ts';

export const DATABASE_FILE = 'studio.db';
export const BACKUPS_DIR = 'backups';

export interface OpenStoreOptions {
  /** For tests: another list of migrations. */
  migrations?: readonly Migration[];
  /** How secrets are kept at rest; default plain text (headless). */
  cipher?: SecretCipher;
  /** For tests: the clock that names backup folders. */
  now?: () => Date;
}

export function schemaVersionOf(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Runs every migration newer than the database, each in its own transaction together with its
 * user_version bump: a migration that throws leaves the database exactly at the previous version.
 */
export function migrate(db: Database, migrations: readonly Migration[]): number {
  const latest = migrations.at(-1)?.version ?? 0;
  let current = schemaVersionOf(db);
  if (current > latest) {
    throw new StoreError('SCHEMA_TOO_NEW', `The database is at schema version ${current}, newer than this studio knows (${latest}); use a newer studio.`);
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    try {
      db.transaction(() => {
        migration.up(db);
        db.pragma(`user_version = ${migration.version}`);
      })();
    } catch (cause) {
      throw new StoreError(
        'MIGRATION_FAILED',
        `Migration ${migration.version} (${migration.name}) failed: ${errorMessage(cause)}. The database stays at version ${current}.`,
        { cause },
      );
    }
    current = migration.version;
  }
  return current;
}

export interface Store {
  db: Database;
  path: string;
  schemaVersion: number;
  /** Problems found at start that did not stop it (a WAL whose commits were not applied). */
  warnings: string[];
  close(): void;
}

/** The files SQLite keeps for one database. */
function databaseFiles(file: string): string[] {
  return [file, `${file}-wal`, `${file}-shm`];
}

function sqliteCode(error: unknown): string {
  return String((error as { code?: unknown }).code ?? '');
}

function isCorruption(error: unknown): boolean {
  const code = sqliteCode(error);
  return code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB';
}

function isNotWritable(error: unknown): boolean {
  const code = sqliteCode(error);
  return (
    code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || ['EROFS', 'EACCES', 'EPERM', 'ENOSPC'].includes(code) || code === 'SQLITE_FULL'
  );
}

function corruptError(file: string, detail: string, cause?: unknown): StoreError {
  return new StoreError(
    'CORRUPT',
    `The database ${file} is damaged (${detail.replace(/\s+/g, ' ')}). The studio has not started and has not changed the file. ` +
      'Restore studio.db from a backup (with the studio stopped), or move the damaged file aside to start with an empty database.',
    { cause },
  );
}

function notWritableError(what: string, cause: unknown): StoreError {
  const code = sqliteCode(cause);
  const detail = errorMessage(cause);
  return new StoreError(
    'NOT_WRITABLE',
    `${what} is not writable (${code && !detail.startsWith(code) ? `${code}: ` : ''}${detail}). ` +
      'The studio saves its settings, stream keys and cue log there and does not start without it: make it writable, or choose another data dir (--data-dir).',
    { cause },
  );
}

/** Copies the database and its WAL aside before SQLite gets to throw part of the WAL away. */
function backUpBeforeOpen(dataDir: string, file: string, now: Date): string {
  const folder = path.join(dataDir, BACKUPS_DIR, `${path.basename(file)}-${now.toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(folder, { recursive: true, mode: PRIVATE_DIR_MODE });
  for (const source of databaseFiles(file).slice(0, 2)) {
    if (!existsSync(source)) continue;
    const copy = path.join(folder, path.basename(source));
    copyFileSync(source, copy, constants.COPYFILE_EXCL);
    chmodSync(copy, PRIVATE_FILE_MODE);
  }
  return folder;
}

function checkWal(dataDir: string, file: string, now: Date): string[] {
  const wal = `${file}-wal`;
  if (!existsSync(wal) || statSync(wal).size === 0) return [];
  const inspection = inspectWal(wal);
  if (!walLosesCommits(inspection)) return [];
  const backup = backUpBeforeOpen(dataDir, file, now);
  const what = inspection.headerValid
    ? `${inspection.commitsDiscarded} committed transaction(s) (${inspection.framesDiscarded} of ${inspection.framesPresent} frames) failed their checksums`
    : `its header is invalid (${inspection.framesPresent} frames)`;
  return [
    `${wal} was damaged: ${what}, so SQLite could not apply them and recent changes may be missing. ` + `The database and WAL as found are kept in ${backup}.`,
  ];
}

/** Makes the database files private; SQLite creates -wal and -shm with the database file's mode. */
function makeDatabaseFilesPrivate(file: string): string[] {
  if (!existsSync(file)) closeSync(openSync(file, 'wx', PRIVATE_FILE_MODE)); // an empty file is an empty database
  return databaseFiles(file).flatMap((each) => (existsSync(each) ? (makePrivate(each, PRIVATE_FILE_MODE) ?? []) : []));
}

/** `SELECT ... open_secret(value, sealed_with)` and `seal_secret(?)`, `secret_cipher()` in writes. */
function registerSecretFunctions(db: Database, cipher: SecretCipher): void {
  db.function('seal_secret', { deterministic: false }, (plain: unknown) => cipher.seal(String(plain)));
  db.function('secret_cipher', { deterministic: true }, () => cipher.id);
  db.function('open_secret', { deterministic: true }, (value: unknown, sealedWith: unknown) => {
    if (sealedWith === null) return value;
    if (sealedWith !== cipher.id) throw new StoreError('SECRETS_SEALED', `a secret is sealed with ${String(sealedWith)}, which this host cannot open`);
    return cipher.open(String(value));
  });
}

/**
 * Seals the rows still in plain text with the cipher (the first open in the desktop app), then
 * truncates the WAL so no plain copy stays in it; secure_delete has zeroed the old cells.
 * Refuses rows sealed by a cipher this host does not have.
 */
function sealSecrets(db: Database, file: string, cipher: SecretCipher): void {
  const foreign = db
    .prepare('SELECT sealed_with, count(*) AS n FROM secrets WHERE sealed_with IS NOT NULL AND sealed_with IS NOT ? GROUP BY sealed_with')
    .all(cipher.id) as Array<{ sealed_with: string; n: number }>;
  if (foreign.length > 0) {
    const list = foreign.map((row) => `${row.n} with ${row.sealed_with}`).join(', ');
    throw new StoreError(
      'SECRETS_SEALED',
      `The secrets in ${file} are encrypted (${list}: the desktop app's OS keychain), and this host cannot read them. ` +
        'Open this data dir with the desktop app on the same account, or start with another data dir.',
    );
  }
  if (cipher.id === null) return;
  const sealed = db.prepare('UPDATE secrets SET value = seal_secret(value), sealed_with = secret_cipher() WHERE sealed_with IS NULL').run();
  if (sealed.changes > 0) db.pragma('wal_checkpoint(TRUNCATE)');
}

export function openStore(dataDir: string, options: OpenStoreOptions = {}): Store {
  const file = path.join(dataDir, DATABASE_FILE);
  const cipher = options.cipher ?? plainTextCipher;
  const warnings: string[] = [];
  try {
    warnings.push(...preparePrivateDataDir(dataDir));
  } catch (cause) {
    throw notWritableError(`The data dir ${dataDir}`, cause);
  }
  try {
    warnings.push(...makeDatabaseFilesPrivate(file));
    warnings.push(...checkWal(dataDir, file, options.now?.() ?? new Date()));
  } catch (cause) {
    throw notWritableError(`The database ${file}`, cause);
  }
  let db: Database;
  try {
    db = new BetterSqlite3(file);
  } catch (cause) {
    if (isNotWritable(cause)) throw notWritableError(`The database ${file}`, cause);
    throw new StoreError('OPEN_FAILED', `Cannot open the database ${file}: ${errorMessage(cause)}`, { cause });
  }
  try {
    try {
      db.pragma('journal_mode = WAL');
      const problems = (db.pragma('quick_check') as Array<{ quick_check: string }>).map((row) => row.quick_check);
      if (problems.length !== 1 || problems[0] !== 'ok') throw corruptError(file, problems.slice(0, 3).join('; '));
    } catch (cause) {
      if (cause instanceof StoreError) throw cause;
      if (isCorruption(cause)) throw corruptError(file, errorMessage(cause), cause);
      if (isNotWritable(cause)) throw notWritableError(`The database ${file}`, cause);
      throw cause;
    }
    try {
      // A real write, rolled back: SQLite falls back to read-only silently when it cannot
      // write the file, and then takes even BEGIN IMMEDIATE; only a write statement fails.
      db.exec('BEGIN IMMEDIATE');
      db.exec('CREATE TABLE studio_write_probe (x)');
    } catch (cause) {
      throw notWritableError(`The database ${file}`, cause);
    } finally {
      if (db.inTransaction) db.exec('ROLLBACK');
    }
    makeDatabaseFilesPrivate(file); // -wal and -shm SQLite just made: already 0600, by the database file's mode
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = FULL'); // a cue logged is a cue kept, even across a power cut
    db.pragma('busy_timeout = 5000');
    db.pragma('secure_delete = ON'); // a deleted or replaced secret leaves no readable bytes behind
    registerSecretFunctions(db, cipher);
    const schemaVersion = migrate(db, options.migrations ?? studioMigrations);
    if (db.prepare("SELECT 1 FROM pragma_table_info('secrets') WHERE name = 'sealed_with'").get()) sealSecrets(db, file, cipher);
    return { db, path: file, schemaVersion, warnings, close: () => db.close() };
  } catch (error) {
    db.close();
    throw error;
  }
}
