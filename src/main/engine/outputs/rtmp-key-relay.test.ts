// The RTMP push's stream key never enters ffmpeg's command line: the loopback relay swaps it in.
// Proven against the studio's own ingest (node-media-server), which refuses any unknown key.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rtmpOutputSettings } from '../../../shared/outputs.ts';
import { RtmpIngest } from '../ingest/rtmp-ingest.ts';
import { freePort } from '../../../../tests/support/ports.ts';
import type { IngestStreamInfo } from '../ingest/types.ts';
import { Logger } from '../log.ts';
import { liveChildCount } from '../process/reaper.ts';
import { openStore, type Store } from '../store/database.ts';
import { StreamKeysRepository } from '../store/stream-keys-repository.ts';
import { OutputFanout } from './fanout.ts';
import { ByteSwap, RtmpKeyRelay } from './rtmp-key-relay.ts';
import { rtmpArgs, RtmpOutput } from './rtmp-output.ts';
import { capturingLogger, PacedFeeder, testProgram, waitFor, type TestProgram } from '../../../../tests/support/outputs.ts';

describe('ByteSwap', () => {
  const from = Buffer.from('0123456789abcdef01');
  const to = Buffer.from('live_secret_key_42');
  const message = Buffer.concat([Buffer.alloc(40, 0x20), Buffer.from([0x02, 0x00, from.length]), from, Buffer.alloc(40, 0x21)]);
  const expected = Buffer.concat([Buffer.alloc(40, 0x20), Buffer.from([0x02, 0x00, to.length]), to, Buffer.alloc(40, 0x21)]);

  it('swaps the stand-in wherever the stream is cut, even mid stand-in', () => {
    for (let cut = 0; cut <= message.length; cut++) {
      const swap = new ByteSwap(from, to, 0);
      const out = Buffer.concat([swap.push(Buffer.from(message.subarray(0, cut))), swap.push(Buffer.from(message.subarray(cut))), swap.end()]);
      expect(out.equals(expected), `cut at ${cut}`).toBe(true);
      expect(swap.swaps).toBe(1);
    }
  });

  it('leaves the handshake and the media after the command window alone', () => {
    const swap = new ByteSwap(from, to, 10, 100);
    const handshake = Buffer.concat([from.subarray(0, 10)]);
    const out = Buffer.concat([swap.push(Buffer.concat([handshake, message])), swap.push(Buffer.concat([Buffer.alloc(200), from])), swap.end()]);
    expect(out.subarray(0, 10).equals(from.subarray(0, 10))).toBe(true);
    expect(out.subarray(10, 10 + expected.length).equals(expected)).toBe(true);
    expect(out.subarray(-from.length).equals(from)).toBe(true); // past the window: media, untouched
    expect(swap.swaps).toBe(1);
  });
});

