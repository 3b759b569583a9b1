// Unit tests of the codec: CRC, typed errors with offsets, every command and descriptor,
// UPIDs, encrypted and legacy sections, exact wide fields, text and JSON forms, builders.
import { describe, expect, it } from 'vitest';
import { MAX_PTS } from '../media.ts';
import { STANDARD_SAMPLES as S, THREEFIVE_SAMPLES as T } from './fixtures/samples.ts';
import {
  SEGMENTATION_TYPES,
  SEGMENTATION_TYPE_NAMES,
  Scte35Error,
  buildCancel,
  buildCueIn,
  buildCueOut,
  buildSpliceNull,
  crc32Mpeg2,
  decodeSection,
  encodeSection,
  parseSectionText,
  sectionFromJson,
  spliceTimeOf,
  toHex,
  type SegmentationDescriptor,
  type SpliceInfoSection,
  type SpliceInsertCommand,
} from './index.ts';

const bytesOf = (b64: string): Uint8Array => parseSectionText(b64);

/** Recomputes CRC_32 after a test edits bytes (section_length too when `resize`). */
function reseal(bytes: Uint8Array, resize = false): Uint8Array {
  if (resize) {
    const len = bytes.length - 3;
    bytes[1] = (bytes[1]! & 0xf0) | (len >> 8);
    bytes[2] = len & 0xff;
  }
  const crc = crc32Mpeg2(bytes, 0, bytes.length - 4);
  bytes.set([crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff], bytes.length - 4);
  return bytes;
}

function errorOf(fn: () => unknown): Scte35Error {
  try {
    fn();
  } catch (e) {
    if (e instanceof Scte35Error) return e;
    throw e;
  }
  throw new Error('expected a Scte35Error');
}

function roundTrips(bytes: Uint8Array): SpliceInfoSection {
  const s = decodeSection(bytes);
  expect(toHex(encodeSection(s))).toBe(toHex(bytes));
  return s;
}

const json = (command: object, descriptors: object[] = [], extra: object = {}): SpliceInfoSection =>
  sectionFromJson({ splice_command: command, descriptors, ...extra });

describe('crc32Mpeg2', () => {
  it('gives the CRC-32/MPEG-2 check value of "123456789"', () => {
    expect(crc32Mpeg2(new TextEncoder().encode('123456789'))).toBe(0x0376e6e7);
  });
  it('covers [start, end) only, and a section with its CRC_32 sums to 0', () => {
    const b = bytesOf(S['14.2 splice_insert']);
    expect(crc32Mpeg2(b, 0, b.length - 4)).toBe(0x62dba30a);
    expect(crc32Mpeg2(b)).toBe(0);
    const padded = new Uint8Array([9, 9, ...b, 9]);
    expect(crc32Mpeg2(padded, 2, 2 + b.length)).toBe(0);
  });
});

