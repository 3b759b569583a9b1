import { describe, expect, it } from 'vitest';
import { LifecycleQueue } from './lifecycle-queue.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('LifecycleQueue', () => {
  it('runs operations one at a time, in call order, even when each awaits', async () => {
    const queue = new LifecycleQueue();
    const events: string[] = [];
    let running = 0;
    let most = 0;
    const op = (name: string, pauses: number) => async () => {
      running++;
      most = Math.max(most, running);
      events.push(`${name} begin`);
      for (let i = 0; i < pauses; i++) await tick();
      events.push(`${name} end`);
      running--;
      return name;
    };
    const results = await Promise.all([queue.run(op('a', 5)), queue.run(op('b', 1)), queue.run(op('c', 3))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(most).toBe(1);
    expect(events).toEqual(['a begin', 'a end', 'b begin', 'b end', 'c begin', 'c end']);
    expect(queue.size).toBe(0);
  });

  it('gives each caller its own outcome: a failure rejects only its own call, and the next one runs', async () => {
    const queue = new LifecycleQueue();
    const failing = queue.run(async () => {
      await tick();
      throw new Error('start failed');
    });
    const next = queue.run(() => 'stopped');
    await expect(failing).rejects.toThrow('start failed');
    await expect(next).resolves.toBe('stopped');
  });

  it('makes a check-then-act idempotent: five concurrent starts make one thing, and a stop during them waits', async () => {
    const queue = new LifecycleQueue();
    let instances = 0;
    let current: number | null = null;
    const start = () =>
      queue.run(async () => {
        if (current !== null) return current;
        await tick(); // e.g. sources being added before the program is published
        current = ++instances;
        return current;
      });
    const stop = () =>
      queue.run(async () => {
        const was = current;
        await tick();
        current = null;
        return was;
      });
    const answers = await Promise.all([start(), start(), start(), stop(), start(), start()]);
    expect(answers).toEqual([1, 1, 1, 1, 2, 2]);
    expect(instances).toBe(2);
    expect(current).toBe(2);
  });

  it('counts what is queued or running', async () => {
    const queue = new LifecycleQueue();
    let release!: () => void;
    const blocked = queue.run(() => new Promise<void>((resolve) => (release = resolve)));
    const after = queue.run(() => undefined);
    expect(queue.size).toBe(2);
    await tick();
    release();
    await Promise.all([blocked, after]);
    expect(queue.size).toBe(0);
  });
});
