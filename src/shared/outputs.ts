// Output settings: what the creator stores for each destination of the program's TS (SRT, HLS,
// recording, RTMP). Zod only: the renderer imports this too. Every refusal names its field.
import { z } from 'zod';

export const OUTPUT_KINDS = ['srt', 'hls', 'recording', 'rtmp'] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

/** Ad-marker styles an HLS playlist can carry (rendered by the engine's hls/playlist.ts). */
export const HLS_MARKER_STYLES = ['cue', 'daterange', 'oatcls', 'scte35'] as const;
export type HlsMarkerStyle = (typeof HLS_MARKER_STYLES)[number];

export const SRT_LATENCY_MS = { min: 20, max: 8000, default: 120 } as const;
export const SRT_PASSPHRASE_LENGTH = { min: 10, max: 79 } as const;
export const SRT_STREAM_ID_MAX = 512;
export const SRT_KEY_LENGTHS = [16, 24, 32] as const;

/** SRT options we set from fields; a URL carrying them is refused so there is one place for each. */
export const SRT_OWNED_URL_PARAMS = [
  'mode',
  'latency',
  'rcvlatency',
  'peerlatency',
  'tsbpddelay',
  'passphrase',
  'pbkeylen',
  'streamid',
  'srt_streamid',
  'pkt_size',
  'payload_size',
  'transtype',
] as const;
const ownedParamField: Record<string, string> = {
  mode: 'mode',
  latency: 'latencyMs',
  rcvlatency: 'latencyMs',
  peerlatency: 'latencyMs',
  tsbpddelay: 'latencyMs',
  passphrase: 'passphrase',
  pbkeylen: 'pbkeylen',
  streamid: 'streamId',
  srt_streamid: 'streamId',
};

/** Tokens a recording's file name pattern may use (strftime style, local time). */
export const RECORDING_PATTERN_TOKENS = ['%Y', '%m', '%d', '%H', '%M', '%S', '%%'] as const;
export const DEFAULT_RECORDING_PATTERN = 'program-%Y%m%d-%H%M%S.ts';

export interface ParsedHostPort {
  host: string;
  port: number;
  /** The query string without '?', possibly empty. */
  query: string;
}

/** Splits `scheme://host:port[/][?query]`; null when it is not of that shape. Hosts may be [IPv6]. */
function splitHostPort(url: string, scheme: string): { host: string; port: string | undefined; rest: string } | null {
  const prefix = `${scheme}://`;
  if (!url.toLowerCase().startsWith(prefix)) return null;
  const afterScheme = url.slice(prefix.length);
  const match = /^(\[[0-9a-fA-F:.]*\]|[^/:?#\s@[\]]*)(?::([^/?#]*))?(.*)$/.exec(afterScheme);
  if (!match) return null;
  return { host: match[1] ?? '', port: match[2], rest: match[3] ?? '' };
}

function portProblem(port: string | undefined, scheme: string): string | null {
  if (port === undefined || port === '') return `must include a port (${scheme}://host:port)`;
  if (!/^\d{1,5}$/.test(port)) return 'port must be a number between 1 and 65535';
  const value = Number(port);
  if (value < 1 || value > 65535) return 'port must be between 1 and 65535';
  return null;
}

/** Reads an srt://host:port[?query] URL; throws nothing, returns the problem as text instead. */
export function parseSrtUrl(url: string): { ok: true; value: ParsedHostPort } | { ok: false; problem: string } {
  const parts = splitHostPort(url.trim(), 'srt');
  if (!parts) return { ok: false, problem: 'must be an srt:// URL (srt://host:port)' };
  if (parts.host === '' || parts.host === '[]') return { ok: false, problem: 'must name a host (srt://host:port; 0.0.0.0 to listen on every interface)' };
  const bad = portProblem(parts.port, 'srt');
  if (bad) return { ok: false, problem: bad };
  const rest = parts.rest;
  if (rest.includes('#')) return { ok: false, problem: 'must not contain "#"' };
  const queryAt = rest.indexOf('?');
  const pathPart = queryAt >= 0 ? rest.slice(0, queryAt) : rest;
  if (pathPart !== '' && pathPart !== '/') return { ok: false, problem: 'must not have a path (srt://host:port)' };
  const query = queryAt >= 0 ? rest.slice(queryAt + 1) : '';
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const name = pair.split('=')[0]!.toLowerCase();
    if ((SRT_OWNED_URL_PARAMS as readonly string[]).includes(name)) {
      const field = ownedParamField[name];
      return { ok: false, problem: field ? `must not set "${name}": use the ${field} field` : `must not set "${name}": the studio sets it` };
    }
    if (!/^[a-z_]+$/.test(name)) return { ok: false, problem: `has a malformed query parameter "${pair}"` };
  }
  return { ok: true, value: { host: parts.host, port: Number(parts.port), query } };
}

/** Reads an rtmp(s)://host[:port]/app[/...] URL. */
export function parseRtmpUrl(
  url: string,
): { ok: true; value: { scheme: 'rtmp' | 'rtmps'; host: string; port: number | undefined; path: string } } | { ok: false; problem: string } {
  const trimmed = url.trim();
  const scheme = trimmed.toLowerCase().startsWith('rtmps://') ? 'rtmps' : trimmed.toLowerCase().startsWith('rtmp://') ? 'rtmp' : null;
  if (!scheme) return { ok: false, problem: 'must be an rtmp:// or rtmps:// URL' };
  const parts = splitHostPort(trimmed, scheme);
  if (!parts || parts.host === '' || parts.host === '[]') return { ok: false, problem: `must name a host (${scheme}://host/app)` };
  if (parts.port !== undefined) {
    const bad = portProblem(parts.port, scheme);
    if (bad) return { ok: false, problem: bad };
  }
  if (/[\s?#]/.test(parts.rest)) return { ok: false, problem: 'must not contain spaces, "?" or "#"' };
  const path = parts.rest.replace(/^\/+|\/+$/g, '');
  if (path === '') return { ok: false, problem: `must include the application path (${scheme}://host/app)` };
  return { ok: true, value: { scheme, host: parts.host, port: parts.port === undefined ? undefined : Number(parts.port), path } };
}

/** A folder path the engine can use as is: absolute, POSIX or Windows. */
const absoluteFolder = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(1024, 'must be at most 1024 characters')
  .refine((value) => value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value) || value.startsWith('\\\\'), 'must be an absolute path')
  .refine((value) => !value.includes('\0'), 'must not contain NUL characters');

const outputName = z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters').optional();

const srtUrl = z.string().superRefine((value, ctx) => {
  const parsed = parseSrtUrl(value);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem });
});