describe('typed errors carry code, field and offset', () => {
  it('BAD_CRC at the CRC_32', () => {
    const b = bytesOf(S['14.2 splice_insert']);
    b[20] = b[20]! ^ 0x01;
    expect(errorOf(() => decodeSection(b))).toMatchObject({ code: 'BAD_CRC', field: 'CRC_32', offset: b.length - 4 });
  });
  it('TRUNCATED where the input ends', () => {
    const b = bytesOf(S['14.1 time_signal – Placement Opportunity Start']).slice(0, 20);
    expect(errorOf(() => decodeSection(b))).toMatchObject({ code: 'TRUNCATED', field: 'section_length', offset: 20 });
    expect(errorOf(() => decodeSection(new Uint8Array([0xfc])))).toMatchObject({ code: 'TRUNCATED', offset: 1 });
  });
  it('LENGTH_MISMATCH when bytes follow the section', () => {
    const b = new Uint8Array([...bytesOf(S['14.2 splice_insert']), 0xff]);
    expect(errorOf(() => decodeSection(b))).toMatchObject({ code: 'LENGTH_MISMATCH', field: 'section_length', offset: 50 });
  });
  it('LENGTH_MISMATCH when splice_command_length disagrees with the command', () => {
    const b = bytesOf(S['14.1 time_signal – Placement Opportunity Start']);
    b[12] = 6; // splice_command_length 5 -> 6
    expect(errorOf(() => decodeSection(reseal(b)))).toMatchObject({ code: 'LENGTH_MISMATCH', field: 'splice_command_length', offset: 19 });
  });
  it('LENGTH_MISMATCH when a descriptor runs past descriptor_loop_length', () => {
    const b = bytesOf(S['14.2 splice_insert']);
    b[37] = 9; // avail descriptor_length 8 -> 9
    expect(errorOf(() => decodeSection(reseal(b)))).toMatchObject({ code: 'LENGTH_MISMATCH', field: 'descriptors[0].descriptor_length', offset: 37 });
  });
  it('UNKNOWN_COMMAND for a reserved splice_command_type', () => {
    const b = bytesOf(S['14.1 time_signal – Placement Opportunity Start']);
    b[13] = 0x03;
    expect(errorOf(() => decodeSection(reseal(b)))).toMatchObject({ code: 'UNKNOWN_COMMAND', field: 'splice_command_type', offset: 13 });
  });
  it('OUT_OF_RANGE for another table_id, and on encode for a value too wide for its field', () => {
    const b = bytesOf(S['14.2 splice_insert']);
    b[0] = 0xfd;
    expect(errorOf(() => decodeSection(b))).toMatchObject({ code: 'OUT_OF_RANGE', field: 'table_id', offset: 0 });
    const s = decodeSection(bytesOf(S['14.2 splice_insert']));
    (s.splice_command as SpliceInsertCommand).splice_time!.pts_time = MAX_PTS;
    expect(errorOf(() => encodeSection(s))).toMatchObject({ code: 'OUT_OF_RANGE', field: 'splice_command.splice_time.pts_time' });
    const t = decodeSection(bytesOf(S['14.2 splice_insert']));
    (t.descriptors[0] as { provider_avail_id: number }).provider_avail_id = -1;
    expect(errorOf(() => encodeSection(t))).toMatchObject({ code: 'OUT_OF_RANGE', field: 'descriptors[0].provider_avail_id' });
  });
  it('describes itself in one line', () => {
    const e = new Scte35Error('TRUNCATED', 'x', { field: 'pts_time', offset: 9 });
    expect(e.describe()).toBe('TRUNCATED (field pts_time, offset 9): x');
    expect(e).toBeInstanceOf(Error);
  });
});

