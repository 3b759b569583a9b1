// The one error type of the SCTE-35 codec. Every failure of decode, encode, text parsing and
// JSON validation is a Scte35Error carrying a code, the field concerned and, when bytes were
// being read, the byte offset into the section.

export type Scte35ErrorCode =
  /** CRC_32 (or the input's checksum) does not match the computed CRC-32/MPEG-2. */
  | 'BAD_CRC'
  /** A field would be read past the end of the bytes available. */
  | 'TRUNCATED'
  /** A length field disagrees with the bytes it covers. */
  | 'LENGTH_MISMATCH'
  /** splice_command_type is a reserved value. */
  | 'UNKNOWN_COMMAND'
  /** A value does not fit its field or is not allowed there. */
  | 'OUT_OF_RANGE'
  /** Input text or JSON is not of the expected form. */
  | 'BAD_INPUT';

export interface Scte35ErrorOptions {
  field?: string | undefined;
  offset?: number | undefined;
  cause?: unknown;
}

export class Scte35Error extends Error {
  override readonly name = 'Scte35Error';
  readonly code: Scte35ErrorCode;
  /** The syntax-table field name (a JSON path for nested values), when one applies. */
  readonly field: string | undefined;
  /** Byte offset into the section where the problem was found, when reading bytes. */
  readonly offset: number | undefined;
  /** A codec error is never fatal to the process: the caller drops or rejects one message. */
  readonly fatal = false;

  constructor(code: Scte35ErrorCode, message: string, options: Scte35ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
    this.offset = options.offset;
  }

  /** One line for people: code, field, offset and message. */
  describe(): string {
    const where: string[] = [];
    if (this.field !== undefined) where.push(`field ${this.field}`);
    if (this.offset !== undefined) where.push(`offset ${this.offset}`);
    return `${this.code}${where.length > 0 ? ` (${where.join(', ')})` : ''}: ${this.message}`;
  }

  /** The same error with its field nested under a parent path, e.g. `descriptors[1].`. */
  withFieldPrefix(prefix: string): Scte35Error {
    const field = this.field === undefined ? prefix.replace(/\.$/, '') : `${prefix}${this.field}`;
    const copy = new Scte35Error(this.code, this.message, { field, offset: this.offset, cause: this.cause });
    return copy;
  }
}

export function isScte35Error(value: unknown): value is Scte35Error {
  return value instanceof Scte35Error;
}
