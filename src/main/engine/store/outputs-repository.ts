// Output destinations as the creator set them up. Secrets (SRT passphrase, RTMP stream key) go to
// the secrets table; the outputs row holds only what may be shown.
import type { Database } from 'better-sqlite3';
import { publicOutputSettings, type OutputSettings, type PublicOutputSettings } from '../../../shared/outputs.ts';
import { StoreError } from './errors.ts';

export interface StoredOutput {
  id: number;
  name: string;
  enabled: boolean;
  settings: OutputSettings;
}

interface OutputRow {
  id: number;
  name: string;
  kind: OutputSettings['kind'];
  enabled: number;
  url: string | null;
  srt_mode: 'caller' | 'listener' | null;
  srt_latency_us: number | null;
  srt_stream_id: string | null;
  srt_pbkeylen: 16 | 24 | 32 | null;
  secret: string | null;
  path: string | null;
  options: string;
}

function secretOf(settings: OutputSettings): string | undefined {
  if (settings.kind === 'srt') return settings.passphrase;
  if (settings.kind === 'rtmp') return settings.streamKey;
  return undefined;
}

function columnsOf(settings: OutputSettings) {
  switch (settings.kind) {
    case 'srt':
      return {
        url: settings.url,
        srt_mode: settings.mode,
        srt_latency_us: settings.latencyMs * 1000,
        srt_stream_id: settings.streamId ?? null,
        srt_pbkeylen: settings.pbkeylen ?? null,
        path: null,
        options: {},
      };
    case 'rtmp':
      return { url: settings.url, srt_mode: null, srt_latency_us: null, srt_stream_id: null, srt_pbkeylen: null, path: null, options: {} };
    case 'hls':
      return {
        url: null,
        srt_mode: null,
        srt_latency_us: null,
        srt_stream_id: null,
        srt_pbkeylen: null,
        path: settings.folder ?? null,
        options: { segmentSeconds: settings.segmentSeconds, listSize: settings.listSize, markers: settings.markers },
      };
    case 'recording':
      return {
        url: null,
        srt_mode: null,
        srt_latency_us: null,
        srt_stream_id: null,
        srt_pbkeylen: null,
        path: settings.folder,
        options: { fileNamePattern: settings.fileNamePattern, ...(settings.rotateMinutes ? { rotateMinutes: settings.rotateMinutes } : {}) },
      };
  }
}

function settingsOf(row: OutputRow): OutputSettings {
  const options = JSON.parse(row.options) as Record<string, unknown>;
  const name = row.name;
  switch (row.kind) {
    case 'srt':
      return {
        kind: 'srt',
        name,
        url: row.url!,
        mode: row.srt_mode ?? 'caller',
        latencyMs: Math.round((row.srt_latency_us ?? 120_000) / 1000),
        ...(row.secret ? { passphrase: row.secret } : {}),
        ...(row.srt_pbkeylen ? { pbkeylen: row.srt_pbkeylen } : {}),
        ...(row.srt_stream_id ? { streamId: row.srt_stream_id } : {}),
      };
    case 'rtmp':
      return { kind: 'rtmp', name, url: row.url!, streamKey: row.secret ?? '' };
    case 'hls':
      return {
        kind: 'hls',
        name,
        ...(row.path ? { folder: row.path } : {}),
        ...(options as { segmentSeconds: number; listSize: number; markers: Array<'cue'> }),
      };
    case 'recording':
      return { kind: 'recording', name, folder: row.path!, ...(options as { fileNamePattern: string }) };
  }
}

