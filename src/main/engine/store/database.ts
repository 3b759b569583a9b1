import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { StoreError } from './errors.ts';
import { migrations as studioMigrations, type Migration } from './migrations.ts';

export const DATABASE_FILE = 'studio.db';

export interface OpenStoreOptions {
  /** For tests: another list of migrations. */
  migrations?: readonly Migration[];
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
    throw new StoreError(
      'SCHEMA_TOO_NEW',
      `The database is at schema version ${current}, newer than this studio knows (${latest}); use a newer studio.`,
    );
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
        `Migration ${migration.version} (${migration.name}) failed: ${(cause as Error).message}. The database stays at version ${current}.`,
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
  close(): void;
}

export function openStore(dataDir: string, options: OpenStoreOptions = {}): Store {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, DATABASE_FILE);
  let db: Database;
  try {
    db = new BetterSqlite3(file);
  } catch (cause) {
    throw new StoreError('OPEN_FAILED', `Cannot open the database ${file}: ${(cause as Error).message}`, { cause });
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = FULL'); // a cue logged is a cue kept, even across a power cut
    db.pragma('busy_timeout = 5000');
    const schemaVersion = migrate(db, options.migrations ?? studioMigrations);
    return { db, path: file, schemaVersion, close: () => db.close() };
  } catch (error) {
    db.close();
    throw error;
  }
}
