// Runs the encoder's exact ffmpeg command line (encoderArgs) on a source that is hard to encode, and
// counts what its mpegts muxer says. Frames are fed as fast as ffmpeg takes them: the mux's PCR
// counts bytes, not wall time, so pacing changes nothing of what the TS says, only how long it takes.
import { spawn } from 'node:child_process';
import { encoderArgs, ENCODER_AUDIO_FD } from '../../src/main/engine/encoder/encoder-args.ts';
import type { ProgramFormat } from '../../src/main/engine/encoder/program-format.ts';

export interface EncoderRunResult {
  /** Every stderr line that is not a -progress key=value line. */
  warnings: string[];
  /** The `[mpegts] dts < pcr, TS is invalid` lines among them. */
  dtsBeforePcr: number;
  tsBytes: number;
  /** TS packets on PID 0x1FFF: the CBR mux's stuffing, which the SCTE-35 injector takes. */
  nullPackets: number;
  totalPackets: number;
  exitCode: number | null;
}

export interface EncoderRunOptions {
  ffmpegPath?: string;
  format: ProgramFormat;
  seconds: number;
  /** Replaces encoderArgs(format): to measure an old or alternative command line. */
  args?: string[];
  /** A lavfi video graph at the format's size and rate; hardIdrSource(format) by default. */
  videoSource?: string;
  /** Feed in real time (`-re`), as the program does, instead of as fast as ffmpeg takes it. */
  realTime?: boolean;
}

/**
 * Full-screen pictures of one-pixel detail (a cellular automaton, like fine text or a halftone) that
 * change every 2 s and hold still in between. The still frames cost x264 almost nothing, so its
 * CBR buffer is full when the next IDR comes, and the IDR takes up to ~90 % of the VBV buffer: the
 * biggest burst the mux must carry. testsrc2 alone makes 50 KB IDRs; this makes ~650 KB ones.
 */
export function hardIdrSource(format: ProgramFormat): string {
  const fps = `${format.frameRate.num}/${format.frameRate.den}`;
  return `cellauto=s=${format.width}x${format.height}:rule=30:rate=0.5:random_fill_ratio=0.5:random_seed=1,format=yuv420p,fps=${fps}`;
}

const TS_PACKET_SIZE = 188;
const PID_NULL = 0x1fff;

export function runEncoderOnHardSource(options: EncoderRunOptions): Promise<EncoderRunResult> {
  const ffmpeg = options.ffmpegPath ?? 'ffmpeg';
  const { format, seconds } = options;
  const video = spawn(
    ffmpeg,
    [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      ...(options.realTime ? ['-re'] : []),
      '-f',
      'lavfi',
      '-i',
      options.videoSource ?? hardIdrSource(format),
      '-t',
      String(seconds),
      '-f',
      'rawvideo',
      '-pix_fmt',
      'yuv420p',
      'pipe:1',
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const audio = spawn(
    ffmpeg,
    [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      ...(options.realTime ? ['-re'] : []),
      '-f',
      'lavfi',
      '-i',
      'anoisesrc=color=pink:sample_rate=48000:amplitude=0.3',
      '-t',
      String(seconds),
      '-f',
      's16le',
      '-ar',
      '48000',
      '-ac',
      '2',
      'pipe:1',
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const stdio: ('pipe' | 'ignore')[] = ['pipe', 'pipe', 'pipe'];
  for (let fd = 3; fd <= ENCODER_AUDIO_FD; fd++) stdio.push('pipe');
  const encoder = spawn(ffmpeg, options.args ?? encoderArgs(format), { stdio });
  video.stdout.pipe(encoder.stdin!);
  audio.stdout.pipe(encoder.stdio[ENCODER_AUDIO_FD] as NodeJS.WritableStream);
  // The encoder may end before its sources drain (it is killed, or fails): that is not an error here.
  encoder.stdin!.on('error', () => {});
  (encoder.stdio[ENCODER_AUDIO_FD] as NodeJS.WritableStream).on('error', () => {});

  const warnings: string[] = [];
  let stderrRest = '';
  encoder.stderr!.setEncoding('utf8');
  encoder.stderr!.on('data', (text: string) => {
    const lines = (stderrRest + text).split('\n');
    stderrRest = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '' && !/^[a-z_0-9]+=\s*\S*$/.test(line.trim())) warnings.push(line.trim());
  });

  let tsBytes = 0;
  let nullPackets = 0;
  let totalPackets = 0;
  let carry = Buffer.alloc(0);
  encoder.stdout!.on('data', (chunk: Buffer) => {
    tsBytes += chunk.length;
    const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    let at = 0;
    for (; at + TS_PACKET_SIZE <= data.length; at += TS_PACKET_SIZE) {
      totalPackets++;
      if ((((data[at + 1]! & 0x1f) << 8) | data[at + 2]!) === PID_NULL) nullPackets++;
    }
    carry = Buffer.from(data.subarray(at));
  });

  return new Promise((resolve, reject) => {
    encoder.on('error', reject);
    encoder.on('close', (exitCode) => {
      video.kill();
      audio.kill();
      resolve({
        warnings,
        dtsBeforePcr: countMuxerWarnings(warnings, 'dts < pcr'),
        tsBytes,
        nullPackets,
        totalPackets,
        exitCode,
      });
    });
  });
}

/**
 * FFmpeg's logger folds a message repeated back to back into "Last message repeated N times", so
 * one line may stand for N + 1 occurrences.
 */
export function countMuxerWarnings(lines: string[], text: string): number {
  let count = 0;
  let previousMatched = false;
  for (const line of lines) {
    const repeated = /Last message repeated (\d+) times/.exec(line);
    if (repeated) {
      if (previousMatched) count += Number(repeated[1]);
      continue;
    }
    previousMatched = line.includes(text);
    if (previousMatched) count++;
  }
  return count;
}
