// Keeps an RTMP push's stream key out of ffmpeg's command line, with any ffmpeg. ffmpeg publishes
// to a loopback relay under a stand-in key of the same byte length; the relay connects to the real
// server (TLS for rtmps, so ffmpeg speaks plain RTMP only on loopback) and swaps the stand-in for
// the key in the bytes ffmpeg sends before the media (the connect/releaseStream/FCPublish/publish
// commands, AMF0 strings: same length, so no length field changes). Only this process knows the key.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from '../log.ts';

/** C0 + C1 + C2 of the RTMP handshake (1 + 1536 + 1536 bytes): random bytes, never commands. */
const HANDSHAKE_BYTES = 1 + 1536 + 1536;
/** The commands come right after the handshake; past this the bytes are media, passed untouched. */
const SWAP_WINDOW_BYTES = 64 * 1024;
/** How long a possible start of the stand-in waits for the rest of it. */
const HOLD_MS = 20;

export interface RtmpKeyRelayOptions {
  /** The real server. */
  host: string;
  port: number;
  tls: boolean;
  streamKey: string;
  logger: Logger;
  /** Certificates to trust for rtmps instead of the system's (a private CA; tests). */
  ca?: string;
}

/**
 * Replaces `from` with `to` (the same length) in a byte stream cut anywhere: a piece that ends
 * with the start of `from` keeps those bytes back for the next piece, in case the stand-in spans
 * both. RTMP is request and answer, so nothing may wait long: the relay flushes what is held when
 * no piece follows at once (a stand-in cut by TCP is completed within the same write).
 */
export class ByteSwap {
  readonly #from: Buffer;
  readonly #to: Buffer;
  #held = Buffer.alloc(0);
  readonly skip: number;
  readonly window: number;
  #seen = 0;
  #done = false;
  swaps = 0;

  constructor(from: Buffer, to: Buffer, skip = HANDSHAKE_BYTES, window = SWAP_WINDOW_BYTES) {
    if (from.length !== to.length || from.length === 0) throw new Error('the stand-in and the key must have the same byte length');
    this.#from = from;
    this.#to = to;
    this.skip = skip;
    this.window = window;
  }

