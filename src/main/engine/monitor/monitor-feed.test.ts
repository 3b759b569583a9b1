import { afterEach, describe, expect, it } from 'vitest';
import { fillPseudoRandom } from '../../../../tests/support/compositor.ts';
import { frameArena } from '../compositor/frame-arena.ts';
import { frameLayout, type FrameLayout } from '../compositor/frame-pool.ts';
import { MONITOR_HEADER_BYTES, MONITOR_KIND_PROGRAM, readMonitorHeader } from '../../../shared/monitor-frame.ts';
import { MAX_BUFFERED_BYTES, MAX_IN_FLIGHT, MonitorFeed, type MonitorSink } from './monitor-feed.ts';
import { MonitorFrames } from './monitor-frames.ts';

/** A frame of `layout` in the frame memory, filled by `fill`; freed after the test. */
const allocated: number[] = [];
function sourceFrame(layout: FrameLayout, fill: (planes: { y: Uint8Array; u: Uint8Array; v: Uint8Array }) => void): number {
  const arena = frameArena();
  const offset = arena.allocate(layout.slotBytes);
  allocated.push(offset);
  const buffer = arena.memory.buffer;
  fill({
    y: new Uint8Array(buffer, offset, layout.lumaBytes),
    u: new Uint8Array(buffer, offset + layout.uOffset, layout.chromaBytes),
    v: new Uint8Array(buffer, offset + layout.vOffset, layout.chromaBytes),
  });
  return offset;
}
afterEach(() => {
  for (const offset of allocated.splice(0)) frameArena().free(offset);
});

/** The mean of each k×k block of a plane, rounded: what an exact k:1 downscale gives. */
function blockMeans(plane: Uint8Array, width: number, height: number, k: number): Uint8Array {
  const w = width / k;
  const h = height / k;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) sum += plane[(y * k + dy) * width + x * k + dx]!;
      out[y * w + x] = Math.round(sum / (k * k));
    }
  return out;
}

