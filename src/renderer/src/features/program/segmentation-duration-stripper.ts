// A workaround for mpegts.js 1.8.2 (the latest): its SCTE-35 parser reads a segmentation_descriptor's
// 40-bit segmentation_duration with a bit reader that refuses reads over 32 bits, and the throw stops
// the player's loader. The engine's time_signal breaks carry that duration, so without this the
// monitor dropped its feed for every copy of such a cue and its tally never lit.
//
// This sits between the monitor's fetch of the TS feed and mpegts.js: it finds the SCTE-35 PID
// (PAT → PMT, stream_type 0x86), and in each splice_info_section that fits one packet it removes the
// segmentation_duration (clears segmentation_duration_flag, shortens the descriptor, the loop and the
// section by 5 bytes, recomputes CRC_32, pads the packet with 0xFF). Everything else passes through
// byte for byte: the picture, the sound, and every other field of the cue (type, event id, splice time).
// Pure: unit-tested with the engine's own sections and mpegts.js's own parser.

const PACKET = 188;
const SYNC = 0x47;
const STREAM_TYPE_SCTE35 = 0x86;
const SEGMENTATION_DESCRIPTOR_TAG = 0x02;
const SEGMENTATION_DURATION_FLAG = 0x40;
const DURATION_BYTES = 5;

/** CRC-32/MPEG-2 (ISO/IEC 13818-1 Annex A), as the engine's scte35/crc32.ts: the renderer does not import engine code. */
const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let bit = 0; bit < 8; bit++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    table[i] = c;
  }
  return table;
})();
function crc32Mpeg2(bytes: Uint8Array, start: number, end: number): number {
  let crc = -1;
  for (let i = start; i < end; i++) crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ bytes[i]!) & 0xff]!;
  return crc >>> 0;
}

/** Where a packet's section starts (after the pointer_field), or -1: not a section start. */
function sectionStart(packet: Uint8Array): number {
  if ((packet[1]! & 0x40) === 0) return -1; // payload_unit_start_indicator
  const adaptation = (packet[3]! >> 4) & 0x3;
  if ((adaptation & 0x1) === 0) return -1; // no payload
  const payload = 4 + (adaptation & 0x2 ? 1 + packet[4]! : 0);
  if (payload >= PACKET) return -1;
  const start = payload + 1 + packet[payload]!;
  return start < PACKET - 3 ? start : -1;
}

/** The section's total length (3 + section_length) if it lies wholly in the packet, else -1. */
function wholeSectionLength(packet: Uint8Array, start: number): number {
  const length = 3 + (((packet[start + 1]! & 0x0f) << 8) | packet[start + 2]!);
  return start + length <= PACKET ? length : -1;
}

export class SegmentationDurationStripper {
  #tail = new Uint8Array(0);
  #pmtPid: number | null = null;
  readonly #scte35Pids = new Set<number>();
  /** Sections rewritten so far. */
  stripped = 0;

  /** The next bytes of the feed in; the bytes to hand on out (whole packets; a partial one waits for the rest). */
  push(chunk: Uint8Array): Uint8Array {
    const bytes = this.#tail.length === 0 ? chunk.slice() : concat(this.#tail, chunk);
    let at = 0;
    while (at + PACKET <= bytes.length) {
      if (bytes[at] !== SYNC) {
        // Out of step: hand the rest on untouched (mpegts.js finds its own sync) and stop patching.
        this.#tail = new Uint8Array(0);
        return bytes;
      }
      this.#packet(bytes.subarray(at, at + PACKET));
      at += PACKET;
    }
    this.#tail = bytes.slice(at);
    return bytes.subarray(0, at);
  }

  #packet(packet: Uint8Array): void {
    const pid = ((packet[1]! & 0x1f) << 8) | packet[2]!;
    if (pid === 0) this.#readPat(packet);
    else if (pid === this.#pmtPid) this.#readPmt(packet);
    else if (this.#scte35Pids.has(pid) && this.#strip(packet)) this.stripped += 1;
  }

  #readPat(packet: Uint8Array): void {
    const start = sectionStart(packet);
    if (start < 0 || packet[start] !== 0x00) return;
    const length = wholeSectionLength(packet, start);
    if (length < 0) return;
    for (let entry = start + 8; entry + 4 <= start + length - 4; entry += 4) {
      const programNumber = (packet[entry]! << 8) | packet[entry + 1]!;
      if (programNumber !== 0) {
        this.#pmtPid = ((packet[entry + 2]! & 0x1f) << 8) | packet[entry + 3]!;
        return;
      }
    }
  }

