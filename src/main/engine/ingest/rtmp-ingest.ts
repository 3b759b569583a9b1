// The RTMP ingest: node-media-server v4 embedded, RTMP only (its HTTP, admin API, recording and
// notify parts stay off), with publishing gated by the studio's stream keys.
//
// node-media-server keeps its state in module globals (config, sessions, broadcasts, one event
// emitter), so one RtmpIngest runs per process. Things we correct from the outside:
// - its logger prints stream paths, i.e. stream keys: we route it through ours, names scrubbed;
// - its listener error handler calls process.exit(): we replace it and reject start() instead;
// - its JSON store installs SIGINT/SIGTERM handlers: off; its history server writes stream
//   names (keys) to that store: stopped;
// - a publisher that disconnects stays "published" for a 30 s resume window: configurable here
//   (reconnectGraceMs, default 0) so sources learn of the end at once;
// - its parser throws on hostile bytes inside its socket listeners, which ends the process: each
//   connection runs inside a guard (connection-guard.ts says why this mechanism), and a bad one is
//   closed and logged, rate-limited.
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { Server, Socket } from 'node:net';
import type { Logger } from '../log.ts';
import { tuneHeapForMediaThroughput } from '../process/heap-tuning.ts';
import {
  boundParserMemory,
  boundPendingOutput,
  ConnectionFault,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  guardConnection,
  type NmsRtmpParser,
  RateLimitedLog,
} from './connection-guard.ts';
import { IngestError } from './errors.ts';
import { audioCodecName, FlvProbe, videoCodecName } from './flv-probe.ts';
import type { IngestEventName, IngestEvents, IngestStreamInfo, LiveFeed, LiveInputProvider } from './types.ts';

const require = createRequire(import.meta.url);

// The parts of node-media-server's untyped objects we use.
interface NmsSession {
  id: string;
  ip: string;
  protocol: string;
  isPublisher: boolean;
  streamApp: string;
  streamName: string;
  streamPath: string;
  inBytes: number;
  videoCodec: unknown;
  videoWidth: number;
  videoHeight: number;
  videoFramerate: number;
  audioCodec: unknown;
  audioChannels: number;
  audioSamplerate: number;
  socket?: Socket;
  rtmp?: NmsRtmpParser;
  broadcast?: NmsBroadcast;
  sendBuffer(buffer: Buffer): void;
  close(): void;
}
interface NmsBroadcast {
  publisher: NmsSession | null;
  publishGraceMs: number;
  postPlay(session: InternalSubscriber): string | null;
  donePlay(session: InternalSubscriber): void;
  getPublishStatus(): 'publishing' | 'reconnecting' | 'idle';
}
interface NmsInstance {
  rtmpServer: {
    tcpServer?: Server;
    /** Its 'connection' listener: makes an RtmpSession of the socket. */
    handleRequest: (socket: Socket) => void;
    handleListenError: (name: string, port: number) => (error: NodeJS.ErrnoException) => void;
  };
  store: { options: { signals: boolean } };
  historyServer: { stop(): void };
  run(): Promise<void>;
  stop(): Promise<void>;
}
type NmsConstructor = new (config: Record<string, unknown>, configPath?: string) => NmsInstance;
interface NmsContext {
  eventEmitter: EventEmitter;
  broadcasts: Map<string, NmsBroadcast>;
  sessions: Map<string, NmsSession>;
}
interface NmsLogger {
  level: string;
  log: (message: string, level?: string) => void;
}
/** What NMS's BroadcastServer needs of a subscriber. An empty ip marks it internal: no auth, no events. */
interface InternalSubscriber {
  id: string;
  ip: '';
  protocol: 'flv';
  outBytes: number;
  sendBuffer: (buffer: Buffer) => void;
  close: () => void;
}

export const DEFAULT_RTMP_PORT = 1935;
export const DEFAULT_MAX_CONNECTIONS = 128;
export const DEFAULT_SESSION_START_TIMEOUT_MS = 30_000;
const NMS_EVENTS = ['prePublish', 'postPublish', 'donePublish', 'prePlay'] as const;

export interface StreamKeyAuthority {
  /** The key's id and name when `key` is a known stream key (StreamKeysRepository does this). */
  findByKey(key: string): { id: number; name: string } | undefined;
}

