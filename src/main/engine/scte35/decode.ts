// Decoder of splice_info_section (ANSI/SCTE 35 2023r1 §9.6 Table 5). Strict: the CRC_32 must
// match, every length field must agree exactly with what it covers, reserved command types
// are refused. Anything it accepts, encodeSection gives back byte for byte.
import {
  AUDIO_DESCRIPTOR_TAG,
  AVAIL_DESCRIPTOR_TAG,
  CRC_BYTES,
  CUEI_IDENTIFIER,
  DTMF_DESCRIPTOR_TAG,
  MAX_SECTION_LENGTH,
  PROTOCOL_VERSION,
  SECTION_HEADER_BYTES,
  SEGMENTATION_DESCRIPTOR_TAG,
  SPLICE_COMMAND_LENGTH_LEGACY,
  TABLE_ID_SCTE35,
  TIME_DESCRIPTOR_TAG,
} from './constants.ts';
import { crc32Mpeg2 } from './crc32.ts';
import { Scte35Error } from './errors.ts';
import { Reader } from './reader.ts';
import { toHex } from './text.ts';
import {
  BANDWIDTH_RESERVATION,
  PRIVATE_COMMAND,
  SPLICE_INSERT,
  SPLICE_NULL,
  SPLICE_SCHEDULE,
  TIME_SIGNAL,
  type AudioComponent,
  type BreakDuration,
  type SegmentationComponent,
  type SegmentationDescriptor,
  type SpliceCommand,
  type SpliceDescriptor,
  type SpliceInfoSection,
  type SpliceInsertCommand,
  type SpliceScheduleEvent,
  type SpliceTime,
} from './types.ts';
import { checkUpidLength, decodeUpid } from './upid.ts';

const CUEI = 'CUEI';

