import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { srtOutputSettings, type SrtOutputSettings } from '../../../shared/outputs.ts';
import { decodeSection } from '../scte35/index.ts';
import { STREAM_TYPE_SCTE35 } from '../mpegts/constants.ts';
import { liveChildCount } from '../process/reaper.ts';
import { OutputFanout } from './fanout.ts';
import { RecordingOutput } from './recording-output.ts';
import { describeSrtFailure, SrtOutput, srtArgs } from './srt-output.ts';
import {
  capturingLogger,
  DatagramSink,
  inspectBytes,
  PacedFeeder,
  packetOffsetIn,
  SrtReceiver,
  testProgram,
  waitFor,
  withoutLeadingNulls,
  type TestProgram,
} from '../../../../tests/support/outputs.ts';
import { freePort } from '../../../../tests/support/ports.ts';
import type { OutputStatus } from './types.ts';

const settings = (raw: Record<string, unknown>): SrtOutputSettings => srtOutputSettings.parse({ kind: 'srt', ...raw });

describe('srtArgs', () => {
  it('sends raw data, 1316-byte payloads, latency in microseconds, secrets as options not in the URL', () => {
    const args = srtArgs(
      settings({ url: 'srt://10.0.0.5:9000?maxbw=1000000', latencyMs: 250, passphrase: 'a&b%c#d=efgh', streamId: '#!::r=live/x,m=publish' }),
    );
    const line = args.join(' ');
    expect(line).toContain('-blocksize 1316 -f data -raw_packet_size 1316 -i pipe:0 -map 0 -c copy');
    expect(line).toContain('-mode caller -pkt_size 1316 -latency 250000');
    expect(args.slice(args.indexOf('-passphrase'), args.indexOf('-passphrase') + 4)).toEqual(['-passphrase', 'a&b%c#d=efgh', '-pbkeylen', '16']);
    expect(args.slice(-5)).toEqual(['-srt_streamid', '#!::r=live/x,m=publish', '-f', 'data', 'srt://10.0.0.5:9000?maxbw=1000000']);
  });

  it('names what went wrong from ffmpeg and libsrt stderr', () => {
    const caller = settings({ url: 'srt://10.0.0.5:9000' });
    expect(describeSrtFailure(caller, 'processConnectRequest: rsp(REJECT): 1010 - Incorrect passphrase', false).reason).toBe(
      '10.0.0.5:9000 refused the passphrase (wrong passphrase)',
    );
    expect(describeSrtFailure(caller, '[srt @ 0x1] Connection to srt://10.0.0.5:9000 failed: Input/output error', false).reason).toBe(
      'no SRT listener answered at 10.0.0.5:9000',
    );
    expect(describeSrtFailure(caller, 'av_interleaved_write_frame(): Input/output error', true).reason).toBe('connection to 10.0.0.5:9000 lost');
    expect(describeSrtFailure(caller, 'Protocol not found', false)).toMatchObject({ fatal: true });
  });
});

// ---------------------------------------------------------------------------------------------
// Real parts: ffmpeg's libsrt sending, srt-live-transmit receiving, on loopback ports.
// ---------------------------------------------------------------------------------------------

