import { describe, expect, it } from 'vitest';
import { tooLargeMessage, uploadErrorMessage, uploadUrl } from './upload.ts';

describe('upload helpers', () => {
  it('puts kind and name in the query, encoded (the server cleans the name)', () => {
    expect(uploadUrl('image', '../my logo&kind=media.png')).toBe('/api/v1/uploads?kind=image&name=..%2Fmy+logo%26kind%3Dmedia.png');
  });

  it('refuses before sending what the server would answer 413, naming the limit', () => {
    expect(tooLargeMessage('image', 50 * 1024 * 1024)).toBeNull();
    expect(tooLargeMessage('image', 50 * 1024 * 1024 + 1)).toContain('50 MiB');
    expect(tooLargeMessage('media', 3 * 1024 ** 3)).toContain('2 GiB');
  });

  it("shows the server's message without its prefix, or the status", () => {
    expect(uploadErrorMessage(415, JSON.stringify({ error: { code: 'BAD_ARGUMENT', message: 'uploads: an image must be a PNG' } }))).toBe(
      'an image must be a PNG',
    );
    expect(uploadErrorMessage(502, '<html>')).toContain('502');
    expect(uploadErrorMessage(0, '')).toContain('connection lost');
  });
});
