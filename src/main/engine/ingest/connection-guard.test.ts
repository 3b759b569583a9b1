import { createRequire } from 'node:module';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  boundParserMemory,
  boundPendingOutput,
  CLIENT_HANDSHAKE_BYTES,
  ConnectionFault,
  guardConnection,
  MAX_CHUNK_STREAMS,
  MAX_PENDING_OUTPUT_BYTES,
  type NmsRtmpParser,
  RateLimitedLog,
} from './connection-guard.ts';

const require = createRequire(import.meta.url);

let server: Server | undefined;
const clients: Socket[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A real TCP server whose connections are guarded; `attach` plays node-media-server's part. */
async function guardedServer(handshakeTimeoutMs: number, attach: (socket: Socket) => void): Promise<{ port: number; faults: string[] }> {
  const faults: string[] = [];
  server = createServer((socket) => guardConnection(socket, { handshakeTimeoutMs, onFault: (fault) => faults.push(fault.message) }, attach));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, faults };
}

function client(port: number): Promise<{ socket: Socket; received: () => Buffer; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    clients.push(socket);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {});
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('connect', () => resolve({ socket, received: () => Buffer.concat(chunks), closed }));
    socket.once('error', reject);
  });
}

const handshake = () => {
  const bytes = Buffer.alloc(CLIENT_HANDSHAKE_BYTES);
  bytes[0] = 3;
  return bytes;
};
const until = async (condition: () => boolean, what: string) => {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('guardConnection', () => {
  it('closes only the connection whose listener throws; the others and the process go on', async () => {
    // An echo server that throws on 0xee, as node-media-server's parser throws on a bad command.
    const { port, faults } = await guardedServer(10_000, (socket) =>
      socket.on('data', (chunk: Buffer) => {
        if (chunk.includes(0xee)) throw new TypeError("Cannot read properties of undefined (reading 'split')");
        socket.write(chunk);
      }),
    );
    const bad = await client(port);
    const good = await client(port);
    bad.socket.write(Buffer.concat([handshake(), Buffer.of(0xee)]));
    await bad.closed;
    expect(faults).toEqual(["rejected by the RTMP parser: TypeError: Cannot read properties of undefined (reading 'split')"]);
    good.socket.write(handshake());
    await until(() => good.received().length === CLIENT_HANDSHAKE_BYTES, 'the echo');
    expect(good.socket.destroyed).toBe(false);
  });

  it('closes a connection whose first byte is not C0 = 3 before the parser sees a byte', async () => {
    const seen: Buffer[] = [];
    const { port, faults } = await guardedServer(10_000, (socket) => socket.on('data', (chunk: Buffer) => seen.push(chunk)));
    const http = await client(port);
    http.socket.write('POST /live HTTP/1.1\r\n\r\n');
    await http.closed;
    expect(faults).toEqual(['not RTMP (first byte 0x50)']);
    expect(seen).toEqual([]);
  });

  it('closes a connection that has not sent C0+C1+C2 within the timeout, and only such a connection', async () => {
    const { port, faults } = await guardedServer(100, (socket) => socket.on('data', () => {}));
    const silent = await client(port);
    const halfway = await client(port);
    const complete = await client(port);
    halfway.socket.write(handshake().subarray(0, 1537));
    complete.socket.write(handshake());
    await Promise.all([silent.closed, halfway.closed]);
    expect(faults).toEqual(['no handshake within 100 ms', 'no handshake within 100 ms']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(complete.socket.destroyed).toBe(false);
  });

  it("catches an 'error' event nobody listens to, which would otherwise be thrown", async () => {
    const { port, faults } = await guardedServer(10_000, (socket) => socket.on('data', () => socket.emit('error', new Error('ECONNRESET'))));
    const connection = await client(port);
    connection.socket.write(handshake());
    await connection.closed;
    expect(faults).toEqual(['rejected by the RTMP parser: Error: ECONNRESET']);
  });

  it('closes the connection when the setup itself throws', async () => {
    const { port, faults } = await guardedServer(10_000, () => {
      throw new Error('no session');
    });
    const connection = await client(port);
    await connection.closed;
    expect(faults).toEqual(['could not be set up: Error: no session']);
  });
});

describe('boundParserMemory (node-media-server’s own RTMP parser)', () => {
  const Rtmp = require('node-media-server/src/protocol/rtmp.js') as new () => NmsRtmpParser & { parserData(buffer: Buffer): string | null };

  /** A parser past its handshake. */
  function parser(authorised: () => boolean) {
    const rtmp = new Rtmp();
    boundParserMemory(rtmp, authorised);
    rtmp.parserData(handshake());
    return rtmp;
  }
  /**
   * The first chunk of a message of `length` bytes: a type 0 header, then a whole chunk (128 bytes)
   * of payload, so the next chunk may belong to another chunk stream while this message waits.
   */
  const firstChunk = (csid: number, type: number, length: number) => {
    const basic = csid < 64 ? Buffer.of(csid) : Buffer.of(0, csid - 64);
    const head = Buffer.alloc(11);
    head.writeUIntBE(length, 3, 3);
    head[6] = type;
    return Buffer.concat([basic, head, Buffer.alloc(Math.min(128, length))]);
  };

  it('refuses a message over 64 KB before a publish, at its header, before allocating it', () => {
    const rtmp = parser(() => false);
    expect(() => rtmp.parserData(firstChunk(5, 9, 0xffffff))).toThrow(ConnectionFault);
    expect(() => parser(() => false).parserData(firstChunk(4, 9, 70_000))).toThrow(
      /message of 70000 bytes \(type 9\) over the 65536-byte limit before a publish with a valid key/,
    );
    expect(() => parser(() => false).parserData(firstChunk(3, 20, 1000))).not.toThrow();
  });

  it('keeps commands and data to 64 KB even from a publisher with a valid key', () => {
    expect(() => parser(() => true).parserData(firstChunk(3, 20, 70_000))).toThrow(/message of 70000 bytes \(type 20\) over the 65536-byte limit$/);
    expect(() => parser(() => true).parserData(firstChunk(6, 18, 70_000))).toThrow(ConnectionFault);
  });

  it('lets a publisher with a valid key send audio and video up to the RTMP limit, within one budget for all chunk streams', () => {
    const rtmp = parser(() => true);
    for (const csid of [4, 5, 6]) expect(() => rtmp.parserData(firstChunk(csid, 9, 0xffffff))).not.toThrow();
    // 16 MB more on a fourth and fifth chunk stream would pass 64 MB.
    expect(() => {
      rtmp.parserData(firstChunk(7, 9, 0xffffff));
      rtmp.parserData(firstChunk(8, 9, 0xffffff));
    }).toThrow(/message buffers over/);
  });

  it('refuses more chunk streams than a real client uses', () => {
    const rtmp = parser(() => false);
    const headers: Buffer[] = [];
    for (let n = 0; n <= MAX_CHUNK_STREAMS; n++) headers.push(firstChunk(64 + n, 20, 1000));
    expect(() => {
      for (const bytes of headers) rtmp.parserData(bytes);
    }).toThrow(`more than ${MAX_CHUNK_STREAMS} chunk streams`);
  });
});

describe('boundPendingOutput', () => {
  it('closes a player that does not read once its queue passes the bound, without throwing into the sender', async () => {
    const accepted = new Promise<Socket>((resolve) => {
      server = createServer((socket) => resolve(socket));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const address = server!.address();
    const player = connect({ port: typeof address === 'object' && address ? address.port : 0, host: '127.0.0.1' });
    clients.push(player);
    player.pause(); // never reads
    const socket = await accepted;
    socket.on('error', () => {});
    const faults: string[] = [];
    let sent = 0;
    const session = { sendBuffer: (buffer: Buffer) => void socket.write(buffer, () => {}) };
    boundPendingOutput(session, socket, (fault) => faults.push(fault.message));
    const packet = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 64 && !socket.destroyed; i++) {
      session.sendBuffer(packet);
      sent++;
    }
    expect(socket.destroyed).toBe(true);
    expect(faults).toEqual([expect.stringMatching(/^player not reading \(\d+ bytes queued\)$/)]);
    expect(sent * packet.length).toBeGreaterThan(MAX_PENDING_OUTPUT_BYTES);
    expect(() => session.sendBuffer(packet)).not.toThrow();
  });
});

describe('RateLimitedLog', () => {
  it('writes `limit` lines per window, then one count of the lines held back', () => {
    let now = 0;
    const lines: string[] = [];
    const log = new RateLimitedLog((line) => lines.push(line), { limit: 3, windowMs: 10_000, now: () => now });
    for (let i = 0; i < 10; i++) log.log(`bad connection ${i}`);
    expect(lines).toEqual(['bad connection 0', 'bad connection 1', 'bad connection 2']);
    now = 10_000;
    log.log('bad connection 10');
    expect(lines.slice(3)).toEqual(['7 more such lines held back in 10 s', 'bad connection 10']);
    log.flush();
    expect(lines).toHaveLength(5);
  });
});
