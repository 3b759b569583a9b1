// Property tests: random valid sections round-trip; random, mutated and truncated inputs raise
// only Scte35Error (a seeded fuzz run of more than 100,000 inputs), and whatever decodes
// re-encodes to the same bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_SAMPLES } from './fixtures/samples.ts';
import {
  Scte35Error,
  crc32Mpeg2,
  decodeSection,
  encodeSection,
  parseSectionText,
  type SpliceCommand,
  type SpliceDescriptor,
  type SpliceInfoSection,
  type SpliceTime,
} from './index.ts';

const uint = (bits: number): fc.Arbitrary<number> => fc.bigInt({ min: 0n, max: 2n ** BigInt(bits) - 1n }).map(Number);
const hexBytes = (min: number, max: number): fc.Arbitrary<string> =>
  fc.uint8Array({ minLength: min, maxLength: max }).map((b) => Buffer.from(b).toString('hex'));

const spliceTime: fc.Arbitrary<SpliceTime> = fc.oneof(
  fc.constant({ time_specified_flag: false }),
  uint(33).map((pts) => ({ time_specified_flag: true, pts_time: pts })),
);
const breakDuration = fc.record({ auto_return: fc.boolean(), duration: uint(33) });

const spliceInsert: fc.Arbitrary<SpliceCommand> = fc
  .record({
    id: uint(32),
    cancel: fc.boolean(),
    compliance: fc.boolean(),
    oon: fc.boolean(),
    immediate: fc.boolean(),
    time: spliceTime,
    components: fc.option(fc.array(fc.record({ tag: uint(8), time: spliceTime }), { maxLength: 4 }), { nil: undefined }),
    duration: fc.option(breakDuration, { nil: undefined }),
    upi: uint(16),
    availNum: uint(8),
    avails: uint(8),
  })
  .map((r) => {
    if (r.cancel) return { splice_command_type: 0x05, splice_event_id: r.id, splice_event_cancel_indicator: true, event_id_compliance_flag: r.compliance };
    return {
      splice_command_type: 0x05,
      splice_event_id: r.id,
      splice_event_cancel_indicator: false,
      event_id_compliance_flag: r.compliance,
      out_of_network_indicator: r.oon,
      program_splice_flag: r.components === undefined,
      duration_flag: r.duration !== undefined,
      splice_immediate_flag: r.immediate,
      ...(r.components === undefined && !r.immediate ? { splice_time: r.time } : {}),
      ...(r.components !== undefined
        ? { components: r.components.map((c) => (r.immediate ? { component_tag: c.tag } : { component_tag: c.tag, splice_time: c.time })) }
        : {}),
      ...(r.duration !== undefined ? { break_duration: r.duration } : {}),
      unique_program_id: r.upi,
      avail_num: r.availNum,
      avails_expected: r.avails,
    };
  });

const scheduleEvent = fc
  .record({
    id: uint(32),
    cancel: fc.boolean(),
    oon: fc.boolean(),
    utc: uint(32),
    components: fc.option(fc.array(fc.record({ component_tag: uint(8), utc_splice_time: uint(32) }), { maxLength: 3 }), { nil: undefined }),
    duration: fc.option(breakDuration, { nil: undefined }),
    upi: uint(16),
  })
  .map((r) =>
    r.cancel
      ? { splice_event_id: r.id, splice_event_cancel_indicator: true, event_id_compliance_flag: true }
      : {
          splice_event_id: r.id,
          splice_event_cancel_indicator: false,
          event_id_compliance_flag: true,
          out_of_network_indicator: r.oon,
          program_splice_flag: r.components === undefined,
          duration_flag: r.duration !== undefined,
          ...(r.components === undefined ? { utc_splice_time: r.utc } : { components: r.components }),
          ...(r.duration !== undefined ? { break_duration: r.duration } : {}),
          unique_program_id: r.upi,
          avail_num: 1,
          avails_expected: 2,
        },
  );

const command: fc.Arbitrary<SpliceCommand> = fc.oneof(
  fc.constant({ splice_command_type: 0x00 } as SpliceCommand),
  spliceInsert,
  spliceTime.map((t) => ({ splice_command_type: 0x06, splice_time: t }) as SpliceCommand),
  fc.array(scheduleEvent, { maxLength: 3 }).map((events) => ({ splice_command_type: 0x04, events }) as SpliceCommand),
  fc.constant({ splice_command_type: 0x07 } as SpliceCommand),
  fc
    .record({
      id: fc.string({ minLength: 4, maxLength: 4, unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) }),
      bytes: hexBytes(0, 20),
    })
    .map((r) => ({ splice_command_type: 0xff, identifier: r.id, private_bytes: r.bytes }) as SpliceCommand),
);

