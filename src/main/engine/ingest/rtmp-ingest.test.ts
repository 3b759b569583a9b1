import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Logger } from '../log.ts';
import { openStore, type Store } from '../store/database.ts';
import { StreamKeysRepository } from '../store/stream-keys-repository.ts';
import { RtmpIngest, scrubStreamNames } from './rtmp-ingest.ts';
import { publishTestPattern } from '../../../../tests/support/ingest.ts';
import { freePort } from '../../../../tests/support/ports.ts';
import type { IngestEventName, IngestEvents } from './types.ts';

function nextEvent<E extends IngestEventName>(ingest: RtmpIngest, event: E, limitMs = 15_000): Promise<IngestEvents[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${event} within ${limitMs} ms`));
    }, limitMs);
    const off = ingest.on(event, (payload) => {
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

describe('scrubStreamNames', () => {
  it('masks the stream name of any app/name path and name= fields', () => {
    expect(scrubStreamNames('RTMP session x 127.0.0.1:5 start push /live/live_abc')).toBe('RTMP session x 127.0.0.1:5 start push /live/[redacted]');
    expect(scrubStreamNames('invalid stream path characters: app=live, name=k$y')).toContain('name=[redacted]');
  });
});

describe('RtmpIngest (real node-media-server, real ffmpeg)', () => {
  let dir: string;
  let store: Store;
  let keys: StreamKeysRepository;
  let ingest: RtmpIngest;
  const logLines: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'studio-ingest-'));
    store = openStore(path.join(dir, 'data'));
    keys = new StreamKeysRepository(store.db);
    const logger = new Logger({ sink: (line) => logLines.push(line), level: 'debug' });
    ingest = new RtmpIngest({ storeDir: path.join(dir, 'nms'), streamKeys: keys, logger, port: await freePort(), statsIntervalMs: 500 });
    await ingest.start();
  });

  afterAll(async () => {
    await ingest?.stop();
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports a valid publish with codec, size, rate and bitrate, then its end', async () => {
    const camera = keys.create('Camera 1');
    const published = nextEvent(ingest, 'ingest.published');
    const publisher = publishTestPattern(ingest.publishUrl(camera.key), { seconds: 4 });
    try {
      const info = await published;
      expect(info).toMatchObject({ streamKeyId: camera.id, streamKeyName: 'Camera 1', app: 'live', remoteAddress: '127.0.0.1' });
      expect(info.video).toMatchObject({ codec: 'h264', width: 640, height: 360 });
      expect(info.video!.fps).toBeCloseTo(30, 0);
      expect(info.audio).toMatchObject({ codec: 'aac', sampleRate: 48000 });
      expect(info.bitrateKbps).toBeGreaterThan(0);
      expect(JSON.stringify(info)).not.toContain(camera.key);
      expect(ingest.isLive(camera.id)).toBe(true);

      const stats = await nextEvent(ingest, 'ingest.stats');
      expect(stats.video!.measuredFps).toBeGreaterThan(20);

      const unpublished = nextEvent(ingest, 'ingest.unpublished');
      const exit = await publisher.exited;
      expect(exit.exitCode).toBe(0);
      expect(await unpublished).toMatchObject({ streamKeyId: camera.id, streamKeyName: 'Camera 1', reason: 'publisher disconnected' });
      expect(ingest.isLive(camera.id)).toBe(false);
    } finally {
      await publisher.stop();
    }
  });

  it('refuses a publish with an unknown key: the publisher fails, no source event, the key is not logged', async () => {
    const wrongKey = 'live_0000000000000000wrongkey000000';
    let published = false;
    const offPublished = ingest.on('ingest.published', () => (published = true));
    const refused = nextEvent(ingest, 'ingest.refused');
    const publisher = publishTestPattern(ingest.publishUrl(wrongKey), { seconds: 3 });
    try {
      expect(await refused).toEqual({ reason: 'unknown stream key', remoteAddress: '127.0.0.1' });
      const exit = await publisher.exited;
      expect(exit.exitCode).not.toBe(0);
      expect(exit.timedOut).toBe(false);
      expect(published).toBe(false);
      expect(ingest.streams()).toEqual([]);
      const refusal = logLines.filter((line) => line.includes('refused an RTMP publish'));
      expect(refusal).toHaveLength(1);
      expect(refusal[0]).toContain('unknown stream key');
      expect(logLines.join('\n')).not.toContain(wrongKey);
    } finally {
      offPublished();
      await publisher.stop();
    }
  });

  it("keeps keys out of node-media-server's own store and out of every log line", async () => {
    for (const camera of keys.list()) {
      const key = keys.reveal(camera.id).key;
      expect(logLines.join('\n')).not.toContain(key);
      for (const file of readdirSync(path.join(dir, 'nms'))) {
        if (file.endsWith('.json')) expect(readFileSync(path.join(dir, 'nms', file), 'utf8')).not.toContain(key);
      }
    }
  });

  it('refuses a second ingest in the same process and a port that is taken', async () => {
    const logger = new Logger({ sink: () => {} });
    const second = new RtmpIngest({ storeDir: path.join(dir, 'nms2'), streamKeys: keys, logger, port: ingest.port });
    await expect(second.start()).rejects.toMatchObject({ code: 'ALREADY_RUNNING' });
  });
});

describe('RtmpIngest connection limit', () => {
  let dir: string;
  let store: Store;
  let ingest: RtmpIngest;
  const logLines: string[] = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'studio-ingest-limit-'));
    store = openStore(path.join(dir, 'data'));
    const logger = new Logger({ sink: (line) => logLines.push(line) });
    ingest = new RtmpIngest({
      storeDir: path.join(dir, 'nms'),
      streamKeys: new StreamKeysRepository(store.db),
      logger,
      port: await freePort(),
      maxConnections: 3,
      sessionStartTimeoutMs: 1500,
    });
    await ingest.start();
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await ingest?.stop();
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const closedOrder: string[] = [];
  const open = (name: string) =>
    new Promise<{ socket: Socket; closed: Promise<void> }>((resolve, reject) => {
      const socket = connect({ port: ingest.port, host: '127.0.0.1' });
      sockets.push(socket);
      socket.on('error', () => {});
      socket.resume(); // reads what the server sends (S0+S1+S2), so its end is seen
      const closed = new Promise<void>((done) =>
        socket.once('close', () => {
          closedOrder.push(name);
          done();
        }),
      );
      socket.once('connect', () => resolve({ socket, closed }));
      socket.once('error', reject);
    });
  const linesWith = (text: string) => logLines.filter((line) => line.includes(text));

  it('closes connections beyond maxConnections at once, and logs it, while the open ones stay', async () => {
    const held = [await open('held'), await open('held'), await open('held')];
    const extra = await open('extra');
    await extra.closed;
    expect(linesWith('refused an RTMP connection: 3 already open')).toHaveLength(1);
    // The held ones go later, by their own timeout: the extra one was closed first, for the limit.
    await Promise.all(held.map(({ closed }) => closed));
    expect(closedOrder).toEqual(['extra', 'held', 'held', 'held']);
  });

  it('closes a connection that completes its handshake but neither publishes nor plays', async () => {
    const idle = await open('idle');
    const hello = Buffer.alloc(1537);
    hello[0] = 3;
    idle.socket.write(hello);
    idle.socket.write(Buffer.alloc(1536)); // C2: the handshake is done
    await idle.closed;
    expect(linesWith('no publish or play within 1500 ms')).toHaveLength(4);
  });
});
