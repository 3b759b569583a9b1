// The media library through the HTTP API and WebSocket of a real `studio serve`, with the token:
// import (ffprobe on generated clips), list, update, remove, media.changed, and the refusals.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaPictureUrl, type MediaItem } from '../../src/shared/media.ts';
import { makeClip } from '../support/media-fixtures.ts';
import { startStudio, type RunningStudio } from '../support/studio-server.ts';

let studio: RunningStudio;
let clipsDir: string;
let clipA: string;
let clipB: string;

interface Answer<T> {
  status: number;
  body: { result?: T; error?: { code: string; field?: string; message: string } };
}
const call = <T>(name: string, args: unknown = {}) => studio.command(name, args) as Promise<Answer<T>>;
async function ok<T>(name: string, args: unknown = {}): Promise<T> {
  const { status, body } = await call<T>(name, args);
  if (status !== 200) throw new Error(`${name}: ${status} ${JSON.stringify(body)}`);
  return body.result!;
}

beforeAll(async () => {
  clipsDir = mkdtempSync(path.join(os.tmpdir(), 'studio-media-api-'));
  clipA = makeClip(clipsDir, {
    id: 'clip-A',
    seconds: 10,
    chapters: [
      { title: 'A one', startSeconds: 0 },
      { title: 'A two', startSeconds: 5 },
    ],
  });
  clipB = makeClip(clipsDir, {
    id: 'clip-B',
    seconds: 12,
    container: 'mp4',
    chapters: [
      { title: 'B one', startSeconds: 0 },
      { title: 'B two', startSeconds: 7 },
    ],
  });
  studio = await startStudio();
}, 120_000);
afterAll(async () => {
  await studio?.stop();
  if (studio) rmSync(studio.dataDir, { recursive: true, force: true });
  rmSync(clipsDir, { recursive: true, force: true });
});