export interface RtmpIngestOptions {
  /** node-media-server's JSON store directory; never ./data. */
  storeDir: string;
  streamKeys: StreamKeyAuthority;
  logger: Logger;
  /** Default 1935. */
  port?: number;
  /** Default loopback. '0.0.0.0' to take publishers from the network. */
  bind?: string;
  /** The app part of rtmp://host/<app>/<key>. Default 'live'. */
  app?: string;
  /** How often stats are measured and 'ingest.stats' sent. Default 1000 ms. */
  statsIntervalMs?: number;
  /** How long a dropped publisher may come back and resume the same stream. Default 0. */
  reconnectGraceMs?: number;
  /** Players from other addresses than loopback are refused unless true. Default false. */
  allowRemotePlay?: boolean;
  /** A connection that has not sent its whole handshake (C0+C1+C2) by then is closed. Default 10 s. */
  handshakeTimeoutMs?: number;
  /** Connections open at once (publishers, players, handshakes); more are closed at once. Default 128. */
  maxConnections?: number;
  /**
   * A connection that has neither published nor played by then is closed, so idle connections
   * cannot hold every slot and lock out a camera that reconnects. Default 30 s.
   */
  sessionStartTimeoutMs?: number;
}

interface LiveStream {
  session: NmsSession;
  streamKeyId: number;
  streamKeyName: string;
  startedAt: Date;
  probe: FlvProbe;
  probeSubscriber: InternalSubscriber | undefined;
  published: boolean;
  lastBytes: number;
  lastSampleAt: number;
  bitrateKbps: number;
  measuredFps: number | null;
  ticks: number;
}

let running: RtmpIngest | undefined;
let nextSubscriberId = 1;

/** Stream paths carry keys: "/live/<key>". Mask the name part wherever NMS prints one. */
export function scrubStreamNames(text: string): string {
  return text.replace(/(\/[A-Za-z0-9_-]+\/)[A-Za-z0-9_-]+/g, '$1[redacted]').replace(/\bname=[^\s,]+/g, 'name=[redacted]');
}

function hostOf(ip: string): string {
  return ip.replace(/:\d+$/, '').replace(/^::ffff:/, '');
}

function isLoopback(ip: string): boolean {
  const host = hostOf(ip);
  return host === '::1' || host.startsWith('127.');
}

export class RtmpIngest implements LiveInputProvider {
  readonly app: string;
  readonly bind: string;
  readonly #options: RtmpIngestOptions;
  readonly #logger: Logger;
  readonly #events = new EventEmitter();
  readonly #byKeyId = new Map<number, LiveStream>();
  readonly #bySession = new Map<string, LiveStream>();
  /** Sessions we refused; NMS still runs its publish steps for them. */
  readonly #refused = new Set<string>();
  readonly #feeds = new Set<{ broadcast: NmsBroadcast; subscriber: InternalSubscriber }>();
  #nms: NmsInstance | undefined;
  #context: NmsContext | undefined;
  #listeners: Array<[string, (session: NmsSession) => void]> = [];
  #statsTimer: ReturnType<typeof setInterval> | undefined;
  #port: number;
  /** Lines caused by remote input (bad connections, NMS's complaints): a flood costs a few lines. */
  #remoteInputLog: RateLimitedLog;

