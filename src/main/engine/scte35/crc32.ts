// CRC-32/MPEG-2 (ISO/IEC 13818-1 Annex A; ANSI/SCTE 35 §9.6 CRC_32): polynomial 0x04C11DB7,
// initial value 0xFFFFFFFF, no reflection, no final XOR. Shared with the MPEG-TS PSI code.
// A section followed by its own CRC_32 has a CRC of 0 over the whole.

const CRC32_MPEG2_POLY = 0x04c11db7;

/** 256-entry table, one step per byte. */
const TABLE = buildTable();

function buildTable(): Int32Array {
  const table = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let bit = 0; bit < 8; bit++) c = c & 0x80000000 ? (c << 1) ^ CRC32_MPEG2_POLY : c << 1;
    table[i] = c;
  }
  return table;
}

/** CRC-32/MPEG-2 of bytes[start, end), as an unsigned 32-bit number. */
export function crc32Mpeg2(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = -1;
  for (let i = start; i < end; i++) crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ bytes[i]!) & 0xff]!;
  return crc >>> 0;
}
