// `npm run bench -- <name>`: runs bench/<name>.ts and prints its JSON figures on stdout.
// Each benchmark measures its own reference in the same run, so figures compare on a noisy machine.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const available = readdirSync(benchDir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3));

const name = process.argv[2];
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <name>; available: ${available.join(', ') || '(none)'}\n`);
  process.exit(1);
}
const file = path.join(benchDir, `${name}.ts`);
if (!existsSync(file)) process.exit(1);
const mod = (await import(pathToFileURL(file).href)) as { default: (args: string[]) => Promise<unknown> | unknown };
const result = await mod.default(process.argv.slice(3));
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
