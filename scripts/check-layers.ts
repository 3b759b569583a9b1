// `npm run lint:layers`: every import in the repository checked against layers.json, and no runtime
// import cycle. The layering is a decision written in one file, so a new edge between two parts is
// a visible change, not a drift (VS Code's `code-layering` does the same with a lint rule).
//
// A file belongs to the layer with the longest matching path prefix. Unit specs (*.test.ts) and
// test scaffolding are test code: they may use anything in src/ and tests/support/, but nothing in
// src/ may import tests/. Type-only imports obey the layer rules too (a type names a dependency);
// only value imports count towards cycles, since only they run.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface LayerRule {
  may: string[];
  packages?: { forbid?: string[] };
}

interface ImportEdge {
  from: string;
  specifier: string;
  /** The repository-relative file it resolves to; null for a package. */
  to: string | null;
  typeOnly: boolean;
  line: number;
}

const SOURCE_ROOTS = ['src', 'tests', 'bench', 'scripts'];
const SOURCE_FILE = /\.(ts|tsx|mts)$/;
// import/export ... from '...' (type-only or not), side-effect imports, and dynamic import('...').
const STATIC_IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

export function loadRules(root: string): Map<string, LayerRule> {
  const config = JSON.parse(readFileSync(path.join(root, 'layers.json'), 'utf8')) as { layers: Record<string, LayerRule> };
  return new Map(Object.entries(config.layers));
}

function listSources(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) walk(relative);
      } else if (SOURCE_FILE.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(relative);
    }
  };
  for (const dir of SOURCE_ROOTS) walk(dir);
  return files.sort();
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function importsOf(file: string, text: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const add = (specifier: string, typeOnly: boolean, index: number): void => {
    const relative = specifier.startsWith('.');
    const to = relative ? path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)) : null;
    edges.push({ from: file, specifier, to, typeOnly, line: lineOf(text, index) });
  };
  for (const match of text.matchAll(STATIC_IMPORT)) add(match[3]!, match[2] !== undefined, match.index);
  for (const match of text.matchAll(DYNAMIC_IMPORT)) add(match[1]!, false, match.index);
  return edges;
}

export function layerOf(file: string, rules: Map<string, LayerRule>): string | null {
  let best: string | null = null;
  for (const layer of rules.keys()) {
    if ((file === layer || file.startsWith(`${layer}/`)) && (best === null || layer.length > best.length)) best = layer;
  }
  return best;
}

/** Specs, test scaffolding and benchmarks: they drive the code from outside. */
const isTestCode = (file: string): boolean => /\.test\.tsx?$/.test(file) || file.startsWith('tests/') || file.startsWith('bench/');

/** A layer's forbidden packages hold for every layer inside it too: nothing in the engine imports electron. */
function forbiddenPackages(file: string, rules: Map<string, LayerRule>): string[] {
  const forbidden: string[] = [];
  for (const [layer, rule] of rules) if (file === layer || file.startsWith(`${layer}/`)) forbidden.push(...(rule.packages?.forbid ?? []));
  return forbidden;
}

/** "src/main/engine/*" allows every layer below src/main/engine (and itself). */
function allows(pattern: string, target: string): boolean {
  if (pattern.endsWith('/*')) {
    const base = pattern.slice(0, -2);
    return target === base || target.startsWith(`${base}/`);
  }
  return pattern === target;
}

function packageName(specifier: string): string {
  if (specifier.startsWith('node:')) return specifier;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

export function layerViolations(edges: ImportEdge[], rules: Map<string, LayerRule>): string[] {
  const problems: string[] = [];
  for (const edge of edges) {
    const where = `${edge.from}:${edge.line}`;
    const fromLayer = layerOf(edge.from, rules);
    if (fromLayer === null) continue;
    if (edge.to === null) {
      const forbidden = forbiddenPackages(edge.from, rules);
      if (forbidden.includes(packageName(edge.specifier))) problems.push(`${where}: ${fromLayer} must not import the package "${edge.specifier}"`);
      continue;
    }
    if (edge.to.startsWith('tests/') && !isTestCode(edge.from)) {
      problems.push(`${where}: code in ${fromLayer} imports test scaffolding ${edge.to}; tests import src, never the other way`);
      continue;
    }
    const toLayer = layerOf(edge.to, rules);
    if (toLayer === null || toLayer === fromLayer) continue;
    const allowed = isTestCode(edge.from) ? ['src/*', 'tests/support', ...rules.get(fromLayer)!.may] : rules.get(fromLayer)!.may;
    if (!allowed.some((pattern) => allows(pattern, toLayer))) {
      problems.push(
        `${where}: ${fromLayer} may not import ${toLayer} ("${edge.specifier}"${edge.typeOnly ? ', type-only' : ''}); allowed: ${allowed.join(', ') || 'nothing of ours'} (layers.json)`,
      );
    }
  }
  return problems;
}

/** Runtime import cycles (Tarjan's strongly connected components over value imports). */
export function runtimeCycles(edges: ImportEdge[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const edge of edges) {
    if (edge.typeOnly || edge.to === null) continue;
    graph.set(edge.from, [...(graph.get(edge.from) ?? []), edge.to]);
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

function main(): number {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const rules = loadRules(root);
  const edges = listSources(root).flatMap((file) => importsOf(file, readFileSync(path.join(root, file), 'utf8')));
  const problems = layerViolations(edges, rules);
  for (const cycle of runtimeCycles(edges)) problems.push(`runtime import cycle: ${cycle.join(' <-> ')}`);
  for (const problem of problems) process.stderr.write(`${problem}\n`);
  process.stdout.write(`layers: ${edges.length} imports checked, ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
  return problems.length === 0 ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