describe('RtmpKeyRelay', () => {
  // The stand-in is in ffmpeg's argv, which every local user sees: the relay must not lend the key
  // to another user's process that connects with it.
  it.runIf(process.platform === 'linux' && process.getuid?.() === 0)('refuses a connection from another local user, takes one from its own', async () => {
    let upstreamConnections = 0;
    const upstream = net.createServer((socket) => {
      upstreamConnections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const { logger, lines } = capturingLogger();
    const relay = new RtmpKeyRelay({ host: '127.0.0.1', port: (upstream.address() as net.AddressInfo).port, tls: false, streamKey: 'live_secret', logger });
    const port = await relay.listen();
    try {
      // As nobody (uid 65534): bash opens a TCP connection, writes, and waits to be closed.
      const intruder = spawn('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}; printf 'x' >&3; cat <&3 >/dev/null`], {
        uid: 65534,
        gid: 65534,
        stdio: 'ignore',
      });
      await new Promise((resolve) => intruder.on('exit', resolve));
      expect(lines.join('\n')).toContain("refused a connection that is not this user's (uid 65534)");
      expect(upstreamConnections).toBe(0);
      // Our own user's connection goes through.
      const own = net.connect(port, '127.0.0.1');
      await waitFor(
        () => upstreamConnections === 1,
        () => `upstream connections: ${upstreamConnections}`,
      );
      own.destroy();
    } finally {
      await relay.close();
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
    }
  });
});

describe('RtmpKeyRelay to an rtmps server', () => {
  it('speaks TLS upstream, checks the certificate, and swaps the key in what it sends', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rtmps-relay-test-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=DNS:localhost',
          '-keyout',
          path.join(dir, 'key.pem'),
          '-out',
          path.join(dir, 'cert.pem'),
          '-days',
          '1',
        ],
        { stdio: 'ignore' },
      );
      const cert = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
      const received: Buffer[] = [];
      const server = tls.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert }, (socket) =>
        socket.on('data', (piece: Buffer) => received.push(piece)),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const serverPort = (server.address() as net.AddressInfo).port;
      const key = 'live_rtmps_secret_key';
      const { logger } = capturingLogger();
      const trusted = new RtmpKeyRelay({ host: 'localhost', port: serverPort, tls: true, streamKey: key, logger, ca: cert });
      const untrusted = new RtmpKeyRelay({ host: 'localhost', port: serverPort, tls: true, streamKey: key, logger });
      try {
        // A handshake's worth of bytes, then a command carrying the stand-in.
        const handshake = Buffer.alloc(3073, 0x03);
        const command = (standIn: string) => Buffer.concat([Buffer.from([0x02, 0x00, standIn.length]), Buffer.from(standIn)]);
        const client = net.connect(await trusted.listen(), '127.0.0.1');
        client.write(Buffer.concat([handshake, command(trusted.standIn)]));
        await waitFor(
          () => Buffer.concat(received).length >= 3073 + 3 + key.length,
          () => `received ${Buffer.concat(received).length}`,
        );
        const bytes = Buffer.concat(received);
        expect(bytes.subarray(3073).equals(command(key))).toBe(true);
        expect(bytes.includes(Buffer.from(trusted.standIn))).toBe(false);
        client.destroy();
        // A self-signed certificate the system does not trust: the relay does not talk to it.
        received.length = 0;
        const other = net.connect(await untrusted.listen(), '127.0.0.1');
        other.write(Buffer.concat([handshake, command(untrusted.standIn)]));
        await waitFor(
          () => untrusted.lastUpstreamError !== undefined,
          () => 'no TLS error',
        );
        expect(untrusted.lastUpstreamError).toMatch(/certificate/i);
        expect(received).toEqual([]);
        other.destroy();
      } finally {
        await trusted.close();
        await untrusted.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('RtmpOutput through the key relay (real ffmpeg → the studio ingest)', () => {
  let dir: string;
  let store: Store;
  let ingest: RtmpIngest;
  let port: number;
  let key: string;
  let program: TestProgram;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rtmp-relay-test-'));
    store = openStore(dir);
    const keys = new StreamKeysRepository(store.db);
    key = keys.create('distributor').key;
    port = await freePort();
    ingest = new RtmpIngest({ storeDir: path.join(dir, 'nms'), streamKeys: keys, logger: new Logger({ sink: () => {} }), port });
    await ingest.start();
    program = testProgram(20);
  });

  afterAll(async () => {
    await ingest.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
    expect(liveChildCount()).toBe(0);
  });

  it("publishes with the real key, which appears neither in ffmpeg's process arguments nor in its status", async () => {
    const published: IngestStreamInfo[] = [];
    const off = ingest.on('ingest.published', (info) => published.push(info));
    const refused: string[] = [];
    const offRefused = ingest.on('ingest.refused', (event) => refused.push(JSON.stringify(event)));
    const { logger, lines } = capturingLogger();
    const output = new RtmpOutput({
      id: 'push',
      settings: rtmpOutputSettings.parse({ kind: 'rtmp', url: `rtmp://127.0.0.1:${port}/live`, streamKey: key }),
      ffmpegPath: 'ffmpeg',
      logger,
    });
    const fanout = new OutputFanout();
    fanout.add(output);
    output.start();
    const feeder = new PacedFeeder(program.bytes, program.muxrate, (chunk) => fanout.write(chunk));
    try {
      // What `ps` shows any local user, once the child has exec'd ffmpeg.
      const commandLineOf = (pid: number | undefined) => (pid === undefined ? [] : readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'));
      await waitFor(
        () => commandLineOf(output.pid).includes('-f'),
        () => JSON.stringify(output.status()),
      );
      const commandLine = commandLineOf(output.pid).join(' ');
      expect(commandLine).not.toContain(key);
      expect(commandLine).toContain(`-rtmp_tcurl rtmp://127.0.0.1:${port}/live`);
      // The ingest refuses unknown keys: a publish it accepts carries the real key.
      await waitFor(
        () => published.length > 0,
        () => `${JSON.stringify(output.status())} refused: ${refused.join('; ')} log: ${lines.join('\n')}`,
        15_000,
      );
      expect(published[0]!.streamKeyName).toBe('distributor');
      await waitFor(
        () => output.status().state === 'running',
        () => JSON.stringify(output.status()),
      );
      expect(output.status().warnings).toEqual([]);
      expect(JSON.stringify(output.status())).not.toContain(key);
    } finally {
      feeder.stop();
      off();
      offRefused();
      await output.stop();
    }
    expect(lines.join('\n')).not.toContain(key);
  }, 30_000);

  it("without the relay the key would be the last argument (what Debian's ffmpeg 5.1 is given otherwise)", () => {
    const settings = rtmpOutputSettings.parse({ kind: 'rtmp', url: `rtmp://127.0.0.1:${port}/live`, streamKey: key });
    expect(rtmpArgs(settings).at(-1)).toBe(`rtmp://127.0.0.1:${port}/live/${key}`);
    const relayed = rtmpArgs(settings, { port: 4000, standIn: 'f'.repeat(Buffer.byteLength(key)) });
    expect(relayed.slice(-3)).toEqual(['-rtmp_tcurl', `rtmp://127.0.0.1:${port}/live`, `rtmp://127.0.0.1:4000/live/${'f'.repeat(Buffer.byteLength(key))}`]);
    expect(relayed.join(' ')).not.toContain(key);
  });
});
