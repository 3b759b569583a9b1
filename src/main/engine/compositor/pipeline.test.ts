// The three real-time parts wired as the program loop wires them: the ticker drives the
// compositor and the mixer once per frame index; skipped ticks still give a picture and audio.
import { describe, expect, it } from 'vitest';
import { AudioMixer } from '../audio/mixer.ts';
import { Compositor } from './compositor.ts';
import { FRAME_RATES, FrameTicker, FrameTiming } from './frame-clock.ts';
import type { TimeSource } from './frame-clock.ts';

class SteppedTime implements TimeSource {
  now = 0n;
  timers: { due: bigint; callback: () => void }[] = [];
  nowNs(): bigint {
    return this.now;
  }
  schedule(callback: () => void, delayMs: number): unknown {
    const timer = { due: this.now + BigInt(delayMs) * 1_000_000n, callback };
    this.timers.push(timer);
    return timer;
  }
  cancel(handle: unknown): void {
    this.timers = this.timers.filter((t) => t !== handle);
  }
  run(untilNs: bigint): void {
    for (;;) {
      this.timers.sort((a, b) => (a.due < b.due ? -1 : 1));
      const next = this.timers.shift();
      if (!next || next.due > untilNs) {
        if (next) this.timers.unshift(next);
        break;
      }
      if (next.due > this.now) this.now = next.due;
      next.callback();
    }
  }
}

describe('program loop: ticker → compositor + mixer', () => {
  it('gives one picture and exactly samplesFor(n) samples per frame index at 29.97, skipped frames included', async () => {
    const timing = new FrameTiming(FRAME_RATES['29.97']);
    const time = new SteppedTime();
    const pictures: { n: number; repeated: boolean }[] = [];
    const compositor = Compositor.inline({
      width: 8,
      height: 8,
      onFrame: (n, frame, repeated) => {
        pictures.push({ n, repeated });
        if (frame) frame.pool.release(frame.index);
      },
    });
    const mixer = new AudioMixer({ maxSamplesPerFrame: timing.maxSamplesPerFrame });
    const tone = mixer.addSource('tone', { bufferSamples: 48_048 });
    tone.write(Buffer.alloc(48_048 * 4, 1));
    const pcm = new Int16Array(timing.maxSamplesPerFrame * 2);
    let audioSamples = 0;
    const ticker = new FrameTicker(
      timing.rate,
      (tick) => {
        compositor.tick(tick.frame, tick.skip);
        const samples = timing.samplesFor(tick.frame);
        mixer.mix(samples, pcm);
        audioSamples += samples;
      },
      { time },
    );
    ticker.start();
    time.run(1_001_000_000n - 1n); // 30 frames of 29.97 last exactly 1.001 s
    ticker.stop();
    await compositor.close();

    expect(pictures.map((p) => p.n)).toEqual(Array.from({ length: 30 }, (_, n) => n));
    expect(audioSamples).toBe(timing.sampleOffsetOf(30));
    expect(mixer.stats().sources.tone!.underruns).toBe(0);
    expect(pictures.every((p) => !p.repeated)).toBe(true);
  });

  it('keeps every frame index and its audio through a stall: skipped ticks become repeated pictures', async () => {
    const timing = new FrameTiming(FRAME_RATES['30']);
    const time = new SteppedTime();
    const pictures: { n: number; repeated: boolean }[] = [];
    const compositor = Compositor.inline({
      width: 8,
      height: 8,
      onFrame: (n, frame, repeated) => {
        pictures.push({ n, repeated });
        if (frame) frame.pool.release(frame.index);
      },
    });
    const mixer = new AudioMixer({ maxSamplesPerFrame: timing.maxSamplesPerFrame });
    const pcm = new Int16Array(timing.maxSamplesPerFrame * 2);
    const ticker = new FrameTicker(
      timing.rate,
      (tick) => {
        compositor.tick(tick.frame, tick.skip);
        mixer.mix(timing.samplesFor(tick.frame), pcm);
        if (tick.frame === 5) time.now += 200_000_000n; // 6 periods
      },
      { time },
    );
    ticker.start();
    time.run(1_000_000_000n - 1n);
    ticker.stop();
    await compositor.close();

    expect(pictures.map((p) => p.n)).toEqual(Array.from({ length: 30 }, (_, n) => n));
    expect(pictures.filter((p) => p.repeated).map((p) => p.n)).toEqual([6, 7, 8, 9, 10]);
    expect(mixer.stats().mixedSamples).toBe(30 * 1600);
    expect(compositor.stats().dropped.skipped).toBe(5);
    expect(ticker.stats().skippedFrames).toBe(5);
  });
});
