// Public API of the SCTE-35 codec (ANSI/SCTE 35 2023r1): decode, encode, text and JSON forms,
// and builders for the cues the studio sends.
export type * from './types.ts';
export {
  SPLICE_NULL,
  SPLICE_SCHEDULE,
  SPLICE_INSERT,
  TIME_SIGNAL,
  BANDWIDTH_RESERVATION,
  PRIVATE_COMMAND,
} from './types.ts';
export { Scte35Error, isScte35Error, type Scte35ErrorCode } from './errors.ts';
export { decodeSection } from './decode.ts';
export { encodeSection } from './encode.ts';
export { parseSectionText, toBase64, toHex } from './text.ts';
export { sectionFromJson } from './json.ts';
export { crc32Mpeg2 } from './crc32.ts';
export {
  buildCueOut,
  buildCueIn,
  buildCancel,
  buildSpliceNull,
  spliceTimeOf,
  CUE_OUT_SEGMENTATION_TYPES,
  type CueOutOptions,
  type CueInOptions,
  type CueStyle,
} from './builders.ts';
export * from './constants.ts';
