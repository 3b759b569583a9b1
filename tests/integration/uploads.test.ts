// The upload endpoint against a real `studio serve`: a browser's image or media file lands in
// <dataDir>/uploads under a name the server chose, and is usable as a source's path. Then the
// endpoint as an attacker sees it: a traversing name, a body over the limit, the wrong content,
// no token, another origin. Each is refused with its reason and leaves no file behind.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceInfo } from '../../src/shared/program.ts';
import type { UploadResult } from '../../src/shared/uploads.ts';
import { startStudio, type RunningStudio } from '../support/studio-server.ts';

let studio: RunningStudio;
let work: string;
let png: Buffer;

interface Answer {
  status: number;
  body: { error?: { code: string; message: string } } & Partial<UploadResult>;
}

/** POSTs a body (a Buffer, or a generator of chunks sent chunked) to the upload route, raw. */
function upload(query: string, body: Buffer | (() => AsyncGenerator<Buffer>), headers: Record<string, string> = studio.authHeaders): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = new URL(`/api/v1/uploads${query}`, studio.url);
    const req = request(
      target,
      { method: 'POST', headers: { ...headers, ...(Buffer.isBuffer(body) ? { 'Content-Length': String(body.length) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') }));
        res.on('error', reject);
      },
    );
    // The server may answer and close before the whole body is sent (over the limit): that is the point.
    req.on('error', () => {});
    if (Buffer.isBuffer(body)) {
      req.end(body);
      return;
    }
    void (async () => {
      for await (const chunk of body()) {
        if (req.destroyed) return;
        if (!req.write(chunk)) await drainedOrClosed(req);
      }
      req.end();
    })();
  });
}

function drainedOrClosed(req: ReturnType<typeof request>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      req.off('drain', done);
      req.off('close', done);
      resolve();
    };
    req.on('drain', done);
    req.on('close', done);
  });
}

function uploadsFolder(): string[] {
  try {
    return readdirSync(path.join(studio.dataDir, 'uploads'));
  } catch {
    return [];
  }
}

beforeAll(async () => {
  studio = await startStudio();
  work = mkdtempSync(path.join(os.tmpdir(), 'uploads-test-'));
  png = await sharp({ create: { width: 64, height: 36, channels: 4, background: '#ff8800' } })
    .png()
    .toBuffer();
}, 60_000);

