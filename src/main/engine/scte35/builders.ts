// Sections the studio sends live: cue-out, cue-in (return), cancel and the splice_null heartbeat.
// Each returns a SpliceInfoSection ready for encodeSection. PTS values are 90 kHz ticks.
import { MAX_PTS } from '../media.ts';
import { SEGMENTATION_TYPES, UPID_NOT_USED, segmentationEndTypeFor } from './constants.ts';
import { Scte35Error } from './errors.ts';
import { SPLICE_INSERT, SPLICE_NULL, TIME_SIGNAL, type SegmentationDescriptor, type SpliceCommand, type SpliceInfoSection, type SpliceTime } from './types.ts';

export type CueStyle = 'splice_insert' | 'time_signal';

/** The cue-out segmentation types a builder may use (Table 23). */
export const CUE_OUT_SEGMENTATION_TYPES = [
  SEGMENTATION_TYPES.PROVIDER_PLACEMENT_OPPORTUNITY_START,
  SEGMENTATION_TYPES.DISTRIBUTOR_PLACEMENT_OPPORTUNITY_START,
  SEGMENTATION_TYPES.BREAK_START,
] as const;

export interface CueOutOptions {
  /** splice_event_id, or segmentation_event_id for the time_signal style (32 bits). */
  eventId: number;
  /** Splice PTS (33 bits, 90 kHz); undefined means splice_immediate (time_signal: immediate splice_time). */
  ptsTime?: number | undefined;
  /** Break length in 90 kHz ticks (33 bits for splice_insert, 40 for segmentation_duration). */
  durationTicks?: number | undefined;
  /** splice_insert: break_duration.auto_return (default true). */
  autoReturn?: boolean | undefined;
  style?: CueStyle | undefined;
  /** time_signal style: 0x34 (default), 0x36 or 0x22. */
  segmentationTypeId?: number | undefined;
  /** splice_insert: unique_program_id (default 0), avail_num / avails_expected (default 0). */
  uniqueProgramId?: number | undefined;
  availNum?: number | undefined;
  availsExpected?: number | undefined;
}

export interface CueInOptions {
  eventId: number;
  ptsTime?: number | undefined;
  style?: CueStyle | undefined;
  /** time_signal style: the Start type being closed (0x34 default, 0x36, 0x22) or its End type. */
  segmentationTypeId?: number | undefined;
  uniqueProgramId?: number | undefined;
}

function checkUint(value: number, bits: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) {
    throw new Scte35Error('OUT_OF_RANGE', `${field} is ${value}, expected an integer in 0..2^${bits}-1`, { field });
  }
  return value;
}

function section(command: SpliceCommand, descriptors: SegmentationDescriptor[] = []): SpliceInfoSection {
  return {
    table_id: 0xfc,
    section_syntax_indicator: false,
    private_indicator: false,
    sap_type: 3,
    protocol_version: 0,
    encrypted_packet: false,
    encryption_algorithm: 0,
    pts_adjustment: 0,
    cw_index: 0xff,
    tier: 0xfff,
    splice_command_type: command.splice_command_type,
    splice_command: command,
    descriptors,
  };
}

function spliceTime(ptsTime: number | undefined): SpliceTime {
  return ptsTime === undefined ? { time_specified_flag: false } : { time_specified_flag: true, pts_time: checkUint(ptsTime, 33, 'ptsTime') };
}

function segmentation(eventId: number, typeId: number, durationTicks: number | undefined): SegmentationDescriptor {
  const d: SegmentationDescriptor = {
    name: 'segmentation_descriptor',
    splice_descriptor_tag: 0x02,
    identifier: 'CUEI',
    segmentation_event_id: checkUint(eventId, 32, 'eventId'),
    segmentation_event_cancel_indicator: false,
    segmentation_event_id_compliance_indicator: true,
    program_segmentation_flag: true,
    segmentation_duration_flag: durationTicks !== undefined,
    delivery_not_restricted_flag: true,
    segmentation_upid_type: UPID_NOT_USED,
    segmentation_upid: { hex: '' },
    segmentation_type_id: typeId,
    segment_num: 0,
    segments_expected: 0,
  };
  if (durationTicks !== undefined) d.segmentation_duration = checkUint(durationTicks, 40, 'durationTicks');
  // Table 23: placement opportunity starts carry sub_segment_num / sub_segments_expected.
  if (typeId === SEGMENTATION_TYPES.PROVIDER_PLACEMENT_OPPORTUNITY_START || typeId === SEGMENTATION_TYPES.DISTRIBUTOR_PLACEMENT_OPPORTUNITY_START) {
    d.sub_segment_num = 0;
    d.sub_segments_expected = 0;
  }
  return d;
}

