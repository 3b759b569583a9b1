import { describe, expect, it } from 'vitest';
import { VideoSourceInput } from './sources.ts';

const W = 16;
const H = 8;
const FRAME = (W * H * 3) / 2;

/** What a FrameReader does per frame: claim, fill, commit. Returns false when the sink said wait. */
function write(input: VideoSourceInput, value: number): boolean {
  const memory = input.claim();
  if (!memory) return false;
  expect(memory.length).toBe(FRAME);
  memory.fill(value);
  input.commit();
  return true;
}

describe('VideoSourceInput as a FrameSink', () => {
  it('pause: hands out nothing while the jitter buffer is full, and says when a tick makes room', () => {
    const input = new VideoSourceInput('file', { width: W, height: H, jitterFrames: 2, whenFull: 'pause' });
    let woken = 0;
    input.setWritableListener(() => woken++);
    expect(write(input, 1)).toBe(true);
    expect(write(input, 2)).toBe(true);
    expect(input.queuedFrames).toBe(2);
    expect(input.claim()).toBeNull();
    expect(woken).toBe(0);
    const onAir = input.advance();
    expect(input.pool.slots[onAir]!.i420[0]).toBe(1);
    expect(woken).toBe(1);
    expect(write(input, 3)).toBe(true);
    expect(input.pool.slots[input.advance()]!.i420[0]).toBe(2);
    expect(input.pool.slots[input.advance()]!.i420[0]).toBe(3);
    expect(input.framesDropped).toBe(0);
  });

  it('drop-oldest: keeps taking frames, drops the oldest queued one, counted', () => {
    const input = new VideoSourceInput('cam', { width: W, height: H, jitterFrames: 2, whenFull: 'drop-oldest' });
    for (let value = 1; value <= 5; value++) expect(write(input, value)).toBe(true);
    expect(input.queuedFrames).toBe(2);
    expect(input.framesDropped).toBe(3);
    expect(input.pool.slots[input.advance()]!.i420[0]).toBe(4);
    expect(input.pool.slots[input.advance()]!.i420[0]).toBe(5);
    // Every slot back in the pool but the one on air: nothing leaked by the drops.
    expect(input.pool.available).toBe(input.pool.count - 1);
  });

  it('a claim is the same memory until committed or abandoned; an abandoned frame never shows', () => {
    const input = new VideoSourceInput('cam', { width: W, height: H });
    const first = input.claim()!;
    expect(input.claim()).toBe(first);
    first.fill(9);
    input.abandon();
    expect(input.queuedFrames).toBe(0);
    expect(input.advance()).toBe(-1);
    expect(input.pool.available).toBe(input.pool.count);
  });

  it('drop-oldest with every slot held by plans decodes into the void, counted, rather than stall', () => {
    const input = new VideoSourceInput('cam', { width: W, height: H, jitterFrames: 1, readers: 1 });
    // Hold every slot, as plans stuck in flight would.
    const held = [];
    for (let slot = input.pool.acquire(); slot; slot = input.pool.acquire()) held.push(slot);
    const memory = input.claim()!;
    expect(memory.length).toBe(FRAME);
    expect(held.some((slot) => slot.i420.buffer === memory.buffer && slot.i420.byteOffset === memory.byteOffset)).toBe(false);
    input.commit();
    expect(input.queuedFrames).toBe(0);
    expect(input.framesDropped).toBe(1);
  });

  it('a closed input hands out nothing; the frame being filled stays the writer\'s until it lets go', () => {
    const input = new VideoSourceInput('cam', { width: W, height: H });
    expect(input.claim()).not.toBeNull();
    input.close();
    expect(input.pool.available).toBe(input.pool.count - 1);
    input.commit(); // the reader finishes its frame: it is not shown, its slot goes back
    expect(input.pool.available).toBe(input.pool.count);
    expect(input.claim()).toBeNull();
  });
});
