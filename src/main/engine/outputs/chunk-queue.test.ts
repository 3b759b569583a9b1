import { describe, expect, it } from 'vitest';
import { ChunkQueue } from './chunk-queue.ts';
import { RateMeter } from './rate-meter.ts';

const chunk = (packets: number, fill = 0): Buffer => Buffer.alloc(packets * 188, fill);

describe('ChunkQueue', () => {
  it('drops the oldest whole chunks when full, and counts them', () => {
    const queue = new ChunkQueue(188 * 10);
    const dropped: Buffer[] = [];
    queue.onDrop = (c) => dropped.push(c);
    for (let i = 1; i <= 4; i++) queue.push(chunk(3, i));
    expect(queue.bytes).toBe(188 * 9);
    expect(queue.droppedChunks).toBe(1);
    expect(queue.droppedBytes).toBe(188 * 3);
    expect(dropped[0]![0]).toBe(1);
    expect(queue.shift()![0]).toBe(2);
    expect(queue.bytes % 188).toBe(0);
  });

  it('drops a single chunk larger than the queue', () => {
    const queue = new ChunkQueue(188);
    queue.push(chunk(2));
    expect(queue.length).toBe(0);
    expect(queue.droppedBytes).toBe(376);
  });

  it('puts back the rest of a chunk at the front', () => {
    const queue = new ChunkQueue(1 << 20);
    queue.push(chunk(1, 1));
    queue.push(chunk(1, 2));
    const first = queue.shift()!;
    queue.unshift(first.subarray(100));
    expect(queue.bytes).toBe(88 + 188);
    expect(queue.shift()!.length).toBe(88);
    expect(queue.shift()![0]).toBe(2);
    expect(queue.shift()).toBeUndefined();
  });

  it('counts bytes turned away and cleared', () => {
    const queue = new ChunkQueue(1 << 20);
    queue.countDropped(376);
    queue.push(chunk(1));
    queue.clear();
    expect(queue).toMatchObject({ droppedBytes: 564, droppedChunks: 2, bytes: 0, length: 0 });
  });
});

describe('RateMeter', () => {
  it('measures kbit/s over complete buckets and decays when bytes stop', () => {
    let now = 10_000;
    const meter = new RateMeter({ windowMs: 1000, now: () => now });
    expect(meter.kbps()).toBe(0);
    // 1 Mbit/s: 31 250 bytes per 250 ms.
    for (let i = 0; i < 8; i++) {
      meter.add(31_250);
      now += 250;
    }
    expect(meter.kbps()).toBe(1000);
    now += 5000;
    expect(meter.kbps()).toBe(0);
  });
});