/** Cue-out: splice_insert out_of_network, or time_signal with a placement/break Start descriptor. */
export function buildCueOut(options: CueOutOptions): SpliceInfoSection {
  const { eventId, ptsTime, durationTicks, autoReturn = true, style = 'splice_insert' } = options;
  if (style === 'time_signal') {
    const typeId = options.segmentationTypeId ?? SEGMENTATION_TYPES.PROVIDER_PLACEMENT_OPPORTUNITY_START;
    if (!(CUE_OUT_SEGMENTATION_TYPES as readonly number[]).includes(typeId)) {
      throw new Scte35Error('OUT_OF_RANGE', `segmentationTypeId 0x${typeId.toString(16)} is not a cue-out type (0x34, 0x36, 0x22)`, {
        field: 'segmentationTypeId',
      });
    }
    return section({ splice_command_type: TIME_SIGNAL, splice_time: spliceTime(ptsTime) }, [segmentation(eventId, typeId, durationTicks)]);
  }
  if (style !== 'splice_insert') throw new Scte35Error('BAD_INPUT', `unknown style ${String(style)}`, { field: 'style' });
  return section({
    splice_command_type: SPLICE_INSERT,
    splice_event_id: checkUint(eventId, 32, 'eventId'),
    splice_event_cancel_indicator: false,
    event_id_compliance_flag: true,
    out_of_network_indicator: true,
    program_splice_flag: true,
    duration_flag: durationTicks !== undefined,
    splice_immediate_flag: ptsTime === undefined,
    ...(ptsTime === undefined ? {} : { splice_time: spliceTime(ptsTime) }),
    ...(durationTicks === undefined ? {} : { break_duration: { auto_return: autoReturn, duration: checkUint(durationTicks, 33, 'durationTicks') } }),
    unique_program_id: checkUint(options.uniqueProgramId ?? 0, 16, 'uniqueProgramId'),
    avail_num: checkUint(options.availNum ?? 0, 8, 'availNum'),
    avails_expected: checkUint(options.availsExpected ?? 0, 8, 'availsExpected'),
  });
}

/** Cue-in (return to network): splice_insert out_of_network 0, or time_signal with the matching End type. */
export function buildCueIn(options: CueInOptions): SpliceInfoSection {
  const { eventId, ptsTime, style = 'splice_insert' } = options;
  if (style === 'time_signal') {
    const given = options.segmentationTypeId ?? SEGMENTATION_TYPES.PROVIDER_PLACEMENT_OPPORTUNITY_START;
    const endType = (CUE_OUT_SEGMENTATION_TYPES as readonly number[]).includes(given)
      ? segmentationEndTypeFor(given)
      : (CUE_OUT_SEGMENTATION_TYPES as readonly number[]).includes(given - 1)
        ? given
        : undefined;
    if (endType === undefined) {
      throw new Scte35Error('OUT_OF_RANGE', `segmentationTypeId 0x${given.toString(16)} is not a cue-out type or its End`, { field: 'segmentationTypeId' });
    }
    return section({ splice_command_type: TIME_SIGNAL, splice_time: spliceTime(ptsTime) }, [segmentation(eventId, endType, undefined)]);
  }
  if (style !== 'splice_insert') throw new Scte35Error('BAD_INPUT', `unknown style ${String(style)}`, { field: 'style' });
  return section({
    splice_command_type: SPLICE_INSERT,
    splice_event_id: checkUint(eventId, 32, 'eventId'),
    splice_event_cancel_indicator: false,
    event_id_compliance_flag: true,
    out_of_network_indicator: false,
    program_splice_flag: true,
    duration_flag: false,
    splice_immediate_flag: ptsTime === undefined,
    ...(ptsTime === undefined ? {} : { splice_time: spliceTime(ptsTime) }),
    unique_program_id: checkUint(options.uniqueProgramId ?? 0, 16, 'uniqueProgramId'),
    avail_num: 0,
    avails_expected: 0,
  });
}

/** Cancels a pending splice_insert event (splice_event_cancel_indicator 1). */
export function buildCancel(options: { eventId: number }): SpliceInfoSection {
  return section({
    splice_command_type: SPLICE_INSERT,
    splice_event_id: checkUint(options.eventId, 32, 'eventId'),
    splice_event_cancel_indicator: true,
    event_id_compliance_flag: true,
  });
}

/** §9.7.1 splice_null: the heartbeat. */
export function buildSpliceNull(): SpliceInfoSection {
  return section({ splice_command_type: SPLICE_NULL });
}

/**
 * The 33-bit PTS at which the section splices: pts_time + pts_adjustment mod 2^33, for a
 * time_signal with a time, or a program-mode splice_insert that is not immediate or cancelled.
 */
export function spliceTimeOf(s: SpliceInfoSection): number | undefined {
  const c = s.splice_command;
  if (c === null || c === undefined) return undefined;
  let t: SpliceTime | undefined;
  if (c.splice_command_type === TIME_SIGNAL) t = c.splice_time;
  else if (c.splice_command_type === SPLICE_INSERT && !c.splice_event_cancel_indicator && c.program_splice_flag !== false && !c.splice_immediate_flag)
    t = c.splice_time;
  if (t === undefined || !t.time_specified_flag || t.pts_time === undefined) return undefined;
  return (t.pts_time + s.pts_adjustment) % MAX_PTS;
}
