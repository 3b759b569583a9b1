// Raw video frames from a decoder into a FrameSink, exactly one frame's bytes at a time.
//
// Two ways in:
// - a Unix socket ffmpeg listens on (`-listen 1 unix:PATH`): we connect with Node's `onread`
//   option, so the kernel copies each read straight into the frame the sink handed out. No
//   Buffer is allocated per read and no byte is copied in JavaScript: at 1080p30 that is 93 MB/s
//   the garbage collector never sees (a pipe's 'data' events allocate a 64 KB Buffer per read,
//   and V8 ran a full collection about every half second for them).
// - any Readable (a stdio pipe): chunks are copied into the claimed frame. The portable way,
//   for platforms or ffmpeg builds without Unix sockets.
// When the sink is full the reader stops reading, so ffmpeg blocks on its write: that
// back-pressure paces a decoder instead of -re.
import net from 'node:net';
import type { Readable } from 'node:stream';
import type { FrameSink } from '../frame-sink.ts';

/** A socket read never returns more than this (Linux: the socket's receive queue per read). */
export const PARK_BYTES = 256 * 1024;
const CONNECT_RETRY_FIRST_MS = 5;
const CONNECT_RETRY_MAX_MS = 100;

export class FrameReader {
  readonly sink: FrameSink;
  readonly frameBytes: number;
  /** Frames completed into the sink, over the reader's life. */
  framesRead = 0;
  /** Frames lost half-read when a decoder went away. */
  framesAbandoned = 0;
  /** Bytes taken from the decoder: the proof that nothing is read ahead of the sink. */
  bytesReceived = 0;

  readonly #listeners = new Set<() => void>();
  #frame: Uint8Array | null = null;
  #offset = 0;
  #paused = false;
  // Pipe mode.
  #stream: Readable | undefined;
  // Socket mode: where a read lands when no frame is claimed (the first read, the one after a pause).
  #socket: net.Socket | undefined;
  #park: Buffer | undefined;
  #connectTimer: ReturnType<typeof setTimeout> | undefined;
  #connectingTo: string | undefined;
  // Bytes read but not yet placed, while paused: chunk[stashAt, stashEnd).
  #stash: Uint8Array | undefined;
  #stashAt = 0;
  #stashEnd = 0;
  /** Bumped by every attach/detach: callbacks of an older connection do nothing. */
  #generation = 0;

