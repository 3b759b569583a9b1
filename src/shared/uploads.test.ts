import { describe, expect, it } from 'vitest';
import { formatLimit, safeUploadStem, sniffImageFormat, UPLOAD_LIMIT_BYTES } from './uploads.ts';

describe('safeUploadStem', () => {
  it('keeps the last path segment, cleaned, and a short lower-case extension', () => {
    expect(safeUploadStem('My Logo.PNG')).toEqual({ stem: 'My_Logo', extension: 'png' });
    expect(safeUploadStem('../../etc/cron.d/evil.png')).toEqual({ stem: 'evil', extension: 'png' });
    expect(safeUploadStem('C:\\Users\\me\\show 1.mp4')).toEqual({ stem: 'show_1', extension: 'mp4' });
  });

  it('never leads with "." or "-", never leaves "..", and falls back to "upload"', () => {
    expect(safeUploadStem('.bashrc')).toEqual({ stem: 'bashrc', extension: '' });
    expect(safeUploadStem('-i.png').stem).toBe('i');
    expect(safeUploadStem('..')).toEqual({ stem: 'upload', extension: '' });
    expect(safeUploadStem('')).toEqual({ stem: 'upload', extension: '' });
    expect(safeUploadStem('a..b...c.ts')).toEqual({ stem: 'a.b.c', extension: 'ts' });
    expect(safeUploadStem('évènement.mov')).toEqual({ stem: 'evenement', extension: 'mov' });
  });

  it('drops an extension that is not short letters and digits, and bounds the stem', () => {
    expect(safeUploadStem('clip.mp4;rm -rf').extension).toBe('');
    expect(safeUploadStem(`${'x'.repeat(300)}.png`).stem).toHaveLength(60);
  });
});

describe('sniffImageFormat', () => {
  const pad = (bytes: number[]) => Uint8Array.from([...bytes, ...new Array(12).fill(0)].slice(0, Math.max(12, bytes.length)));
  it('tells PNG, JPEG and WebP by their magic bytes', () => {
    expect(sniffImageFormat(pad([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('png');
    expect(sniffImageFormat(pad([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffImageFormat(Uint8Array.from([0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50]))).toBe('webp');
  });

  it('refuses what only looks alike: a RIFF that is WAV, a PNG signature cut short, text, GIF', () => {
    expect(sniffImageFormat(Uint8Array.from([0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x41, 0x56, 0x45]))).toBeNull();
    expect(sniffImageFormat(Uint8Array.from([0x89, 0x50, 0x4e, 0x47]))).toBeNull();
    expect(sniffImageFormat(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg">'))).toBeNull();
    expect(sniffImageFormat(new TextEncoder().encode('GIF89a......'))).toBeNull();
  });
});

describe('formatLimit', () => {
  it('names the limits as people read them', () => {
    expect(formatLimit(UPLOAD_LIMIT_BYTES.image)).toBe('50 MiB');
    expect(formatLimit(UPLOAD_LIMIT_BYTES.media)).toBe('2 GiB');
  });
});
