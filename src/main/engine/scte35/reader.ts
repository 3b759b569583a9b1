// A bounded big-endian byte reader. Reading past `end` throws a Scte35Error with the offset:
// TRUNCATED at the end of the input, LENGTH_MISMATCH at the end of a length-bounded structure.
import { Scte35Error, type Scte35ErrorCode } from './errors.ts';

const TWO_32 = 2 ** 32;

export class Reader {
  readonly bytes: Uint8Array;
  pos: number;
  /** Bytes at and after `end` belong to someone else. */
  end: number;
  /** What running past `end` means here, and which length field set it. */
  endCode: Scte35ErrorCode = 'TRUNCATED';
  endField = 'section_length';

  constructor(bytes: Uint8Array, pos: number, end: number) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }

  /** Bounds the reader to `end`; running past it is `code`, blamed on the length field `field`. */
  bound(end: number, code: Scte35ErrorCode, field: string): void {
    this.end = end;
    this.endCode = code;
    this.endField = field;
  }

  overrun(n: number, field: string): Scte35Error {
    const what = this.endCode === 'TRUNCATED' ? 'the input ends' : `${this.endField} ends`;
    return new Scte35Error(this.endCode, `${field} needs ${n} byte(s) at offset ${this.pos}, but ${what} at ${this.end}`, {
      field,
      offset: this.pos,
    });
  }

  need(n: number, field: string): void {
    if (this.pos + n > this.end) throw this.overrun(n, field);
  }

  u8(field: string): number {
    if (this.pos >= this.end) throw this.overrun(1, field);
    return this.bytes[this.pos++]!;
  }

  u16(field: string): number {
    if (this.pos + 2 > this.end) throw this.overrun(2, field);
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 2;
    return (b[p]! << 8) | b[p + 1]!;
  }

  u24(field: string): number {
    if (this.pos + 3 > this.end) throw this.overrun(3, field);
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 3;
    return (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
  }

  u32(field: string): number {
    if (this.pos + 4 > this.end) throw this.overrun(4, field);
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  /** A 33-bit value whose top bit is the low bit of the byte before (already read as `prefix`). */
  u33(prefix: number, field: string): number {
    return (prefix & 1) * TWO_32 + this.u32(field);
  }

  /** 40 bits, built with multiplication (never a shift beyond 31 bits). */
  u40(field: string): number {
    if (this.pos + 5 > this.end) throw this.overrun(5, field);
    const hi = this.bytes[this.pos++]!;
    return hi * TWO_32 + this.u32(field);
  }

  /** 48 bits. */
  u48(field: string): number {
    if (this.pos + 6 > this.end) throw this.overrun(6, field);
    const hi = this.u16(field);
    return hi * TWO_32 + this.u32(field);
  }

  /** Four bytes as four characters, one per byte. */
  chars4(field: string): string {
    if (this.pos + 4 > this.end) throw this.overrun(4, field);
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    return String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!);
  }
}
