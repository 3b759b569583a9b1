// `studio ts inspect | inject | hls`: the MPEG-TS toolkit on files.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  buildCueIn,
  buildCueOut,
  decodeSection,
  encodeSection,
  parseSectionText,
  sectionFromJson,
  spliceTimeOf,
  type SpliceInfoSection,
} from '../engine/scte35/index.ts';
import { MAX_PTS, PTS_HZ } from '../engine/media.ts';
import { MpegTsError } from '../engine/mpegts/errors.ts';
import { Scte35Injector } from '../engine/mpegts/injector.ts';
import { inspectFile, readFileChunks, type TsInspection } from '../engine/mpegts/inspect.ts';
import { ptsDiff } from '../engine/mpegts/packet.ts';
import { HlsSegmenter } from '../engine/hls/segmenter.ts';
import { isMarkerStyle, type MarkerStyle } from '../engine/hls/playlist.ts';
import { writeFileAtomicStreaming } from '../engine/util/atomic-file.ts';
import { errorMessage } from '../engine/errors.ts';

export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const USAGE = `usage:
  studio ts inspect FILE
  studio ts inject --input IN.ts --output OUT.ts [--cue <base64|hex|json|@file>]... [--break AT:DURATION]...
                   [--preroll S] [--repeat-interval S] [--heartbeat S] [--pid N]
  studio ts hls --input IN.ts --output-dir DIR [--segment-duration S] [--markers cue,daterange,oatcls,scte35] [--list-size N]
`;

class UsageError extends Error {}

type Flags = Map<string, string[]>;

function parseFlags(argv: string[], known: Record<string, 'one' | 'many'>): { flags: Flags; positional: string[] } {
  const flags: Flags = new Map();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!(name in known)) throw new UsageError(`unknown option --${name}`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    const list = flags.get(name) ?? [];
    if (known[name] === 'one' && list.length > 0) throw new UsageError(`--${name} given twice`);
    list.push(value);
    flags.set(name, list);
  }
  return { flags, positional };
}

function one(flags: Flags, name: string): string | undefined {
  return flags.get(name)?.[0];
}