  /** The bytes to send now; some may be held back until the next push or `end()`. */
  push(piece: Buffer): Buffer {
    if (this.#done) return piece;
    const data = this.#held.length > 0 ? Buffer.concat([this.#held, piece]) : piece;
    const dataStart = this.#seen - this.#held.length; // stream offset of data[0]
    this.#seen += piece.length;
    let searchFrom = Math.max(0, this.skip - dataStart);
    for (let at = data.indexOf(this.#from, searchFrom); at >= 0; at = data.indexOf(this.#from, searchFrom)) {
      this.#to.copy(data, at);
      this.swaps++;
      searchFrom = at + this.#from.length;
    }
    if (dataStart + data.length >= this.skip + this.window) {
      this.#done = true;
      this.#held = Buffer.alloc(0);
      return data;
    }
    const keep = this.#partialAtEnd(data, Math.max(0, this.skip - dataStart));
    this.#held = Buffer.from(data.subarray(data.length - keep));
    return data.subarray(0, data.length - keep);
  }

  /** Bytes kept back for now. */
  get holding(): number {
    return this.#held.length;
  }

  /** The longest proper start of `from` that the data (past `from`'s search start) ends with. */
  #partialAtEnd(data: Buffer, searchStart: number): number {
    for (let length = Math.min(this.#from.length - 1, data.length - searchStart); length > 0; length--) {
      if (data.subarray(data.length - length).equals(this.#from.subarray(0, length))) return length;
    }
    return 0;
  }

  /** Gives up waiting: what is held goes out as it is (the stream goes on afterwards). */
  end(): Buffer {
    const rest = this.#held;
    this.#held = Buffer.alloc(0);
    return rest;
  }
}

export class RtmpKeyRelay {
  /** What ffmpeg gets instead of the key: random hex of the key's byte length. */
  readonly standIn: string;
  readonly #options: RtmpKeyRelayOptions;
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();
  #port = 0;
  /** Why the last connection to the real server failed ("connect ECONNREFUSED …"), for the reason. */
  lastUpstreamError: string | undefined;

  constructor(options: RtmpKeyRelayOptions) {
    this.#options = options;
    const length = Buffer.byteLength(options.streamKey);
    this.standIn = randomBytes(Math.ceil(length / 2))
      .toString('hex')
      .slice(0, length);
    this.#server = net.createServer((client) => this.#relay(client));
    this.#server.on('error', (error) => options.logger.warn(`RTMP key relay: ${error.message}`));
  }

  /** The loopback port ffmpeg connects to; 0 until listen() has bound it. */
  get port(): number {
    return this.#port;
  }

  async listen(): Promise<number> {
    if (this.#port === 0) {
      await new Promise<void>((resolve, reject) => {
        this.#server.once('error', reject);
        this.#server.listen({ host: '127.0.0.1', port: 0 }, () => {
          this.#server.off('error', reject);
          resolve();
        });
      });
      this.#port = (this.#server.address() as net.AddressInfo).port;
    }
    return this.#port;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    this.#port = 0;
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #relay(client: net.Socket): void {
    const { host, port, logger } = this.#options;
    // The stand-in is in ffmpeg's argv for all to see: only our own user's processes (our ffmpeg)
    // may publish through the relay, or another local user could push with our key.
    const owner = process.platform === 'linux' ? loopbackPeerUid(client.remotePort ?? 0, this.#port) : undefined;
    const ownUid = process.getuid?.();
    if (client.remoteAddress !== '127.0.0.1' || (owner !== undefined && owner !== ownUid) || (process.platform === 'linux' && owner === undefined)) {
      logger.warn(`RTMP key relay: refused a connection that is not this user's (uid ${owner ?? 'unknown'})`);
      client.destroy();
      return;
    }
    this.lastUpstreamError = undefined;
    const upstream = this.#options.tls
      ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ...(this.#options.ca ? { ca: this.#options.ca } : {}) })
      : net.connect({ host, port });
    this.#sockets.add(client);
    this.#sockets.add(upstream);
    const swap = new ByteSwap(Buffer.from(this.standIn), Buffer.from(this.#options.streamKey));
    let flushTimer: NodeJS.Timeout | undefined;
    const closeBoth = () => {
      clearTimeout(flushTimer);
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    client.on('data', (piece: Buffer) => {
      clearTimeout(flushTimer);
      const out = swap.push(piece);
      if (out.length > 0 && !upstream.write(out)) client.pause();
      if (swap.holding > 0) flushTimer = setTimeout(() => upstream.write(swap.end()), HOLD_MS);
    });
    upstream.on('drain', () => client.resume());
    client.on('end', () => upstream.end(swap.end()));
    upstream.on('data', (piece: Buffer) => {
      if (!client.write(piece)) upstream.pause();
    });
    client.on('drain', () => upstream.resume());
    upstream.on('end', () => client.end());
    // ffmpeg sees the connection fail as the server's, and names it from its own stderr.
    upstream.on('error', (error) => {
      this.lastUpstreamError = error.message;
      logger.debug(`RTMP key relay: ${host}:${port}: ${error.message}`);
      closeBoth();
    });
    client.on('error', closeBoth);
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
  }
}

/**
 * The uid owning the loopback TCP socket 127.0.0.1:peerPort connected to 127.0.0.1:ourPort, from
 * /proc/net/tcp (columns: sl, local_address, rem_address, st, queues, tr, retrnsmt, uid, ...;
 * addresses as hex "0100007F:1F90", the port big-endian). Undefined when it is not listed.
 */
export function loopbackPeerUid(peerPort: number, ourPort: number, table = '/proc/net/tcp'): number | undefined {
  let text: string;
  try {
    text = readFileSync(table, 'utf8');
  } catch {
    return undefined;
  }
  const hexPort = (value: number) => value.toString(16).toUpperCase().padStart(4, '0');
  const local = `0100007F:${hexPort(peerPort)}`;
  const remote = `0100007F:${hexPort(ourPort)}`;
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1] === local && fields[2] === remote) return Number(fields[7]);
  }
  return undefined;
}
