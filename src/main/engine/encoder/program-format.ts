// The program's format: what the encoder makes, and what every frame tick is measured against.
import { AUDIO_SAMPLE_RATE, type FrameRate } from '../media.ts';
import { TS_HEADER_SIZE, TS_PACKET_SIZE } from '../mpegts/constants.ts';

export type X264Preset = 'ultrafast' | 'superfast' | 'veryfast' | 'faster' | 'fast' | 'medium';

export interface ProgramFormat {
  width: number;
  height: number;
  /** Exact: 30000/1001 for 29.97. */
  frameRate: FrameRate;
  videoBitrateKbps: number;
  /** An IDR every gopFrames frames, scene-cut off: the splice-point grid. */
  gopFrames: number;
  x264Preset: X264Preset;
  audioBitrateKbps: number;
  /** 'libx264', or a hardware encoder that passed a trial encode. */
  videoEncoder: string;
}

export const DEFAULT_PROGRAM_FORMAT: ProgramFormat = {
  width: 1920,
  height: 1080,
  frameRate: { num: 30, den: 1 },
  videoBitrateKbps: 6000,
  gopFrames: 60,
  x264Preset: 'veryfast',
  audioBitrateKbps: 128,
  videoEncoder: 'libx264',
};

/**
 * The CBR mux rate: the elementary streams plus room for TS/PES headers, PSI, PCR and our
 * SCTE-35 sections. FFmpeg fills the rest with null packets, which the injector replaces.
 */
export function muxRateKbps(format: ProgramFormat): number {
  const payload = format.videoBitrateKbps + format.audioBitrateKbps;
  return Math.ceil(payload * 1.12 + 200);
}

/**
 * The encoder's VBV (the HRD's coded picture buffer, signalled by nal-hrd=cbr): one second of the
 * video rate. With the buffer full, as it is after still pictures, one IDR may take nearly all of it.
 */
export function vbvBufferKbits(format: ProgramFormat): number {
  return format.videoBitrateKbps;
}

// What the TS costs besides the elementary streams (ISO/IEC 13818-1 2.4.3; FFmpeg's mpegtsenc).
const TS_PAYLOAD_BYTES = TS_PACKET_SIZE - TS_HEADER_SIZE;
const kbps = (bytesPerSecond: number) => (bytesPerSecond * 8) / 1000;
/** PAT and PMT every 100 ms and the SDT every 500 ms (FFmpeg's pat_period and sdt_period), a packet each. */
const TABLES_KBPS = kbps((10 + 10 + 2) * TS_PACKET_SIZE);
/** A PCR every 20 ms (-pcr_period): 8 bytes of adaptation field in a video packet, or a packet of its own. */
export const PCR_PERIOD_MS = 20;
const PCR_KBPS = kbps((1000 / PCR_PERIOD_MS) * TS_PACKET_SIZE);
/** Room for SCTE-35 sections: a cue and its repeats are a few packets a second; allow ten. */
const SCTE35_KBPS = kbps(10 * TS_PACKET_SIZE);
/** AAC in ADTS: 1024 samples a frame at 48 kHz, a 7-byte header each. */
const AAC_FRAMES_PER_SECOND = AUDIO_SAMPLE_RATE / 1024;
const ADTS_HEADER_BYTES = 7;
/** A PES header with PTS (and DTS), and on average half a packet of stuffing to end the PES. */
const PES_OVERHEAD_BYTES = 19 + TS_PAYLOAD_BYTES / 2;
/**
 * FFmpeg gathers AAC frames into one PES until it holds ~2930 bytes (pes_payload_size) or the
 * first frame is muxdelay / 2 old (at least 0.35 s, FFmpeg's default delay): so many PES a second.
 */
function audioPesPerSecond(format: ProgramFormat): number {
  return Math.max((format.audioBitrateKbps * 1000) / 8 / 2930, 1 / 0.35);
}

/** The audio as it goes out in the TS: ADTS headers, PES headers and stuffing, 4-byte TS headers. */
export function audioTsKbps(format: ProgramFormat): number {
  const adts = format.audioBitrateKbps + kbps(AAC_FRAMES_PER_SECOND * ADTS_HEADER_BYTES);
  return (adts + kbps(audioPesPerSecond(format) * PES_OVERHEAD_BYTES)) * (TS_PACKET_SIZE / TS_PAYLOAD_BYTES);
}

/** The video as it goes out in the TS: a PES (header, access unit delimiter, stuffing) per frame. */
export function videoTsKbps(format: ProgramFormat): number {
  const fps = format.frameRate.num / format.frameRate.den;
  const perFrame = PES_OVERHEAD_BYTES + 6; // + the 6-byte AUD FFmpeg adds to each access unit
  return (format.videoBitrateKbps + kbps(fps * perFrame)) * (TS_PACKET_SIZE / TS_PAYLOAD_BYTES);
}

/** Everything the TS needs at most, before null packets: what muxRateKbps must exceed. */
export function tsPayloadKbps(format: ProgramFormat): number {
  return videoTsKbps(format) + audioTsKbps(format) + TABLES_KBPS + PCR_KBPS + SCTE35_KBPS;
}

/**
 * How fast the mux can send video bytes when it is behind: the mux rate less the audio, the
 * tables, the PCRs and the cue sections, less the TS headers.
 */
export function videoDeliveryKbps(format: ProgramFormat): number {
  const forVideo = muxRateKbps(format) - audioTsKbps(format) - TABLES_KBPS - PCR_KBPS - SCTE35_KBPS;
  return forVideo * (TS_PAYLOAD_BYTES / TS_PACKET_SIZE);
}

/** Slack on top of the VBV's drain time: packet granularity, an audio PES or the PAT/PMT cutting in. */
const MUX_DELAY_MARGIN_SECONDS = 0.05;

/**
 * FFmpeg's -muxdelay: how far the mux may send a frame ahead of its DTS (the PCR leads the DTS by
 * up to this). A CBR mux is ahead by exactly this much when a frame arrives, and then sends it at
 * videoDeliveryKbps; a frame that takes longer than that arrives after its DTS, and FFmpeg warns
 * "dts < pcr, TS is invalid" (a decoder's buffer would underflow). The VBV lets an IDR be as big as
 * the whole buffer, so the delay must cover the buffer's drain time. FFmpeg's default, 0.7 s, did
 * not (6000 kbit at ~6660 kb/s takes 0.9 s). Rounded up to 50 ms.
 */
export function muxDelaySeconds(format: ProgramFormat): number {
  const drainSeconds = vbvBufferKbits(format) / videoDeliveryKbps(format);
  return Math.ceil((drainSeconds + MUX_DELAY_MARGIN_SECONDS) * 20) / 20;
}
