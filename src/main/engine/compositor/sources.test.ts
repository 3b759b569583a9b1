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

  it("a closed input hands out nothing; the frame being filled stays the writer's until it lets go", () => {
    const input = new VideoSourceInput('cam', { width: W, height: H });
    expect(input.claim()).not.toBeNull();
    input.close();
    expect(input.pool.available).toBe(input.pool.count - 1);
    input.commit(); // the reader finishes its frame: it is not shown, its slot goes back
    expect(input.pool.available).toBe(input.pool.count);
    expect(input.claim()).toBeNull();
  });
});

describe('VideoSourceInput latency trimming (drop-oldest)', () => {
  it('drops frames that stayed queued through a whole window, keeping one as slack', () => {
    const input = new VideoSourceInput('cam', { width: W, height: H, jitterFrames: 3, trimWindowTicks: 10 });
    // A burst at the start, then one frame between ticks: three frames stand in the queue.
    let value = 1;
    for (let i = 0; i < 3; i++) write(input, value++);
    const shown: number[] = [];
    const queuedAfterTick: number[] = [];
    for (let tick = 0; tick < 25; tick++) {
      shown.push(input.pool.slots[input.advance()]!.i420[0]!);
      queuedAfterTick.push(input.queuedFrames);
      write(input, value++);
    }
    // Two frames stood in the queue through the first window: one went, one stays as slack.
    expect(queuedAfterTick.slice(0, 9)).toEqual(new Array(9).fill(2));
    expect(queuedAfterTick.slice(9)).toEqual(new Array(16).fill(1));
    expect(input.framesDropped).toBe(1);
    expect(shown.slice(0, 10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(shown[10]).toBe(12); // 11 was the standing delay
    expect(input.stats().repeated).toBe(0);
  });

  it('leaves a queue that empties now and then alone, and never trims a file (pause)', () => {
    const live = new VideoSourceInput('cam', { width: W, height: H, jitterFrames: 3, trimWindowTicks: 10 });
    const file = new VideoSourceInput('file', { width: W, height: H, jitterFrames: 3, whenFull: 'pause', trimWindowTicks: 10 });
    for (let tick = 0; tick < 30; tick++) {
      // The live input's decoder is late once per window: its queue touches empty.
      if (tick % 10 !== 5) write(live, tick);
      if (tick % 10 === 6) write(live, 100 + tick);
      live.advance();
      while (write(file, tick));
      file.advance();
    }
    expect(live.framesDropped).toBe(0);
    expect(file.framesDropped).toBe(0);
    expect(file.queuedFrames).toBe(2);
  });
});
