import { readFileSync } from 'node:fs';

/** The studio's version, from package.json (the Electron host asks app.getVersion() instead). */
export function packageVersion(): string {
  const file = new URL('../../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
