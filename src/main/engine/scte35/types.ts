// The JSON form of a splice_info_section (ANSI/SCTE 35 2023r1 §9.6, Table 5).
//
// Field names follow the standard's syntax tables in snake_case. Every 90 kHz value is an
// integer count of ticks (33-bit PTS values, 40-bit segmentation_duration). Lengths and
// CRC_32 appear on decode for reading; the encoder computes them, except that a
// splice_command_length of 0xFFF (the legacy "unspecified" form, §9.6.1) is kept.
//
// Byte exactness: reserved fields hold '1' bits per the standard. Where a decoded section
// carries other values, the structure gets `reserved_bits`: the raw value of each reserved
// field of that structure in syntax-table order, so that re-encoding gives back the same bytes.

/** Raw bytes in lowercase hexadecimal, two digits per byte, no prefix. */
export type HexString = string;

export interface SpliceInfoSection {
  /** 8 bits, always 0xFC. */
  table_id: number;
  /** 1 bit, shall be 0. */
  section_syntax_indicator: boolean;
  /** 1 bit, shall be 0. */
  private_indicator: boolean;
  /** 2 bits (§9.6.1 Table 6): 0..2 SAP type 1..3, 3 = not specified. */
  sap_type: number;
  /** 12 bits; computed on encode. */
  section_length?: number;
  /** 8 bits, 0 in this version of the standard. */
  protocol_version: number;
  /** 1 bit. When set, splice_command_type through E_CRC_32 is encrypted: see encrypted_payload. */
  encrypted_packet: boolean;
  /** 6 bits (§11.3 Table 27). */
  encryption_algorithm: number;
  /** 33 bits, 90 kHz ticks added to every pts_time of the section (mod 2^33). */
  pts_adjustment: number;
  /** 8 bits. */
  cw_index: number;
  /** 12 bits. */
  tier: number;
  /** 12 bits; computed on encode unless 0xFFF (legacy: length given by the command itself). */
  splice_command_length?: number;
  /** 8 bits; null when the section is encrypted (the command type is part of the ciphertext). */
  splice_command_type: number | null;
  /** null when the section is encrypted. */
  splice_command: SpliceCommand | null;
  /** 16 bits; computed on encode. */
  descriptor_loop_length?: number;
  descriptors: SpliceDescriptor[];
  /** alignment_stuffing bytes between the descriptor loop and the CRC, when present. */
  alignment_stuffing?: HexString;
  /** Encrypted sections only: the bytes from splice_command_type through E_CRC_32, as sent. */
  encrypted_payload?: HexString;
  /** 32 bits; computed on encode. */
  crc_32?: number;
}

export const SPLICE_NULL = 0x00;
export const SPLICE_SCHEDULE = 0x04;
export const SPLICE_INSERT = 0x05;
export const TIME_SIGNAL = 0x06;
export const BANDWIDTH_RESERVATION = 0x07;
export const PRIVATE_COMMAND = 0xff;

export type SpliceCommand = SpliceNullCommand | SpliceScheduleCommand | SpliceInsertCommand | TimeSignalCommand | BandwidthReservationCommand | PrivateCommand;

/** §9.7.1 splice_null(). */
export interface SpliceNullCommand {
  splice_command_type: typeof SPLICE_NULL;
}

/** §9.7.2 splice_schedule(). */
export interface SpliceScheduleCommand {
  splice_command_type: typeof SPLICE_SCHEDULE;
  /** splice_count entries. */
  events: SpliceScheduleEvent[];
}

export interface SpliceScheduleEvent {
  /** 32 bits. */
  splice_event_id: number;
  splice_event_cancel_indicator: boolean;
  /** 1 bit; '1' where the bit was reserved before the 2022 edition. */
  event_id_compliance_flag: boolean;
  /** The rest is present when not cancelled. */
  out_of_network_indicator?: boolean;
  program_splice_flag?: boolean;
  duration_flag?: boolean;
  /** Program splice mode: 32-bit UTC seconds since the GPS epoch (§9.7.2.1). */
  utc_splice_time?: number;
  /** Component splice mode. */
  components?: Array<{ component_tag: number; utc_splice_time: number }>;
  break_duration?: BreakDuration;
  unique_program_id?: number;
  avail_num?: number;
  avails_expected?: number;
  reserved_bits?: number[];
}

/** §9.7.3 splice_insert(). */
export interface SpliceInsertCommand {
  splice_command_type: typeof SPLICE_INSERT;
  /** 32 bits. */
  splice_event_id: number;
  splice_event_cancel_indicator: boolean;
  /** 1 bit; '1' where the bit was reserved before the 2022 edition. */
  event_id_compliance_flag: boolean;
  /** The rest is present when not cancelled. */
  out_of_network_indicator?: boolean;
  program_splice_flag?: boolean;
  duration_flag?: boolean;
  splice_immediate_flag?: boolean;
  /** Program splice mode, not immediate. */
  splice_time?: SpliceTime;
  /** Component splice mode (splice_time present when not immediate). */
  components?: Array<{ component_tag: number; splice_time?: SpliceTime }>;
  break_duration?: BreakDuration;
  /** 16 bits. */
  unique_program_id?: number;
  /** 8 bits. */
  avail_num?: number;
  /** 8 bits. */
  avails_expected?: number;
  reserved_bits?: number[];
}

/** §9.7.4 time_signal(). */
export interface TimeSignalCommand {
  splice_command_type: typeof TIME_SIGNAL;
  splice_time: SpliceTime;
}

/** §9.7.5 bandwidth_reservation(). */
export interface BandwidthReservationCommand {
  splice_command_type: typeof BANDWIDTH_RESERVATION;
}

