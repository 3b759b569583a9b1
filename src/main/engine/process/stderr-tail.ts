// Keeps the last lines a child wrote to stderr, in bounded memory whatever the child writes:
// at most maxLines lines of at most maxLineBytes each, plus one partial line of the same bound.
import { StringDecoder } from 'node:string_decoder';

export interface StderrTailOptions {
  /** Lines kept; older ones are forgotten. Default 40. */
  maxLines?: number;
  /** A longer line is cut here and marked with an ellipsis. Default 512. */
  maxLineBytes?: number;
  /** Applied to every complete line before it is kept or passed on: redaction of secrets. */
  transform?: (line: string) => string;
}

const ELLIPSIS = '…';

export class StderrTail {
  readonly maxLines: number;
  readonly maxLineBytes: number;
  readonly #lines: string[];
  readonly #transform: (line: string) => string;
  readonly #decoder = new StringDecoder('utf8');
  #next = 0;
  #count = 0;
  #partial = '';
  #partialTruncated = false;
  /** Every line ever seen, kept or not. */
  totalLines = 0;

  constructor(options: StderrTailOptions = {}) {
    this.maxLines = Math.max(1, options.maxLines ?? 40);
    this.maxLineBytes = Math.max(16, options.maxLineBytes ?? 512);
    this.#transform = options.transform ?? ((line) => line);
    this.#lines = new Array<string>(this.maxLines).fill('');
  }

  /**
   * Takes a chunk of output; calls onLine for every complete non-empty line. FFmpeg ends
   * progress lines with \r, so \r ends a line too.
   */
  push(chunk: Buffer | string, onLine?: (line: string) => void): void {
    // The decoder holds back a character split across chunks instead of mangling it.
    const text = typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.#appendPartial(text.slice(start, i));
      this.#endLine(onLine);
      start = i + 1;
    }
    if (start < text.length) this.#appendPartial(text.slice(start));
  }

  /** Ends the partial line, if any (the stream ended without a newline). */
  flush(onLine?: (line: string) => void): void {
    this.#endLine(onLine);
  }

  /** The kept lines, oldest first. */
  lines(): string[] {
    const out: string[] = [];
    const first = this.#count < this.maxLines ? 0 : this.#next;
    for (let i = 0; i < this.#count; i++) out.push(this.#lines[(first + i) % this.maxLines] as string);
    return out;
  }

  /** Bytes held right now; bounded by (maxLines + 1) × maxLineBytes (UTF-16 code units, in fact). */
  get heldChars(): number {
    let total = this.#partial.length;
    for (let i = 0; i < this.#count; i++) total += (this.#lines[i] as string).length;
    return total;
  }

  #appendPartial(piece: string): void {
    if (this.#partialTruncated || piece.length === 0) return;
    const room = this.maxLineBytes - this.#partial.length;
    if (piece.length <= room) {
      this.#partial += piece;
    } else {
      this.#partial += piece.slice(0, Math.max(0, room - 1)) + ELLIPSIS;
      this.#partialTruncated = true;
    }
  }

  #endLine(onLine?: (line: string) => void): void {
    const raw = this.#partial.trimEnd();
    this.#partial = '';
    this.#partialTruncated = false;
    if (raw.length === 0) return;
    const line = this.#transform(raw);
    this.#lines[this.#next] = line;
    this.#next = (this.#next + 1) % this.maxLines;
    this.#count = Math.min(this.#count + 1, this.maxLines);
    this.totalLines++;
    onLine?.(line);
  }
}
