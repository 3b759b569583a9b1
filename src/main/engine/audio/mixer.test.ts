import { describe, expect, it } from 'vitest';
import { FRAME_RATES, FrameTiming } from '../compositor/frame-clock.ts';
import { MeterAccumulator, METER_FLOOR_DBFS, toDbfs } from './meter.ts';
import { AudioMixer, MAX_OWED_SAMPLES } from './mixer.ts';
import type { MeterEvent } from './mixer.ts';

/** s16le interleaved stereo bytes from per-frame [left, right] values. */
function pcm(frames: [number, number][]): Buffer {
  const bytes = Buffer.alloc(frames.length * 4);
  frames.forEach(([l, r], i) => {
    bytes.writeInt16LE(l, i * 4);
    bytes.writeInt16LE(r, i * 4 + 2);
  });
  return bytes;
}

function sine(frames: number, amplitude: number, hz = 1000, rate = 48_000): Buffer {
  const values: [number, number][] = [];
  for (let i = 0; i < frames; i++) {
    const s = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
    values.push([s, s]);
  }
  return pcm(values);
}

function mixer(onMeters?: (e: MeterEvent) => void): AudioMixer {
  return new AudioMixer({ maxSamplesPerFrame: 1602, ...(onMeters ? { onMeters } : {}) });
}

