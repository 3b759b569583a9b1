// Audio monitoring at its seams: the tap follows listeners and program runs (a fake program), and
// with a real Program (inline compositor, the machine's ffmpeg) a test pattern's tone arrives in
// the packets at its frequency, before the fader: the same level at −20 dB and muted, while the
// program's own (post-fader) meter drops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAME_RATES } from '../compositor/index.ts';
import { resolveFfmpegBinaries } from '../encoder/ffmpeg-binaries.ts';
import { DEFAULT_PROGRAM_FORMAT, type ProgramFormat } from '../encoder/program-format.ts';
import { Logger } from '../log.ts';
import type { OnAirControl } from '../program/on-air-control.ts';
import { Program, type ProgramOptions } from '../program/program.ts';

type PreFaderTap = Parameters<Program['tapPreFader']>[1];
type MeterEvent = Parameters<NonNullable<ProgramOptions['onMeters']>>[0];
import { AUDIO_MONITOR_HEADER_BYTES, readAudioMonitorHeader, type AudioMonitorHeader } from '../../../shared/audio-monitor-frame.ts';
import type { MonitorSink } from './monitor-feed.ts';
import { SourceAudioMonitors } from './source-audio-monitor.ts';

class FakeLifecycle {
  readonly started = new Set<(control: OnAirControl) => void>();
  readonly stopped = new Set<() => void>();
  onStarted(listener: (control: OnAirControl) => void): () => void {
    this.started.add(listener);
    return () => this.started.delete(listener);
  }
  onStopped(listener: () => void): () => void {
    this.stopped.add(listener);
    return () => this.stopped.delete(listener);
  }
  start(): void {
    for (const listener of this.started) listener(null as unknown as OnAirControl);
  }
  stop(): void {
    for (const listener of this.stopped) listener();
  }
}

/** What the monitors use of a Program: its pre-fader tap. */
class FakeProgram {
  readonly taps = new Map<string, PreFaderTap>();
  tapPreFader(sourceId: string, tap: PreFaderTap): () => void {
    this.taps.set(sourceId, tap);
    return () => {
      if (this.taps.get(sourceId) === tap) this.taps.delete(sourceId);
    };
  }
}

/** Keeps every packet it gets, written at once. */
class PacketSink implements MonitorSink {
  readonly bufferedAmount = 0;
  readonly packets: { header: AudioMonitorHeader; samples: Int16Array }[] = [];
  send(data: Buffer, _options: { binary: true }, done: () => void): void {
    const header = readAudioMonitorHeader(new DataView(data.buffer, data.byteOffset, data.length));
    if (header) {
      const samples = new Int16Array(header.sampleFrames * header.channels);
      for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(AUDIO_MONITOR_HEADER_BYTES + i * 2);
      this.packets.push({ header, samples });
    }
    done();
  }
}

describe('SourceAudioMonitors', () => {
  it('taps a source only while someone listens, and follows program runs', () => {
    let airing: FakeProgram | null = null;
    const lifecycle = new FakeLifecycle();
    const monitors = new SourceAudioMonitors({ airing: () => airing, lifecycle });
    const first = new FakeProgram();
    airing = first;
    lifecycle.start();
    expect(first.taps.size).toBe(0);

    const one = new PacketSink();
    const two = new PacketSink();
    const detachOne = monitors.attach('7', one)!;
    const detachTwo = monitors.attach('7', two)!;
    expect([...first.taps.keys()]).toEqual(['7']);
    expect(monitors.sourceIds).toEqual(['7']);
    // Both listeners get the same packets.
    const samples = new Int16Array(960 * 2).fill(100);
    first.taps.get('7')!(samples, 960);
    expect(one.packets).toHaveLength(1);
    expect(two.packets).toHaveLength(1);

    // Stopped: untapped; the next run is tapped for the same listeners.
    airing = null;
    lifecycle.stop();
    expect(first.taps.size).toBe(0);
    const second = new FakeProgram();
    airing = second;
    lifecycle.start();
    expect([...second.taps.keys()]).toEqual(['7']);

    detachOne();
    expect(second.taps.size).toBe(1);
    detachTwo();
    expect(second.taps.size).toBe(0);
    expect(monitors.sourceIds).toEqual([]);
    monitors.close();
    expect(lifecycle.started.size).toBe(0);
  });
});