export class OutputsRepository {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }

  list(): StoredOutput[] {
    return this.#select().map(toStored);
  }

  get(id: number): StoredOutput {
    const row = this.#select(id)[0];
    if (!row) throw new StoreError('NOT_FOUND', `No output with id ${id}.`, { field: 'id' });
    return toStored(row);
  }

  create(settings: OutputSettings): StoredOutput {
    return this.#db.transaction(() => {
      const now = new Date().toISOString();
      const count = (this.#db.prepare('SELECT COUNT(*) AS n FROM outputs WHERE kind = ?').get(settings.kind) as { n: number }).n;
      const name = settings.name ?? `${settings.kind.toUpperCase()} ${count + 1}`;
      this.#assertNameFree(name);
      const secretId = this.#writeSecret(settings, null);
      const c = columnsOf(settings);
      const result = this.#db
        .prepare(
          `INSERT INTO outputs (name, kind, enabled, url, srt_mode, srt_latency_us, srt_stream_id, srt_pbkeylen, secret_id, path, options, created_at, updated_at)
           VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(name, settings.kind, c.url, c.srt_mode, c.srt_latency_us, c.srt_stream_id, c.srt_pbkeylen, secretId, c.path, JSON.stringify(c.options), now, now);
      return this.get(Number(result.lastInsertRowid));
    })();
  }

  update(id: number, settings: OutputSettings): StoredOutput {
    return this.#db.transaction(() => {
      const current = this.#select(id)[0];
      if (!current) throw new StoreError('NOT_FOUND', `No output with id ${id}.`, { field: 'id' });
      if (current.kind !== settings.kind)
        throw new StoreError('CONFLICT', `Output ${id} is ${current.kind}; make a new output for ${settings.kind}.`, { field: 'kind' });
      const name = settings.name ?? current.name;
      if (name !== current.name) this.#assertNameFree(name);
      const oldSecretId = (this.#db.prepare('SELECT secret_id FROM outputs WHERE id = ?').get(id) as { secret_id: number | null }).secret_id;
      const secretId = this.#writeSecret(settings, oldSecretId);
      const c = columnsOf(settings);
      this.#db
        .prepare(
          `UPDATE outputs SET name = ?, url = ?, srt_mode = ?, srt_latency_us = ?, srt_stream_id = ?, srt_pbkeylen = ?, secret_id = ?, path = ?, options = ?, updated_at = ?
           WHERE id = ?`,
        )
        .run(
          name,
          c.url,
          c.srt_mode,
          c.srt_latency_us,
          c.srt_stream_id,
          c.srt_pbkeylen,
          secretId,
          c.path,
          JSON.stringify(c.options),
          new Date().toISOString(),
          id,
        );
      if (oldSecretId !== null && oldSecretId !== secretId) this.#db.prepare('DELETE FROM secrets WHERE id = ?').run(oldSecretId);
      return this.get(id);
    })();
  }

  remove(id: number): boolean {
    return this.#db.transaction(() => {
      const row = this.#db.prepare('SELECT secret_id FROM outputs WHERE id = ?').get(id) as { secret_id: number | null } | undefined;
      if (!row) return false;
      this.#db.prepare('DELETE FROM outputs WHERE id = ?').run(id);
      if (row.secret_id !== null) this.#db.prepare('DELETE FROM secrets WHERE id = ?').run(row.secret_id);
      return true;
    })();
  }

  /** Every stored secret of every output, so the logger can mask them. */
  secrets(): string[] {
    return (this.#db.prepare("SELECT open_secret(value, sealed_with) AS value FROM secrets WHERE purpose LIKE 'output.%'").all() as { value: string }[]).map(
      (row) => row.value,
    );
  }

  #assertNameFree(name: string): void {
    if (this.#db.prepare('SELECT 1 FROM outputs WHERE name = ?').get(name)) {
      throw new StoreError('CONFLICT', `An output named "${name}" already exists.`, { field: 'name' });
    }
  }

  #writeSecret(settings: OutputSettings, existingId: number | null): number | null {
    const secret = secretOf(settings);
    if (secret === undefined || secret === '') return null;
    if (existingId !== null) {
      this.#db.prepare('UPDATE secrets SET value = seal_secret(?), sealed_with = secret_cipher() WHERE id = ?').run(secret, existingId);
      return existingId;
    }
    const purpose = settings.kind === 'srt' ? 'output.srt_passphrase' : 'output.rtmp_stream_key';
    return Number(
      this.#db
        .prepare('INSERT INTO secrets (purpose, value, sealed_with, created_at) VALUES (?, seal_secret(?), secret_cipher(), ?)')
        .run(purpose, secret, new Date().toISOString()).lastInsertRowid,
    );
  }

  #select(id?: number): OutputRow[] {
    const sql = `SELECT o.id, o.name, o.kind, o.enabled, o.url, o.srt_mode, o.srt_latency_us, o.srt_stream_id, o.srt_pbkeylen, open_secret(s.value, s.sealed_with) AS secret, o.path, o.options
                 FROM outputs o LEFT JOIN secrets s ON s.id = o.secret_id ${id === undefined ? '' : 'WHERE o.id = ?'} ORDER BY o.id`;
    const statement = this.#db.prepare(sql);
    return (id === undefined ? statement.all() : statement.all(id)) as OutputRow[];
  }
}

function toStored(row: OutputRow): StoredOutput {
  return { id: row.id, name: row.name, enabled: row.enabled === 1, settings: settingsOf(row) };
}

export function publicStoredOutput(output: StoredOutput): { id: number; name: string; settings: PublicOutputSettings } {
  return { id: output.id, name: output.name, settings: publicOutputSettings(output.settings) };
}