  #readPmt(packet: Uint8Array): void {
    const start = sectionStart(packet);
    if (start < 0 || packet[start] !== 0x02) return;
    const length = wholeSectionLength(packet, start);
    if (length < 0) return;
    const programInfoLength = ((packet[start + 10]! & 0x0f) << 8) | packet[start + 11]!;
    const end = start + length - 4;
    for (let entry = start + 12 + programInfoLength; entry + 5 <= end; ) {
      const esPid = ((packet[entry + 1]! & 0x1f) << 8) | packet[entry + 2]!;
      if (packet[entry] === STREAM_TYPE_SCTE35) this.#scte35Pids.add(esPid);
      entry += 5 + (((packet[entry + 3]! & 0x0f) << 8) | packet[entry + 4]!);
    }
  }

  /** Removes the segmentation_duration of each segmentation_descriptor in this packet's section; true if any. */
  #strip(packet: Uint8Array): boolean {
    const s = sectionStart(packet);
    if (s < 0 || packet[s] !== 0xfc) return false;
    let length = wholeSectionLength(packet, s);
    if (length < 0 || packet[s + 4]! & 0x80) return false; // split over packets, or encrypted: left as is
    const commandLength = ((packet[s + 11]! & 0x0f) << 8) | packet[s + 12]!;
    if (commandLength === 0xfff) return false; // legacy unknown length
    const loopAt = s + 14 + commandLength;
    if (loopAt + 2 > s + length - 4) return false;
    let changed = false;
    let loopLength = (packet[loopAt]! << 8) | packet[loopAt + 1]!;
    let descriptor = loopAt + 2;
    while (descriptor + 2 <= loopAt + 2 + loopLength) {
      const tag = packet[descriptor]!;
      let descriptorLength = packet[descriptor + 1]!;
      // ANSI/SCTE 35 §10.3.3: identifier (4), segmentation_event_id (4), cancel byte, then the flags byte.
      const flagsAt = descriptor + 11;
      if (tag === SEGMENTATION_DESCRIPTOR_TAG && descriptorLength >= 11 && (packet[descriptor + 10]! & 0x80) === 0) {
        const flags = packet[flagsAt]!;
        if (flags & SEGMENTATION_DURATION_FLAG) {
          let durationAt = flagsAt + 1;
          if ((flags & 0x80) === 0) durationAt += 1 + 6 * packet[durationAt]!; // component_count, 6 bytes each
          if (durationAt + DURATION_BYTES > descriptor + 2 + descriptorLength) return changed;
          packet.copyWithin(durationAt, durationAt + DURATION_BYTES, PACKET);
          packet.fill(0xff, PACKET - DURATION_BYTES);
          packet[flagsAt] = flags & ~SEGMENTATION_DURATION_FLAG;
          descriptorLength -= DURATION_BYTES;
          packet[descriptor + 1] = descriptorLength;
          loopLength -= DURATION_BYTES;
          packet[loopAt] = loopLength >> 8;
          packet[loopAt + 1] = loopLength & 0xff;
          length -= DURATION_BYTES;
          const sectionLength = length - 3;
          packet[s + 1] = (packet[s + 1]! & 0xf0) | (sectionLength >> 8);
          packet[s + 2] = sectionLength & 0xff;
          changed = true;
        }
      }
      descriptor += 2 + descriptorLength;
    }
    if (changed) {
      const crc = crc32Mpeg2(packet, s, s + length - 4);
      packet[s + length - 4] = crc >>> 24;
      packet[s + length - 3] = (crc >>> 16) & 0xff;
      packet[s + length - 2] = (crc >>> 8) & 0xff;
      packet[s + length - 1] = crc & 0xff;
    }
    return changed;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