/** Decodes one complete splice_info_section; `bytes` must hold exactly the section. */
export function decodeSection(bytes: Uint8Array): SpliceInfoSection {
  if (!(bytes instanceof Uint8Array)) throw new Scte35Error('BAD_INPUT', 'expected a Uint8Array');
  const available = bytes.length;
  if (available < 3) {
    throw new Scte35Error('TRUNCATED', `a section needs at least 3 bytes, got ${available}`, { field: 'section_length', offset: available });
  }
  const tableId = bytes[0]!;
  if (tableId !== TABLE_ID_SCTE35) {
    throw new Scte35Error('OUT_OF_RANGE', `table_id is 0x${tableId.toString(16).padStart(2, '0')}, not 0xfc`, { field: 'table_id', offset: 0 });
  }
  const b1 = bytes[1]!;
  const sectionLength = ((b1 & 0x0f) << 8) | bytes[2]!;
  if (sectionLength > MAX_SECTION_LENGTH) {
    throw new Scte35Error('OUT_OF_RANGE', `section_length ${sectionLength} exceeds ${MAX_SECTION_LENGTH}`, { field: 'section_length', offset: 1 });
  }
  const total = 3 + sectionLength;
  if (available < total) {
    throw new Scte35Error('TRUNCATED', `section_length says ${total} bytes, only ${available} given`, { field: 'section_length', offset: available });
  }
  if (available > total) {
    throw new Scte35Error('LENGTH_MISMATCH', `section_length says ${total} bytes, ${available} given`, { field: 'section_length', offset: total });
  }
  if (total < SECTION_HEADER_BYTES + CRC_BYTES) {
    throw new Scte35Error('LENGTH_MISMATCH', `section_length ${sectionLength} is shorter than the fixed header and CRC_32`, {
      field: 'section_length',
      offset: 1,
    });
  }
  const crcEnd = total - CRC_BYTES;
  const crc = crc32Mpeg2(bytes, 0, total);
  if (crc !== 0) {
    throw new Scte35Error('BAD_CRC', 'CRC_32 does not match the section', { field: 'CRC_32', offset: crcEnd });
  }
  const protocolVersion = bytes[3]!;
  if (protocolVersion !== PROTOCOL_VERSION) {
    throw new Scte35Error('OUT_OF_RANGE', `protocol_version ${protocolVersion} is not supported`, { field: 'protocol_version', offset: 3 });
  }
  const b4 = bytes[4]!;
  const encrypted = (b4 & 0x80) !== 0;
  const r = new Reader(bytes, 5, crcEnd);
  r.bound(crcEnd, 'LENGTH_MISMATCH', 'section_length');
  const ptsAdjustment = r.u33(b4, 'pts_adjustment');
  const cwIndex = r.u8('cw_index');
  const tierAndLength = r.u24('tier');
  const spliceCommandLength = tierAndLength & 0xfff;
  const section: SpliceInfoSection = {
    table_id: tableId,
    section_syntax_indicator: (b1 & 0x80) !== 0,
    private_indicator: (b1 & 0x40) !== 0,
    sap_type: (b1 >> 4) & 0x03,
    section_length: sectionLength,
    protocol_version: protocolVersion,
    encrypted_packet: encrypted,
    encryption_algorithm: (b4 >> 1) & 0x3f,
    pts_adjustment: ptsAdjustment,
    cw_index: cwIndex,
    tier: tierAndLength >>> 12,
    splice_command_length: spliceCommandLength,
    splice_command_type: null,
    splice_command: null,
    descriptor_loop_length: 0,
    descriptors: [],
    crc_32: ((bytes[crcEnd]! << 24) | (bytes[crcEnd + 1]! << 16) | (bytes[crcEnd + 2]! << 8) | bytes[crcEnd + 3]!) >>> 0,
  };
  if (encrypted) {
    // §11: from splice_command_type through E_CRC_32 is ciphertext; only the header is clear.
    delete section.descriptor_loop_length;
    section.encrypted_payload = toHex(bytes, SECTION_HEADER_BYTES, crcEnd);
    return section;
  }
  const commandType = r.u8('splice_command_type');
  section.splice_command_type = commandType;
  const commandStart = r.pos;
  if (spliceCommandLength !== SPLICE_COMMAND_LENGTH_LEGACY) {
    const commandEnd = commandStart + spliceCommandLength;
    if (commandEnd > crcEnd) {
      throw new Scte35Error('LENGTH_MISMATCH', `splice_command_length ${spliceCommandLength} runs past the section`, {
        field: 'splice_command_length',
        offset: 11,
      });
    }
    r.bound(commandEnd, 'LENGTH_MISMATCH', 'splice_command_length');
  }
  section.splice_command = decodeCommand(r, commandType, spliceCommandLength === SPLICE_COMMAND_LENGTH_LEGACY);
  if (spliceCommandLength !== SPLICE_COMMAND_LENGTH_LEGACY && r.pos !== r.end) {
    throw new Scte35Error('LENGTH_MISMATCH', `splice_command_length is ${spliceCommandLength} but the command has ${r.pos - commandStart} bytes`, {
      field: 'splice_command_length',
      offset: r.pos,
    });
  }
  r.bound(crcEnd, 'LENGTH_MISMATCH', 'section_length');
  const loopLength = r.u16('descriptor_loop_length');
  const loopEnd = r.pos + loopLength;
  if (loopEnd > crcEnd) {
    throw new Scte35Error('LENGTH_MISMATCH', `descriptor_loop_length ${loopLength} runs past the section`, {
      field: 'descriptor_loop_length',
      offset: r.pos - 2,
    });
  }
  section.descriptor_loop_length = loopLength;
  const descriptors = section.descriptors;
  while (r.pos < loopEnd) {
    const index = descriptors.length;
    r.bound(loopEnd, 'LENGTH_MISMATCH', 'descriptor_loop_length');
    const tagOffset = r.pos;
    const tag = r.u8('splice_descriptor_tag');
    const length = r.u8('descriptor_length');
    const end = r.pos + length;
    if (end > loopEnd || length < 4) {
      throw new Scte35Error(
        'LENGTH_MISMATCH',
        length < 4 ? `descriptor_length ${length} leaves no room for the identifier` : `descriptor_length ${length} runs past descriptor_loop_length`,
        {
          field: `descriptors[${index}].descriptor_length`,
          offset: tagOffset + 1,
        },
      );
    }
    r.bound(end, 'LENGTH_MISMATCH', 'descriptor_length');
    let descriptor: SpliceDescriptor;
    try {
      descriptor = decodeDescriptor(r, tag, length, end);
    } catch (e) {
      throw e instanceof Scte35Error ? e.withFieldPrefix(`descriptors[${index}].`) : e;
    }
    if (r.pos !== end) {
      throw new Scte35Error('LENGTH_MISMATCH', `descriptor_length is ${length} but the descriptor has ${r.pos - tagOffset - 2} bytes`, {
        field: `descriptors[${index}].descriptor_length`,
        offset: r.pos,
      });
    }
    descriptors.push(descriptor);
  }
  if (loopEnd < crcEnd) section.alignment_stuffing = toHex(bytes, loopEnd, crcEnd);
  return section;
}

