// One source's pre-fader audio (audio monitoring) and the listeners receiving it, in packets of
// shared/audio-monitor-frame.ts.
//
// The same bounds as the picture monitors (monitor-feed.ts): a listener may have at most
// MAX_IN_FLIGHT packets being written, and no new one past MAX_BUFFERED_BYTES unsent; past that
// its packets are dropped, for it alone (it sees a gap in the sequence), so a slow listener never
// slows the mix. Packets are 20 ms, so the in-flight bound is wider than the pictures' (8 packets
// are 160 ms): a socket write completes well inside that on loopback and a LAN.
//
// Nothing is allocated per packet: the ring of message buffers (header + samples, each one whole
// message at its exact size) is made when the first listener comes and dropped with the last.
// A buffer is reference counted; it is reused only once every socket it went to has written it.
import { AUDIO_SAMPLE_RATE } from '../media.ts';
import {
  AUDIO_MONITOR_CHANNELS,
  AUDIO_MONITOR_HEADER_BYTES,
  AUDIO_MONITOR_PACKET_FRAMES,
  audioMonitorMessageBytes,
  writeAudioMonitorHeader,
  type AudioMonitorHeader,
} from '../../../shared/audio-monitor-frame.ts';
import type { MonitorSink, MonitorViewerStats } from './monitor-feed.ts';

/** Packets one listener may have in the socket at once. */
export const AUDIO_MAX_IN_FLIGHT = 8;
/** Unsent bytes past which a listener gets no new packet (about a quarter of a second). */
export const AUDIO_MAX_BUFFERED_BYTES = 64 * 1024;
/** Listeners of one source; more are refused (each may hold AUDIO_MAX_IN_FLIGHT buffers). */
export const AUDIO_MAX_LISTENERS = 8;
/** Every listener's in-flight packets, and one more being filled. */
const BUFFERS = AUDIO_MAX_LISTENERS * AUDIO_MAX_IN_FLIGHT + 1;

interface Listener extends MonitorViewerStats {
  sink: MonitorSink;
  inFlight: number;
  /** Per buffer index: the write callback, made once, so a send builds no closure. */
  done: ((error?: Error) => void)[];
}

interface Packets {
  messages: Buffer[];
  headers: DataView[];
  /** Per buffer: the samples after the header, as s16 (Int16Array is little-endian on every platform Node ships for). */
  samples: Int16Array[];
  refs: Int32Array;
}

export class AudioMonitorFeed {
  readonly sampleRate: number;
  readonly #listeners: Listener[] = [];
  #packets: Packets | null = null;
  /** The buffer being filled (held once by the feed), or −1. */
  #filling = -1;
  /** Sample frames in it. */
  #filled = 0;
  #sequence = 0;
  #starved = 0;
  #published = 0;
  readonly #header: AudioMonitorHeader;

  constructor(sampleRate = AUDIO_SAMPLE_RATE) {
    this.sampleRate = sampleRate;
    this.#header = { channels: AUDIO_MONITOR_CHANNELS, sampleRate, sequence: 0, sampleFrames: AUDIO_MONITOR_PACKET_FRAMES, starved: 0, capturedAtMs: 0 };
  }

  get watched(): boolean {
    return this.#listeners.length > 0;
  }

  get listenerCount(): number {
    return this.#listeners.length;
  }

