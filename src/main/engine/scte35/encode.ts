// Encoder of splice_info_section (ANSI/SCTE 35 2023r1 §9.6 Table 5). Computes every length
// field and the CRC_32; checks that each value fits its field (OUT_OF_RANGE, naming the field).
import {
  AUDIO_DESCRIPTOR_TAG,
  AVAIL_DESCRIPTOR_TAG,
  CRC_BYTES,
  CUEI_IDENTIFIER,
  DTMF_DESCRIPTOR_TAG,
  MAX_SECTION_BYTES,
  MAX_SECTION_LENGTH,
  SEGMENTATION_DESCRIPTOR_TAG,
  SPLICE_COMMAND_LENGTH_LEGACY,
  TABLE_ID_SCTE35,
  TIME_DESCRIPTOR_TAG,
} from './constants.ts';
import { crc32Mpeg2 } from './crc32.ts';
import { Scte35Error } from './errors.ts';
import { fromHex } from './text.ts';
import {
  BANDWIDTH_RESERVATION,
  PRIVATE_COMMAND,
  SPLICE_INSERT,
  SPLICE_NULL,
  SPLICE_SCHEDULE,
  TIME_SIGNAL,
  type BreakDuration,
  type SegmentationDescriptor,
  type SpliceCommand,
  type SpliceDescriptor,
  type SpliceInfoSection,
  type SpliceInsertCommand,
  type SpliceScheduleCommand,
  type SpliceTime,
  type Upid,
} from './types.ts';
import { checkUpidLength, upidBytes } from './upid.ts';

const TWO_32 = 2 ** 32;

/** One reusable buffer: a section is at most 4096 bytes, and encoding is synchronous. */
const scratch = new Uint8Array(MAX_SECTION_BYTES);
let pos = 0;

function tooLong(): Scte35Error {
  return new Scte35Error('OUT_OF_RANGE', `the section would exceed ${MAX_SECTION_BYTES} bytes`, { field: 'section_length' });
}

function outOfRange(field: string, value: unknown, what: string): Scte35Error {
  return new Scte35Error('OUT_OF_RANGE', `${field} is ${JSON.stringify(value) ?? String(value)}, expected ${what}`, { field });
}

/** An unsigned integer of `bits` bits (bits ≤ 48). */
function uint(value: number, bits: number, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= 2 ** bits) {
    throw outOfRange(field, value, `an integer in 0..2^${bits}-1`);
  }
  return value;
}

function put8(v: number): void {
  if (pos >= MAX_SECTION_BYTES) throw tooLong();
  scratch[pos++] = v;
}

function put16(v: number): void {
  if (pos + 2 > MAX_SECTION_BYTES) throw tooLong();
  scratch[pos] = v >>> 8;
  scratch[pos + 1] = v;
  pos += 2;
}

function put32(v: number): void {
  if (pos + 4 > MAX_SECTION_BYTES) throw tooLong();
  scratch[pos] = v >>> 24;
  scratch[pos + 1] = v >>> 16;
  scratch[pos + 2] = v >>> 8;
  scratch[pos + 3] = v;
  pos += 4;
}

function putBytes(bytes: Uint8Array): void {
  if (pos + bytes.length > MAX_SECTION_BYTES) throw tooLong();
  scratch.set(bytes, pos);
  pos += bytes.length;
}

/** A flag byte's top bits plus a 33-bit value: the 33rd bit goes in the low bit of that byte. */
function put33(prefixBits: number, value: number): void {
  const hi = value >= TWO_32 ? 1 : 0;
  put8(prefixBits | hi);
  put32(value - hi * TWO_32);
}

/** The i-th reserved field of a structure: as decoded if given, otherwise all '1' bits. */
function reserved(bits: number[] | undefined, i: number, width: number, field: string): number {
  const all = (1 << width) - 1;
  if (bits === undefined) return all;
  const v = bits[i];
  if (v === undefined) return all;
  return uint(v, width, `${field}.reserved_bits[${i}]`);
}

function chars(text: string, n: number, field: string): number[] {
  if (typeof text !== 'string' || text.length !== n) throw outOfRange(field, text, `${n} character(s)`);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw outOfRange(field, text, 'characters of one byte each');
    out.push(c);
  }
  return out;
}

