import { describe, expect, it } from 'vitest';
import { mediaPictureUrl, parseMediaPictureRoute } from './media.ts';

describe('media picture routes', () => {
  it('builds and reads back the route both hosts serve pictures at', () => {
    const url = mediaPictureUrl(42, 'filmstrip', '2026-01-01T00:00:00.000Z-3');
    expect(url).toBe('/api/v1/media/42/filmstrip.jpg?v=2026-01-01T00%3A00%3A00.000Z-3');
    expect(parseMediaPictureRoute(new URL(url, 'http://localhost').pathname)).toEqual({ id: 42, kind: 'filmstrip' });
    expect(parseMediaPictureRoute('/api/v1/media/7/thumbnail.jpg')).toEqual({ id: 7, kind: 'thumbnail' });
  });

  it('answers null for anything else: other pictures, ids that are not row ids, paths that climb', () => {
    for (const pathname of [
      '/api/v1/media/7/poster.jpg',
      '/api/v1/media/0/thumbnail.jpg',
      '/api/v1/media/-1/thumbnail.jpg',
      '/api/v1/media/07/thumbnail.jpg',
      '/api/v1/media/1e3/thumbnail.jpg',
      '/api/v1/media/7/../../api-token',
      '/api/v1/media/7/thumbnail.jpg/x',
      '/api/v1/media/99999999999999999/thumbnail.jpg',
    ]) {
      expect(parseMediaPictureRoute(pathname), pathname).toBeNull();
    }
  });
});
