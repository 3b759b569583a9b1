// The data dir as the real `studio serve` leaves it and refuses it: private modes, a damaged
// database or a read-only disk refused at start with exit 1 and a message naming the file, a
// damaged WAL reported in status with the data as found kept aside.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../src/shared/contract.ts';
import { openStore } from '../../src/main/engine/store/database.ts';
import { dataDirWithDamagedWal } from '../support/store-damage.ts';
import { repoRoot, startStudio, studioBin } from '../support/studio-server.ts';
import { until } from '../support/wait.ts';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'studio-store-safety-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const modeOf = (file: string) => statSync(file).mode & 0o777;

/** Runs `studio serve` on `dataDir` expecting it to refuse: its exit code and what it wrote. */
function serveExpectingExit(dataDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [studioBin, 'serve', '--port', '0', '--data-dir', dataDir, '--rtmp-port', '0'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`studio serve did not exit:\n${output}`));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('studio serve and its data dir', () => {
  it('makes the data dir 0700 and studio.db, -wal, -shm and api-token 0600', async () => {
    const dataDir = path.join(root, 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const studio = await startStudio({ dataDir });
    try {
      expect((await studio.command('streamKeys.create', { name: 'OBS' })).status).toBe(200);
      expect(modeOf(dataDir)).toBe(0o700);
      for (const name of ['studio.db', 'studio.db-wal', 'studio.db-shm', 'api-token']) expect(modeOf(path.join(dataDir, name)), name).toBe(0o600);
      const status = (await studio.command<{ result: EngineStatus }>('system.status')).body.result;
      expect(status.store.warnings).toEqual([]);
    } finally {
      await studio.stop();
    }
  }, 60_000);

  it('refuses a damaged studio.db: exit 1, a message naming the file and the way out, the file untouched', async () => {
    const dataDir = path.join(root, 'data');
    const store = openStore(dataDir);
    const insert = store.db.prepare('INSERT INTO analytics_samples (sampled_at, metrics) VALUES (?, ?)');
    store.db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(new Date(i * 1000).toISOString(), 'x'.repeat(100));
    })();
    store.close();
    const file = path.join(dataDir, 'studio.db');
    const pages = statSync(file).size / 4096;
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, Math.floor(pages / 2) * 4096);
    closeSync(fd);
    const damaged = readFileSync(file);

    const { code, output } = await serveExpectingExit(dataDir);
    expect(code).toBe(1);
    expect(output).toContain(`studio serve: The database ${file} is damaged (`);
    expect(output).toContain('Restore studio.db from a backup');
    expect(output).not.toContain('listening on');
    expect(readFileSync(file).equals(damaged)).toBe(true);
  }, 60_000);

  it('refuses a data dir on a read-only disk (a real tmpfs remounted ro): exit 1, naming the dir', async () => {
    const mount = path.join(root, 'mount');
    mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount]);
    try {
      const dataDir = path.join(mount, 'data');
      openStore(dataDir).close();
      execFileSync('mount', ['-o', 'remount,ro', mount]);
      const { code, output } = await serveExpectingExit(dataDir);
      expect(code).toBe(1);
      expect(output).toMatch(new RegExp(`studio serve: The data dir ${dataDir} is not writable \\(EROFS: `));
      expect(output).not.toContain('listening on');
    } finally {
      execFileSync('umount', [mount]);
    }
  }, 60_000);

  it('starts on a damaged WAL with the warning in status and the data as found backed up', async () => {
    const dataDir = dataDirWithDamagedWal(root);

    const studio = await startStudio({ dataDir });
    try {
      const status = (await studio.command<{ result: EngineStatus }>('system.status')).body.result;
      expect(status.store.warnings).toHaveLength(1);
      expect(status.store.warnings![0]).toMatch(/studio\.db-wal was damaged: \d+ committed transaction\(s\)/);
      const backups = readdirSync(path.join(dataDir, 'backups'));
      expect(backups).toHaveLength(1);
      expect(status.store.warnings![0]).toContain(path.join(dataDir, 'backups', backups[0]!));
      expect(existsSync(path.join(dataDir, 'backups', backups[0]!, 'studio.db-wal'))).toBe(true);
      expect(studio.output()).toContain('studio.db-wal was damaged');
    } finally {
      await studio.stop();
    }
  }, 60_000);

  it('prunes old analytics samples at start, and again when a retention setting changes', async () => {
    const dataDir = path.join(root, 'data');
    const store = openStore(dataDir);
    const insert = store.db.prepare("INSERT INTO analytics_samples (sampled_at, metrics) VALUES (?, '{}')");
    const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 60 * 60 * 1000).toISOString();
    for (const age of [400, 200, 100, 30, 10, 1]) insert.run(daysAgo(age));
    store.close();
    const studio = await startStudio({ dataDir });
    const reader = new BetterSqlite3(path.join(dataDir, 'studio.db'), { readonly: true });
    try {
      const left = () => (reader.prepare('SELECT sampled_at FROM analytics_samples ORDER BY sampled_at').all() as { sampled_at: string }[]).length;
      await until(
        () => left() === 3,
        20_000,
        () => `the samples older than 90 days pruned at start (${left()} left)`,
      );
      const set = await studio.command('settings.set', { key: 'retention.analyticsDays', value: 7 });
      expect(set.status).toBe(200);
      await until(
        () => left() === 1,
        20_000,
        () => `the samples older than 7 days pruned after the change (${left()} left)`,
      );
      const refused = await studio.command<{ error: { code: string; field: string } }>('settings.set', { key: 'retention.analyticsDays', value: 0 });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'BAD_ARGUMENT', field: 'value' });
    } finally {
      reader.close();
      await studio.stop();
    }
  }, 60_000);
});