/** Encodes a section; lengths and CRC_32 are computed. */
export function encodeSection(section: SpliceInfoSection): Uint8Array {
  if (section === null || typeof section !== 'object') throw new Scte35Error('BAD_INPUT', 'expected a splice_info_section object');
  pos = 0;
  if (section.table_id !== TABLE_ID_SCTE35) throw outOfRange('table_id', section.table_id, '0xFC (252)');
  put8(TABLE_ID_SCTE35);
  const sap = uint(section.sap_type, 2, 'sap_type');
  put8((section.section_syntax_indicator ? 0x80 : 0) | (section.private_indicator ? 0x40 : 0) | (sap << 4));
  put8(0); // section_length, patched below
  put8(uint(section.protocol_version, 8, 'protocol_version'));
  const algorithm = uint(section.encryption_algorithm, 6, 'encryption_algorithm');
  put33((section.encrypted_packet ? 0x80 : 0) | (algorithm << 1), uint(section.pts_adjustment, 33, 'pts_adjustment'));
  put8(uint(section.cw_index, 8, 'cw_index'));
  const tier = uint(section.tier, 12, 'tier');
  const tierPos = pos;
  put8(tier >>> 4);
  put16(0); // (tier & 0xf) << 12 | splice_command_length, patched below
  let commandLength: number;
  if (section.encrypted_packet) {
    // §11: the encrypted part is carried as received; its clear splice_command_length is kept.
    if (typeof section.encrypted_payload !== 'string') {
      throw new Scte35Error('BAD_INPUT', 'an encrypted section needs encrypted_payload', { field: 'encrypted_payload' });
    }
    commandLength = uint(section.splice_command_length ?? -1, 12, 'splice_command_length');
    putBytes(fromHex(section.encrypted_payload, 'encrypted_payload'));
  } else {
    const command = section.splice_command;
    if (command === null || typeof command !== 'object') throw new Scte35Error('BAD_INPUT', 'splice_command is missing', { field: 'splice_command' });
    const type = command.splice_command_type;
    if (section.splice_command_type !== undefined && section.splice_command_type !== null && section.splice_command_type !== type) {
      throw outOfRange('splice_command_type', section.splice_command_type, `${type} as in splice_command`);
    }
    put8(type);
    const start = pos;
    try {
      encodeCommand(command);
    } catch (e) {
      throw e instanceof Scte35Error && e.code !== 'UNKNOWN_COMMAND' ? e.withFieldPrefix('splice_command.') : e;
    }
    commandLength = pos - start;
    if (section.splice_command_length === SPLICE_COMMAND_LENGTH_LEGACY) {
      if (type === PRIVATE_COMMAND) {
        throw new Scte35Error('LENGTH_MISMATCH', 'a private_command cannot use the legacy splice_command_length 0xFFF', { field: 'splice_command_length' });
      }
      commandLength = SPLICE_COMMAND_LENGTH_LEGACY;
    } else if (commandLength >= SPLICE_COMMAND_LENGTH_LEGACY) {
      throw tooLong();
    }
    const loopPos = pos;
    put16(0); // descriptor_loop_length, patched below
    const descriptors = section.descriptors;
    if (!Array.isArray(descriptors)) throw new Scte35Error('BAD_INPUT', 'descriptors must be an array', { field: 'descriptors' });
    for (let i = 0; i < descriptors.length; i++) {
      try {
        encodeDescriptor(descriptors[i]!);
      } catch (e) {
        throw e instanceof Scte35Error ? e.withFieldPrefix(`descriptors[${i}].`) : e;
      }
    }
    const loopLength = pos - loopPos - 2;
    if (loopLength > 0xffff) throw tooLong();
    scratch[loopPos] = loopLength >>> 8;
    scratch[loopPos + 1] = loopLength;
    if (section.alignment_stuffing !== undefined && section.alignment_stuffing !== '') {
      putBytes(fromHex(section.alignment_stuffing, 'alignment_stuffing'));
    }
  }
  scratch[tierPos + 1] = ((tier & 0x0f) << 4) | (commandLength >>> 8);
  scratch[tierPos + 2] = commandLength;
  const sectionLength = pos + CRC_BYTES - 3;
  if (sectionLength > MAX_SECTION_LENGTH) throw tooLong();
  scratch[1] = scratch[1]! | (sectionLength >>> 8);
  scratch[2] = sectionLength;
  put32(crc32Mpeg2(scratch, 0, pos));
  return scratch.slice(0, pos);
}

