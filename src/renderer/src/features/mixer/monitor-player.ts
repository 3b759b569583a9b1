// Plays sources' pre-fader audio (shared/audio-monitor-frame.ts) in the operator's headphones:
// OBS's audio monitoring. Each monitored source is one stream: a WebSocket in a worker
// (monitor-socket.worker.ts) whose packets go through a MessagePort straight to an AudioWorklet
// (monitor-playback.worklet.ts) that plays them behind a jitter buffer. Neither step runs on the
// page's main thread, which React, the meters and the picture monitors keep busy: on a loaded
// machine (load 19 on 2 cores), packets handled there came in bursts and 7 % to half of them were
// dropped; through the worker and the worklet, about 5 %. In
// the desktop app the packets come over the IPC bridge instead and are posted to the worklet.
// Several sources monitored at once are mixed by WebAudio (one node each on one AudioContext).
import { AUDIO_MONITOR_PATH } from '../../../../shared/audio-monitor-frame.ts';
import type { MonitorBridge } from '../../../../shared/monitor-frame.ts';
import { MONITOR_PROCESSOR_NAME, type MonitorPlaybackReport, type MonitorSocketNews, type MonitorSocketStart } from './monitor-playback-protocol.ts';
import processorUrl from './monitor-playback.worklet.ts?worker&url';

/** No packet for this long: the stream is waiting (the program is off air, or the source has no samples). */
const WAITING_AFTER_MS = 1000;

export type MonitorStreamState = 'connecting' | 'waiting' | 'playing';

export interface MonitorStreamCallbacks {
  onState(state: MonitorStreamState): void;
  /** About four times a second while packets come, with the player's counters. */
  onReport?(report: Readonly<MonitorPlaybackReport>): void;
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
  #module: Promise<void> | null = null;
  #streams = 0;

  get supported(): boolean {
    return typeof AudioContext !== 'undefined' && typeof AudioWorkletNode !== 'undefined';
  }

  /**
   * Call from the click that turns monitoring on: browsers start an AudioContext only in a
   * user's gesture (autoplay policy), and resume a suspended one only there.
   */
  unlock(): void {
    if (!this.supported) return;
    if (!this.#context) {
      // The engine's rate: packets play as they come, with no resampling in the worklet.
      this.#context = new AudioContext({ latencyHint: 'interactive', sampleRate: 48_000 });
      this.#module = this.#context.audioWorklet.addModule(processorUrl);
    }
    if (this.#context.state === 'suspended') void this.#context.resume();
  }

  /** Plays `sourceId`'s monitor until the function returned is called. */
  listen(sourceId: number, callbacks: MonitorStreamCallbacks): () => void {
    this.unlock();
    const context = this.#context;
    const loaded = this.#module;
    if (!context || !loaded) return () => {};
    this.#streams++;
    let closed = false;
    let state: MonitorStreamState = 'connecting';
    const setState = (next: MonitorStreamState): void => {
      if (next === state) return;
      state = next;
      callbacks.onState(next);
    };
    callbacks.onState(state);
    let node: AudioWorkletNode | null = null;
    let worker: Worker | null = null;
    let closeBridge: (() => void) | null = null;
    let lastPackets = 0;
    let lastPacketAt = 0;
    let socketOpen = false;

    const waitingCheck = setInterval(() => {
      if (state === 'playing' && performance.now() - lastPacketAt > WAITING_AFTER_MS) setState(socketOpen ? 'waiting' : 'connecting');
    }, 250);

    void loaded.then(() => {
      if (closed) return;
      const player = new AudioWorkletNode(context, MONITOR_PROCESSOR_NAME, { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [2] });
      player.connect(context.destination);
      player.port.onmessage = (event: MessageEvent<MonitorPlaybackReport>) => {
        const report = event.data;
        if (report.packets !== lastPackets) {
          lastPackets = report.packets;
          lastPacketAt = performance.now();
          setState('playing');
        }
        callbacks.onReport?.(report);
      };
      node = player;
      const bridge = (window as { studioMonitor?: MonitorBridge }).studioMonitor;
      if (bridge) {
        // The desktop app: packets over IPC (no HTTP origin there), on to the worklet.
        socketOpen = true;
        setState('waiting');
        closeBridge = bridge.open(audioMonitorPath(sourceId), (message) => player.port.postMessage(message, [message]));
        return;
      }
      const channel = new MessageChannel();
      player.port.postMessage({ packets: channel.port1 }, [channel.port1]);
      worker = new Worker(new URL('./monitor-socket.worker.ts', import.meta.url), { type: 'module', name: `audio monitor ${sourceId}` });
      worker.onmessage = (event: MessageEvent<MonitorSocketNews>) => {
        socketOpen = event.data.open;
        if (!socketOpen) setState('connecting');
        else if (state === 'connecting') setState('waiting');
      };
      const start: MonitorSocketStart = { url: socketUrl(audioMonitorPath(sourceId)), packets: channel.port2 };
      worker.postMessage(start, [channel.port2]);
    });

    return () => {
      if (closed) return;
      closed = true;
      clearInterval(waitingCheck);
      worker?.terminate();
      closeBridge?.();
      // What is buffered stops at once: monitoring off means silence now.
      node?.disconnect();
      if (node) node.port.onmessage = null;
      this.#streams--;
      if (this.#streams === 0 && this.#context?.state === 'running') void this.#context.suspend();
    };
  }
}

/** One player per page: one AudioContext for every monitored source. */
export const audioMonitorPlayer = new AudioMonitorPlayer();