function decodeCommand(r: Reader, type: number, legacyLength: boolean): SpliceCommand {
  switch (type) {
    case SPLICE_NULL:
      return { splice_command_type: SPLICE_NULL };
    case SPLICE_INSERT:
      return decodeSpliceInsert(r);
    case TIME_SIGNAL:
      return { splice_command_type: TIME_SIGNAL, splice_time: decodeSpliceTime(r) };
    case SPLICE_SCHEDULE:
      return decodeSpliceSchedule(r);
    case BANDWIDTH_RESERVATION:
      return { splice_command_type: BANDWIDTH_RESERVATION };
    case PRIVATE_COMMAND: {
      if (legacyLength) {
        throw new Scte35Error('LENGTH_MISMATCH', 'a private_command needs a splice_command_length (not 0xFFF)', { field: 'splice_command_length', offset: 11 });
      }
      // §9.7.6: identifier(32) then private_byte to the end of the command.
      const identifier = r.chars4('splice_command.identifier');
      const privateBytes = toHex(r.bytes, r.pos, r.end);
      r.pos = r.end;
      return { splice_command_type: PRIVATE_COMMAND, identifier, private_bytes: privateBytes };
    }
    default:
      throw new Scte35Error('UNKNOWN_COMMAND', `splice_command_type 0x${type.toString(16).padStart(2, '0')} is reserved`, {
        field: 'splice_command_type',
        offset: r.pos - 1,
      });
  }
}

/** §9.8.1 splice_time(): time_specified_flag(1), then reserved(6) pts_time(33) or reserved(7). */
function decodeSpliceTime(r: Reader): SpliceTime {
  const b = r.u8('splice_time');
  if (b & 0x80) {
    const ptsTime = r.u33(b, 'pts_time');
    const reserved = (b >> 1) & 0x3f;
    return reserved === 0x3f ? { time_specified_flag: true, pts_time: ptsTime } : { time_specified_flag: true, pts_time: ptsTime, reserved_bits: [reserved] };
  }
  const reserved = b & 0x7f;
  return reserved === 0x7f ? { time_specified_flag: false } : { time_specified_flag: false, reserved_bits: [reserved] };
}

/** §9.8.2 break_duration(): auto_return(1) reserved(6) duration(33). */
function decodeBreakDuration(r: Reader): BreakDuration {
  const b = r.u8('break_duration');
  const duration = r.u33(b, 'break_duration.duration');
  const reserved = (b >> 1) & 0x3f;
  return reserved === 0x3f ? { auto_return: (b & 0x80) !== 0, duration } : { auto_return: (b & 0x80) !== 0, duration, reserved_bits: [reserved] };
}

