// The program audio mixer. Each frame tick mixes exactly that frame's samples (FrameTiming
// .samplesFor(n)) from every source, so audio and video stay in step by construction.
// Sources and output are s16 little-endian, 48 kHz, interleaved stereo ("s16le" to ffmpeg;
// Int16Array is little-endian on every platform Node ships for).
import { AUDIO_SAMPLE_RATE } from '../media.ts';
import { AudioError } from './errors.ts';
import { MeterAccumulator } from './meter.ts';
import type { MeterReading } from './meter.ts';

export const MIXER_CHANNELS = 2;
/**
 * The most a source makes up after underruns: 0.2 s at 48 kHz. A hiccup of a few frames is made up
 * to the sample; a source that stalled longer (a live feed that stopped) starts again with at most
 * this much of its next surplus dropped, not its whole jitter buffer.
 */
export const MAX_OWED_SAMPLES = 9600;
/** Gains above this are refused: +24 dB already turns a quiet mic into a clipped one. */
export const MAX_GAIN_DB = 24;

export function dbToGain(db: number): number {
  return db === -Infinity ? 0 : 10 ** (db / 20);
}

function checkGain(db: number, field: string): number {
  if (Number.isNaN(db) || db > MAX_GAIN_DB) throw new AudioError('BAD_OPTION', `${field} must be a number ≤ ${MAX_GAIN_DB} dB, got ${db}`, { field });
  return db;
}

/**
 * A listener of a source's pre-fader samples (audio monitoring, PFL): `frames` stereo sample
 * frames, s16 interleaved, samples[0 .. frames·2), as decoded and resampled, before gain and mute.
 * The array is the mixer's own scratch, valid only during the call: copy what you keep.
 */
export type PreFaderTap = (samples: Int16Array, frames: number) => void;

export interface AudioInputStats {
  /** Sample frames received from the decoder. */
  received: number;
  /** Ticks that found fewer samples than the frame needs: the rest was silence. */
  underruns: number;
  /** Sample frames of silence put in for missing input. */
  silenceSamples: number;
  /** Sample frames dropped because the decoder wrote past the buffer. */
  overflowSamples: number;
  buffered: number;
}

/**
 * A decoder's way in: write() raw s16le stereo bytes as they come (any chunking, even splitting
 * a sample). The ring holds `capacity` sample frames; space() is the back-pressure signal.
 */
export class AudioSourceInput {
  readonly sourceId: string;
  readonly capacity: number;
  readonly #ring: Int16Array;
  #read = 0;
  #length = 0;
  readonly #carry = new Uint8Array(4);
  #carried = 0;
  #received = 0;
  #underruns = 0;
  #silence = 0;
  #overflow = 0;
  gainDb: number;
  muted: boolean;
  gain: number;
  /**
   * In the mix (true) or not: a source that is not on air has its samples taken and dropped, so it
   * stays in time and comes back in step (the program: audio follows the picture).
   */
  audible = true;
  /** Held (a paused source): its samples stay buffered, nothing is taken, it is silent. */
  held = false;
  readonly meter: MeterAccumulator;
  /** Who listens to this source before its fader; null (the usual case) costs nothing. */
  preFader: PreFaderTap | null = null;
  /**
   * Sample frames played as silence in an underrun and not made up yet. They are dropped when the
   * samples arrive (catchUp), so a source whose audio came late once stays in time with its picture
   * instead of running a frame late for the rest of the item. Bounded: a long stall is not made up.
   */
  #owed = 0;
  /** Whether underruns are made up (a file's sound); see SourceOptions.makeUpUnderruns. */
  makeUpUnderruns = false;

  constructor(sourceId: string, capacity: number, gainDb: number, muted: boolean, meterWindow: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new AudioError('BAD_OPTION', `buffer must be a positive number of samples, got ${capacity}`);
    this.sourceId = sourceId;
    this.capacity = capacity;
    this.#ring = new Int16Array(capacity * MIXER_CHANNELS);
    this.gainDb = checkGain(gainDb, 'gainDb');
    this.gain = dbToGain(gainDb);
    this.muted = muted;
    this.meter = new MeterAccumulator(MIXER_CHANNELS, meterWindow);
  }

  /** Sample frames that can be written without dropping any. */
  space(): number {
    return this.capacity - this.#length;
  }

  get buffered(): number {
    return this.#length;
  }

