import { lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The temp name's randomness, made predictable on demand so a test can plant a symlink exactly
// where the helper will open: it must refuse (O_EXCL) rather than follow the link.
const predictable = vi.hoisted(() => ({ bytes: undefined as Buffer | undefined }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, randomBytes: (size: number) => predictable.bytes ?? actual.randomBytes(size) };
});

const { temporaryPathFor, writeFileAtomic, writeFileAtomicAsync, writeFileAtomicStreaming } = await import('./atomic-file.ts');

let dir: string;
let victim: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'atomic-file-'));
  victim = path.join(dir, 'victim.txt');
  writeFileSync(victim, 'precious');
  predictable.bytes = undefined;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const variants = {
  sync: (target: string, data: string) => writeFileAtomic(target, data),
  async: (target: string, data: string) => writeFileAtomicAsync(target, data),
  streaming: (target: string, data: string) => writeFileAtomicStreaming(target, (write) => write(Buffer.from(data))),
};

describe.each(Object.entries(variants))('writeFileAtomic (%s)', (_name, write) => {
  it('creates and replaces the file, private (0600) by default, leaving no temp file', async () => {
    const target = path.join(dir, 'out.txt');
    await write(target, 'one');
    await write(target, 'two');
    expect(readFileSync(target, 'utf8')).toBe('two');
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['out.txt', 'victim.txt']);
  });

  it('refuses a temp path someone planted a symlink at, and the file it points to is untouched', async () => {
    predictable.bytes = Buffer.alloc(16, 7);
    const target = path.join(dir, 'out.txt');
    const planted = temporaryPathFor(target);
    symlinkSync(victim, planted);
    await expect(Promise.resolve().then(() => write(target, 'attacker-controlled content'))).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(readlinkSync(planted)).toBe(victim);
  });

  it('replaces a symlink at the target itself, never writing through it', async () => {
    const target = path.join(dir, 'out.txt');
    symlinkSync(victim, target);
    await write(target, 'new');
    expect(lstatSync(target).isSymbolicLink()).toBe(false);
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });
});

describe('temporaryPathFor', () => {
  it('is beside the target, hidden, and different every time (not guessable from pid or clock)', () => {
    const target = path.join(dir, 'index.m3u8');
    const names = new Set(Array.from({ length: 50 }, () => temporaryPathFor(target)));
    expect(names.size).toBe(50);
    for (const name of names) {
      expect(path.dirname(name)).toBe(dir);
      expect(path.basename(name)).toMatch(/^\.index\.m3u8\.[0-9a-f]{32}\.tmp$/);
    }
  });
});