function required(flags: Flags, name: string): string {
  const value = one(flags, name);
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

function seconds(flags: Flags, name: string, fallback?: number): number | undefined {
  const value = one(flags, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new MpegTsError('BAD_ARGUMENT', `--${name} must be a number of seconds ≥ 0, got "${value}"`, { field: name });
  return n;
}

/**
 * Reads the input once and rejects what is not a transport stream with video. A trailing partial
 * packet is no reason to refuse (an SRT capture often ends mid-packet): every subcommand works on
 * the whole packets, leaves the partial one out, and says so on stderr and in its JSON `warnings`.
 */
function checkInput(file: string, needVideo: boolean, subcommand: string, io: CommandIo): TsInspection {
  if (!existsSync(file) || !statSync(file).isFile()) throw new MpegTsError('BAD_ARGUMENT', `${file}: no such file`);
  const info = inspectFile(file);
  if (info.packets === 0 || info.bytesSkipped > info.bytes / 2)
    throw new MpegTsError('NOT_TS', `${file}: not an MPEG-TS file (no 188-byte packets with sync byte 0x47)`);
  for (const warning of info.warnings) io.stderr(`studio ts ${subcommand}: warning: ${file}: ${warning}\n`);
  if (info.programs.length === 0) throw new MpegTsError('NO_PMT', `${file}: no program (PAT/PMT) found`);
  if (needVideo && (info.videoPid === null || info.idrCount === 0)) throw new MpegTsError('NO_VIDEO', `${file}: no H.264/HEVC video PID with an IDR frame`);
  return info;
}

/** --cue value: base64 or hex text, a JSON section, or @file holding any of those or raw bytes. */
function cueBytes(value: string): Uint8Array {
  let text = value;
  if (value.startsWith('@')) {
    const file = value.slice(1);
    if (!existsSync(file)) throw new MpegTsError('BAD_ARGUMENT', `--cue ${value}: no such file`, { field: 'cue' });
    const raw = readFileSync(file);
    if (raw[0] === 0xfc) return new Uint8Array(raw);
    text = raw.toString('utf8');
  }
  text = text.trim();
  try {
    if (text.startsWith('{')) return encodeSection(sectionFromJson(JSON.parse(text)));
    return parseSectionText(text);
  } catch (cause) {
    throw new MpegTsError('BAD_SECTION', `--cue ${value.length > 40 ? `${value.slice(0, 40)}…` : value}: ${errorMessage(cause)}`, { cause, field: 'cue' });
  }
}

interface PlannedCue {
  bytes: Uint8Array;
  /** Raw splice PTS, or undefined for an immediate cue. */
  splicePts: number | undefined;
  source: string;
}

/** First IDR PTS at or after `ext` (unwrapped, relative to the first IDR's timeline). */
function idrAtOrAfter(info: TsInspection, offsetTicks: number): number | undefined {
  const first = info.firstPts!;
  for (const pts of info.idrPts) if (ptsDiff(pts, first) >= offsetTicks) return pts;
  return undefined;
}

function planBreaks(specs: string[], info: TsInspection, firstEventId: number): PlannedCue[] {
  const cues: PlannedCue[] = [];
  specs.forEach((spec, i) => {
    const match = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(spec.trim());
    if (!match) throw new MpegTsError('BAD_ARGUMENT', `--break ${spec}: expected AT:DURATION in seconds, e.g. 10:30`, { field: 'break' });
    const at = Number(match[1]);
    const duration = Number(match[2]);
    if (!(duration > 0)) throw new MpegTsError('BAD_ARGUMENT', `--break ${spec}: the duration must be > 0`, { field: 'break' });
    const out = idrAtOrAfter(info, Math.round(at * PTS_HZ));
    if (out === undefined)
      throw new MpegTsError('NO_IDR', `--break ${spec}: no IDR at or after ${at} s (the input lasts ${info.durationSeconds} s)`, { field: 'break' });
    const durationTicks = Math.round(duration * PTS_HZ);
    const back = idrAtOrAfter(info, ptsDiff(out, info.firstPts!) + durationTicks);
    if (back === undefined)
      throw new MpegTsError('NO_IDR', `--break ${spec}: the return at ${at + duration} s is past the last IDR of the input`, { field: 'break' });
    const eventId = firstEventId + i;
    cues.push({ bytes: encodeSection(buildCueOut({ eventId, ptsTime: out, durationTicks, autoReturn: true })), splicePts: out, source: `--break ${spec}` });
    cues.push({ bytes: encodeSection(buildCueIn({ eventId, ptsTime: back })), splicePts: back, source: `--break ${spec} (return)` });
  });
  return cues;
}

function writeAtomically(output: string, produce: (write: (bytes: Uint8Array) => void) => void): void {
  // A file the user asked for: their umask decides who may read it, as for any tool's output.
  writeFileAtomicStreaming(output, produce, { mode: 0o666 });
}

function inspect(argv: string[], io: CommandIo): number {
  const { positional } = parseFlags(argv, {});
  if (positional.length !== 1) throw new UsageError('inspect takes one FILE');
  const info = checkInput(positional[0]!, false, 'inspect', io);
  io.stdout(`${JSON.stringify(info, null, 2)}\n`);
  return 0;
}

function inject(argv: string[], io: CommandIo): number {
  const { flags, positional } = parseFlags(argv, {
    input: 'one',
    output: 'one',
    cue: 'many',
    break: 'many',
    preroll: 'one',
    'repeat-interval': 'one',
    heartbeat: 'one',
    pid: 'one',
  });
  if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
  const input = required(flags, 'input');
  const output = required(flags, 'output');
  const preroll = seconds(flags, 'preroll', 4)!;
  const repeat = seconds(flags, 'repeat-interval', 1)!;
  const heartbeat = seconds(flags, 'heartbeat');
  const pidText = one(flags, 'pid');
  const pid = pidText === undefined ? undefined : Number(pidText);
  if (pid !== undefined && !Number.isInteger(pid)) throw new MpegTsError('BAD_ARGUMENT', `--pid must be an integer, got "${pidText}"`, { field: 'pid' });
  if (path.resolve(input) === path.resolve(output)) throw new MpegTsError('BAD_ARGUMENT', '--output must differ from --input');
  const info = checkInput(input, true, 'inject', io);
  const cues: PlannedCue[] = (flags.get('cue') ?? []).map((value) => {
    const bytes = cueBytes(value);
    let decoded: SpliceInfoSection;
    try {
      decoded = decodeSection(bytes);
    } catch (cause) {
      throw new MpegTsError('BAD_SECTION', `--cue ${value.slice(0, 40)}: ${errorMessage(cause)}`, { cause, field: 'cue' });
    }
    return { bytes, splicePts: spliceTimeOf(decoded), source: `--cue ${value.slice(0, 40)}` };
  });
  cues.push(...planBreaks(flags.get('break') ?? [], info, 1));
  const first = info.firstPts!;
  const prerollTicks = Math.round(preroll * PTS_HZ);
  for (const cue of cues) {
    if (cue.splicePts === undefined) continue;
    const offset = ptsDiff(cue.splicePts, first);
    if (offset < 0) throw new MpegTsError('SPLICE_BEFORE_START', `${cue.source}: splice PTS ${cue.splicePts} is before the first video frame (PTS ${first})`);
    if (offset < prerollTicks) {
      throw new MpegTsError(
        'SPLICE_BEFORE_START',
        `${cue.source}: splice at ${(offset / PTS_HZ).toFixed(3)} s leaves less than the ${preroll} s preroll after the start (lower --preroll or splice later)`,
      );
    }
    if (ptsDiff(cue.splicePts, (first + Math.round(info.durationSeconds * PTS_HZ)) % MAX_PTS) > 0) {
      throw new MpegTsError('BAD_ARGUMENT', `${cue.source}: splice PTS ${cue.splicePts} is after the end of the input`);
    }
  }
  const injector = new Scte35Injector({
    ...(pid === undefined ? {} : { pid }),
    prerollSeconds: preroll,
    repeatIntervalSeconds: repeat,
    ...(heartbeat === undefined ? {} : { heartbeatSeconds: heartbeat }),
  });
  for (const cue of cues) injector.queue(cue.bytes);
  writeAtomically(output, (write) => {
    readFileChunks(input, (chunk) => write(injector.push(chunk)));
    // The injector passes a trailing partial packet on last; the output keeps whole packets only.
    const partial = injector.truncatedBytes;
    const rest = injector.flush();
    write(rest.subarray(0, rest.length - partial));
  });
  const result = {
    output,
    pid: injector.pid,
    cues: cues.map((c) => ({ source: c.source, splicePts: c.splicePts ?? null })),
    ...injector.stats,
    warnings: info.warnings,
  };
  io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  return 0;
}

function hls(argv: string[], io: CommandIo): number {
  const { flags, positional } = parseFlags(argv, { input: 'one', 'output-dir': 'one', 'segment-duration': 'one', markers: 'one', 'list-size': 'one' });
  if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
  const input = required(flags, 'input');
  const outputDir = required(flags, 'output-dir');
  const segmentDuration = seconds(flags, 'segment-duration', 6)!;
  if (!(segmentDuration > 0)) throw new MpegTsError('BAD_ARGUMENT', '--segment-duration must be > 0', { field: 'segment-duration' });
  const markers = (one(flags, 'markers') ?? 'cue')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  for (const m of markers)
    if (!isMarkerStyle(m)) throw new MpegTsError('BAD_ARGUMENT', `--markers: unknown style "${m}" (cue, daterange, oatcls, scte35)`, { field: 'markers' });
  const listSizeText = one(flags, 'list-size');
  const listSize = listSizeText === undefined ? 0 : Number(listSizeText);
  if (!Number.isInteger(listSize) || listSize < 0)
    throw new MpegTsError('BAD_ARGUMENT', `--list-size must be an integer ≥ 0, got "${listSizeText}"`, { field: 'list-size' });
  const info = checkInput(input, true, 'hls', io);
  const segmenter = new HlsSegmenter({
    outputDir,
    segmentDurationSeconds: segmentDuration,
    listSize,
    markers: markers as MarkerStyle[],
    programDateTime: new Date(statSync(input).mtimeMs),
  });
  readFileChunks(input, (chunk) => segmenter.push(chunk));
  segmenter.end();
  io.stdout(
    `${JSON.stringify(
      {
        playlist: path.join(outputDir, segmenter.playlistName),
        segments: segmenter.segments.map((s) => ({
          uri: s.uri,
          duration: s.duration,
          startPts: s.startPts,
          ...(s.cueOut ? { cueOut: s.cueOut.id } : {}),
          ...(s.cueIn ? { cueIn: s.cueIn.id } : {}),
        })),
        inexactSplices: segmenter.inexactSplices,
        warnings: info.warnings, // the segmenter takes whole packets only: a partial tail is left out
      },
      null,
      2,
    )}\n`,
  );
  return 0;
}

export async function runTsCommand(argv: string[], io: CommandIo): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'inspect':
        return inspect(rest, io);
      case 'inject':
        return inject(rest, io);
      case 'hls':
        return hls(rest, io);
      case undefined:
      case 'help':
      case '--help':
        io.stdout(USAGE);
        return sub === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown subcommand "${sub}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`studio ts: ${error.message}\n${USAGE}`);
      return 2;
    }
    const message = errorMessage(error);
    io.stderr(`studio ts ${sub}: ${message.split('\n')[0]}\n`);
    return 1;
  }
}
