import { describe, expect, it } from 'vitest';
import { spawnOwned } from './child.ts';
import { backoffDelay, DEFAULT_BACKOFF, Supervisor, type SupervisorStatus } from './supervisor.ts';

const node = process.execPath;

function recorder(supervisor: Supervisor): SupervisorStatus[] {
  const seen: SupervisorStatus[] = [];
  supervisor.onStatus((status) => seen.push(status));
  return seen;
}

async function until(supervisor: Supervisor, predicate: (status: SupervisorStatus) => boolean, limitMs = 10_000): Promise<SupervisorStatus> {
  if (predicate(supervisor.status)) return supervisor.status;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`supervisor never reached the expected status; last: ${JSON.stringify(supervisor.status)}`));
    }, limitMs);
    const off = supervisor.onStatus((status) => {
      if (!predicate(status)) return;
      clearTimeout(timer);
      off();
      resolve(status);
    });
  });
}

describe('backoffDelay', () => {
  const policy = { ...DEFAULT_BACKOFF, initialDelayMs: 100, factor: 2, maxDelayMs: 1000, jitter: 0.2 };

  it('grows exponentially and stops at the cap', () => {
    const middle = () => 0.5; // no jitter
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, middle))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('jitters within ± the fraction, never above the cap', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(80);
    expect(backoffDelay(1, policy, () => 1)).toBe(120);
    expect(backoffDelay(10, policy, () => 1)).toBe(1000);
  });
});

describe('Supervisor', () => {
  it('restarts a crashing child with growing delays, then gives up with the reason as its state', async () => {
    const supervisor = new Supervisor({
      name: 'crasher',
      start: () => spawnOwned({ command: node, args: ['-e', 'console.error("boom: cannot open device"); process.exit(2)'] }),
      policy: { initialDelayMs: 30, factor: 2, maxDelayMs: 1000, jitter: 0, maxConsecutiveFailures: 4 },
    });
    const seen = recorder(supervisor);
    supervisor.start();
    const failed = await until(supervisor, (status) => status.state === 'failed');

    const delays = seen.filter((status) => status.state === 'backoff').map((status) => status.nextDelayMs);
    expect(delays).toEqual([30, 60, 120]);
    expect(failed.restarts).toBe(3);
    expect(failed.reason).toContain('gave up after 4 failed starts');
    expect(failed.reason).toContain('exited with code 2: boom: cannot open device');
    expect(failed.lastExit?.exitCode).toBe(2);
    expect(failed.lastExit?.stderrTail).toEqual(['boom: cannot open device']);
    expect(supervisor.child).toBeUndefined();
  });

  it('starts the delays over after a healthy run', async () => {
    const supervisor = new Supervisor({
      name: 'flaky',
      // Each run lives past healthyAfterMs, then crashes.
      start: () => spawnOwned({ command: node, args: ['-e', 'setTimeout(() => process.exit(1), 150)'] }),
      policy: { initialDelayMs: 20, factor: 4, jitter: 0, healthyAfterMs: 50 },
    });
    const seen = recorder(supervisor);
    supervisor.start();
    await until(supervisor, (status) => status.restarts >= 2 && status.state === 'backoff');
    await supervisor.stop('test over');
    const delays = seen.filter((status) => status.state === 'backoff').map((status) => status.nextDelayMs);
    expect(delays.length).toBeGreaterThanOrEqual(3);
    expect(new Set(delays)).toEqual(new Set([20]));
  });

  it('does not restart what the classifier says cannot be fixed', async () => {
    const supervisor = new Supervisor({
      name: 'missing-file',
      start: () => spawnOwned({ command: node, args: ['-e', 'console.error("input.mp4: No such file or directory"); process.exit(1)'] }),
      classify: (exit) =>
        exit.stderrTail.some((line) => line.includes('No such file')) ? { action: 'fail', reason: 'file not found' } : { action: 'restart' },
    });
    supervisor.start();
    const status = await until(supervisor, (s) => s.state === 'failed');
    expect(status.reason).toBe('file not found');
    expect(status.restarts).toBe(0);
  });

  it('fails at once, without retrying, when the program cannot be started', async () => {
    const supervisor = new Supervisor({ name: 'nothing', start: () => spawnOwned({ command: '/nonexistent/ffmpeg', args: [] }) });
    supervisor.start();
    const status = await until(supervisor, (s) => s.state === 'failed');
    expect(status.reason).toMatch(/could not be started/);
    expect(status.restarts).toBe(0);
  });

  it('stop ends the child and cancels a pending restart; state says why', async () => {
    let starts = 0;
    const supervisor = new Supervisor({
      name: 'sleeper',
      start: () => {
        starts++;
        return spawnOwned({ command: node, args: ['-e', 'setInterval(() => {}, 1000)'] });
      },
    });
    supervisor.start();
    await until(supervisor, (s) => s.state === 'running');
    const child = supervisor.child!;
    await supervisor.stop('operator stopped the source');
    const exit = await child.exited;
    expect(exit.cancelled).toBe(true);
    expect(supervisor.status).toMatchObject({ state: 'stopped', reason: 'operator stopped the source' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(starts).toBe(1);
  });

  it("goes 'running' only when marked, with runningWhen: 'marked'", async () => {
    const supervisor = new Supervisor({
      name: 'marked',
      runningWhen: 'marked',
      start: ({ markRunning }) => {
        const child = spawnOwned({ command: node, args: ['-e', 'console.log("ready"); setInterval(() => {}, 1000)'] });
        child.stdout!.once('data', () => markRunning());
        return child;
      },
    });
    supervisor.start();
    expect(supervisor.state).toBe('starting');
    await until(supervisor, (s) => s.state === 'running');
    await supervisor.stop();
  });
});
