// A bounded FIFO of chunks of whole TS packets. When full, the oldest whole chunks go first and
// are counted: a slow destination loses old bytes, never stalls the producer, and never grows.

export class ChunkQueue {
  readonly maxBytes: number;
  #chunks: Buffer[] = [];
  #head = 0;
  #bytes = 0;
  droppedBytes = 0;
  droppedChunks = 0;

  /** Told of every chunk dropped because the queue was full (or cleared). */
  onDrop: ((chunk: Buffer) => void) | undefined;

  constructor(maxBytes: number) {
    if (!(maxBytes > 0)) throw new RangeError('maxBytes must be > 0');
    this.maxBytes = maxBytes;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get length(): number {
    return this.#chunks.length - this.#head;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    while (this.#bytes > this.maxBytes && this.length > 1) this.#dropOne();
    if (this.#bytes > this.maxBytes) this.#dropOne(); // a single chunk larger than the whole queue
  }

  shift(): Buffer | undefined {
    if (this.length === 0) return undefined;
    const chunk = this.#chunks[this.#head]!;
    this.#chunks[this.#head++] = EMPTY;
    this.#bytes -= chunk.length;
    this.#compact();
    return chunk;
  }

  /** Puts back the unsent rest of a chunk at the front. */
  unshift(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.#head > 0) this.#chunks[--this.#head] = chunk;
    else this.#chunks.unshift(chunk);
    this.#bytes += chunk.length;
  }

  /** Drops everything queued, counted as dropped. */
  clear(): void {
    while (this.length > 0) this.#dropOne();
  }

  /** Counts bytes that never entered the queue (destination down) as dropped. */
  countDropped(bytes: number): void {
    if (bytes <= 0) return;
    this.droppedBytes += bytes;
    this.droppedChunks++;
  }

  #dropOne(): void {
    const chunk = this.shift()!;
    this.droppedBytes += chunk.length;
    this.droppedChunks++;
    this.onDrop?.(chunk);
  }

  #compact(): void {
    if (this.#head === this.#chunks.length) {
      this.#chunks = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }
}

const EMPTY = Buffer.alloc(0);
