// RTMP push: ffmpeg remuxes the program's TS to FLV (H.264 + AAC, no re-encode). FLV has no place
// for SCTE-35, so only the first video and audio streams are mapped.
import { parseRtmpUrl, type RtmpOutputSettings } from '../../../shared/outputs.ts';
import type { Logger } from '../log.ts';
import type { BackoffPolicy } from '../process/supervisor.ts';
import { OutputError } from './errors.ts';
import { FfmpegOutput, telling, type FailureVerdict } from './ffmpeg-output.ts';
import { processListWarning, SecretFile } from './secret-file.ts';

/** The URL ffmpeg publishes to: the server URL, then the stream key as the last path element. */
export function rtmpPublishUrl(settings: RtmpOutputSettings): string {
  const parsed = parseRtmpUrl(settings.url);
  if (!parsed.ok) throw new OutputError('BAD_SETTINGS', `url: ${parsed.problem}`, { field: 'url' });
  return `${settings.url.trim().replace(/\/+$/, '')}/${settings.streamKey}`;
}

/**
 * With `streamKeyFile`, ffmpeg reads the key from that file as the RTMP play path
 * (`-/rtmp_playpath`) and connects to the URL's application (`-rtmp_app`): the key is not in the
 * command line. Only for an ffmpeg whose probe says it can read option values from files.
 */
export function rtmpArgs(settings: RtmpOutputSettings, streamKeyFile?: string): string[] {
  const destination = streamKeyFile ? rtmpFromFile(settings, streamKeyFile) : [rtmpPublishUrl(settings)];
  return [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info',
    // Long enough to meet a keyframe (the video's size is only known from one; the program's GOP
    // is 2 s by default), short of the default 5 s spent looking for the SCTE-35 PID's parameters.
    '-analyzeduration', '4000000',
    '-f', 'mpegts', '-i', 'pipe:0',
    '-map', '0:v:0?', '-map', '0:a:0?', '-c', 'copy',
    '-f', 'flv', '-flvflags', 'no_duration_filesize',
    ...destination,
  ];
}

function rtmpFromFile(settings: RtmpOutputSettings, streamKeyFile: string): string[] {
  const parsed = parseRtmpUrl(settings.url);
  if (!parsed.ok) throw new OutputError('BAD_SETTINGS', `url: ${parsed.problem}`, { field: 'url' });
  return ['-rtmp_app', parsed.value.path, '-/rtmp_playpath', streamKeyFile, settings.url.trim().replace(/\/+$/, '')];
}

export function describeRtmpFailure(settings: RtmpOutputSettings, stderr: string, wasConnected: boolean): FailureVerdict {
  const parsed = parseRtmpUrl(settings.url);
  const where = parsed.ok ? `${parsed.value.host}${parsed.value.port ? `:${parsed.value.port}` : ''}` : settings.url;
  const last = telling(stderr);
  if (/Protocol not found|Unknown option|Option not found|Unrecognized option|Error parsing options/i.test(stderr)) {
    return { reason: `this ffmpeg cannot push RTMP with these settings: ${last ?? 'an option was refused'}`, fatal: true };
  }
  if (/Connection refused/i.test(stderr)) return { reason: `nothing accepts RTMP at ${where} (connection refused)`, fatal: false };
  if (/Name or service not known|Failed to resolve|resolve/i.test(stderr)) return { reason: `cannot resolve ${where}`, fatal: false };
  if (/Invalid data found|could not find codec|Could not write header/i.test(stderr)) {
    return { reason: `cannot remux the program to FLV: ${last ?? ''}`.trim(), fatal: false };
  }
  if (wasConnected) return { reason: `connection to ${where} lost: ${last ?? ''}`.trim(), fatal: false };
  return { reason: `the RTMP push to ${where} ended: ${last ?? 'no message'}`, fatal: false };
}

export interface RtmpOutputOptions {
  id: string;
  settings: RtmpOutputSettings;
  ffmpegPath: string;
  logger: Logger;
  policy?: Partial<BackoffPolicy>;
  queueBytes?: number;
  /** This ffmpeg reads option values from files (`-/option`): the stream key goes in a file. */
  optionValuesFromFiles?: boolean;
}

export class RtmpOutput extends FfmpegOutput {
  readonly settings: RtmpOutputSettings;

  constructor(options: RtmpOutputOptions) {
    const { settings } = options;
    rtmpPublishUrl(settings);
    const secretFile = options.optionValuesFromFiles ? new SecretFile(settings.streamKey, 'stream-key') : undefined;
    super({
      id: options.id,
      kind: 'rtmp',
      logger: options.logger,
      ffmpegPath: options.ffmpegPath,
      target: settings.url.trim(),
      args: rtmpArgs(settings, secretFile?.path),
      secretFile,
      warnings: secretFile ? [] : [processListWarning('RTMP stream key')],
      secrets: [settings.streamKey, encodeURIComponent(settings.streamKey)],
      connectedLine: /^Output #0/,
      holdUntilConnected: false,
      connectingReason: `connecting to ${settings.url.trim()}`,
      describeFailure: (_exit, stderr, wasConnected) => describeRtmpFailure(settings, stderr, wasConnected),
      policy: options.policy,
      queueBytes: options.queueBytes,
    });
    this.settings = settings;
  }
}
