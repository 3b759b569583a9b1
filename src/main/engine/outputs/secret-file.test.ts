// Secrets in ffmpeg's command line: kept out of it where the ffmpeg reads option values from files,
// and otherwise said plainly in the output's status. The real ffmpeg here (Debian 5.1) cannot.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { srtOutputSettings } from '../../../shared/outputs.ts';
import { probeOptionValuesFromFiles } from '../encoder/ffmpeg-probe.ts';
import { liveChildCount } from '../process/reaper.ts';
import { processListWarning, SecretFile } from './secret-file.ts';
import { SrtOutput, srtArgs } from './srt-output.ts';
import { capturingLogger, waitFor } from '../../../../tests/support/outputs.ts';
import { freePort } from '../../../../tests/support/ports.ts';

const PASSPHRASE = 'correct-horse-battery-staple';
const srt = (raw: Record<string, unknown> = {}) => srtOutputSettings.parse({ kind: 'srt', url: 'srt://127.0.0.1:9000', passphrase: PASSPHRASE, ...raw });
const mode = (file: string) => statSync(file).mode & 0o777;

afterAll(() => expect(liveChildCount()).toBe(0));

describe('SecretFile', () => {
  it('writes the value 0600 in a 0700 folder of its own, again after removal, and removes both on remove()', () => {
    const secret = new SecretFile(PASSPHRASE, 'passphrase');
    expect(existsSync(secret.path)).toBe(false); // nothing before it is needed
    secret.write();
    expect(readFileSync(secret.path, 'utf8')).toBe(PASSPHRASE);
    expect(mode(secret.path)).toBe(0o600);
    expect(mode(path.dirname(secret.path))).toBe(0o700);
    expect(path.basename(path.dirname(secret.path))).toMatch(/^studio-secret-[0-9a-f-]{36}$/);
    secret.write(); // a restart writes it again
    expect(readFileSync(secret.path, 'utf8')).toBe(PASSPHRASE);
    secret.remove();
    expect(existsSync(path.dirname(secret.path))).toBe(false);
  });
});

describe('args for an ffmpeg that reads option values from files', () => {
  it('SRT: -/passphrase names the file; the passphrase is nowhere in the arguments', () => {
    const args = srtArgs(srt(), '/run/x/passphrase');
    expect(args.slice(args.indexOf('-/passphrase'), args.indexOf('-/passphrase') + 4)).toEqual(['-/passphrase', '/run/x/passphrase', '-pbkeylen', '16']);
    expect(args.join(' ')).not.toContain(PASSPHRASE);
    expect(args).not.toContain('-passphrase');
    // Without a file (this ffmpeg), the passphrase is an argument.
    expect(srtArgs(srt())).toContain(PASSPHRASE);
  });

  it('the SRT output uses the file and carries no warning; without the capability it warns in its status', () => {
    const { logger } = capturingLogger();
    const hidden = new SrtOutput({ id: 'a', settings: srt(), ffmpegPath: 'ffmpeg', logger, optionValuesFromFiles: true });
    expect(hidden.status().warnings).toEqual([]);
    expect(new SrtOutput({ id: 'c', settings: srt(), ffmpegPath: 'ffmpeg', logger }).status().warnings).toEqual([processListWarning('SRT passphrase')]);
    // No passphrase, no secret, no warning.
    expect(new SrtOutput({ id: 'e', settings: srt({ passphrase: undefined }), ffmpegPath: 'ffmpeg', logger }).status().warnings).toEqual([]);
  });
});

describe('the real ffmpeg on this machine (Debian 5.1)', () => {
  it('cannot read option values from files, so the passphrase is in its process arguments and the status says so', async () => {
    const optionValuesFromFiles = await probeOptionValuesFromFiles('ffmpeg');
    expect(optionValuesFromFiles).toBe(false);
    const port = await freePort('udp');
    const { logger, lines } = capturingLogger();
    const output = new SrtOutput({
      id: 'srt-ps',
      settings: srt({ url: `srt://127.0.0.1:${port}`, mode: 'listener' }),
      ffmpegPath: 'ffmpeg',
      logger,
      optionValuesFromFiles,
    });
    output.start();
    try {
      // What `ps` shows any local user: the command line, once the child has exec'd ffmpeg.
      // Read once and kept: the child may exit (and its cmdline empty) between two reads.
      let commandLine: string[] = [];
      const commandLineOf = (pid: number | undefined) => {
        if (pid === undefined) return [];
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        } catch {
          return []; // gone between the pid and the read
        }
      };
      await waitFor(
        () => {
          commandLine = commandLineOf(output.pid);
          return commandLine.includes('-f');
        },
        () => JSON.stringify(output.status()),
      );
      const status = output.status();
      // The invariant: a secret in the process list is never there silently.
      expect(commandLine, commandLine.join(' ')).toContain(PASSPHRASE);
      expect(status.warnings).toEqual([processListWarning('SRT passphrase')]);
      expect(JSON.stringify(status)).not.toContain(PASSPHRASE);
    } finally {
      await output.stop();
    }
    expect(lines.join('\n')).not.toContain(PASSPHRASE);
  }, 20_000);
});
