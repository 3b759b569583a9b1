// segmentation_upid() (ANSI/SCTE 35 2023r1 §10.3.3.1, Table 22): the exact bytes plus a
// readable view where the standard defines one; and the reverse, bytes from that view.
import {
  UPID_AD_ID,
  UPID_ADI,
  UPID_ADS,
  UPID_AIRING_ID,
  UPID_ATSC,
  UPID_EIDR,
  UPID_FIXED_LENGTH,
  UPID_ISAN,
  UPID_ISCI,
  UPID_MID,
  UPID_MPU,
  UPID_SCR,
  UPID_TID,
  UPID_UMID,
  UPID_URI,
  UPID_USER_DEFINED,
  UPID_UUID,
  UPID_V_ISAN,
} from './constants.ts';
import { Scte35Error } from './errors.ts';
import type { MidEntry, Upid } from './types.ts';
import { fromHex, toHex } from './text.ts';

const HEX_UPPER: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase());

/** Printable ASCII text of bytes[start, end), or undefined if any byte is not 0x20..0x7E. */
function asciiText(bytes: Uint8Array, start: number, end: number): string | undefined {
  let s = '';
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (b < 0x20 || b > 0x7e) return undefined;
    s += String.fromCharCode(b);
  }
  return s;
}

/** Uppercase hex in groups of `group` bytes joined by `sep`. */
function groupedHex(bytes: Uint8Array, start: number, end: number, group: number, sep: string): string {
  let s = '';
  for (let i = start; i < end; i++) {
    if (i > start && (i - start) % group === 0) s += sep;
    s += HEX_UPPER[bytes[i]!]!;
  }
  return s;
}

const ISO7064_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** ISO/IEC 7064 MOD 37,36 check character, as EIDR appends to its suffix. */
export function iso7064Mod37_36(chars: string): string {
  const m = 36;
  let p = m;
  for (const c of chars) {
    const v = ISO7064_ALPHABET.indexOf(c.toUpperCase());
    if (v < 0) continue;
    let s = (p + v) % m;
    if (s === 0) s = m;
    p = (s * 2) % (m + 1);
  }
  return ISO7064_ALPHABET[(m + 1 - p) % m]!;
}

/** EIDR (Table 22 0x0A): 16-bit DOI sub-prefix then the 80-bit suffix, "10.5240/XXXX-...-XXXX-C". */
function eidrText(bytes: Uint8Array, start: number): string {
  const prefix = (bytes[start]! << 8) | bytes[start + 1]!;
  const suffix = groupedHex(bytes, start + 2, start + 12, 2, '-');
  return `10.${prefix}/${suffix}-${iso7064Mod37_36(suffix)}`;
}

/**
 * Decodes the UPID of `type` in bytes[start, end). Throws LENGTH_MISMATCH when a MID's
 * nested UPIDs do not fill it exactly.
 */
export function decodeUpid(bytes: Uint8Array, start: number, end: number, type: number): Upid {
  const upid: Upid = { hex: toHex(bytes, start, end) };
  const length = end - start;
  switch (type) {
    case UPID_USER_DEFINED:
    case UPID_ISCI:
    case UPID_AD_ID:
    case UPID_TID:
    case UPID_ADI:
    case UPID_ADS:
    case UPID_URI:
    case UPID_SCR: {
      const text = asciiText(bytes, start, end);
      if (text !== undefined) upid.text = text;
      break;
    }
    case UPID_AIRING_ID:
      upid.text = `0x${groupedHex(bytes, start, end, 8, '')}`;
      break;
    case UPID_UMID:
      upid.text = groupedHex(bytes, start, end, 4, '.');
      break;
    case UPID_ISAN:
    case UPID_V_ISAN:
      upid.text = groupedHex(bytes, start, end, 2, '-');
      break;
    case UPID_EIDR:
      if (length === 12) upid.text = eidrText(bytes, start);
      break;
    case UPID_UUID:
      if (length === 16) {
        const h = toHex(bytes, start, end);
        upid.text = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
      }
      break;
    case UPID_ATSC:
      // TSID(16) reserved(2) end_of_day(5) unique_for(9) content_id(rest).
      if (length >= 4) {
        const w = (bytes[start + 2]! << 8) | bytes[start + 3]!;
        upid.atsc = {
          tsid: (bytes[start]! << 8) | bytes[start + 1]!,
          end_of_day: (w >> 9) & 0x1f,
          unique_for: w & 0x1ff,
          content_id: toHex(bytes, start + 4, end),
        };
      }
      break;
    case UPID_MPU:
      // format_identifier(32) private_data(rest).
      if (length >= 4) {
        upid.mpu = {
          format_identifier: String.fromCharCode(bytes[start]!, bytes[start + 1]!, bytes[start + 2]!, bytes[start + 3]!),
          private_data: toHex(bytes, start + 4, end),
        };
      }
      break;
    case UPID_MID:
      upid.upids = decodeMid(bytes, start, end);
      break;
    default:
      break;
  }
  return upid;
}