function maxDifference(a: Uint8Array, b: Uint8Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('MonitorFrames', () => {
  for (const [width, height, k] of [
    [1280, 720, 2],
    [1920, 1080, 3],
  ] as const) {
    it(`downscales ${width}×${height} to 640×360 by the scale kernel, as block means (±1), under its header`, () => {
      const layout = frameLayout(width, height);
      let planes = { y: new Uint8Array(0), u: new Uint8Array(0), v: new Uint8Array(0) };
      const offset = sourceFrame(layout, (p) => {
        fillPseudoRandom(p.y, 7);
        fillPseudoRandom(p.u, 8);
        fillPseudoRandom(p.v, 9);
        planes = { y: p.y.slice(), u: p.u.slice(), v: p.v.slice() };
      });
      const frames = new MonitorFrames(layout, 640, 360, 1);
      const index = frames.acquire();
      const message = frames.render(index, offset, MONITOR_KIND_PROGRAM, 42, 1234.5, 0);
      expect(message.length).toBe(MONITOR_HEADER_BYTES + 640 * 360 * 1.5);
      expect(readMonitorHeader(new DataView(message.buffer, message.byteOffset, message.length))).toMatchObject({
        kind: MONITOR_KIND_PROGRAM,
        width: 640,
        height: 360,
        frameIndex: 42,
        composedAtMs: 1234.5,
      });
      const pixels = message.subarray(MONITOR_HEADER_BYTES);
      expect(maxDifference(pixels.subarray(0, 640 * 360), blockMeans(planes.y, width, height, k))).toBeLessThanOrEqual(1);
      expect(maxDifference(pixels.subarray(640 * 360, 640 * 360 + 320 * 180), blockMeans(planes.u, width / 2, height / 2, k))).toBeLessThanOrEqual(1);
      expect(maxDifference(pixels.subarray(640 * 360 + 320 * 180), blockMeans(planes.v, width / 2, height / 2, k))).toBeLessThanOrEqual(1);
      frames.release(index);
      frames.close();
    });
  }

  it('gives its frame memory back once closed and no socket holds a buffer', () => {
    const arena = frameArena();
    const before = arena.stats().usedBytes;
    const frames = new MonitorFrames(frameLayout(1280, 720), 640, 360, 3);
    const held = frames.acquire();
    frames.close();
    expect(frames.acquire()).toBe(-1);
    expect(arena.stats().usedBytes).toBeGreaterThan(before);
    frames.release(held);
    expect(arena.stats().usedBytes).toBe(before);
  });
});

/** A sink that records what it got; `auto` writes at once, otherwise its writes wait for flush(). */
class FakeSink implements MonitorSink {
  bufferedAmount = 0;
  readonly received: Buffer[] = [];
  readonly #pending: Array<() => void> = [];
  readonly auto: boolean;
  constructor(auto: boolean) {
    this.auto = auto;
  }
  send(data: Buffer, _options: { binary: true }, done: (error?: Error) => void): void {
    this.received.push(data);
    if (this.auto) done();
    else this.#pending.push(() => done());
  }
  flush(): void {
    for (const done of this.#pending.splice(0)) done();
  }
}

describe('MonitorFeed', () => {
  const layout = frameLayout(1280, 720);

  it('makes nothing while nobody watches', () => {
    const arena = frameArena();
    const feed = new MonitorFeed({ width: 640, height: 360, kind: MONITOR_KIND_PROGRAM });
    const offset = sourceFrame(layout, (p) => p.y.fill(100));
    const before = arena.stats().usedBytes;
    for (let n = 0; n < 10; n++) feed.publish(layout, offset, n, n);
    expect(feed.stats.published).toBe(0);
    expect(arena.stats().usedBytes).toBe(before);
  });

  it('sends one rendering to every viewer; a viewer that never reads gets MAX_IN_FLIGHT frames and misses the rest, alone', () => {
    const feed = new MonitorFeed({ width: 640, height: 360, kind: MONITOR_KIND_PROGRAM });
    const offset = sourceFrame(layout, (p) => p.y.fill(100));
    const reader = new FakeSink(true);
    const stuck = new FakeSink(false);
    feed.attach(reader);
    feed.attach(stuck);
    for (let n = 0; n < 100; n++) feed.publish(layout, offset, n, n);
    expect(reader.received).toHaveLength(100);
    expect(stuck.received).toHaveLength(MAX_IN_FLIGHT);
    expect(stuck.received[0]).toBe(reader.received[0]);
    expect(feed.stats).toEqual({
      published: 100,
      starved: 0,
      viewers: [
        { sent: 100, dropped: 0 },
        { sent: MAX_IN_FLIGHT, dropped: 100 - MAX_IN_FLIGHT },
      ],
    });
    // Once it has taken its frames, it gets the next one: the newest, not a backlog.
    stuck.flush();
    feed.publish(layout, offset, 100, 100);
    expect(stuck.received).toHaveLength(MAX_IN_FLIGHT + 1);
    expect(readMonitorHeader(new DataView(stuck.received.at(-1)!.buffer, stuck.received.at(-1)!.byteOffset, stuck.received.at(-1)!.length))?.frameIndex).toBe(
      100,
    );
    feed.close();
  });

  it('skips a viewer whose socket holds more than MAX_BUFFERED_BYTES unsent', () => {
    const feed = new MonitorFeed({ width: 640, height: 360, kind: MONITOR_KIND_PROGRAM });
    const offset = sourceFrame(layout, (p) => p.y.fill(100));
    const slow = new FakeSink(true);
    feed.attach(slow);
    slow.bufferedAmount = MAX_BUFFERED_BYTES + 1;
    feed.publish(layout, offset, 0, 0);
    expect(slow.received).toHaveLength(0);
    slow.bufferedAmount = 0;
    feed.publish(layout, offset, 1, 1);
    expect(slow.received).toHaveLength(1);
    feed.close();
  });

  it('frees its buffers when the last viewer goes, once their writes are done', () => {
    const arena = frameArena();
    const before = arena.stats().usedBytes;
    const feed = new MonitorFeed({ width: 640, height: 360, kind: MONITOR_KIND_PROGRAM });
    const offset = sourceFrame(layout, (p) => p.y.fill(100));
    const afterSource = arena.stats().usedBytes;
    expect(afterSource).toBeGreaterThan(before);
    const sink = new FakeSink(false);
    const detach = feed.attach(sink)!;
    feed.publish(layout, offset, 0, 0);
    detach();
    expect(arena.stats().usedBytes).toBeGreaterThan(afterSource);
    sink.flush();
    expect(arena.stats().usedBytes).toBe(afterSource);
  });
});
