// The audio monitor's wire format (OBS's "Audio Monitoring": one source in the operator's
// headphones, pre-fader). One binary WebSocket message (or IPC message in the desktop app) per
// packet of AUDIO_MONITOR_PACKET_FRAMES sample frames: a fixed little-endian header, then the
// samples as s16le interleaved. Imported by the engine and the renderer, so both read the same
// offsets.

/** A source's pre-fader audio: `?source=<id>`, while the program airs. */
export const AUDIO_MONITOR_PATH = '/api/v1/monitor/audio';

/** "AMON" as a little-endian u32. */
export const AUDIO_MONITOR_MAGIC = 0x4e4f4d41;
export const AUDIO_MONITOR_VERSION = 1;
export const AUDIO_MONITOR_HEADER_BYTES = 32;
/**
 * Sample frames per packet: 20 ms at 48 kHz. Every packet has this size, so the engine's message
 * buffers are made once at their exact length; small enough that the listener's jitter buffer
 * can stay a few packets deep.
 */
export const AUDIO_MONITOR_PACKET_FRAMES = 960;
/** The engine sends what its mixer holds: stereo. A reader still takes the channel count from the header. */
export const AUDIO_MONITOR_CHANNELS = 2;

/**
 * Header fields:
 *   0 u32 magic, 4 u16 version, 6 u16 channels, 8 u32 sample rate (Hz),
 *   12 u32 sequence (packets this feed made, mod 2^32: a gap is packets this listener missed),
 *   16 u32 sample frames in the packet, 20 u32 packets the feed could not make (no free buffer),
 *   24 f64 capturedAtMs (Unix epoch ms, sub-ms precision: when the packet's last samples were mixed).
 * Then sampleFrames × channels s16le values, interleaved.
 */
export interface AudioMonitorHeader {
  channels: number;
  sampleRate: number;
  sequence: number;
  sampleFrames: number;
  starved: number;
  capturedAtMs: number;
}

/** Bytes of a whole packet message. */
export const audioMonitorMessageBytes = (sampleFrames: number, channels: number): number => AUDIO_MONITOR_HEADER_BYTES + sampleFrames * channels * 2;

/** Writes the header into `view` (at least AUDIO_MONITOR_HEADER_BYTES long); no allocation. */
export function writeAudioMonitorHeader(view: DataView, header: AudioMonitorHeader): void {
  view.setUint32(0, AUDIO_MONITOR_MAGIC, true);
  view.setUint16(4, AUDIO_MONITOR_VERSION, true);
  view.setUint16(6, header.channels, true);
  view.setUint32(8, header.sampleRate, true);
  view.setUint32(12, header.sequence >>> 0, true);
  view.setUint32(16, header.sampleFrames, true);
  view.setUint32(20, header.starved >>> 0, true);
  view.setFloat64(24, header.capturedAtMs, true);
}

/** The header of a received message, or null when it is not an audio monitor packet of this version or its size does not match. */
export function readAudioMonitorHeader(view: DataView): AudioMonitorHeader | null {
  if (view.byteLength < AUDIO_MONITOR_HEADER_BYTES) return null;
  if (view.getUint32(0, true) !== AUDIO_MONITOR_MAGIC || view.getUint16(4, true) !== AUDIO_MONITOR_VERSION) return null;
  const channels = view.getUint16(6, true);
  const sampleRate = view.getUint32(8, true);
  const sampleFrames = view.getUint32(16, true);
  if (channels < 1 || channels > 8 || sampleRate < 8000 || sampleRate > 192_000) return null;
  if (view.byteLength !== audioMonitorMessageBytes(sampleFrames, channels)) return null;
  return {
    channels,
    sampleRate,
    sequence: view.getUint32(12, true),
    sampleFrames,
    starved: view.getUint32(20, true),
    capturedAtMs: view.getFloat64(24, true),
  };
}

/**
 * The packet's samples as floats in −1..1, one array per channel (de-interleaved, as a WebAudio
 * AudioBuffer holds them). `message` is the whole packet; `planes` has `channels` arrays of at
 * least sampleFrames values.
 */
export function audioMonitorSamplesToPlanes(message: ArrayBuffer | Uint8Array, header: AudioMonitorHeader, planes: Float32Array[]): void {
  const bytes = message instanceof Uint8Array ? message : new Uint8Array(message);
  const view = new DataView(bytes.buffer, bytes.byteOffset + AUDIO_MONITOR_HEADER_BYTES, header.sampleFrames * header.channels * 2);
  const { channels, sampleFrames } = header;
  for (let c = 0; c < channels; c++) {
    const plane = planes[c]!;
    for (let f = 0; f < sampleFrames; f++) plane[f] = view.getInt16((f * channels + c) * 2, true) / 32768;
  }
}

/** Monitoring, as OBS names it per source (Advanced Audio Properties). */
export type AudioMonitorMode = 'off' | 'monitor-only' | 'monitor-and-output';

export const AUDIO_MONITOR_MODE_LABELS: Readonly<Record<AudioMonitorMode, string>> = {
  off: 'Monitor Off',
  'monitor-only': 'Monitor Only (mute output)',
  'monitor-and-output': 'Monitor and Output',
};
