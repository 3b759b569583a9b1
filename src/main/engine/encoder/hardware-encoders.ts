// Hardware H.264 encoders are offered only when a trial encode succeeds on this machine:
// an encoder listed by `ffmpeg -encoders` may still lack its device or driver.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { errorMessage } from '../errors.ts';

const execFileAsync = promisify(execFile);

export const HARDWARE_H264_ENCODERS = ['h264_nvenc', 'h264_qsv', 'h264_videotoolbox', 'h264_vaapi'] as const;

export interface EncoderTrial {
  encoder: string;
  usable: boolean;
  /** Why not, in FFmpeg's words. */
  reason: string | null;
}

function trialArgs(encoder: string): string[] {
  const input = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=256x144:rate=30', '-frames:v', '15'];
  if (encoder === 'h264_vaapi') {
    return [...input.slice(0, 4), '-vaapi_device', '/dev/dri/renderD128', ...input.slice(4), '-vf', 'format=nv12,hwupload', '-c:v', encoder, '-f', 'null', '-'];
  }
  return [...input, '-pix_fmt', 'yuv420p', '-c:v', encoder, '-f', 'null', '-'];
}

/** Runs a short real encode with the encoder; usable only if FFmpeg exits 0. */
export async function trialEncode(ffmpegPath: string, encoder: string, timeoutMs = 15_000): Promise<EncoderTrial> {
  try {
    await execFileAsync(ffmpegPath, trialArgs(encoder), { timeout: timeoutMs, maxBuffer: 1 << 20 });
    return { encoder, usable: true, reason: null };
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
    const lastLine = stderr.split('\n').filter(Boolean).at(-1);
    return { encoder, usable: false, reason: lastLine ?? errorMessage(error).split('\n')[0]! };
  }
}

/** libx264 plus every listed hardware encoder that passes its trial. */
export async function usableVideoEncoders(ffmpegPath: string, listedEncoders: readonly string[]): Promise<{ usable: string[]; trials: EncoderTrial[] }> {
  const candidates = HARDWARE_H264_ENCODERS.filter((encoder) => listedEncoders.includes(encoder));
  const trials = await Promise.all(candidates.map((encoder) => trialEncode(ffmpegPath, encoder)));
  const usable = [...(listedEncoders.includes('libx264') ? ['libx264'] : []), ...trials.filter((trial) => trial.usable).map((trial) => trial.encoder)];
  return { usable, trials };
}