/** §9.7.3 splice_insert(). */
function decodeSpliceInsert(r: Reader): SpliceInsertCommand {
  const eventId = r.u32('splice_event_id');
  const b = r.u8('splice_event_cancel_indicator');
  const cmd: SpliceInsertCommand = {
    splice_command_type: SPLICE_INSERT,
    splice_event_id: eventId,
    splice_event_cancel_indicator: (b & 0x80) !== 0,
    event_id_compliance_flag: (b & 0x40) !== 0,
  };
  const reserved1 = b & 0x3f;
  if (b & 0x80) {
    if (reserved1 !== 0x3f) cmd.reserved_bits = [reserved1];
    return cmd;
  }
  const f = r.u8('out_of_network_indicator');
  const program = (f & 0x40) !== 0;
  const immediate = (f & 0x10) !== 0;
  cmd.out_of_network_indicator = (f & 0x80) !== 0;
  cmd.program_splice_flag = program;
  cmd.duration_flag = (f & 0x20) !== 0;
  cmd.splice_immediate_flag = immediate;
  if (program) {
    if (!immediate) cmd.splice_time = decodeSpliceTime(r);
  } else {
    const count = r.u8('component_count');
    const components: Array<{ component_tag: number; splice_time?: SpliceTime }> = [];
    for (let i = 0; i < count; i++) {
      const tag = r.u8('component_tag');
      components.push(immediate ? { component_tag: tag } : { component_tag: tag, splice_time: decodeSpliceTime(r) });
    }
    cmd.components = components;
  }
  if (f & 0x20) cmd.break_duration = decodeBreakDuration(r);
  cmd.unique_program_id = r.u16('unique_program_id');
  cmd.avail_num = r.u8('avail_num');
  cmd.avails_expected = r.u8('avails_expected');
  const reserved2 = f & 0x0f;
  if (reserved1 !== 0x3f || reserved2 !== 0x0f) cmd.reserved_bits = [reserved1, reserved2];
  return cmd;
}

/** §9.7.2 splice_schedule(). */
function decodeSpliceSchedule(r: Reader): SpliceCommand {
  const count = r.u8('splice_count');
  const events: SpliceScheduleEvent[] = [];
  for (let i = 0; i < count; i++) {
    const eventId = r.u32('splice_event_id');
    const b = r.u8('splice_event_cancel_indicator');
    const event: SpliceScheduleEvent = {
      splice_event_id: eventId,
      splice_event_cancel_indicator: (b & 0x80) !== 0,
      event_id_compliance_flag: (b & 0x40) !== 0,
    };
    const reserved1 = b & 0x3f;
    if (b & 0x80) {
      if (reserved1 !== 0x3f) event.reserved_bits = [reserved1];
      events.push(event);
      continue;
    }
    const f = r.u8('out_of_network_indicator');
    event.out_of_network_indicator = (f & 0x80) !== 0;
    event.program_splice_flag = (f & 0x40) !== 0;
    event.duration_flag = (f & 0x20) !== 0;
    if (f & 0x40) {
      event.utc_splice_time = r.u32('utc_splice_time');
    } else {
      const n = r.u8('component_count');
      const components: Array<{ component_tag: number; utc_splice_time: number }> = [];
      for (let j = 0; j < n; j++) {
        const tag = r.u8('component_tag');
        components.push({ component_tag: tag, utc_splice_time: r.u32('utc_splice_time') });
      }
      event.components = components;
    }
    if (f & 0x20) event.break_duration = decodeBreakDuration(r);
    event.unique_program_id = r.u16('unique_program_id');
    event.avail_num = r.u8('avail_num');
    event.avails_expected = r.u8('avails_expected');
    const reserved2 = f & 0x1f;
    if (reserved1 !== 0x3f || reserved2 !== 0x1f) event.reserved_bits = [reserved1, reserved2];
    events.push(event);
  }
  return { splice_command_type: SPLICE_SCHEDULE, events };
}