const rtmpUrl = z.string().superRefine((value, ctx) => {
  const parsed = parseRtmpUrl(value);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem });
});

/** SRT's fields, before the rule that ties pbkeylen to a passphrase (checked again once a kept passphrase is merged in). */
const srtOutputFields = z
  .object({
    kind: z.literal('srt'),
    name: outputName,
    url: srtUrl,
    mode: z.enum(['caller', 'listener'], { error: 'must be "caller" or "listener"' }).default('caller'),
    /** SRT latency in milliseconds (FFmpeg's srt `latency` option takes microseconds: the engine converts). */
    latencyMs: z
      .number({ error: 'must be a number of milliseconds' })
      .int('must be a whole number of milliseconds')
      .min(SRT_LATENCY_MS.min, `must be between ${SRT_LATENCY_MS.min} and ${SRT_LATENCY_MS.max} ms`)
      .max(SRT_LATENCY_MS.max, `must be between ${SRT_LATENCY_MS.min} and ${SRT_LATENCY_MS.max} ms`)
      .default(SRT_LATENCY_MS.default),
    passphrase: z
      .string({ error: 'must be text' })
      .min(SRT_PASSPHRASE_LENGTH.min, `must be ${SRT_PASSPHRASE_LENGTH.min}–${SRT_PASSPHRASE_LENGTH.max} characters`)
      .max(SRT_PASSPHRASE_LENGTH.max, `must be ${SRT_PASSPHRASE_LENGTH.min}–${SRT_PASSPHRASE_LENGTH.max} characters`)
      .refine((value) => !value.includes('\0'), 'must not contain NUL characters')
      .optional(),
    pbkeylen: z.union([z.literal(16), z.literal(24), z.literal(32)], { error: 'must be 16, 24 or 32 (bytes)' }).optional(),
    streamId: z
      .string({ error: 'must be text' })
      .max(SRT_STREAM_ID_MAX, `must be at most ${SRT_STREAM_ID_MAX} characters`)
      .refine((value) => !value.includes('\0'), 'must not contain NUL characters')
      .optional(),
  })
  .strict();

export const srtOutputSettings = srtOutputFields.superRefine((value, ctx) => {
  if (value.pbkeylen !== undefined && value.passphrase === undefined) {
    ctx.addIssue({ code: 'custom', path: ['pbkeylen'], message: 'needs a passphrase (the key length only applies to encryption)' });
  }
});

