import { describe, expect, it } from 'vitest';
import { AUDIO_MONITOR_HEADER_BYTES, AUDIO_MONITOR_PACKET_FRAMES, readAudioMonitorHeader } from '../../../shared/audio-monitor-frame.ts';
import { AUDIO_MAX_BUFFERED_BYTES, AUDIO_MAX_IN_FLIGHT, AUDIO_MAX_LISTENERS, AudioMonitorFeed } from './audio-monitor-feed.ts';
import type { MonitorSink } from './monitor-feed.ts';

/** A sink that keeps copies of what it got; `auto` writes at once, otherwise its writes wait for flush(). */
class FakeSink implements MonitorSink {
  bufferedAmount = 0;
  readonly received: Buffer[] = [];
  readonly #pending: Array<() => void> = [];
  readonly auto: boolean;
  constructor(auto: boolean) {
    this.auto = auto;
  }
  send(data: Buffer, _options: { binary: true }, done: (error?: Error) => void): void {
    this.received.push(Buffer.from(data));
    if (this.auto) done();
    else this.#pending.push(done);
  }
  flush(): void {
    for (const done of this.#pending.splice(0)) done();
  }
}

/** Stereo s16 where left counts up from `start` and right is its negation. */
function counting(frames: number, start: number): Int16Array {
  const samples = new Int16Array(frames * 2);
  for (let f = 0; f < frames; f++) {
    samples[f * 2] = (start + f) % 30_000;
    samples[f * 2 + 1] = -((start + f) % 30_000);
  }
  return samples;
}

const headerOf = (message: Buffer) => readAudioMonitorHeader(new DataView(message.buffer, message.byteOffset, message.length))!;
const leftOf = (message: Buffer): number[] => {
  const values: number[] = [];
  for (let f = 0; f < AUDIO_MONITOR_PACKET_FRAMES; f++) values.push(message.readInt16LE(AUDIO_MONITOR_HEADER_BYTES + f * 4));
  return values;
};

describe('AudioMonitorFeed', () => {
  it('cuts ticks of any size (29.97 fps: 1601 and 1602 samples) into whole 960-sample packets, every sample once, in order', () => {
    const feed = new AudioMonitorFeed();
    const sink = new FakeSink(true);
    feed.attach(sink);
    let written = 0;
    for (const frames of [1601, 1602, 1601, 1602, 1602]) {
      feed.write(counting(frames, written), frames, 1000 + written);
      written += frames;
    }
    expect(sink.received).toHaveLength(Math.floor(written / AUDIO_MONITOR_PACKET_FRAMES));
    sink.received.forEach((message, i) => {
      expect(headerOf(message)).toMatchObject({ channels: 2, sampleRate: 48_000, sequence: i, sampleFrames: AUDIO_MONITOR_PACKET_FRAMES, starved: 0 });
      const expected = Array.from({ length: AUDIO_MONITOR_PACKET_FRAMES }, (_, f) => (i * AUDIO_MONITOR_PACKET_FRAMES + f) % 30_000);
      expect(leftOf(message)).toEqual(expected);
      expect(message.readInt16LE(AUDIO_MONITOR_HEADER_BYTES + 2)).toBe(-expected[0]! || 0);
    });
    // The packet's time is the tick that completed it.
    expect(headerOf(sink.received[0]!).capturedAtMs).toBe(1000);
    expect(headerOf(sink.received[1]!).capturedAtMs).toBe(1000 + 1601);
  });

  it('holds nothing and sends nothing without a listener', () => {
    const feed = new AudioMonitorFeed();
    feed.write(counting(1600, 0), 1600, 0);
    expect(feed.stats.published).toBe(0);
    const sink = new FakeSink(true);
    const detach = feed.attach(sink)!;
    detach();
    feed.write(counting(1920, 0), 1920, 0);
    expect(sink.received).toHaveLength(0);
    expect(feed.watched).toBe(false);
  });

  it('drops packets for a listener that does not take them, and only for it; it sees a gap in the sequence', () => {
    const feed = new AudioMonitorFeed();
    const fast = new FakeSink(true);
    const slow = new FakeSink(false);
    feed.attach(fast);
    feed.attach(slow);
    const packets = AUDIO_MAX_IN_FLIGHT + 4;
    for (let p = 0; p < packets; p++) feed.write(counting(AUDIO_MONITOR_PACKET_FRAMES, 0), AUDIO_MONITOR_PACKET_FRAMES, p);
    expect(fast.received).toHaveLength(packets);
    expect(slow.received).toHaveLength(AUDIO_MAX_IN_FLIGHT);
    expect(feed.stats.listeners).toEqual([
      { sent: packets, dropped: 0 },
      { sent: AUDIO_MAX_IN_FLIGHT, dropped: 4 },
    ]);
    // Written: it takes packets again, the ones it missed are a sequence gap.
    slow.flush();
    feed.write(counting(AUDIO_MONITOR_PACKET_FRAMES, 0), AUDIO_MONITOR_PACKET_FRAMES, 0);
    expect(headerOf(slow.received.at(-1)!).sequence).toBe(packets);
    expect(headerOf(slow.received.at(-2)!).sequence).toBe(AUDIO_MAX_IN_FLIGHT - 1);
  });

  it('sends nothing new to a socket with too many unsent bytes', () => {
    const feed = new AudioMonitorFeed();
    const sink = new FakeSink(true);
    feed.attach(sink);
    sink.bufferedAmount = AUDIO_MAX_BUFFERED_BYTES + 1;
    feed.write(counting(AUDIO_MONITOR_PACKET_FRAMES, 0), AUDIO_MONITOR_PACKET_FRAMES, 0);
    expect(sink.received).toHaveLength(0);
    sink.bufferedAmount = 0;
    feed.write(counting(AUDIO_MONITOR_PACKET_FRAMES, 0), AUDIO_MONITOR_PACKET_FRAMES, 0);
    expect(sink.received).toHaveLength(1);
    expect(feed.stats.listeners[0]).toEqual({ sent: 1, dropped: 1 });
  });

  it('with every listener stuck, keeps making packets and never waits; the ring is sized so it never runs out', () => {
    const feed = new AudioMonitorFeed();
    const sinks = Array.from({ length: AUDIO_MAX_LISTENERS }, () => new FakeSink(false));
    for (const sink of sinks) feed.attach(sink);
    expect(feed.attach(new FakeSink(true))).toBeNull();
    const packets = AUDIO_MAX_IN_FLIGHT + 3;
    for (let p = 0; p < packets; p++) feed.write(counting(AUDIO_MONITOR_PACKET_FRAMES, 0), AUDIO_MONITOR_PACKET_FRAMES, p);
    expect(feed.stats.published).toBe(packets);
    expect(feed.stats.starved).toBe(0);
    for (const listener of feed.stats.listeners) expect(listener).toEqual({ sent: AUDIO_MAX_IN_FLIGHT, dropped: 3 });
    for (const sink of sinks) sink.flush();
    feed.write(counting(AUDIO_MONITOR_PACKET_FRAMES, 0), AUDIO_MONITOR_PACKET_FRAMES, 0);
    expect(headerOf(sinks[0]!.received.at(-1)!).sequence).toBe(packets);
  });
});
