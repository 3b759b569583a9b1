// The reaper in a real Node process: a graceful host gets the signal and ends the process itself;
// without one the process dies of the signal; either way, and on any exit, no tracked child lives on.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const reaper = fileURLToPath(new URL('./reaper.ts', import.meta.url));

/** Runs a script that tracks a `sleep` child, prints its pid, then does `then` (JS source). */
async function run(then: string, signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; childPid: number }> {
  const script = `
    import { spawn } from 'node:child_process';
    import { trackChild, handleShutdownSignals } from ${JSON.stringify(reaper)};
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    trackChild(child);
    ${then}
    console.log('child ' + child.pid);
    setInterval(() => {}, 1000);
  `;
  const node = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  const ready = new Promise<number>((resolve) => {
    node.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /child (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    node.once('exit', (code, sig) => resolve({ code, signal: sig })),
  );
  const childPid = await ready;
  if (signal) node.kill(signal);
  const result = await exited;
  return { ...result, out, childPid };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  return !alive(pid);
}

describe('reaper', () => {
  it('without a graceful host: kills the children and dies of the signal', async () => {
    const result = await run('', 'SIGTERM');
    expect(result).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(await gone(result.childPid)).toBe(true);
  });

  it('with a graceful host: hands it the signal, the process ends as the host says, and the children die on exit', async () => {
    const result = await run(
      `handleShutdownSignals((signal) => { console.log('graceful ' + signal + ' child alive ' + (child.exitCode === null && child.signalCode === null)); setTimeout(() => process.exit(0), 100); });`,
      'SIGTERM',
    );
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(result.out).toContain('graceful SIGTERM child alive true'); // not killed before the host shut down
    expect(await gone(result.childPid)).toBe(true);
  });

  it('kills the children when the process dies of an uncaught exception', async () => {
    const result = await run(`setTimeout(() => { throw new Error('boom'); }, 200);`);
    expect(result.code).not.toBe(0);
    expect(await gone(result.childPid)).toBe(true);
  });
});
