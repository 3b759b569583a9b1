import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importsOf, layerOf, layerViolations, loadRules, runtimeCycles } from './check-layers.ts';

const rules = loadRules(fileURLToPath(new URL('..', import.meta.url)));
const check = (file: string, text: string) => layerViolations(importsOf(file, text), rules);

describe('layers.json, as scripts/check-layers.ts reads it', () => {
  it('puts a file in the layer with the longest matching prefix', () => {
    expect(layerOf('src/main/engine/store/database.ts', rules)).toBe('src/main/engine/store');
    expect(layerOf('src/main/engine/errors.ts', rules)).toBe('src/main/engine');
    expect(layerOf('src/renderer/src/App.tsx', rules)).toBe('src/renderer');
    expect(layerOf('tests/support/wait.ts', rules)).toBe('tests/support');
  });

  it('refuses a capability importing the host, and the store importing the program (types too)', () => {
    expect(check('src/main/engine/outputs/fanout.ts', "import { Engine } from '../host/engine.ts';")).toEqual([
      expect.stringContaining('src/main/engine/outputs may not import src/main/engine/host'),
    ]);
    expect(check('src/main/engine/store/x.ts', "import type { CueSent } from '../program/program.ts';")).toEqual([expect.stringContaining('type-only')]);
  });

  it('refuses shared importing anything of ours, the renderer importing main, and the engine importing electron', () => {
    expect(check('src/shared/contract.ts', "import { x } from '../main/engine/errors.ts';")).toHaveLength(1);
    expect(check('src/renderer/src/App.tsx', "import { Engine } from '../../main/engine/host/engine.ts';")).toHaveLength(1);
    expect(check('src/main/engine/host/engine.ts', "import { app } from 'electron';")).toEqual([expect.stringContaining('package "electron"')]);
  });

  it('refuses production code importing test scaffolding, and lets specs and benchmarks use it', () => {
    expect(check('src/main/engine/ingest/rtmp-ingest.ts', "import { freePort } from '../../../../tests/support/net.ts';")).toEqual([
      expect.stringContaining('imports test scaffolding'),
    ]);
    expect(check('src/main/engine/ingest/rtmp-ingest.test.ts', "import { freePort } from '../../../../tests/support/net.ts';")).toEqual([]);
    expect(check('bench/pipeline.ts', "import { until } from '../tests/support/wait.ts';")).toEqual([]);
  });

  it('allows what layers.json lists: the host any capability, a capability the engine root and shared', () => {
    expect(check('src/main/engine/host/handlers.ts', "import { OutputFanout } from '../outputs/fanout.ts';\nimport type { Logger } from '../log.ts';")).toEqual(
      [],
    );
    expect(
      check(
        'src/main/engine/outputs/fanout.ts',
        "import { errorMessage } from '../errors.ts';\nimport type { OutputStatus } from '../../../shared/outputs.ts';",
      ),
    ).toEqual([]);
  });

  it('reads static, type-only, re-export, side-effect and dynamic imports', () => {
    const edges = importsOf(
      'src/a/b.ts',
      "import x from './x.ts';\nimport type { Y } from '../y.ts';\nexport { z } from './z.ts';\nimport './side.ts';\nconst m = await import('./lazy.ts');\nimport fs from 'node:fs';",
    );
    expect(edges.map((edge) => [edge.to ?? edge.specifier, edge.typeOnly, edge.line])).toEqual([
      ['src/a/x.ts', false, 1],
      ['src/y.ts', true, 2],
      ['src/a/z.ts', false, 3],
      ['src/a/side.ts', false, 4],
      ['node:fs', false, 6],
      ['src/a/lazy.ts', false, 5],
    ]);
  });

  it('finds runtime cycles and ignores type-only ones', () => {
    const edges = [
      ...importsOf('src/a.ts', "import { b } from './b.ts';"),
      ...importsOf('src/b.ts', "import { c } from './c.ts';"),
      ...importsOf('src/c.ts', "import { a } from './a.ts';"),
      ...importsOf('src/d.ts', "import type { E } from './e.ts';"),
      ...importsOf('src/e.ts', "import { d } from './d.ts';"),
    ];
    expect(runtimeCycles(edges)).toEqual([['src/a.ts', 'src/b.ts', 'src/c.ts']]);
  });
});
