#!/usr/bin/env node
// Entry for `studio` and `npm run studio`. The CLI is TypeScript run by Node's own type
// stripping (default from Node 22.18/23.6); older Node 22 needs the flag, so re-exec with it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../src/main/cli/studio.ts', import.meta.url));
if (process.features.typescript) {
  await import(entry);
} else {
  const child = spawnSync(process.execPath, ['--experimental-strip-types', '--no-warnings', entry, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}
