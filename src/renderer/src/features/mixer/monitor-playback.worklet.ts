// The audio monitor's player on the audio thread (an AudioWorkletProcessor): packets come in
// through a MessagePort straight from the socket's worker (or the page, in the desktop app), so
// neither receiving nor playing waits on the page's main thread. The buffering is jitter-ring.ts.
import { JitterRing } from './jitter-ring.ts';
import { MONITOR_PROCESSOR_NAME } from './monitor-playback-protocol.ts';

// The AudioWorkletGlobalScope's names (not in the DOM library).
declare const sampleRate: number;
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessorBase): void;
declare class AudioWorkletProcessorBase {
  readonly port: MessagePort;
}
const AudioWorkletProcessor = (globalThis as unknown as { AudioWorkletProcessor: typeof AudioWorkletProcessorBase }).AudioWorkletProcessor;

/** Counters go to the page about four times a second. */
const REPORT_EVERY_S = 0.25;

class MonitorPlaybackProcessor extends AudioWorkletProcessor {
  readonly #ring = new JitterRing(sampleRate);
  #sinceReport = 0;

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent) => {
      const data = event.data as unknown;
      if (data instanceof ArrayBuffer) this.#ring.push(data);
      else if (data && typeof data === 'object' && 'packets' in data && data.packets instanceof MessagePort) {
        data.packets.onmessage = (packet: MessageEvent) => {
          if (packet.data instanceof ArrayBuffer) this.#ring.push(packet.data);
        };
      }
    };
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const out = outputs[0]!;
    const left = out[0]!;
    this.#ring.pull(left, out[1] ?? left);
    this.#sinceReport += left.length;
    if (this.#sinceReport >= sampleRate * REPORT_EVERY_S) {
      this.#sinceReport = 0;
      this.port.postMessage(this.#ring.report);
    }
    return true;
  }
}

registerProcessor(MONITOR_PROCESSOR_NAME, MonitorPlaybackProcessor);