describe('SourceAudioMonitors on a real Program with a test pattern tone', () => {
  const TONE_HZ = 1000;
  const FORMAT: ProgramFormat = {
    ...DEFAULT_PROGRAM_FORMAT,
    width: 160,
    height: 90,
    frameRate: FRAME_RATES['25'],
    videoBitrateKbps: 300,
    x264Preset: 'ultrafast',
    gopFrames: 25,
  };
  const meters: MeterEvent[] = [];
  const lifecycle = new FakeLifecycle();
  let program: Program;
  let monitors: SourceAudioMonitors;

  beforeAll(async () => {
    program = new Program({
      format: FORMAT,
      ffmpegPath: resolveFfmpegBinaries().ffmpeg.path,
      logger: new Logger({ sink: () => {}, level: 'error' }),
      inlineCompositor: true,
      onMeters: (event) => meters.push(event),
    });
    await program.addSource({ id: 'tone', kind: 'test_pattern', toneHz: TONE_HZ, width: 160, height: 90 });
    program.setScene({ id: 'main', layers: [{ id: 'main:0', sourceId: 'tone', rect: { x: 0, y: 0, width: 160, height: 90 }, opacity: 1, visible: true }] });
    program.switchScene({ sceneId: 'main' });
    monitors = new SourceAudioMonitors({ airing: () => program, lifecycle });
    await program.start();
    lifecycle.start();
  }, 30_000);

  afterAll(async () => {
    monitors?.close();
    await program?.close();
  });

  /** The next `count` packets a new listener gets, once the tone is there. */
  async function listen(count: number): Promise<{ header: AudioMonitorHeader; samples: Int16Array }[]> {
    const sink = new PacketSink();
    const detach = monitors.attach('tone', sink)!;
    try {
      await expect.poll(() => sink.packets.filter((p) => peak(p.samples) > 1000).length, { timeout: 20_000, interval: 50 }).toBeGreaterThan(5);
      const from = sink.packets.length;
      await expect.poll(() => sink.packets.length - from, { timeout: 20_000, interval: 50 }).toBeGreaterThanOrEqual(count);
      return sink.packets.slice(from, from + count);
    } finally {
      detach();
    }
  }

  /** The latest post-fader peak of the source on the program's meter. */
  const meterPeak = (): number => meters.at(-1)?.sources.tone?.peakDbfs[0] ?? Number.NaN;

  it('sends the tone before the fader: its frequency by zero crossings, the same level at 0 dB, −20 dB and muted', async () => {
    // A second of audio at unity.
    const unity = await listen(50);
    const sequences = unity.map((p) => p.header.sequence);
    expect(sequences).toEqual(sequences.map((_, i) => sequences[0]! + i));
    expect(unity[0]!.header).toMatchObject({ channels: 2, sampleRate: 48_000, sampleFrames: 960 });
    const left = leftChannel(unity.map((p) => p.samples));
    expect(frequencyByZeroCrossings(left, 48_000)).toBeGreaterThan(TONE_HZ * 0.98);
    expect(frequencyByZeroCrossings(left, 48_000)).toBeLessThan(TONE_HZ * 1.02);
    const unityPeak = peak(left);
    // ffmpeg's sine is at 1/8 of full scale, −3 dB once spread over two channels.
    expect(unityPeak).toBeGreaterThan(2500);
    await expect.poll(meterPeak, { timeout: 10_000 }).toBeGreaterThan(-25);

    // The fader at −20 dB: the program's meter drops by 20 dB, the monitor does not.
    program.setAudio('tone', -20, false);
    await expect.poll(meterPeak, { timeout: 10_000 }).toBeLessThan(-35);
    const lowered = leftChannel((await listen(25)).map((p) => p.samples));
    expect(Math.abs(peak(lowered) - unityPeak)).toBeLessThanOrEqual(2);
    expect(frequencyByZeroCrossings(lowered, 48_000)).toBeCloseTo(TONE_HZ, -1);

    // Muted (Monitor Only): silent on the program, the same tone in the monitor.
    program.setAudio('tone', 0, true);
    await expect.poll(meterPeak, { timeout: 10_000 }).toBeLessThan(-90);
    const muted = leftChannel((await listen(25)).map((p) => p.samples));
    expect(Math.abs(peak(muted) - unityPeak)).toBeLessThanOrEqual(2);
    expect(frequencyByZeroCrossings(muted, 48_000)).toBeCloseTo(TONE_HZ, -1);
  }, 90_000);
});

function leftChannel(packets: Int16Array[]): Int16Array {
  const frames = packets.reduce((sum, p) => sum + p.length / 2, 0);
  const left = new Int16Array(frames);
  let at = 0;
  for (const p of packets) for (let i = 0; i < p.length; i += 2) left[at++] = p[i]!;
  return left;
}

function peak(samples: Int16Array): number {
  let max = 0;
  for (const v of samples) max = Math.max(max, Math.abs(v));
  return max;
}

/** Two sign changes per cycle: rising and falling. */
function frequencyByZeroCrossings(samples: Int16Array, sampleRate: number): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) if (samples[i - 1]! < 0 !== samples[i]! < 0) crossings++;
  return crossings / 2 / (samples.length / sampleRate);
}
