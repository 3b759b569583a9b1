// The fan-out: takes the program's TS once and hands the same bytes to every output. It realigns
// whatever chunking the producer uses to whole 188-byte packets, copies each chunk once (outputs
// may queue it; the producer may reuse its buffer), and isolates the outputs from the producer and
// from each other: write() never blocks, and an output that throws is counted, not propagated.
import type { Logger } from '../log.ts';
import { TS_PACKET_SIZE, TS_SYNC_BYTE } from '../mpegts/constants.ts';
import { OutputError } from './errors.ts';
import type { Output, OutputStatus, OutputStatusListener } from './types.ts';

export interface FanoutStats {
  /** Bytes given to write(). */
  bytesIn: number;
  /** Whole packets handed on. */
  packetsOut: number;
  /** Bytes skipped to find the 0x47 sync byte again. */
  bytesSkipped: number;
  syncLosses: number;
  /** Times an output's write() threw (it should never). */
  outputErrors: number;
}

export class OutputFanout {
  readonly stats: FanoutStats = { bytesIn: 0, packetsOut: 0, bytesSkipped: 0, syncLosses: 0, outputErrors: 0 };
  readonly #outputs = new Map<string, Output>();
  readonly #unsubscribes = new Map<string, () => void>();
  readonly #listeners = new Set<OutputStatusListener>();
  readonly #logger: Logger | undefined;
  #remainder: Buffer = Buffer.alloc(0);

  constructor(options: { logger?: Logger } = {}) {
    this.#logger = options.logger;
  }

  /** Adds an output (not started: call its start() or startAll()). */
  add(output: Output): void {
    if (this.#outputs.has(output.id)) throw new OutputError('DUPLICATE_ID', `an output with id "${output.id}" already exists`, { field: 'id' });
    this.#outputs.set(output.id, output);
    this.#unsubscribes.set(
      output.id,
      output.onStatus((status) => this.#emit(status)),
    );
  }

  /** Takes an output out of the fan-out (it is not stopped: the caller owns it now). */
  remove(id: string): Output | undefined {
    const output = this.#outputs.get(id);
    if (!output) return undefined;
    this.#outputs.delete(id);
    this.#unsubscribes.get(id)?.();
    this.#unsubscribes.delete(id);
    return output;
  }

  get(id: string): Output | undefined {
    return this.#outputs.get(id);
  }

  list(): Output[] {
    return [...this.#outputs.values()];
  }

  statuses(): OutputStatus[] {
    return this.list().map((output) => output.status());
  }

  /** Every status change of every output in the fan-out, present and future; returns the unsubscribe. */
  onStatus(listener: OutputStatusListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  startAll(): void {
    for (const output of this.#outputs.values()) output.start();
  }

  async stopAll(reason = 'stopped'): Promise<void> {
    await Promise.all(this.list().map((output) => output.stop(reason)));
  }

  /** The program's TS, in chunks of any size. Never blocks, never throws. */
  write(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.stats.bytesIn += chunk.length;
    const aligned = this.#align(chunk);
    if (!aligned) return;
    this.stats.packetsOut += aligned.length / TS_PACKET_SIZE;
    for (const output of this.#outputs.values()) {
      try {
        output.write(aligned);
      } catch (error) {
        this.stats.outputErrors++;
        this.#logger?.error(`output ${output.id}: write threw`, { error });
      }
    }
  }

  /** Drops a partial packet held from the last chunk (the producer restarted). */
  reset(): void {
    this.#remainder = Buffer.alloc(0);
  }

  /** Whole packets from the remainder and this chunk, as one new buffer; the rest is kept. */
  #align(chunk: Uint8Array): Buffer | undefined {
    let data: Buffer;
    if (this.#remainder.length > 0) {
      data = Buffer.allocUnsafe(this.#remainder.length + chunk.length);
      this.#remainder.copy(data, 0);
      data.set(chunk, this.#remainder.length);
    } else {
      data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    }
    let start = 0;
    // Resync: a packet start must hold 0x47 (and so must the next one, when it is there).
    if (data[0] !== TS_SYNC_BYTE || (data.length > TS_PACKET_SIZE && data[TS_PACKET_SIZE] !== TS_SYNC_BYTE)) {
      start = this.#resync(data);
      this.stats.syncLosses++;
      this.stats.bytesSkipped += start;
    }
    let end = start;
    while (end + TS_PACKET_SIZE <= data.length && data[end] === TS_SYNC_BYTE) end += TS_PACKET_SIZE;
    if (end + TS_PACKET_SIZE <= data.length) {
      // Lost sync mid-chunk: hand on what is good, resync on the rest at the next write.
      this.stats.syncLosses++;
      const next = this.#resync(data.subarray(end));
      this.stats.bytesSkipped += next;
      const tail = data.subarray(end + next);
      this.#remainder = Buffer.from(tail);
    } else {
      this.#remainder = Buffer.from(data.subarray(end));
    }
    if (end === start) return undefined;
    // One copy, shared by every output.
    return Buffer.from(data.subarray(start, end));
  }

  /** The first offset where two packets in a row (or one at the end) start with 0x47. */
  #resync(data: Buffer): number {
    for (let p = 0; p < data.length; p++) {
      if (data[p] !== TS_SYNC_BYTE) continue;
      if (p + TS_PACKET_SIZE >= data.length || data[p + TS_PACKET_SIZE] === TS_SYNC_BYTE) return p;
    }
    return data.length;
  }

  #emit(status: OutputStatus): void {
    for (const listener of this.#listeners) {
      try {
        listener(status);
      } catch (error) {
        this.#logger?.error('an output status listener threw', { error });
      }
    }
  }
}