  get stats(): { published: number; starved: number; listeners: MonitorViewerStats[] } {
    return { published: this.#published, starved: this.#starved, listeners: this.#listeners.map((l) => ({ sent: l.sent, dropped: l.dropped })) };
  }

  /** Adds a listener; null when the feed has AUDIO_MAX_LISTENERS already. Returns its detach function otherwise. */
  attach(sink: MonitorSink): (() => void) | null {
    if (this.#listeners.length >= AUDIO_MAX_LISTENERS) return null;
    this.#packets ??= makePackets();
    const packets = this.#packets;
    const listener: Listener = { sink, inFlight: 0, sent: 0, dropped: 0, done: [] };
    for (let index = 0; index < BUFFERS; index++) {
      listener.done.push(() => {
        listener.inFlight--;
        packets.refs[index] = packets.refs[index]! - 1;
      });
    }
    this.#listeners.push(listener);
    return () => {
      const at = this.#listeners.indexOf(listener);
      if (at >= 0) this.#listeners.splice(at, 1);
      if (this.#listeners.length === 0) this.#drop();
    };
  }

  /**
   * A mix tick's pre-fader samples: `frames` stereo sample frames of s16 interleaved. Copied into
   * the packet being filled; each full packet goes to every listener that keeps up. Synchronous,
   * allocation-free once a listener came.
   */
  write(samples: Int16Array, frames: number, atMs: number): void {
    const packets = this.#packets;
    if (!packets || this.#listeners.length === 0) return;
    let taken = 0;
    while (taken < frames) {
      if (this.#filling < 0) {
        this.#filling = acquire(packets.refs);
        this.#filled = 0;
        if (this.#filling < 0) {
          // Every buffer is still being written: these samples are lost for everyone (counted once per packet's worth).
          this.#starved += Math.ceil((frames - taken) / AUDIO_MONITOR_PACKET_FRAMES);
          return;
        }
      }
      const count = Math.min(frames - taken, AUDIO_MONITOR_PACKET_FRAMES - this.#filled);
      // A plain loop, not set(subarray()): a subarray is an object per tick.
      const into = packets.samples[this.#filling]!;
      const from = taken * AUDIO_MONITOR_CHANNELS;
      const at = this.#filled * AUDIO_MONITOR_CHANNELS;
      const values = count * AUDIO_MONITOR_CHANNELS;
      for (let i = 0; i < values; i++) into[at + i] = samples[from + i]!;
      this.#filled += count;
      taken += count;
      if (this.#filled === AUDIO_MONITOR_PACKET_FRAMES) this.#publish(packets, atMs);
    }
  }

  #publish(packets: Packets, atMs: number): void {
    const index = this.#filling;
    this.#filling = -1;
    const header = this.#header;
    header.sequence = this.#sequence++;
    header.starved = this.#starved;
    header.capturedAtMs = atMs;
    writeAudioMonitorHeader(packets.headers[index]!, header);
    this.#published++;
    const message = packets.messages[index]!;
    for (const listener of this.#listeners) {
      if (listener.inFlight >= AUDIO_MAX_IN_FLIGHT || listener.sink.bufferedAmount > AUDIO_MAX_BUFFERED_BYTES) {
        listener.dropped++;
        continue;
      }
      packets.refs[index] = packets.refs[index]! + 1;
      listener.inFlight++;
      listener.sent++;
      listener.sink.send(message, SEND_OPTIONS, listener.done[index]!);
    }
    packets.refs[index] = packets.refs[index]! - 1;
  }

  /** Nobody listens: the ring goes (writes still pending hold their own buffers until done). */
  #drop(): void {
    this.#packets = null;
    this.#filling = -1;
    this.#filled = 0;
  }

  close(): void {
    this.#listeners.length = 0;
    this.#drop();
  }
}

function makePackets(): Packets {
  const bytes = audioMonitorMessageBytes(AUDIO_MONITOR_PACKET_FRAMES, AUDIO_MONITOR_CHANNELS);
  const packets: Packets = { messages: [], headers: [], samples: [], refs: new Int32Array(BUFFERS) };
  for (let i = 0; i < BUFFERS; i++) {
    const message = Buffer.allocUnsafeSlow(bytes);
    packets.messages.push(message);
    packets.headers.push(new DataView(message.buffer, message.byteOffset, AUDIO_MONITOR_HEADER_BYTES));
    packets.samples.push(new Int16Array(message.buffer, message.byteOffset + AUDIO_MONITOR_HEADER_BYTES, AUDIO_MONITOR_PACKET_FRAMES * AUDIO_MONITOR_CHANNELS));
  }
  return packets;
}

/** A free buffer's index, held once by the caller, or −1. */
function acquire(refs: Int32Array): number {
  for (let i = 0; i < refs.length; i++) {
    if (refs[i] === 0) {
      refs[i] = 1;
      return i;
    }
  }
  return -1;
}

const SEND_OPTIONS = { binary: true } as const;