describe('header', () => {
  it('keeps exact 33-bit pts_adjustment and signals the splice PTS mod 2^33', () => {
    const s = decodeSection(bytesOf(S['14.2 splice_insert']));
    s.pts_adjustment = MAX_PTS - 1;
    (s.splice_command as SpliceInsertCommand).splice_time!.pts_time = MAX_PTS - 1;
    const back = roundTrips(encodeSection(s));
    expect(back.pts_adjustment).toBe(MAX_PTS - 1);
    expect(spliceTimeOf(back)).toBe(MAX_PTS - 2);
  });
  it('flags an encrypted section and decodes its clear part only', () => {
    const b = bytesOf(S['14.2 splice_insert']);
    b[4] = b[4]! | 0x80 | (1 << 1); // encrypted_packet, encryption_algorithm 1 (DES-ECB)
    b[9] = 7; // cw_index
    const s = roundTrips(reseal(b));
    expect(s).toMatchObject({
      encrypted_packet: true,
      encryption_algorithm: 1,
      cw_index: 7,
      tier: 0xfff,
      splice_command_length: 0x14,
      splice_command_type: null,
      splice_command: null,
      descriptors: [],
    });
    expect(s.encrypted_payload).toBe(toHex(b, 13, b.length - 4));
    expect(spliceTimeOf(s)).toBeUndefined();
  });
  it('keeps the legacy splice_command_length 0xFFF', () => {
    const b = bytesOf(S['14.2 splice_insert']);
    b[11] = b[11]! | 0x0f;
    b[12] = 0xff;
    const s = roundTrips(reseal(b));
    expect(s.splice_command_length).toBe(0xfff);
    expect((s.splice_command as SpliceInsertCommand).splice_event_id).toBe(0x4800008f);
  });
  it('refuses a private_command with the legacy length (its length would be unknown)', () => {
    expect(errorOf(() => json({ splice_command_type: 0xff, identifier: 'ABCD', private_bytes: '01' }, [], { splice_command_length: 0xfff }))).toMatchObject({
      code: 'LENGTH_MISMATCH',
      field: 'splice_command_length',
    });
    const b = encodeSection(json({ splice_command_type: 0xff, identifier: 'ABCD', private_bytes: '01' }));
    b[11] = b[11]! | 0x0f;
    b[12] = 0xff;
    expect(errorOf(() => decodeSection(reseal(b)))).toMatchObject({ code: 'LENGTH_MISMATCH', field: 'splice_command_length', offset: 11 });
  });
  it('keeps alignment stuffing', () => {
    const s = json({ splice_command_type: 0 }, [], { alignment_stuffing: 'ffff' });
    const back = roundTrips(encodeSection(s));
    expect(back.alignment_stuffing).toBe('ffff');
    expect(back.section_length).toBe(19);
  });
  it('keeps reserved bits that are not 1, so the bytes survive', () => {
    const b = bytesOf(S['14.2 splice_insert']);
    b[18] = 0x40; // compliance 1, reserved 000000
    const s = roundTrips(reseal(b));
    expect((s.splice_command as SpliceInsertCommand).reserved_bits).toEqual([0, 0x0f]);
  });
});

describe('commands', () => {
  it('splice_insert in component mode with immediate and timed components', () => {
    const timed = roundTrips(
      encodeSection(
        json({
          splice_command_type: 5,
          splice_event_id: 1,
          out_of_network_indicator: true,
          components: [
            { component_tag: 1, splice_time: { pts_time: 90000 } },
            { component_tag: 2, splice_time: { pts_time: 2 ** 32 + 5 } },
          ],
        }),
      ),
    );
    expect(timed.splice_command).toMatchObject({
      program_splice_flag: false,
      splice_immediate_flag: false,
      components: [
        { component_tag: 1, splice_time: { pts_time: 90000 } },
        { component_tag: 2, splice_time: { pts_time: 2 ** 32 + 5 } },
      ],
    });
    const immediate = roundTrips(
      encodeSection(json({ splice_command_type: 5, splice_event_id: 1, splice_immediate_flag: true, components: [{ component_tag: 9 }] })),
    );
    expect(immediate.splice_command).toMatchObject({ splice_immediate_flag: true, components: [{ component_tag: 9 }] });
    expect(spliceTimeOf(timed)).toBeUndefined();
  });
  it('splice_schedule with program and component events and a cancelled one', () => {
    const s = roundTrips(
      encodeSection(
        json({
          splice_command_type: 4,
          events: [
            {
              splice_event_id: 10,
              out_of_network_indicator: true,
              utc_splice_time: 1_400_000_000,
              break_duration: { auto_return: true, duration: 2_700_000 },
              unique_program_id: 7,
              avail_num: 1,
              avails_expected: 2,
            },
            { splice_event_id: 11, components: [{ component_tag: 3, utc_splice_time: 99 }] },
            { splice_event_id: 12, splice_event_cancel_indicator: true },
          ],
        }),
      ),
    );
    expect(s.splice_command).toMatchObject({
      splice_command_type: 4,
      events: [
        {
          splice_event_id: 10,
          program_splice_flag: true,
          duration_flag: true,
          utc_splice_time: 1_400_000_000,
          break_duration: { auto_return: true, duration: 2_700_000 },
          unique_program_id: 7,
        },
        { splice_event_id: 11, program_splice_flag: false, components: [{ component_tag: 3, utc_splice_time: 99 }] },
        { splice_event_id: 12, splice_event_cancel_indicator: true },
      ],
    });
  });
  it('bandwidth_reservation and private_command', () => {
    expect(roundTrips(encodeSection(json({ splice_command_type: 7 }))).splice_command).toEqual({ splice_command_type: 7 });
    const p = roundTrips(encodeSection(json({ splice_command_type: 0xff, identifier: 'XSTU', private_bytes: 'deadbeef' })));
    expect(p.splice_command).toEqual({ splice_command_type: 0xff, identifier: 'XSTU', private_bytes: 'deadbeef' });
    expect(p.splice_command_length).toBe(8);
  });
});