function encodeCommand(command: SpliceCommand): void {
  switch (command.splice_command_type) {
    case SPLICE_NULL:
    case BANDWIDTH_RESERVATION:
      return;
    case SPLICE_INSERT:
      return encodeSpliceInsert(command);
    case TIME_SIGNAL:
      if (command.splice_time === undefined) throw new Scte35Error('BAD_INPUT', 'time_signal needs splice_time', { field: 'splice_time' });
      return encodeSpliceTime(command.splice_time, 'splice_time');
    case SPLICE_SCHEDULE:
      return encodeSpliceSchedule(command);
    case PRIVATE_COMMAND:
      // §9.7.6 private_command(): identifier(32), private_byte...
      for (const c of chars(command.identifier, 4, 'identifier')) put8(c);
      putBytes(fromHex(command.private_bytes, 'private_bytes'));
      return;
    default: {
      const type = (command as { splice_command_type: unknown }).splice_command_type;
      throw new Scte35Error('UNKNOWN_COMMAND', `splice_command_type ${JSON.stringify(type)} is not a command this codec encodes`, {
        field: 'splice_command_type',
      });
    }
  }
}

/** §9.8.1 splice_time(). */
function encodeSpliceTime(t: SpliceTime, field: string): void {
  if (t.time_specified_flag) {
    if (t.pts_time === undefined) throw new Scte35Error('BAD_INPUT', 'pts_time is required when time_specified_flag is set', { field: `${field}.pts_time` });
    put33(0x80 | (reserved(t.reserved_bits, 0, 6, field) << 1), uint(t.pts_time, 33, `${field}.pts_time`));
  } else {
    if (t.pts_time !== undefined) throw new Scte35Error('BAD_INPUT', 'pts_time given but time_specified_flag is 0', { field: `${field}.pts_time` });
    put8(reserved(t.reserved_bits, 0, 7, field));
  }
}

/** §9.8.2 break_duration(). */
function encodeBreakDuration(d: BreakDuration, field: string): void {
  put33((d.auto_return ? 0x80 : 0) | (reserved(d.reserved_bits, 0, 6, field) << 1), uint(d.duration, 33, `${field}.duration`));
}

function flagAgrees(given: boolean | undefined, actual: boolean, field: string, why: string): void {
  if (given !== undefined && given !== actual) throw new Scte35Error('BAD_INPUT', `${field} disagrees with ${why}`, { field });
}

/** §9.7.3 splice_insert(). */
function encodeSpliceInsert(c: SpliceInsertCommand): void {
  put32(uint(c.splice_event_id, 32, 'splice_event_id'));
  const cancel = c.splice_event_cancel_indicator === true;
  const compliance = c.event_id_compliance_flag !== false;
  put8((cancel ? 0x80 : 0) | (compliance ? 0x40 : 0) | reserved(c.reserved_bits, 0, 6, ''));
  if (cancel) return;
  const program = c.components === undefined;
  const immediate = c.splice_immediate_flag === true;
  const duration = c.break_duration !== undefined;
  flagAgrees(c.program_splice_flag, program, 'program_splice_flag', 'the presence of components');
  flagAgrees(c.duration_flag, duration, 'duration_flag', 'the presence of break_duration');
  put8((c.out_of_network_indicator ? 0x80 : 0) | (program ? 0x40 : 0) | (duration ? 0x20 : 0) | (immediate ? 0x10 : 0) | reserved(c.reserved_bits, 1, 4, ''));
  if (program) {
    if (!immediate) {
      if (c.splice_time === undefined) throw new Scte35Error('BAD_INPUT', 'splice_time is required unless splice_immediate_flag', { field: 'splice_time' });
      encodeSpliceTime(c.splice_time, 'splice_time');
    } else if (c.splice_time !== undefined) {
      throw new Scte35Error('BAD_INPUT', 'splice_time given with splice_immediate_flag', { field: 'splice_time' });
    }
  } else {
    const components = c.components!;
    put8(uint(components.length, 8, 'component_count'));
    components.forEach((comp, i) => {
      put8(uint(comp.component_tag, 8, `components[${i}].component_tag`));
      if (!immediate) {
        if (comp.splice_time === undefined)
          throw new Scte35Error('BAD_INPUT', 'splice_time is required unless splice_immediate_flag', { field: `components[${i}].splice_time` });
        encodeSpliceTime(comp.splice_time, `components[${i}].splice_time`);
      }
    });
  }
  if (duration) encodeBreakDuration(c.break_duration!, 'break_duration');
  put16(uint(c.unique_program_id ?? 0, 16, 'unique_program_id'));
  put8(uint(c.avail_num ?? 0, 8, 'avail_num'));
  put8(uint(c.avails_expected ?? 0, 8, 'avails_expected'));
}

