// The confidence monitor's SCTE-35 tally from what the monitor itself received: mpegts.js parses each
// splice_info_section on the TS's SCTE-35 PID (stream_type 0x86) and raises SCTE35_METADATA_ARRIVED
// with it. This maps that payload to the tally, with no DOM and no player: unit-tested on its own.
//
// mpegts.js 1.8 payload (src/demux/scte35.ts, core/transmuxing-controller.js): `splice_command_type`,
// `detail` (the whole section: `splice_command`, `splice_descriptors`, …), and `pts` in milliseconds on
// the player's media timeline (the splice time + pts_adjustment, less the remuxer's timestamp base) for
// a timed splice_insert or time_signal; else `nearest_pts` (ms, the latest media timestamp) for an
// immediate or untimed one. The video element's currentTime is on the same timeline, so the seconds
// to the splice are the section's time less what the monitor is showing.

/** ANSI/SCTE 35 table 7: the splice commands. */
export const SPLICE_NULL = 0x00;
export const SPLICE_INSERT = 0x05;
export const TIME_SIGNAL = 0x06;

/**
 * ANSI/SCTE 35 table 22 segmentation_type_id: Starts that take the program out of network, and their
 * Ends (Start + 1) that bring it back. The engine's time_signal cues use 0x22, 0x34 and 0x36.
 */
const SEGMENTATION_OUT_TYPES = new Set([0x22, 0x30, 0x32, 0x34, 0x36, 0x38, 0x3a, 0x3c, 0x3e, 0x44, 0x46]);
const SEGMENTATION_IN_TYPES = new Set([...SEGMENTATION_OUT_TYPES].map((type) => type + 1));

/** The fields of mpegts.js's SCTE35Data the tally reads (typed loosely: its d.ts does not export them). */
export interface MpegtsScte35Payload {
  splice_command_type: number;
  /** ms on the media timeline, for a timed splice_insert / time_signal. */
  pts?: number;
  /** ms on the media timeline, the latest sample's, for one with no time. */
  nearest_pts?: number;
  detail?: {
    splice_command?: {
      splice_event_id?: number;
      splice_event_cancel_indicator?: boolean;
      out_of_network_indicator?: boolean;
      splice_immediate_flag?: boolean;
    };
    splice_descriptors?: Array<{
      descriptor_tag?: number;
      segmentation_event_id?: number;
      segmentation_event_cancel_indicator?: boolean;
      segmentation_type_id?: number;
    }>;
  };
}

/** What the tally shows of one cue the monitor received. */
export interface MonitorCue {
  eventId: number | null;
  /** true: out of network (a break starts); false: back to the network; null: neither (cancel, other command). */
  outOfNetwork: boolean | null;
  /** The event is withdrawn (splice_event_cancel_indicator / segmentation_event_cancel_indicator). */
  cancelled: boolean;
  spliceCommandType: number;
  /** Seconds from the picture the monitor shows to the splice point; null for an immediate cue. */
  secondsToSplice: number | null;
  /** Local time (ms) the copy arrived: the tally goes dark a hold time after the last copy. */
  receivedAt: number;
}

/** ANSI/SCTE 35 §10.3.3: segmentation_descriptor, tag 0x02. */
const SEGMENTATION_DESCRIPTOR_TAG = 0x02;

/**
 * The tally for a section mpegts.js received, or null for one that must not light it (the engine's
 * splice_null heartbeat). `videoSeconds` is the monitor's video.currentTime when the event arrived.
 */
export function tallyFromScte35(payload: MpegtsScte35Payload, videoSeconds: number, receivedAt: number): MonitorCue | null {
  const type = payload.splice_command_type;
  if (type === SPLICE_NULL) return null;
  const secondsToSplice = payload.pts === undefined ? null : Math.round(payload.pts - videoSeconds * 1000) / 1000;
  if (type === SPLICE_INSERT) {
    const command = payload.detail?.splice_command ?? {};
    const cancelled = command.splice_event_cancel_indicator === true;
    return {
      eventId: command.splice_event_id ?? null,
      outOfNetwork: cancelled ? null : (command.out_of_network_indicator ?? null),
      cancelled,
      spliceCommandType: type,
      // mpegts.js gives no pts for an immediate splice_insert (splice_immediate_flag) nor a cancel.
      secondsToSplice: cancelled || command.splice_immediate_flag === true ? null : secondsToSplice,
      receivedAt,
    };
  }
  if (type === TIME_SIGNAL) {
    const segmentation = payload.detail?.splice_descriptors?.find((d) => d.descriptor_tag === SEGMENTATION_DESCRIPTOR_TAG);
    const cancelled = segmentation?.segmentation_event_cancel_indicator === true;
    const typeId = segmentation?.segmentation_type_id;
    const outOfNetwork =
      cancelled || typeId === undefined ? null : SEGMENTATION_OUT_TYPES.has(typeId) ? true : SEGMENTATION_IN_TYPES.has(typeId) ? false : null;
    return { eventId: segmentation?.segmentation_event_id ?? null, outOfNetwork, cancelled, spliceCommandType: type, secondsToSplice, receivedAt };
  }
  return { eventId: null, outOfNetwork: null, cancelled: false, spliceCommandType: type, secondsToSplice: null, receivedAt };
}

/** The tally's words for a cue: OUT, IN, CANCEL, or the command's number. */
export function describeMonitorCue(cue: Pick<MonitorCue, 'outOfNetwork' | 'cancelled' | 'spliceCommandType'>): { label: string; kind: 'out' | 'in' | 'other' } {
  if (cue.cancelled) return { label: 'CANCEL', kind: 'other' };
  if (cue.outOfNetwork === true) return { label: 'OUT', kind: 'out' };
  if (cue.outOfNetwork === false) return { label: 'IN', kind: 'in' };
  return { label: `CMD 0x${cue.spliceCommandType.toString(16).padStart(2, '0')}`, kind: 'other' };
}

/** "splice in 3.2 s", "at splice", "2.0 s past splice", or "immediate". */
export function describeSpliceTime(secondsToSplice: number | null): string {
  if (secondsToSplice === null) return 'immediate';
  if (secondsToSplice > 0.05) return `splice in ${secondsToSplice.toFixed(1)} s`;
  if (secondsToSplice < -0.05) return `${(-secondsToSplice).toFixed(1)} s past splice`;
  return 'at splice';
}
