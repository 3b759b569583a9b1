// Plays sources' pre-fader audio (shared/audio-monitor-frame.ts) in the operator's headphones:
// OBS's audio monitoring. Each monitored source is one stream (a WebSocket, or the desktop app's
// IPC bridge) whose 20 ms packets are scheduled back to back as AudioBufferSourceNodes on one
// AudioContext, so several sources monitored at once are simply mixed by WebAudio.
//
// Jitter buffer: a packet is scheduled `lead` ahead of the audio clock when the stream (re)starts,
// then each one right after the last. A packet that would start too soon (the engine, the network
// or this page's thread ran late) restarts the lead, and the lead grows by LEAD_STEP_S (up to
// MAX_JITTER_LEAD_S): a busy machine gets a deeper buffer instead of a stutter every second. A
// packet that would start more than QUEUE_SLACK_S past the lead (the burst after a stall, or the
// engine's clock running faster than the sound card's) is dropped, so the delay never grows past
// that. Scheduled nodes and packets are why no AudioWorklet is needed: nothing runs per
// sample on the page's thread, and nothing needs a worklet module past the page's CSP.
import { AUDIO_MONITOR_PATH, audioMonitorSamplesToPlanes, readAudioMonitorHeader, type AudioMonitorHeader } from '../../../../shared/audio-monitor-frame.ts';
import type { MonitorBridge } from '../../../../shared/monitor-frame.ts';

/** Delay between a packet's arrival and its sound when a stream starts. */
export const JITTER_LEAD_S = 0.06;
/** The lead's growth at each underrun, and its ceiling. */
const LEAD_STEP_S = 0.04;
export const MAX_JITTER_LEAD_S = 0.3;
/** Scheduled audio past the lead beyond which packets are dropped instead of queued. */
const QUEUE_SLACK_S = 0.2;
/** Less than this scheduled ahead: the next packet restarts the lead (an underrun). */
const MIN_LEAD_S = 0.01;
/** AudioBuffers per stream, reused in turn: more than the most ever scheduled (0.5 s of 20 ms packets), so none is rewritten while it plays. */
const BUFFER_RING = 32;
const RECONNECT_MS = 1000;
/** No packet for this long: the stream is waiting (the program is off air, or the source has no samples). */
const WAITING_AFTER_MS = 1000;

export type MonitorStreamState = 'connecting' | 'waiting' | 'playing';

export interface MonitorStreamCounters {
  packets: number;
  /** Packets the engine did not send to this page (sequence gaps): it was behind. */
  missed: number;
  /** Packets dropped here because too much was queued already. */
  dropped: number;
  /** Times the queue ran dry and the lead was built again. */
  underruns: number;
  /** The jitter buffer's lead now, ms. */
  leadMs: number;
}

export interface MonitorStreamCallbacks {
  onState(state: MonitorStreamState): void;
  /** After each packet, with the stream's counters (the same object, updated). */
  onPacket?(counters: Readonly<MonitorStreamCounters>, header: AudioMonitorHeader): void;
}

export function audioMonitorPath(sourceId: number): string {
  return `${AUDIO_MONITOR_PATH}?source=${sourceId}`;
}

/** The monitor's WebSocket URL on this page's host (same origin: the token by cookie). */
function socketUrl(path: string): string {
  return `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}${path}`;
}

export class AudioMonitorPlayer {
  #context: AudioContext | null = null;
  #streams = 0;

