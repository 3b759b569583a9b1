// Starts the real `studio serve` as a child process on a free loopback port, with its own data dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.ts';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const studioBin = path.join(repoRoot, 'bin', 'studio.js');

export interface RunningStudio {
  url: string;
  port: number;
  rtmpPort: number;
  dataDir: string;
  /** The API token, read from the data dir as any local client would. */
  token: string;
  /** Headers that authenticate a request (the token on every bind, loopback included). */
  authHeaders: Record<string, string>;
  /** POST /api/v1/commands/<name> with the token; the parsed JSON body and the status. */
  command<T = unknown>(name: string, args?: unknown): Promise<{ status: number; body: T }>;
  process: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

export async function startStudio(options: { host?: string; args?: string[]; env?: NodeJS.ProcessEnv; dataDir?: string } = {}): Promise<RunningStudio> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'studio-test-'));
  const host = options.host ?? '127.0.0.1';
  const rtmpPort = await freePort();
  const args = ['serve', '--port', '0', '--host', host, '--data-dir', dataDir, '--rtmp-port', String(rtmpPort), ...(options.args ?? [])];
  const child = spawn(process.execPath, [studioBin, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`studio serve did not start within 20 s:\n${output}`)), 20_000);
    const onData = () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`studio serve exited with ${code}:\n${output}`));
    });
  });

  const token = readFileSync(path.join(dataDir, 'api-token'), 'utf8').trim();
  const authHeaders = { Authorization: `Bearer ${token}` };
  return {
    url,
    port: Number(new URL(url).port),
    rtmpPort,
    dataDir,
    token,
    authHeaders,
    command: async <T>(name: string, args: unknown = {}) => {
      const response = await fetch(`${url}/api/v1/commands/${name}`, {
        method: 'POST',
        headers: { ...authHeaders, 'Content-Type': 'application/json' },
        body: JSON.stringify(args),
      });
      return { status: response.status, body: (await response.json()) as T };
    },
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