/** §9.7.6 private_command(). */
export interface PrivateCommand {
  splice_command_type: typeof PRIVATE_COMMAND;
  /** 32 bits as four characters (one per byte): an SMPTE registration identifier. */
  identifier: string;
  private_bytes: HexString;
}

/** §9.8.1 splice_time(). */
export interface SpliceTime {
  time_specified_flag: boolean;
  /** 33 bits, 90 kHz; present when time_specified_flag. */
  pts_time?: number;
  reserved_bits?: number[];
}

/** §9.8.2 break_duration(). */
export interface BreakDuration {
  auto_return: boolean;
  /** 33 bits, 90 kHz. */
  duration: number;
  reserved_bits?: number[];
}

// ---- Descriptors (§10) ----

export type SpliceDescriptor = AvailDescriptor | DtmfDescriptor | SegmentationDescriptor | TimeDescriptor | AudioDescriptor | PrivateDescriptor;

interface DescriptorBase {
  /** 8 bits. */
  splice_descriptor_tag: number;
  /** 8 bits; computed on encode. */
  descriptor_length?: number;
  /** 32 bits as four characters (one per byte); 'CUEI' for the descriptors the standard defines. */
  identifier: string;
}

/** §10.3.1 avail_descriptor(), tag 0x00. */
export interface AvailDescriptor extends DescriptorBase {
  name: 'avail_descriptor';
  /** 32 bits. */
  provider_avail_id: number;
}

/** §10.3.2 DTMF_descriptor(), tag 0x01. */
export interface DtmfDescriptor extends DescriptorBase {
  name: 'DTMF_descriptor';
  /** 8 bits, tenths of a second. */
  preroll: number;
  /** The DTMF_char loop (dtmf_count, 3 bits, is its length). */
  dtmf_chars: string;
  reserved_bits?: number[];
}

/** §10.3.3 segmentation_descriptor(), tag 0x02. */
export interface SegmentationDescriptor extends DescriptorBase {
  name: 'segmentation_descriptor';
  /** 32 bits. */
  segmentation_event_id: number;
  segmentation_event_cancel_indicator: boolean;
  /** 1 bit; '1' where the bit was reserved before the 2022 edition. */
  segmentation_event_id_compliance_indicator: boolean;
  /** The rest is present when not cancelled. */
  program_segmentation_flag?: boolean;
  segmentation_duration_flag?: boolean;
  delivery_not_restricted_flag?: boolean;
  /** Present when delivery_not_restricted_flag is 0. */
  web_delivery_allowed_flag?: boolean;
  no_regional_blackout_flag?: boolean;
  archive_allowed_flag?: boolean;
  /** 2 bits (§10.3.3.1 Table 21). */
  device_restrictions?: number;
  /** Component mode (program_segmentation_flag 0). */
  components?: SegmentationComponent[];
  /** 40 bits, 90 kHz. */
  segmentation_duration?: number;
  /** 8 bits (§10.3.3.1 Table 22). */
  segmentation_upid_type?: number;
  /** 8 bits; computed on encode. */
  segmentation_upid_length?: number;
  segmentation_upid?: Upid;
  /** 8 bits (§10.3.3.1 Table 23). */
  segmentation_type_id?: number;
  segment_num?: number;
  segments_expected?: number;
  /** Present when descriptor_length covers them. */
  sub_segment_num?: number;
  sub_segments_expected?: number;
  reserved_bits?: number[];
}

export interface SegmentationComponent {
  component_tag: number;
  /** 33 bits, 90 kHz. */
  pts_offset: number;
  reserved_bits?: number[];
}

/**
 * A segmentation_upid() value. `hex` is the exact bytes and is what the encoder writes;
 * the other members are readable views, filled in on decode where the standard defines them.
 */
export interface Upid {
  hex: HexString;
  /** ASCII identifiers, URI, ADI, ADS, EIDR, ISAN, UMID, UUID, AiringID (TI) in their usual text form. */
  text?: string;
  /** MID (0x0D): the nested UPIDs. */
  upids?: MidEntry[];
  /** ATSC Content Identifier (0x0B). */
  atsc?: { tsid: number; end_of_day: number; unique_for: number; content_id: HexString };
  /** MPU (0x0C). */
  mpu?: { format_identifier: string; private_data: HexString };
}

export interface MidEntry {
  segmentation_upid_type: number;
  segmentation_upid_length?: number;
  segmentation_upid: Upid;
}

/** §10.3.4 time_descriptor(), tag 0x03. */
export interface TimeDescriptor extends DescriptorBase {
  name: 'time_descriptor';
  /** 48 bits. */
  TAI_seconds: number;
  /** 32 bits. */
  TAI_ns: number;
  /** 16 bits. */
  UTC_offset: number;
}

/** §10.3.5 audio_descriptor(), tag 0x04. */
export interface AudioDescriptor extends DescriptorBase {
  name: 'audio_descriptor';
  components: AudioComponent[];
  reserved_bits?: number[];
}

export interface AudioComponent {
  component_tag: number;
  /** 24 bits as three characters (ISO 639-2). */
  ISO_code: string;
  /** 3 bits. */
  bit_stream_mode: number;
  /** 4 bits. */
  num_channels: number;
  full_srvc_audio: boolean;
}

/** Any other descriptor, or a standard tag whose identifier is not 'CUEI': kept as bytes. */
export interface PrivateDescriptor extends DescriptorBase {
  name: 'private_descriptor';
  /** The bytes after the identifier. */
  private_bytes: HexString;
}