  /**
   * Call from the click that turns monitoring on: browsers start an AudioContext only in a
   * user's gesture (autoplay policy), and resume a suspended one only there.
   */
  unlock(): void {
    if (typeof AudioContext === 'undefined') return;
    this.#context ??= new AudioContext({ latencyHint: 'interactive', sampleRate: 48_000 });
    if (this.#context.state === 'suspended') void this.#context.resume();
  }

  get supported(): boolean {
    return typeof AudioContext !== 'undefined';
  }

  /** Plays `sourceId`'s monitor until the function returned is called. */
  listen(sourceId: number, callbacks: MonitorStreamCallbacks): () => void {
    this.unlock();
    const context = this.#context;
    if (!context) return () => {};
    this.#streams++;
    const output = context.createGain();
    output.connect(context.destination);
    const counters: MonitorStreamCounters = { packets: 0, missed: 0, dropped: 0, underruns: 0, leadMs: JITTER_LEAD_S * 1000 };
    const ring: AudioBuffer[] = [];
    let ringNext = 0;
    let planes: Float32Array<ArrayBuffer>[] = [];
    let nextStart = 0;
    let lead = JITTER_LEAD_S;
    let lastSequence = -1;
    let lastPacketAt = 0;
    let state: MonitorStreamState = 'connecting';
    const setState = (next: MonitorStreamState): void => {
      if (next === state) return;
      state = next;
      callbacks.onState(next);
    };
    callbacks.onState(state);

    const receive = (message: ArrayBuffer | Uint8Array): void => {
      const bytes = message instanceof Uint8Array ? message : new Uint8Array(message);
      const header = readAudioMonitorHeader(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      if (!header) return;
      counters.packets++;
      if (lastSequence >= 0 && header.sequence !== (lastSequence + 1) >>> 0) counters.missed += (header.sequence - lastSequence - 1) >>> 0;
      lastSequence = header.sequence;
      lastPacketAt = performance.now();
      setState('playing');
      const now = context.currentTime;
      const duration = header.sampleFrames / header.sampleRate;
      if (nextStart < now + MIN_LEAD_S) {
        if (counters.packets > 1) {
          counters.underruns++;
          lead = Math.min(MAX_JITTER_LEAD_S, lead + LEAD_STEP_S);
          counters.leadMs = Math.round(lead * 1000);
        }
        nextStart = now + lead;
      } else if (nextStart + duration > now + lead + QUEUE_SLACK_S) {
        counters.dropped++;
        callbacks.onPacket?.(counters, header);
        return;
      }
      let buffer = ring[ringNext];
      if (!buffer || buffer.numberOfChannels !== header.channels || buffer.length !== header.sampleFrames || buffer.sampleRate !== header.sampleRate) {
        buffer = context.createBuffer(header.channels, header.sampleFrames, header.sampleRate);
        ring[ringNext] = buffer;
      }
      ringNext = (ringNext + 1) % BUFFER_RING;
      if (planes.length !== header.channels || planes[0]!.length !== header.sampleFrames) {
        planes = Array.from({ length: header.channels }, () => new Float32Array(header.sampleFrames));
      }
      audioMonitorSamplesToPlanes(bytes, header, planes);
      for (let c = 0; c < header.channels; c++) buffer.copyToChannel(planes[c]!, c);
      const node = context.createBufferSource();
      node.buffer = buffer;
      node.connect(output);
      node.start(nextStart);
      nextStart += duration;
      callbacks.onPacket?.(counters, header);
    };

    const waitingCheck = setInterval(() => {
      if (state === 'playing' && performance.now() - lastPacketAt > WAITING_AFTER_MS) {
        setState('waiting');
        lead = JITTER_LEAD_S;
        lastSequence = -1;
      }
    }, 250);

    let closeTransport: () => void;
    const bridge = (window as { studioMonitor?: MonitorBridge }).studioMonitor;
    if (bridge) {
      // The desktop app: packets over IPC (no HTTP origin there).
      closeTransport = bridge.open(audioMonitorPath(sourceId), receive);
      setState('waiting');
    } else {
      let socket: WebSocket | null = null;
      let retry: ReturnType<typeof setTimeout> | undefined;
      let disposed = false;
      const open = (): void => {
        if (disposed) return;
        const ws = new WebSocket(socketUrl(audioMonitorPath(sourceId)));
        ws.binaryType = 'arraybuffer';
        ws.onopen = () => {
          if (state === 'connecting') setState('waiting');
        };
        ws.onmessage = (event: MessageEvent) => {
          if (event.data instanceof ArrayBuffer) receive(event.data);
        };
        ws.onclose = () => {
          if (socket === ws) socket = null;
          setState('connecting');
          lastSequence = -1;
          if (!disposed) retry = setTimeout(open, RECONNECT_MS);
        };
        socket = ws;
      };
      open();
      closeTransport = () => {
        disposed = true;
        clearTimeout(retry);
        if (socket) {
          socket.onclose = null;
          socket.close();
        }
      };
    }

    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      clearInterval(waitingCheck);
      closeTransport();
      // What is scheduled stops at once: monitoring off means silence now.
      output.disconnect();
      this.#streams--;
      if (this.#streams === 0 && this.#context?.state === 'running') void this.#context.suspend();
    };
  }
}

/** One player per page: one AudioContext for every monitored source. */
export const audioMonitorPlayer = new AudioMonitorPlayer();
