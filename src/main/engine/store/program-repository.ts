// Sources, scenes and the program format, as the creator set them up. Each write is one
// transaction; scene layers are replaced whole, so a scene is never half-written.
import type { Database } from 'better-sqlite3';
import type { AudioSettings, LayerSettings, ProgramFormatSettings, SceneInfo, SourceConfig } from '../../../shared/program.ts';
import { StoreError } from './errors.ts';

export interface StoredSource {
  id: number;
  name: string;
  config: SourceConfig;
  audio: AudioSettings;
}

const FORMAT_KEY = 'program.format';
const ON_AIR_KEY = 'program.onAirSceneId';
const MASTER_AUDIO_KEY = 'program.masterAudio';

interface SourceRow {
  id: number;
  name: string;
  kind: string;
  config: string;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export class ProgramRepository {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }

  // --- format -----------------------------------------------------------------

  format(): ProgramFormatSettings | undefined {
    const row = this.#db.prepare('SELECT value FROM settings WHERE key = ?').get(FORMAT_KEY) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as ProgramFormatSettings) : undefined;
  }

  setFormat(format: ProgramFormatSettings): void {
    this.#setSetting(FORMAT_KEY, format);
  }

  onAirSceneId(): number | null {
    const row = this.#db.prepare('SELECT value FROM settings WHERE key = ?').get(ON_AIR_KEY) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as number | null) : null;
  }

  setOnAirSceneId(id: number | null): void {
    this.#setSetting(ON_AIR_KEY, id);
  }

  /** The master fader; unity and unmuted until one is stored. */
  masterAudio(): AudioSettings {
    const row = this.#db.prepare('SELECT value FROM settings WHERE key = ?').get(MASTER_AUDIO_KEY) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as AudioSettings) : { gainDb: 0, muted: false };
  }

  setMasterAudio(audio: AudioSettings): void {
    this.#setSetting(MASTER_AUDIO_KEY, audio);
  }

