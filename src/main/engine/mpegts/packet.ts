// Field readers for the transport packet header and adaptation field (ISO/IEC 13818-1 2.4.3.2, 2.4.3.4).
// Each takes the buffer and the packet's offset so callers never slice per packet.
import { MAX_PTS } from '../media.ts';
import { TS_PACKET_SIZE, TS_SYNC_BYTE } from './constants.ts';

/** payload_unit_start_indicator */
export function payloadUnitStart(b: Uint8Array, p: number): boolean {
  return (b[p + 1]! & 0x40) !== 0;
}

/** transport_error_indicator */
export function transportError(b: Uint8Array, p: number): boolean {
  return (b[p + 1]! & 0x80) !== 0;
}

/** PID (13 bits) */
export function packetPid(b: Uint8Array, p: number): number {
  return ((b[p + 1]! & 0x1f) << 8) | b[p + 2]!;
}

/** adaptation_field_control: 1 payload only, 2 adaptation only, 3 both */
export function adaptationFieldControl(b: Uint8Array, p: number): number {
  return (b[p + 3]! >> 4) & 0x03;
}

/** continuity_counter (4 bits) */
export function continuityCounter(b: Uint8Array, p: number): number {
  return b[p + 3]! & 0x0f;
}

export function hasPayload(b: Uint8Array, p: number): boolean {
  return (b[p + 3]! & 0x10) !== 0;
}

export function hasAdaptationField(b: Uint8Array, p: number): boolean {
  return (b[p + 3]! & 0x20) !== 0;
}

/** adaptation_field_length, 0 when there is no adaptation field */
export function adaptationFieldLength(b: Uint8Array, p: number): number {
  return hasAdaptationField(b, p) ? b[p + 4]! : 0;
}

/** Offset of the first payload byte within the buffer, or -1 when the packet has no payload. */
export function payloadOffset(b: Uint8Array, p: number): number {
  if (!hasPayload(b, p)) return -1;
  const start = hasAdaptationField(b, p) ? p + 5 + b[p + 4]! : p + 4;
  return start < p + TS_PACKET_SIZE ? start : -1;
}

/** discontinuity_indicator */
export function discontinuityIndicator(b: Uint8Array, p: number): boolean {
  return adaptationFieldLength(b, p) > 0 && (b[p + 5]! & 0x80) !== 0;
}

/** random_access_indicator */
export function randomAccessIndicator(b: Uint8Array, p: number): boolean {
  return adaptationFieldLength(b, p) > 0 && (b[p + 5]! & 0x40) !== 0;
}

/** PCR_flag */
export function hasPcr(b: Uint8Array, p: number): boolean {
  return adaptationFieldLength(b, p) >= 7 && (b[p + 5]! & 0x10) !== 0;
}

/** program_clock_reference_base (33 bits, 90 kHz). Call only when hasPcr. */
export function pcrBase(b: Uint8Array, p: number): number {
  return b[p + 6]! * 33554432 + b[p + 7]! * 131072 + b[p + 8]! * 512 + b[p + 9]! * 2 + (b[p + 10]! >> 7);
}

/** program_clock_reference_extension (9 bits, 27 MHz). Call only when hasPcr. */
export function pcrExtension(b: Uint8Array, p: number): number {
  return ((b[p + 10]! & 0x01) << 8) | b[p + 11]!;
}

/** Signed difference a − b of two 33-bit timestamps, taking the shorter way round the wrap. */
export function ptsDiff(a: number, b: number): number {
  let d = (a - b) % MAX_PTS;
  if (d >= MAX_PTS / 2) d -= MAX_PTS;
  else if (d < -MAX_PTS / 2) d += MAX_PTS;
  return d;
}

/** Wraps any timestamp into 0..2^33−1. */
export function wrapPts(value: number): number {
  const r = value % MAX_PTS;
  return r < 0 ? r + MAX_PTS : r;
}

export interface PacketSink {
  /** Called once per complete 188-byte packet. The bytes are valid only during the call. */
  packet(buf: Uint8Array, offset: number): void;
}

/**
 * Splits a byte stream into 188-byte packets at any chunk boundary. A packet split across chunks is
 * carried in a reused remainder buffer; lost sync is recovered at the next 0x47 that is followed by
 * another 0x47 one packet later. Skipped bytes are counted, never thrown about.
 */
export class TsFramer {
  /** Bytes dropped while hunting for sync. */
  bytesSkipped = 0;
  /** Times sync was lost after it had been found. */
  syncLosses = 0;
  /** Complete packets delivered. */
  packets = 0;
  private readonly remainder = new Uint8Array(TS_PACKET_SIZE);
  private remainderLength = 0;
  private synced = false;

  push(chunk: Uint8Array, sink: PacketSink): void {
    let pos = 0;
    const len = chunk.length;
    if (this.remainderLength > 0) {
      const need = TS_PACKET_SIZE - this.remainderLength;
      if (len < need) {
        this.remainder.set(chunk, this.remainderLength);
        this.remainderLength += len;
        return;
      }
      this.remainder.set(chunk.subarray(0, need), this.remainderLength);
      this.remainderLength = 0;
      pos = need;
      if (this.synced || chunk[pos] === TS_SYNC_BYTE || pos === len) {
        this.packets++;
        sink.packet(this.remainder, 0);
      } else {
        // The carried packet was not followed by a sync byte: treat its bytes as garbage and resync.
        this.lostSync(TS_PACKET_SIZE);
      }
    }
    while (pos < len) {
      // In sync, a sync byte is enough; hunting, the next packet must start with one too.
      if (chunk[pos] !== TS_SYNC_BYTE || (!this.synced && pos + TS_PACKET_SIZE < len && chunk[pos + TS_PACKET_SIZE] !== TS_SYNC_BYTE)) {
        const next = this.findSync(chunk, pos + 1);
        this.lostSync(next - pos);
        pos = next;
        continue;
      }
      if (pos + TS_PACKET_SIZE > len) break;
      this.synced = true;
      this.packets++;
      sink.packet(chunk, pos);
      pos += TS_PACKET_SIZE;
    }
    if (pos < len) {
      this.remainder.set(chunk.subarray(pos), 0);
      this.remainderLength = len - pos;
    }
  }

  /** Bytes held back because they do not yet make a whole packet (a truncated tail at end of input). */
  get pending(): Uint8Array {
    return this.remainder.subarray(0, this.remainderLength);
  }

  /** Ends the stream; returns the bytes of a trailing partial packet (empty when the input was whole). */
  flush(): Uint8Array {
    const tail = this.remainder.slice(0, this.remainderLength);
    this.remainderLength = 0;
    return tail;
  }

  private lostSync(skipped: number): void {
    if (this.synced) this.syncLosses++;
    this.synced = false;
    this.bytesSkipped += skipped;
  }

  private findSync(chunk: Uint8Array, from: number): number {
    const len = chunk.length;
    for (let i = from; i < len; i++) {
      if (chunk[i] === TS_SYNC_BYTE && (i + TS_PACKET_SIZE >= len || chunk[i + TS_PACKET_SIZE] === TS_SYNC_BYTE)) return i;
    }
    return len;
  }
}
