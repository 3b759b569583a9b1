// Shared by the outputs specs: a program TS with SCTE-35 cues made with the real
// ffmpeg, a real-time feeder (a live encoder paces its output; a live SRT receiver loses a file
// pushed at once), real SRT receivers (srt-live-transmit), and log capture.
import { once } from 'node:events';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { PTS_HZ } from '../../src/main/engine/media.ts';
import { Logger } from '../../src/main/engine/log.ts';
import { makeTestTs } from './mpegts.ts';
import { Scte35Injector } from '../../src/main/engine/mpegts/injector.ts';
import { TsInspector, type TsInspection } from '../../src/main/engine/mpegts/inspect.ts';
import { ptsDiff } from '../../src/main/engine/mpegts/packet.ts';
import { TS_PACKET_SIZE } from '../../src/main/engine/mpegts/constants.ts';
import { spawnOwned, type OwnedChild } from '../../src/main/engine/process/child.ts';
import { buildCueIn, buildCueOut, encodeSection } from '../../src/main/engine/scte35/index.ts';

export const PROGRAM_MUXRATE = 800_000;

export interface TestProgram {
  bytes: Buffer;
  info: TsInspection;
  /** The splice_info_sections in the stream, as sent. */
  sections: Buffer[];
  muxrate: number;
}

export function inspectBytes(bytes: Uint8Array): TsInspection {
  const inspector = new TsInspector();
  inspector.push(bytes);
  return inspector.end();
}

const programs = new Map<number, TestProgram>();

/**
 * A small CBR program (160×90, H.264 + AAC) of `seconds` with an SCTE-35 PID: a break out at the
 * IDR after 3 s and back 3 s later, each section repeated every second from 4 s before its splice.
 */
export function testProgram(seconds = 20): TestProgram {
  const cached = programs.get(seconds);
  if (cached) return cached;
  const file = makeTestTs({ seconds, fps: 25, gop: 25, size: '160x90', muxrate: PROGRAM_MUXRATE });
  const input = readFileSync(file);
  const before = inspectBytes(input);
  const first = before.firstPts!;
  const outPts = before.idrPts.find((pts) => ptsDiff(pts, first) >= 3 * PTS_HZ)!;
  const backPts = before.idrPts.find((pts) => ptsDiff(pts, outPts) >= 3 * PTS_HZ)!;
  const sections = [
    Buffer.from(encodeSection(buildCueOut({ eventId: 42, ptsTime: outPts, durationTicks: 3 * PTS_HZ, autoReturn: true }))),
    Buffer.from(encodeSection(buildCueIn({ eventId: 42, ptsTime: backPts }))),
  ];
  const injector = new Scte35Injector({ prerollSeconds: 4, repeatIntervalSeconds: 1 });
  for (const section of sections) injector.queue(section);
  const bytes = Buffer.concat([injector.push(input), injector.flush()]);
  const program = { bytes, info: inspectBytes(bytes), sections, muxrate: PROGRAM_MUXRATE };
  programs.set(seconds, program);
  return program;
}

/**
 * Feeds `bytes` to `sink` at the mux rate, in whole-packet chunks every `intervalMs`, as a live
 * encoder would. Chunk sizes vary (not always 7 packets) to exercise the fan-out's alignment.
 */
export class PacedFeeder {
  readonly done: Promise<void>;
  position = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #resolve!: () => void;

  constructor(bytes: Buffer, muxrate: number, sink: (chunk: Buffer) => void, options: { intervalMs?: number; oddChunks?: boolean } = {}) {
    this.done = new Promise((resolve) => (this.#resolve = resolve));
    const started = performance.now();
    const bytesPerMs = muxrate / 8 / 1000;
    let odd = 0;
    this.#timer = setInterval(() => {
      const due = Math.min(bytes.length, Math.floor(((performance.now() - started) * bytesPerMs) / TS_PACKET_SIZE) * TS_PACKET_SIZE);
      while (this.position < due) {
        // Odd chunking: split at non-packet boundaries now and then; the fan-out must realign.
        const cut = options.oddChunks ? Math.min(due, this.position + 1000 + (odd++ % 7) * 97) : due;
        sink(bytes.subarray(this.position, cut));
        this.position = cut;
      }
      if (this.position >= bytes.length) this.stop();
    }, options.intervalMs ?? 10);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#resolve();
  }
}