  #setSetting(key: string, value: unknown): void {
    this.#db
      .prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, JSON.stringify(value), new Date().toISOString());
  }

  // --- sources ----------------------------------------------------------------

  sources(): StoredSource[] {
    return (this.#db.prepare('SELECT id, name, kind, config FROM sources ORDER BY id').all() as SourceRow[]).map(toSource);
  }

  source(id: number): StoredSource {
    const row = this.#db.prepare('SELECT id, name, kind, config FROM sources WHERE id = ?').get(id) as SourceRow | undefined;
    if (!row) throw new StoreError('NOT_FOUND', `No source with id ${id}.`, { field: 'id' });
    return toSource(row);
  }

  createSource(name: string, config: SourceConfig, audio: AudioSettings): StoredSource {
    const now = new Date().toISOString();
    try {
      const result = this.#db
        .prepare('INSERT INTO sources (name, kind, config, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
        .run(name, config.kind, JSON.stringify({ ...config, audio }), now, now);
      return { id: Number(result.lastInsertRowid), name, config, audio };
    } catch (error) {
      if (isUniqueViolation(error)) throw new StoreError('CONFLICT', `A source named "${name}" already exists.`, { field: 'name' });
      throw error;
    }
  }

  updateSource(id: number, changes: { name?: string | undefined; config?: SourceConfig | undefined; audio?: AudioSettings | undefined }): StoredSource {
    const current = this.source(id);
    const next: StoredSource = { id, name: changes.name ?? current.name, config: changes.config ?? current.config, audio: changes.audio ?? current.audio };
    try {
      this.#db
        .prepare('UPDATE sources SET name = ?, kind = ?, config = ?, updated_at = ? WHERE id = ?')
        .run(next.name, next.config.kind, JSON.stringify({ ...next.config, audio: next.audio }), new Date().toISOString(), id);
    } catch (error) {
      if (isUniqueViolation(error)) throw new StoreError('CONFLICT', `A source named "${next.name}" already exists.`, { field: 'name' });
      throw error;
    }
    return next;
  }

  /** Removes the source and, through the foreign key, every layer that showed it. */
  removeSource(id: number): boolean {
    return this.#db.prepare('DELETE FROM sources WHERE id = ?').run(id).changes > 0;
  }

  // --- scenes -----------------------------------------------------------------

  scenes(): SceneInfo[] {
    const scenes = this.#db.prepare('SELECT id, name FROM scenes ORDER BY position, id').all() as { id: number; name: string }[];
    return scenes.map((scene) => ({ ...scene, layers: this.#layers(scene.id) }));
  }

  scene(id: number): SceneInfo {
    const row = this.#db.prepare('SELECT id, name FROM scenes WHERE id = ?').get(id) as { id: number; name: string } | undefined;
    if (!row) throw new StoreError('NOT_FOUND', `No scene with id ${id}.`, { field: 'id' });
    return { ...row, layers: this.#layers(id) };
  }

  createScene(name: string, layers: LayerSettings[]): SceneInfo {
    return this.#db.transaction(() => {
      const position = (this.#db.prepare('SELECT COALESCE(MAX(position), -1) + 1 AS next FROM scenes').get() as { next: number }).next;
      let id: number;
      try {
        id = Number(
          this.#db.prepare('INSERT INTO scenes (name, position, created_at) VALUES (?, ?, ?)').run(name, position, new Date().toISOString()).lastInsertRowid,
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw new StoreError('CONFLICT', `A scene named "${name}" already exists.`, { field: 'name' });
        throw error;
      }
      this.#writeLayers(id, layers);
      return { id, name, layers: this.#layers(id) };
    })();
  }

  updateScene(id: number, changes: { name?: string | undefined; layers?: LayerSettings[] | undefined }): SceneInfo {
    return this.#db.transaction(() => {
      const current = this.scene(id);
      if (changes.name !== undefined && changes.name !== current.name) {
        try {
          this.#db.prepare('UPDATE scenes SET name = ? WHERE id = ?').run(changes.name, id);
        } catch (error) {
          if (isUniqueViolation(error)) throw new StoreError('CONFLICT', `A scene named "${changes.name}" already exists.`, { field: 'name' });
          throw error;
        }
      }
      if (changes.layers) {
        this.#db.prepare('DELETE FROM scene_layers WHERE scene_id = ?').run(id);
        this.#writeLayers(id, changes.layers);
      }
      return this.scene(id);
    })();
  }

  removeScene(id: number): boolean {
    return this.#db.prepare('DELETE FROM scenes WHERE id = ?').run(id).changes > 0;
  }

  #writeLayers(sceneId: number, layers: LayerSettings[]): void {
    const insert = this.#db.prepare(
      `INSERT INTO scene_layers (scene_id, source_id, z_order, x, y, width, height, crop_top, crop_right, crop_bottom, crop_left, opacity, visible, locked)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    layers.forEach((layer, index) => {
      const source = this.#db.prepare('SELECT config FROM sources WHERE id = ?').get(layer.sourceId) as { config: string } | undefined;
      if (!source)
        throw new StoreError('NOT_FOUND', `Layer ${index + 1} uses source ${layer.sourceId}, which does not exist.`, { field: `layers.${index}.sourceId` });
      const own = JSON.parse(source.config) as { width: number; height: number };
      const crop = layer.crop ?? { top: 0, right: 0, bottom: 0, left: 0 };
      // The cropped part of the source fills the layer: something of it must be left.
      if (crop.left + crop.right >= own.width)
        throw new StoreError(
          'BAD_ARGUMENT',
          `Layer ${index + 1}: crop left + right (${crop.left + crop.right}) must be less than its source's width ${own.width}.`,
          {
            field: `layers.${index}.crop.right`,
          },
        );
      if (crop.top + crop.bottom >= own.height)
        throw new StoreError(
          'BAD_ARGUMENT',
          `Layer ${index + 1}: crop top + bottom (${crop.top + crop.bottom}) must be less than its source's height ${own.height}.`,
          {
            field: `layers.${index}.crop.bottom`,
          },
        );
      // Omitted width/height = the size of the source's cropped part (its own size uncropped), drawn
      // 1:1, resolved now and stored, so a scene read back always has a full rect (and scenes
      // written before layers had sizes read the same way).
      const width = layer.width ?? own.width - crop.left - crop.right;
      const height = layer.height ?? own.height - crop.top - crop.bottom;
      insert.run(
        sceneId,
        layer.sourceId,
        index,
        layer.x,
        layer.y,
        width,
        height,
        crop.top,
        crop.right,
        crop.bottom,
        crop.left,
        layer.opacity,
        layer.visible ? 1 : 0,
        layer.locked ? 1 : 0,
      );
    });
  }

  #layers(sceneId: number): LayerSettings[] {
    const rows = this.#db
      .prepare(
        'SELECT source_id, x, y, width, height, crop_top, crop_right, crop_bottom, crop_left, opacity, visible, locked FROM scene_layers WHERE scene_id = ? ORDER BY z_order',
      )
      .all(sceneId) as Array<{
      source_id: number;
      x: number;
      y: number;
      width: number;
      height: number;
      crop_top: number;
      crop_right: number;
      crop_bottom: number;
      crop_left: number;
      opacity: number;
      visible: number;
      locked: number;
    }>;
    return rows.map((row) => ({
      sourceId: row.source_id,
      x: row.x,
      y: row.y,
      width: row.width,
      height: row.height,
      crop: { top: row.crop_top, right: row.crop_right, bottom: row.crop_bottom, left: row.crop_left },
      opacity: row.opacity,
      visible: row.visible === 1,
      locked: row.locked === 1,
    }));
  }
}

function toSource(row: SourceRow): StoredSource {
  const { audio, ...config } = JSON.parse(row.config) as SourceConfig & { audio?: AudioSettings };
  return { id: row.id, name: row.name, config: config as SourceConfig, audio: audio ?? { gainDb: 0, muted: false } };
}