describe('AudioMixer', () => {
  it('passes one source at unity gain through bit-exact', () => {
    const m = mixer();
    const input = m.addSource('a');
    const values: [number, number][] = [
      [1, -1],
      [32767, -32768],
      [-1234, 4321],
      [0, 7],
    ];
    input.write(pcm(values));
    const out = new Int16Array(8);
    m.mix(4, out);
    expect([...out]).toEqual(values.flat());
  });

  it('takes bytes in any chunking, even splitting a sample', () => {
    const m = mixer();
    const input = m.addSource('a');
    const bytes = pcm([
      [100, -200],
      [300, -400],
      [500, -600],
    ]);
    for (const cut of [
      [0, 1],
      [1, 3],
      [3, 7],
      [7, 12],
    ])
      input.write(bytes.subarray(cut[0], cut[1]));
    const out = new Int16Array(6);
    m.mix(3, out);
    expect([...out]).toEqual([100, -200, 300, -400, 500, -600]);
  });

  it('applies gain in dB per source and on the master, and mutes', () => {
    const m = mixer();
    m.addSource('a', { gainDb: -6.0206 }).write(pcm([[10000, -10000]]));
    m.addSource('b', { muted: true }).write(pcm([[5000, 5000]]));
    const out = new Int16Array(2);
    m.mix(1, out);
    expect([...out]).toEqual([5000, -5000]);
    m.setMasterGain(6.0206);
    m.setGain('a', 0);
    m.setMuted('b', false);
    m.source('a').write(pcm([[1000, 1000]]));
    m.source('b').write(pcm([[1000, -3000]]));
    m.mix(1, out);
    expect([...out]).toEqual([4000, -4000]);
    m.setMasterMuted(true);
    m.source('a').write(pcm([[1000, 1000]]));
    m.mix(1, out);
    expect([...out]).toEqual([0, 0]);
    expect(() => m.setGain('nope', 0)).toThrow(/no audio source/);
    expect(() => m.setGain('a', 40)).toThrow(/≤ 24 dB/);
  });

  it('saturates instead of wrapping, and counts clipped samples', () => {
    const m = mixer();
    m.addSource('a').write(
      pcm([
        [30000, -30000],
        [100, -100],
      ]),
    );
    m.addSource('b').write(
      pcm([
        [30000, -30000],
        [100, -100],
      ]),
    );
    const out = new Int16Array(4);
    m.mix(2, out);
    expect([...out]).toEqual([32767, -32768, 200, -200]);
    expect(m.stats().clippedSamples).toBe(2);
  });

  it('mixes exactly each frame’s samples from the clock: 8008 over 5 frames at 29.97', () => {
    const timing = new FrameTiming(FRAME_RATES['29.97']);
    const m = new AudioMixer({ maxSamplesPerFrame: timing.maxSamplesPerFrame });
    const input = m.addSource('a', { bufferSamples: 10_000 });
    input.write(sine(9000, 1000));
    const out = new Int16Array(timing.maxSamplesPerFrame * 2);
    for (let n = 0; n < 5; n++) m.mix(timing.samplesFor(n), out);
    expect(m.stats().mixedSamples).toBe(8008);
    expect(input.buffered).toBe(9000 - 8008);
  });

  it('fills missing input with silence and counts the underrun; drops the oldest on overflow', () => {
    const m = mixer();
    const input = m.addSource('a', { bufferSamples: 4 });
    input.write(
      pcm([
        [1, 1],
        [2, 2],
        [3, 3],
        [4, 4],
        [5, 5],
        [6, 6],
      ]),
    );
    expect(input.stats().overflowSamples).toBe(2);
    const out = new Int16Array(12);
    m.mix(6, out);
    expect([...out]).toEqual([3, 3, 4, 4, 5, 5, 6, 6, 0, 0, 0, 0]);
    expect(input.stats()).toMatchObject({ underruns: 1, silenceSamples: 2, received: 6 });
  });

  it('makes up an underrun when the late samples come: the source is back in time, not a frame late from then on', () => {
    const m = mixer();
    const input = m.addSource('a', { bufferSamples: 64, makeUpUnderruns: true });
    const out = new Int16Array(8);
    // Sample n carries the value n: where the mix reads in the source's own time is visible.
    const samples = (from: number, count: number) => pcm(Array.from({ length: count }, (_, i): [number, number] => [from + i, from + i]));
    input.write(samples(1, 4));
    m.mix(4, out); // frame 0: samples 1..4
    expect([...out]).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    input.write(samples(5, 2));
    m.mix(4, out); // frame 1: 5, 6, then an underrun of 2 (silence)
    expect([...out]).toEqual([5, 5, 6, 6, 0, 0, 0, 0]);
    // The late 7 and 8 arrive with the next frame's 9..12: 7 and 8 belonged to frame 1 and are dropped.
    input.write(samples(7, 6));
    m.mix(4, out);
    expect([...out]).toEqual([9, 9, 10, 10, 11, 11, 12, 12]);
    // Made up only from what is beyond a frame's need: never an underrun of its own.
    input.write(samples(13, 2));
    m.mix(4, out); // underrun of 2 again
    input.write(samples(15, 4)); // just this frame's need: nothing is dropped yet
    m.mix(4, out);
    expect([...out]).toEqual([15, 15, 16, 16, 17, 17, 18, 18]);
    input.write(samples(19, 6)); // 2 beyond the need: the owed 2 (the 4 of 15..18 played 2 late) go
    m.mix(4, out);
    expect([...out]).toEqual([21, 21, 22, 22, 23, 23, 24, 24]);
    expect(input.stats()).toMatchObject({ underruns: 2, silenceSamples: 4 });
  });

  it('a source that does not make up underruns (live, generated) plays its late samples: they become its cushion', () => {
    const m = mixer();
    const input = m.addSource('a', { bufferSamples: 64 });
    const out = new Int16Array(8);
    input.write(
      pcm([
        [1, 1],
        [2, 2],
      ]),
    );
    m.mix(4, out); // 1, 2, then 2 of silence
    input.write(
      pcm([
        [3, 3],
        [4, 4],
        [5, 5],
        [6, 6],
        [7, 7],
        [8, 8],
      ]),
    );
    m.mix(4, out);
    expect([...out]).toEqual([3, 3, 4, 4, 5, 5, 6, 6]);
    expect(input.buffered).toBe(2);
  });

  it('makes up at most MAX_OWED_SAMPLES after a long stall, and a held source owes nothing', () => {
    const m = new AudioMixer({ maxSamplesPerFrame: 4800 });
    const input = m.addSource('a', { bufferSamples: 48_000, makeUpUnderruns: true });
    const out = new Int16Array(9600);
    for (let i = 0; i < 10; i++) m.mix(4800, out); // a second with nothing: 48 000 owed, capped
    input.write(pcm(Array.from({ length: 48_000 }, (_, i): [number, number] => [i % 30000, i % 30000])));
    m.mix(4800, out);
    expect(out[0]).toBe(MAX_OWED_SAMPLES); // the cap dropped, no more
    // Held (a paused show) is not late: nothing is owed, however long it holds.
    const paused = mixer();
    const show = paused.addSource('b', { bufferSamples: 64, makeUpUnderruns: true });
    show.held = true;
    const one = new Int16Array(8);
    for (let i = 0; i < 5; i++) paused.mix(4, one);
    show.held = false;
    show.write(
      pcm([
        [7, 7],
        [8, 8],
        [9, 9],
        [10, 10],
        [11, 11],
        [12, 12],
      ]),
    );
    paused.mix(4, one);
    expect([...one]).toEqual([7, 7, 8, 8, 9, 9, 10, 10]);
  });

  it('refuses a frame larger than its scratch instead of allocating', () => {
    const m = mixer();
    expect(() => m.mix(1603, new Int16Array(4000))).toThrow(/0..1602/);
    expect(() => m.mix(10, new Int16Array(4))).toThrow(/output holds/);
  });

  it('emits meters at 10 Hz: a full-scale sine reads 0 dBFS peak and −3.01 dBFS RMS, half scale −6.02/−9.03', () => {
    const events: MeterEvent[] = [];
    const timing = new FrameTiming(FRAME_RATES['30']);
    const m = new AudioMixer({ maxSamplesPerFrame: 1600, onMeters: (e) => events.push(e) });
    m.addSource('loud', { bufferSamples: 48_000 }).write(sine(48_000, 32767));
    m.addSource('quiet', { bufferSamples: 48_000, gainDb: -Infinity }).write(sine(48_000, 16384));
    const out = new Int16Array(3200);
    for (let n = 0; n < 30; n++) m.mix(timing.samplesFor(n), out);
    expect(events.length).toBe(10); // one second, 4800-sample windows
    const last = events.at(-1)!;
    expect(last.sources.loud!.rmsDbfs[0]).toBeCloseTo(-3.0103, 2);
    expect(last.sources.loud!.peakDbfs[1]).toBeCloseTo(0, 3);
    expect(last.master.rmsDbfs[0]).toBeCloseTo(-3.0103, 2);
    // Muted by −∞ dB gain: post-fader meter at the floor.
    expect(last.sources.quiet!.peakDbfs[0]).toBe(METER_FLOOR_DBFS);
    const meter = new MeterAccumulator(2, 4800);
    const half = new Int16Array(sine(4800, 16384).buffer.slice(0));
    expect(meter.add(half, 0, 4800)).toBe(1);
    expect(meter.reading.peakDbfs[0]).toBeCloseTo(-6.0206, 3);
    expect(meter.reading.rmsDbfs[0]).toBeCloseTo(-9.0309, 2);
  });

  it('closes meter windows wherever they fall inside frames of 1601/1602 samples', () => {
    const meter = new MeterAccumulator(2, 4800);
    const timing = new FrameTiming(FRAME_RATES['29.97']);
    const silence = new Int16Array(1602 * 2);
    let readings = 0;
    for (let n = 0; n < 300; n++) readings += meter.add(silence, 0, timing.samplesFor(n));
    expect(readings).toBe(Math.floor(timing.sampleOffsetOf(300) / 4800));
    expect(meter.reading.rmsDbfs[0]).toBe(METER_FLOOR_DBFS);
    expect(toDbfs(32768)).toBe(0);
  });
});

