// TsFeed over a real HTTP server: a client that reads gets every byte in order; one that stops
// reading is dropped once its unread bytes pass the bound, while the fan-out never waits and the
// reading client keeps up; endAll ends each response cleanly (a complete chunked body).
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Program } from '../engine/program/program.ts';
import { TsFeed } from './ts-feed.ts';

class FakeTsSource {
  readonly listeners = new Set<(chunk: Buffer) => void>();
  onTs(listener: (chunk: Buffer) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(chunk: Buffer): void {
    for (const listener of this.listeners) listener(chunk);
  }
}

let server: Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

async function serve(feed: TsFeed, source: FakeTsSource): Promise<number> {
  server = createServer((_request, response) => feed.attach(source as unknown as Program, response));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function open(port: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => httpRequest({ host: '127.0.0.1', port, path: '/' }, resolve).on('error', reject).end());
}

const packet = (index: number) => Buffer.alloc(188, index & 0xff).fill(0x47, 0, 1);

describe('TsFeed', () => {
  it('delivers the bytes in order and ends cleanly when the program stops', async () => {
    const feed = new TsFeed();
    const source = new FakeTsSource();
    const port = await serve(feed, source);
    const response = await open(port);
    expect(response.headers['content-type']).toBe('video/mp2t');
    await expect.poll(() => source.listeners.size).toBe(1);
    const received: Buffer[] = [];
    response.on('data', (chunk: Buffer) => received.push(chunk));
    const ended = new Promise<void>((resolve) => response.on('end', resolve));
    const sent = Array.from({ length: 100 }, (_, index) => packet(index));
    for (const chunk of sent) source.emit(chunk);
    feed.endAll();
    await ended;
    expect(response.complete).toBe(true);
    expect(Buffer.concat(received).equals(Buffer.concat(sent))).toBe(true);
    await expect.poll(() => source.listeners.size).toBe(0);
  });

  it('drops a client that stops reading, while a reading client gets everything', async () => {
    const dropped: string[] = [];
    const feed = new TsFeed({ maxPendingBytes: 1024 * 1024, onDropped: (reason) => dropped.push(reason) });
    const source = new FakeTsSource();
    const port = await serve(feed, source);
    const stalled = await open(port);
    stalled.pause();
    const reading = await open(port);
    let readBytes = 0;
    reading.on('data', (chunk: Buffer) => (readBytes += chunk.length));
    await expect.poll(() => source.listeners.size).toBe(2);
    // Far more than the socket buffers and the bound hold; emit never blocks (it is synchronous).
    const chunk = Buffer.alloc(188 * 70, 0x47);
    let sentBytes = 0;
    for (let round = 0; round < 2000 && dropped.length === 0; round++) {
      for (let i = 0; i < 10; i++) {
        source.emit(chunk);
        sentBytes += chunk.length;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(dropped).toHaveLength(1);
    await expect.poll(() => source.listeners.size).toBe(1);
    await expect.poll(() => readBytes, { timeout: 10_000 }).toBe(sentBytes);
  });
});
