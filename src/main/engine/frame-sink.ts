// Where a decoder's raw frames go. The reader fills the buffer the sink hands out, byte for byte
// from the decoder's pipe or socket, and commits it once a whole frame is in: a sink that hands
// out its consumer's own frame memory (the compositor's input pool) gets frames with no copy.
// The contract between producers (sources/) and consumers (the compositor): at the engine root, so
// neither capability imports the other.

/** What a sink does with a new frame when its consumer has not kept up. */
export type WhenFull =
  /** Hand out nothing until the consumer takes a frame: the reader pauses and ffmpeg blocks (files, test patterns). */
  | 'pause'
  /** Keep taking frames, dropping the oldest unread one (live inputs: latency stays put); counted. */
  | 'drop-oldest';

export interface FrameSink {
  /** Bytes of one frame: what claim() hands out and commit() expects filled. */
  readonly frameBytes: number;
  /**
   * The memory for the next frame (frameBytes long), or null when the sink is full and the
   * reader must pause until the writable listener is called. Calling it again before commit()
   * or abandon() returns the same memory.
   */
  claim(): Uint8Array | null;
  /** The claimed memory holds a whole frame: it goes to the consumer. */
  commit(): void;
  /** The claimed frame will not be finished (the decoder went away mid-frame). */
  abandon(): void;
  /** Frames committed and not yet taken by the consumer. */
  readonly queuedFrames: number;
  /** Frames the sink dropped because its consumer fell behind (drop-oldest), over its life. */
  readonly framesDropped: number;
  /** Called whenever claim() may succeed again after it returned null; null to unset. */
  setWritableListener(listener: (() => void) | null): void;
}