/** §10.2 splice_descriptor(): tag, length, identifier, then the body by tag (§10.3). */
function decodeDescriptor(r: Reader, tag: number, length: number, end: number): SpliceDescriptor {
  const identifierValue = r.u32('identifier');
  if (identifierValue === CUEI_IDENTIFIER) {
    switch (tag) {
      case AVAIL_DESCRIPTOR_TAG:
        // §10.3.1: provider_avail_id(32).
        return {
          name: 'avail_descriptor',
          splice_descriptor_tag: tag,
          descriptor_length: length,
          identifier: CUEI,
          provider_avail_id: r.u32('provider_avail_id'),
        };
      case DTMF_DESCRIPTOR_TAG:
        return decodeDtmf(r, tag, length);
      case SEGMENTATION_DESCRIPTOR_TAG:
        return decodeSegmentation(r, tag, length, end);
      case TIME_DESCRIPTOR_TAG:
        // §10.3.4: TAI_seconds(48) TAI_ns(32) UTC_offset(16).
        return {
          name: 'time_descriptor',
          splice_descriptor_tag: tag,
          descriptor_length: length,
          identifier: CUEI,
          TAI_seconds: r.u48('TAI_seconds'),
          TAI_ns: r.u32('TAI_ns'),
          UTC_offset: r.u16('UTC_offset'),
        };
      case AUDIO_DESCRIPTOR_TAG:
        return decodeAudio(r, tag, length);
      default:
        break;
    }
  }
  // Unknown tag, or a standard tag under another identifier (e.g. tag 0 not 'CUEI'): kept as bytes.
  const b = r.bytes;
  const p = r.pos - 4;
  const privateBytes = toHex(b, r.pos, end);
  r.pos = end;
  return {
    name: 'private_descriptor',
    splice_descriptor_tag: tag,
    descriptor_length: length,
    identifier: String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!),
    private_bytes: privateBytes,
  };
}

/** §10.3.2 DTMF_descriptor(): preroll(8) dtmf_count(3) reserved(5) DTMF_char(8) x dtmf_count. */
function decodeDtmf(r: Reader, tag: number, length: number): SpliceDescriptor {
  const preroll = r.u8('preroll');
  const b = r.u8('dtmf_count');
  const count = b >> 5;
  r.need(count, 'DTMF_char');
  let chars = '';
  for (let i = 0; i < count; i++) chars += String.fromCharCode(r.bytes[r.pos++]!);
  const reserved = b & 0x1f;
  return reserved === 0x1f
    ? { name: 'DTMF_descriptor', splice_descriptor_tag: tag, descriptor_length: length, identifier: CUEI, preroll, dtmf_chars: chars }
    : {
        name: 'DTMF_descriptor',
        splice_descriptor_tag: tag,
        descriptor_length: length,
        identifier: CUEI,
        preroll,
        dtmf_chars: chars,
        reserved_bits: [reserved],
      };
}

/** §10.3.5 audio_descriptor(): audio_count(4) reserved(4), then per component 5 bytes. */
function decodeAudio(r: Reader, tag: number, length: number): SpliceDescriptor {
  const b = r.u8('audio_count');
  const count = b >> 4;
  const components: AudioComponent[] = [];
  for (let i = 0; i < count; i++) {
    const componentTag = r.u8('component_tag');
    const iso = r.u24('ISO_code');
    const f = r.u8('bit_stream_mode');
    components.push({
      component_tag: componentTag,
      ISO_code: String.fromCharCode(iso >> 16, (iso >> 8) & 0xff, iso & 0xff),
      bit_stream_mode: f >> 5,
      num_channels: (f >> 1) & 0x0f,
      full_srvc_audio: (f & 1) !== 0,
    });
  }
  const reserved = b & 0x0f;
  return reserved === 0x0f
    ? { name: 'audio_descriptor', splice_descriptor_tag: tag, descriptor_length: length, identifier: CUEI, components }
    : { name: 'audio_descriptor', splice_descriptor_tag: tag, descriptor_length: length, identifier: CUEI, components, reserved_bits: [reserved] };
}