describe('descriptors', () => {
  it('a tag 0 whose identifier is not CUEI is a private descriptor, not avail', () => {
    const s = roundTrips(
      encodeSection(
        json({ splice_command_type: 0 }, [{ name: 'private_descriptor', splice_descriptor_tag: 0, identifier: 'ABCD', private_bytes: '00000135' }]),
      ),
    );
    expect(s.descriptors[0]).toEqual({
      name: 'private_descriptor',
      splice_descriptor_tag: 0,
      descriptor_length: 8,
      identifier: 'ABCD',
      private_bytes: '00000135',
    });
  });
  it('time descriptor keeps 48-bit TAI_seconds; audio descriptor its components', () => {
    const s = roundTrips(
      encodeSection(
        json({ splice_command_type: 0 }, [
          { name: 'time_descriptor', TAI_seconds: 2 ** 48 - 1, TAI_ns: 999_999_999, UTC_offset: 37 },
          { name: 'audio_descriptor', components: [{ component_tag: 1, ISO_code: 'eng', bit_stream_mode: 2, num_channels: 6, full_srvc_audio: true }] },
        ]),
      ),
    );
    expect(s.descriptors[0]).toMatchObject({ name: 'time_descriptor', descriptor_length: 16, TAI_seconds: 2 ** 48 - 1, TAI_ns: 999_999_999, UTC_offset: 37 });
    expect(s.descriptors[1]).toMatchObject({
      name: 'audio_descriptor',
      components: [{ component_tag: 1, ISO_code: 'eng', bit_stream_mode: 2, num_channels: 6, full_srvc_audio: true }],
    });
  });
  it('segmentation: 40-bit duration, components, restrictions, sub_segment fields by descriptor_length', () => {
    const s = roundTrips(
      encodeSection(
        json({ splice_command_type: 6, splice_time: { pts_time: 1 } }, [
          {
            name: 'segmentation_descriptor',
            segmentation_event_id: 5,
            segmentation_duration: 2 ** 40 - 1,
            web_delivery_allowed_flag: false,
            device_restrictions: 1,
            components: [{ component_tag: 4, pts_offset: 2 ** 33 - 1 }],
            segmentation_type_id: 0x34,
            segment_num: 1,
            segments_expected: 2,
            sub_segment_num: 3,
            sub_segments_expected: 4,
          },
          { name: 'segmentation_descriptor', segmentation_event_id: 6, segmentation_type_id: 0x35 },
          { name: 'segmentation_descriptor', segmentation_event_id: 7, segmentation_event_cancel_indicator: true },
        ]),
      ),
    );
    const [a, b, c] = s.descriptors as SegmentationDescriptor[];
    expect(a).toMatchObject({
      segmentation_duration: 2 ** 40 - 1,
      delivery_not_restricted_flag: false,
      web_delivery_allowed_flag: false,
      no_regional_blackout_flag: true,
      device_restrictions: 1,
      program_segmentation_flag: false,
      components: [{ component_tag: 4, pts_offset: 2 ** 33 - 1 }],
      sub_segment_num: 3,
      sub_segments_expected: 4,
    });
    expect(b).toMatchObject({ delivery_not_restricted_flag: true, segmentation_type_id: 0x35 });
    expect(b!.sub_segment_num).toBeUndefined();
    expect(b!.web_delivery_allowed_flag).toBeUndefined();
    expect(c).toMatchObject({ segmentation_event_cancel_indicator: true });
    expect(c!.segmentation_type_id).toBeUndefined();
  });
  it('segmentation: one stray byte after segments_expected is a LENGTH_MISMATCH', () => {
    const good = encodeSection(json({ splice_command_type: 0 }, [{ name: 'segmentation_descriptor', segmentation_event_id: 5, segmentation_type_id: 0x10 }]));
    // splice_null: splice_command_type at 13, descriptor_loop_length at 14-15, tag at 16, descriptor_length at 17.
    const b = new Uint8Array([...good.slice(0, good.length - 4), 0x00, 0, 0, 0, 0]);
    b[15]! += 1;
    b[17]! += 1;
    expect(errorOf(() => decodeSection(reseal(b, true)))).toMatchObject({
      code: 'LENGTH_MISMATCH',
      field: 'descriptors[0].descriptor_length',
      offset: b.length - 5,
    });
    b[17]! += 1; // two bytes left: read as sub_segment_num / sub_segments_expected once the loop covers them
    b[15]! += 1;
    const c = new Uint8Array([...b.slice(0, b.length - 4), 0x07, 0, 0, 0, 0]);
    expect((roundTrips(reseal(c, true)).descriptors[0] as SegmentationDescriptor).sub_segments_expected).toBe(7);
  });
  it('every segmentation_type_id of the 2023 table round-trips, each with its name', () => {
    const ids = Object.values(SEGMENTATION_TYPES);
    expect(ids).toHaveLength(47); // 0x00-0x02, 0x10-0x19, 0x20-0x27, 0x30-0x47, 0x50-0x51
    for (const id of ids) {
      const s = roundTrips(
        encodeSection(json({ splice_command_type: 0 }, [{ name: 'segmentation_descriptor', segmentation_event_id: 1, segmentation_type_id: id }])),
      );
      expect((s.descriptors[0] as SegmentationDescriptor).segmentation_type_id).toBe(id);
      expect(SEGMENTATION_TYPE_NAMES.get(id)).toBeTruthy();
    }
    expect(SEGMENTATION_TYPE_NAMES.get(0x34)).toBe('Provider Placement Opportunity Start');
    expect(SEGMENTATION_TYPE_NAMES.get(0x51)).toBe('Network End');
  });
});

