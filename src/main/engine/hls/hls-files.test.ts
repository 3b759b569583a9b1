import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HlsError } from './errors.ts';
import { QueuedHlsFiles } from './hls-files.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'hls-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('QueuedHlsFiles', () => {
  it('lands writes and removals in the order asked, off the caller’s turn, with a copy of the bytes', async () => {
    const files = new QueuedHlsFiles({ onError: () => undefined });
    const bytes = Buffer.from('first');
    files.write(path.join(dir, 'a.ts'), bytes, { durable: false });
    bytes.write('reuse'); // the segmenter reuses its buffer at once
    files.write(path.join(dir, 'b.ts'), 'b', { durable: true });
    files.remove(path.join(dir, 'a.ts'));
    const order: string[] = [];
    files.after(() => order.push('after'));
    expect(existsSync(path.join(dir, 'b.ts'))).toBe(false);
    await files.drained();
    expect(order).toEqual(['after']);
    expect(existsSync(path.join(dir, 'a.ts'))).toBe(false);
    expect(readFileSync(path.join(dir, 'b.ts'), 'utf8')).toBe('b');
  });

  it('reports the first failure once, with the file and the cause, and writes nothing after it', async () => {
    const errors: HlsError[] = [];
    const files = new QueuedHlsFiles({ onError: (error) => errors.push(error) });
    files.write(path.join(dir, 'gone', 'a.ts'), 'a', { durable: false });
    files.write(path.join(dir, 'b.ts'), 'b', { durable: false });
    await expect(files.drained()).rejects.toMatchObject({ code: 'WRITE_FAILED' });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe(`cannot write ${path.join(dir, 'gone', 'a.ts')}`);
    expect((errors[0]!.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(existsSync(path.join(dir, 'b.ts'))).toBe(false);
  });

  it('a disk that does not keep up fails the writer instead of piling up memory', async () => {
    const errors: HlsError[] = [];
    const files = new QueuedHlsFiles({ maxPendingBytes: 1000, onError: (error) => errors.push(error) });
    files.write(path.join(dir, 'a.ts'), Buffer.alloc(600), { durable: false });
    files.write(path.join(dir, 'b.ts'), Buffer.alloc(600), { durable: false }); // 1200 waiting > 1000
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/b\.ts: the disk is not keeping up \(600 bytes waiting\)$/);
    await expect(files.drained()).rejects.toBe(errors[0]);
  });
});
