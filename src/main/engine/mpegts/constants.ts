// ISO/IEC 13818-1 (MPEG-2 Systems) constants used across the TS toolkit.
export const TS_PACKET_SIZE = 188;
export const TS_SYNC_BYTE = 0x47;
export const TS_HEADER_SIZE = 4;

export const PID_PAT = 0x0000;
export const PID_NULL = 0x1fff;
export const PID_COUNT = 0x2000;
/** PIDs 0x0010..0x1FFE may carry PMTs and elementary streams (Table 2-3). */
export const PID_FIRST_FREE = 0x0010;
export const PID_LAST_FREE = 0x1ffe;

export const TABLE_ID_PAT = 0x00;
export const TABLE_ID_PMT = 0x02;
/** Longest private section allowed (section_length is 12 bits, 4093 max for SCTE 35). */
export const MAX_SECTION_SIZE = 4096;

export const STREAM_TYPE_MPEG2_VIDEO = 0x02;
export const STREAM_TYPE_AAC = 0x0f;
export const STREAM_TYPE_H264 = 0x1b;
export const STREAM_TYPE_HEVC = 0x24;
export const STREAM_TYPE_SCTE35 = 0x86;
export const STREAM_TYPE_PRIVATE_PES = 0x06;

/** registration_descriptor (2.6.8) and SCTE 35's format_identifier 'CUEI' (SCTE 35 8.1). */
export const DESCRIPTOR_TAG_REGISTRATION = 0x05;
export const FORMAT_IDENTIFIER_CUEI = 0x43554549;

/** PCR is base × 300 + extension at 27 MHz (the 90 kHz PTS clock is PTS_HZ in ../media.ts). */
export const PCR_HZ = 27_000_000;

export function streamTypeName(streamType: number): string {
  switch (streamType) {
    case 0x01:
      return 'mpeg1-video';
    case STREAM_TYPE_MPEG2_VIDEO:
      return 'mpeg2-video';
    case 0x03:
      return 'mpeg1-audio';
    case 0x04:
      return 'mpeg2-audio';
    case STREAM_TYPE_PRIVATE_PES:
      return 'private-pes';
    case STREAM_TYPE_AAC:
      return 'aac';
    case 0x11:
      return 'aac-latm';
    case STREAM_TYPE_H264:
      return 'h264';
    case STREAM_TYPE_HEVC:
      return 'hevc';
    case 0x81:
      return 'ac3';
    case 0x87:
      return 'eac3';
    case STREAM_TYPE_SCTE35:
      return 'scte35';
    case 0x15:
      return 'metadata-pes';
    default:
      return `0x${streamType.toString(16).padStart(2, '0')}`;
  }
}

export function isVideoStreamType(streamType: number): boolean {
  return streamType === STREAM_TYPE_H264 || streamType === STREAM_TYPE_HEVC;
}
