// Program-specific information: section assembly across packets, PAT and PMT (ISO/IEC 13818-1 2.4.4).
import { crc32Mpeg2 } from '../scte35/crc32.ts';
import {
  DESCRIPTOR_TAG_REGISTRATION,
  FORMAT_IDENTIFIER_CUEI,
  MAX_SECTION_SIZE,
  STREAM_TYPE_SCTE35,
  TABLE_ID_PAT,
  TABLE_ID_PMT,
  TS_PACKET_SIZE,
} from './constants.ts';

const STUFFING_BYTE = 0xff;

/** section_length: the 12 bits after table_id; the whole section is 3 + section_length bytes. */
export function sectionLength(b: Uint8Array, p: number): number {
  return ((b[p + 1]! & 0x0f) << 8) | b[p + 2]!;
}

/** CRC_32 field check: the last four bytes hold the CRC of all before them. */
export function sectionCrcValid(b: Uint8Array, length: number): boolean {
  if (length < 4) return false;
  const stored = b[length - 4]! * 0x1000000 + ((b[length - 3]! << 16) | (b[length - 2]! << 8) | b[length - 1]!);
  return crc32Mpeg2(b, 0, length - 4) >>> 0 === stored;
}

export type SectionHandler = (section: Uint8Array, length: number) => void;

/**
 * Reassembles the sections of one PID from packet payloads: pointer_field, sections spanning
 * packets, several sections per packet, stuffing. The buffer handed to the handler is reused;
 * copy what you keep.
 */
export class SectionAssembler {
  private readonly buf = new Uint8Array(MAX_SECTION_SIZE);
  private length = 0;
  private expected = 0;
  /** Sections dropped because they were cut short (a new one started first) or oversized. */
  dropped = 0;

  push(b: Uint8Array, start: number, end: number, unitStart: boolean, handler: SectionHandler): void {
    let pos = start;
    if (unitStart) {
      const pointer = b[pos]!; // pointer_field
      pos++;
      if (this.length > 0) {
        this.consume(b, pos, Math.min(pos + pointer, end), handler);
        if (this.length > 0) this.reset(true);
      }
      pos += pointer;
      while (pos < end && b[pos] !== STUFFING_BYTE) {
        pos = this.consume(b, pos, end, handler);
        if (this.length > 0) break;
      }
    } else if (this.length > 0) {
      this.consume(b, pos, end, handler);
    }
  }

  private consume(b: Uint8Array, pos: number, end: number, handler: SectionHandler): number {
    while (pos < end) {
      if (this.expected === 0) {
        this.buf[this.length++] = b[pos++]!;
        if (this.length === 3) {
          this.expected = 3 + sectionLength(this.buf, 0);
          if (this.expected > MAX_SECTION_SIZE) {
            this.reset(true);
            return end;
          }
        }
        continue;
      }
      const take = Math.min(this.expected - this.length, end - pos);
      for (let i = 0; i < take; i++) this.buf[this.length + i] = b[pos + i]!;
      this.length += take;
      pos += take;
      if (this.length === this.expected) {
        const length = this.length;
        this.reset(false);
        handler(this.buf, length);
        return pos;
      }
    }
    return pos;
  }

  private reset(drop: boolean): void {
    if (drop) this.dropped++;
    this.length = 0;
    this.expected = 0;
  }
}

export interface PatEntry {
  programNumber: number;
  pmtPid: number;
}

export interface Pat {
  transportStreamId: number;
  version: number;
  programs: PatEntry[];
}

/** program_association_section (Table 2-30). Network entries (program_number 0) are skipped. */
export function parsePat(b: Uint8Array, length: number): Pat | undefined {
  if (b[0] !== TABLE_ID_PAT || length < 12) return undefined;
  const programs: PatEntry[] = [];
  for (let p = 8; p + 4 <= length - 4; p += 4) {
    const programNumber = (b[p]! << 8) | b[p + 1]!;
    const pid = ((b[p + 2]! & 0x1f) << 8) | b[p + 3]!;
    if (programNumber !== 0) programs.push({ programNumber, pmtPid: pid });
  }
  return { transportStreamId: (b[3]! << 8) | b[4]!, version: (b[5]! >> 1) & 0x1f, programs };
}

export interface PmtStream {
  streamType: number;
  pid: number;
  /** ES_info descriptors, raw. */
  descriptors: Uint8Array;
}

export interface Pmt {
  programNumber: number;
  version: number;
  pcrPid: number;
  programInfo: Uint8Array;
  streams: PmtStream[];
}

