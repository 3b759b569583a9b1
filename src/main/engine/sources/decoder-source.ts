// A decoding source: one supervised ffmpeg child turning a test pattern, a media file or a live
// RTMP publish into raw yuv420p frames at the layer's size and the program rate (read into a
// FrameSink: the compositor's input pool, or a VideoFrameRing) and 48 kHz stereo s16le PCM (an
// AudioFifo). Its state always says what it is doing and, when it is not producing, why.
import { mkdtempSync, rmSync } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { LiveFeed, LiveInputProvider } from '../ingest/types.ts';
import type { Logger } from '../log.ts';
import { spawnOwned, type ChildExit, type OwnedChild } from '../process/child.ts';
import { Supervisor, type BackoffPolicy, type ExitVerdict, type SupervisorStatus } from '../process/supervisor.ts';
import { frameMoverEnv } from '../process/malloc-tuning.ts';
import { AudioFifo } from './audio-fifo.ts';
import { decoderArgs, validateFormat, type DecoderFormat, type DecoderInput, type FrameTransport } from './decoder-args.ts';
import { SourceError } from './errors.ts';
import { yuv420pFrameBytes } from './frame-ring.ts';
import { FrameReader } from './frame-reader.ts';
import type { FrameSink } from '../frame-sink.ts';

export type SourceState =
  | 'idle'
  /** A live input whose publisher is not on. */
  | 'waiting'
  | 'starting'
  | 'running'
  /** The decoder ended unexpectedly; it restarts after a delay. */
  | 'backoff'
  /** A file played once reached its end. */
  | 'ended'
  /** Something restarts cannot fix: see reason. */
  | 'failed'
  | 'stopped';

export interface SourceStatus {
  id: string;
  kind: DecoderInput['kind'];
  state: SourceState;
  /** Why: the ffmpeg error line, "file not found: …", "stream ended: …". */
  reason: string | undefined;
  framesDecoded: number;
  framesDropped: number;
  audioSamplesDropped: number;
  /** Live inputs: FLV bytes not passed to a decoder that could not keep up. */
  feedBytesDropped: number;
  restarts: number;
  pid: number | undefined;
  since: string;
}

export interface DecoderSourceOptions {
  id: string;
  input: DecoderInput;
  format: DecoderFormat;
  ffmpegPath: string;
  logger: Logger;
  /** Required for 'rtmp' inputs: the ingest. */
  live?: LiveInputProvider;
  /**
   * Where decoded frames go, frames of the layer's size (yuv420p). Its full policy paces the
   * decoder: 'pause' for files and test patterns, 'drop-oldest' for live inputs.
   */
  video: FrameSink;
  /**
   * 'socket' (default except on Windows): ffmpeg listens on a Unix socket and frames are read
   * straight into the sink. 'pipe': fd 3, copied in; for ffmpeg builds without Unix sockets
   * (a decoder that says so switches to it by itself).
   */
  frameTransport?: FrameTransport['kind'];
  /** Audio held at most, in samples. Default 48 000 (1 s). */
  audioCapacitySamples?: number;
  restart?: Partial<BackoffPolicy>;
  /** Between SIGTERM and SIGKILL when stopping the decoder. Default 2000 ms. */
  graceMs?: number;
}

/** A live decoder that lags this far behind its feed gets only whole GOPs until it catches up. */
const MAX_FEED_BACKLOG_BYTES = 8 * 1024 * 1024;

/** What a failed decoder's stderr says, as a reason for people, when retrying cannot help. */
export function unfixableReason(input: DecoderInput, stderrTail: readonly string[]): string | null {
  const text = stderrTail.join('\n');
  if (input.kind === 'file') {
    if (/No such file or directory/i.test(text)) return `file not found: ${input.path}`;
    if (/Permission denied/i.test(text)) return `file not readable: ${input.path}`;
    const invalid = stderrTail.findLast((line) => /Invalid data found|moov atom not found|could not find codec parameters|Invalid argument/i.test(line));
    if (invalid) return `not a playable media file: ${invalid}`;
    if (/matches no streams/i.test(text) && /0:v/.test(text)) return `no video in ${input.path}`;
  }
  return null;
}

function missingAudio(stderrTail: readonly string[]): boolean {
  return stderrTail.some((line) =>
    /Stream specifier ':a'|0:a.*matches no streams|does not contain any stream|Output with label 'a' does not exist/i.test(line),
  );
}

