// sectionFromJson: checks a JSON value (from the CLI, a file or the API) against the JSON form
// of types.ts and returns a SpliceInfoSection. Errors are BAD_INPUT or OUT_OF_RANGE naming the
// field by its path. Defaults follow the standard's usual values (tier 0xFFF, sap_type 3...).
// Integers may be given as numbers or as "0x.." / decimal strings; 90 kHz values may instead be
// given in seconds as <field>_seconds. Length fields and CRC_32 are computed, so they are ignored.
import { PTS_HZ } from '../media.ts';
import { encodeSection } from './encode.ts';
import { Scte35Error } from './errors.ts';
import {
  BANDWIDTH_RESERVATION,
  PRIVATE_COMMAND,
  SPLICE_INSERT,
  SPLICE_NULL,
  SPLICE_SCHEDULE,
  TIME_SIGNAL,
  type AudioComponent,
  type BreakDuration,
  type MidEntry,
  type SegmentationDescriptor,
  type SpliceCommand,
  type SpliceDescriptor,
  type SpliceInfoSection,
  type SpliceInsertCommand,
  type SpliceScheduleEvent,
  type SpliceTime,
  type Upid,
} from './types.ts';
import { upidBytes } from './upid.ts';
import { toHex } from './text.ts';

type Obj = Record<string, unknown>;

function bad(field: string, message: string): Scte35Error {
  return new Scte35Error('BAD_INPUT', message, { field });
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function asObject(value: unknown, path: string): Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw bad(path || '(root)', 'expected an object');
  return value as Obj;
}

function asArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw bad(path, 'expected an array');
  return value;
}

/** Refuses keys the form does not know, so that a misspelt field is not silently dropped. */
function onlyKeys(o: Obj, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) throw bad(join(path, key), `unknown field ${key}`);
  }
}

function parseInteger(value: unknown, field: string): number {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(value.trim())) n = Number(value.trim());
  else throw bad(field, `expected an integer, got ${JSON.stringify(value)}`);
  if (!Number.isSafeInteger(n)) throw new Scte35Error('OUT_OF_RANGE', `${JSON.stringify(value)} is not an integer`, { field });
  return n;
}

function uint(o: Obj, key: string, path: string, bits: number, fallback?: number): number {
  const field = join(path, key);
  const value = o[key];
  if (value === undefined) {
    if (fallback === undefined) throw bad(field, `${key} is required`);
    return fallback;
  }
  const n = parseInteger(value, field);
  if (n < 0 || n >= 2 ** bits) throw new Scte35Error('OUT_OF_RANGE', `${key} is ${n}, expected 0..2^${bits}-1`, { field });
  return n;
}

function optUint(o: Obj, key: string, path: string, bits: number): number | undefined {
  return o[key] === undefined ? undefined : uint(o, key, path, bits);
}

/** A 90 kHz value given in ticks (`key`) or in seconds (`key_seconds`). */
function ticks(o: Obj, key: string, path: string, bits: number, required: boolean): number | undefined {
  if (o[key] !== undefined) return uint(o, key, path, bits);
  const seconds = o[`${key}_seconds`];
  if (seconds !== undefined) {
    const field = join(path, `${key}_seconds`);
    if (typeof seconds !== 'number' || !Number.isFinite(seconds)) throw bad(field, 'expected a number of seconds');
    const n = Math.round(seconds * PTS_HZ);
    if (n < 0 || n >= 2 ** bits) throw new Scte35Error('OUT_OF_RANGE', `${seconds} s does not fit ${bits} bits of 90 kHz ticks`, { field });
    return n;
  }
  if (required) throw bad(join(path, key), `${key} is required`);
  return undefined;
}

function bool(o: Obj, key: string, path: string, fallback?: boolean): boolean {
  const value = o[key];
  if (value === undefined) {
    if (fallback === undefined) throw bad(join(path, key), `${key} is required`);
    return fallback;
  }
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === 1) return value === 1;
  throw bad(join(path, key), `expected true/false, got ${JSON.stringify(value)}`);
}