const ffmpegPath = 'ffmpeg';
let program: TestProgram;
let work: string;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(() => {
  program = testProgram(20);
  work = mkdtempSync(path.join(tmpdir(), 'srt-output-test-'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  // Every sender and receiver was stopped: no ffmpeg or srt-live-transmit left behind.
  expect(liveChildCount()).toBe(0);
});

function track<T extends { stop(): unknown }>(thing: T): T {
  cleanups.push(async () => void (await thing.stop()));
  return thing;
}

function states(output: SrtOutput): OutputStatus[] {
  const seen: OutputStatus[] = [];
  output.onStatus((status) => seen.push(status));
  return seen;
}

/** The SCTE-35 sections in a received stream, as hex, and checks common to every receiver. */
function checkReceived(received: Buffer): { hex: string[] } {
  expect(received.length % 188).toBe(0);
  const info = inspectBytes(received);
  expect(info).toMatchObject({ syncLosses: 0, bytesSkipped: 0, truncatedBytes: 0, crcErrors: 0, transportErrors: 0 });
  // The same PIDs as sent, the PMT announcing SCTE-35 (0x86).
  const sentPids = program.info.pids.map((p) => p.pid).sort();
  expect(info.pids.map((p) => p.pid).sort()).toEqual(sentPids);
  expect(info.programs[0]!.streams.map((s) => s.streamType)).toEqual(program.info.programs[0]!.streams.map((s) => s.streamType));
  expect(info.programs[0]!.streams.some((s) => s.streamType === STREAM_TYPE_SCTE35)).toBe(true);
  return { hex: info.scte35.map((entry) => entry.hex) };
}

describe('SrtOutput (real ffmpeg libsrt → srt-live-transmit)', () => {
  it('caller: every SRT payload is whole TS packets, the bytes arrive as sent, SCTE-35 sections intact', async () => {
    const port = await freePort('udp');
    const sink = await new DatagramSink().listen();
    cleanups.push(() => sink.close());
    track(new SrtReceiver({ mode: 'listener', port, udpPort: sink.port }));
    const { logger, lines } = capturingLogger();
    const output = track(new SrtOutput({ id: 'srt-a', settings: settings({ url: `srt://127.0.0.1:${port}`, latencyMs: 300 }), ffmpegPath, logger }));
    const fanout = new OutputFanout({ logger });
    fanout.add(output);
    output.start();
    await waitFor(
      () => output.status().state === 'running',
      () => JSON.stringify(output.status()),
    );
    const feeder = track(new PacedFeeder(program.bytes.subarray(0, 188 * 3000), program.muxrate, (chunk) => fanout.write(chunk), { oddChunks: true }));
    await feeder.done;
    await waitFor(
      () => sink.bytes().length >= 188 * 2950,
      () => `received ${sink.bytes().length} bytes`,
    );
    const status = output.status();
    // The feed has ended: ffmpeg waits in a read of its input, which SIGTERM alone does not end.
    // The stop closes that input, so it ends at once (no SIGKILL after the grace period).
    await output.stop();
    expect(lines.filter((line) => /SIGKILL/.test(line))).toEqual([]);

    // Each datagram is one SRT payload: whole packets, 7 of them at most.
    expect(sink.datagrams.every((d) => d.length % 188 === 0 && d.length <= 1316 && d[0] === 0x47)).toBe(true);
    const sizes = sink.datagrams.map((d) => d.length);
    // Full payloads mostly; a short one only when the producer paused (not asserted by timing).
    expect(sizes.filter((n) => n === 1316).length / sizes.length).toBeGreaterThan(0.5);
    const received = withoutLeadingNulls(sink.bytes());
    const offset = packetOffsetIn(program.bytes, received);
    expect(offset).toBe(0); // the output was connected before the first byte: nothing was skipped
    expect(received.equals(program.bytes.subarray(offset, offset + received.length))).toBe(true);
    const { hex } = checkReceived(received);
    const sentHex = program.sections.map((s) => s.toString('hex'));
    expect(hex.length).toBeGreaterThan(0);
    expect(hex.every((h) => sentHex.includes(h))).toBe(true);
    expect(decodeSection(Buffer.from(hex[0]!, 'hex')).splice_command).toMatchObject({ splice_event_id: 42, out_of_network_indicator: true });

    expect(status).toMatchObject({ state: 'running', reconnects: 0, droppedBytes: 0, target: `srt://127.0.0.1:${port} (caller)` });
    expect(status.bytesOut).toBe(188 * 3000);
    expect(status.bitrateKbps).toBeGreaterThan(0);
  }, 20_000);

  it('listener with passphrase and stream id: a caller connects and gets the live stream; the secret is never logged', async () => {
    const port = await freePort('udp');
    // srt-live-transmit takes the passphrase from its URL as is (no URL-decoding): no "&" or "%" here.
    const passphrase = 'correct-horse-battery';
    const { logger, lines } = capturingLogger();
    const output = track(
      new SrtOutput({
        id: 'srt-listen',
        settings: settings({ url: `srt://127.0.0.1:${port}`, mode: 'listener', latencyMs: 300, passphrase, pbkeylen: 24, streamId: 'studio/ch1' }),
        ffmpegPath,
        logger,
      }),
    );
    const fanout = new OutputFanout({ logger });
    fanout.add(output);
    output.start();
    const feeder = track(new PacedFeeder(program.bytes, program.muxrate, (chunk) => fanout.write(chunk)));
    await waitFor(
      () => output.status().state === 'starting',
      () => JSON.stringify(output.status()),
    );
    expect(output.status().reason).toBe(`listening on 127.0.0.1:${port}, waiting for a caller`);
    // No caller yet: bytes are dropped and counted, not queued.
    await waitFor(
      () => output.status().droppedBytes > 0,
      () => JSON.stringify(output.status()),
    );
    const receiver = track(new SrtReceiver({ mode: 'caller', port, passphrase, streamId: 'studio/ch1' }));
    await waitFor(
      () => output.status().state === 'running',
      () => `${JSON.stringify(output.status())} ${receiver.stderr.join('|')}`,
    );
    await waitFor(
      () => receiver.bytes().length >= 188 * 1500,
      () => `received ${receiver.bytes().length}`,
    );
    feeder.stop();
    await receiver.stop();
    const received = withoutLeadingNulls(receiver.bytes());
    // Joined late: the stream starts at the live edge, on a packet boundary, then runs byte for byte.
    const offset = packetOffsetIn(program.bytes, received);
    expect(offset).toBeGreaterThan(0);
    const whole = received.subarray(0, received.length - (received.length % 188));
    expect(whole.equals(program.bytes.subarray(offset, offset + whole.length))).toBe(true);
    checkReceived(whole);
    const status = JSON.stringify(output.status());
    await output.stop();
    expect(lines.join('\n')).not.toContain(passphrase);
    expect(status).not.toContain(passphrase);
    expect(lines.join('\n')).not.toContain('horse');
  }, 20_000);

  it('a wrong passphrase is a clear state with the reason, not a silent stop; the secret stays out', async () => {
    const port = await freePort('udp');
    track(new SrtReceiver({ mode: 'listener', port, passphrase: 'the-right-passphrase' }));
    const { logger, lines } = capturingLogger();
    const wrong = 'the-wrong-passphrase';
    const output = track(
      new SrtOutput({
        id: 'srt-wrong',
        settings: settings({ url: `srt://127.0.0.1:${port}`, passphrase: wrong }),
        ffmpegPath,
        logger,
        policy: { initialDelayMs: 200, jitter: 0 },
      }),
    );
    const seen = states(output);
    const fanout = new OutputFanout();
    fanout.add(output);
    output.start();
    const feeder = track(new PacedFeeder(program.bytes, program.muxrate, (chunk) => fanout.write(chunk)));
    await waitFor(
      () => output.status().state === 'backoff',
      () => JSON.stringify(output.status()),
    );
    feeder.stop();
    const status = output.status();
    expect(status.reason).toBe(`127.0.0.1:${port} refused the passphrase (wrong passphrase)`);
    expect(status.lastError).toBe(status.reason);
    expect(status.retryInMs).toBe(200);
    expect(seen.map((s) => s.state)).toEqual(['starting', 'backoff']);
    await output.stop();
    expect(lines.join('\n')).not.toContain(wrong);
    expect(JSON.stringify(seen)).not.toContain(wrong);
  }, 15_000);

  it('nothing listening: backoff with the reason, growing delays, and a recording on the same fan-out unaffected', async () => {
    const port = await freePort('udp');
    const { logger } = capturingLogger();
    // connect_timeout (ms) is an SRT option we do not own: the URL may carry it.
    const output = track(
      new SrtOutput({
        id: 'srt-nobody',
        settings: settings({ url: `srt://127.0.0.1:${port}?connect_timeout=300` }),
        ffmpegPath,
        logger,
        policy: { initialDelayMs: 100, factor: 2, jitter: 0 },
      }),
    );
    const recording = track(new RecordingOutput({ id: 'rec', settings: { kind: 'recording', folder: work, fileNamePattern: 'nobody-%H%M%S.ts' }, logger }));
    const seen = states(output);
    const fanout = new OutputFanout();
    fanout.add(output);
    fanout.add(recording);
    fanout.startAll();
    const part = program.bytes.subarray(0, 188 * 1200);
    const feeder = track(new PacedFeeder(part, program.muxrate, (chunk) => fanout.write(chunk)));
    await waitFor(
      () => seen.filter((s) => s.state === 'backoff').length >= 3,
      () => JSON.stringify(seen.map((s) => [s.state, s.retryInMs])),
    );
    await feeder.done;
    await output.stop();
    await recording.stop();
    const backoffs = seen.filter((s) => s.state === 'backoff');
    expect(backoffs[0]!.reason).toBe(`no SRT listener answered at 127.0.0.1:${port}`);
    expect(backoffs.slice(0, 3).map((s) => s.retryInMs)).toEqual([100, 200, 400]);
    expect(output.status().droppedBytes).toBe(part.length);
    expect(readFileSync(recording.file!).equals(part)).toBe(true);
  }, 20_000);

  it('receiver gone for 5 s: the output reconnects at the live edge; the recording beside it has no gap', async () => {
    const port = await freePort('udp');
    const { logger } = capturingLogger();
    let receiver = new SrtReceiver({ mode: 'listener', port });
    cleanups.push(() => receiver.stop());
    const output = track(
      new SrtOutput({
        id: 'srt-re',
        settings: settings({ url: `srt://127.0.0.1:${port}?connect_timeout=500`, latencyMs: 300 }),
        ffmpegPath,
        logger,
        policy: { initialDelayMs: 300, factor: 1.5, maxDelayMs: 1000, jitter: 0 },
      }),
    );
    const recording = track(new RecordingOutput({ id: 'rec', settings: { kind: 'recording', folder: work, fileNamePattern: 'reconnect-%H%M%S.ts' }, logger }));
    const fanout = new OutputFanout();
    fanout.add(output);
    fanout.add(recording);
    fanout.startAll();
    await waitFor(
      () => output.status().state === 'running',
      () => JSON.stringify(output.status()),
    );
    // The whole 20 s program, stopped once the second receiver has its share: on a busy machine the
    // reconnection may take seconds more, and the feed must not run out before it (the cause tested
    // is the reconnection at the live edge, not how fast it comes).
    const program20 = program.bytes;
    const feeder = track(new PacedFeeder(program20, program.muxrate, (chunk) => fanout.write(chunk)));
    await waitFor(
      () => receiver.bytes().length > 188 * 500,
      () => `first receiver got ${receiver.bytes().length}`,
    );
    await receiver.stop();
    const first = receiver.bytes();
    await waitFor(
      () => output.status().state === 'backoff',
      () => JSON.stringify(output.status()),
    );
    expect(output.status().reason).toMatch(/connection to 127\.0\.0\.1:\d+ lost|no SRT listener answered/);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    receiver = new SrtReceiver({ mode: 'listener', port });
    await waitFor(
      () => (output.status().reconnects >= 1 && receiver.bytes().length > 188 * 300) || feeder.position >= program20.length,
      () => `${JSON.stringify(output.status())} second receiver got ${receiver.bytes().length}`,
      20_000,
    );
    expect(feeder.position, 'the feed ran out before the reconnection').toBeLessThan(program20.length);
    feeder.stop();
    const part = program20.subarray(0, feeder.position);
    await receiver.stop();
    const status = output.status();
    await output.stop();
    await recording.stop();

    expect(status).toMatchObject({ state: 'running', reconnects: 1 });
    expect(status.droppedBytes).toBeGreaterThan(0); // while down, dropped (counted), not buffered
    checkReceived(withoutLeadingNulls(first).subarray(0, withoutLeadingNulls(first).length - (withoutLeadingNulls(first).length % 188)));
    const second = withoutLeadingNulls(receiver.bytes());
    const resumedAt = packetOffsetIn(part, second);
    // Resumed at the live edge: well past where the first receiver stopped, on a packet boundary.
    expect(resumedAt).toBeGreaterThan(first.length + (program.muxrate / 8) * 3);
    const whole = second.subarray(0, second.length - (second.length % 188));
    expect(whole.equals(part.subarray(resumedAt, resumedAt + whole.length))).toBe(true);
    // The recording: every byte, in order, no continuity error.
    const recorded = readFileSync(recording.file!);
    expect(recorded.equals(part)).toBe(true);
    expect(inspectBytes(recorded).continuityErrors).toBe(0);
    expect(recording.status()).toMatchObject({ droppedBytes: 0, reconnects: 0 });
  }, 45_000);

  it('listener: a caller with the wrong passphrase is refused, and the state says so', async () => {
    const port = await freePort('udp');
    const { logger } = capturingLogger();
    const output = track(
      new SrtOutput({
        id: 'srt-guard',
        settings: settings({ url: `srt://127.0.0.1:${port}`, mode: 'listener', passphrase: 'the-right-passphrase' }),
        ffmpegPath,
        logger,
      }),
    );
    const fanout = new OutputFanout();
    fanout.add(output);
    output.start();
    const feeder = track(new PacedFeeder(program.bytes, program.muxrate, (chunk) => fanout.write(chunk)));
    await waitFor(
      () => output.status().state === 'starting',
      () => JSON.stringify(output.status()),
    );
    const intruder = track(new SrtReceiver({ mode: 'caller', port, passphrase: 'a-wrong-passphrase' }));
    await waitFor(
      () => output.status().lastError !== undefined,
      () => JSON.stringify(output.status()),
    );
    feeder.stop();
    await intruder.stop();
    expect(output.status()).toMatchObject({
      state: 'starting',
      reason: `listening on 127.0.0.1:${port}, waiting for a caller; a caller was refused: wrong passphrase`,
      lastError: 'a caller was refused: wrong passphrase',
    });
  }, 15_000);

  it('a sender that stops reading (SIGSTOP) drops its oldest bytes; the producer and a recording beside it never wait', async () => {
    const port = await freePort('udp');
    const receiver = track(new SrtReceiver({ mode: 'listener', port }));
    const { logger } = capturingLogger();
    const output = track(new SrtOutput({ id: 'srt-stuck', settings: settings({ url: `srt://127.0.0.1:${port}` }), ffmpegPath, logger, queueBytes: 64 * 1024 }));
    const recording = track(new RecordingOutput({ id: 'rec', settings: { kind: 'recording', folder: work, fileNamePattern: 'stuck-%H%M%S.ts' }, logger }));
    const fanout = new OutputFanout();
    fanout.add(output);
    fanout.add(recording);
    fanout.startAll();
    await waitFor(
      () => output.status().state === 'running',
      () => JSON.stringify(output.status()),
    );
    const part = program.bytes.subarray(0, 188 * 2500);
    let paced = 0;
    const feeder = track(
      new PacedFeeder(part, program.muxrate, (chunk) => {
        fanout.write(chunk);
        paced += chunk.length;
      }),
    );
    await waitFor(
      () => paced > 188 * 300,
      () => `fed ${paced}`,
    );
    process.kill(output.pid!, 'SIGSTOP');
    try {
      await feeder.done;
    } finally {
      process.kill(output.pid!, 'SIGCONT');
    }
    await recording.stop();
    const status = output.status();
    await output.stop();
    await receiver.stop();
    // The pipe (64 KiB) and the queue (64 KiB) filled; the rest was dropped whole, oldest first.
    expect(status.droppedBytes).toBeGreaterThan(0);
    expect(status.droppedBytes % 188).toBe(0);
    expect(status.bytesIn).toBe(part.length);
    expect(readFileSync(recording.file!).equals(part)).toBe(true);
    expect(recording.status().droppedBytes).toBe(0);
  }, 20_000);
});