/** ffmpeg without the unix protocol (a Windows build, a trimmed one) fails with one of these. */
export function lacksUnixSockets(stderrTail: readonly string[]): boolean {
  return stderrTail.some((line) => /unix:.*(Protocol not found|not supported)|Protocol not found.*unix/i.test(line));
}

export class DecoderSource {
  readonly id: string;
  readonly input: DecoderInput;
  readonly format: DecoderFormat;
  readonly video: FrameSink;
  readonly audio: AudioFifo;
  readonly #reader: FrameReader;
  #transport: FrameTransport['kind'];
  /** Where this source's decoders put their sockets; made at the first spawn, removed at stop. */
  #socketDir: string | undefined;
  #spawns = 0;
  readonly #options: DecoderSourceOptions;
  readonly #logger: Logger;
  readonly #supervisor: Supervisor;
  readonly #listeners = new Set<(status: SourceStatus) => void>();
  #status: SourceStatus;
  #hasAudio: boolean;
  #feed: LiveFeed | undefined;
  #liveUnsubscribe: Array<() => void> = [];
  #active = false;
  /** Set while we stop the decoder for a reason of our own (stream ended), to report that state. */
  #pausedState: { state: SourceState; reason: string } | undefined;
  feedBytesDropped = 0;

  constructor(options: DecoderSourceOptions) {
    validateFormat(options.format);
    if (options.input.kind === 'rtmp' && !options.live) {
      throw new SourceError('NO_LIVE_INPUT', `source ${options.id} reads RTMP but no ingest was given`, { field: 'live' });
    }
    this.id = options.id;
    this.input = options.input;
    this.format = options.format;
    this.#options = options;
    this.#logger = options.logger.child(`source ${options.id}`);
    const isLive = options.input.kind === 'rtmp';
    const frameBytes = yuv420pFrameBytes(options.format.width, options.format.height);
    if (options.video.frameBytes !== frameBytes) {
      throw new SourceError(
        'BAD_OPTION',
        `source ${options.id}: its frame sink takes ${options.video.frameBytes}-byte frames, a ${options.format.width}x${options.format.height} yuv420p frame is ${frameBytes}`,
        { field: 'video' },
      );
    }
    this.video = options.video;
    this.#reader = new FrameReader(options.video);
    this.#transport = options.frameTransport ?? (process.platform === 'win32' ? 'pipe' : 'socket');
    this.audio = new AudioFifo({
      ...(options.audioCapacitySamples === undefined ? {} : { capacitySamples: options.audioCapacitySamples }),
      // Never let a full audio pipe block ffmpeg while the consumer waits for video.
      dropWhenFull: () => isLive || this.video.queuedFrames === 0,
    });
    this.#hasAudio = options.input.kind === 'rtmp' ? options.live!.streamInfo(options.input.streamKeyId)?.audio !== null : true;
    this.#status = {
      id: options.id,
      kind: options.input.kind,
      state: 'idle',
      reason: undefined,
      framesDecoded: 0,
      framesDropped: 0,
      audioSamplesDropped: 0,
      feedBytesDropped: 0,
      restarts: 0,
      pid: undefined,
      since: new Date().toISOString(),
    };
    this.#supervisor = new Supervisor({
      name: `decoder ${options.id}`,
      start: ({ markRunning }) => this.#spawn(markRunning),
      classify: (exit) => this.#classify(exit),
      runningWhen: 'marked',
      logger: this.#logger,
      policy: {
        initialDelayMs: 500,
        maxDelayMs: isLive ? 5000 : 30_000,
        healthyAfterMs: 10_000,
        maxConsecutiveFailures: isLive ? Number.POSITIVE_INFINITY : 5,
        ...options.restart,
      },
    });
    this.#supervisor.onStatus((status) => this.#fromSupervisor(status));
  }

  get status(): SourceStatus {
    return {
      ...this.#status,
      framesDecoded: this.#reader.framesRead,
      framesDropped: this.video.framesDropped + this.#reader.framesAbandoned,
      audioSamplesDropped: this.audio.samplesDropped,
      feedBytesDropped: this.feedBytesDropped,
    };
  }

  get state(): SourceState {
    return this.#status.state;
  }

  onStatus(listener: (status: SourceStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts decoding; a live input waits for its publisher. Resolves once the decoder is launched or waiting. */
  async start(): Promise<void> {
    if (this.#active) return;
    this.#active = true;
    this.#pausedState = undefined;
    const input = this.input;
    if (input.kind === 'file') {
      try {
        await access(input.path, constants.R_OK);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        this.#setState('failed', code === 'ENOENT' ? `file not found: ${input.path}` : `file not readable: ${input.path} (${code})`);
        this.#active = false;
        return;
      }
    }
    if (input.kind === 'rtmp') {
      const live = this.#options.live!;
      this.#liveUnsubscribe = [
        live.on('ingest.published', (info) => {
          if (info.streamKeyId !== input.streamKeyId || !this.#active) return;
          this.#hasAudio = info.audio !== null;
          this.#pausedState = undefined;
          this.#supervisor.start();
        }),
        live.on('ingest.unpublished', (event) => {
          if (event.streamKeyId !== input.streamKeyId || !this.#active) return;
          void this.#wait(`stream ended: ${event.reason}`);
        }),
      ];
      this.#hasAudio = live.streamInfo(input.streamKeyId)?.audio !== null;
      if (!live.isLive(input.streamKeyId)) {
        this.#pausedState = { state: 'waiting', reason: 'waiting for the publisher' };
        this.#setState('waiting', 'waiting for the publisher');
        return;
      }
    }
    this.#supervisor.start();
  }

  /** Stops the decoder for good (until start()). Frames already in the ring stay readable. */
  async stop(reason = 'stopped'): Promise<void> {
    this.#active = false;
    for (const off of this.#liveUnsubscribe) off();
    this.#liveUnsubscribe = [];
    this.#pausedState = { state: 'stopped', reason };
    await this.#stopDecoder(reason);
    if (this.#socketDir) rmSync(this.#socketDir, { recursive: true, force: true });
    this.#socketDir = undefined;
    this.#setState('stopped', reason);
  }

  /** How frames come from the decoder now ('pipe' after a decoder said it has no Unix sockets). */
  get frameTransport(): FrameTransport['kind'] {
    return this.#transport;
  }

  /** Bytes of video taken from decoders: nothing is read ahead of what the sink has room for. */
  get videoBytesReceived(): number {
    return this.#reader.bytesReceived;
  }

  /** True while the decoder waits for the sink to make room. */
  get videoPaused(): boolean {
    return this.#reader.paused;
  }

  /** A live publish says its picture size and rate up front. */
  #knownInputSize(): { inputSize?: { width: number; height: number }; inputFps?: number } {
    if (this.input.kind !== 'rtmp') return {};
    const video = this.#options.live!.streamInfo(this.input.streamKeyId)?.video;
    if (!video || !(video.width > 0 && video.height > 0)) return {};
    return { inputSize: { width: video.width, height: video.height }, ...(video.fps > 0 ? { inputFps: video.fps } : {}) };
  }

  #nextTransport(): FrameTransport {
    if (this.#transport === 'pipe') return { kind: 'pipe' };
    this.#socketDir ??= mkdtempSync(path.join(tmpdir(), 'studio-frames-'));
    // A new name per decoder: a killed ffmpeg leaves its socket file behind.
    return { kind: 'socket', path: path.join(this.#socketDir, `v${++this.#spawns}.sock`) };
  }

  async #wait(reason: string): Promise<void> {
    this.#pausedState = { state: 'waiting', reason };
    await this.#stopDecoder(reason);
    this.#setState('waiting', reason);
  }

  /**
   * SIGTERM alone does not stop a decoder blocked writing into a full ring or pipe: its write is
   * restarted after the signal, and it sat out the whole grace period until SIGKILL. The supervisor
   * first marks the stop (so the exit is not taken for a crash), then our ends close, the blocked
   * write fails and ffmpeg exits at once. (A live one blocked reading its FLV input gets the end of
   * that input from the child's stop itself: process/child.ts.)
   */
  async #stopDecoder(reason: string): Promise<void> {
    const stopped = this.#supervisor.stop(reason);
    this.#reader.detach({ close: true });
    this.audio.detach({ close: true });
    this.#closeFeed();
    await stopped;
  }

  #spawn(markRunning: () => void): OwnedChild {
    const input = this.input;
    const transport = this.#nextTransport();
    const child = spawnOwned({
      command: this.#options.ffmpegPath,
      args: decoderArgs(input, this.format, { hasAudio: this.#hasAudio, transport, ...this.#knownInputSize() }),
      name: `decoder ${this.id}`,
      env: frameMoverEnv(),
      stdin: input.kind === 'rtmp' ? 'pipe' : 'ignore',
      stdout: 'ignore',
      extraPipes: 2,
      graceMs: this.#options.graceMs ?? 2000,
      logger: this.#logger,
    });
    const [videoPipe, audioPipe] = child.pipes;
    if (transport.kind === 'socket') this.#reader.connect(transport.path);
    else this.#reader.attachStream(videoPipe!);
    this.audio.attach(audioPipe!);
    const offFrame = this.#reader.onFrame(() => {
      offFrame();
      markRunning();
    });
    void child.exited.then(() => {
      offFrame();
      // A decoder gone before it opened its socket will never open it. One that did may still
      // have frames in the socket: those are read to the end.
      if (transport.kind === 'socket') this.#reader.stopConnecting(transport.path);
    });
    if (input.kind === 'rtmp') this.#openFeed(input.streamKeyId, child);
    return child;
  }

  #openFeed(streamKeyId: number, child: OwnedChild): void {
    this.#closeFeed();
    const stdin = child.stdin as Writable;
    let skippingToKeyFrame = false;
    const feed = this.#options.live!.openFeed(streamKeyId, (chunk) => {
      if (stdin.destroyed || stdin.writableEnded) return;
      // A decoder starved of CPU must not grow this backlog without bound: drop video tags
      // until the next key frame once it lags, so what it gets still decodes.
      if (stdin.writableLength > MAX_FEED_BACKLOG_BYTES) skippingToKeyFrame = true;
      if (skippingToKeyFrame && isFlvVideoTag(chunk)) {
        if (isFlvKeyFrame(chunk) && stdin.writableLength < MAX_FEED_BACKLOG_BYTES / 2) skippingToKeyFrame = false;
        else {
          this.feedBytesDropped += chunk.length;
          return;
        }
      }
      stdin.write(chunk);
    });
    if (!feed) {
      stdin.end();
      return;
    }
    this.#feed = feed;
    void child.exited.then(() => {
      if (this.#feed === feed) this.#closeFeed();
    });
  }

  #closeFeed(): void {
    this.#feed?.close();
    this.#feed = undefined;
  }

  #classify(exit: ChildExit): ExitVerdict {
    const unfixable = unfixableReason(this.input, exit.stderrTail);
    if (unfixable) return { action: 'fail', reason: unfixable };
    if (this.#hasAudio && missingAudio(exit.stderrTail)) {
      this.#logger.info('input has no audio: decoding with silence');
      this.#hasAudio = false;
      return { action: 'restart' };
    }
    if (this.#transport === 'socket' && lacksUnixSockets(exit.stderrTail)) {
      this.#logger.info('this ffmpeg cannot write to a Unix socket: frames come through a pipe');
      this.#transport = 'pipe';
      return { action: 'restart' };
    }
    if (exit.error?.code === 'SPAWN_FAILED') return { action: 'fail', reason: exit.error.message };
    if (this.input.kind === 'file' && !this.input.loop && exit.exitCode === 0) return { action: 'finish', reason: 'end of file' };
    if (this.input.kind === 'rtmp' && exit.exitCode === 0) return { action: 'restart' }; // feed cut while still published
    return { action: 'restart' };
  }

  #fromSupervisor(status: SupervisorStatus): void {
    if (this.#pausedState && (status.state === 'stopped' || status.state === 'idle')) return; // we say why ourselves
    let state: SourceState = status.state === 'idle' ? 'idle' : status.state;
    if (status.state === 'stopped' && status.reason === 'end of file') state = 'ended';
    this.#status = { ...this.#status, restarts: status.restarts, pid: status.pid };
    this.#setState(state, status.reason);
  }

  #setState(state: SourceState, reason: string | undefined): void {
    if (this.#status.state === state && this.#status.reason === reason) return;
    this.#status = { ...this.#status, state, reason, since: new Date().toISOString() };
    if (state === 'failed') this.#logger.warn('source failed', { reason });
    const snapshot = this.status;
    for (const listener of this.#listeners) {
      try {
        listener(snapshot);
      } catch (error) {
        this.#logger.error('a source status listener threw', { error });
      }
    }
  }
}

/** FLV tag type 9 (video), as NMS hands tags to FLV subscribers one per write. */
function isFlvVideoTag(chunk: Buffer): boolean {
  return chunk.length > 12 && (chunk[0]! & 0x1f) === 9;
}

function isFlvKeyFrame(chunk: Buffer): boolean {
  return ((chunk[11]! >> 4) & 0x07) === 1;
}