/** §9.7.2 splice_schedule(). */
function encodeSpliceSchedule(c: SpliceScheduleCommand): void {
  put8(uint(c.events.length, 8, 'splice_count'));
  c.events.forEach((e, i) => {
    const f = `events[${i}]`;
    put32(uint(e.splice_event_id, 32, `${f}.splice_event_id`));
    const cancel = e.splice_event_cancel_indicator === true;
    put8((cancel ? 0x80 : 0) | (e.event_id_compliance_flag !== false ? 0x40 : 0) | reserved(e.reserved_bits, 0, 6, f));
    if (cancel) return;
    const program = e.components === undefined;
    const duration = e.break_duration !== undefined;
    flagAgrees(e.program_splice_flag, program, `${f}.program_splice_flag`, 'the presence of components');
    flagAgrees(e.duration_flag, duration, `${f}.duration_flag`, 'the presence of break_duration');
    put8((e.out_of_network_indicator ? 0x80 : 0) | (program ? 0x40 : 0) | (duration ? 0x20 : 0) | reserved(e.reserved_bits, 1, 5, f));
    if (program) {
      put32(uint(e.utc_splice_time ?? -1, 32, `${f}.utc_splice_time`));
    } else {
      put8(uint(e.components!.length, 8, `${f}.component_count`));
      e.components!.forEach((comp, j) => {
        put8(uint(comp.component_tag, 8, `${f}.components[${j}].component_tag`));
        put32(uint(comp.utc_splice_time, 32, `${f}.components[${j}].utc_splice_time`));
      });
    }
    if (duration) encodeBreakDuration(e.break_duration!, `${f}.break_duration`);
    put16(uint(e.unique_program_id ?? 0, 16, `${f}.unique_program_id`));
    put8(uint(e.avail_num ?? 0, 8, `${f}.avail_num`));
    put8(uint(e.avails_expected ?? 0, 8, `${f}.avails_expected`));
  });
}

const STANDARD_TAGS: Record<string, number> = {
  avail_descriptor: AVAIL_DESCRIPTOR_TAG,
  DTMF_descriptor: DTMF_DESCRIPTOR_TAG,
  segmentation_descriptor: SEGMENTATION_DESCRIPTOR_TAG,
  time_descriptor: TIME_DESCRIPTOR_TAG,
  audio_descriptor: AUDIO_DESCRIPTOR_TAG,
};

/** §10.2 splice_descriptor(): tag, length (computed), identifier, body. */
function encodeDescriptor(d: SpliceDescriptor): void {
  const name = d.name;
  const standardTag = STANDARD_TAGS[name];
  let tag: number;
  if (standardTag !== undefined) {
    tag = d.splice_descriptor_tag ?? standardTag;
    if (tag !== standardTag) throw outOfRange('splice_descriptor_tag', tag, `${standardTag} for a ${name}`);
    if (d.identifier !== undefined && d.identifier !== 'CUEI') throw outOfRange('identifier', d.identifier, `'CUEI' for a ${name}`);
  } else if (name === 'private_descriptor') {
    tag = uint(d.splice_descriptor_tag, 8, 'splice_descriptor_tag');
  } else {
    throw new Scte35Error('BAD_INPUT', `unknown descriptor name ${JSON.stringify(name)}`, { field: 'name' });
  }
  put8(tag);
  const lengthPos = pos;
  put8(0); // descriptor_length, patched below
  if (standardTag !== undefined) put32(CUEI_IDENTIFIER);
  switch (d.name) {
    case 'avail_descriptor':
      put32(uint(d.provider_avail_id, 32, 'provider_avail_id'));
      break;
    case 'DTMF_descriptor': {
      put8(uint(d.preroll, 8, 'preroll'));
      const dtmf = d.dtmf_chars ?? '';
      if (typeof dtmf !== 'string' || dtmf.length > 7) throw outOfRange('dtmf_chars', dtmf, 'at most 7 characters');
      put8((dtmf.length << 5) | reserved(d.reserved_bits, 0, 5, ''));
      for (const c of chars(dtmf, dtmf.length, 'dtmf_chars')) put8(c);
      break;
    }
    case 'segmentation_descriptor':
      encodeSegmentation(d);
      break;
    case 'time_descriptor':
      put16(Math.floor(uint(d.TAI_seconds, 48, 'TAI_seconds') / TWO_32));
      put32(d.TAI_seconds % TWO_32);
      put32(uint(d.TAI_ns, 32, 'TAI_ns'));
      put16(uint(d.UTC_offset, 16, 'UTC_offset'));
      break;
    case 'audio_descriptor': {
      const components = d.components;
      if (!Array.isArray(components) || components.length > 15) throw outOfRange('components', components?.length, 'at most 15 audio components');
      put8((components.length << 4) | reserved(d.reserved_bits, 0, 4, ''));
      components.forEach((c, i) => {
        const f = `components[${i}]`;
        put8(uint(c.component_tag, 8, `${f}.component_tag`));
        for (const b of chars(c.ISO_code, 3, `${f}.ISO_code`)) put8(b);
        put8((uint(c.bit_stream_mode, 3, `${f}.bit_stream_mode`) << 5) | (uint(c.num_channels, 4, `${f}.num_channels`) << 1) | (c.full_srvc_audio ? 1 : 0));
      });
      break;
    }
    case 'private_descriptor':
      for (const c of chars(d.identifier, 4, 'identifier')) put8(c);
      putBytes(fromHex(d.private_bytes, 'private_bytes'));
      break;
  }
  const length = pos - lengthPos - 1;
  if (length > 0xff) throw new Scte35Error('OUT_OF_RANGE', `the descriptor would be ${length} bytes, more than 255`, { field: 'descriptor_length' });
  scratch[lengthPos] = length;
}

