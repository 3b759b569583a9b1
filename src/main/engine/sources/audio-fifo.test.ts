import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AudioFifo } from './audio-fifo.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

function samples(from: number, count: number): Buffer {
  const out = Buffer.alloc(count * 4);
  for (let i = 0; i < count; i++) {
    out.writeInt16LE(from + i, i * 4);
    out.writeInt16LE(-(from + i), i * 4 + 2);
  }
  return out;
}

describe('AudioFifo', () => {
  it('gives exactly the samples asked for, across chunk and wrap-around boundaries', async () => {
    const fifo = new AudioFifo({ capacitySamples: 300 });
    const pipe = new PassThrough();
    fifo.attach(pipe);
    const target = Buffer.alloc(1602 * 4);
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 10; round++) {
      const chunk = samples(next, 250);
      pipe.write(chunk.subarray(0, 333)); // mid-sample cut
      pipe.write(chunk.subarray(333));
      next += 250;
      await tick();
      for (const want of [101, 149]) {
        expect(fifo.read(target, want)).toBe(want);
        for (let i = 0; i < want; i++) expect(target.readInt16LE(i * 4)).toBe(expected + i);
        expected += want;
      }
    }
    expect(fifo.availableSamples).toBe(0);
    expect(fifo.read(target, 10)).toBe(0);
  });

  it('pauses the pipe when full and resumes when read', async () => {
    const fifo = new AudioFifo({ capacitySamples: 256 });
    const pipe = new PassThrough();
    fifo.attach(pipe);
    pipe.write(samples(0, 300));
    await tick();
    expect(fifo.availableSamples).toBe(256);
    expect(fifo.paused).toBe(true);
    const target = Buffer.alloc(256 * 4);
    expect(fifo.read(target, 100)).toBe(100);
    expect(fifo.availableSamples).toBe(200);
    expect(fifo.paused).toBe(false);
    expect(fifo.samplesDropped).toBe(0);
  });

  it('drops the oldest samples when told to rather than block', async () => {
    const fifo = new AudioFifo({ capacitySamples: 256, dropWhenFull: () => true });
    const pipe = new PassThrough();
    fifo.attach(pipe);
    pipe.write(samples(0, 300));
    await tick();
    expect(fifo.paused).toBe(false);
    expect(fifo.samplesDropped).toBe(44);
    const target = Buffer.alloc(4);
    fifo.read(target, 1);
    expect(target.readInt16LE(0)).toBe(44);
  });
});