describe('media API', () => {
  it('import, list, update and remove over HTTP, each change pushed as media.changed', async () => {
    const ws = new WebSocket(`${studio.url.replace('http', 'ws')}/api/v1/ws`, { headers: studio.authHeaders });
    const pushed: MediaItem[][] = [];
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; event?: string; payload?: MediaItem[] };
      if (message.type === 'event' && message.event === 'media.changed') pushed.push(message.payload!);
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    try {
      const a = await ok<MediaItem>('media.import', { path: clipA });
      expect(a).toMatchObject({ name: 'clip-A.mkv', path: clipA, state: 'ready', audio: { channels: 2, sampleRate: 48_000 } });
      expect(Math.abs(a.durationSeconds! - 10)).toBeLessThanOrEqual(1 / 25);
      expect(a.chapters).toEqual([
        { title: 'A one', startSeconds: 0 },
        { title: 'A two', startSeconds: 5 },
      ]);
      const b = await ok<MediaItem>('media.import', { path: clipB });
      expect(b.chapters.map((chapter) => chapter.title)).toEqual(['B one', 'B two']);
      await expect.poll(() => pushed.some((list) => list.length === 2), { timeout: 10_000 }).toBe(true);

      // The analysis lands in the list and in an event: loudness of the −20 dBFS tone.
      await expect
        .poll(async () => (await ok<MediaItem[]>('media.list')).every((item) => !item.analysing && item.loudnessLufs !== null), { timeout: 60_000 })
        .toBe(true);
      const listed = await ok<MediaItem[]>('media.list');
      expect(listed.map((item) => item.id)).toEqual([a.id, b.id]);
      for (const item of listed) {
        expect(Math.abs(item.loudnessLufs! + 20)).toBeLessThanOrEqual(2);
        expect(existsSync(item.thumbnailPath!)).toBe(true);
        expect(item.thumbnailPath!.startsWith(path.join(studio.dataDir, 'media-cache', String(item.id)))).toBe(true);
        expect(existsSync(item.filmstripPath!)).toBe(true);
        // Both pictures over HTTP, with the token: the cached bytes, as JPEG.
        for (const kind of ['thumbnail', 'filmstrip'] as const) {
          const picture = await fetch(`${studio.url}${mediaPictureUrl(item.id, kind, item.addedAt)}`, { headers: studio.authHeaders });
          expect(picture.status).toBe(200);
          expect(picture.headers.get('content-type')).toBe('image/jpeg');
          expect(Buffer.from(await picture.arrayBuffer()).equals(readFileSync(kind === 'thumbnail' ? item.thumbnailPath! : item.filmstripPath!))).toBe(true);
        }
      }
      await expect.poll(() => pushed.at(-1)?.every((item) => item.loudnessLufs !== null), { timeout: 10_000 }).toBe(true);

      const hash = createHash('sha256').update(readFileSync(clipB)).digest('hex');
      const chapters = [
        { title: 'Open', startSeconds: 0 },
        { title: 'Break mark', startSeconds: 3.5 },
        { title: 'Close', startSeconds: 9 },
      ];
      const updated = await ok<MediaItem>('media.update', { id: b.id, name: 'Show B', chapters });
      expect(updated).toMatchObject({ id: b.id, name: 'Show B', chapters });
      await expect.poll(() => pushed.at(-1)?.find((item) => item.id === b.id)?.name, { timeout: 10_000 }).toBe('Show B');
      expect(createHash('sha256').update(readFileSync(clipB)).digest('hex')).toBe(hash);

      const cacheOfA = path.dirname(listed[0]!.thumbnailPath!);
      expect(await ok('media.remove', { id: a.id })).toEqual({ removed: true });
      expect(existsSync(cacheOfA)).toBe(false);
      expect((await fetch(`${studio.url}${mediaPictureUrl(a.id, 'filmstrip', a.addedAt)}`, { headers: studio.authHeaders })).status).toBe(404);
      expect(existsSync(clipA)).toBe(true);
      expect((await ok<MediaItem[]>('media.list')).map((item) => item.id)).toEqual([b.id]);
      await expect.poll(() => pushed.at(-1)?.map((item) => item.id), { timeout: 10_000 }).toEqual([b.id]);
    } finally {
      ws.close();
    }
  }, 120_000);

  it('refuses bad arguments naming the field: bad paths (400 path), chapters out of order or past the end, unknown ids', async () => {
    const missing = await call('media.import', { path: path.join(clipsDir, 'missing.mp4') });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'BAD_ARGUMENT', field: 'path' });
    expect(missing.body.error!.message).toMatch(/does not exist/);
    const relative = await call('media.import', { path: 'clip.mp4' });
    expect(relative.status).toBe(400);
    expect(relative.body.error).toMatchObject({ field: 'path' });
    const url = await call('media.import', { path: 'http://127.0.0.1/clip.mp4' });
    expect(url.body.error).toMatchObject({ code: 'BAD_ARGUMENT', field: 'path' });
    const folder = await call('media.import', { path: clipsDir });
    expect(folder.status).toBe(400);
    expect(folder.body.error!.message).toMatch(/not a regular file/);

    const item = await ok<MediaItem>('media.import', { path: clipA });
    const unordered = await call('media.update', {
      id: item.id,
      chapters: [
        { title: 'b', startSeconds: 4 },
        { title: 'a', startSeconds: 2 },
      ],
    });
    expect(unordered.status).toBe(400);
    expect(unordered.body.error).toMatchObject({ field: 'chapters.1.startSeconds' });
    const pastEnd = await call('media.update', { id: item.id, chapters: [{ title: 'late', startSeconds: 60 }] });
    expect(pastEnd.status).toBe(400);
    expect(pastEnd.body.error).toMatchObject({ field: 'chapters.0.startSeconds' });
    const longTitle = await call('media.update', { id: item.id, chapters: [{ title: 'x'.repeat(201), startSeconds: 0 }] });
    expect(longTitle.body.error).toMatchObject({ code: 'BAD_ARGUMENT', field: 'chapters.0.title' });
    expect((await call('media.update', { id: 9999, name: 'x' })).status).toBe(404);
    expect((await call('media.remove', { id: 9999 })).status).toBe(404);
  }, 60_000);

  it('a corrupt file is answered as failed with the reason (200, listed), not an error', async () => {
    const corrupt = path.join(clipsDir, 'corrupt.mp4');
    writeFileSync(corrupt, Buffer.from(Array.from({ length: 32 * 1024 }, (_, i) => (i * 31 + 7) % 256)));
    const item = await ok<MediaItem>('media.import', { path: corrupt });
    expect(item.state).toBe('failed');
    expect(item.reason).toMatch(/^ffprobe /);
    expect((await ok<MediaItem[]>('media.list')).find((entry) => entry.id === item.id)?.state).toBe('failed');
  }, 60_000);

  it('needs the token', async () => {
    const response = await fetch(`${studio.url}/api/v1/commands/media.list`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(401);
    const item = await ok<MediaItem>('media.import', { path: clipA });
    await expect
      .poll(async () => (await fetch(`${studio.url}${mediaPictureUrl(item.id, 'thumbnail', '1')}`, { headers: studio.authHeaders })).status, {
        timeout: 60_000,
      })
      .toBe(200);
    expect((await fetch(`${studio.url}${mediaPictureUrl(item.id, 'thumbnail', '1')}`)).status).toBe(401);
  });
});