  /**
   * Appends s16le interleaved stereo bytes: chunk[0 .. length), so a caller can reuse one buffer
   * without slicing it. Past capacity the oldest samples are dropped, counted.
   */
  write(chunk: Uint8Array, length = chunk.length): void {
    let i = 0;
    const bytesPerFrame = 2 * MIXER_CHANNELS;
    if (this.#carried > 0) {
      while (this.#carried < bytesPerFrame && i < length) this.#carry[this.#carried++] = chunk[i++]!;
      if (this.#carried < bytesPerFrame) return;
      this.#push(this.#carry, 0, 1);
      this.#carried = 0;
    }
    const frames = Math.floor((length - i) / bytesPerFrame);
    this.#push(chunk, i, frames);
    i += frames * bytesPerFrame;
    while (i < length) this.#carry[this.#carried++] = chunk[i++]!;
  }

  #push(bytes: Uint8Array, offset: number, frames: number): void {
    this.#received += frames;
    const ring = this.#ring;
    const slots = ring.length;
    for (let f = 0; f < frames; f++) {
      if (this.#length === this.capacity) {
        this.#read = (this.#read + MIXER_CHANNELS) % slots;
        this.#length--;
        this.#overflow++;
      }
      let w = (this.#read + this.#length * MIXER_CHANNELS) % slots;
      for (let c = 0; c < MIXER_CHANNELS; c++, w++) {
        const p = offset + (f * MIXER_CHANNELS + c) * 2;
        ring[w] = ((bytes[p]! | (bytes[p + 1]! << 8)) << 16) >> 16;
      }
      this.#length++;
    }
  }

  /**
   * Mixer side: adds `frames` sample frames × gain into `acc` and into `scratch` (for the meter),
   * consuming them; missing samples are silence (counted).
   */
  mixInto(acc: Float32Array, scratch: Float32Array, frames: number): void {
    const gain = this.muted ? 0 : this.gain;
    const available = Math.min(frames, this.#length);
    const ring = this.#ring;
    const slots = ring.length;
    let r = this.#read;
    const n = available * MIXER_CHANNELS;
    for (let i = 0; i < n; i++) {
      const v = ring[r]! * gain;
      scratch[i] = v;
      acc[i] = acc[i]! + v;
      if (++r === slots) r = 0;
    }
    this.#read = r;
    this.#length -= available;
    if (available < frames) {
      scratch.fill(0, n, frames * MIXER_CHANNELS);
      this.#underruns++;
      this.#silence += frames - available;
      this.#owe(frames - available);
    }
    this.meter.add(scratch, 0, frames);
  }

  #owe(frames: number): void {
    if (!this.makeUpUnderruns) return;
    this.#owed = Math.min(this.#owed + frames, MAX_OWED_SAMPLES);
  }

  /**
   * Mixer side, before a frame's `frames` are taken: drops owed samples (see #owed) from what is
   * buffered beyond this frame's need, so making up never causes an underrun of its own.
   */
  catchUp(frames: number): void {
    if (this.#owed === 0) return;
    const drop = Math.min(this.#owed, this.#length - frames);
    if (drop <= 0) return;
    this.#read = (this.#read + drop * MIXER_CHANNELS) % this.#ring.length;
    this.#length -= drop;
    this.#owed -= drop;
  }

  /**
   * Mixer side: copies the next `frames` sample frames into out[0 .. frames·2) without taking
   * them (they are mixed or skipped next); silence past what is buffered.
   */
  peek(out: Int16Array, frames: number): void {
    const available = Math.min(frames, this.#length);
    const ring = this.#ring;
    const slots = ring.length;
    let r = this.#read;
    const n = available * MIXER_CHANNELS;
    for (let i = 0; i < n; i++) {
      out[i] = ring[r]!;
      if (++r === slots) r = 0;
    }
    if (available < frames) out.fill(0, n, frames * MIXER_CHANNELS);
  }

  /** Mixer side, for a source left out of the mix: takes `frames` sample frames (if there) and drops them. */
  skip(scratch: Float32Array, frames: number): void {
    const available = Math.min(frames, this.#length);
    this.#read = (this.#read + available * MIXER_CHANNELS) % this.#ring.length;
    this.#length -= available;
    if (available < frames) this.#owe(frames - available);
    this.silent(scratch, frames);
  }

  /** Mixer side: the meter sees `frames` of silence. */
  silent(scratch: Float32Array, frames: number): void {
    scratch.fill(0, 0, frames * MIXER_CHANNELS);
    this.meter.add(scratch, 0, frames);
  }

  stats(): AudioInputStats {
    return {
      received: this.#received,
      underruns: this.#underruns,
      silenceSamples: this.#silence,
      overflowSamples: this.#overflow,
      buffered: this.#length,
    };
  }
}

export interface MeterEvent {
  master: MeterReading;
  sources: Record<string, MeterReading>;
}

export interface AudioMixerOptions {
  /** Largest frame to mix (FrameTiming.maxSamplesPerFrame); scratch is sized for it once. */
  maxSamplesPerFrame: number;
  sampleRate?: number;
  /** Samples per meter reading; default sampleRate/10 (10 Hz). */
  meterWindow?: number;
  /** Called at the meter rate, from inside mix(). The object is fresh each time. */
  onMeters?: (event: MeterEvent) => void;
}

export interface SourceOptions {
  gainDb?: number;
  muted?: boolean;
  /** Ring buffer in sample frames; default half a second. */
  bufferSamples?: number;
  /**
   * Make up underruns (see AudioSourceInput#owed): for a file, whose picture is paced by the
   * program's clock, so its sound must stay on that clock too. A live or generated source keeps
   * the cushion late samples leave, which absorbs its delivery jitter.
   */
  makeUpUnderruns?: boolean;
}

/**
 * mix(samples, out) writes exactly `samples` stereo sample frames: the sum of every source ×
 * its gain (0 when muted) × the master gain, rounded and saturated to s16. Scratch is Float32,
 * preallocated for maxSamplesPerFrame: mixing allocates nothing. Meters are post-fader: per
 * source after its gain and mute, master on the saturated output. A pre-fader tap (monitoring)
 * sees a source's samples before both.
 */
export class AudioMixer {
  readonly sampleRate: number;
  readonly maxSamplesPerFrame: number;
  readonly meterWindow: number;
  readonly #acc: Float32Array;
  readonly #scratch: Float32Array;
  readonly #sources: AudioSourceInput[] = [];
  readonly #masterMeter: MeterAccumulator;
  readonly #onMeters: ((event: MeterEvent) => void) | undefined;
  /** Pre-fader taps by source id: kept across a source's removal and return (an edit re-adds it). */
  readonly #preFaderTaps = new Map<string, PreFaderTap>();
  /** What a tap is handed; made when the first tap comes, so an unmonitored mixer holds none. */
  #preFader: Int16Array | null = null;
  #masterDb = 0;
  #masterGain = 1;
  #masterMuted = false;
  #clipped = 0;
  #mixed = 0;

  constructor(options: AudioMixerOptions) {
    const max = options.maxSamplesPerFrame;
    if (!Number.isInteger(max) || max < 1 || max > 48_000) throw new AudioError('BAD_OPTION', `maxSamplesPerFrame must be 1..48000, got ${max}`);
    this.sampleRate = options.sampleRate ?? AUDIO_SAMPLE_RATE;
    this.maxSamplesPerFrame = max;
    this.meterWindow = options.meterWindow ?? Math.round(this.sampleRate / 10);
    this.#acc = new Float32Array(max * MIXER_CHANNELS);
    this.#scratch = new Float32Array(max * MIXER_CHANNELS);
    this.#masterMeter = new MeterAccumulator(MIXER_CHANNELS, this.meterWindow);
    this.#onMeters = options.onMeters;
  }

  addSource(sourceId: string, options: SourceOptions = {}): AudioSourceInput {
    this.removeSource(sourceId);
    const input = new AudioSourceInput(
      sourceId,
      options.bufferSamples ?? Math.round(this.sampleRate / 2),
      options.gainDb ?? 0,
      options.muted ?? false,
      this.meterWindow,
    );
    input.makeUpUnderruns = options.makeUpUnderruns ?? false;
    input.meter.alignWith(this.#masterMeter);
    input.preFader = this.#preFaderTaps.get(sourceId) ?? null;
    this.#sources.push(input);
    return input;
  }

  removeSource(sourceId: string): boolean {
    const index = this.#sources.findIndex((s) => s.sourceId === sourceId);
    if (index < 0) return false;
    this.#sources.splice(index, 1);
    return true;
  }

  /** Every source's input, in the order added. */
  get inputs(): readonly AudioSourceInput[] {
    return this.#sources;
  }

  /** The input of a source, for its decoder. */
  source(sourceId: string): AudioSourceInput {
    const source = this.#sources.find((s) => s.sourceId === sourceId);
    if (!source) throw new AudioError('UNKNOWN_SOURCE', `no audio source ${sourceId}`, { field: 'sourceId' });
    return source;
  }

  setGain(sourceId: string, gainDb: number): void {
    const source = this.source(sourceId);
    source.gainDb = checkGain(gainDb, 'gainDb');
    source.gain = dbToGain(gainDb);
  }

  setMuted(sourceId: string, muted: boolean): void {
    this.source(sourceId).muted = muted;
  }

  /**
   * Listens to a source's samples before its fader and mute (null stops): each mix() hands the
   * tap that frame's samples, also while the source is left out of the mix (a source can be
   * listened to before it goes on air) and silence while it is held. The source may come later.
   */
  setPreFaderTap(sourceId: string, tap: PreFaderTap | null): void {
    if (tap) {
      this.#preFaderTaps.set(sourceId, tap);
      this.#preFader ??= new Int16Array(this.maxSamplesPerFrame * MIXER_CHANNELS);
    } else {
      this.#preFaderTaps.delete(sourceId);
    }
    const input = this.#sources.find((s) => s.sourceId === sourceId);
    if (input) input.preFader = tap;
  }

  preFaderTapOf(sourceId: string): PreFaderTap | null {
    return this.#preFaderTaps.get(sourceId) ?? null;
  }

  setMasterGain(gainDb: number): void {
    this.#masterDb = checkGain(gainDb, 'masterGainDb');
    this.#masterGain = dbToGain(gainDb);
  }

  setMasterMuted(muted: boolean): void {
    this.#masterMuted = muted;
  }

  get master(): { gainDb: number; muted: boolean } {
    return { gainDb: this.#masterDb, muted: this.#masterMuted };
  }

  /** Mixes `samples` sample frames into out[0 .. samples·2). */
  mix(samples: number, out: Int16Array): void {
    if (!Number.isInteger(samples) || samples < 0 || samples > this.maxSamplesPerFrame) {
      throw new AudioError('BAD_OPTION', `a frame mixes 0..${this.maxSamplesPerFrame} samples, got ${samples}`);
    }
    if (out.length < samples * MIXER_CHANNELS) throw new AudioError('BAD_OPTION', `output holds ${out.length} values, ${samples * MIXER_CHANNELS} needed`);
    const n = samples * MIXER_CHANNELS;
    const acc = this.#acc;
    acc.fill(0, 0, n);
    for (let s = 0; s < this.#sources.length; s++) {
      const source = this.#sources[s]!;
      if (!source.held) source.catchUp(samples);
      const tap = source.preFader;
      if (tap !== null) {
        const pre = this.#preFader!;
        if (source.held) pre.fill(0, 0, n);
        else source.peek(pre, samples);
        tap(pre, samples);
      }
      if (source.held) source.silent(this.#scratch, samples);
      else if (source.audible) source.mixInto(acc, this.#scratch, samples);
      else source.skip(this.#scratch, samples);
    }
    const gain = this.#masterMuted ? 0 : this.#masterGain;
    let clipped = 0;
    for (let i = 0; i < n; i++) {
      const v = Math.round(acc[i]! * gain);
      if (v > 32767) {
        out[i] = 32767;
        clipped++;
      } else if (v < -32768) {
        out[i] = -32768;
        clipped++;
      } else {
        out[i] = v;
      }
    }
    this.#clipped += clipped;
    this.#mixed += samples;
    const readings = this.#masterMeter.add(out, 0, samples);
    if (readings > 0 && this.#onMeters) this.#onMeters(this.meters());
  }

  /** The latest completed readings, copied. */
  meters(): MeterEvent {
    const copy = (r: MeterReading): MeterReading => ({ peakDbfs: [...r.peakDbfs], rmsDbfs: [...r.rmsDbfs] });
    const sources: Record<string, MeterReading> = {};
    for (const source of this.#sources) sources[source.sourceId] = copy(source.meter.reading);
    return { master: copy(this.#masterMeter.reading), sources };
  }

  stats(): { mixedSamples: number; clippedSamples: number; sources: Record<string, AudioInputStats> } {
    const sources: Record<string, AudioInputStats> = {};
    for (const source of this.#sources) sources[source.sourceId] = source.stats();
    return { mixedSamples: this.#mixed, clippedSamples: this.#clipped, sources };
  }
}
