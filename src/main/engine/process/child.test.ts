import { describe, expect, it } from 'vitest';
import { spawnOwned } from './child.ts';
import { liveChildCount, parentDeathWrapper } from './reaper.ts';

const node = process.execPath;

describe('spawnOwned', () => {
  it('reports a clean exit without an error', async () => {
    const child = spawnOwned({ command: node, args: ['-e', 'process.stdout.write("hi")'] });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exit = await child.result();
    expect(exit.exitCode).toBe(0);
    expect(exit.error).toBeUndefined();
    expect(out).toBe('hi');
  });

  it('raises one rich error: exit code and the last stderr lines', async () => {
    const child = spawnOwned({
      command: node,
      args: ['-e', 'console.error("warming up"); console.error("Error opening input: No such file"); process.exit(3)'],
      name: 'decoder test',
    });
    await expect(child.result()).rejects.toMatchObject({ code: 'EXITED' });
    const exit = await child.exited;
    expect(exit.exitCode).toBe(3);
    expect(exit.cancelled).toBe(false);
    expect(exit.stderrTail).toEqual(['warming up', 'Error opening input: No such file']);
    expect(exit.error!.message).toContain('exited with code 3: Error opening input: No such file');
    expect(exit.error!.lastStderrLine).toBe('Error opening input: No such file');
  });

  it('keeps stderr bounded while a child floods it', async () => {
    const child = spawnOwned({
      command: node,
      args: ['-e', 'for (let i = 0; i < 20000; i++) console.error("line " + i + " " + "z".repeat(200))'],
      stderr: { maxLines: 5, maxLineBytes: 80 },
    });
    const exit = await child.exited;
    expect(exit.stderrTail).toHaveLength(5);
    expect(exit.stderrTail.at(-1)).toMatch(/^line 19999 z+…$/);
    for (const line of exit.stderrTail) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('stop escalates to SIGKILL for a child that ignores SIGTERM', async () => {
    const child = spawnOwned({
      command: node,
      args: ['-e', 'process.on("SIGTERM", () => console.error("ignoring SIGTERM")); console.log("ready"); setInterval(() => {}, 1000)'],
      graceMs: 300,
    });
    await new Promise((resolve) => child.stdout!.once('data', resolve));
    const exit = await child.stop('test is over');
    expect(exit.signal).toBe('SIGKILL');
    expect(exit.escalated).toBe(true);
    expect(exit.cancelled).toBe(true);
    expect(exit.stopReason).toBe('test is over');
    expect(exit.error).toBeUndefined();
    expect(exit.stderrTail).toContain('ignoring SIGTERM');
  });

  it('stop ends a child waiting on its stdin by closing it, as SIGTERM alone does not end a blocked read', async () => {
    // Stands in for ffmpeg reading a pipe we went quiet on: deaf to SIGTERM, it ends at its input's end.
    const child = spawnOwned({
      command: node,
      args: ['-e', 'process.on("SIGTERM", () => {}); process.stdin.on("end", () => process.exit(0)).resume(); console.log("ready")'],
      stdin: 'pipe',
      graceMs: 5000,
    });
    await new Promise((resolve) => child.stdout!.once('data', resolve));
    const exit = await child.stop('test is over');
    expect(exit.exitCode).toBe(0);
    expect(exit.escalated).toBe(false);
  });

  it('the first reason to stop wins: a timeout, then a later stop()', async () => {
    const child = spawnOwned({ command: node, args: ['-e', 'setInterval(() => {}, 1000)'], timeoutMs: 100 });
    const exit = await child.exited;
    await child.stop('too late');
    expect(exit.timedOut).toBe(true);
    expect(exit.cancelled).toBe(false);
    expect(exit.stopReason).toMatch(/timed out/);
    expect(exit.error?.code).toBe('TIMED_OUT');
  });

  it("stops when the caller's AbortSignal aborts, with that reason", async () => {
    const controller = new AbortController();
    const child = spawnOwned({ command: node, args: ['-e', 'setInterval(() => {}, 1000)'], signal: controller.signal });
    controller.abort('source removed');
    const exit = await child.exited;
    expect(exit.cancelled).toBe(true);
    expect(exit.stopReason).toBe('source removed');
    expect(exit.signal).toBe('SIGTERM');
  });

  it('reports a missing program as SPAWN_FAILED', async () => {
    const bare = await spawnOwned({ command: 'studio-no-such-program', args: [] }).exited;
    expect(bare.error?.code).toBe('SPAWN_FAILED');
    const absolute = await spawnOwned({ command: '/nonexistent/ffmpeg', args: [] }).exited;
    expect(absolute.error?.code).toBe('SPAWN_FAILED');
    expect(absolute.error?.message).toContain('/nonexistent/ffmpeg');
  });

  it('redacts secrets from the command line and stderr', async () => {
    const child = spawnOwned({
      command: node,
      args: ['-e', 'console.error("cannot open rtmp://x/live/live_abc123"); process.exit(1)', 'live_abc123'],
      redact: (text) => text.split('live_abc123').join('[redacted]'),
    });
    const exit = await child.exited;
    expect(exit.command).not.toContain('live_abc123');
    expect(exit.stderrTail.join('\n')).not.toContain('live_abc123');
    expect(exit.error!.message).not.toContain('live_abc123');
  });

  it('forgets children once they have exited', async () => {
    const before = liveChildCount();
    const child = spawnOwned({ command: node, args: ['-e', 'setTimeout(() => {}, 200)'] });
    expect(liveChildCount()).toBe(before + 1);
    await child.exited;
    expect(liveChildCount()).toBe(before);
  });

  it.runIf(process.platform === 'linux')('children die with the parent even when it is SIGKILLed (pdeathsig)', async () => {
    expect(parentDeathWrapper()).not.toBeNull();
    // A parent Node process spawns a long-lived grandchild through spawnOwned, prints its pid,
    // and is then SIGKILLed: nothing of ours runs, the kernel must kill the grandchild.
    const script = `
      import { spawnOwned } from ${JSON.stringify(new URL('./child.ts', import.meta.url).href)};
      const child = spawnOwned({ command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'] });
      console.log(child.pid);
      setInterval(() => {}, 1000);`;
    const parent = spawnOwned({ command: node, args: ['--input-type=module', '-e', script] });
    const pid = await new Promise<number>((resolve) => parent.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
    expect(isAlive(pid)).toBe(true);
    parent.process.kill('SIGKILL');
    await parent.exited;
    await waitFor(() => !isAlive(pid));
    expect(isAlive(pid)).toBe(false);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, limitMs = 3000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!condition() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
}
