// The program's media units, one definition each for every capability: sources decode into them,
// the compositor and the mixer run on them, the encoder is told them.

/** PTS/DTS count a 90 kHz clock in 33 bits and wrap (ISO/IEC 13818-1 2.4.3.7); SCTE-35 times are the same ticks. */
export const PTS_HZ = 90_000;
export const MAX_PTS = 2 ** 33;

/** A frame rate as an exact fraction: 30000/1001 for 29.97, 25/1, 60000/1001 for 59.94. */
export interface FrameRate {
  readonly num: number;
  readonly den: number;
}

/** Program audio: s16le stereo at 48 kHz, from every decoder through the mixer to the encoder. */
export const AUDIO_SAMPLE_RATE = 48_000;
export const AUDIO_CHANNELS = 2;
/** One sample frame: two channels of 16 bits. */
export const AUDIO_BYTES_PER_SAMPLE = 2 * AUDIO_CHANNELS;
