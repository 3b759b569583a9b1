// RTMP push: ffmpeg remuxes the program's TS to FLV (H.264 + AAC, no re-encode). FLV has no place
// for SCTE-35, so only the first video and audio streams are mapped.
import { parseRtmpUrl, type RtmpOutputSettings } from '../../../shared/outputs.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { BackoffPolicy } from '../process/supervisor.ts';
import { OutputError } from './errors.ts';
import { FfmpegOutput, lastMeaningfulStderrLine, type FailureVerdict } from './ffmpeg-output.ts';
import { RtmpKeyRelay } from './rtmp-key-relay.ts';

/** The URL ffmpeg publishes to: the server URL, then the stream key as the last path element. */
export function rtmpPublishUrl(settings: RtmpOutputSettings): string {
  const parsed = parseRtmpUrl(settings.url);
  if (!parsed.ok) throw new OutputError('BAD_SETTINGS', `url: ${parsed.problem}`, { field: 'url' });
  return `${settings.url.trim().replace(/\/+$/, '')}/${settings.streamKey}`;
}

/** The loopback relay that carries the push: its port and the stand-in key ffmpeg is given. */
export interface RelayEndpoint {
  port: number;
  standIn: string;
}

/**
 * With `relay`, ffmpeg publishes to the loopback relay under the stand-in key and names the real
 * server in the connect command's tcUrl (`-rtmp_tcurl`): the key is not in its command line.
 */
export function rtmpArgs(settings: RtmpOutputSettings, relay?: RelayEndpoint): string[] {
  const destination = relay ? viaRelay(settings, relay) : [rtmpPublishUrl(settings)];
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-loglevel',
    'info',
    // Long enough to meet a keyframe (the video's size is only known from one; the program's GOP
    // is 2 s by default), short of the default 5 s spent looking for the SCTE-35 PID's parameters.
    '-analyzeduration',
    '4000000',
    '-f',
    'mpegts',
    '-i',
    'pipe:0',
    '-map',
    '0:v:0?',
    '-map',
    '0:a:0?',
    '-c',
    'copy',
    '-f',
    'flv',
    '-flvflags',
    'no_duration_filesize',
    ...destination,
  ];
}

function viaRelay(settings: RtmpOutputSettings, relay: RelayEndpoint): string[] {
  const parsed = parseRtmpUrl(settings.url);
  if (!parsed.ok) throw new OutputError('BAD_SETTINGS', `url: ${parsed.problem}`, { field: 'url' });
  return ['-rtmp_tcurl', settings.url.trim().replace(/\/+$/, ''), `rtmp://127.0.0.1:${relay.port}/${parsed.value.path}/${relay.standIn}`];
}

/** The server the relay connects to: the URL's host and port (1935 for rtmp, 443 for rtmps). */
function relayUpstream(settings: RtmpOutputSettings): { host: string; port: number; tls: boolean } {
  const parsed = parseRtmpUrl(settings.url);
  if (!parsed.ok) throw new OutputError('BAD_SETTINGS', `url: ${parsed.problem}`, { field: 'url' });
  const { scheme, host, port } = parsed.value;
  return { host: host.replace(/^\[|\]$/g, ''), port: port ?? (scheme === 'rtmps' ? 443 : 1935), tls: scheme === 'rtmps' };
}

export function describeRtmpFailure(settings: RtmpOutputSettings, stderr: string, wasConnected: boolean): FailureVerdict {
  const parsed = parseRtmpUrl(settings.url);
  const where = parsed.ok ? `${parsed.value.host}${parsed.value.port ? `:${parsed.value.port}` : ''}` : settings.url;
  const last = lastMeaningfulStderrLine(stderr);
  if (/Protocol not found|Unknown option|Option not found|Unrecognized option|Error parsing options/i.test(stderr)) {
    return { reason: `this ffmpeg cannot push RTMP with these settings: ${last ?? 'an option was refused'}`, fatal: true };
  }
  if (/Connection refused|ECONNREFUSED/i.test(stderr)) return { reason: `nothing accepts RTMP at ${where} (connection refused)`, fatal: false };
  if (/Name or service not known|Failed to resolve|resolve|ENOTFOUND|EAI_AGAIN/i.test(stderr)) return { reason: `cannot resolve ${where}`, fatal: false };
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
}

export class RtmpOutput extends FfmpegOutput {
  readonly settings: RtmpOutputSettings;

  constructor(options: RtmpOutputOptions) {
    const { settings } = options;
    rtmpPublishUrl(settings);
    // Nothing is bound until the output starts (settings are also built just to be checked).
    const relay = new RtmpKeyRelay({ ...relayUpstream(settings), streamKey: settings.streamKey, logger: options.logger });
    super({
      id: options.id,
      kind: 'rtmp',
      logger: options.logger,
      ffmpegPath: options.ffmpegPath,
      target: settings.url.trim(),
      args: () => rtmpArgs(settings, { port: relay.port, standIn: relay.standIn }),
      release: () => relay.close(),
      secrets: [settings.streamKey, encodeURIComponent(settings.streamKey)],
      connectedLine: /^Output #0/,
      holdUntilConnected: false,
      connectingReason: `connecting to ${settings.url.trim()}`,
      // ffmpeg only meets the relay; why the server could not be reached is the relay's to tell.
      describeFailure: (_exit, stderr, wasConnected) => describeRtmpFailure(settings, [stderr, relay.lastUpstreamError ?? ''].join('\n'), wasConnected),
      ...(options.policy ? { policy: options.policy } : {}),
      ...(options.queueBytes === undefined ? {} : { queueBytes: options.queueBytes }),
    });
    this.settings = settings;
    this.#relay = relay;
  }

  readonly #relay: RtmpKeyRelay;
  #binding: Promise<void> | undefined;
  #wanted = false;

  /** ffmpeg starts once the relay listens (a few milliseconds; the port is in its arguments). */
  override start(): void {
    this.#wanted = true;
    if (this.#relay.port > 0) {
      super.start();
      return;
    }
    this.#binding ??= this.#relay.listen().then(
      () => {
        this.#binding = undefined;
        if (this.#wanted) super.start();
      },
      (error: unknown) => {
        this.#binding = undefined;
        this.setState('failed', `cannot open the loopback relay for the stream key: ${errorMessage(error)}`);
      },
    );
  }

  override async stop(reason?: string): Promise<void> {
    this.#wanted = false;
    await this.#binding;
    await super.stop(reason);
  }
}
