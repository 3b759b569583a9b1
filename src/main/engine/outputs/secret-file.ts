// Keeping the SRT passphrase out of ffmpeg's command line, which every local user can read (`ps`,
// /proc/PID/cmdline). An ffmpeg that reads option values from files (`-/option FILE`) gets a path
// instead: a 0600 file in a 0700 folder of its own, kept while the output may reconnect and removed
// when it stops. An ffmpeg that cannot gets the value in its argv, and the output says so in its
// status (processListWarning). RTMP stream keys go another way, with any ffmpeg: rtmp-key-relay.ts.
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class SecretFile {
  readonly path: string;
  readonly #folder: string;
  readonly #value: string;

  /** Picks the path; nothing is written until `write()`. `name` is the file's name (not secret). */
  constructor(value: string, name: string, parent = os.tmpdir()) {
    // An unguessable folder name, made with mkdir (fails rather than follows anything planted).
    this.#folder = path.join(parent, `studio-secret-${randomUUID()}`);
    this.path = path.join(this.#folder, name);
    this.#value = value;
  }

  /** Writes the value (again, if it was removed): the folder 0700, the file 0600, never followed. */
  write(): void {
    try {
      mkdirSync(this.#folder, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    rmSync(this.path, { force: true });
    writeFileSync(this.path, this.#value, { mode: 0o600, flag: 'wx' });
  }

  remove(): void {
    rmSync(this.#folder, { recursive: true, force: true });
  }
}

/**
 * The standing note of an output whose secret travels in ffmpeg's argv. ffmpeg ≥ 7 reads its own
 * options from files (`-/filter_complex FILE`) but not a protocol's options (`-/passphrase`,
 * `-/rtmp_playpath`: "Unrecognized option", checked with 7.1), so the probe decides, not the version.
 */
export function processListWarning(secret: 'SRT passphrase'): string {
  return `the ${secret} is visible to local users in the process list: this ffmpeg takes it only as a command-line argument (see the README, "Secrets in process arguments")`;
}
