// A small RTMP writer for tests that send what no real client would: the handshake (C0/C1/C2,
// RTMP 1.0 §5.2), chunks (§5.3) and AMF0 values (AMF0 spec §2), with every field under the test's
// control. Not a player or a publisher: ffmpeg is the real client (tests/support/ingest.ts).
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export const RTMP_VERSION = 3;
export const HANDSHAKE_SIZE = 1536;
/** C0 + C1 + C2: what a server has received once the client's side of the handshake is done. */
export const CLIENT_HANDSHAKE_BYTES = 1 + 2 * HANDSHAKE_SIZE;
export const DEFAULT_CHUNK_SIZE = 128;

/** RTMP message type ids (RTMP 1.0 §5.4, §7.1). */
export const MessageType = {
  SET_CHUNK_SIZE: 1,
  ABORT: 2,
  ACKNOWLEDGEMENT: 3,
  USER_CONTROL: 4,
  WINDOW_ACK_SIZE: 5,
  SET_PEER_BANDWIDTH: 6,
  AUDIO: 8,
  VIDEO: 9,
  DATA_AMF3: 15,
  SHARED_OBJECT_AMF3: 16,
  COMMAND_AMF3: 17,
  DATA_AMF0: 18,
  SHARED_OBJECT_AMF0: 19,
  COMMAND_AMF0: 20,
  AGGREGATE: 22,
} as const;

/** Bytes put into an AMF0 stream as they are (a wrong marker, a lying length, a cut value). */
export class Amf0Raw {
  readonly bytes: Buffer;
  constructor(bytes: Buffer) {
    this.bytes = bytes;
  }
}
export type Amf0Value = number | boolean | string | null | undefined | Amf0Raw | Amf0Value[] | { [key: string]: Amf0Value };

function amf0String(text: string, withMarker: boolean): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > 0xffff) {
    const head = Buffer.alloc(5);
    head[0] = 0x0c; // long-string-marker
    head.writeUInt32BE(bytes.length, 1);
    return Buffer.concat([head, bytes]);
  }
  const head = Buffer.alloc(withMarker ? 3 : 2);
  if (withMarker) head[0] = 0x02; // string-marker
  head.writeUInt16BE(bytes.length, withMarker ? 1 : 0);
  return Buffer.concat([head, bytes]);
}

export function amf0Value(value: Amf0Value): Buffer {
  if (value instanceof Amf0Raw) return value.bytes;
  if (value === null) return Buffer.of(0x05);
  if (value === undefined) return Buffer.of(0x06);
  if (typeof value === 'number') {
    const out = Buffer.alloc(9);
    out.writeDoubleBE(value, 1); // number-marker 0x00
    return out;
  }
  if (typeof value === 'boolean') return Buffer.of(0x01, value ? 1 : 0);
  if (typeof value === 'string') return amf0String(value, true);
  if (Array.isArray(value)) {
    const head = Buffer.alloc(5);
    head[0] = 0x0a; // strict-array-marker
    head.writeUInt32BE(value.length, 1);
    return Buffer.concat([head, ...value.map(amf0Value)]);
  }
  const parts: Buffer[] = [Buffer.of(0x03)]; // object-marker
  for (const [key, item] of Object.entries(value)) parts.push(amf0String(key, false), amf0Value(item));
  parts.push(Buffer.of(0x00, 0x00, 0x09)); // empty name + object-end-marker
  return Buffer.concat(parts);
}

export function amf0(...values: Amf0Value[]): Buffer {
  return Buffer.concat(values.map(amf0Value));
}

export interface RtmpMessage {
  /** Chunk stream id, 2..65599. Default 3 (commands). */
  csid?: number;
  type: number;
  streamId?: number;
  timestamp?: number;
  payload: Buffer;
  /** The length written in the header, when it should lie about the payload. */
  declaredLength?: number;
  chunkSize?: number;
}

function basicHeader(fmt: number, csid: number): Buffer {
  if (csid >= 64 + 256) return Buffer.of((fmt << 6) | 1, (csid - 64) & 0xff, ((csid - 64) >> 8) & 0xff);
  if (csid >= 64) return Buffer.of(fmt << 6, csid - 64);
  return Buffer.of((fmt << 6) | csid);
}