/** §10.3.3 segmentation_descriptor(). */
function decodeSegmentation(r: Reader, tag: number, length: number, end: number): SegmentationDescriptor {
  const eventId = r.u32('segmentation_event_id');
  const b = r.u8('segmentation_event_cancel_indicator');
  const d: SegmentationDescriptor = {
    name: 'segmentation_descriptor',
    splice_descriptor_tag: tag,
    descriptor_length: length,
    identifier: CUEI,
    segmentation_event_id: eventId,
    segmentation_event_cancel_indicator: (b & 0x80) !== 0,
    segmentation_event_id_compliance_indicator: (b & 0x40) !== 0,
  };
  const reserved1 = b & 0x3f;
  if (b & 0x80) {
    if (reserved1 !== 0x3f) d.reserved_bits = [reserved1];
    return d;
  }
  const f = r.u8('program_segmentation_flag');
  const program = (f & 0x80) !== 0;
  const notRestricted = (f & 0x20) !== 0;
  d.program_segmentation_flag = program;
  d.segmentation_duration_flag = (f & 0x40) !== 0;
  d.delivery_not_restricted_flag = notRestricted;
  if (!notRestricted) {
    d.web_delivery_allowed_flag = (f & 0x10) !== 0;
    d.no_regional_blackout_flag = (f & 0x08) !== 0;
    d.archive_allowed_flag = (f & 0x04) !== 0;
    d.device_restrictions = f & 0x03;
  }
  if (!program) {
    const count = r.u8('component_count');
    const components: SegmentationComponent[] = [];
    for (let i = 0; i < count; i++) {
      const componentTag = r.u8('component_tag');
      const c = r.u8('pts_offset');
      const ptsOffset = r.u33(c, 'pts_offset');
      const reserved = c >> 1;
      components.push(
        reserved === 0x7f
          ? { component_tag: componentTag, pts_offset: ptsOffset }
          : { component_tag: componentTag, pts_offset: ptsOffset, reserved_bits: [reserved] },
      );
    }
    d.components = components;
  }
  if (f & 0x40) d.segmentation_duration = r.u40('segmentation_duration');
  const upidType = r.u8('segmentation_upid_type');
  const upidLength = r.u8('segmentation_upid_length');
  if (r.pos + upidLength > end) {
    throw new Scte35Error('LENGTH_MISMATCH', `segmentation_upid_length ${upidLength} runs past descriptor_length`, {
      field: 'segmentation_upid_length',
      offset: r.pos - 1,
    });
  }
  checkUpidLength(upidType, upidLength, 'segmentation_upid_length', r.pos - 1);
  d.segmentation_upid_type = upidType;
  d.segmentation_upid_length = upidLength;
  d.segmentation_upid = decodeUpid(r.bytes, r.pos, r.pos + upidLength, upidType);
  r.pos += upidLength;
  d.segmentation_type_id = r.u8('segmentation_type_id');
  d.segment_num = r.u8('segment_num');
  d.segments_expected = r.u8('segments_expected');
  // sub_segment_num and sub_segments_expected are present when descriptor_length covers them.
  const left = end - r.pos;
  if (left === 2) {
    d.sub_segment_num = r.u8('sub_segment_num');
    d.sub_segments_expected = r.u8('sub_segments_expected');
  } else if (left !== 0) {
    throw new Scte35Error('LENGTH_MISMATCH', `descriptor_length leaves ${left} byte(s) after segments_expected (0 or 2 allowed)`, {
      field: 'descriptor_length',
      offset: r.pos,
    });
  }
  const reserved2 = f & 0x1f;
  if (reserved1 !== 0x3f || (notRestricted && reserved2 !== 0x1f)) d.reserved_bits = notRestricted ? [reserved1, reserved2] : [reserved1];
  return d;
}
