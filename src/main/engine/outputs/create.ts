// Outputs from stored settings: validates them (every refusal names its field) and builds the
// output of the right kind. The host keeps the id and the settings; this keeps nothing.
import { parseOutputSettings, type OutputSettings } from '../../../shared/outputs.ts';
import type { Logger } from '../log.ts';
import type { BackoffPolicy } from '../process/supervisor.ts';
import { OutputError } from './errors.ts';
import { HlsOutput } from './hls-output.ts';
import { RecordingOutput } from './recording-output.ts';
import { RtmpOutput } from './rtmp-output.ts';
import { SrtOutput } from './srt-output.ts';
import type { Output } from './types.ts';

export interface OutputContext {
  /** The ffmpeg binary (resolveFfmpegBinaries().ffmpeg.path). */
  ffmpegPath: string;
  logger: Logger;
  /** The folder the host serves at /preview/ for this HLS output. */
  previewDir: (outputId: string) => string;
  /** Restart policy of SRT and RTMP senders. */
  policy?: Partial<BackoffPolicy>;
  /** The ffmpeg reads option values from files (probe): the SRT passphrase goes in a file, not in its argv. */
  optionValuesFromFiles?: boolean;
}

/** Settings as stored or submitted, checked; throws OutputError BAD_SETTINGS naming the field. */
export function validateOutputSettings(raw: unknown): OutputSettings {
  const parsed = parseOutputSettings(raw);
  if (parsed.ok) return parsed.settings;
  throw new OutputError('BAD_SETTINGS', parsed.problem.message, parsed.problem.field ? { field: parsed.problem.field } : {});
}

export function createOutput(id: string, raw: unknown, context: OutputContext): Output {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(id)) {
    throw new OutputError('BAD_SETTINGS', 'id: must be 1–64 letters, digits, ".", "_" or "-"', { field: 'id' });
  }
  const settings = validateOutputSettings(raw);
  const common = { id, logger: context.logger };
  const policy = context.policy ? { policy: context.policy } : {};
  switch (settings.kind) {
    case 'srt':
      return new SrtOutput({ ...common, settings, ffmpegPath: context.ffmpegPath, ...policy, optionValuesFromFiles: context.optionValuesFromFiles === true });
    case 'rtmp':
      return new RtmpOutput({ ...common, settings, ffmpegPath: context.ffmpegPath, ...policy });
    case 'hls':
      return new HlsOutput({ ...common, settings, previewDir: context.previewDir(id) });
    case 'recording':
      return new RecordingOutput({ ...common, settings });
  }
}