  readonly #onData = (chunk: Buffer): void => {
    this.bytesReceived += chunk.length;
    this.#place(chunk, 0, chunk.length);
  };
  readonly #onWritable = (): void => this.#resume();

  constructor(sink: FrameSink) {
    this.sink = sink;
    this.frameBytes = sink.frameBytes;
  }

  /** True while reading is stopped because the sink is full. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Called after each frame committed; returns the unsubscribe function. */
  onFrame(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Reads frames from this pipe from now on; any previous pipe or socket is detached. */
  attachStream(stream: Readable): void {
    this.detach();
    this.#stream = stream;
    stream.on('data', this.#onData);
    stream.resume();
  }

  /**
   * Reads frames from the Unix socket at `socketPath` from now on, straight into the sink's
   * memory. ffmpeg creates the socket only once it has opened its input, so this keeps trying
   * until it can connect or detach() is called.
   */
  connect(socketPath: string): void {
    this.detach();
    this.#park ??= Buffer.alloc(PARK_BYTES);
    const generation = this.#generation;
    this.#connectingTo = socketPath;
    let delay = CONNECT_RETRY_FIRST_MS;
    const attempt = (): void => {
      this.#connectTimer = undefined;
      if (generation !== this.#generation) return;
      const socket = net.connect({
        path: socketPath,
        onread: {
          buffer: () => this.#readTarget(),
          callback: (bytes: number, into: Uint8Array) => (generation === this.#generation ? this.#onSocketRead(bytes, into) : false),
        },
      });
      this.#socket = socket;
      socket.once('connect', () => {
        socket.off('error', retry);
        this.#connectingTo = undefined;
      });
      const retry = (): void => {
        socket.destroy();
        if (generation !== this.#generation) return;
        this.#socket = undefined;
        this.#connectTimer = setTimeout(attempt, delay);
        delay = Math.min(CONNECT_RETRY_MAX_MS, delay * 2);
      };
      socket.once('error', retry);
      // After the connection: the decoder's exit is reported by its process, not by its socket.
      socket.on('error', () => {});
    };
    attempt();
  }

  /** Gives up connecting to `socketPath` if that has not happened yet (its decoder is gone). */
  stopConnecting(socketPath: string): void {
    if (this.#connectingTo === socketPath) this.detach();
  }

  /**
   * Stops reading; a partly read frame is dropped (counted). Frames already committed stay.
   * `close` also closes our end of a pipe (a socket is always closed), so a decoder blocked
   * writing into it gets EPIPE and exits instead of waiting for room that will not come.
   */
  detach(options: { close?: boolean } = {}): void {
    this.#generation++;
    this.#connectingTo = undefined;
    if (this.#connectTimer) clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
    this.#socket?.destroy();
    this.#socket = undefined;
    const stream = this.#stream;
    if (stream) {
      stream.off('data', this.#onData);
      stream.pause();
      if (options.close) stream.destroy();
    }
    this.#stream = undefined;
    this.#stash = undefined;
    this.#paused = false;
    this.sink.setWritableListener(null);
    if (this.#frame) {
      this.sink.abandon();
      if (this.#offset > 0) this.framesAbandoned++;
    }
    this.#frame = null;
    this.#offset = 0;
  }

  /** Socket mode: where the next read goes. The claimed frame's rest, or the park buffer. */
  #readTarget(): Uint8Array {
    const frame = this.#frame;
    if (frame === null || this.#paused) return this.#park!;
    return frame.subarray(this.#offset, this.frameBytes);
  }

  /** Socket mode: `bytes` landed in `into`. Returns false to stop reading (the sink is full). */
  #onSocketRead(bytes: number, into: Uint8Array): boolean {
    this.bytesReceived += bytes;
    if (into === this.#park) {
      this.#place(into, 0, bytes);
      return !this.#paused;
    }
    this.#offset += bytes;
    if (this.#offset === this.frameBytes) {
      this.#complete();
      this.#claim();
    }
    return !this.#paused;
  }

  /** Copies chunk[at, end) into claimed frames; pauses and keeps the rest when the sink is full. */
  #place(chunk: Uint8Array, at: number, end: number): void {
    while (at < end) {
      if (this.#frame === null && !this.#claim()) {
        this.#stash = chunk;
        this.#stashAt = at;
        this.#stashEnd = end;
        return;
      }
      const frame = this.#frame!;
      const n = Math.min(this.frameBytes - this.#offset, end - at);
      frame.set(chunk.subarray(at, at + n), this.#offset);
      this.#offset += n;
      at += n;
      if (this.#offset === this.frameBytes) this.#complete();
    }
  }

  /** Claims memory for the next frame; false (and paused) when the sink has none now. */
  #claim(): boolean {
    const frame = this.sink.claim();
    if (frame === null) {
      this.#paused = true;
      this.#stream?.pause();
      this.sink.setWritableListener(this.#onWritable);
      return false;
    }
    if (frame.length < this.frameBytes) throw new RangeError(`the sink handed out ${frame.length} bytes for a ${this.frameBytes}-byte frame`);
    this.#frame = frame;
    this.#offset = 0;
    return true;
  }

  #complete(): void {
    this.#frame = null;
    this.#offset = 0;
    this.sink.commit();
    this.framesRead++;
    for (const listener of this.#listeners) listener();
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.sink.setWritableListener(null);
    if (this.#frame === null && !this.#claim()) return; // still full: paused again
    const stash = this.#stash;
    if (stash) {
      this.#stash = undefined;
      this.#place(stash, this.#stashAt, this.#stashEnd);
      if (this.#paused) return;
    }
    this.#stream?.resume();
    this.#socket?.resume();
  }
}