function hex(o: Obj, key: string, path: string, fallback?: string): string {
  const field = join(path, key);
  const value = o[key];
  if (value === undefined) {
    if (fallback === undefined) throw bad(field, `${key} is required`);
    return fallback;
  }
  if (typeof value !== 'string') throw bad(field, 'expected a hex string');
  const s = value.replace(/^0x/i, '').replace(/\s+/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(s)) throw bad(field, 'expected hex digits in pairs');
  return s.toLowerCase();
}

function text(o: Obj, key: string, path: string, fallback?: string): string {
  const value = o[key];
  if (value === undefined) {
    if (fallback === undefined) throw bad(join(path, key), `${key} is required`);
    return fallback;
  }
  if (typeof value !== 'string') throw bad(join(path, key), 'expected a string');
  return value;
}

function reservedBits(o: Obj, path: string): { reserved_bits?: number[] } {
  if (o.reserved_bits === undefined) return {};
  const field = join(path, 'reserved_bits');
  const list = asArray(o.reserved_bits, field).map((v, i) => {
    const n = parseInteger(v, `${field}[${i}]`);
    if (n < 0 || n > 0x7f) throw new Scte35Error('OUT_OF_RANGE', 'a reserved field has at most 7 bits', { field: `${field}[${i}]` });
    return n;
  });
  return { reserved_bits: list };
}

const SECTION_KEYS = [
  'table_id',
  'section_syntax_indicator',
  'private_indicator',
  'sap_type',
  'section_length',
  'protocol_version',
  'encrypted_packet',
  'encryption_algorithm',
  'pts_adjustment',
  'pts_adjustment_seconds',
  'cw_index',
  'tier',
  'splice_command_length',
  'splice_command_type',
  'splice_command',
  'descriptor_loop_length',
  'descriptors',
  'alignment_stuffing',
  'encrypted_payload',
  'crc_32',
  'CRC_32',
] as const;

/** Validates `json` into a SpliceInfoSection that encodeSection accepts. */
export function sectionFromJson(json: unknown): SpliceInfoSection {
  const o = asObject(json, '');
  onlyKeys(o, SECTION_KEYS, '');
  const encrypted = bool(o, 'encrypted_packet', '', false);
  const section: SpliceInfoSection = {
    table_id: uint(o, 'table_id', '', 8, 0xfc),
    section_syntax_indicator: bool(o, 'section_syntax_indicator', '', false),
    private_indicator: bool(o, 'private_indicator', '', false),
    sap_type: uint(o, 'sap_type', '', 2, 3),
    protocol_version: uint(o, 'protocol_version', '', 8, 0),
    encrypted_packet: encrypted,
    encryption_algorithm: uint(o, 'encryption_algorithm', '', 6, 0),
    pts_adjustment: ticks(o, 'pts_adjustment', '', 33, false) ?? 0,
    cw_index: uint(o, 'cw_index', '', 8, 0xff),
    tier: uint(o, 'tier', '', 12, 0xfff),
    splice_command_type: null,
    splice_command: null,
    descriptors: [],
  };
  if (section.table_id !== 0xfc) throw new Scte35Error('OUT_OF_RANGE', 'table_id must be 0xFC', { field: 'table_id' });
  const commandLength = optUint(o, 'splice_command_length', '', 12);
  if (commandLength !== undefined) section.splice_command_length = commandLength;
  if (encrypted) {
    if (commandLength === undefined) throw bad('splice_command_length', 'an encrypted section needs its splice_command_length');
    section.encrypted_payload = hex(o, 'encrypted_payload', '');
  } else {
    const sectionType = o.splice_command_type === undefined || o.splice_command_type === null ? undefined : uint(o, 'splice_command_type', '', 8);
    section.splice_command = command(o.splice_command, sectionType);
    section.splice_command_type = section.splice_command.splice_command_type;
    section.descriptors = asArray(o.descriptors ?? [], 'descriptors').map((d, i) => descriptor(d, `descriptors[${i}]`));
    const stuffing = hex(o, 'alignment_stuffing', '', '');
    if (stuffing !== '') section.alignment_stuffing = stuffing;
  }
  encodeSection(section); // everything the encoder checks (sizes, fixed UPID lengths) fails here, not later
  return section;
}

