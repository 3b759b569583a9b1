// The stripper between the monitor's feed and mpegts.js: the engine's own time_signal cue with a
// segmentation_duration, which mpegts.js 1.8.2's parser throws on, parses after it with every other
// field kept; all other packets pass byte for byte, whatever the chunking.
import { describe, expect, it } from 'vitest';
import { crc32Mpeg2 } from '../../../../main/engine/scte35/crc32.ts';
import { buildCueOut } from '../../../../main/engine/scte35/builders.ts';
import type { SpliceInfoSection } from '../../../../main/engine/scte35/types.ts';
import { type MpegtsScte35Payload, tallyFromScte35 } from './scte35-tally.ts';
import { SegmentationDurationStripper } from './segmentation-duration-stripper.ts';

// Loaded by specifiers typed as plain strings: see scte35-tally.test.ts.
const MPEGTS_SCTE35_PARSER: string = 'mpegts.js/src/demux/scte35.ts';
const ENGINE_SCTE35_ENCODER: string = '../../../../main/engine/scte35/encode.ts';
const { readSCTE35 } = (await import(MPEGTS_SCTE35_PARSER)) as { readSCTE35: (section: Uint8Array) => unknown };
const { encodeSection } = (await import(ENGINE_SCTE35_ENCODER)) as { encodeSection: (section: SpliceInfoSection) => Uint8Array };

const PMT_PID = 0x1000;
const VIDEO_PID = 0x100;
const SCTE35_PID = 0x1f0;
const PTS_HZ = 90_000;

/** One 188-byte packet carrying a section from its start (pointer_field 0), stuffed with 0xFF. */
function sectionPacket(pid: number, section: Uint8Array): Uint8Array {
  const packet = new Uint8Array(188).fill(0xff);
  packet.set([0x47, 0x40 | (pid >> 8), pid & 0xff, 0x10, 0x00], 0);
  packet.set(section, 5);
  return packet;
}

function withCrc(body: number[]): Uint8Array {
  const bytes = new Uint8Array(body.length + 4);
  bytes.set(body);
  const crc = crc32Mpeg2(bytes, 0, body.length);
  bytes.set([crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff], body.length);
  return bytes;
}

/** PAT: program 1 on PMT_PID. */
const pat = sectionPacket(0, withCrc([0x00, 0xb0, 13, 0x00, 0x01, 0xc1, 0x00, 0x00, 0x00, 0x01, 0xe0 | (PMT_PID >> 8), PMT_PID & 0xff]));
/** PMT: H.264 on VIDEO_PID, SCTE-35 (0x86) on SCTE35_PID. */
const pmt = sectionPacket(
  PMT_PID,
  withCrc([
    0x02,
    0xb0,
    23,
    0x00,
    0x01,
    0xc1,
    0x00,
    0x00,
    0xe0 | (VIDEO_PID >> 8),
    VIDEO_PID & 0xff,
    0xf0,
    0x00,
    0x1b,
    0xe0 | (VIDEO_PID >> 8),
    VIDEO_PID & 0xff,
    0xf0,
    0x00,
    0x86,
    0xe0 | (SCTE35_PID >> 8),
    SCTE35_PID & 0xff,
    0xf0,
    0x00,
  ]),
);
/** A video packet with a recognisable payload. */
const video = new Uint8Array(188).map((_, i) => (i === 0 ? 0x47 : i === 1 ? VIDEO_PID >> 8 : i === 2 ? VIDEO_PID & 0xff : i === 3 ? 0x10 : i & 0xff));

const cueWithDuration = encodeSection(
  buildCueOut({ eventId: 4242, ptsTime: 20 * PTS_HZ, durationTicks: 30 * PTS_HZ, style: 'time_signal', segmentationTypeId: 0x34 }),
);

function stream(...packets: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(packets.length * 188);
  for (const [i, p] of packets.entries()) out.set(p, i * 188);
  return out;
}

/** The section in a packet that starts one at byte 5 (pointer_field 0). */
function sectionOf(packet: Uint8Array): Uint8Array {
  const length = 3 + (((packet[6]! & 0x0f) << 8) | packet[7]!);
  return packet.slice(5, 5 + length);
}

describe('SegmentationDurationStripper', () => {
  it('makes the engine time_signal cue with a duration parse in mpegts.js, keeping its type, event id and splice time', () => {
    expect(() => readSCTE35(cueWithDuration)).toThrow(/32bits/);
    const stripper = new SegmentationDurationStripper();
    const out = stripper.push(stream(pat, pmt, video, sectionPacket(SCTE35_PID, cueWithDuration)));
    expect(stripper.stripped).toBe(1);
    const section = sectionOf(out.subarray(3 * 188, 4 * 188));
    expect(section.length).toBe(cueWithDuration.length - 5);
    expect(crc32Mpeg2(section, 0, section.length)).toBe(0); // a section with its CRC_32 checks to 0
    const payload = readSCTE35(section) as MpegtsScte35Payload & { detail: { splice_descriptors: Array<{ segmentation_duration_flag?: boolean }> } };
    expect(payload.detail.splice_descriptors[0]?.segmentation_duration_flag).toBe(false);
    payload.pts = Math.floor(payload.pts! / 90); // as mpegts.js's demuxer hands it on (ms)
    expect(tallyFromScte35(payload, 16, 0)).toMatchObject({ eventId: 4242, outOfNetwork: true, spliceCommandType: 0x06, secondsToSplice: 4 });
  });

  it('passes every other packet byte for byte, and a cue without a duration unchanged', () => {
    const cueWithout = encodeSection(buildCueOut({ eventId: 7, ptsTime: 20 * PTS_HZ }));
    const input = stream(pat, pmt, video, sectionPacket(SCTE35_PID, cueWithout), video);
    const stripper = new SegmentationDurationStripper();
    expect(stripper.push(input.slice())).toEqual(input);
    expect(stripper.stripped).toBe(0);
  });

  it('holds a partial packet until the rest arrives: the same bytes out, whatever the chunking', () => {
    const input = stream(pat, pmt, video, sectionPacket(SCTE35_PID, cueWithDuration), video);
    const whole = new SegmentationDurationStripper().push(input.slice());
    const stripper = new SegmentationDurationStripper();
    const pieces: Uint8Array[] = [];
    for (let at = 0; at < input.length; at += 100) pieces.push(stripper.push(input.slice(at, at + 100)).slice());
    const joined = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const piece of pieces) {
      joined.set(piece, at);
      at += piece.length;
    }
    expect(joined).toEqual(whole);
    expect(stripper.stripped).toBe(1);
  });

  it('leaves SCTE-35 packets alone until the PMT has named the PID', () => {
    const input = stream(sectionPacket(SCTE35_PID, cueWithDuration), pat, pmt);
    const stripper = new SegmentationDurationStripper();
    expect(stripper.push(input.slice())).toEqual(input);
    expect(stripper.stripped).toBe(0);
  });

  it('hands on a stream out of step untouched', () => {
    const input = new Uint8Array(400).fill(0x11);
    expect(new SegmentationDurationStripper().push(input.slice())).toEqual(input);
  });
});