describe('UPIDs', () => {
  const upidOf = (type: number, upid: unknown): SegmentationDescriptor =>
    roundTrips(
      encodeSection(
        json({ splice_command_type: 0 }, [
          { name: 'segmentation_descriptor', segmentation_event_id: 1, segmentation_type_id: 0x10, segmentation_upid_type: type, segmentation_upid: upid },
        ]),
      ),
    ).descriptors[0] as SegmentationDescriptor;

  it('ASCII types read as text (Ad-ID, ISCI, TID, ADI, ADS, URI)', () => {
    expect(upidOf(0x03, 'ABCD01234567').segmentation_upid).toEqual({ hex: Buffer.from('ABCD01234567').toString('hex'), text: 'ABCD01234567' });
    expect(upidOf(0x02, 'ABCD1234').segmentation_upid?.text).toBe('ABCD1234');
    expect(upidOf(0x07, 'EP0123456789').segmentation_upid?.text).toBe('EP0123456789');
    expect(upidOf(0x09, 'SIGNAL:Ly9AAAAAAAA').segmentation_upid?.text).toBe('SIGNAL:Ly9AAAAAAAA');
    expect(upidOf(0x0e, 'ads-info').segmentation_upid?.text).toBe('ads-info');
    expect(upidOf(0x0f, 'urn:uuid:1').segmentation_upid?.text).toBe('urn:uuid:1');
  });
  it('EIDR reads as 10.<prefix>/<suffix>-<ISO 7064 check character>', () => {
    const d = upidOf(0x0a, { hex: '1478779185342c2390308610' });
    expect(d.segmentation_upid?.text).toBe('10.5240/7791-8534-2C23-9030-8610-5');
    expect(upidOf(0x0a, '10.5240/7791-8534-2C23-9030-8610-5').segmentation_upid?.hex).toBe('1478779185342c2390308610');
  });
  it('UUID, UMID, ISAN, V-ISAN and AiringID in their usual text forms', () => {
    expect(upidOf(0x10, { hex: 'aa85bbb65c434b6abebbee3b13eb7999' }).segmentation_upid?.text).toBe('aa85bbb6-5c43-4b6a-bebb-ee3b13eb7999');
    expect(upidOf(0x04, { hex: '060a2b340101010501010d4313000000d2c9036c8f195343ab7014d2d718bfda' }).segmentation_upid?.text).toBe(
      '060A2B34.01010105.01010D43.13000000.D2C9036C.8F195343.AB7014D2.D718BFDA',
    );
    expect(upidOf(0x05, { hex: '000000003a8d0000' }).segmentation_upid?.text).toBe('0000-0000-3A8D-0000');
    expect(upidOf(0x06, { hex: '000000003a8d000000000000' }).segmentation_upid?.text).toBe('0000-0000-3A8D-0000-0000-0000');
    expect(upidOf(0x08, '0x000000002CA0A18A').segmentation_upid?.hex).toBe('000000002ca0a18a');
  });
  it('ATSC content identifier and MPU show their fields', () => {
    expect(upidOf(0x0b, { atsc: { tsid: 0x1234, end_of_day: 5, unique_for: 300, content_id: 'abcd' } }).segmentation_upid?.atsc).toEqual({
      tsid: 0x1234,
      end_of_day: 5,
      unique_for: 300,
      content_id: 'abcd',
    });
    expect(upidOf(0x0c, { mpu: { format_identifier: 'RTLN', private_data: '0102' } }).segmentation_upid?.mpu).toEqual({
      format_identifier: 'RTLN',
      private_data: '0102',
    });
  });
  it('MID holds nested UPIDs, each read in turn', () => {
    const d = upidOf(0x0d, {
      upids: [
        { segmentation_upid_type: 0x08, segmentation_upid: '0x0000000012345678' },
        { segmentation_upid_type: 0x09, segmentation_upid: 'PREFIX:x' },
      ],
    });
    expect(d.segmentation_upid?.upids).toEqual([
      { segmentation_upid_type: 8, segmentation_upid_length: 8, segmentation_upid: { hex: '0000000012345678', text: '0x0000000012345678' } },
      { segmentation_upid_type: 9, segmentation_upid_length: 8, segmentation_upid: { hex: Buffer.from('PREFIX:x').toString('hex'), text: 'PREFIX:x' } },
    ]);
    expect(d.segmentation_upid?.hex.startsWith('080800000000123456780908')).toBe(true);
  });
  it('a MID whose nested UPIDs overrun it, or a fixed-length type of the wrong length, is a LENGTH_MISMATCH', () => {
    const good = encodeSection(
      json({ splice_command_type: 0 }, [
        {
          name: 'segmentation_descriptor',
          segmentation_event_id: 1,
          segmentation_type_id: 0x10,
          segmentation_upid_type: 0x0d,
          segmentation_upid: { hex: '0901aa' },
        },
      ]),
    );
    const bad = good.slice();
    const at = toHex(good).indexOf('0901aa') / 2;
    bad[at + 1] = 2; // nested length 1 -> 2 runs past the MID
    expect(errorOf(() => decodeSection(reseal(bad)))).toMatchObject({ code: 'LENGTH_MISMATCH', field: 'descriptors[0].segmentation_upid_length' });
    expect(
      errorOf(() =>
        sectionFromJson({
          splice_command: { splice_command_type: 0 },
          descriptors: [
            {
              name: 'segmentation_descriptor',
              segmentation_event_id: 1,
              segmentation_type_id: 0x10,
              segmentation_upid_type: 0x08,
              segmentation_upid: { hex: 'aa' },
            },
          ],
        }),
      ),
    ).toMatchObject({
      code: 'LENGTH_MISMATCH',
      field: 'descriptors[0].segmentation_upid_length',
    });
  });
});