function spliceTime(value: unknown, path: string): SpliceTime {
  const o = asObject(value, path);
  onlyKeys(o, ['time_specified_flag', 'pts_time', 'pts_time_seconds', 'reserved_bits'], path);
  const pts = ticks(o, 'pts_time', path, 33, false);
  const specified = bool(o, 'time_specified_flag', path, pts !== undefined);
  if (specified && pts === undefined) throw bad(join(path, 'pts_time'), 'pts_time is required when time_specified_flag is set');
  if (!specified && pts !== undefined) throw bad(join(path, 'pts_time'), 'pts_time given but time_specified_flag is false');
  return { time_specified_flag: specified, ...(pts === undefined ? {} : { pts_time: pts }), ...reservedBits(o, path) };
}

function breakDuration(value: unknown, path: string): BreakDuration {
  const o = asObject(value, path);
  onlyKeys(o, ['auto_return', 'duration', 'duration_seconds', 'reserved_bits'], path);
  return { auto_return: bool(o, 'auto_return', path), duration: ticks(o, 'duration', path, 33, true)!, ...reservedBits(o, path) };
}

const COMMAND_TYPES = [SPLICE_NULL, SPLICE_SCHEDULE, SPLICE_INSERT, TIME_SIGNAL, BANDWIDTH_RESERVATION, PRIVATE_COMMAND];

function command(value: unknown, sectionType: number | undefined): SpliceCommand {
  const path = 'splice_command';
  const o = asObject(value, path);
  const type = o.splice_command_type === undefined ? sectionType : uint(o, 'splice_command_type', path, 8);
  if (type === undefined) throw bad('splice_command_type', 'splice_command_type is required');
  if (sectionType !== undefined && sectionType !== type)
    throw bad('splice_command_type', 'splice_command_type differs from splice_command.splice_command_type');
  if (!COMMAND_TYPES.includes(type)) {
    throw new Scte35Error('UNKNOWN_COMMAND', `splice_command_type 0x${type.toString(16)} is reserved`, { field: 'splice_command_type' });
  }
  switch (type) {
    case SPLICE_NULL:
    case BANDWIDTH_RESERVATION:
      onlyKeys(o, ['splice_command_type'], path);
      return { splice_command_type: type } as SpliceCommand;
    case TIME_SIGNAL:
      onlyKeys(o, ['splice_command_type', 'splice_time'], path);
      return { splice_command_type: TIME_SIGNAL, splice_time: spliceTime(o.splice_time, join(path, 'splice_time')) };
    case PRIVATE_COMMAND:
      onlyKeys(o, ['splice_command_type', 'identifier', 'private_bytes'], path);
      return { splice_command_type: PRIVATE_COMMAND, identifier: text(o, 'identifier', path), private_bytes: hex(o, 'private_bytes', path, '') };
    case SPLICE_SCHEDULE: {
      onlyKeys(o, ['splice_command_type', 'splice_count', 'events'], path);
      return {
        splice_command_type: SPLICE_SCHEDULE,
        events: asArray(o.events ?? [], join(path, 'events')).map((e, i) => scheduleEvent(e, `${path}.events[${i}]`)),
      };
    }
    default:
      return spliceInsert(o, path);
  }
}

