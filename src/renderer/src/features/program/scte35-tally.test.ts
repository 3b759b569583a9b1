// The tally from mpegts.js's SCTE35_METADATA_ARRIVED payload. The payloads are not written by hand:
// the engine's own builders encode the sections, and mpegts.js's parser (the code the monitor runs)
// reads them, with the two steps its demuxer and transmuxer apply before the event (pts to ms, less
// the remuxer's timestamp base).
import { describe, expect, it } from 'vitest';
import { buildCancel, buildCueIn, buildCueOut, buildSpliceNull } from '../../../../main/engine/scte35/builders.ts';
import type { SpliceInfoSection } from '../../../../main/engine/scte35/types.ts';
import { describeMonitorCue, describeSpliceTime, type MpegtsScte35Payload, tallyFromScte35 } from './scte35-tally.ts';

// mpegts.js's own section parser, from its TypeScript source (vitest compiles it), and the engine's
// encoder. Specifiers typed as plain strings: the renderer's type-check must not compile mpegts.js's
// source under this project's strict options, nor the engine's Node-only text codec behind its encoder.
const MPEGTS_SCTE35_PARSER: string = 'mpegts.js/src/demux/scte35.ts';
const ENGINE_SCTE35_ENCODER: string = '../../../../main/engine/scte35/encode.ts';
const { readSCTE35 } = (await import(MPEGTS_SCTE35_PARSER)) as { readSCTE35: (section: Uint8Array) => unknown };
const { encodeSection } = (await import(ENGINE_SCTE35_ENCODER)) as { encodeSection: (section: SpliceInfoSection) => Uint8Array };

const PTS_HZ = 90_000;
/** The first media timestamp of the run, in 90 kHz: mpegts.js's timestamp base is this in ms. */
const FIRST_PTS = 10 * PTS_HZ;
const TIMESTAMP_BASE_MS = FIRST_PTS / 90;

/** What the monitor's player hands to SCTE35_METADATA_ARRIVED for a section on the wire. */
function arrived(section: SpliceInfoSection, latestMediaMs = TIMESTAMP_BASE_MS): MpegtsScte35Payload {
  const payload = readSCTE35(encodeSection(section)) as MpegtsScte35Payload;
  // ts-demuxer parseSCTE35: pts to ms (timescale 90), or the nearest sample's ms for one with no time.
  if (payload.pts !== undefined) payload.pts = Math.floor(payload.pts / 90);
  else payload.nearest_pts = latestMediaMs;
  // transmuxing-controller _onSCTE35Metadata: onto the media timeline.
  if (payload.pts !== undefined) payload.pts -= TIMESTAMP_BASE_MS;
  if (payload.nearest_pts !== undefined) payload.nearest_pts -= TIMESTAMP_BASE_MS;
  return payload;
}