/** MID() (Table 22 0x0D): a loop of segmentation_upid_type, segmentation_upid_length, segmentation_upid. */
function decodeMid(bytes: Uint8Array, start: number, end: number): MidEntry[] {
  const entries: MidEntry[] = [];
  let pos = start;
  while (pos < end) {
    if (pos + 2 > end) {
      throw new Scte35Error('LENGTH_MISMATCH', 'MID ends inside a nested UPID header', { field: 'segmentation_upid', offset: pos });
    }
    const type = bytes[pos]!;
    const length = bytes[pos + 1]!;
    if (pos + 2 + length > end) {
      throw new Scte35Error('LENGTH_MISMATCH', 'nested segmentation_upid_length runs past the MID', { field: 'segmentation_upid_length', offset: pos + 1 });
    }
    checkUpidLength(type, length, 'segmentation_upid_length', pos + 1);
    entries.push({
      segmentation_upid_type: type,
      segmentation_upid_length: length,
      segmentation_upid: decodeUpid(bytes, pos + 2, pos + 2 + length, type),
    });
    pos += 2 + length;
  }
  return entries;
}

/** Table 22 fixes the length of some UPID types; a different length is a LENGTH_MISMATCH. */
export function checkUpidLength(type: number, length: number, field: string, offset?: number): void {
  const fixed = UPID_FIXED_LENGTH[type]!;
  if (fixed >= 0 && fixed !== length) {
    throw new Scte35Error('LENGTH_MISMATCH', `segmentation_upid_type 0x${type.toString(16).padStart(2, '0')} needs ${fixed} bytes, has ${length}`, {
      field,
      offset,
    });
  }
}

// ---- From JSON: bytes of a UPID given only its readable view ----

function hexOf(text: string, field: string): Uint8Array {
  return fromHex(text.replace(/[\s.:-]/g, ''), field);
}

/** The bytes of a UPID value: `hex` when given, otherwise derived from text/upids/atsc/mpu. */
export function upidBytes(type: number, upid: Partial<Upid>, field: string): Uint8Array {
  if (upid.hex !== undefined) return fromHex(upid.hex, `${field}.hex`);
  if (type === UPID_MID && upid.upids !== undefined) {
    const parts: number[] = [];
    upid.upids.forEach((entry, i) => {
      const inner = upidBytes(entry.segmentation_upid_type, entry.segmentation_upid, `${field}.upids[${i}].segmentation_upid`);
      checkUpidLength(entry.segmentation_upid_type, inner.length, `${field}.upids[${i}].segmentation_upid`);
      if (inner.length > 255) throw new Scte35Error('OUT_OF_RANGE', 'a nested UPID is longer than 255 bytes', { field: `${field}.upids[${i}]` });
      parts.push(entry.segmentation_upid_type, inner.length, ...inner);
    });
    return Uint8Array.from(parts);
  }
  if (type === UPID_ATSC && upid.atsc !== undefined) {
    const { tsid, end_of_day, unique_for, content_id } = upid.atsc;
    const rest = fromHex(content_id, `${field}.atsc.content_id`);
    const w = 0xc000 | ((end_of_day & 0x1f) << 9) | (unique_for & 0x1ff);
    return Uint8Array.from([tsid >> 8, tsid & 0xff, w >> 8, w & 0xff, ...rest]);
  }
  if (type === UPID_MPU && upid.mpu !== undefined) {
    const id = upid.mpu.format_identifier;
    if (id.length !== 4) throw new Scte35Error('BAD_INPUT', 'format_identifier must be four characters', { field: `${field}.mpu.format_identifier` });
    return Uint8Array.from([...[0, 1, 2, 3].map((i) => id.charCodeAt(i) & 0xff), ...fromHex(upid.mpu.private_data, `${field}.mpu.private_data`)]);
  }
  const text = upid.text;
  if (text === undefined) throw new Scte35Error('BAD_INPUT', 'a UPID needs hex (or a readable text for its type)', { field: `${field}.hex` });
  switch (type) {
    case UPID_AIRING_ID:
      return hexOf(text.replace(/^0x/i, ''), `${field}.text`);
    case UPID_UMID:
    case UPID_ISAN:
    case UPID_V_ISAN:
    case UPID_UUID:
      return hexOf(text, `${field}.text`);
    case UPID_EIDR: {
      const m = /^10\.(\d{1,5})\/([0-9A-Fa-f]{4}(?:-[0-9A-Fa-f]{4}){4})(?:-[0-9A-Za-z])?$/.exec(text);
      if (!m || Number(m[1]) > 0xffff)
        throw new Scte35Error('BAD_INPUT', 'EIDR text must look like 10.5240/XXXX-XXXX-XXXX-XXXX-XXXX-C', { field: `${field}.text` });
      const prefix = Number(m[1]);
      return Uint8Array.from([prefix >> 8, prefix & 0xff, ...hexOf(m[2]!, `${field}.text`)]);
    }
    default: {
      const bytes = new TextEncoder().encode(text);
      return bytes;
    }
  }
}
