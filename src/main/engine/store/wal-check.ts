// Reads a SQLite write-ahead log the way SQLite's recovery does, to know before opening the
// database whether committed transactions in it will be thrown away. SQLite applies the frames
// from the start of the WAL up to the last commit frame whose salts and running checksum are
// valid, and silently ignores everything after the first invalid frame. We want to say so.
// Format: https://www.sqlite.org/fileformat.html#wal_file_format (§4.1 header, §4.2 frames,
// §4.3 checksum algorithm).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export const WAL_HEADER_BYTES = 32;
export const WAL_FRAME_HEADER_BYTES = 24;
/** Magic numbers: the low bit says in which byte order the checksum reads the content (§4.1). */
const WAL_MAGIC_LITTLE_ENDIAN = 0x377f0682;
const WAL_MAGIC_BIG_ENDIAN = 0x377f0683;

export interface WalInspection {
  /** false: bad magic, page size or header checksum; SQLite ignores the whole file. */
  headerValid: boolean;
  /** Whole frames in the file, valid or not. */
  framesPresent: number;
  /** Frames SQLite applies: the valid prefix up to and including its last commit frame. */
  framesApplied: number;
  /**
   * Commit frames of the current WAL generation (same salts as the header) that SQLite will not
   * apply because an earlier frame failed its checksum: committed transactions that would be lost.
   * Frames with other salts are left over from before the last WAL reset and are rightly ignored.
   */
  commitsDiscarded: number;
  /** Current-generation frames of any kind after the valid prefix. */
  framesDiscarded: number;
}

/** The §4.3 checksum over `data` (a multiple of 8 bytes), continuing from (s0, s1). */
function walChecksum(data: Buffer, bigEndian: boolean, s0: number, s1: number): [number, number] {
  for (let i = 0; i + 8 <= data.length; i += 8) {
    const x0 = bigEndian ? data.readUInt32BE(i) : data.readUInt32LE(i);
    const x1 = bigEndian ? data.readUInt32BE(i + 4) : data.readUInt32LE(i + 4);
    s0 = (s0 + x0 + s1) >>> 0;
    s1 = (s1 + x1 + s0) >>> 0;
  }
  return [s0, s1];
}

function isPowerOfTwoPageSize(size: number): boolean {
  return size >= 512 && size <= 65536 && (size & (size - 1)) === 0;
}

export function inspectWal(file: string): WalInspection {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const header = Buffer.alloc(WAL_HEADER_BYTES);
    const empty: WalInspection = { headerValid: false, framesPresent: 0, framesApplied: 0, commitsDiscarded: 0, framesDiscarded: 0 };
    if (readSync(fd, header, 0, WAL_HEADER_BYTES, 0) < WAL_HEADER_BYTES) return empty;
    const magic = header.readUInt32BE(0);
    const pageSizeField = header.readUInt32BE(8);
    // §4.1: a page size of 65536 is stored as 1 (it does not fit the 16-bit database header field).
    const pageSize = pageSizeField === 1 ? 65536 : pageSizeField;
    if ((magic !== WAL_MAGIC_LITTLE_ENDIAN && magic !== WAL_MAGIC_BIG_ENDIAN) || !isPowerOfTwoPageSize(pageSize)) {
      // Without a page size the frames cannot be counted; count what a 4 KiB page would give.
      return { ...empty, framesPresent: Math.floor(Math.max(0, size - WAL_HEADER_BYTES) / (WAL_FRAME_HEADER_BYTES + 4096)) };
    }
    const frameBytes = WAL_FRAME_HEADER_BYTES + pageSize;
    const framesPresent = Math.floor((size - WAL_HEADER_BYTES) / frameBytes);
    const bigEndian = magic === WAL_MAGIC_BIG_ENDIAN;
    let [s0, s1] = walChecksum(header.subarray(0, 24), bigEndian, 0, 0);
    if (s0 !== header.readUInt32BE(24) || s1 !== header.readUInt32BE(28)) return { ...empty, framesPresent, framesDiscarded: framesPresent };
    const salt1 = header.readUInt32BE(16);
    const salt2 = header.readUInt32BE(20);

    const frame = Buffer.alloc(frameBytes);
    let framesApplied = 0;
    let index = 0;
    // The valid prefix: salts match, page number set, running checksum matches (§4.2).
    for (; index < framesPresent; index++) {
      readSync(fd, frame, 0, frameBytes, WAL_HEADER_BYTES + index * frameBytes);
      const pageNumber = frame.readUInt32BE(0);
      if (pageNumber === 0 || frame.readUInt32BE(8) !== salt1 || frame.readUInt32BE(12) !== salt2) break;
      [s0, s1] = walChecksum(frame.subarray(0, 8), bigEndian, s0, s1);
      [s0, s1] = walChecksum(frame.subarray(WAL_FRAME_HEADER_BYTES), bigEndian, s0, s1);
      if (s0 !== frame.readUInt32BE(16) || s1 !== frame.readUInt32BE(20)) break;
      if (frame.readUInt32BE(4) !== 0) framesApplied = index + 1; // a commit frame
    }
    // What follows: frames of this generation that recovery will not reach.
    let framesDiscarded = 0;
    let commitsDiscarded = 0;
    for (; index < framesPresent; index++) {
      readSync(fd, frame, 0, WAL_FRAME_HEADER_BYTES, WAL_HEADER_BYTES + index * frameBytes);
      if (frame.readUInt32BE(8) !== salt1 || frame.readUInt32BE(12) !== salt2) continue;
      framesDiscarded++;
      if (frame.readUInt32BE(4) !== 0) commitsDiscarded++;
    }
    return { headerValid: true, framesPresent, framesApplied, commitsDiscarded, framesDiscarded };
  } finally {
    closeSync(fd);
  }
}

/** Whether opening the database would silently drop committed data held in this WAL. */
export function walLosesCommits(inspection: WalInspection): boolean {
  return inspection.headerValid ? inspection.commitsDiscarded > 0 : inspection.framesPresent > 0;
}
