// The sections a break sends, per signal style (decision 3 of #12), as bytes for the cue channel.
//
// splice_insert (default): the cue-out carries break_duration with auto_return, so the planned
// return needs no cue-in (SCTE 67 makes it optional, and two returns confuse some splicers); an
// early return sends a cue-in (out_of_network_indicator 0) with the same splice_event_id.
// time_signal: a segmentation_descriptor Start (0x34 Provider Placement Opportunity, or 0x30
// Provider Advertisement) with segmentation_duration and the UPID of the settings; its End
// (0x35/0x31) at the return, planned or early.
import type { SignalStyle, UpidSetting } from '../../../shared/cues.ts';
import { SEGMENTATION_TYPES } from '../../../shared/cues.ts';
import {
  buildCancel,
  buildCueIn,
  buildCueOut,
  buildSpliceNull,
  encodeSection,
  SEGMENTATION_TYPES as SCTE35_SEGMENTATION_TYPES,
  TIME_SIGNAL,
  UPID_ADI,
  UPID_MPU,
  UPID_NOT_USED,
  type SegmentationDescriptor,
  type SpliceInfoSection,
  type Upid,
} from '../scte35/index.ts';

export interface BreakSignal {
  style: SignalStyle;
  eventId: number;
  upid: UpidSetting;
}

function hexOfAscii(text: string): string {
  return Buffer.from(text, 'latin1').toString('hex');
}

/** The UPID setting as segmentation_upid_type and its bytes (Table 22: ADI 0x09, MPU 0x0C). */
export function upidOf(setting: UpidSetting): { type: number; upid: Upid } {
  switch (setting.type) {
    case 'none':
      return { type: UPID_NOT_USED, upid: { hex: '' } };
    case 'adi':
      return { type: UPID_ADI, upid: { hex: hexOfAscii(setting.value) } };
    case 'mpu':
      return { type: UPID_MPU, upid: { hex: hexOfAscii(setting.formatIdentifier) + setting.privateData.toLowerCase() } };
  }
}

function timeSignal(ptsTime: number | null, descriptor: SegmentationDescriptor): SpliceInfoSection {
  // The splice_null builder gives the section header the studio always sends; the command is ours.
  return {
    ...buildSpliceNull(),
    splice_command_type: TIME_SIGNAL,
    splice_command: {
      splice_command_type: TIME_SIGNAL,
      splice_time: ptsTime === null ? { time_specified_flag: false } : { time_specified_flag: true, pts_time: ptsTime },
    },
    descriptors: [descriptor],
  };
}

function segmentationDescriptor(eventId: number, typeId: number, durationTicks: number | null, upid: UpidSetting): SegmentationDescriptor {
  const { type, upid: value } = upidOf(upid);
  const descriptor: SegmentationDescriptor = {
    name: 'segmentation_descriptor',
    splice_descriptor_tag: 0x02,
    identifier: 'CUEI',
    segmentation_event_id: eventId,
    segmentation_event_cancel_indicator: false,
    segmentation_event_id_compliance_indicator: true,
    program_segmentation_flag: true,
    segmentation_duration_flag: durationTicks !== null,
    delivery_not_restricted_flag: true,
    segmentation_upid_type: type,
    segmentation_upid: value,
    segmentation_type_id: typeId,
    segment_num: 0,
    segments_expected: 0,
  };
  if (durationTicks !== null) descriptor.segmentation_duration = durationTicks;
  // Table 23: placement opportunity Starts carry sub_segment_num / sub_segments_expected.
  if (typeId === SCTE35_SEGMENTATION_TYPES.PROVIDER_PLACEMENT_OPPORTUNITY_START) {
    descriptor.sub_segment_num = 0;
    descriptor.sub_segments_expected = 0;
  }
  return descriptor;
}

function typesOf(style: Exclude<SignalStyle, 'splice_insert'>): { start: number; end: number } {
  return SEGMENTATION_TYPES[style];
}

/** The cue-out: splice at `splicePts`, for `durationTicks` (the real, grid length). */
export function breakStartSection(signal: BreakSignal, splicePts: number, durationTicks: number): Uint8Array {
  if (signal.style === 'splice_insert') {
    return encodeSection(buildCueOut({ eventId: signal.eventId, ptsTime: splicePts, durationTicks, autoReturn: true }));
  }
  return encodeSection(timeSignal(splicePts, segmentationDescriptor(signal.eventId, typesOf(signal.style).start, durationTicks, signal.upid)));
}

/** The return at `returnPts`: a cue-in (splice_insert) or the End descriptor (time_signal). */
export function breakEndSection(signal: BreakSignal, returnPts: number): Uint8Array {
  if (signal.style === 'splice_insert') return encodeSection(buildCueIn({ eventId: signal.eventId, ptsTime: returnPts }));
  return encodeSection(timeSignal(returnPts, segmentationDescriptor(signal.eventId, typesOf(signal.style).end, null, signal.upid)));
}

/**
 * Cancels a cue-out not yet spliced: splice_insert with splice_event_cancel_indicator, or an
 * immediate time_signal whose segmentation_descriptor has segmentation_event_cancel_indicator.
 */
export function breakCancelSection(signal: BreakSignal): Uint8Array {
  if (signal.style === 'splice_insert') return encodeSection(buildCancel({ eventId: signal.eventId }));
  return encodeSection(
    timeSignal(null, {
      name: 'segmentation_descriptor',
      splice_descriptor_tag: 0x02,
      identifier: 'CUEI',
      segmentation_event_id: signal.eventId,
      segmentation_event_cancel_indicator: true,
      segmentation_event_id_compliance_indicator: true,
    }),
  );
}