const INSERT_KEYS = [
  'splice_command_type',
  'splice_event_id',
  'splice_event_cancel_indicator',
  'event_id_compliance_flag',
  'out_of_network_indicator',
  'program_splice_flag',
  'duration_flag',
  'splice_immediate_flag',
  'splice_time',
  'component_count',
  'components',
  'break_duration',
  'unique_program_id',
  'avail_num',
  'avails_expected',
  'reserved_bits',
];

function spliceInsert(o: Obj, path: string): SpliceInsertCommand {
  onlyKeys(o, INSERT_KEYS, path);
  const cmd: SpliceInsertCommand = {
    splice_command_type: SPLICE_INSERT,
    splice_event_id: uint(o, 'splice_event_id', path, 32),
    splice_event_cancel_indicator: bool(o, 'splice_event_cancel_indicator', path, false),
    event_id_compliance_flag: bool(o, 'event_id_compliance_flag', path, true),
    ...reservedBits(o, path),
  };
  if (cmd.splice_event_cancel_indicator) return cmd;
  const components = o.components === undefined ? undefined : asArray(o.components, join(path, 'components'));
  const program = bool(o, 'program_splice_flag', path, components === undefined);
  const immediate = bool(o, 'splice_immediate_flag', path, o.splice_time === undefined && components === undefined);
  const breakDur = o.break_duration === undefined ? undefined : breakDuration(o.break_duration, join(path, 'break_duration'));
  const durationFlag = bool(o, 'duration_flag', path, breakDur !== undefined);
  if (durationFlag !== (breakDur !== undefined)) throw bad(join(path, 'duration_flag'), 'duration_flag and break_duration disagree');
  if (program !== (components === undefined)) throw bad(join(path, 'program_splice_flag'), 'program_splice_flag set with components, or clear without them');
  cmd.out_of_network_indicator = bool(o, 'out_of_network_indicator', path, false);
  cmd.program_splice_flag = program;
  cmd.duration_flag = durationFlag;
  cmd.splice_immediate_flag = immediate;
  if (program && !immediate) cmd.splice_time = spliceTime(o.splice_time, join(path, 'splice_time'));
  if (program && immediate && o.splice_time !== undefined) throw bad(join(path, 'splice_time'), 'splice_time given with splice_immediate_flag');
  if (components !== undefined) {
    cmd.components = components.map((c, i) => {
      const p = `${path}.components[${i}]`;
      const co = asObject(c, p);
      onlyKeys(co, ['component_tag', 'splice_time'], p);
      const tag = uint(co, 'component_tag', p, 8);
      return immediate ? { component_tag: tag } : { component_tag: tag, splice_time: spliceTime(co.splice_time, join(p, 'splice_time')) };
    });
  }
  if (breakDur !== undefined) cmd.break_duration = breakDur;
  cmd.unique_program_id = uint(o, 'unique_program_id', path, 16, 0);
  cmd.avail_num = uint(o, 'avail_num', path, 8, 0);
  cmd.avails_expected = uint(o, 'avails_expected', path, 8, 0);
  return cmd;
}

