import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { VideoFrameRing, yuv420pFrameBytes } from './frame-ring.ts';

function frameBytes(value: number, size: number): Buffer {
  return Buffer.alloc(size, value);
}

describe('VideoFrameRing', () => {
  it('sizes yuv420p frames as W*H*3/2', () => {
    expect(yuv420pFrameBytes(640, 360)).toBe(345_600);
    expect(yuv420pFrameBytes(1920, 1080)).toBe(3_110_400);
  });

  it('cuts frames out of chunks that straddle frame boundaries, in order, into shared memory', () => {
    const ring = new VideoFrameRing({ frameBytes: 10, slots: 4 });
    expect(ring.buffer).toBeInstanceOf(SharedArrayBuffer);
    const pipe = new PassThrough();
    ring.attach(pipe);
    const all = Buffer.concat([frameBytes(1, 10), frameBytes(2, 10), frameBytes(3, 10)]);
    pipe.write(all.subarray(0, 7)); // part of frame 1
    pipe.write(all.subarray(7, 23)); // end of 1, all of 2, start of 3
    pipe.write(all.subarray(23));
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        expect(ring.readyCount).toBe(3);
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
    const pipe = new PassThrough();
    ring.attach(pipe);
    pipe.write(Buffer.from([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4]));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ring.readyCount).toBe(2);
    expect(ring.paused).toBe(true);
    expect(pipe.isPaused()).toBe(true);
    pipe.write(Buffer.from([4, 4]));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ring.bytesReceived).toBe(14); // the second write waits in the pipe

    const first = ring.take()!;
    expect(first.data[0]).toBe(1);
    ring.release(first);
    await new Promise((resolve) => setImmediate(resolve));
    expect(ring.readyCount).toBe(2);
    expect(ring.paused).toBe(true); // frame 4 is still waiting for a slot
    const second = ring.take()!;
    expect(second.data[0]).toBe(2);
    ring.release(second);
    await new Promise((resolve) => setImmediate(resolve));
    expect([ring.take()!.data[0], ring.take()!.data[0]]).toEqual([3, 4]);
    expect(ring.paused).toBe(false);
    expect(ring.framesDropped).toBe(0);
  });

  it('in drop-oldest mode keeps reading and keeps the newest frames, counting the dropped', async () => {
    const ring = new VideoFrameRing({ frameBytes: 2, slots: 2, whenFull: 'drop-oldest' });
    const pipe = new PassThrough();
    ring.attach(pipe);
    pipe.write(Buffer.from([1, 1, 2, 2, 3, 3, 4, 4]));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ring.paused).toBe(false);
    expect(ring.framesDropped).toBe(2);
    expect([ring.take()!.data[0], ring.take()!.data[0]]).toEqual([3, 4]);
  });

  it('a frame held by the consumer is never overwritten', async () => {
    const ring = new VideoFrameRing({ frameBytes: 2, slots: 2, whenFull: 'drop-oldest' });
    const pipe = new PassThrough();
    ring.attach(pipe);
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
    const first = new PassThrough();
    ring.attach(first);
    first.write(Buffer.from([9, 9]));
    await new Promise((resolve) => setImmediate(resolve));
    const second = new PassThrough();
    ring.attach(second);
    second.write(Buffer.from([5, 5, 5, 5]));
    await new Promise((resolve) => setImmediate(resolve));
    expect([...ring.take()!.data]).toEqual([5, 5, 5, 5]);
    expect(ring.framesDropped).toBe(1);
  });
});
