// PES header fields (ISO/IEC 13818-1 2.4.3.6, Table 2-21). `p` points at packet_start_code_prefix.

/** packet_start_code_prefix 0x000001 */
export function isPesStart(b: Uint8Array, p: number): boolean {
  return b[p] === 0 && b[p + 1] === 0 && b[p + 2] === 1;
}

/** PTS_DTS_flags: 2 PTS only, 3 PTS and DTS */
export function ptsDtsFlags(b: Uint8Array, p: number): number {
  return (b[p + 7]! >> 6) & 0x03;
}

/** PES_header_data_length; the elementary stream starts at p + 9 + this. */
export function pesHeaderDataLength(b: Uint8Array, p: number): number {
  return b[p + 8]!;
}

/**
 * A 33-bit timestamp in the 5-byte marker layout used by PTS and DTS ('0010'/'0011' + 3+15+15 bits
 * with marker bits). Built by multiplication: shifts would truncate to 32 bits.
 */
export function readTimestamp(b: Uint8Array, p: number): number {
  return (
    ((b[p]! >> 1) & 0x07) * 1073741824 + // bits 32..30
    b[p + 1]! * 4194304 + // bits 29..22
    (b[p + 2]! >> 1) * 32768 + // bits 21..15
    b[p + 3]! * 128 + // bits 14..7
    (b[p + 4]! >> 1) // bits 6..0
  );
}

/** PTS, or -1 when absent. */
export function pesPts(b: Uint8Array, p: number): number {
  return ptsDtsFlags(b, p) & 0x02 ? readTimestamp(b, p + 9) : -1;
}

/** DTS, or -1 when absent (then DTS equals PTS). */
export function pesDts(b: Uint8Array, p: number): number {
  return ptsDtsFlags(b, p) === 0x03 ? readTimestamp(b, p + 14) : -1;
}

/** Writes a timestamp in the PTS/DTS marker layout with the given 4-bit prefix ('0010' PTS only, '0011'/'0001'). */
export function writeTimestamp(b: Uint8Array, p: number, prefix: number, value: number): void {
  const high = Math.floor(value / 1073741824) & 0x07;
  const low = value % 1073741824;
  b[p] = (prefix << 4) | (high << 1) | 1;
  b[p + 1] = (low >>> 22) & 0xff;
  b[p + 2] = (((low >>> 15) & 0x7f) << 1) | 1;
  b[p + 3] = (low >>> 7) & 0xff;
  b[p + 4] = ((low & 0x7f) << 1) | 1;
}