function scheduleEvent(value: unknown, path: string): SpliceScheduleEvent {
  const o = asObject(value, path);
  onlyKeys(
    o,
    [
      'splice_event_id',
      'splice_event_cancel_indicator',
      'event_id_compliance_flag',
      'out_of_network_indicator',
      'program_splice_flag',
      'duration_flag',
      'utc_splice_time',
      'component_count',
      'components',
      'break_duration',
      'unique_program_id',
      'avail_num',
      'avails_expected',
      'reserved_bits',
    ],
    path,
  );
  const e: SpliceScheduleEvent = {
    splice_event_id: uint(o, 'splice_event_id', path, 32),
    splice_event_cancel_indicator: bool(o, 'splice_event_cancel_indicator', path, false),
    event_id_compliance_flag: bool(o, 'event_id_compliance_flag', path, true),
    ...reservedBits(o, path),
  };
  if (e.splice_event_cancel_indicator) return e;
  const components = o.components === undefined ? undefined : asArray(o.components, join(path, 'components'));
  e.out_of_network_indicator = bool(o, 'out_of_network_indicator', path, false);
  e.program_splice_flag = bool(o, 'program_splice_flag', path, components === undefined);
  if (e.program_splice_flag !== (components === undefined))
    throw bad(join(path, 'program_splice_flag'), 'program_splice_flag set with components, or clear without them');
  const breakDur = o.break_duration === undefined ? undefined : breakDuration(o.break_duration, join(path, 'break_duration'));
  e.duration_flag = bool(o, 'duration_flag', path, breakDur !== undefined);
  if (e.duration_flag !== (breakDur !== undefined)) throw bad(join(path, 'duration_flag'), 'duration_flag and break_duration disagree');
  if (components === undefined) e.utc_splice_time = uint(o, 'utc_splice_time', path, 32);
  else {
    e.components = components.map((c, i) => {
      const p = `${path}.components[${i}]`;
      const co = asObject(c, p);
      onlyKeys(co, ['component_tag', 'utc_splice_time'], p);
      return { component_tag: uint(co, 'component_tag', p, 8), utc_splice_time: uint(co, 'utc_splice_time', p, 32) };
    });
  }
  if (breakDur !== undefined) e.break_duration = breakDur;
  e.unique_program_id = uint(o, 'unique_program_id', path, 16, 0);
  e.avail_num = uint(o, 'avail_num', path, 8, 0);
  e.avails_expected = uint(o, 'avails_expected', path, 8, 0);
  return e;
}

const DESCRIPTOR_NAMES: Record<number, SpliceDescriptor['name']> = {
  0: 'avail_descriptor',
  1: 'DTMF_descriptor',
  2: 'segmentation_descriptor',
  3: 'time_descriptor',
  4: 'audio_descriptor',
};
const BASE_KEYS = ['name', 'splice_descriptor_tag', 'descriptor_length', 'identifier'];

function descriptor(value: unknown, path: string): SpliceDescriptor {
  const o = asObject(value, path);
  const identifier = text(o, 'identifier', path, 'CUEI');
  let name = o.name;
  if (name === undefined) {
    const tag = uint(o, 'splice_descriptor_tag', path, 8);
    name = identifier === 'CUEI' ? (DESCRIPTOR_NAMES[tag] ?? 'private_descriptor') : 'private_descriptor';
  }
  const base = { splice_descriptor_tag: 0, identifier };
  switch (name) {
    case 'avail_descriptor':
      onlyKeys(o, [...BASE_KEYS, 'provider_avail_id'], path);
      return { name, ...base, splice_descriptor_tag: 0, provider_avail_id: uint(o, 'provider_avail_id', path, 32) };
    case 'DTMF_descriptor':
      onlyKeys(o, [...BASE_KEYS, 'preroll', 'dtmf_count', 'dtmf_chars', 'reserved_bits'], path);
      return {
        name,
        ...base,
        splice_descriptor_tag: 1,
        preroll: uint(o, 'preroll', path, 8),
        dtmf_chars: text(o, 'dtmf_chars', path, ''),
        ...reservedBits(o, path),
      };
    case 'segmentation_descriptor':
      return segmentation(o, path, identifier);
    case 'time_descriptor':
      onlyKeys(o, [...BASE_KEYS, 'TAI_seconds', 'TAI_ns', 'UTC_offset'], path);
      return {
        name,
        ...base,
        splice_descriptor_tag: 3,
        TAI_seconds: uint(o, 'TAI_seconds', path, 48),
        TAI_ns: uint(o, 'TAI_ns', path, 32),
        UTC_offset: uint(o, 'UTC_offset', path, 16),
      };
    case 'audio_descriptor': {
      onlyKeys(o, [...BASE_KEYS, 'audio_count', 'components', 'reserved_bits'], path);
      const components = asArray(o.components ?? [], join(path, 'components')).map((c, i): AudioComponent => {
        const p = `${path}.components[${i}]`;
        const co = asObject(c, p);
        onlyKeys(co, ['component_tag', 'ISO_code', 'bit_stream_mode', 'num_channels', 'full_srvc_audio'], p);
        return {
          component_tag: uint(co, 'component_tag', p, 8),
          ISO_code: text(co, 'ISO_code', p),
          bit_stream_mode: uint(co, 'bit_stream_mode', p, 3),
          num_channels: uint(co, 'num_channels', p, 4),
          full_srvc_audio: bool(co, 'full_srvc_audio', p),
        };
      });
      return { name, ...base, splice_descriptor_tag: 4, components, ...reservedBits(o, path) };
    }
    case 'private_descriptor':
      onlyKeys(o, [...BASE_KEYS, 'private_bytes'], path);
      return { name, ...base, splice_descriptor_tag: uint(o, 'splice_descriptor_tag', path, 8), private_bytes: hex(o, 'private_bytes', path, '') };
    default:
      throw bad(join(path, 'name'), `unknown descriptor name ${JSON.stringify(name)}`);
  }
}