describe('AudioMixer pre-fader tap (audio monitoring)', () => {
  /** Collects what a tap hands over, copied (the array is the mixer's scratch). */
  function collector(): { tap: (samples: Int16Array, frames: number) => void; got: number[] } {
    const got: number[] = [];
    return { tap: (samples, frames) => got.push(...samples.subarray(0, frames * 2)), got };
  }

  it('hands over the samples before gain and mute, while the mix gets them after', () => {
    const m = mixer();
    const input = m.addSource('a', { gainDb: -20 });
    const { tap, got } = collector();
    m.setPreFaderTap('a', tap);
    input.write(
      pcm([
        [10000, -10000],
        [2000, 3000],
      ]),
    );
    const out = new Int16Array(4);
    m.mix(2, out);
    expect(got).toEqual([10000, -10000, 2000, 3000]);
    expect([...out]).toEqual([1000, -1000, 200, 300]);
    m.setMuted('a', true);
    input.write(pcm([[1234, -4321]]));
    m.mix(1, out);
    expect(got.slice(4)).toEqual([1234, -4321]);
    expect([...out.subarray(0, 2)]).toEqual([0, 0]);
  });

  it('taps a source left out of the mix (listened to before it airs), gives silence past its samples and while held', () => {
    const m = mixer();
    const input = m.addSource('a');
    const { tap, got } = collector();
    m.setPreFaderTap('a', tap);
    input.audible = false;
    input.write(pcm([[500, 600]]));
    const out = new Int16Array(4);
    m.mix(2, out);
    expect(got).toEqual([500, 600, 0, 0]);
    expect([...out]).toEqual([0, 0, 0, 0]);
    input.audible = true;
    input.held = true;
    input.write(pcm([[700, 800]]));
    m.mix(1, out);
    expect(got.slice(4)).toEqual([0, 0]);
    // Held samples stay buffered: they play (and are tapped) once resumed.
    input.held = false;
    m.mix(1, out);
    expect(got.slice(6)).toEqual([700, 800]);
    expect([...out.subarray(0, 2)]).toEqual([700, 800]);
  });

  it('keeps a tap across a source removed and added again, and stops when the tap is taken off', () => {
    const m = mixer();
    const { tap, got } = collector();
    m.setPreFaderTap('later', tap);
    m.addSource('later').write(pcm([[1, 2]]));
    const out = new Int16Array(2);
    m.mix(1, out);
    expect(got).toEqual([1, 2]);
    m.removeSource('later');
    m.addSource('later').write(pcm([[3, 4]]));
    m.mix(1, out);
    expect(got).toEqual([1, 2, 3, 4]);
    expect(m.preFaderTapOf('later')).toBe(tap);
    m.setPreFaderTap('later', null);
    m.source('later').write(pcm([[5, 6]]));
    m.mix(1, out);
    expect(got).toEqual([1, 2, 3, 4]);
    expect(m.source('later').preFader).toBeNull();
  });
});
