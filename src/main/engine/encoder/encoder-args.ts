// The encoder's ffmpeg command line: raw yuv420p on stdin and s16le 48 kHz stereo on fd 3 in,
// H.264 (fixed GOP, CBR) + AAC in a CBR MPEG-TS on stdout out, progress on stderr.
import { AUDIO_SAMPLE_RATE } from '../media.ts';
import { muxDelaySeconds, muxRateKbps, PCR_PERIOD_MS, vbvBufferKbits, type ProgramFormat } from './program-format.ts';

export const ENCODER_AUDIO_FD = 3;
/** The elementary stream PIDs FFmpeg gives the program (its defaults, named so tests can rely on them). */
export const VIDEO_PID = 0x100;
export const AUDIO_PID = 0x101;
export const PMT_PID = 0x1000;

function videoCodecArgs(format: ProgramFormat): string[] {
  const rate = `${format.videoBitrateKbps}k`;
  const gop = String(format.gopFrames);
  const common = ['-b:v', rate, '-maxrate', rate, '-bufsize', `${vbvBufferKbits(format)}k`, '-g', gop, '-keyint_min', gop];
  if (format.videoEncoder === 'libx264') {
    return [
      '-c:v',
      'libx264',
      '-preset',
      format.x264Preset,
      '-tune',
      'zerolatency', // no lookahead, no B-frames: frame n is encoded as frame n
      '-profile:v',
      'high',
      ...common,
      '-sc_threshold',
      '0', // no scene-cut keyframes: IDRs only on the n mod G = 0 grid
      '-x264-params',
      `nal-hrd=cbr:force-cfr=1:open-gop=0`,
    ];
  }
  // Hardware encoders: the same GOP grid; each has its own CBR switch.
  const cbr: Record<string, string[]> = {
    h264_nvenc: ['-rc', 'cbr', '-forced-idr', '1', '-no-scenecut', '1', '-bf', '0'],
    h264_qsv: ['-look_ahead', '0', '-bf', '0'],
    h264_vaapi: ['-rc_mode', 'CBR', '-bf', '0'],
    h264_videotoolbox: ['-realtime', '1', '-bf', '0'],
  };
  return ['-c:v', format.videoEncoder, '-profile:v', 'high', ...common, ...(cbr[format.videoEncoder] ?? [])];
}

/**
 * `startFrame`: the program frame this encoder's first frame is. A restarted encoder starts on a
 * GOP boundary and shifts its timestamps by that many frames, so PTS and the IDR grid carry on.
 */
export function encoderArgs(format: ProgramFormat, startFrame = 0): string[] {
  const fps = `${format.frameRate.num}/${format.frameRate.den}`;
  const offsetSeconds = (startFrame * format.frameRate.den) / format.frameRate.num;
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'warning',
    '-nostats',
    '-progress',
    'pipe:2',
    '-stats_period',
    '1',
    // Video: the compositor's frames, one per tick; their index is their timestamp. Raw inputs
    // have nothing to probe (every parameter is given): probing would wait for seconds of data.
    '-thread_queue_size',
    '64',
    '-probesize',
    '32',
    '-analyzeduration',
    '0',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'yuv420p',
    '-video_size',
    `${format.width}x${format.height}`,
    '-framerate',
    fps,
    '-i',
    'pipe:0',
    // Audio: exactly that tick's samples, so A/V sync holds by construction.
    '-thread_queue_size',
    '256',
    '-probesize',
    '32',
    '-analyzeduration',
    '0',
    '-f',
    's16le',
    '-ar',
    String(AUDIO_SAMPLE_RATE),
    '-ac',
    '2',
    '-i',
    `pipe:${ENCODER_AUDIO_FD}`,
    '-map',
    '0:v',
    '-map',
    '1:a',
    ...videoCodecArgs(format),
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-b:a',
    `${format.audioBitrateKbps}k`,
    '-ar',
    String(AUDIO_SAMPLE_RATE),
    '-ac',
    '2',
    '-f',
    'mpegts',
    '-muxrate',
    `${muxRateKbps(format)}k`, // CBR: null packets fill the gaps, SCTE-35 sections take them
    // The PCR may lead a frame's DTS by this much: enough to send a VBV-sized IDR before its DTS.
    '-muxdelay',
    muxDelaySeconds(format).toFixed(2),
    '-mpegts_pmt_start_pid',
    String(PMT_PID),
    '-mpegts_start_pid',
    String(VIDEO_PID),
    '-pcr_period',
    String(PCR_PERIOD_MS),
    '-flush_packets',
    '1',
    ...(startFrame > 0 ? ['-output_ts_offset', offsetSeconds.toFixed(6)] : []),
    'pipe:1',
  ];
}

/** One progress report: FFmpeg prints key=value lines and ends each block with progress=continue|end. */
export interface EncoderProgress {
  frame: number;
  fps: number;
  bitrateKbps: number | null;
  speed: number | null;
  outTimeUs: number;
  dupFrames: number;
  dropFrames: number;
}

/** Accumulates `-progress` lines; returns a finished report at each progress= line. */
export class ProgressParser {
  #values = new Map<string, string>();

  push(line: string): EncoderProgress | null {
    const separator = line.indexOf('=');
    if (separator <= 0) return null;
    const key = line.slice(0, separator).trim();
    const value = line.slice(separator + 1).trim();
    if (key !== 'progress') {
      this.#values.set(key, value);
      return null;
    }
    const get = (name: string) => this.#values.get(name);
    const number = (name: string) => {
      const parsed = Number.parseFloat(get(name) ?? '');
      return Number.isFinite(parsed) ? parsed : null;
    };
    const report: EncoderProgress = {
      frame: number('frame') ?? 0,
      fps: number('fps') ?? 0,
      bitrateKbps: number('bitrate'), // "6012.3kbits/s" parses to 6012.3; "N/A" to null
      speed: number('speed'), // "1.01x"
      outTimeUs: number('out_time_us') ?? number('out_time_ms') ?? 0,
      dupFrames: number('dup_frames') ?? 0,
      dropFrames: number('drop_frames') ?? 0,
    };
    this.#values = new Map();
    return report;
  }
}

/**
 * Progress lines are not warnings: tells them apart from what FFmpeg has to say. FFmpeg pads some
 * values to a width ("bitrate=   0.0kbits/s", "speed= 1.6x"), so spaces may follow the '='.
 */
export function isProgressLine(line: string): boolean {
  return /^[a-z_0-9]+=\s*\S*$/.test(line.trim());
}
