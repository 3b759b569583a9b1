import { describe, expect, it } from 'vitest';
import { StderrTail } from './stderr-tail.ts';

describe('StderrTail', () => {
  it('keeps only the last lines, oldest first, and calls back for each line', () => {
    const tail = new StderrTail({ maxLines: 3 });
    const seen: string[] = [];
    tail.push('one\ntwo\nthr', (line) => seen.push(line));
    tail.push('ee\r\nfour\nfive\n', (line) => seen.push(line));
    expect(tail.lines()).toEqual(['three', 'four', 'five']);
    expect(seen).toEqual(['one', 'two', 'three', 'four', 'five']);
    expect(tail.totalLines).toBe(5);
  });

  it('stays bounded whatever arrives: huge lines are cut, a newline-less flood is cut', () => {
    const tail = new StderrTail({ maxLines: 4, maxLineBytes: 64 });
    for (let i = 0; i < 1000; i++) tail.push(`${'x'.repeat(10_000)}\n`);
    tail.push('y'.repeat(1_000_000));
    expect(tail.heldChars).toBeLessThanOrEqual(5 * 64);
    tail.flush();
    const lines = tail.lines();
    expect(lines).toHaveLength(4);
    expect(lines.at(-1)).toMatch(/^y+…$/);
    expect(lines.at(-1)!.length).toBe(64);
  });

  it('treats \\r as a line end (ffmpeg progress) and drops empty lines', () => {
    const tail = new StderrTail();
    tail.push('frame=1\rframe=2\r\n\n');
    expect(tail.lines()).toEqual(['frame=1', 'frame=2']);
  });

  it('does not mangle a UTF-8 character split across chunks, and redacts through transform', () => {
    const tail = new StderrTail({ transform: (line) => line.replace('secret', '[redacted]') });
    const bytes = Buffer.from('é secret\n');
    tail.push(bytes.subarray(0, 1));
    tail.push(bytes.subarray(1));
    expect(tail.lines()).toEqual(['é [redacted]']);
  });
});