/** §10.3.3 segmentation_descriptor() body after the identifier. */
function encodeSegmentation(d: SegmentationDescriptor): void {
  put32(uint(d.segmentation_event_id, 32, 'segmentation_event_id'));
  const cancel = d.segmentation_event_cancel_indicator === true;
  put8((cancel ? 0x80 : 0) | (d.segmentation_event_id_compliance_indicator !== false ? 0x40 : 0) | reserved(d.reserved_bits, 0, 6, ''));
  if (cancel) return;
  const program = d.components === undefined;
  const hasDuration = d.segmentation_duration !== undefined;
  const notRestricted = d.delivery_not_restricted_flag === true;
  flagAgrees(d.program_segmentation_flag, program, 'program_segmentation_flag', 'the presence of components');
  flagAgrees(d.segmentation_duration_flag, hasDuration, 'segmentation_duration_flag', 'the presence of segmentation_duration');
  let f = (program ? 0x80 : 0) | (hasDuration ? 0x40 : 0);
  if (notRestricted) {
    f |= 0x20 | reserved(d.reserved_bits, 1, 5, '');
  } else {
    f |= (d.web_delivery_allowed_flag ? 0x10 : 0) | (d.no_regional_blackout_flag ? 0x08 : 0) | (d.archive_allowed_flag ? 0x04 : 0);
    f |= uint(d.device_restrictions ?? 0, 2, 'device_restrictions');
  }
  put8(f);
  if (!program) {
    const components = d.components!;
    put8(uint(components.length, 8, 'component_count'));
    components.forEach((c, i) => {
      put8(uint(c.component_tag, 8, `components[${i}].component_tag`));
      put33(reserved(c.reserved_bits, 0, 7, `components[${i}]`) << 1, uint(c.pts_offset, 33, `components[${i}].pts_offset`));
    });
  }
  if (hasDuration) {
    const duration = uint(d.segmentation_duration!, 40, 'segmentation_duration');
    const hi = Math.floor(duration / TWO_32);
    put8(hi);
    put32(duration - hi * TWO_32);
  }
  const upidType = uint(d.segmentation_upid_type ?? 0, 8, 'segmentation_upid_type');
  put8(upidType);
  const upid: Upid | undefined = d.segmentation_upid;
  const bytes = upid === undefined ? new Uint8Array(0) : upidBytes(upidType, upid, 'segmentation_upid');
  if (bytes.length > 255) throw outOfRange('segmentation_upid_length', bytes.length, 'at most 255 bytes');
  checkUpidLength(upidType, bytes.length, 'segmentation_upid_length');
  put8(bytes.length);
  putBytes(bytes);
  put8(uint(d.segmentation_type_id ?? 0, 8, 'segmentation_type_id'));
  put8(uint(d.segment_num ?? 0, 8, 'segment_num'));
  put8(uint(d.segments_expected ?? 0, 8, 'segments_expected'));
  const hasSub = d.sub_segment_num !== undefined || d.sub_segments_expected !== undefined;
  if (hasSub) {
    put8(uint(d.sub_segment_num ?? 0, 8, 'sub_segment_num'));
    put8(uint(d.sub_segments_expected ?? 0, 8, 'sub_segments_expected'));
  }
}