afterAll(async () => {
  await studio?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('POST /api/v1/uploads', () => {
  it('stores a PNG in <dataDir>/uploads (0600, a name the server chose) and an image source takes its path', async () => {
    const answer = await upload('?kind=image&name=My%20Logo.png', png);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ kind: 'image', bytes: png.length, format: 'png' });
    const stored = answer.body.path!;
    expect(path.dirname(stored)).toBe(path.join(studio.dataDir, 'uploads'));
    expect(answer.body.fileName).toMatch(/^\d+-[0-9a-f]{8}-My_Logo\.png$/);
    expect(readFileSync(stored).equals(png)).toBe(true);
    expect(statSync(stored).mode & 0o777).toBe(0o600);
    const created = await studio.command<{ result: SourceInfo }>('sources.create', {
      name: 'Uploaded logo',
      config: { kind: 'image', path: stored, width: 64, height: 36 },
    });
    expect(created.status).toBe(200);
    expect(created.body.result.config).toMatchObject({ kind: 'image', path: stored });
  });

  it('keeps a traversing name inside the uploads folder: only a cleaned last segment survives', async () => {
    for (const name of ['../../../../etc/cron.d/evil.png', '..\\..\\windows\\evil.png', '/etc/passwd', '.hidden', '-rf.png', '%00x.png']) {
      const answer = await upload(`?kind=image&name=${encodeURIComponent(name)}`, png);
      expect(answer.status, name).toBe(201);
      expect(path.dirname(answer.body.path!), name).toBe(path.join(studio.dataDir, 'uploads'));
      expect(answer.body.fileName, name).toMatch(/^\d+-[0-9a-f]{8}-[A-Za-z0-9][A-Za-z0-9._-]*\.png$/);
      expect(answer.body.fileName, name).not.toContain('..');
    }
  });

  it('names the kind by content: a text file is refused as an image and as media (415), and nothing is left', async () => {
    const before = uploadsFolder();
    const text = Buffer.from('#!/bin/sh\necho this is not a picture, whatever its name says\n'.repeat(4));
    const asImage = await upload('?kind=image&name=photo.png', text);
    expect(asImage.status).toBe(415);
    expect(asImage.body.error?.message).toMatch(/PNG, JPEG or WebP/);
    const asMedia = await upload('?kind=media&name=show.mp4', text);
    expect(asMedia.status).toBe(415);
    expect(asMedia.body.error?.message).toMatch(/not a media file/);
    // The right magic bytes and nothing after them that is a picture.
    const fakePng = Buffer.concat([png.subarray(0, 16), Buffer.alloc(200, 0x41)]);
    const damaged = await upload('?kind=image&name=logo.png', fakePng);
    expect(damaged.status).toBe(415);
    expect(damaged.body.error?.message).toMatch(/damaged or cut short/);
    expect(uploadsFolder()).toEqual(before);
  });

  it('stores a real media file after FFmpeg finds its streams, and a media source plays from it', async () => {
    const clip = path.join(work, 'clip.ts');
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=160x90:rate=25',
      '-f',
      'lavfi',
      '-i',
      'sine=f=440',
      '-t',
      '1',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-c:a',
      'aac',
      '-y',
      clip,
    ]);
    const answer = await upload('?kind=media&name=clip.ts', readFileSync(clip));
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ kind: 'media', format: null });
    expect(answer.body.fileName).toMatch(/-clip\.ts$/);
    const created = await studio.command<{ result: SourceInfo }>('sources.create', {
      name: 'Uploaded clip',
      config: { kind: 'media', path: answer.body.path, width: 160, height: 90 },
    });
    expect(created.status).toBe(200);
  });

  it('refuses a playlist as media (415) without the probe ever fetching what it names', async () => {
    const clip = path.join(work, 'segment.ts');
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=160x90:rate=25',
      '-t',
      '1',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-y',
      clip,
    ]);
    let fetched = 0;
    const bait = createServer((_request, response) => {
      fetched += 1;
      response.end(readFileSync(clip));
    });
    await new Promise<void>((resolve) => bait.listen(0, '127.0.0.1', resolve));
    const baitPort = (bait.address() as AddressInfo).port;
    try {
      const before = uploadsFolder();
      const playlist = (target: string) => Buffer.from(`#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n${target}\n#EXT-X-ENDLIST\n`);
      const local = await upload('?kind=media&name=show.m3u8', playlist(clip));
      expect(local.status).toBe(415);
      expect(local.body.error?.message).toMatch(/hls file names other files/);
      const remote = await upload('?kind=media&name=show.mp4', playlist(`http://127.0.0.1:${baitPort}/segment.ts`));
      expect(remote.status).toBe(415);
      expect(fetched).toBe(0);
      expect(uploadsFolder()).toEqual(before);
    } finally {
      await new Promise((resolve) => bait.close(resolve));
    }
  });

  it('answers a body declared over the limit with 413 naming it, before reading it', async () => {
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = request(
        new URL('/api/v1/uploads?kind=media&name=huge.mp4', studio.url),
        { method: 'POST', headers: { ...studio.authHeaders, 'Content-Length': String(3 * 1024 ** 3) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }));
        },
      );
      req.on('error', reject);
      req.write(Buffer.alloc(1024));
      // Never sends the 3 GiB: the answer must come without them.
    });
    expect(answer.status).toBe(413);
    expect(answer.body.error?.message).toContain('2 GiB');
  });

  it('stops a chunked body (no length declared) at the image limit with 413 naming 50 MiB, and deletes what it had', async () => {
    const before = uploadsFolder();
    const chunk = Buffer.alloc(1024 * 1024, 0x41);
    const answer = await upload('?kind=image&name=big.png', async function* () {
      yield png.subarray(0, 16);
      for (let i = 0; i < 60; i++) yield chunk;
    });
    expect(answer.status).toBe(413);
    expect(answer.body.error?.message).toContain('50 MiB');
    expect(uploadsFolder().filter((name) => name.endsWith('.part'))).toEqual([]);
    expect(uploadsFolder()).toEqual(before);
  });

  it('refuses no token (401), another origin (403), GET (405) and an unknown kind (400), storing nothing', async () => {
    const before = uploadsFolder();
    expect((await upload('?kind=image&name=a.png', png, {})).status).toBe(401);
    expect((await upload('?kind=image&name=a.png', png, { Authorization: 'Bearer not-the-token' })).status).toBe(401);
    const crossOrigin = await upload('?kind=image&name=a.png', png, { ...studio.authHeaders, Origin: 'http://evil.example' });
    expect(crossOrigin.status).toBe(403);
    const get = await fetch(`${studio.url}/api/v1/uploads?kind=image`, { headers: studio.authHeaders });
    expect(get.status).toBe(405);
    const unknownKind = await upload('?kind=script&name=a.sh', png);
    expect(unknownKind.status).toBe(400);
    expect(unknownKind.body.error?.message).toMatch(/image, media/);
    expect((await upload('?kind=image&name=empty.png', Buffer.alloc(0))).status).toBe(400);
    expect(uploadsFolder()).toEqual(before);
    // Still answering after all of it.
    expect((await fetch(`${studio.url}/api/v1/health`, { headers: studio.authHeaders })).status).toBe(200);
  });
});
