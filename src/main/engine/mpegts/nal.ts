// NAL unit classification for access-unit keyframe detection.
// H.264: ITU-T H.264 Table 7-1. HEVC: ITU-T H.265 Table 7-1.

export type VideoCodec = 'h264' | 'hevc';

/** nal_unit_type of an H.264 NAL header byte (forbidden_zero_bit, nal_ref_idc, nal_unit_type). */
export function h264NalType(header: number): number {
  return header & 0x1f;
}

/** nal_unit_type of the first HEVC NAL header byte (forbidden_zero_bit, nal_unit_type, ...). */
export function hevcNalType(header: number): number {
  return (header >> 1) & 0x3f;
}

/** Slices of a picture: H.264 types 1..5 (coded slice, partition A..C, IDR). */
export function h264IsVcl(type: number): boolean {
  return type >= 1 && type <= 5;
}

/** IDR picture slice (nal_unit_type 5). */
export function h264IsIdr(type: number): boolean {
  return type === 5;
}

/** VCL NAL unit types 0..31. */
export function hevcIsVcl(type: number): boolean {
  return type <= 31;
}

/** Intra random access point: BLA_W_LP..CRA_NUT and the reserved IRAP types, 16..23. */
export function hevcIsIrap(type: number): boolean {
  return type >= 16 && type <= 23;
}

/**
 * Finds the first VCL NAL unit of an access unit across any number of payload pieces. Start codes
 * (00 00 01) may straddle pieces; the scanner keeps the zero run between calls.
 */
export class FirstSliceScanner {
  codec: VideoCodec = 'h264';
  /** Result once found: keyframe (IDR / IRAP) and the slice's nal_unit_type. */
  found = false;
  keyframe = false;
  nalType = -1;
  private zeros = 0;
  private atHeader = false;

  reset(codec: VideoCodec): void {
    this.codec = codec;
    this.found = false;
    this.keyframe = false;
    this.nalType = -1;
    this.zeros = 0;
    this.atHeader = false;
  }

  /** Scans b[start, end); returns true once the first slice has been found. */
  scan(b: Uint8Array, start: number, end: number): boolean {
    let zeros = this.zeros;
    const h264 = this.codec === 'h264';
    for (let i = start; i < end; i++) {
      const v = b[i]!;
      if (this.atHeader) {
        this.atHeader = false;
        const type = h264 ? h264NalType(v) : hevcNalType(v);
        if (h264 ? h264IsVcl(type) : hevcIsVcl(type)) {
          this.found = true;
          this.nalType = type;
          this.keyframe = h264 ? h264IsIdr(type) : hevcIsIrap(type);
          return true;
        }
        zeros = v === 0 ? 1 : 0;
        continue;
      }
      if (v === 0) zeros++;
      else {
        if (v === 1 && zeros >= 2) this.atHeader = true;
        zeros = 0;
      }
    }
    this.zeros = zeros;
    return false;
  }
}
