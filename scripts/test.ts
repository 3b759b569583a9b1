// `npm test`: the whole suite, in the order a failure is cheapest to find.
// layers -> lint and format -> build -> type-check node and web code -> unit + integration (vitest)
// -> end-to-end (Playwright in Chromium).
// Prints one closing line, "tests: N passed, N failed, N skipped", counted from the runners' JSON reports.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const results = path.join(root, 'test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

function step(title: string, command: string, args: string[]): boolean {
  process.stdout.write(`\n=== ${title}\n`);
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  if (run.status !== 0) process.stdout.write(`=== ${title} failed (exit ${run.status ?? run.signal})\n`);
  return run.status === 0;
}

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

function vitestCounts(file: string): Counts {
  if (!existsSync(file)) return { passed: 0, failed: 0, skipped: 0 };
  const report = JSON.parse(readFileSync(file, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests };
}

function playwrightCounts(file: string): Counts {
  if (!existsSync(file)) return { passed: 0, failed: 0, skipped: 0 };
  const report = JSON.parse(readFileSync(file, 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };
  return { passed: report.stats.expected + report.stats.flaky, failed: report.stats.unexpected, skipped: report.stats.skipped };
}

// Cheap checks first: the layering (layers.json, import cycles), then Biome's lint and format check.
let ok = step('layers and import cycles (layers.json)', process.execPath, [path.join(root, 'scripts', 'check-layers.ts')]);
ok = step('lint and format check (Biome)', bin('biome'), ['ci', '--reporter=summary', '.']) && ok;
ok = step('build (electron-vite)', bin('electron-vite'), ['build']) && ok;
ok = step('type-check node code', bin('tsc'), ['--noEmit', '-p', 'tsconfig.node.json']) && ok;
ok = step('type-check web code', bin('tsc'), ['--noEmit', '-p', 'tsconfig.web.json']) && ok;
const unitReport = path.join(results, 'vitest.json');
ok = step('unit and integration tests (vitest)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${unitReport}`]) && ok;
const e2eReport = path.join(results, 'e2e.json');
process.env.PLAYWRIGHT_JSON_OUTPUT_NAME = e2eReport;
ok = step('end-to-end tests (Playwright, system Chromium)', bin('playwright'), ['test', '--reporter=list,json']) && ok;

const totals = [vitestCounts(unitReport), playwrightCounts(e2eReport)].reduce((a, b) => ({
  passed: a.passed + b.passed,
  failed: a.failed + b.failed,
  skipped: a.skipped + b.skipped,
}));
if (!ok && totals.failed === 0) totals.failed = 1; // a failed build or type-check is a failure too
process.stdout.write(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(ok ? 0 : 1);