describe('tallyFromScte35', () => {
  it('lights OUT for a timed splice_insert cue-out, with its event id and the seconds from the shown picture to the splice', () => {
    // Splice 20 s into the run; the monitor shows 16.5 s: 3.5 s to go.
    const payload = arrived(buildCueOut({ eventId: 7301, ptsTime: FIRST_PTS + 20 * PTS_HZ, durationTicks: 30 * PTS_HZ }));
    const cue = tallyFromScte35(payload, 16.5, 1234);
    expect(cue).toEqual({ eventId: 7301, outOfNetwork: true, cancelled: false, spliceCommandType: 0x05, secondsToSplice: 3.5, receivedAt: 1234 });
    expect(describeMonitorCue(cue!)).toEqual({ label: 'OUT', kind: 'out' });
    expect(describeSpliceTime(cue!.secondsToSplice)).toBe('splice in 3.5 s');
  });

  it('lights IN for a splice_insert cue-in; past its splice it says how long ago', () => {
    const payload = arrived(buildCueIn({ eventId: 7301, ptsTime: FIRST_PTS + 50 * PTS_HZ }));
    const cue = tallyFromScte35(payload, 51, 0);
    expect(cue).toMatchObject({ eventId: 7301, outOfNetwork: false, cancelled: false, secondsToSplice: -1 });
    expect(describeMonitorCue(cue!)).toEqual({ label: 'IN', kind: 'in' });
    expect(describeSpliceTime(cue!.secondsToSplice)).toBe('1.0 s past splice');
  });

  it('applies pts_adjustment and wraps at 2^33 as the parser does', () => {
    const section = buildCueOut({ eventId: 9, ptsTime: 2 ** 33 - PTS_HZ });
    // 1 s before the wrap, adjusted by 1 s + FIRST_PTS: the splice lands FIRST_PTS after the wrap.
    section.pts_adjustment = PTS_HZ + FIRST_PTS;
    const cue = tallyFromScte35(arrived(section), 0, 0);
    expect(cue?.secondsToSplice).toBe(0);
    expect(describeSpliceTime(cue!.secondsToSplice)).toBe('at splice');
  });

  it('an immediate splice_insert has no splice time', () => {
    const cue = tallyFromScte35(arrived(buildCueOut({ eventId: 12 })), 4, 0);
    expect(cue).toMatchObject({ eventId: 12, outOfNetwork: true, secondsToSplice: null });
    expect(describeSpliceTime(cue!.secondsToSplice)).toBe('immediate');
  });

  it('a splice_event_cancel says CANCEL for its event, neither out nor in', () => {
    const cue = tallyFromScte35(arrived(buildCancel({ eventId: 44 })), 4, 0);
    expect(cue).toMatchObject({ eventId: 44, outOfNetwork: null, cancelled: true, secondsToSplice: null });
    expect(describeMonitorCue(cue!)).toEqual({ label: 'CANCEL', kind: 'other' });
  });

  it('a time_signal placement opportunity Start is OUT and its End is IN, with the segmentation event id', () => {
    const out = tallyFromScte35(arrived(buildCueOut({ eventId: 501, ptsTime: FIRST_PTS + 8 * PTS_HZ, style: 'time_signal', segmentationTypeId: 0x34 })), 6, 0);
    expect(out).toMatchObject({ eventId: 501, outOfNetwork: true, cancelled: false, spliceCommandType: 0x06, secondsToSplice: 2 });
    const back = tallyFromScte35(
      arrived(buildCueIn({ eventId: 501, ptsTime: FIRST_PTS + 38 * PTS_HZ, style: 'time_signal', segmentationTypeId: 0x34 })),
      37.25,
      0,
    );
    expect(back).toMatchObject({ eventId: 501, outOfNetwork: false, secondsToSplice: 0.75 });
    const breakStart = tallyFromScte35(arrived(buildCueOut({ eventId: 502, ptsTime: FIRST_PTS, style: 'time_signal', segmentationTypeId: 0x22 })), 0, 0);
    expect(breakStart).toMatchObject({ eventId: 502, outOfNetwork: true });
  });

  it('mpegts.js 1.8.2 alone cannot parse a segmentation_descriptor with a segmentation_duration (40 bits)', () => {
    // Its ExpGolomb reader refuses reads over 32 bits: the monitor's loader strips the duration first
    // (segmentation-duration-stripper.ts). Pinned here so an mpegts.js that parses it is noticed.
    const withDuration = buildCueOut({ eventId: 503, ptsTime: FIRST_PTS, durationTicks: 30 * PTS_HZ, style: 'time_signal', segmentationTypeId: 0x34 });
    expect(() => readSCTE35(encodeSection(withDuration))).toThrow(/32bits/);
  });

  it('the splice_null heartbeat never lights the tally', () => {
    expect(tallyFromScte35(arrived(buildSpliceNull()), 3, 0)).toBeNull();
  });

  it('another command shows its number', () => {
    const cue = tallyFromScte35({ splice_command_type: 0xff, nearest_pts: 0 }, 3, 0);
    expect(cue).toMatchObject({ eventId: null, outOfNetwork: null, secondsToSplice: null });
    expect(describeMonitorCue(cue!)).toEqual({ label: 'CMD 0xff', kind: 'other' });
  });
});