const SEGMENTATION_KEYS = [
  ...BASE_KEYS,
  'segmentation_event_id',
  'segmentation_event_cancel_indicator',
  'segmentation_event_id_compliance_indicator',
  'program_segmentation_flag',
  'segmentation_duration_flag',
  'delivery_not_restricted_flag',
  'web_delivery_allowed_flag',
  'no_regional_blackout_flag',
  'archive_allowed_flag',
  'device_restrictions',
  'component_count',
  'components',
  'segmentation_duration',
  'segmentation_duration_seconds',
  'segmentation_upid_type',
  'segmentation_upid_length',
  'segmentation_upid',
  'segmentation_type_id',
  'segment_num',
  'segments_expected',
  'sub_segment_num',
  'sub_segments_expected',
  'reserved_bits',
];

function segmentation(o: Obj, path: string, identifier: string): SegmentationDescriptor {
  onlyKeys(o, SEGMENTATION_KEYS, path);
  const d: SegmentationDescriptor = {
    name: 'segmentation_descriptor',
    splice_descriptor_tag: 2,
    identifier,
    segmentation_event_id: uint(o, 'segmentation_event_id', path, 32),
    segmentation_event_cancel_indicator: bool(o, 'segmentation_event_cancel_indicator', path, false),
    segmentation_event_id_compliance_indicator: bool(o, 'segmentation_event_id_compliance_indicator', path, true),
    ...reservedBits(o, path),
  };
  if (d.segmentation_event_cancel_indicator) return d;
  const components = o.components === undefined ? undefined : asArray(o.components, join(path, 'components'));
  const duration = ticks(o, 'segmentation_duration', path, 40, false);
  d.program_segmentation_flag = bool(o, 'program_segmentation_flag', path, components === undefined);
  if (d.program_segmentation_flag !== (components === undefined))
    throw bad(join(path, 'program_segmentation_flag'), 'program_segmentation_flag set with components, or clear without them');
  d.segmentation_duration_flag = bool(o, 'segmentation_duration_flag', path, duration !== undefined);
  if (d.segmentation_duration_flag !== (duration !== undefined))
    throw bad(join(path, 'segmentation_duration_flag'), 'segmentation_duration_flag and segmentation_duration disagree');
  const restrictionsGiven = ['web_delivery_allowed_flag', 'no_regional_blackout_flag', 'archive_allowed_flag', 'device_restrictions'].some(
    (k) => o[k] !== undefined,
  );
  d.delivery_not_restricted_flag = bool(o, 'delivery_not_restricted_flag', path, !restrictionsGiven);
  if (!d.delivery_not_restricted_flag) {
    d.web_delivery_allowed_flag = bool(o, 'web_delivery_allowed_flag', path, true);
    d.no_regional_blackout_flag = bool(o, 'no_regional_blackout_flag', path, true);
    d.archive_allowed_flag = bool(o, 'archive_allowed_flag', path, true);
    d.device_restrictions = uint(o, 'device_restrictions', path, 2, 3);
  } else if (restrictionsGiven) {
    throw bad(join(path, 'delivery_not_restricted_flag'), 'delivery restrictions given but delivery_not_restricted_flag is set');
  }
  if (components !== undefined) {
    d.components = components.map((c, i) => {
      const p = `${path}.components[${i}]`;
      const co = asObject(c, p);
      onlyKeys(co, ['component_tag', 'pts_offset', 'pts_offset_seconds', 'reserved_bits'], p);
      return { component_tag: uint(co, 'component_tag', p, 8), pts_offset: ticks(co, 'pts_offset', p, 33, true)!, ...reservedBits(co, p) };
    });
  }
  if (duration !== undefined) d.segmentation_duration = duration;
  const upidType = uint(o, 'segmentation_upid_type', path, 8, 0);
  d.segmentation_upid_type = upidType;
  d.segmentation_upid = upid(o.segmentation_upid, upidType, join(path, 'segmentation_upid'));
  d.segmentation_type_id = uint(o, 'segmentation_type_id', path, 8);
  d.segment_num = uint(o, 'segment_num', path, 8, 0);
  d.segments_expected = uint(o, 'segments_expected', path, 8, 0);
  const sub = optUint(o, 'sub_segment_num', path, 8);
  const subs = optUint(o, 'sub_segments_expected', path, 8);
  if ((sub === undefined) !== (subs === undefined)) throw bad(join(path, 'sub_segments_expected'), 'sub_segment_num and sub_segments_expected go together');
  if (sub !== undefined) {
    d.sub_segment_num = sub;
    d.sub_segments_expected = subs!;
  }
  return d;
}

