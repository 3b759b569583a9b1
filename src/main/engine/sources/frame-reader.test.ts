import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { FrameReader } from './frame-reader.ts';
import { VideoFrameRing, yuv420pFrameBytes } from './frame-ring.ts';

function frameBytes(value: number, size: number): Buffer {
  return Buffer.alloc(size, value);
}

describe('FrameReader from a pipe, into a VideoFrameRing', () => {
  it('sizes yuv420p frames as W*H*3/2', () => {
    expect(yuv420pFrameBytes(640, 360)).toBe(345_600);
    expect(yuv420pFrameBytes(1920, 1080)).toBe(3_110_400);
  });

  it('cuts frames out of chunks that straddle frame boundaries, in order, into shared memory', () => {
    const ring = new VideoFrameRing({ frameBytes: 10, slots: 4 });
    expect(ring.buffer).toBeInstanceOf(SharedArrayBuffer);
    const reader = new FrameReader(ring);
    const pipe = new PassThrough();
    reader.attachStream(pipe);
    const all = Buffer.concat([frameBytes(1, 10), frameBytes(2, 10), frameBytes(3, 10)]);
    pipe.write(all.subarray(0, 7)); // part of frame 1
    pipe.write(all.subarray(7, 23)); // end of 1, all of 2, start of 3
    pipe.write(all.subarray(23));
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        expect(ring.queuedFrames).toBe(3);
        for (const value of [1, 2, 3]) {
          const frame = ring.take()!;
          expect(frame.data.length).toBe(10);
          expect([...frame.data]).toEqual(new Array(10).fill(value));
          expect(frame.sequence).toBe(value - 1);
          ring.release(frame);
        }
        expect(ring.take()).toBeNull();
        resolve();
      }),
    );
  });

  it('pauses the pipe when every slot is full and resumes, in order, when a slot is released', async () => {
    const ring = new VideoFrameRing({ frameBytes: 4, slots: 2 });
    const reader = new FrameReader(ring);
    const pipe = new PassThrough();
    reader.attachStream(pipe);
    pipe.write(Buffer.from([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4]));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ring.queuedFrames).toBe(2);
    expect(reader.paused).toBe(true);
    expect(pipe.isPaused()).toBe(true);
    pipe.write(Buffer.from([4, 4]));
    await new Promise((resolve) => setImmediate(resolve));
    expect(reader.bytesReceived).toBe(14); // the second write waits in the pipe

    const first = ring.take()!;
    expect(first.data[0]).toBe(1);
    ring.release(first);
    await new Promise((resolve) => setImmediate(resolve));
    expect(ring.queuedFrames).toBe(2);
    expect(reader.paused).toBe(true); // frame 4 is still waiting for a slot
    const second = ring.take()!;
    expect(second.data[0]).toBe(2);
    ring.release(second);
    await new Promise((resolve) => setImmediate(resolve));
    expect([ring.take()!.data[0], ring.take()!.data[0]]).toEqual([3, 4]);
    expect(reader.paused).toBe(false);
    expect(ring.framesDropped).toBe(0);
  });

  it('in drop-oldest mode keeps reading and keeps the newest frames, counting the dropped', async () => {
    const ring = new VideoFrameRing({ frameBytes: 2, slots: 2, whenFull: 'drop-oldest' });
    const reader = new FrameReader(ring);
    const pipe = new PassThrough();
    reader.attachStream(pipe);
    pipe.write(Buffer.from([1, 1, 2, 2, 3, 3, 4, 4]));
    await new Promise((resolve) => setImmediate(resolve));
    expect(reader.paused).toBe(false);
    expect(ring.framesDropped).toBe(2);
    expect([ring.take()!.data[0], ring.take()!.data[0]]).toEqual([3, 4]);
  });

  it('a frame held by the consumer is never overwritten', async () => {
    const ring = new VideoFrameRing({ frameBytes: 2, slots: 2, whenFull: 'drop-oldest' });
    const reader = new FrameReader(ring);
    const pipe = new PassThrough();
    reader.attachStream(pipe);
    pipe.write(Buffer.from([1, 1, 2, 2]));
    await new Promise((resolve) => setImmediate(resolve));
    const a = ring.take()!;
    const b = ring.take()!;
    pipe.write(Buffer.from([3, 3, 4, 4]));
    await new Promise((resolve) => setImmediate(resolve));
    expect([a.data[0], b.data[0]]).toEqual([1, 2]);
    expect(ring.framesDropped).toBe(2);
  });

  it('drops a partial frame when a new decoder takes over the ring', async () => {
    const ring = new VideoFrameRing({ frameBytes: 4, slots: 2 });
    const reader = new FrameReader(ring);
    const first = new PassThrough();
    reader.attachStream(first);
    first.write(Buffer.from([9, 9]));
    await new Promise((resolve) => setImmediate(resolve));
    const second = new PassThrough();
    reader.attachStream(second);
    second.write(Buffer.from([5, 5, 5, 5]));
    await new Promise((resolve) => setImmediate(resolve));
    expect([...ring.take()!.data]).toEqual([5, 5, 5, 5]);
    expect(reader.framesAbandoned).toBe(1);
    expect(ring.framesDropped).toBe(0);
  });
});