/** UPIDs of fixed-length types get their length; variable ones any length. */
const upid = fc.oneof(
  fc.constant({ type: 0x00, hex: '' }),
  hexBytes(8, 8).map((hex) => ({ type: 0x08, hex })),
  hexBytes(12, 12).map((hex) => ({ type: 0x0a, hex })),
  hexBytes(16, 16).map((hex) => ({ type: 0x10, hex })),
  hexBytes(0, 40).map((hex) => ({ type: 0x0f, hex })),
  hexBytes(4, 20).map((hex) => ({ type: 0x0c, hex })),
  // MID with two nested UPIDs (an AiringID and an ADI).
  fc.tuple(hexBytes(8, 8), hexBytes(0, 20)).map(([a, b]) => ({ type: 0x0d, hex: `0808${a}09${(b.length / 2).toString(16).padStart(2, '0')}${b}` })),
);

const segmentation: fc.Arbitrary<SpliceDescriptor> = fc
  .record({
    id: uint(32),
    cancel: fc.boolean(),
    restricted: fc.option(fc.record({ web: fc.boolean(), nrb: fc.boolean(), archive: fc.boolean(), device: uint(2) }), { nil: undefined }),
    components: fc.option(fc.array(fc.record({ component_tag: uint(8), pts_offset: uint(33) }), { maxLength: 3 }), { nil: undefined }),
    duration: fc.option(uint(40), { nil: undefined }),
    upid,
    typeId: uint(8),
    num: uint(8),
    expected: uint(8),
    sub: fc.option(fc.tuple(uint(8), uint(8)), { nil: undefined }),
  })
  .map((r) => {
    const base = {
      name: 'segmentation_descriptor' as const,
      splice_descriptor_tag: 2,
      identifier: 'CUEI',
      segmentation_event_id: r.id,
      segmentation_event_cancel_indicator: r.cancel,
      segmentation_event_id_compliance_indicator: true,
    };
    if (r.cancel) return base;
    return {
      ...base,
      program_segmentation_flag: r.components === undefined,
      segmentation_duration_flag: r.duration !== undefined,
      delivery_not_restricted_flag: r.restricted === undefined,
      ...(r.restricted
        ? {
            web_delivery_allowed_flag: r.restricted.web,
            no_regional_blackout_flag: r.restricted.nrb,
            archive_allowed_flag: r.restricted.archive,
            device_restrictions: r.restricted.device,
          }
        : {}),
      ...(r.components ? { components: r.components } : {}),
      ...(r.duration !== undefined ? { segmentation_duration: r.duration } : {}),
      segmentation_upid_type: r.upid.type,
      segmentation_upid: { hex: r.upid.hex },
      segmentation_type_id: r.typeId,
      segment_num: r.num,
      segments_expected: r.expected,
      ...(r.sub ? { sub_segment_num: r.sub[0], sub_segments_expected: r.sub[1] } : {}),
    };
  });

const descriptor: fc.Arbitrary<SpliceDescriptor> = fc.oneof(
  uint(32).map((id) => ({ name: 'avail_descriptor', splice_descriptor_tag: 0, identifier: 'CUEI', provider_avail_id: id }) as SpliceDescriptor),
  fc
    .record({ preroll: uint(8), chars: fc.string({ maxLength: 7, unit: fc.constantFrom(...'0123456789*#') }) })
    .map((r) => ({ name: 'DTMF_descriptor', splice_descriptor_tag: 1, identifier: 'CUEI', preroll: r.preroll, dtmf_chars: r.chars }) as SpliceDescriptor),
  segmentation,
  fc
    .record({ s: uint(48), ns: uint(32), off: uint(16) })
    .map(
      (r) => ({ name: 'time_descriptor', splice_descriptor_tag: 3, identifier: 'CUEI', TAI_seconds: r.s, TAI_ns: r.ns, UTC_offset: r.off }) as SpliceDescriptor,
    ),
  fc
    .array(
      fc.record({
        component_tag: uint(8),
        ISO_code: fc.constantFrom('eng', 'spa', 'fra'),
        bit_stream_mode: uint(3),
        num_channels: uint(4),
        full_srvc_audio: fc.boolean(),
      }),
      { maxLength: 15 },
    )
    .map((components) => ({ name: 'audio_descriptor', splice_descriptor_tag: 4, identifier: 'CUEI', components }) as SpliceDescriptor),
  fc
    .record({ tag: uint(8), id: fc.constantFrom('ABCD', 'XYZ1', 'cuei'), bytes: hexBytes(0, 30) })
    .map((r) => ({ name: 'private_descriptor', splice_descriptor_tag: r.tag, identifier: r.id, private_bytes: r.bytes }) as SpliceDescriptor),
);

const section: fc.Arbitrary<SpliceInfoSection> = fc
  .record({ sap: uint(2), ptsAdj: uint(33), cw: uint(8), tier: uint(12), command, descriptors: fc.array(descriptor, { maxLength: 4 }) })
  .map((r) => ({
    table_id: 0xfc,
    section_syntax_indicator: false,
    private_indicator: false,
    sap_type: r.sap,
    protocol_version: 0,
    encrypted_packet: false,
    encryption_algorithm: 0,
    pts_adjustment: r.ptsAdj,
    cw_index: r.cw,
    tier: r.tier,
    splice_command_type: r.command.splice_command_type,
    splice_command: r.command,
    descriptors: r.descriptors,
  }));

