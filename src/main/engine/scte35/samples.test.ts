// The standard's §14 sample messages decode to the values the standard lists and re-encode to
// identical bytes; so do the splice_null heartbeat and other published real-world sections.
import { describe, expect, it } from 'vitest';
import { ALL_SAMPLES, STANDARD_SAMPLES as S, THREEFIVE_SAMPLES as T } from './fixtures/samples.ts';
import {
  decodeSection,
  encodeSection,
  parseSectionText,
  spliceTimeOf,
  toBase64,
  type SegmentationDescriptor,
  type SpliceInfoSection,
  type SpliceInsertCommand,
  type TimeSignalCommand,
} from './index.ts';

const decode = (b64: string): SpliceInfoSection => decodeSection(parseSectionText(b64));
const seg = (s: SpliceInfoSection, i: number): SegmentationDescriptor => s.descriptors[i] as SegmentationDescriptor;
const timeSignalPts = (s: SpliceInfoSection): number | undefined => (s.splice_command as TimeSignalCommand).splice_time.pts_time;

/** Header values common to every §14 sample: "Table ID = 0xFC … Protocol Version = 0, unencrypted, PTS Adjustment = 0, Tier = 0xfff". */
function expectStandardHeader(s: SpliceInfoSection, sectionLength: number, commandLength: number): void {
  expect(s).toMatchObject({
    table_id: 0xfc,
    section_syntax_indicator: false,
    private_indicator: false,
    section_length: sectionLength,
    protocol_version: 0,
    encrypted_packet: false,
    pts_adjustment: 0,
    tier: 0xfff,
    splice_command_length: commandLength,
  });
}

/**
 * A §14 segmentation descriptor as listed: "Delivery Not Restricted flag = 0, Web Delivery Allowed flag = w,
 * No Regional Blackout flag = 1, Archive Allowed flag = 1, Device Restrictions = 3, Program Segmentation flag SET,
 * UPID Type = Turner Identifier length 8".
 */
function expectListedSegmentation(
  d: SegmentationDescriptor,
  listed: { eventId: number; web: boolean; ti: string; typeId: number; num: number; expected: number; duration?: number; length: number },
): void {
  expect(d).toMatchObject({
    name: 'segmentation_descriptor',
    splice_descriptor_tag: 0x02,
    descriptor_length: listed.length,
    identifier: 'CUEI',
    segmentation_event_id: listed.eventId,
    segmentation_event_cancel_indicator: false,
    delivery_not_restricted_flag: false,
    web_delivery_allowed_flag: listed.web,
    no_regional_blackout_flag: true,
    archive_allowed_flag: true,
    device_restrictions: 3,
    program_segmentation_flag: true,
    segmentation_duration_flag: listed.duration !== undefined,
    segmentation_upid_type: 0x08,
    segmentation_upid_length: 8,
    segmentation_upid: { hex: listed.ti, text: `0x${listed.ti.toUpperCase()}` },
    segmentation_type_id: listed.typeId,
    segment_num: listed.num,
    segments_expected: listed.expected,
  });
  expect(d.segmentation_duration).toBe(listed.duration);
  expect(d.sub_segment_num).toBeUndefined();
}