export const hlsOutputSettings = z
  .object({
    kind: z.literal('hls'),
    name: outputName,
    /** Also publish the playlist and segments to this folder (the preview folder is the engine's). */
    folder: absoluteFolder.optional(),
    segmentSeconds: z
      .number({ error: 'must be a number of seconds' })
      .min(1, 'must be between 1 and 30 seconds')
      .max(30, 'must be between 1 and 30 seconds')
      .default(4),
    listSize: z
      .number({ error: 'must be a number of segments' })
      .int('must be a whole number of segments')
      .min(2, 'must be between 2 and 100 segments')
      .max(100, 'must be between 2 and 100 segments')
      .default(6),
    markers: z
      .array(z.enum(HLS_MARKER_STYLES, { error: `must be one of ${HLS_MARKER_STYLES.join(', ')}` }))
      .max(HLS_MARKER_STYLES.length)
      .refine((list) => new Set(list).size === list.length, 'must not repeat a style')
      .default(['cue']),
  })
  .strict();

export const recordingOutputSettings = z
  .object({
    kind: z.literal('recording'),
    name: outputName,
    folder: absoluteFolder,
    /** A file name with %Y %m %d %H %M %S (local time) and %%; it must end in .ts. */
    fileNamePattern: z
      .string()
      .trim()
      .min(4, 'must be a file name ending in .ts')
      .max(200, 'must be at most 200 characters')
      .refine((value) => value.toLowerCase().endsWith('.ts'), 'must end in .ts')
      .refine((value) => !/[/\\]/.test(value) && value !== '..' && !value.startsWith('.'), 'must be a file name, not a path')
      .refine((value) => !/[<>:"|?*\0]/.test(value), 'must not contain < > : " | ? * or NUL')
      .refine(
        (value) => (value.match(/%./g) ?? []).every((token) => (RECORDING_PATTERN_TOKENS as readonly string[]).includes(token)) && !/%$/.test(value),
        `may use only ${RECORDING_PATTERN_TOKENS.join(' ')}`,
      )
      .default(DEFAULT_RECORDING_PATTERN),
    /** Start a new file every this many minutes (at the next PAT); absent: one file per start. */
    rotateMinutes: z
      .number({ error: 'must be a number of minutes' })
      .int('must be a whole number of minutes')
      .min(1, 'must be between 1 and 1440 minutes')
      .max(1440, 'must be between 1 and 1440 minutes')
      .optional(),
  })
  .strict();

const rtmpStreamKey = z
  .string({ error: 'must be text' })
  .trim()
  .min(1, 'must not be empty')
  .max(512, 'must be at most 512 characters')
  .refine((value) => !/[\s?#/]/.test(value), 'must not contain spaces, "/", "?" or "#"');

export const rtmpOutputSettings = z
  .object({
    kind: z.literal('rtmp'),
    name: outputName,
    url: rtmpUrl,
    streamKey: rtmpStreamKey,
  })
  .strict();

export const outputSettings = z.discriminatedUnion('kind', [srtOutputSettings, hlsOutputSettings, recordingOutputSettings, rtmpOutputSettings], {
  error: (issue) => (issue.code === 'invalid_union' ? `must be one of ${OUTPUT_KINDS.join(', ')}` : undefined),
});

/**
 * outputs.update's settings: as outputSettings, but the secret (an SRT passphrase, an RTMP stream
 * key) may be left out, so a form that never saw it can keep it (`keepSecret`). The whole is
 * checked again with outputSettings once the stored secret is merged in (withKeptSecret).
 */
export const outputSettingsEdit = z.discriminatedUnion(
  'kind',
  [srtOutputFields, hlsOutputSettings, recordingOutputSettings, rtmpOutputSettings.extend({ streamKey: rtmpStreamKey.optional() })],
  { error: (issue) => (issue.code === 'invalid_union' ? `must be one of ${OUTPUT_KINDS.join(', ')}` : undefined) },
);
export type OutputSettingsEdit = z.output<typeof outputSettingsEdit>;
export type OutputSettingsEditInput = z.input<typeof outputSettingsEdit>;

/**
 * The settings an edit stands for: with `keepSecret`, a secret left out is the stored one; without
 * it, a secret left out is removed (an SRT output without encryption). Not yet validated as a whole.
 */
export function withKeptSecret(edited: OutputSettingsEdit, stored: OutputSettings, keepSecret: boolean): Record<string, unknown> {
  if (!keepSecret || edited.kind !== stored.kind) return { ...edited };
  if (edited.kind === 'srt' && stored.kind === 'srt' && edited.passphrase === undefined && stored.passphrase !== undefined) {
    return { ...edited, passphrase: stored.passphrase };
  }
  if (edited.kind === 'rtmp' && stored.kind === 'rtmp' && edited.streamKey === undefined) return { ...edited, streamKey: stored.streamKey };
  return { ...edited };
}

/** Settings as a client writes them (defaults may be left out). */
export type OutputSettingsInput = z.input<typeof outputSettings>;
/** Settings after validation, defaults filled in. */
export type OutputSettings = z.output<typeof outputSettings>;
export type SrtOutputSettings = z.output<typeof srtOutputSettings>;
export type HlsOutputSettings = z.output<typeof hlsOutputSettings>;
export type RecordingOutputSettings = z.output<typeof recordingOutputSettings>;
export type RtmpOutputSettings = z.output<typeof rtmpOutputSettings>;

export interface SettingsProblem {
  /** Dotted path of the field at fault, e.g. "latencyMs"; empty for the whole object. */
  field: string;
  /** "latencyMs: must be between 20 and 8000 ms". */
  message: string;
}

/** Every problem of a failed parse, each naming its field. */
export function settingsProblems(error: z.ZodError): SettingsProblem[] {
  return error.issues.map((issue) => {
    const unknownKeys = issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys : [];
    const field = [...issue.path, ...unknownKeys.slice(0, 1)].map(String).join('.');
    const text = issue.code === 'unrecognized_keys' ? 'is not a setting of this output kind' : issue.message;
    return { field, message: field ? `${field}: ${text}` : text };
  });
}

/** Validates stored or submitted settings; the first problem comes with its field. */
export function parseOutputSettings(
  raw: unknown,
): { ok: true; settings: OutputSettings } | { ok: false; problem: SettingsProblem; problems: SettingsProblem[] } {
  const parsed = outputSettings.safeParse(raw);
  if (parsed.success) return { ok: true, settings: parsed.data };
  const problems = settingsProblems(parsed.error);
  return { ok: false, problem: problems[0]!, problems };
}

/** What may be shown or logged: secrets (passphrase, stream key) replaced by whether they are set. */
export type PublicOutputSettings =
  | (Omit<SrtOutputSettings, 'passphrase'> & { passphraseSet: boolean })
  | HlsOutputSettings
  | RecordingOutputSettings
  | (Omit<RtmpOutputSettings, 'streamKey'> & { streamKeySet: boolean });

export function publicOutputSettings(settings: OutputSettings): PublicOutputSettings {
  if (settings.kind === 'srt') {
    const { passphrase, ...rest } = settings;
    return { ...rest, passphraseSet: passphrase !== undefined };
  }
  if (settings.kind === 'rtmp') {
    const { streamKey, ...rest } = settings;
    return { ...rest, streamKeySet: streamKey.length > 0 };
  }
  return settings;
}

// ---------------------------------------------------------------------------
// Live state, as the engine reports it
// ---------------------------------------------------------------------------

/** The same states as the process Supervisor's, for every kind of output. */
export type OutputState =
  | 'idle'
  /** Launched, not yet delivering: connecting (SRT caller, RTMP), waiting for a caller (SRT listener). */
  | 'starting'
  /** Delivering bytes. */
  | 'running'
  /** Lost its destination; retries after a delay (see retryInMs). */
  | 'backoff'
  /** Something retrying cannot fix: see reason. Others keep going. */
  | 'failed'
  | 'stopped';

export interface OutputStatus {
  id: string;
  kind: OutputKind;
  state: OutputState;
  /** Why the state is what it is, for people: "connection to 10.0.0.5:9000 lost", "disk full: …". */
  reason: string | undefined;
  /** Bytes handed to this output by the fan-out. */
  bytesIn: number;
  /** Bytes the destination took (the sender process's pipe, the file, the segmenter). */
  bytesOut: number;
  /** Measured over the last seconds from bytesOut, in kbit/s. */
  bitrateKbps: number;
  /** Bytes dropped: destination down or too slow (whole 188-byte packets, oldest first). */
  droppedBytes: number;
  /** Chunks dropped, counted with droppedBytes. */
  droppedChunks: number;
  /** Times the destination came back after being lost. */
  reconnects: number;
  /** The last error met, kept after recovery. Secrets are redacted. */
  lastError: string | undefined;
  /** In backoff: the delay before the next attempt. */
  retryInMs: number | undefined;
  /** Where it goes, for people: "srt://10.0.0.5:9000 (caller)", a file path, a playlist path. Never a secret. */
  target: string;
  /** When the state last changed (ISO 8601). */
  since: string;
  /** Standing notes about how the output is set up, e.g. a secret visible in the process list. */
  warnings?: string[];
}
