// The audio monitor's player, on the audio thread (an AudioWorkletProcessor): packets
// (shared/audio-monitor-frame.ts) come in through a MessagePort straight from the socket's worker,
// so neither receiving nor playing waits on the page's main thread (React, meters, pictures).
//
// Jitter buffer: a ring of float samples. Playing starts once `lead` is buffered; a block that
// finds too little is an underrun: silence until `lead` is there again, and the lead grows by
// LEAD_STEP (up to MAX_LEAD), so a busy machine gets a deeper buffer instead of a stutter every
// second. More than lead + SLACK buffered (a burst after a stall, or the engine's clock running
// faster than the sound card's) drops the oldest samples down to the lead, so the delay never grows.
import { AUDIO_MONITOR_HEADER_BYTES, readAudioMonitorHeader } from '../../../../shared/audio-monitor-frame.ts';
import { MONITOR_PROCESSOR_NAME, type MonitorPlaybackReport } from './monitor-playback-protocol.ts';

// The AudioWorkletGlobalScope's names (not in the DOM library).
declare const sampleRate: number;
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessorBase): void;
declare class AudioWorkletProcessorBase {
  readonly port: MessagePort;
}
const AudioWorkletProcessor = (globalThis as unknown as { AudioWorkletProcessor: typeof AudioWorkletProcessorBase }).AudioWorkletProcessor;

const START_LEAD_S = 0.06;
const LEAD_STEP_S = 0.04;
const MAX_LEAD_S = 0.3;
const SLACK_S = 0.2;
const RING_S = 1;
/** Counters go to the page about four times a second. */
const REPORT_EVERY_S = 0.25;

class MonitorPlaybackProcessor extends AudioWorkletProcessor {
  readonly #capacity = Math.round(sampleRate * RING_S);
  readonly #left = new Float32Array(this.#capacity);
  readonly #right = new Float32Array(this.#capacity);
  #read = 0;
  #buffered = 0;
  #playing = false;
  #lead = Math.round(sampleRate * START_LEAD_S);
  #lastSequence = -1;
  #sinceReport = 0;
  readonly #report: MonitorPlaybackReport = { packets: 0, missed: 0, dropped: 0, underruns: 0, leadMs: START_LEAD_S * 1000, buffered: 0 };

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent) => {
      const data = event.data as unknown;
      if (data instanceof ArrayBuffer) this.#take(data);
      else if (data && typeof data === 'object' && 'packets' in data && data.packets instanceof MessagePort) {
        data.packets.onmessage = (packet: MessageEvent) => {
          if (packet.data instanceof ArrayBuffer) this.#take(packet.data);
        };
      }
    };
  }

  #take(message: ArrayBuffer): void {
    const view = new DataView(message);
    const header = readAudioMonitorHeader(view);
    if (!header || header.sampleRate !== sampleRate) return;
    const report = this.#report;
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
    const most = this.#lead + Math.round(sampleRate * SLACK_S);
    if (this.#buffered > most || this.#buffered > capacity) {
      // Too much queued: keep the newest `lead` samples.
      const drop = this.#buffered - this.#lead;
      this.#read = (this.#read + drop) % capacity;
      this.#buffered -= drop;
      report.dropped += Math.round(drop / sampleFrames);
    }
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const out = outputs[0]!;
    const left = out[0]!;
    const right = out[1] ?? left;
    const frames = left.length;
    if (!this.#playing && this.#buffered >= this.#lead) this.#playing = true;
    if (this.#playing) {
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
      if (take < frames) {
        // Ran dry: silence for the rest, and a deeper buffer before playing again.
        left.fill(0, take);
        right.fill(0, take);
        this.#playing = false;
        this.#report.underruns++;
        this.#lead = Math.min(Math.round(sampleRate * MAX_LEAD_S), this.#lead + Math.round(sampleRate * LEAD_STEP_S));
      }
    }
    this.#sinceReport += frames;
    if (this.#sinceReport >= sampleRate * REPORT_EVERY_S) {
      this.#sinceReport = 0;
      this.#report.leadMs = Math.round((this.#lead / sampleRate) * 1000);
      this.#report.buffered = this.#buffered;
      this.port.postMessage(this.#report);
    }
    return true;
  }
}

registerProcessor(MONITOR_PROCESSOR_NAME, MonitorPlaybackProcessor);