describe('ANSI/SCTE 35 §14 sample messages', () => {
  it('14.1 time_signal – Placement Opportunity Start decodes to the listed values', () => {
    const s = decode(S['14.1 time_signal – Placement Opportunity Start']);
    expectStandardHeader(s, 52, 5);
    expect(s.splice_command_type).toBe(0x06);
    expect(timeSignalPts(s)).toBe(0x072bd0050); // "Time = 0x072bd0050 - 21388.766756"
    expect(s.descriptor_loop_length).toBe(30);
    expect(s.descriptors).toHaveLength(1);
    // "Segmentation Duration = 0x0001a599b0 = 307.000000 seconds", "Type = Placement Opportunity Start", "Segment num = 2"
    expectListedSegmentation(seg(s, 0), {
      eventId: 0x4800008e,
      web: false,
      ti: '000000002ca0a18a',
      typeId: 0x34,
      num: 2,
      expected: 0,
      duration: 0x0001a599b0,
      length: 28,
    });
    expect(seg(s, 0).segmentation_duration! / 90_000).toBe(307);
    expect(s.crc_32).toBe(0x9ac9d17e);
  });

  it('14.2 splice_insert decodes to the listed values', () => {
    const s = decode(S['14.2 splice_insert']);
    expectStandardHeader(s, 47, 0x14);
    const c = s.splice_command as SpliceInsertCommand;
    expect(c).toMatchObject({
      splice_command_type: 0x05,
      splice_event_id: 0x4800008f,
      splice_event_cancel_indicator: false,
      out_of_network_indicator: true,
      program_splice_flag: true,
      duration_flag: true,
      splice_immediate_flag: false,
      splice_time: { time_specified_flag: true, pts_time: 0x07369c02e }, // 21514.559089
      break_duration: { auto_return: true, duration: 0x00052ccf5 }, // 60.293567 seconds
      unique_program_id: 0,
      avail_num: 0,
      avails_expected: 0,
    });
    expect(s.descriptor_loop_length).toBe(10);
    expect(s.descriptors).toEqual([
      { name: 'avail_descriptor', splice_descriptor_tag: 0, descriptor_length: 8, identifier: 'CUEI', provider_avail_id: 0x00000135 },
    ]);
    expect(s.crc_32).toBe(0x62dba30a);
    expect(spliceTimeOf(s)).toBe(0x07369c02e);
  });

  it('14.3 time_signal – Placement Opportunity End decodes to the listed values', () => {
    const s = decode(S['14.3 time_signal – Placement Opportunity End']);
    expectStandardHeader(s, 47, 5);
    expect(timeSignalPts(s)).toBe(0x0746290a0);
    expect(s.descriptor_loop_length).toBe(25);
    expectListedSegmentation(seg(s, 0), { eventId: 0x4800008e, web: true, ti: '000000002ca0a18a', typeId: 0x35, num: 2, expected: 0, length: 23 });
    expect(s.crc_32).toBe(0xa9cc6758);
  });

  it('14.4 time_signal – Program Start/End decodes to the listed values', () => {
    const s = decode(S['14.4 time_signal – Program Start/End']);
    expectStandardHeader(s, 72, 5);
    expect(timeSignalPts(s)).toBe(0x07a4d88b6);
    expect(s.descriptor_loop_length).toBe(50);
    expectListedSegmentation(seg(s, 0), { eventId: 0x48000018, web: true, ti: '000000002ccbc344', typeId: 0x11, num: 0, expected: 0, length: 23 });
    expectListedSegmentation(seg(s, 1), { eventId: 0x48000019, web: true, ti: '000000002ca4dba0', typeId: 0x10, num: 0, expected: 0, length: 23 });
    expect(s.crc_32).toBe(0x9972e343);
  });

  it('14.5 time_signal – Program Overlap Start decodes to the listed values', () => {
    const s = decode(S['14.5 time_signal – Program Overlap Start']);
    expectStandardHeader(s, 47, 5);
    expect(timeSignalPts(s)).toBe(0x0aebfff64);
    expectListedSegmentation(seg(s, 0), { eventId: 0x48000008, web: true, ti: '000000002ca56cf5', typeId: 0x17, num: 0, expected: 0, length: 23 });
    expect(s.crc_32).toBe(0x951db0a8);
  });

  it('14.6 time_signal – Program Blackout Override / Program End decodes to the listed values', () => {
    const s = decode(S['14.6 time_signal – Program Blackout Override / Program End']);
    expectStandardHeader(s, 72, 5);
    expect(timeSignalPts(s)).toBe(0x0932e380b);
    expectListedSegmentation(seg(s, 0), { eventId: 0x4800000a, web: true, ti: '000000002ca0a1e3', typeId: 0x18, num: 0, expected: 0, length: 23 });
    expectListedSegmentation(seg(s, 1), { eventId: 0x48000009, web: true, ti: '000000002ca0a18a', typeId: 0x11, num: 0, expected: 0, length: 23 });
    expect(s.crc_32).toBe(0xb4217eb0);
  });

  it('14.7 time_signal – Program End decodes to the listed values', () => {
    const s = decode(S['14.7 time_signal – Program End']);
    expectStandardHeader(s, 47, 5);
    expect(timeSignalPts(s)).toBe(0x0aef17c4c);
    expectListedSegmentation(seg(s, 0), { eventId: 0x48000007, web: true, ti: '000000002ca56c97', typeId: 0x11, num: 0, expected: 0, length: 23 });
    expect(s.crc_32).toBe(0xc4876a2e);
  });

  it('14.8 time_signal – Program Start/End – Placement Opportunity End decodes to the listed values', () => {
    const s = decode(S['14.8 time_signal – Program Start/End – Placement Opportunity End']);
    expectStandardHeader(s, 97, 5);
    expect(timeSignalPts(s)).toBe(0x0a8cd44ed); // 31466.942367
    expect(s.descriptor_loop_length).toBe(75);
    expect(s.descriptors).toHaveLength(3);
    expectListedSegmentation(seg(s, 0), { eventId: 0x480000ad, web: true, ti: '000000002cb2d79d', typeId: 0x35, num: 2, expected: 0, length: 23 });
    expectListedSegmentation(seg(s, 1), { eventId: 0x48000026, web: true, ti: '000000002cb2d79d', typeId: 0x11, num: 0, expected: 0, length: 23 });
    expectListedSegmentation(seg(s, 2), { eventId: 0x48000027, web: true, ti: '000000002cb2d7b3', typeId: 0x10, num: 0, expected: 0, length: 23 });
    expect(s.crc_32).toBe(0x8a18869f);
  });

  it.each(Object.entries(S))('%s re-encodes to identical bytes', (_name, b64) => {
    expect(toBase64(encodeSection(decode(b64)))).toBe(b64);
  });
});

