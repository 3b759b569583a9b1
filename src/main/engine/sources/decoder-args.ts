// The ffmpeg command line of a decoding source: one input, raw yuv420p frames at the layer's size
// and the program's rate on a Unix socket ffmpeg listens on (or on fd 3), s16le 48 kHz stereo on
// fd 4. Never -re: the reader's back-pressure paces it.
import { SourceError } from './errors.ts';
import { AUDIO_SAMPLE_RATE, type FrameRate } from '../media.ts';

export type DecoderInput =
  /** testsrc2 (moving colour bars, a frame counter) with a sine tone. */
  | { kind: 'testPattern'; toneHz?: number }
  /** A media file; loop with -stream_loop -1; start at an offset in seconds. */
  | { kind: 'file'; path: string; loop?: boolean; startSeconds?: number }
  /** A stream published to the embedded RTMP ingest, read in-process as FLV on stdin. */
  | { kind: 'rtmp'; streamKeyId: number };

export type Fit = 'stretch' | 'contain' | 'cover';

export interface DecoderFormat {
  width: number;
  height: number;
  /** The program frame rate as an exact fraction: 30000/1001 for 29.97. */
  rate: FrameRate;
  /** How a picture of another aspect fills the layer. Default 'contain' (letterbox, black bars). */
  fit?: Fit;
}

/** How raw frames leave ffmpeg: a Unix socket it listens on (read with no copy), or its fd 3. */
export type FrameTransport = { kind: 'socket'; path: string } | { kind: 'pipe' };

/** ffmpeg's file descriptors for the two outputs, as spawn's stdio[3] and stdio[4]. */
export const VIDEO_FD = 3;
export const AUDIO_FD = 4;

export function validateFormat(format: DecoderFormat): void {
  const { width, height, rate } = format;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 2 || height < 2 || width > 7680 || height > 4320) {
    throw new SourceError('BAD_OPTION', `layer size must be 2x2..7680x4320, got ${width}x${height}`, { field: 'width' });
  }
  if (width % 2 !== 0 || height % 2 !== 0) {
    throw new SourceError('BAD_OPTION', `yuv420p needs an even width and height, got ${width}x${height}`, { field: 'width' });
  }
  if (!Number.isSafeInteger(rate.num) || !Number.isSafeInteger(rate.den) || rate.num <= 0 || rate.den <= 0 || rate.num / rate.den > 240) {
    throw new SourceError('BAD_OPTION', `frame rate must be a positive fraction up to 240 fps, got ${rate.num}/${rate.den}`, { field: 'rate' });
  }
}

function scaleFilter(width: number, height: number, fit: Fit, inputSize?: { width: number; height: number }): string {
  // A picture of the layer's own aspect fills it whatever the fit: a plain scale does (and is
  // passed through when the size is the same). pad would copy every frame for nothing.
  if (inputSize && inputSize.width > 0 && inputSize.height > 0 && inputSize.width * height === inputSize.height * width) return `scale=${width}:${height}`;
  switch (fit) {
    case 'stretch':
      return `scale=${width}:${height}`;
    case 'cover':
      return `scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height}`;
    case 'contain':
      return `scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2`;
  }
}

/**
 * The full argument list. `hasAudio` false replaces the input's audio with generated silence
 * (a file or a stream without audio still gives PCM at the program rate).
 */
export interface DecoderArgsOptions {
  /** false: the input has no audio, silence is generated instead. */
  hasAudio?: boolean;
  transport?: FrameTransport;
  /** The input picture's size when known ahead (a live publish's metadata): spares a pad that does nothing. */
  inputSize?: { width: number; height: number };
  /** The input's frame rate when known ahead; with inputSize it picks the decoder's threads. */
  inputFps?: number;
}

/** Up to this many pixels a second (1080p60), one decoder thread keeps up with room to spare. */
const ONE_THREAD_PIXELS_PER_SECOND = 1920 * 1080 * 60;

/**
 * ffmpeg's default frame threads cost CPU in hand-offs and hold a frame of delay each. One
 * thread decodes a 1080p30 6 Mb/s High-profile stream in ~4 ms a frame here, so a stream known
 * to be no bigger than 1080p60 gets one; anything else, or unknown, keeps ffmpeg's choice.
 */
export function decoderThreads(inputSize: { width: number; height: number } | undefined, inputFps: number | undefined): number | null {
  if (!inputSize || !(inputFps && inputFps > 0)) return null;
  return inputSize.width * inputSize.height * inputFps <= ONE_THREAD_PIXELS_PER_SECOND ? 1 : null;
}

export function decoderArgs(input: DecoderInput, format: DecoderFormat, options: DecoderArgsOptions = {}): string[] {
  validateFormat(format);
  const { width, height, rate } = format;
  const fps = `${rate.num}/${rate.den}`;
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error'];
  let audioLabel: string;
  let inputs = 1;
  let inputSize = options.inputSize;
  switch (input.kind) {
    case 'testPattern': {
      const tone = input.toneHz ?? 1000;
      if (!(tone > 0 && tone < 24_000)) throw new SourceError('BAD_OPTION', `tone must be 0..24000 Hz, got ${tone}`, { field: 'toneHz' });
      args.push('-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`);
      inputSize = { width, height };
      args.push('-f', 'lavfi', '-i', `sine=frequency=${tone}:sample_rate=${AUDIO_SAMPLE_RATE}`);
      inputs = 2;
      audioLabel = '1:a';
      break;
    }
    case 'file': {
      if (!input.path) throw new SourceError('BAD_OPTION', 'a media file source needs a path', { field: 'path' });
      if (input.loop) args.push('-stream_loop', '-1');
      const start = input.startSeconds ?? 0;
      if (!(start >= 0)) throw new SourceError('BAD_OPTION', `start offset must be ≥ 0 s, got ${start}`, { field: 'startSeconds' });
      if (start > 0) args.push('-ss', String(start));
      args.push('-i', input.path.startsWith('-') ? `file:${input.path}` : input.path);
      audioLabel = '0:a';
      break;
    }
    case 'rtmp': {
      const threads = decoderThreads(options.inputSize, options.inputFps);
      if (threads !== null) args.push('-threads', String(threads));
      // Low latency: do not wait to fill probe buffers beyond what the FLV headers already say.
      args.push('-fflags', '+nobuffer', '-f', 'flv', '-i', 'pipe:0');
      audioLabel = '0:a';
      break;
    }
  }
  if (options.hasAudio === false) {
    args.push('-f', 'lavfi', '-i', `anullsrc=r=${AUDIO_SAMPLE_RATE}:cl=stereo`);
    audioLabel = `${inputs}:a`;
  }
  const video = `[0:v]fps=${fps},${scaleFilter(width, height, format.fit ?? 'contain', inputSize)},setsar=1,format=yuv420p[v]`;
  const audio = `[${audioLabel}]aresample=${AUDIO_SAMPLE_RATE},aformat=sample_fmts=s16:channel_layouts=stereo[a]`;
  args.push('-filter_complex', `${video};${audio}`);
  const transport = options.transport ?? { kind: 'pipe' };
  // -listen 1: ffmpeg creates the socket when it opens its outputs and waits there for the reader.
  const videoOut = transport.kind === 'socket' ? ['-listen', '1', `unix:${transport.path}`] : [`pipe:${VIDEO_FD}`];
  args.push('-map', '[v]', '-c:v', 'rawvideo', '-f', 'rawvideo', ...videoOut);
  args.push('-map', '[a]', '-c:a', 'pcm_s16le', '-f', 's16le', `pipe:${AUDIO_FD}`);
  return args;
}
