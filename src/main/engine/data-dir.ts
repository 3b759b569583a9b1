import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, rmSync } from 'node:fs';
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

/** The data dir holds stream keys and passphrases: only its owner may list or open anything in it. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates the data dir private (0700), or makes an existing one private, and proves it can be
 * written by creating and removing a file in it. Throws the file system's error (EROFS, EACCES,
 * ENOSPC...) for the caller to explain. Returns warnings for what could not be made private.
 */
export function preparePrivateDataDir(dataDir: string): string[] {
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const probe = path.join(dataDir, `.write-probe-${randomBytes(8).toString('hex')}`);
  closeSync(openSync(probe, 'wx', PRIVATE_FILE_MODE));
  rmSync(probe);
  const warning = makePrivate(dataDir, PRIVATE_DIR_MODE);
  return warning ? [warning] : [];
}

/**
 * chmod, where only the owner may: a file we can write but do not own (a shared folder) keeps
 * its mode, with a warning instead of a refusal. Any other failure is thrown.
 */
export function makePrivate(file: string, mode: number): string | undefined {
  try {
    chmodSync(file, mode);
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    return `${file} could not be made private (mode ${mode.toString(8)}): it belongs to another user`;
  }
}