  constructor(options: RtmpIngestOptions) {
    tuneHeapForMediaThroughput(); // every publish turns over megabytes of Buffers a second: see heap-tuning.ts
    this.#options = options;
    this.#logger = options.logger;
    this.#port = options.port ?? DEFAULT_RTMP_PORT;
    this.bind = options.bind ?? '127.0.0.1';
    this.app = options.app ?? 'live';
    if (!Number.isInteger(this.#port) || this.#port < 1 || this.#port > 65535) {
      throw new IngestError('BAD_OPTION', `RTMP port must be 1..65535, got ${this.#port}`, { field: 'port' });
    }
    if (!/^[A-Za-z0-9_-]+$/.test(this.app)) {
      throw new IngestError('BAD_OPTION', `RTMP app must be letters, digits, _ or -, got "${this.app}"`, { field: 'app' });
    }
    const handshakeTimeoutMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    if (!Number.isInteger(handshakeTimeoutMs) || handshakeTimeoutMs < 1) {
      throw new IngestError('BAD_OPTION', `RTMP handshake timeout must be a whole number of ms above 0, got ${handshakeTimeoutMs}`, {
        field: 'handshakeTimeoutMs',
      });
    }
    this.#events.setMaxListeners(0);
    this.#remoteInputLog = new RateLimitedLog((line, fields) => this.#logger.warn(line, fields));
  }

  get port(): number {
    return this.#port;
  }

  get running(): boolean {
    return this.#nms !== undefined;
  }

  /** The publish URL for a key (for showing to the user; it contains the key). */
  publishUrl(key: string, host = this.bind === '0.0.0.0' ? '127.0.0.1' : this.bind): string {
    return `rtmp://${host}:${this.#port}/${this.app}/${key}`;
  }

  on<E extends IngestEventName>(event: E, listener: (payload: IngestEvents[E]) => void): () => void {
    this.#events.on(event, listener);
    return () => this.#events.off(event, listener);
  }

  async start(): Promise<void> {
    if (this.#nms) return;
    if (running) throw new IngestError('ALREADY_RUNNING', 'An RTMP ingest is already running in this process');
    running = this;
    try {
      await this.#startServer();
    } catch (error) {
      running = undefined;
      throw error;
    }
  }

  async #startServer(): Promise<void> {
    const NodeMediaServer = require('node-media-server') as NmsConstructor;
    const nmsLogger = require('node-media-server/src/core/logger.js') as NmsLogger;
    this.#context = require('node-media-server/src/core/context.js') as NmsContext;
    const log = this.#logger.child('ingest.nms');
    nmsLogger.log = (message: string, level = 'info') => {
      const line = scrubStreamNames(String(message));
      if (level === 'error' || level === 'warn') this.#remoteInputLog.log(`node-media-server: ${line}`);
      else log.debug(line);
    };
    const nms = new NodeMediaServer({
      bind: this.bind,
      rtmp: { port: this.#port },
      store: { path: this.#options.storeDir, maxHistory: 0 },
      webadmin: { enable: false },
      // no http/https port: no HTTP listener; no auth.jwt: no admin API; no record, no notify.
    });
    nms.store.options.signals = false;

    const server = nms.rtmpServer.tcpServer;
    if (!server) throw new IngestError('LISTEN_FAILED', 'node-media-server created no RTMP listener');
    // Every connection goes through our guard first: NMS's handler is called from inside it.
    const handleRequest = nms.rtmpServer.handleRequest;
    if (!server.listeners('connection').includes(handleRequest)) {
      throw new IngestError('LISTEN_FAILED', 'node-media-server changed how it accepts connections: they cannot be guarded');
    }
    server.removeListener('connection', handleRequest);
    server.on('connection', (socket: Socket) => this.#accept(socket, handleRequest));
    // Each connection holds a descriptor; the program's ffmpeg processes and the API need them too.
    server.maxConnections = this.#options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    server.on('drop', (dropped?: { remoteAddress?: string }) =>
      this.#remoteInputLog.log(`refused an RTMP connection: ${server.maxConnections} already open`, { remoteAddress: hostOf(dropped?.remoteAddress ?? '') }),
    );
    let isListening = false;
    const listening = new Promise<void>((resolve, reject) => {
      nms.rtmpServer.handleListenError = () => (error) => {
        // Once listening, an error is the accept of one connection failing (EMFILE, ...): logged.
        if (isListening) return this.#remoteInputLog.log(`RTMP listener: ${error.message}`, { code: error.code });
        reject(
          error.code === 'EADDRINUSE'
            ? new IngestError('PORT_IN_USE', `RTMP port ${this.bind}:${this.#port} is already in use`, { field: 'port', cause: error })
            : new IngestError('LISTEN_FAILED', `RTMP listener on ${this.bind}:${this.#port} failed: ${error.message}`, { cause: error }),
        );
      };
      server.once('listening', () => {
        isListening = true;
        resolve();
      });
    });
    // It may reject while nms.run() is still pending: handled below, never an unhandled rejection.
    listening.catch(() => {});

    for (const name of NMS_EVENTS) {
      const listener = (session: NmsSession): void => {
        try {
          this.#onNmsEvent(name, session);
        } catch (error) {
          this.#remoteInputLog.log(`ingest: ${name} handler failed`, { error });
        }
      };
      this.#context.eventEmitter.on(name, listener);
      this.#listeners.push([name, listener]);
    }

    this.#nms = nms;
    try {
      await nms.run();
      await listening;
    } catch (error) {
      await this.#teardown();
      throw error;
    }
    nms.historyServer.stop(); // it would persist stream names, i.e. keys
    const address = server.address();
    if (address && typeof address === 'object') this.#port = address.port;
    const interval = this.#options.statsIntervalMs ?? 1000;
    this.#statsTimer = setInterval(() => this.#sampleStats(), interval);
    this.#statsTimer.unref();
    this.#logger.info('RTMP ingest listening', { bind: this.bind, port: this.#port, app: this.app });
  }

  async stop(): Promise<void> {
    if (!this.#nms) return;
    for (const stream of [...this.#byKeyId.values()]) this.#endStream(stream, 'ingest stopped');
    await this.#teardown();
    this.#logger.info('RTMP ingest stopped');
  }

  async #teardown(): Promise<void> {
    clearInterval(this.#statsTimer);
    this.#statsTimer = undefined;
    for (const feed of this.#feeds) feed.broadcast.donePlay(feed.subscriber);
    this.#feeds.clear();
    const nms = this.#nms;
    this.#nms = undefined;
    try {
      await nms?.stop();
    } finally {
      for (const [name, listener] of this.#listeners) this.#context?.eventEmitter.off(name, listener);
      this.#listeners = [];
      this.#refused.clear();
      running = undefined;
    }
  }

  #accept(socket: Socket, handleRequest: (socket: Socket) => void): void {
    try {
      this.#guard(socket, handleRequest);
    } catch (error) {
      socket.destroy();
      this.#remoteInputLog.log('closed an RTMP connection: it could not be guarded', { error });
    }
  }

  #guard(socket: Socket, handleRequest: (socket: Socket) => void): void {
    const remoteAddress = hostOf(socket.remoteAddress ?? '');
    const onFault = (fault: ConnectionFault): void =>
      this.#remoteInputLog.log(`closed an RTMP connection: ${scrubStreamNames(fault.message)}`, { remoteAddress });
    guardConnection(socket, { handshakeTimeoutMs: this.#options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS, onFault }, (accepted) => {
      handleRequest(accepted);
      const session = [...(this.#context?.sessions.values() ?? [])].find((candidate) => candidate.socket === accepted);
      if (!session?.rtmp) throw new ConnectionFault('node-media-server made no RTMP session of it');
      boundParserMemory(session.rtmp, () => this.#bySession.has(session.id));
      boundPendingOutput(session, accepted, onFault);
      const startTimeoutMs = this.#options.sessionStartTimeoutMs ?? DEFAULT_SESSION_START_TIMEOUT_MS;
      const startTimer = setTimeout(() => {
        // NMS sets the stream path when a publish or play begins.
        if (session.streamPath !== '' || accepted.destroyed) return;
        accepted.destroy();
        onFault(new ConnectionFault(`no publish or play within ${startTimeoutMs} ms`));
      }, startTimeoutMs);
      startTimer.unref();
      accepted.once('close', () => clearTimeout(startTimer));
    });
  }

  /** Published: a valid publisher is on and 'ingest.published' has been sent. */
  isLive(streamKeyId: number): boolean {
    return this.#byKeyId.get(streamKeyId)?.published === true;
  }

  streamInfo(streamKeyId: number): IngestStreamInfo | undefined {
    const stream = this.#byKeyId.get(streamKeyId);
    return stream ? this.#info(stream) : undefined;
  }

  streams(): IngestStreamInfo[] {
    return [...this.#byKeyId.values()].map((stream) => this.#info(stream));
  }

  /** Ends a publish now, e.g. when its stream key is removed. */
  disconnect(streamKeyId: number, reason = 'disconnected by the studio'): boolean {
    const stream = this.#byKeyId.get(streamKeyId);
    if (!stream) return false;
    this.#endStream(stream, reason);
    closeSession(stream.session);
    return true;
  }

  openFeed(streamKeyId: number, write: (chunk: Buffer) => void): LiveFeed | undefined {
    const stream = this.#byKeyId.get(streamKeyId);
    const broadcast = stream?.session.broadcast;
    if (!stream || !broadcast) return undefined;
    let open = true;
    const subscriber: InternalSubscriber = {
      id: `studio-feed-${nextSubscriberId++}`,
      ip: '',
      protocol: 'flv',
      outBytes: 0,
      sendBuffer: (buffer) => {
        if (!open) return;
        subscriber.outBytes += buffer.length;
        // It runs in the publisher's data path: a throw here would cost the publisher its connection.
        try {
          write(buffer);
        } catch (error) {
          this.#remoteInputLog.log('ingest: a live feed failed to take a chunk', { error });
        }
      },
      close: () => feed.close(),
    };
    const entry = { broadcast, subscriber };
    const feed: LiveFeed = {
      close: () => {
        if (!open) return;
        open = false;
        this.#feeds.delete(entry);
        broadcast.donePlay(subscriber);
      },
    };
    this.#feeds.add(entry);
    broadcast.postPlay(subscriber); // sends FLV header, metadata, sequence headers and the GOP cache first
    return feed;
  }

  #onNmsEvent(name: (typeof NMS_EVENTS)[number], session: NmsSession): void {
    switch (name) {
      case 'prePublish':
        return this.#authorise(session);
      case 'postPublish':
        return this.#onPublish(session);
      case 'donePublish': {
        if (this.#refused.delete(session.id)) return;
        const stream = this.#bySession.get(session.id);
        if (stream) this.#endStream(stream, 'publisher disconnected');
        return;
      }
      case 'prePlay':
        if (!this.#options.allowRemotePlay && !isLoopback(session.ip)) {
          this.#remoteInputLog.log('refused an RTMP player from a remote address', { remoteAddress: hostOf(session.ip) });
          closeSession(session);
        }
        return;
    }
  }

  #authorise(session: NmsSession): void {
    const remoteAddress = hostOf(session.ip);
    const broadcast = session.broadcast;
    // Set before NMS makes the session its publisher, so the end of this publish is reported at once.
    if (broadcast) broadcast.publishGraceMs = this.#options.reconnectGraceMs ?? 0;
    const refuse = (reason: IngestEvents['ingest.refused']['reason']): void => {
      this.#refused.add(session.id);
      // NMS reports the end of a refused publish only if it got as far as being the publisher.
      setTimeout(() => this.#refused.delete(session.id), 60_000).unref();
      // The name is the key someone tried: never logged. The remote address helps spot abuse.
      this.#remoteInputLog.log(`refused an RTMP publish: ${reason}`, { remoteAddress, app: session.streamApp });
      this.#emit('ingest.refused', { reason, remoteAddress });
      closeSession(session);
    };
    if (session.streamApp !== this.app) return refuse('unknown app');
    const key = this.#options.streamKeys.findByKey(session.streamName);
    if (!key) return refuse('unknown stream key');
    this.#logger.registerSecret(session.streamName);
    if (this.#byKeyId.has(key.id) || broadcast?.getPublishStatus() === 'publishing') return refuse('already publishing');
  }

  #onPublish(session: NmsSession): void {
    if (this.#refused.has(session.id)) return;
    const key = this.#options.streamKeys.findByKey(session.streamName);
    if (!key) return;
    const stream: LiveStream = {
      session,
      streamKeyId: key.id,
      streamKeyName: key.name,
      startedAt: new Date(),
      probe: new FlvProbe(),
      probeSubscriber: undefined,
      published: false,
      lastBytes: session.inBytes,
      lastSampleAt: performance.now(),
      bitrateKbps: 0,
      measuredFps: null,
      ticks: 0,
    };
    this.#byKeyId.set(key.id, stream);
    this.#bySession.set(session.id, stream);
    // postPublish runs before NMS makes the session the publisher; attach the probe right after.
    queueMicrotask(() => this.#attachProbe(stream));
    this.#logger.info('RTMP publish started', { streamKeyId: key.id, streamKeyName: key.name, remoteAddress: hostOf(session.ip) });
  }

  #attachProbe(stream: LiveStream): void {
    const broadcast = stream.session.broadcast;
    if (!broadcast || this.#byKeyId.get(stream.streamKeyId) !== stream) return;
    const subscriber: InternalSubscriber = {
      id: `studio-probe-${nextSubscriberId++}`,
      ip: '',
      protocol: 'flv',
      outBytes: 0,
      sendBuffer: (buffer) => {
        try {
          stream.probe.onTag(buffer);
        } catch (error) {
          this.#remoteInputLog.log('ingest: the FLV probe failed on a tag', { error });
        }
      },
      close: () => {},
    };
    stream.probeSubscriber = subscriber;
    broadcast.postPlay(subscriber);
  }

  #endStream(stream: LiveStream, reason: string): void {
    if (this.#byKeyId.get(stream.streamKeyId) !== stream) return;
    this.#byKeyId.delete(stream.streamKeyId);
    this.#bySession.delete(stream.session.id);
    if (stream.probeSubscriber) stream.session.broadcast?.donePlay(stream.probeSubscriber);
    for (const feed of [...this.#feeds]) {
      if (feed.broadcast === stream.session.broadcast) {
        this.#feeds.delete(feed);
        feed.broadcast.donePlay(feed.subscriber);
      }
    }
    const durationMs = Date.now() - stream.startedAt.getTime();
    this.#logger.info('RTMP publish ended', { streamKeyId: stream.streamKeyId, streamKeyName: stream.streamKeyName, reason });
    this.#emit('ingest.unpublished', { streamKeyId: stream.streamKeyId, streamKeyName: stream.streamKeyName, reason, durationMs });
  }

  #sampleStats(): void {
    const now = performance.now();
    for (const stream of this.#byKeyId.values()) {
      const bytes = stream.session.inBytes;
      const seconds = (now - stream.lastSampleAt) / 1000;
      if (seconds > 0) stream.bitrateKbps = Math.round(((bytes - stream.lastBytes) * 8) / seconds / 1000);
      stream.lastBytes = bytes;
      stream.lastSampleAt = now;
      stream.measuredFps = stream.probe.takeMeasuredFps() ?? stream.measuredFps;
      stream.ticks++;
      const info = this.#info(stream);
      if (!stream.published) {
        // Published once the media is known, or after a few intervals whatever we know by then.
        const known = info.video !== null && info.video.width > 0 && info.video.fps > 0;
        if (!known && stream.ticks < 3) continue;
        stream.published = true;
        this.#emit('ingest.published', info);
      } else {
        this.#emit('ingest.stats', info);
      }
    }
  }

  #info(stream: LiveStream): IngestStreamInfo {
    const session = stream.session;
    const probe = stream.probe;
    const videoCodec = videoCodecName(session.videoCodec) ?? probe.videoCodec;
    const declaredFps = Number(session.videoFramerate) || 0;
    const video =
      videoCodec || probe.videoFrames > 0
        ? {
            codec: videoCodec,
            width: Number(session.videoWidth) || probe.width,
            height: Number(session.videoHeight) || probe.height,
            fps: declaredFps || roundFps(stream.measuredFps),
            measuredFps: stream.measuredFps === null ? null : roundFps(stream.measuredFps),
          }
        : null;
    const audioCodec = audioCodecName(session.audioCodec) ?? probe.audioCodec;
    const audio = audioCodec ? { codec: audioCodec, sampleRate: Number(session.audioSamplerate) || 0, channels: Number(session.audioChannels) || 0 } : null;
    return {
      streamKeyId: stream.streamKeyId,
      streamKeyName: stream.streamKeyName,
      app: session.streamApp,
      remoteAddress: hostOf(session.ip),
      startedAt: stream.startedAt.toISOString(),
      video,
      audio,
      bitrateKbps: stream.bitrateKbps,
      bytesIn: session.inBytes,
    };
  }

  #emit<E extends IngestEventName>(event: E, payload: IngestEvents[E]): void {
    try {
      this.#events.emit(event, payload);
    } catch (error) {
      this.#logger.error(`ingest: a listener of ${event} threw`, { error });
    }
  }
}

function roundFps(fps: number | null): number {
  return fps === null ? 0 : Math.round(fps * 100) / 100;
}

/** Closes at once: NMS's own close() only half-closes, and a publisher keeps sending into that. */
function closeSession(session: NmsSession): void {
  if (session.socket) session.socket.destroy();
  else session.close();
}