describe('FrameReader from a Unix socket (ffmpeg -listen 1 unix:…)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'studio-reader-'));
  let sockets = 0;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A listener like ffmpeg's: accepts one reader, then writes what the test gives it. */
  function listen(socketPath: string): Promise<{ server: net.Server; peer: Promise<net.Socket> }> {
    const server = net.createServer();
    const peer = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    return new Promise((resolve) => server.listen(socketPath, () => resolve({ server, peer })));
  }

  function frames(count: number, size: number): Buffer {
    const out = Buffer.alloc(count * size);
    for (let f = 0; f < count; f++) for (let i = 0; i < size; i++) out[f * size + i] = (f * 31 + i * 7) & 0xff;
    return out;
  }

  async function until(check: () => boolean, what: string, limitMs = 5000): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it('keeps trying until the decoder opens its socket, then reads whole frames in order straight into the ring', async () => {
    const socketPath = path.join(dir, `s${++sockets}.sock`);
    const size = 100_003; // not a multiple of any read size: frames straddle reads
    const ring = new VideoFrameRing({ frameBytes: size, slots: 8 });
    const reader = new FrameReader(ring);
    reader.connect(socketPath); // nothing listens yet
    await new Promise((resolve) => setTimeout(resolve, 60));
    const { server, peer } = await listen(socketPath);
    const data = frames(6, size);
    const socket = await peer;
    socket.end(data);
    await until(() => ring.queuedFrames === 6, 'six frames');
    for (let f = 0; f < 6; f++) {
      const frame = ring.take()!;
      expect(frame.sequence).toBe(f);
      expect(frame.data.equals(data.subarray(f * size, (f + 1) * size))).toBe(true);
      ring.release(frame);
    }
    expect(reader.bytesReceived).toBe(6 * size);
    expect(reader.framesRead).toBe(6);
    reader.detach();
    server.close();
  });

  it('stops reading while the ring is full (the writer blocks), and goes on in order when a frame is released', async () => {
    const socketPath = path.join(dir, `s${++sockets}.sock`);
    const size = 300_000;
    const ring = new VideoFrameRing({ frameBytes: size, slots: 2 });
    const reader = new FrameReader(ring);
    const { server, peer } = await listen(socketPath);
    reader.connect(socketPath);
    const socket = await peer;
    const data = frames(10, size);
    socket.end(data);
    await until(() => reader.paused, 'the reader to pause');
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Exactly the two frames the ring holds: nothing was read ahead of it.
    expect(reader.bytesReceived).toBe(2 * size);
    expect(socket.writableLength).toBeGreaterThan(0); // the rest waits on the writer's side
    let next = 0;
    while (next < 10) {
      await until(() => ring.queuedFrames > 0, `frame ${next}`);
      const frame = ring.take()!;
      expect(frame.data.equals(data.subarray(next * size, (next + 1) * size))).toBe(true);
      ring.release(frame);
      next++;
    }
    expect(reader.bytesReceived).toBe(10 * size);
    expect(ring.framesDropped).toBe(0);
    reader.detach();
    server.close();
  });

  it('gives up connecting when told its decoder is gone', async () => {
    const socketPath = path.join(dir, `s${++sockets}.sock`);
    const ring = new VideoFrameRing({ frameBytes: 16, slots: 2 });
    const reader = new FrameReader(ring);
    reader.connect(socketPath);
    reader.stopConnecting(path.join(dir, 'another.sock')); // not this one: keeps trying
    reader.stopConnecting(socketPath);
    const { server, peer } = await listen(socketPath);
    let connected = false;
    void peer.then(() => (connected = true));
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(connected).toBe(false);
    server.close();
  });
});