/** One message as chunks: a type 0 chunk, then type 3 chunks of at most `chunkSize` bytes each. */
export function chunkMessage(message: RtmpMessage): Buffer {
  const csid = message.csid ?? 3;
  const chunkSize = message.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const timestamp = message.timestamp ?? 0;
  const extended = timestamp >= 0xffffff;
  const header = Buffer.alloc(11 + (extended ? 4 : 0));
  header.writeUIntBE(extended ? 0xffffff : timestamp, 0, 3);
  header.writeUIntBE((message.declaredLength ?? message.payload.length) & 0xffffff, 3, 3);
  header[6] = message.type & 0xff;
  header.writeUInt32LE(message.streamId ?? 0, 7);
  if (extended) header.writeUInt32BE(timestamp >>> 0, 11);
  const parts: Buffer[] = [basicHeader(0, csid), header];
  for (let offset = 0; offset < message.payload.length; offset += chunkSize) {
    if (offset > 0) {
      parts.push(basicHeader(3, csid));
      if (extended) parts.push(header.subarray(11));
    }
    parts.push(message.payload.subarray(offset, offset + chunkSize));
  }
  return Buffer.concat(parts);
}

/** An AMF0 command message (connect, createStream, publish, ...) on chunk stream 3. */
export function command(name: string, transactionId: number, args: Amf0Value[], streamId = 0): Buffer {
  return chunkMessage({ type: MessageType.COMMAND_AMF0, streamId, payload: amf0(name, transactionId, ...args) });
}

/** A client's C0 + C1: version 3, then time, zero and random bytes (§5.2.3). */
export function clientHello(): Buffer {
  const hello = Buffer.alloc(1 + HANDSHAKE_SIZE);
  hello[0] = RTMP_VERSION;
  randomBytes(HANDSHAKE_SIZE - 8).copy(hello, 9);
  return hello;
}

export class RtmpTestConnection {
  readonly socket: Socket;
  #received: Buffer[] = [];
  #receivedBytes = 0;
  #closed = false;
  readonly closed: Promise<void>;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#received.push(chunk);
      this.#receivedBytes += chunk.length;
    });
    socket.on('error', () => {}); // a reset by the server is an expected end here
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    void this.closed.then(() => (this.#closed = true));
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  get receivedBytes(): number {
    return this.#receivedBytes;
  }

  received(): Buffer {
    return Buffer.concat(this.#received);
  }

  /** Resolves true once written, false if the socket was gone (the server may close it first). */
  write(bytes: Buffer): Promise<boolean> {
    if (this.socket.destroyed || !this.socket.writable) return Promise.resolve(false);
    return new Promise((resolve) => this.socket.write(bytes, (error) => resolve(!error)));
  }

  async waitForBytes(count: number, timeoutMs = 10_000): Promise<void> {
    const started = Date.now();
    while (this.#receivedBytes < count) {
      if (this.#closed) throw new Error(`the server closed the connection after ${this.#receivedBytes} of ${count} bytes`);
      if (Date.now() - started > timeoutMs) throw new Error(`no ${count} bytes from the server within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Waits for the server to close, up to `timeoutMs`; true if it did. */
  async closedWithin(timeoutMs: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const result = await Promise.race([this.closed.then(() => true as const), timedOut]);
    clearTimeout(timer);
    return result;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export function openTcp(port: number, host = '127.0.0.1'): Promise<RtmpTestConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(new RtmpTestConnection(socket));
    });
    socket.once('error', reject);
  });
}

/** A connection with the handshake done: C0+C1 sent, S0+S1+S2 read, C2 (S1 echoed) sent. */
export async function openRtmp(port: number, host = '127.0.0.1'): Promise<RtmpTestConnection> {
  const connection = await openTcp(port, host);
  try {
    await connection.write(clientHello());
    await connection.waitForBytes(CLIENT_HANDSHAKE_BYTES);
    const s1 = connection.received().subarray(1, 1 + HANDSHAKE_SIZE);
    await connection.write(Buffer.from(s1));
    return connection;
  } catch (error) {
    connection.destroy();
    throw error;
  }
}
