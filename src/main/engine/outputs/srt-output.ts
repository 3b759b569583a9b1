// SRT to the distributor: ffmpeg's libsrt sends the program's TS bytes as raw data (`-f data`), 7
// whole TS packets per SRT payload. No TS remux: that would turn the SCTE-35 PID into private PES.
import { parseSrtUrl, type SrtOutputSettings } from '../../../shared/outputs.ts';
import type { Logger } from '../log.ts';
import type { BackoffPolicy } from '../process/supervisor.ts';
import { OutputError } from './errors.ts';
import { FfmpegOutput, lastMeaningfulStderrLine, type FailureVerdict } from './ffmpeg-output.ts';
import { processListWarning, SecretFile } from './secret-file.ts';

/** 7 × 188: the TS-over-IP payload (SMPTE 2022-2 / SRT's live default). */
export const SRT_PAYLOAD_BYTES = 1316;

export interface SrtEndpoint {
  host: string;
  port: number;
  /** The URL ffmpeg opens: srt://host:port plus any query the user added (never one we own). */
  url: string;
}

export function srtEndpoint(settings: SrtOutputSettings): SrtEndpoint {
  const parsed = parseSrtUrl(settings.url);
  if (!parsed.ok) throw new OutputError('BAD_SETTINGS', `url: ${parsed.problem}`, { field: 'url' });
  const { host, port, query } = parsed.value;
  return { host, port, url: `srt://${host}:${port}${query ? `?${query}` : ''}` };
}

/**
 * ffmpeg's arguments. SRT options go as protocol AVOptions, not in the URL query: ffmpeg 5.1 does
 * not URL-decode query values, so a passphrase or streamid with "&", "%" or "#" could not travel
 * there. `-srt_streamid` because `-streamid` is also an ffmpeg CLI option. `-blocksize` makes each
 * read of the pipe (and so each SRT payload) at most 1316 bytes, starting on a packet boundary.
 * With `passphraseFile`, ffmpeg reads the passphrase from that file (`-/passphrase`), so it is not
 * in the command line; only for an ffmpeg whose probe says it can.
 */
export function srtArgs(settings: SrtOutputSettings, passphraseFile?: string): string[] {
  const endpoint = srtEndpoint(settings);
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-loglevel',
    'info',
    '-blocksize',
    String(SRT_PAYLOAD_BYTES),
    '-f',
    'data',
    '-raw_packet_size',
    String(SRT_PAYLOAD_BYTES),
    '-i',
    'pipe:0',
    '-map',
    '0',
    '-c',
    'copy',
    '-mode',
    settings.mode,
    '-pkt_size',
    String(SRT_PAYLOAD_BYTES),
    // FFmpeg's srt latency is in microseconds.
    '-latency',
    String(settings.latencyMs * 1000),
    ...(settings.passphrase === undefined ? [] : passphraseFile ? ['-/passphrase', passphraseFile] : ['-passphrase', settings.passphrase]),
    ...(settings.passphrase !== undefined ? ['-pbkeylen', String(settings.pbkeylen ?? 16)] : []),
    ...(settings.streamId !== undefined ? ['-srt_streamid', settings.streamId] : []),
    '-f',
    'data',
    endpoint.url,
  ];
}

export function describeSrtFailure(settings: SrtOutputSettings, stderr: string, wasConnected: boolean): FailureVerdict {
  const { host, port } = srtEndpoint(settings);
  const where = `${host}:${port}`;
  const last = lastMeaningfulStderrLine(stderr);
  if (/Protocol not found|Unknown option|Option not found|Unrecognized option|Error parsing options/i.test(stderr)) {
    return { reason: `this ffmpeg cannot send SRT with these settings: ${last ?? 'an option was refused'}`, fatal: true };
  }
  if (/Incorrect passphrase|BADSECRET/i.test(stderr)) {
    return { reason: `${where} refused the passphrase (wrong passphrase)`, fatal: false };
  }
  if (/UNSECURE|enforced encryption|no passphrase|encryption required/i.test(stderr)) {
    return { reason: `${where} refused the connection: encryption mismatch (a passphrase on one side only)`, fatal: false };
  }
  if (/Address already in use/i.test(stderr)) {
    return { reason: `cannot listen on ${where}: the port is in use`, fatal: false };
  }
  if (/Cannot assign requested address|bind/i.test(stderr) && settings.mode === 'listener' && !wasConnected) {
    return { reason: `cannot listen on ${where}: ${last ?? 'bind failed'}`, fatal: false };
  }
  if (/Name or service not known|Temporary failure in name resolution|Failed to resolve/i.test(stderr)) {
    return { reason: `cannot resolve ${host}`, fatal: false };
  }
  if (wasConnected) return { reason: `connection to ${where} lost`, fatal: false };
  if (/reject/i.test(stderr)) return { reason: `${where} rejected the connection: ${last ?? ''}`.trim(), fatal: false };
  if (settings.mode === 'caller' && /Connection to .* failed|Connection setup failure|timed out/i.test(stderr)) {
    return { reason: `no SRT listener answered at ${where}`, fatal: false };
  }
  return { reason: `the SRT sender to ${where} ended: ${last ?? 'no message'}`, fatal: false };
}

export interface SrtOutputOptions {
  id: string;
  settings: SrtOutputSettings;
  ffmpegPath: string;
  logger: Logger;
  policy?: Partial<BackoffPolicy>;
  queueBytes?: number;
  /** This ffmpeg reads option values from files (`-/option`): the passphrase goes in a file. */
  optionValuesFromFiles?: boolean;
}

export class SrtOutput extends FfmpegOutput {
  readonly settings: SrtOutputSettings;

  constructor(options: SrtOutputOptions) {
    const { settings } = options;
    const endpoint = srtEndpoint(settings);
    const passphrase = settings.passphrase;
    const secretFile = passphrase !== undefined && options.optionValuesFromFiles ? new SecretFile(passphrase, 'passphrase') : undefined;
    super({
      id: options.id,
      kind: 'srt',
      logger: options.logger,
      ffmpegPath: options.ffmpegPath,
      target: `srt://${endpoint.host}:${endpoint.port} (${settings.mode})`,
      args: srtArgs(settings, secretFile?.path),
      // Kept between restarts (a reconnect reads it again), written afresh in case it was removed.
      ...(secretFile ? { prepare: () => secretFile.write(), release: () => secretFile.remove() } : {}),
      warnings: passphrase !== undefined && !secretFile ? [processListWarning('SRT passphrase')] : [],
      secrets: settings.passphrase !== undefined ? [settings.passphrase, encodeURIComponent(settings.passphrase)] : [],
      connectedLine: /^Output #0/,
      holdUntilConnected: true,
      connectingReason:
        settings.mode === 'listener'
          ? `listening on ${endpoint.host}:${endpoint.port}, waiting for a caller`
          : `connecting to ${endpoint.host}:${endpoint.port}`,
      describeFailure: (_exit, stderr, wasConnected) => describeSrtFailure(settings, stderr, wasConnected),
      noticeWhileConnecting: (line) =>
        settings.mode === 'listener' && /Incorrect passphrase|BADSECRET/i.test(line) ? 'a caller was refused: wrong passphrase' : undefined,
      writeUnitBytes: SRT_PAYLOAD_BYTES,
      // A listener ends when its caller leaves: listen again soon.
      policy: { ...(settings.mode === 'listener' ? { initialDelayMs: 250 } : {}), ...options.policy },
      ...(options.queueBytes === undefined ? {} : { queueBytes: options.queueBytes }),
    });
    this.settings = settings;
  }
}