describe('parseSectionText', () => {
  const b64 = S['14.2 splice_insert'];
  const hex = Buffer.from(b64, 'base64').toString('hex');
  it('reads base64, hex, 0x hex, upper case, spaced and base64url forms', () => {
    const want = toHex(bytesOf(b64));
    for (const text of [
      b64,
      hex,
      `0x${hex}`,
      `0X${hex.toUpperCase()}`,
      ` ${hex.slice(0, 10)} ${hex.slice(10)}\n`,
      Buffer.from(b64, 'base64').toString('base64url'),
    ]) {
      expect(toHex(parseSectionText(text))).toBe(want);
    }
  });
  it('refuses other text with BAD_INPUT', () => {
    for (const text of ['', '0x', '0xfc3', 'not base64!', '@@@@']) expect(errorOf(() => parseSectionText(text)).code).toBe('BAD_INPUT');
  });
});

describe('sectionFromJson', () => {
  it('accepts seconds for 90 kHz fields and fills the usual defaults', () => {
    const s = sectionFromJson({
      splice_command: {
        splice_command_type: 5,
        splice_event_id: '0x10',
        out_of_network_indicator: true,
        splice_time: { pts_time_seconds: 10 },
        break_duration: { auto_return: true, duration_seconds: 30 },
      },
    });
    expect(s).toMatchObject({
      tier: 0xfff,
      sap_type: 3,
      splice_command_type: 5,
      splice_command: {
        splice_event_id: 16,
        splice_time: { time_specified_flag: true, pts_time: 900_000 },
        break_duration: { duration: 2_700_000 },
        duration_flag: true,
      },
    });
  });
  it('accepts its own decoded output back, including the printed seconds', () => {
    const d = decodeSection(bytesOf(S['14.1 time_signal – Placement Opportunity Start']));
    expect(toHex(encodeSection(sectionFromJson(JSON.parse(JSON.stringify(d)))))).toBe(toHex(bytesOf(S['14.1 time_signal – Placement Opportunity Start'])));
  });
  it('names the field that is wrong', () => {
    expect(
      errorOf(() =>
        sectionFromJson({ splice_command: { splice_command_type: 5, splice_event_id: 1, break_duration: { auto_return: true, duration: 2 ** 33 } } }),
      ),
    ).toMatchObject({ code: 'OUT_OF_RANGE', field: 'splice_command.break_duration.duration' });
    expect(
      errorOf(() =>
        sectionFromJson({
          splice_command: { splice_command_type: 6, splice_time: {} },
          descriptors: [{ name: 'segmentation_descriptor', segmentation_event_id: 1 }],
        }),
      ),
    ).toMatchObject({ code: 'BAD_INPUT', field: 'descriptors[0].segmentation_type_id' });
    expect(errorOf(() => sectionFromJson({ splice_command: { splice_command_type: 0 }, tier: 1, tiers: 2 }))).toMatchObject({
      code: 'BAD_INPUT',
      field: 'tiers',
    });
    expect(errorOf(() => sectionFromJson({ splice_command: { splice_command_type: 3 } }))).toMatchObject({
      code: 'UNKNOWN_COMMAND',
      field: 'splice_command_type',
    });
    expect(errorOf(() => sectionFromJson([]))).toMatchObject({ code: 'BAD_INPUT', field: '(root)' });
  });
});

