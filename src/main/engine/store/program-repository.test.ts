import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { audioSettingsSchema, layerSchema, sceneCreateArgs, sourceConfigSchema } from '../../../shared/program.ts';
import { openStore, type Store } from './database.ts';
import { migrations } from './migrations.ts';
import { ProgramRepository } from './program-repository.ts';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'studio-program-repo-'));
});
afterEach(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function colorSource(repository: ProgramRepository, width: number, height: number): number {
  const config = sourceConfigSchema.parse({ kind: 'color', color: '#ff0000', width, height });
  return repository.createSource(`Colour ${width}x${height}`, config, audioSettingsSchema.parse({})).id;
}

describe('layer geometry schema', () => {
  it('takes width, height and locked, and leaves the size to the source when omitted', () => {
    expect(layerSchema.parse({ sourceId: 1 })).toEqual({ sourceId: 1, x: 0, y: 0, opacity: 1, visible: true });
    expect(layerSchema.parse({ sourceId: 1, x: 10, y: 20, width: 640, height: 360, locked: true })).toMatchObject({ width: 640, height: 360, locked: true });
  });

  it('refuses sizes that cannot be drawn', () => {
    for (const bad of [{ width: 0 }, { height: -5 }, { width: 1.5 }, { width: 7681 }, { locked: 'yes' }]) {
      const parsed = layerSchema.safeParse({ sourceId: 1, ...bad });
      expect(parsed.success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('program repository: layer geometry', () => {
  it('stores each layer its own rect, so one source has two sizes in two scenes', () => {
    store = openStore(dir);
    const repository = new ProgramRepository(store.db);
    const source = colorSource(repository, 320, 180);
    const big = repository.createScene('Big', sceneCreateArgs.parse({ name: 'Big', layers: [{ sourceId: source, width: 1280, height: 720 }] }).layers);
    const small = repository.createScene(
      'Small',
      sceneCreateArgs.parse({ name: 'Small', layers: [{ sourceId: source, x: 8, y: 4, width: 160, height: 90, locked: true }] }).layers,
    );
    const unsized = repository.createScene('Own size', sceneCreateArgs.parse({ name: 'Own size', layers: [{ sourceId: source }] }).layers);
    const read = (id: number) => repository.scenes().find((scene) => scene.id === id)!.layers[0];
    expect(read(big.id)).toMatchObject({ width: 1280, height: 720, locked: false });
    expect(read(small.id)).toMatchObject({ x: 8, y: 4, width: 160, height: 90, locked: true });
    expect(read(unsized.id)).toMatchObject({ width: 320, height: 180, locked: false });
  });

  it('keeps scenes stored before the lock existed: they read back unlocked, at their stored size', () => {
    const before = openStore(dir, { migrations: migrations.filter((migration) => migration.version < 5) });
    const old = new ProgramRepository(before.db);
    const source = colorSource(old, 320, 180);
    const sceneId = Number(before.db.prepare(`INSERT INTO scenes (name, position, created_at) VALUES ('Old', 0, 'x')`).run().lastInsertRowid);
    before.db.prepare('INSERT INTO scene_layers (scene_id, source_id, z_order, x, y, width, height) VALUES (?, ?, 0, 5, 6, 320, 180)').run(sceneId, source);
    before.close();

    store = openStore(dir);
    const layers = new ProgramRepository(store.db).scenes().find((scene) => scene.id === sceneId)!.layers;
    expect(layers).toEqual([
      { sourceId: source, x: 5, y: 6, width: 320, height: 180, crop: { top: 0, right: 0, bottom: 0, left: 0 }, opacity: 1, visible: true, locked: false },
    ]);
  });
});
