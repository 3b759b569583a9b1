// The audio monitor's jitter buffer: a ring of float samples between packets that come when the
// network and the engine let them, and the audio thread that takes 128 samples at a time, always
// on time. Pure (no WebAudio): the worklet (monitor-playback.worklet.ts) is its thin adapter.
//
// Playing starts once `lead` is buffered; a block that finds too little is an underrun: silence
// until `lead` is there again, and the lead grows by LEAD_STEP_S (up to MAX_LEAD_S), so a busy
// machine gets a deeper buffer instead of a stutter every second. More than lead + SLACK_S buffered
// (a burst after a stall, or the engine's clock running faster than the sound card's) drops the
// oldest samples down to the lead, so the delay never grows past that.
import { AUDIO_MONITOR_HEADER_BYTES, readAudioMonitorHeader } from '../../../../shared/audio-monitor-frame.ts';
import type { MonitorPlaybackReport } from './monitor-playback-protocol.ts';

export const START_LEAD_S = 0.06;
export const LEAD_STEP_S = 0.04;
export const MAX_LEAD_S = 0.3;
export const SLACK_S = 0.2;
const RING_S = 1;

export class JitterRing {
  readonly sampleRate: number;
  readonly #capacity: number;
  readonly #left: Float32Array;
  readonly #right: Float32Array;
  #read = 0;
  #buffered = 0;
  #playing = false;
  #lead: number;
  #lastSequence = -1;
  /** Updated in place. */
  readonly report: MonitorPlaybackReport;

  constructor(sampleRate: number) {
    this.sampleRate = sampleRate;
    this.#capacity = Math.round(sampleRate * RING_S);
    this.#left = new Float32Array(this.#capacity);
    this.#right = new Float32Array(this.#capacity);
    this.#lead = Math.round(sampleRate * START_LEAD_S);
    this.report = { packets: 0, missed: 0, dropped: 0, underruns: 0, leadMs: START_LEAD_S * 1000, buffered: 0 };
  }

  get playing(): boolean {
    return this.#playing;
  }

  /** A packet message; false when it is none of ours or at another sample rate (nothing taken). */
  push(message: ArrayBuffer): boolean {
    const view = new DataView(message);
    const header = readAudioMonitorHeader(view);
    if (!header || header.sampleRate !== this.sampleRate) return false;
    const report = this.report;
    report.packets++;
    if (this.#lastSequence >= 0 && header.sequence !== (this.#lastSequence + 1) >>> 0) report.missed += (header.sequence - this.#lastSequence - 1) >>> 0;
    this.#lastSequence = header.sequence;
    const { channels, sampleFrames } = header;
    const capacity = this.#capacity;
    let write = (this.#read + this.#buffered) % capacity;
    for (let f = 0; f < sampleFrames; f++) {
      const at = AUDIO_MONITOR_HEADER_BYTES + f * channels * 2;
      const left = view.getInt16(at, true) / 32768;
      this.#left[write] = left;
      this.#right[write] = channels > 1 ? view.getInt16(at + 2, true) / 32768 : left;
      if (++write === capacity) write = 0;
    }
    this.#buffered += sampleFrames;
    if (this.#buffered > this.#lead + Math.round(this.sampleRate * SLACK_S) || this.#buffered > capacity) {
      // Too much queued: keep the newest `lead` samples.
      const drop = this.#buffered - this.#lead;
      this.#read = (this.#read + drop) % capacity;
      this.#buffered -= drop;
      report.dropped += Math.round(drop / sampleFrames);
    }
    report.buffered = this.#buffered;
    return true;
  }

  /** Fills one block of output (left and right of the same length): samples, or silence while it builds its lead. */
  pull(left: Float32Array, right: Float32Array): void {
    const frames = left.length;
    if (!this.#playing && this.#buffered >= this.#lead) this.#playing = true;
    if (!this.#playing) {
      left.fill(0);
      right.fill(0);
      return;
    }
    const take = Math.min(frames, this.#buffered);
    const capacity = this.#capacity;
    let read = this.#read;
    for (let i = 0; i < take; i++) {
      left[i] = this.#left[read]!;
      right[i] = this.#right[read]!;
      if (++read === capacity) read = 0;
    }
    this.#read = read;
    this.#buffered -= take;
    this.report.buffered = this.#buffered;
    if (take < frames) {
      // Ran dry: silence for the rest, and a deeper buffer before playing again.
      left.fill(0, take);
      right.fill(0, take);
      this.#playing = false;
      this.report.underruns++;
      this.#lead = Math.min(Math.round(this.sampleRate * MAX_LEAD_S), this.#lead + Math.round(this.sampleRate * LEAD_STEP_S));
      this.report.leadMs = Math.round((this.#lead / this.sampleRate) * 1000);
    }
  }
}