/** A UDP sink on loopback that keeps every datagram (srt-live-transmit forwards each SRT payload as one). */
export class DatagramSink {
  readonly datagrams: Buffer[] = [];
  readonly socket = dgram.createSocket('udp4');
  port = 0;

  async listen(): Promise<this> {
    this.socket.on('message', (message) => this.datagrams.push(message));
    this.socket.bind(0, '127.0.0.1');
    await once(this.socket, 'listening');
    this.port = this.socket.address().port;
    return this;
  }

  bytes(): Buffer {
    return Buffer.concat(this.datagrams);
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * srt-live-transmit as the far end. `listener`: it listens on `port` (our output calls);
 * `caller`: it calls our listener. `to` is where it writes: a UDP port or stdout (collected).
 */
export class SrtReceiver {
  readonly child: OwnedChild;
  readonly chunks: Buffer[] = [];
  readonly stderr: string[] = [];

  constructor(options: { mode: 'listener' | 'caller'; port: number; passphrase?: string; streamId?: string; latencyMs?: number; udpPort?: number }) {
    // srt-live-transmit does not URL-decode its query: values go in as they are.
    const query = [`mode=${options.mode}`, `latency=${options.latencyMs ?? 300}`];
    if (options.passphrase) query.push(`passphrase=${options.passphrase}`);
    if (options.streamId) query.push(`streamid=${options.streamId}`);
    const host = options.mode === 'listener' ? '' : '127.0.0.1';
    const target = options.udpPort ? `udp://127.0.0.1:${options.udpPort}` : 'file://con';
    this.child = spawnOwned({
      command: 'srt-live-transmit',
      args: ['-q', `srt://${host}:${options.port}?${query.join('&')}`, target],
      name: 'srt-live-transmit',
      stdout: 'pipe',
      graceMs: 1000,
      onStderrLine: (line) => this.stderr.push(line),
    });
    this.child.stdout?.on('data', (chunk: Buffer) => this.chunks.push(chunk));
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  async stop(): Promise<void> {
    await this.child.stop('test over');
  }
}

/** A logger whose every line is kept, to check that no secret reaches a log. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: new Logger({ sink: (line) => lines.push(line), level: 'debug' }), lines };
}

/** Waits until `predicate` holds, checking every 50 ms; throws with `describe()` after `limitMs`. */
export async function waitFor(predicate: () => boolean, describe: () => string, limitMs = 10_000): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Leading null packets removed (the sender primes ffmpeg with a few). */
export function withoutLeadingNulls(bytes: Buffer): Buffer {
  let p = 0;
  while (p + TS_PACKET_SIZE <= bytes.length && bytes[p] === 0x47 && (((bytes[p + 1]! & 0x1f) << 8) | bytes[p + 2]!) === 0x1fff) p += TS_PACKET_SIZE;
  return bytes.subarray(p);
}

/** Where `received` starts in `sent`, at a packet boundary; -1 when its first packet is not there. */
export function packetOffsetIn(sent: Buffer, received: Buffer): number {
  // A run of packets, not one: PAT and null packets repeat byte for byte.
  const run = Math.min(received.length - (received.length % TS_PACKET_SIZE), 20 * TS_PACKET_SIZE);
  for (let p = 0; p + run <= sent.length; p += TS_PACKET_SIZE) {
    if (sent.compare(received, 0, run, p, p + run) === 0) return p;
  }
  return -1;
}