/** A UPID given as hex, as a plain string (its readable text), or as an object of types.ts Upid. */
function upid(value: unknown, type: number, path: string): Upid {
  if (value === undefined) return { hex: '' };
  const o: Obj = typeof value === 'string' ? { text: value } : asObject(value, path);
  onlyKeys(o, ['hex', 'text', 'upids', 'atsc', 'mpu'], path);
  const given: Partial<Upid> = {};
  if (o.hex !== undefined) given.hex = hex(o, 'hex', path);
  if (o.text !== undefined) given.text = text(o, 'text', path);
  if (o.upids !== undefined) {
    given.upids = asArray(o.upids, join(path, 'upids')).map((e, i): MidEntry => {
      const p = `${path}.upids[${i}]`;
      const eo = asObject(e, p);
      onlyKeys(eo, ['segmentation_upid_type', 'segmentation_upid_length', 'segmentation_upid'], p);
      const t = uint(eo, 'segmentation_upid_type', p, 8);
      return { segmentation_upid_type: t, segmentation_upid: upid(eo.segmentation_upid, t, join(p, 'segmentation_upid')) };
    });
  }
  if (o.atsc !== undefined) {
    const p = join(path, 'atsc');
    const a = asObject(o.atsc, p);
    onlyKeys(a, ['tsid', 'end_of_day', 'unique_for', 'content_id'], p);
    given.atsc = {
      tsid: uint(a, 'tsid', p, 16),
      end_of_day: uint(a, 'end_of_day', p, 5),
      unique_for: uint(a, 'unique_for', p, 9),
      content_id: hex(a, 'content_id', p, ''),
    };
  }
  if (o.mpu !== undefined) {
    const p = join(path, 'mpu');
    const m = asObject(o.mpu, p);
    onlyKeys(m, ['format_identifier', 'private_data'], p);
    given.mpu = { format_identifier: text(m, 'format_identifier', p), private_data: hex(m, 'private_data', p, '') };
  }
  const bytes = upidBytes(type, given, path);
  return { ...given, hex: toHex(bytes) };
}