describe('the splice_null heartbeat (threefive sample)', () => {
  it('decodes to a splice_null with no descriptors and re-encodes to identical bytes', () => {
    const s = decode(T.spliceNull);
    expect(s).toMatchObject({
      section_length: 17,
      splice_command_type: 0x00,
      splice_command: { splice_command_type: 0x00 },
      descriptors: [],
      cw_index: 0,
      tier: 0xfff,
    });
    expect(spliceTimeOf(s)).toBeUndefined();
    expect(toBase64(encodeSection(s))).toBe(T.spliceNull);
  });
});

describe('published real-world sections (threefive)', () => {
  it.each(Object.entries(T))('%s re-encodes to identical bytes', (_name, b64) => {
    expect(toBase64(encodeSection(decode(b64)))).toBe(b64);
  });

  it('reads a DTMF descriptor', () => {
    expect(decode(T.spliceInsertDtmf).descriptors).toEqual([
      { name: 'DTMF_descriptor', splice_descriptor_tag: 1, descriptor_length: 10, identifier: 'CUEI', preroll: 177, dtmf_chars: '121#' },
    ]);
  });

  it('reads a URI UPID as text', () => {
    const d = seg(decode(T.timeSignalUriUpid), 0);
    expect(d.segmentation_upid_type).toBe(0x0f);
    expect(d.segmentation_upid?.text).toBe('urn:uuid:aa85bbb6-5c43-4b6a-bebb-ee3b13eb7999');
    expect(d.segmentation_duration).toBe(2_700_000);
  });

  it('reads a pts_time above 2^32 and an MPU UPID', () => {
    const s = decode(T.timeSignalMidUpid);
    expect(timeSignalPts(s)).toBe(0x146079552);
    expect(timeSignalPts(s)).toBeGreaterThan(2 ** 32);
    expect(seg(s, 3).segmentation_upid?.mpu).toEqual({ format_identifier: 'RTLN', private_data: '3148010000000031333736393230323534343935483100' });
  });

  it('keeps a private descriptor as bytes', () => {
    expect(decode(T.timeSignalPrivateDescriptor).descriptors).toEqual([
      {
        name: 'private_descriptor',
        splice_descriptor_tag: 0x2f,
        descriptor_length: 23,
        identifier: 'fufu',
        private_bytes: Buffer.from('threefive kicks ass').toString('hex'),
      },
    ]);
  });

  it('every fixture decodes', () => {
    for (const [, b64] of ALL_SAMPLES) expect(decode(b64).table_id).toBe(0xfc);
  });
});