const INFORMATIONAL = new Set([
  'section_length',
  'splice_command_length',
  'descriptor_loop_length',
  'descriptor_length',
  'segmentation_upid_length',
  'crc_32',
  'text',
  'upids',
  'atsc',
  'mpu',
]);

/** The decoded form without what the encoder computes (lengths, CRC, readable UPID views). */
function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !INFORMATIONAL.has(k))
      .map(([k, v]) => [k, strip(v)]),
  );
}

describe('round trips of random valid sections', () => {
  it('encode → decode gives back the section, and re-encoding gives the same bytes', () => {
    fc.assert(
      fc.property(section, (s) => {
        const bytes = encodeSection(s);
        const decoded = decodeSection(bytes);
        expect(strip(decoded)).toEqual(s);
        expect(encodeSection(decoded)).toEqual(bytes);
        expect(crc32Mpeg2(bytes)).toBe(0);
      }),
      { numRuns: 2000, seed: 0x5c7e35 },
    );
  });
});

/** mulberry32: a small seeded PRNG, so the fuzz run is the same every time. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sets section_length to the buffer and recomputes CRC_32, so the parser goes past those checks. */
function reseal(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 7) return bytes;
  bytes[0] = 0xfc;
  const sectionLength = Math.min(bytes.length - 3, 0xfff);
  bytes[1] = (bytes[1]! & 0xf0) | (sectionLength >> 8);
  bytes[2] = sectionLength & 0xff;
  bytes[3] = 0; // protocol_version
  const crc = crc32Mpeg2(bytes, 0, bytes.length - 4);
  bytes[bytes.length - 4] = crc >>> 24;
  bytes[bytes.length - 3] = crc >>> 16;
  bytes[bytes.length - 2] = crc >>> 8;
  bytes[bytes.length - 1] = crc;
  return bytes;
}

describe('seeded fuzz: only Scte35Error, never a hang', () => {
  it('random, mutated and truncated inputs (≥ 100,000) raise only Scte35Error; what decodes re-encodes exactly', () => {
    const rand = prng(35);
    const samples = ALL_SAMPLES.map(([, b64]) => parseSectionText(b64));
    const int = (n: number): number => Math.floor(rand() * n);
    const counts = { inputs: 0, decoded: 0, codes: new Map<string, number>() };
    const started = performance.now();
    for (let i = 0; i < 120_000; i++) {
      const kind = i % 6;
      let input: Uint8Array;
      const sample = samples[int(samples.length)]!;
      if (kind === 0) {
        input = new Uint8Array(int(200));
        for (let j = 0; j < input.length; j++) input[j] = int(256);
        if (rand() < 0.5) input = reseal(input);
      } else if (kind === 1 || kind === 2) {
        input = sample.slice();
        const flips = 1 + int(4);
        for (let f = 0; f < flips; f++) input[int(input.length)] = rand() < 0.5 ? int(256) : input[int(input.length)]! ^ (1 << int(8));
        if (kind === 2) input = reseal(input);
      } else if (kind === 3) {
        input = sample.slice(0, int(sample.length));
      } else if (kind === 4) {
        input = reseal(sample.slice(0, 7 + int(Math.max(1, sample.length - 7))));
      } else {
        // Insert or delete bytes inside the section, then reseal.
        const at = int(sample.length);
        const copy = Array.from(sample);
        if (rand() < 0.5) copy.splice(at, 1 + int(3));
        else copy.splice(at, 0, ...Array.from({ length: 1 + int(3) }, () => int(256)));
        input = reseal(Uint8Array.from(copy));
      }
      counts.inputs++;
      try {
        const decoded = decodeSection(input);
        counts.decoded++;
        const again = encodeSection(decoded);
        if (Buffer.compare(Buffer.from(again), Buffer.from(input)) !== 0) {
          throw new Error(`re-encode differs for ${Buffer.from(input).toString('hex')}`);
        }
      } catch (e) {
        if (!(e instanceof Scte35Error)) throw new Error(`input ${Buffer.from(input).toString('hex')} raised ${String(e)}`, { cause: e });
        counts.codes.set(e.code, (counts.codes.get(e.code) ?? 0) + 1);
      }
    }
    expect(counts.inputs).toBeGreaterThanOrEqual(100_000);
    // The run reaches deep: many inputs decode, and every error code of the reader shows up.
    expect(counts.decoded).toBeGreaterThan(1000);
    for (const code of ['BAD_CRC', 'TRUNCATED', 'LENGTH_MISMATCH', 'UNKNOWN_COMMAND', 'OUT_OF_RANGE']) expect(counts.codes.get(code) ?? 0).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(60_000); // a hang would blow far past this
  });

  it('parseSectionText raises only Scte35Error on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 64 }), (text) => {
        try {
          parseSectionText(text);
        } catch (e) {
          expect(e).toBeInstanceOf(Scte35Error);
        }
      }),
      { numRuns: 5000, seed: 7 },
    );
  });
});
