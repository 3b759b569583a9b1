import os from 'node:os';
import path from 'node:path';

export const PRODUCT_NAME = 'Broadcast Studio';

/**
 * Where the studio keeps its data when no --data-dir is given: the same folder Electron uses as
 * userData for this product, so the desktop app and `studio serve` share settings by default.
 */
export function defaultDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', PRODUCT_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), PRODUCT_NAME);
}
