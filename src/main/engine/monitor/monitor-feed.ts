// One picture feed (the program monitor, or one scene's picture) and the viewers watching it.
//
// Why this transport: raw I420 at 640×360 (346 KB a frame, ~5 MB/s at 15 fps) over a binary
// WebSocket, drawn by WebGL with the YUV→RGB sum in a shader. Measured here (bench monitors), the
// downscale by the compositor's SIMD kernel costs well under a millisecond a frame and sending is a
// socket write of bytes already in place, so the engine side stays far below 5 % of a core; a JPEG
// (sharp) or an H.264 encode would cost milliseconds a frame and add their own latency, and the
// bandwidth only matters on loopback or a LAN, where the studio is operated from. The delay is
// one socket write and one texture upload: a few ms after the compositor, not the encoder's.
//
// A slow viewer never slows the program: each viewer may have at most MAX_IN_FLIGHT frames being
// written; past that (or past MAX_BUFFERED_BYTES unsent) its frames are dropped, for it alone.
// Nothing is rendered while nobody watches, and the publisher is told so (idle), so the program
// skips the tap altogether.
import { MonitorFrames } from './monitor-frames.ts';
import type { FrameLayout } from '../compositor/frame-pool.ts';

/** Frames one viewer may have in the socket at once: one being written, one waiting. */
export const MAX_IN_FLIGHT = 2;
/** Unsent bytes past which a viewer gets no new frame (a bit over two frames at 640×360). */
export const MAX_BUFFERED_BYTES = 1 << 20;
/** Viewers of one feed; more are refused (each may hold MAX_IN_FLIGHT buffers). */
export const MAX_VIEWERS = 8;
/** Message buffers of a feed: every viewer's in-flight frames, and one more to render into. */
const BUFFERS = MAX_VIEWERS * MAX_IN_FLIGHT + 1;

/** The socket side of a viewer (a ws WebSocket fits). */
export interface MonitorSink {
  readonly bufferedAmount: number;
  send(data: Buffer, options: { binary: true }, done: (error?: Error) => void): void;
}

export interface MonitorViewerStats {
  sent: number;
  /** Frames not sent to this viewer because it had not taken the earlier ones. */
  dropped: number;
}

interface Viewer extends MonitorViewerStats {
  sink: MonitorSink;
  inFlight: number;
  /** Per buffer index: the ring it was sent from while its write is pending (a buffer goes to a viewer once at a time). */
  pending: (MonitorFrames | null)[];
  /** Per buffer index: the write callback, made once, so a send builds no closure. */
  done: ((error?: Error) => void)[];
}

export interface MonitorFeedOptions {
  /** Monitor frame size. */
  width: number;
  height: number;
  kind: number;
}

export class MonitorFeed {
  readonly #options: MonitorFeedOptions;
  readonly #viewers: Viewer[] = [];
  #frames: MonitorFrames | null = null;
  /** Frames not made at all: every buffer was still being written. */
  #starved = 0;
  #published = 0;

  constructor(options: MonitorFeedOptions) {
    this.#options = options;
  }

  get viewerCount(): number {
    return this.#viewers.length;
  }

  get watched(): boolean {
    return this.#viewers.length > 0;
  }

  get stats(): { published: number; starved: number; viewers: MonitorViewerStats[] } {
    return { published: this.#published, starved: this.#starved, viewers: this.#viewers.map((v) => ({ sent: v.sent, dropped: v.dropped })) };
  }

  /** Adds a viewer; false when the feed has MAX_VIEWERS already. Returns its detach function otherwise. */
  attach(sink: MonitorSink): (() => void) | null {
    if (this.#viewers.length >= MAX_VIEWERS) return null;
    const viewer: Viewer = { sink, inFlight: 0, sent: 0, dropped: 0, pending: [], done: [] };
    for (let index = 0; index < BUFFERS; index++) {
      viewer.pending.push(null);
      viewer.done.push(() => {
        const frames = viewer.pending[index];
        viewer.pending[index] = null;
        viewer.inFlight--;
        frames?.release(index);
      });
    }
    this.#viewers.push(viewer);
    return () => {
      const at = this.#viewers.indexOf(viewer);
      if (at >= 0) this.#viewers.splice(at, 1);
      if (this.#viewers.length === 0) this.#closeFrames();
    };
  }

  /**
   * A frame of `layout` at `offset` in the frame memory, composed at composedAtMs: scaled once
   * and sent to every viewer that keeps up. Synchronous, allocation-free once warm.
   */
  publish(layout: FrameLayout, offset: number, frameIndex: number, composedAtMs: number): void {
    if (this.#viewers.length === 0) return;
    let frames = this.#frames;
    if (!frames || frames.source.width !== layout.width || frames.source.height !== layout.height || frames.layout.width !== this.#options.width) {
      this.#closeFrames();
      frames = new MonitorFrames(layout, this.#options.width, this.#options.height, BUFFERS);
      this.#frames = frames;
    }
    let wanted = false;
    for (const viewer of this.#viewers) if (this.#keepsUp(viewer)) wanted = true;
    if (!wanted) {
      for (const viewer of this.#viewers) viewer.dropped++;
      return;
    }
    const index = frames.acquire();
    if (index < 0) {
      this.#starved++;
      return;
    }
    const message = frames.render(index, offset, this.#options.kind, frameIndex, composedAtMs, this.#starved);
    this.#published++;
    for (const viewer of this.#viewers) {
      if (!this.#keepsUp(viewer)) {
        viewer.dropped++;
        continue;
      }
      frames.retain(index);
      viewer.pending[index] = frames;
      viewer.inFlight++;
      viewer.sent++;
      viewer.sink.send(message, SEND_OPTIONS, viewer.done[index]!);
    }
    frames.release(index);
  }

  /** A new monitor size (a program of another shape): the next frame renders at it. */
  resize(width: number, height: number): void {
    if (width === this.#options.width && height === this.#options.height) return;
    this.#options.width = width;
    this.#options.height = height;
    this.#closeFrames();
  }

  #keepsUp(viewer: Viewer): boolean {
    return viewer.inFlight < MAX_IN_FLIGHT && viewer.sink.bufferedAmount <= MAX_BUFFERED_BYTES;
  }

  #closeFrames(): void {
    this.#frames?.close();
    this.#frames = null;
  }

  close(): void {
    this.#viewers.length = 0;
    this.#closeFrames();
  }
}

const SEND_OPTIONS = { binary: true } as const;
