// Monitor frames: the composed program (or a scene) downscaled to the monitor's size by the
// compositor's own WebAssembly SIMD scale kernel (scale_rows through scaleBand), straight out of
// the shared frame memory into a small ring of message buffers in that same memory.
//
// Each buffer is one whole WebSocket message: the header (shared/monitor-frame.ts) and the I420
// frame after it, so a frame goes to every viewer as the same bytes, without a copy and without
// allocating: the ring, its views, the scale tables and the kernel's scratch are made once, when
// the first viewer comes, and freed when the feed closes. A buffer is reference counted; it is
// reused only once every socket it went to has written it.
import { blendKernels, type BlendKernels } from '../compositor/blend-kernels.ts';
import { scaleBand } from '../compositor/blend.ts';
import { frameArena } from '../compositor/frame-arena.ts';
import { frameLayout, type FrameLayout } from '../compositor/frame-pool.ts';
import { scaleScratchBytes, scaleTableBytes, writeScaleTables, type ScaledGeometry } from '../compositor/scale-tables.ts';
import { MONITOR_HEADER_BYTES, writeMonitorHeader, type MonitorFrameHeader } from '../../../shared/monitor-frame.ts';

export class MonitorFrames {
  /** The monitor frame's layout (e.g. 640×360). */
  readonly layout: FrameLayout;
  readonly source: FrameLayout;
  /** One message per buffer: header + I420. */
  readonly messages: Buffer[] = [];
  readonly #views: DataView[] = [];
  readonly #offsets: number[] = [];
  readonly #refs: Int32Array;
  readonly #kernels: BlendKernels;
  readonly #table: number;
  readonly #scratch: number;
  readonly #header: MonitorFrameHeader = { kind: 0, width: 0, height: 0, frameIndex: 0, composedAtMs: 0, dropped: 0 };
  #closed = false;

  constructor(source: FrameLayout, width: number, height: number, buffers: number) {
    this.source = source;
    this.layout = frameLayout(width, height);
    const arena = frameArena();
    this.#kernels = blendKernels(arena.memory);
    const geometry: ScaledGeometry = { width, height, clipLeft: 0, clipTop: 0, dx: 0, dy: 0, w: width, h: height };
    this.#table = arena.allocate(scaleTableBytes(geometry, undefined, source.width, source.height));
    writeScaleTables(arena.memory, this.#table, geometry, undefined, source.width, source.height);
    this.#scratch = arena.allocate(scaleScratchBytes(width));
    const messageBytes = MONITOR_HEADER_BYTES + this.layout.i420Bytes;
    for (let i = 0; i < buffers; i++) {
      const offset = arena.allocate(messageBytes);
      this.#offsets.push(offset);
      // After allocate(): a grow replaces memory.buffer (shared memory: older views stay valid).
      const buffer = arena.memory.buffer;
      this.messages.push(Buffer.from(buffer, offset, messageBytes));
      this.#views.push(new DataView(buffer, offset, MONITOR_HEADER_BYTES));
    }
    this.#refs = new Int32Array(buffers);
    this.#header.width = width;
    this.#header.height = height;
  }

  /** A free buffer's index (held once by the caller), or −1 when every one is still being sent. */
  acquire(): number {
    if (this.#closed) return -1;
    for (let i = 0; i < this.#refs.length; i++) {
      if (this.#refs[i] === 0) {
        this.#refs[i] = 1;
        return i;
      }
    }
    return -1;
  }

  retain(index: number): void {
    this.#refs[index] = this.#refs[index]! + 1;
  }

  release(index: number): void {
    this.#refs[index] = this.#refs[index]! - 1;
    if (this.#closed) this.#freeIfIdle();
  }

  /** Buffers held (by the caller or by sockets still writing them). */
  get inUse(): number {
    let count = 0;
    for (let i = 0; i < this.#refs.length; i++) if (this.#refs[i]! > 0) count++;
    return count;
  }

  /**
   * Buffer `index` becomes the frame at byte offset `sourceOffset` of the frame memory (an I420
   * frame of `source`'s layout), scaled to the monitor's size, under its header.
   */
  render(index: number, sourceOffset: number, kind: number, frameIndex: number, composedAtMs: number, dropped: number): Buffer {
    const dst = this.#offsets[index]! + MONITOR_HEADER_BYTES;
    const { width, height } = this.layout;
    scaleBand(this.#kernels, dst, this.layout, sourceOffset, this.source, this.#table, 0, 0, width, height, 255, 0, height, this.#scratch);
    const header = this.#header;
    header.kind = kind;
    header.frameIndex = frameIndex;
    header.composedAtMs = composedAtMs;
    header.dropped = dropped;
    writeMonitorHeader(this.#views[index]!, header);
    return this.messages[index]!;
  }

  /** Frees the tables and scratch now, and the ring once no socket writes any of it. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const arena = frameArena();
    arena.free(this.#table);
    arena.free(this.#scratch);
    this.#freeIfIdle();
  }

  #freeIfIdle(): void {
    if (this.#offsets.length === 0 || this.inUse > 0) return;
    const arena = frameArena();
    for (const offset of this.#offsets) arena.free(offset);
    this.#offsets.length = 0;
  }
}
