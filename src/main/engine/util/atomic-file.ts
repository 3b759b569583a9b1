// The one way the studio replaces a file: readers see the old content or the new, never a torn
// one, and the write never goes through a path someone else planted.
//
// The temporary file gets an unpredictable name (128 random bits) and is opened with `wx`
// (O_CREAT | O_EXCL): open(2) then fails with EEXIST on any existing path, a symlink included, so
// the data can only land in a file this call just created. rename(2) then replaces the target's
// directory entry; if the target is a symlink, the link itself is replaced, not the file it names.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** File mode of the new file. Default 0600: the studio's own files are private. */
  mode?: number;
  /**
   * fsync the data before the rename, and the folder after it, so the new content survives a
   * power cut. Default true. Skip it only for files that are worthless after a crash anyway
   * (live HLS segments: a restart starts a new media sequence window).
   */
  durable?: boolean;
}

/** A fresh name beside `target`, hidden, that no one can guess in advance. */
export function temporaryPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(16).toString('hex')}.tmp`);
}

function asBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data) : data;
}

/** Synchronous: for small files written once (the API token, a state file at start). */
export function writeFileAtomic(target: string, data: string | Uint8Array, options: AtomicWriteOptions | number = {}): void {
  writeFileAtomicStreaming(target, (write) => write(asBytes(data)), typeof options === 'number' ? { mode: options } : options);
}

/**
 * Synchronous, for output produced piece by piece (`studio ts inject`): `produce` calls `write`
 * as often as it likes; the target appears only if `produce` returns.
 */
export function writeFileAtomicStreaming(target: string, produce: (write: (bytes: Uint8Array) => void) => void, options: AtomicWriteOptions = {}): void {
  const { mode = 0o600, durable = true } = options;
  const temporary = temporaryPathFor(target);
  const fd = openSync(temporary, 'wx', mode);
  try {
    produce((bytes) => {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    });
    if (durable) fsyncSync(fd);
    closeSync(fd);
  } catch (error) {
    closeQuietly(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  try {
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  if (durable) fsyncDirectory(path.dirname(target));
}

/** Asynchronous: for files written while the program runs (HLS), so disk waits never block the event loop. */
export async function writeFileAtomicAsync(target: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const { mode = 0o600, durable = true } = options;
  const temporary = temporaryPathFor(target);
  const handle = await open(temporary, 'wx', mode);
  try {
    await handle.writeFile(asBytes(data));
    if (durable) await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
  try {
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  if (durable) {
    const directory = await open(path.dirname(target), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }
}

/** The rename is in the folder's entries: fsync the folder so it survives a power cut too. */
function fsyncDirectory(directory: string): void {
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed, or the close itself failed: the temporary file is removed next either way
  }
}
