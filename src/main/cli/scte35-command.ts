// `studio scte35 decode <base64|hex>` prints the section as JSON;
// `studio scte35 encode <json|@file> [--hex]` prints base64 (or hex).
// Bad input: exit code 1 and exactly one line on stderr (code, field, offset), no stack trace.
import { PTS_HZ } from '../engine/media.ts';
import { Scte35Error, decodeSection, encodeSection, parseSectionText, sectionFromJson, toBase64, toHex } from '../engine/scte35/index.ts';
import { errorMessage } from '../engine/errors.ts';

export interface Scte35CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readFile: (p: string) => Promise<string>;
}

const USAGE = 'usage: studio scte35 decode <base64|hex> | studio scte35 encode <json|@file> [--hex]';

/** 90 kHz fields that get a `<name>_seconds` companion in the printed JSON (sectionFromJson accepts it back). */
const TICK_FIELDS = new Set(['pts_adjustment', 'pts_time', 'duration', 'segmentation_duration', 'pts_offset']);

function withSeconds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withSeconds);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = withSeconds(v);
    if (TICK_FIELDS.has(key) && typeof v === 'number') out[`${key}_seconds`] = Number((v / PTS_HZ).toFixed(6));
  }
  return out;
}

function oneLine(error: unknown): string {
  if (error instanceof Scte35Error) return `studio scte35: ${error.describe()}`.replace(/\s*\n\s*/g, ' ');
  const message = errorMessage(error);
  return `studio scte35: ${message}`.replace(/\s*\n\s*/g, ' ');
}

export async function runScte35Command(argv: string[], io: Scte35CommandIo): Promise<number> {
  try {
    const [action, ...rest] = argv;
    const flags = rest.filter((a) => a.startsWith('--'));
    const args = rest.filter((a) => !a.startsWith('--'));
    if (action === 'decode') {
      if (args.length !== 1 || flags.length > 0) throw new Scte35Error('BAD_INPUT', `decode takes one argument. ${USAGE}`);
      const section = decodeSection(parseSectionText(args[0]!));
      io.stdout(`${JSON.stringify(withSeconds(section), null, 2)}\n`);
      return 0;
    }
    if (action === 'encode') {
      const unknown = flags.filter((f) => f !== '--hex');
      if (args.length !== 1 || unknown.length > 0) throw new Scte35Error('BAD_INPUT', `encode takes one argument and --hex. ${USAGE}`);
      const source = args[0]!;
      let text: string;
      if (source.startsWith('@')) {
        try {
          text = await io.readFile(source.slice(1));
        } catch (e) {
          throw new Scte35Error('BAD_INPUT', `cannot read ${source.slice(1)}: ${errorMessage(e)}`, { cause: e });
        }
      } else {
        text = source;
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw new Scte35Error('BAD_INPUT', `not JSON: ${errorMessage(e)}`, { cause: e });
      }
      const bytes = encodeSection(sectionFromJson(json));
      io.stdout(`${flags.includes('--hex') ? `0x${toHex(bytes)}` : toBase64(bytes)}\n`);
      return 0;
    }
    throw new Scte35Error('BAD_INPUT', action === undefined ? USAGE : `unknown action "${action}". ${USAGE}`);
  } catch (error) {
    io.stderr(`${oneLine(error)}\n`);
    return 1;
  }
}
