// A layer's crop (#13): source pixels cut from each edge, checked by the schema (integers ≥ 0,
// opposite edges under the largest source) and by the store against the layer's own source,
// stored, and the default size of a cropped layer (its cropped part at 1:1).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { audioSettingsSchema, layerSchema, sceneCreateArgs, sourceConfigSchema } from '../../../shared/program.ts';
import { openStore, type Store } from './database.ts';
import { ProgramRepository } from './program-repository.ts';
import { StoreError } from './errors.ts';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'studio-layer-crop-'));
});
afterEach(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('layer crop schema', () => {
  it('defaults every edge to 0 and takes integers ≥ 0', () => {
    expect(layerSchema.parse({ sourceId: 1, crop: {} }).crop).toEqual({ top: 0, right: 0, bottom: 0, left: 0 });
    expect(layerSchema.parse({ sourceId: 1, crop: { left: 3, bottom: 7 } }).crop).toEqual({ top: 0, right: 0, bottom: 7, left: 3 });
  });

  it('refuses negative, fractional and unknown edges, naming the edge', () => {
    for (const [crop, field] of [
      [{ left: -1 }, 'crop.left'],
      [{ top: 1.5 }, 'crop.top'],
      [{ middle: 2 }, 'crop'],
    ] as const) {
      const parsed = layerSchema.safeParse({ sourceId: 1, crop });
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues[0]!.path.join('.'), JSON.stringify(crop)).toBe(field);
    }
  });

  it('refuses opposite edges that leave nothing of any source, naming the far edge', () => {
    const wide = layerSchema.safeParse({ sourceId: 1, crop: { left: 2000, right: 1840 } });
    expect(wide.error!.issues.map((issue) => issue.path.join('.'))).toEqual(['crop.right']);
    const tall = sceneCreateArgs.safeParse({ name: 'S', layers: [{ sourceId: 1, crop: { top: 1080, bottom: 1080 } }] });
    expect(tall.error!.issues.map((issue) => issue.path.join('.'))).toEqual(['layers.0.crop.bottom']);
  });
});

describe('program repository: crop', () => {
  function setup(): { repository: ProgramRepository; source: number } {
    store = openStore(dir);
    const repository = new ProgramRepository(store.db);
    const config = sourceConfigSchema.parse({ kind: 'color', color: '#ff0000', width: 320, height: 180 });
    return { repository, source: repository.createSource('Red', config, audioSettingsSchema.parse({})).id };
  }

  it('stores the crop and reads it back; a cropped layer without a size is its cropped part at 1:1', () => {
    const { repository, source } = setup();
    const layers = sceneCreateArgs.parse({
      name: 'S',
      layers: [
        { sourceId: source, crop: { left: 10, right: 30, top: 5, bottom: 15 } },
        { sourceId: source, width: 640, height: 360, crop: { left: 1, right: 0, top: 0, bottom: 3 } },
      ],
    }).layers;
    const scene = repository.createScene('S', layers);
    const read = repository.scenes().find((s) => s.id === scene.id)!.layers;
    expect(read[0]).toMatchObject({ width: 280, height: 160, crop: { left: 10, right: 30, top: 5, bottom: 15 } });
    expect(read[1]).toMatchObject({ width: 640, height: 360, crop: { left: 1, right: 0, top: 0, bottom: 3 } });
  });

  it("refuses a crop that leaves nothing of the layer's own source, naming the layer's field", () => {
    const { repository, source } = setup();
    const across = thrown(() =>
      repository.createScene(
        'S',
        sceneCreateArgs.parse({ name: 'S', layers: [{ sourceId: source }, { sourceId: source, crop: { left: 200, right: 120 } }] }).layers,
      ),
    );
    expect(across).toBeInstanceOf(StoreError);
    expect((across as StoreError).toCommandError()).toMatchObject({ code: 'BAD_ARGUMENT', field: 'layers.1.crop.right' });
    const down = thrown(() =>
      repository.createScene('T', sceneCreateArgs.parse({ name: 'T', layers: [{ sourceId: source, crop: { top: 179, bottom: 1 } }] }).layers),
    );
    expect((down as StoreError).toCommandError()).toMatchObject({ code: 'BAD_ARGUMENT', field: 'layers.0.crop.bottom' });
    // Nothing half-written: the refused scenes are not there.
    expect(repository.scenes().map((s) => s.name)).toEqual([]);
  });
});