/** TS_program_map_section (Table 2-33). */
export function parsePmt(b: Uint8Array, length: number): Pmt | undefined {
  if (b[0] !== TABLE_ID_PMT || length < 16) return undefined;
  const programInfoLength = ((b[10]! & 0x0f) << 8) | b[11]!; // program_info_length
  let p = 12 + programInfoLength;
  const end = length - 4;
  if (p > end) return undefined;
  const streams: PmtStream[] = [];
  while (p + 5 <= end) {
    const esInfoLength = ((b[p + 3]! & 0x0f) << 8) | b[p + 4]!; // ES_info_length
    streams.push({
      streamType: b[p]!,
      pid: ((b[p + 1]! & 0x1f) << 8) | b[p + 2]!,
      descriptors: b.slice(p + 5, p + 5 + esInfoLength),
    });
    p += 5 + esInfoLength;
  }
  return {
    programNumber: (b[3]! << 8) | b[4]!,
    version: (b[5]! >> 1) & 0x1f,
    pcrPid: ((b[8]! & 0x1f) << 8) | b[9]!,
    programInfo: b.slice(12, 12 + programInfoLength),
    streams,
  };
}

function hasCueiRegistration(descriptors: Uint8Array): boolean {
  for (let p = 0; p + 2 <= descriptors.length; p += 2 + descriptors[p + 1]!) {
    if (descriptors[p] === DESCRIPTOR_TAG_REGISTRATION && descriptors[p + 1]! >= 4) {
      const id = descriptors[p + 2]! * 0x1000000 + ((descriptors[p + 3]! << 16) | (descriptors[p + 4]! << 8) | descriptors[p + 5]!);
      if (id === FORMAT_IDENTIFIER_CUEI) return true;
    }
  }
  return false;
}

function writeCrc(section: Uint8Array): void {
  const crc = crc32Mpeg2(section, 0, section.length - 4) >>> 0;
  const at = section.length - 4;
  section[at] = crc >>> 24;
  section[at + 1] = (crc >>> 16) & 0xff;
  section[at + 2] = (crc >>> 8) & 0xff;
  section[at + 3] = crc & 0xff;
}

/**
 * Rewrites a PMT section to announce an SCTE-35 stream the way SCTE 35 §8.1 asks: a registration
 * descriptor 'CUEI' in the program info loop, an ES entry with stream_type 0x86, version_number + 1
 * and a fresh CRC_32. Everything else is kept as it was.
 */
export function addScte35ToPmt(b: Uint8Array, length: number, scte35Pid: number): Uint8Array {
  const programInfoLength = ((b[10]! & 0x0f) << 8) | b[11]!;
  const programInfo = b.subarray(12, 12 + programInfoLength);
  const registration = hasCueiRegistration(programInfo) ? new Uint8Array(0) : Uint8Array.of(DESCRIPTOR_TAG_REGISTRATION, 4, 0x43, 0x55, 0x45, 0x49);
  const esLoop = b.subarray(12 + programInfoLength, length - 4);
  const esEntry = Uint8Array.of(STREAM_TYPE_SCTE35, 0xe0 | (scte35Pid >> 8), scte35Pid & 0xff, 0xf0, 0x00);
  const out = new Uint8Array(length + registration.length + esEntry.length);
  out.set(b.subarray(0, 12), 0);
  let p = 12;
  out.set(programInfo, p);
  p += programInfo.length;
  out.set(registration, p);
  p += registration.length;
  out.set(esLoop, p);
  p += esLoop.length;
  out.set(esEntry, p);
  const newSectionLength = out.length - 3;
  out[1] = (b[1]! & 0xf0) | (newSectionLength >> 8);
  out[2] = newSectionLength & 0xff;
  const newProgramInfoLength = programInfoLength + registration.length;
  out[10] = (b[10]! & 0xf0) | (newProgramInfoLength >> 8);
  out[11] = newProgramInfoLength & 0xff;
  const version = (((b[5]! >> 1) & 0x1f) + 1) & 0x1f; // version_number
  out[5] = (b[5]! & 0xc1) | (version << 1);
  writeCrc(out);
  return out;
}

/**
 * Splits one section into TS packets on `pid`: the first with payload_unit_start_indicator and
 * pointer_field 0, the last padded with 0xFF stuffing. continuity_counter is left 0 for the sender.
 */
export function packetizeSection(section: Uint8Array, pid: number): Uint8Array {
  const firstCapacity = TS_PACKET_SIZE - 5;
  const capacity = TS_PACKET_SIZE - 4;
  const count = section.length <= firstCapacity ? 1 : 1 + Math.ceil((section.length - firstCapacity) / capacity);
  const out = new Uint8Array(count * TS_PACKET_SIZE).fill(STUFFING_BYTE);
  let s = 0;
  for (let i = 0; i < count; i++) {
    const p = i * TS_PACKET_SIZE;
    out[p] = 0x47;
    out[p + 1] = (i === 0 ? 0x40 : 0) | (pid >> 8);
    out[p + 2] = pid & 0xff;
    out[p + 3] = 0x10; // not scrambled, payload only, continuity_counter 0
    let q = p + 4;
    if (i === 0) out[q++] = 0; // pointer_field
    const take = Math.min(section.length - s, p + TS_PACKET_SIZE - q);
    out.set(section.subarray(s, s + take), q);
    s += take;
  }
  return out;
}

/** Stamps continuity_counter on a packet in place. */
export function setContinuityCounter(b: Uint8Array, p: number, cc: number): void {
  b[p + 3] = (b[p + 3]! & 0xf0) | (cc & 0x0f);
}
