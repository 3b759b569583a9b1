import { randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { StreamKeySummary, StreamKeyWithSecret } from '../../../shared/contract.ts';
import { StoreError } from './errors.ts';

interface StreamKeyRow {
  id: number;
  name: string;
  key: string;
  created_at: string;
}

/** Shows only the last four characters, as services do for keys a user may need to recognise. */
export function maskSecret(secret: string): string {
  return `••••${secret.slice(-4)}`;
}

/** A stream key as RTMP clients send it: URL-safe, 128 bits of randomness. */
export function generateStreamKey(): string {
  return `live_${randomBytes(16).toString('hex')}`;
}

export class StreamKeysRepository {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }

  list(): StreamKeySummary[] {
    return this.#selectAll().map(toSummary);
  }

  create(name: string, now = new Date()): StreamKeyWithSecret {
    const key = generateStreamKey();
    const createdAt = now.toISOString();
    const insert = this.#db.transaction(() => {
      const exists = this.#db.prepare('SELECT 1 FROM stream_keys WHERE name = ?').get(name);
      if (exists) throw new StoreError('CONFLICT', `A stream key named "${name}" already exists.`, { field: 'name' });
      const secret = this.#db
        .prepare("INSERT INTO secrets (purpose, value, sealed_with, created_at) VALUES ('ingest.stream_key', seal_secret(?), secret_cipher(), ?)")
        .run(key, createdAt);
      const row = this.#db.prepare('INSERT INTO stream_keys (name, secret_id, created_at) VALUES (?, ?, ?)').run(name, secret.lastInsertRowid, createdAt);
      return Number(row.lastInsertRowid);
    });
    const id = insert();
    return { ...toSummary({ id, name, key, created_at: createdAt }), key };
  }

  reveal(id: number): StreamKeyWithSecret {
    const row = this.#selectAll(id)[0];
    if (!row) throw new StoreError('NOT_FOUND', `No stream key with id ${id}.`, { field: 'id' });
    return { ...toSummary(row), key: row.key };
  }

  /** The key's record if `key` is a known stream key; used to authorise an RTMP publish. */
  findByKey(key: string): StreamKeySummary | undefined {
    const row = this.#db
      .prepare(
        `SELECT k.id, k.name, open_secret(s.value, s.sealed_with) AS key, k.created_at FROM stream_keys k
         JOIN secrets s ON s.id = k.secret_id WHERE open_secret(s.value, s.sealed_with) = ?`,
      )
      .get(key) as StreamKeyRow | undefined;
    return row ? toSummary(row) : undefined;
  }

  has(id: number): boolean {
    return this.#db.prepare('SELECT 1 FROM stream_keys WHERE id = ?').get(id) !== undefined;
  }

  /** The names of the RTMP sources that take their feed from this key. */
  sourcesUsing(id: number): string[] {
    const rows = this.#db.prepare("SELECT name FROM sources WHERE kind = 'rtmp' AND json_extract(config, '$.streamKeyId') = ? ORDER BY name").all(id) as {
      name: string;
    }[];
    return rows.map((row) => row.name);
  }

  /** Refused while a source takes its feed from the key: the source would silently lose it. */
  remove(id: number): boolean {
    return this.#db.transaction(() => {
      const row = this.#db.prepare('SELECT name, secret_id FROM stream_keys WHERE id = ?').get(id) as { name: string; secret_id: number } | undefined;
      if (!row) return false;
      const users = this.sourcesUsing(id);
      if (users.length > 0) {
        const names = users.map((name) => `"${name}"`).join(', ');
        throw new StoreError(
          'CONFLICT',
          `The stream key "${row.name}" feeds the source${users.length === 1 ? '' : 's'} ${names}: remove ${users.length === 1 ? 'that source' : 'those sources'} or give ${users.length === 1 ? 'it' : 'them'} another key first.`,
          { field: 'id' },
        );
      }
      this.#db.prepare('DELETE FROM stream_keys WHERE id = ?').run(id);
      this.#db.prepare('DELETE FROM secrets WHERE id = ?').run(row.secret_id);
      return true;
    })();
  }

  #selectAll(id?: number): StreamKeyRow[] {
    const sql = `SELECT k.id, k.name, open_secret(s.value, s.sealed_with) AS key, k.created_at FROM stream_keys k
                 JOIN secrets s ON s.id = k.secret_id ${id === undefined ? '' : 'WHERE k.id = ?'} ORDER BY k.name`;
    const statement = this.#db.prepare(sql);
    return (id === undefined ? statement.all() : statement.all(id)) as StreamKeyRow[];
  }
}

function toSummary(row: StreamKeyRow): StreamKeySummary {
  return { id: row.id, name: row.name, masked: maskSecret(row.key), createdAt: row.created_at };
}
