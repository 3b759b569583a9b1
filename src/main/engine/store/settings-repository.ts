import type { Database } from 'better-sqlite3';
import type { SettingKey, SettingValue, Settings } from '../../../shared/contract.ts';

export class SettingsRepository {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }

  list(): Settings {
    const rows = this.#db.prepare('SELECT key, value FROM settings ORDER BY key').all() as { key: SettingKey; value: string }[];
    const settings: Settings = {};
    for (const row of rows) settings[row.key] = JSON.parse(row.value) as SettingValue;
    return settings;
  }

  set(key: SettingKey, value: SettingValue, now = new Date()): void {
    this.#db
      .prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, JSON.stringify(value), now.toISOString());
  }
}
