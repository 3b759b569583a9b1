// Input and output forms of a section: binary, base64 and hex (with or without 0x).
import { Scte35Error } from './errors.ts';

const HEX_BYTE: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of bytes[start, end), no prefix. */
export function toHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += HEX_BYTE[bytes[i]!]!;
  return s;
}

function hexNibble(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** Bytes of an even-length hex string (no prefix, no spaces); throws BAD_INPUT naming `field`. */
export function fromHex(hex: string, field: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new Scte35Error('BAD_INPUT', 'hex must have an even number of digits', { field });
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexNibble(hex.charCodeAt(2 * i));
    const lo = hexNibble(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw new Scte35Error('BAD_INPUT', `not a hex digit at position ${hi < 0 ? 2 * i : 2 * i + 1}`, { field });
    out[i] = (hi << 4) | lo;
  }
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL_RE = /^[A-Za-z0-9_-]+$/;
const HEX_RE = /^[0-9a-fA-F]+$/;

/**
 * Section bytes from text: hex with or without a 0x prefix, or base64 (standard with its
 * padding, or URL-safe).
 * Whitespace is ignored. Text made only of hex digits is read as hex: base64 of a section
 * always starts with '/' (table_id 0xFC), so no section's base64 is all hex digits.
 */
export function parseSectionText(text: string): Uint8Array {
  if (typeof text !== 'string') throw new Scte35Error('BAD_INPUT', 'expected a string of base64 or hex');
  const s = text.replace(/\s+/g, '');
  if (s.length === 0) throw new Scte35Error('BAD_INPUT', 'empty input');
  if (/^0[xX]/.test(s)) {
    const hex = s.slice(2);
    if (!HEX_RE.test(hex)) throw new Scte35Error('BAD_INPUT', 'after 0x, expected hex digits only');
    if (hex.length % 2 !== 0) throw new Scte35Error('BAD_INPUT', 'hex must have an even number of digits');
    return fromHex(hex, 'input');
  }
  if (HEX_RE.test(s) && s.length % 2 === 0) return fromHex(s, 'input');
  if (BASE64_RE.test(s)) return new Uint8Array(Buffer.from(s, 'base64'));
  if (BASE64URL_RE.test(s) && /[-_]/.test(s) && s.length % 4 !== 1) return new Uint8Array(Buffer.from(s, 'base64url'));
  throw new Scte35Error('BAD_INPUT', 'input is neither base64 nor hex (hex may start with 0x)');
}
