import { describe, expect, it } from 'vitest';
import { frameMoverEnv } from './malloc-tuning.ts';

describe('frameMoverEnv', () => {
  it('adds thresholds above the largest frame, keeping the rest of the environment', () => {
    const env = frameMoverEnv({ PATH: '/usr/bin', LANG: 'C' });
    expect(env.PATH).toBe('/usr/bin');
    expect(env.LANG).toBe('C');
    const tunables = Object.fromEntries(env.GLIBC_TUNABLES!.split(':').map((pair) => pair.split('=') as [string, string]));
    const largestFrame = 7680 * 4320 * 1.5;
    expect(Number(tunables['glibc.malloc.mmap_threshold'])).toBeGreaterThan(largestFrame);
    expect(Number(tunables['glibc.malloc.trim_threshold'])).toBeGreaterThan(largestFrame);
  });

  it("puts a user's own tunables last, so theirs win", () => {
    const env = frameMoverEnv({ GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=1' });
    expect(env.GLIBC_TUNABLES).toMatch(/^glibc\.malloc\.mmap_threshold=\d+:glibc\.malloc\.trim_threshold=\d+:glibc\.malloc\.trim_threshold=1$/);
  });

  it('does not change the environment it was given', () => {
    const base = { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' };
    frameMoverEnv(base);
    expect(base).toEqual({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' });
  });
});
