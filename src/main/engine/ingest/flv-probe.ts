// Learns what a publisher sends from the FLV tags node-media-server relays to its subscribers:
// the codec and picture size from the sequence header (SPS), the frame rate from the video
// tags' timestamps. Used where onMetaData is missing or lies. Adobe FLV spec v10.1, annex E.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { parseH264Sps } = require('node-media-server/src/protocol/sps_info.js') as {
  parseH264Sps: (sps: Buffer) => { width: number; height: number } | null;
};

export const FLV_TAG_HEADER_SIZE = 11;
export const FLV_TAG_AUDIO = 8;
export const FLV_TAG_VIDEO = 9;
export const FLV_TAG_SCRIPT = 18;
/** VideoTagHeader CodecID (E.4.3.1). */
export const FLV_CODEC_AVC = 7;
export const FLV_CODEC_HEVC_LEGACY = 12;
/** AVCPacketType (E.4.3.1). */
export const AVC_SEQUENCE_HEADER = 0;
export const AVC_NALU = 1;
/** VideoTagHeader FrameType 1 = key frame. */
export const FLV_FRAME_KEY = 1;

/** SoundFormat (E.4.2.1). */
const AUDIO_CODECS: Record<number, string> = { 2: 'mp3', 10: 'aac', 11: 'speex', 13: 'ex' };
/** onMetaData videocodecid / audiocodecid. */
const VIDEO_CODEC_IDS: Record<number, string> = { 2: 'h263', 4: 'vp6', 7: 'h264', 12: 'hevc' };

export function videoCodecName(id: unknown): string | null {
  if (typeof id === 'number') return VIDEO_CODEC_IDS[id] ?? `flv-codec-${id}`;
  if (typeof id === 'string' && id.length > 0) return id === 'avc1' ? 'h264' : id === 'hvc1' ? 'hevc' : id;
  return null;
}

export function audioCodecName(id: unknown): string | null {
  if (typeof id === 'number') return AUDIO_CODECS[id] ?? `flv-codec-${id}`;
  if (typeof id === 'string' && id.length > 0) return id === 'mp4a' ? 'aac' : id;
  return null;
}

/**
 * The SPS inside an AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.2.4.1.1):
 * version, profile, compatibility, level, lengthSizeMinusOne, numOfSPS, then spsLength + SPS.
 */
export function spsFromAvcConfig(record: Buffer): Buffer | null {
  if (record.length < 8) return null;
  const numOfSps = record[5]! & 0x1f;
  if (numOfSps < 1) return null;
  const spsLength = record.readUInt16BE(6);
  if (8 + spsLength > record.length) return null;
  return record.subarray(8, 8 + spsLength);
}

/** Counts and facts gathered from FLV tags; no per-tag allocation. */
export class FlvProbe {
  videoCodec: string | null = null;
  audioCodec: string | null = null;
  width = 0;
  height = 0;
  videoFrames = 0;
  keyFrames = 0;
  /** Video tag timestamps (ms) of the window's first and last frames, for the measured rate. */
  #windowFirstDts = -1;
  #windowLastDts = -1;
  #windowFrames = 0;

  /** One FLV tag: 11-byte header, body, 4-byte PreviousTagSize (as NMS hands it to FLV subscribers). */
  onTag(tag: Buffer): void {
    if (tag.length < FLV_TAG_HEADER_SIZE + 1) return; // the FLV file header, 13 bytes, is not a tag
    const type = tag[0]! & 0x1f;
    const size = tag.readUIntBE(1, 3);
    if (FLV_TAG_HEADER_SIZE + size > tag.length) return;
    const dts = tag[7]! * 2 ** 24 + tag.readUIntBE(4, 3);
    const body = tag.subarray(FLV_TAG_HEADER_SIZE, FLV_TAG_HEADER_SIZE + size);
    if (type === FLV_TAG_AUDIO && body.length > 0) {
      this.audioCodec ??= audioCodecName(body[0]! >> 4);
    } else if (type === FLV_TAG_VIDEO && body.length > 1) {
      this.#onVideo(body, dts);
    }
  }

  #onVideo(body: Buffer, dts: number): void {
    const exHeader = (body[0]! & 0x80) !== 0;
    const frameType = (body[0]! >> 4) & 0x07;
    if (exHeader) {
      // Enhanced RTMP: FourCC after the first byte; packet type 0 is the sequence start.
      if (body.length >= 5) this.videoCodec ??= videoCodecName(body.toString('latin1', 1, 5));
      if ((body[0]! & 0x0f) === 0) return;
    } else {
      const codecId = body[0]! & 0x0f;
      this.videoCodec ??= videoCodecName(codecId);
      if (codecId === FLV_CODEC_AVC && body[1] === AVC_SEQUENCE_HEADER) {
        // AVCPacketType(1) + CompositionTime(3), then the configuration record.
        const sps = spsFromAvcConfig(body.subarray(5));
        const size = sps ? parseH264Sps(sps) : null;
        if (size) {
          this.width = size.width;
          this.height = size.height;
        }
        return;
      }
    }
    this.videoFrames++;
    if (frameType === FLV_FRAME_KEY) this.keyFrames++;
    if (this.#windowFirstDts < 0) this.#windowFirstDts = dts;
    this.#windowLastDts = dts;
    this.#windowFrames++;
  }

  /**
   * Frames per second from the timestamps of the frames seen since the last call; null when
   * too few. Starts a new window.
   */
  takeMeasuredFps(): number | null {
    const span = this.#windowLastDts - this.#windowFirstDts;
    const frames = this.#windowFrames;
    this.#windowFirstDts = -1;
    this.#windowLastDts = -1;
    this.#windowFrames = 0;
    if (frames < 3 || span <= 0) return null;
    return ((frames - 1) * 1000) / span;
  }
}