describe('builders', () => {
  it('cue-out as splice_insert: out of network at the PTS, with duration and auto_return', () => {
    const s = roundTrips(encodeSection(buildCueOut({ eventId: 42, ptsTime: 2 ** 33 - 10, durationTicks: 30 * 90_000, autoReturn: true })));
    expect(s.splice_command).toMatchObject({
      splice_command_type: 5,
      splice_event_id: 42,
      out_of_network_indicator: true,
      program_splice_flag: true,
      splice_immediate_flag: false,
      duration_flag: true,
      splice_time: { pts_time: 2 ** 33 - 10 },
      break_duration: { auto_return: true, duration: 2_700_000 },
    });
    expect(spliceTimeOf(s)).toBe(2 ** 33 - 10);
  });
  it('cue-out without ptsTime is splice_immediate', () => {
    const s = roundTrips(encodeSection(buildCueOut({ eventId: 1 })));
    expect(s.splice_command).toMatchObject({ splice_immediate_flag: true, duration_flag: false });
    expect(spliceTimeOf(s)).toBeUndefined();
  });
  it.each([
    [0x34, 0x35],
    [0x36, 0x37],
    [0x22, 0x23],
  ])('cue-out as time_signal with type 0x%s and cue-in with its End 0x%s', (start, end) => {
    const out = roundTrips(
      encodeSection(buildCueOut({ eventId: 7, ptsTime: 900_000, durationTicks: 60 * 90_000, style: 'time_signal', segmentationTypeId: start })),
    );
    expect(out.splice_command).toEqual({ splice_command_type: 6, splice_time: { time_specified_flag: true, pts_time: 900_000 } });
    expect(out.descriptors[0]).toMatchObject({ segmentation_event_id: 7, segmentation_type_id: start, segmentation_duration: 5_400_000 });
    const back = roundTrips(encodeSection(buildCueIn({ eventId: 7, ptsTime: 6_300_000, style: 'time_signal', segmentationTypeId: start })));
    expect(back.descriptors[0]).toMatchObject({ segmentation_event_id: 7, segmentation_type_id: end });
    expect(spliceTimeOf(back)).toBe(6_300_000);
  });
  it('cue-out as time_signal defaults to Provider Placement Opportunity Start with sub_segment fields', () => {
    const d = buildCueOut({ eventId: 1, style: 'time_signal' }).descriptors[0] as SegmentationDescriptor;
    expect(d).toMatchObject({ segmentation_type_id: 0x34, sub_segment_num: 0, sub_segments_expected: 0 });
    expect(errorOf(() => buildCueOut({ eventId: 1, style: 'time_signal', segmentationTypeId: 0x10 })).field).toBe('segmentationTypeId');
  });
  it('cue-in as splice_insert returns to network', () => {
    const s = roundTrips(encodeSection(buildCueIn({ eventId: 42, ptsTime: 100 })));
    expect(s.splice_command).toMatchObject({ splice_event_id: 42, out_of_network_indicator: false, splice_time: { pts_time: 100 } });
  });
  it('cancel and splice_null', () => {
    expect(roundTrips(encodeSection(buildCancel({ eventId: 9 }))).splice_command).toEqual({
      splice_command_type: 5,
      splice_event_id: 9,
      splice_event_cancel_indicator: true,
      event_id_compliance_flag: true,
    });
    const heartbeat = decodeSection(bytesOf(T.spliceNull));
    expect(decodeSection(encodeSection(buildSpliceNull()))).toMatchObject({
      splice_command_type: heartbeat.splice_command_type,
      splice_command: heartbeat.splice_command,
      descriptors: [],
    });
  });
  it('refuses out-of-range ids and times', () => {
    expect(errorOf(() => buildCueOut({ eventId: 2 ** 32 })).field).toBe('eventId');
    expect(errorOf(() => buildCueOut({ eventId: 1, ptsTime: MAX_PTS })).field).toBe('ptsTime');
  });
});
