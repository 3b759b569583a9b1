import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PTS_HZ } from '../media.ts';
import { buildCancel, buildCueIn, buildCueOut, decodeSection, encodeSection, sectionFromJson, spliceTimeOf } from '../scte35/index.ts';
import { PID_NULL, STREAM_TYPE_SCTE35, TS_PACKET_SIZE } from './constants.ts';
import { MAX_WAITING_SECTIONS, Scte35Injector, type InjectorOptions, type SentSection } from './injector.ts';
import { TsInspector, type TsInspection } from './inspect.ts';
import { packetPid, ptsDiff } from './packet.ts';
import { makeTestTs } from '../../../../tests/support/mpegts.ts';

function inspectBytes(bytes: Uint8Array): TsInspection {
  const inspector = new TsInspector();
  inspector.push(bytes);
  return inspector.end();
}

function inject(input: Uint8Array, sections: Uint8Array[], options: InjectorOptions = {}, chunkSize = 64 * 1024): { output: Buffer; injector: Scte35Injector } {
  const injector = new Scte35Injector(options);
  for (const s of sections) injector.queue(s);
  const parts: Buffer[] = [];
  for (let i = 0; i < input.length; i += chunkSize) parts.push(Buffer.from(injector.push(input.subarray(i, i + chunkSize))));
  parts.push(Buffer.from(injector.flush()));
  return { output: Buffer.concat(parts), injector };
}

/** A break at the first IDR at/after `at` seconds with its return `duration` seconds later, both at IDRs. */
function breakSections(
  info: TsInspection,
  at: number,
  duration: number,
  eventId: number,
): { out: Uint8Array; back: Uint8Array; outPts: number; backPts: number } {
  const first = info.firstPts!;
  const outPts = info.idrPts.find((p) => ptsDiff(p, first) >= at * PTS_HZ)!;
  const backPts = info.idrPts.find((p) => ptsDiff(p, outPts) >= duration * PTS_HZ)!;
  return {
    out: encodeSection(buildCueOut({ eventId, ptsTime: outPts, durationTicks: duration * PTS_HZ, autoReturn: true })),
    back: encodeSection(buildCueIn({ eventId, ptsTime: backPts })),
    outPts,
    backPts,
  };
}

function pmtPidOf(info: TsInspection): number {
  return info.programs[0]!.pmtPid;
}

const media: Record<string, { file: string; bytes: Buffer; info: TsInspection }> = {};
let work: string;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'injector-test-'));
  for (const [name, options] of Object.entries({ cbr: { muxrate: 2_000_000 }, vbr: {}, hevc: { codec: 'hevc' as const } })) {
    const file = makeTestTs(options);
    const bytes = readFileSync(file);
    media[name] = { file, bytes, info: inspectBytes(bytes) };
  }
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(['cbr', 'vbr', 'hevc'])('Scte35Injector on a %s stream made by ffmpeg', (name) => {
  let input: Buffer;
  let info: TsInspection;
  let output: Buffer;
  let outInfo: TsInspection;
  let injector: Scte35Injector;
  let cues: ReturnType<typeof breakSections>[];

  beforeAll(() => {
    ({ bytes: input, info } = media[name]!);
    cues = [breakSections(info, 5, 2, 7), breakSections(info, 9, 1, 8)];
    ({ output, injector } = inject(
      input,
      cues.flatMap((c) => [c.out, c.back]),
    ));
    outInfo = inspectBytes(output);
  });

  it('announces the SCTE-35 PID in the PMT: stream_type 0x86, CUEI, version bumped; ffprobe lists scte_35', () => {
    const program = outInfo.programs[0]!;
    const stream = program.streams.find((s) => s.streamType === STREAM_TYPE_SCTE35);
    expect(stream?.pid).toBe(injector.pid);
    expect(program.version).toBe((info.programs[0]!.version + 1) & 0x1f);
    expect(outInfo.crcErrors).toBe(0);
    const file = path.join(work, `${name}.ts`);
    writeFileSync(file, output);
    const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file], { encoding: 'utf8' })) as {
      streams: Array<{ codec_type: string; codec_name?: string; id: string }>;
    };
    const data = probe.streams.find((s) => s.codec_type === 'data');
    expect(data?.codec_name).toBe('scte_35');
    expect(Number(data?.id)).toBe(injector.pid);
  });

  it('sends every section with a valid CRC, first copy at least the preroll before its splice, repeats until it', () => {
    expect(outInfo.scte35.length).toBeGreaterThan(0);
    for (const found of outInfo.scte35) {
      expect(found.error).toBeUndefined();
      expect(() => decodeSection(Buffer.from(found.hex, 'hex'))).not.toThrow();
    }
    for (const cue of cues) {
      for (const [bytes, splice] of [
        [cue.out, cue.outPts],
        [cue.back, cue.backPts],
      ] as const) {
        const hex = Buffer.from(bytes).toString('hex');
        const copies = outInfo.scte35.filter((s) => s.hex === hex);
        expect(copies.length).toBeGreaterThanOrEqual(4);
        const lead = ptsDiff(splice, copies[0]!.arrivalPts!);
        expect(lead).toBeGreaterThanOrEqual(4 * PTS_HZ);
        // Repeats about every second, and none at or after the splice.
        for (const copy of copies) expect(ptsDiff(splice, copy.arrivalPts!)).toBeGreaterThan(0);
        expect(spliceTimeOf(decodeSection(bytes))).toBe(splice);
      }
    }
  });

  it('splices at IDR frames: every splice PTS is an IDR PTS of the stream', () => {
    for (const found of outInfo.scte35) {
      const splice = spliceTimeOf(decodeSection(Buffer.from(found.hex, 'hex')));
      expect(outInfo.idrPts).toContain(splice);
    }
  });

  it('leaves every other packet byte-identical and in order: drop the SCTE-35 PID, restore the nulls', () => {
    const pid = injector.pid;
    const pmtPid = pmtPidOf(info);
    const inPackets = input.length / TS_PACKET_SIZE;
    const stats = injector.stats;
    expect(output.length / TS_PACKET_SIZE).toBe(inPackets + stats.packetsInserted);
    let i = 0; // input packet index
    let restoredNulls = 0;
    for (let o = 0; o < output.length; o += TS_PACKET_SIZE) {
      const outPid = packetPid(output, o);
      const p = i * TS_PACKET_SIZE;
      if (outPid === pid) {
        // Either it took the place of a null packet here, or it was inserted.
        if (packetPid(input, p) === PID_NULL && restoredNulls < stats.nullsReplaced) {
          restoredNulls++;
          i++;
        }
        continue;
      }
      if (outPid === pmtPid) {
        expect(packetPid(input, p)).toBe(pmtPid); // the PMT is rewritten in place
      } else {
        expect(output.subarray(o, o + TS_PACKET_SIZE).equals(input.subarray(p, p + TS_PACKET_SIZE))).toBe(true);
      }
      i++;
    }
    expect(i).toBe(inPackets);
    expect(restoredNulls).toBe(stats.nullsReplaced);
    if (name === 'cbr') {
      expect(stats.packetsInserted).toBe(0); // a CBR mux has the null packets to spare
      expect(output.length).toBe(input.length);
    } else {
      expect(stats.nullsReplaced).toBe(0);
    }
  });

  it('introduces no continuity errors', () => {
    expect(info.continuityErrors).toBe(0);
    expect(outInfo.continuityErrors).toBe(0);
  });
});

describe('Scte35Injector streaming', () => {
  it('gives the same bytes whatever the chunk boundaries', () => {
    const { bytes, info } = media.cbr!;
    const cue = breakSections(info, 5, 2, 1);
    const whole = inject(bytes, [cue.out, cue.back], {}, bytes.length).output;
    // Sizes from 61 bytes up: the whole stream a byte at a time is millions of pushes, whose run time
    // depends on the machine's spare CPU; one-byte chunks are checked on a prefix below.
    fc.assert(
      fc.property(fc.integer({ min: 61, max: 50_000 }), (chunkSize) => {
        expect(inject(bytes, [cue.out, cue.back], {}, chunkSize).output.equals(whole)).toBe(true);
      }),
      { numRuns: 6 },
    );
    const prefix = bytes.subarray(0, 188 * 1500 + 100); // ~1 s and a partial packet
    expect(inject(prefix, [cue.out, cue.back], {}, 1).output.equals(inject(prefix, [cue.out, cue.back], {}, prefix.length).output)).toBe(true);
  });

  it('splits a section longer than one packet and sends an immediate section at once', () => {
    const { bytes } = media.vbr!;
    const big = encodeSection(
      sectionFromJson({
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
        splice_command_type: 0xff,
        splice_command: { splice_command_type: 0xff, identifier: 'CUEI', private_bytes: 'ab'.repeat(600) },
        descriptors: [],
      }),
    );
    expect(big.length).toBeGreaterThan(3 * TS_PACKET_SIZE);
    const { output, injector } = inject(bytes, [big]);
    const out = inspectBytes(output);
    expect(out.scte35.map((s) => s.hex)).toEqual([Buffer.from(big).toString('hex')]);
    expect(injector.stats.packetsInserted).toBe(Math.ceil((big.length + 1) / 184));
    expect(out.continuityErrors).toBe(0);
    // Immediate: it goes out right after the first PMT, before the second frame.
    expect(out.scte35[0]!.packetIndex).toBeLessThan(100);
  });

  it('sends splice_null heartbeats every N seconds of video time', () => {
    const { bytes, info } = media.cbr!;
    const { output, injector } = inject(bytes, [], { heartbeatSeconds: 2, pid: 0x300 });
    const out = inspectBytes(output);
    expect(injector.pid).toBe(0x300);
    const nulls = out.scte35.filter((s) => (s.section as { splice_command_type: number }).splice_command_type === 0);
    expect(nulls.length).toBeGreaterThanOrEqual(Math.floor(info.durationSeconds / 2));
    for (let i = 1; i < nulls.length; i++) {
      // Readied up to a quarter second early to catch a null packet: spacing is 2 s give or take that.
      expect(Math.abs(ptsDiff(nulls[i]!.arrivalPts!, nulls[i - 1]!.arrivalPts!) - 2 * PTS_HZ)).toBeLessThanOrEqual(0.3 * PTS_HZ);
    }
    expect(out.continuityErrors).toBe(0);
  });

  it('rejects a PID the program already uses', () => {
    const { bytes, info } = media.vbr!;
    const videoPid = info.videoPid!;
    const injector = new Scte35Injector({ pid: videoPid });
    expect(() => injector.push(bytes)).toThrow(/already used/);
  });
});

describe('Scte35Injector reports what it sent', () => {
  it('reports an immediate section sent inside queue() as that section, not as a splice_null', () => {
    const { bytes } = media.cbr!;
    const injector = new Scte35Injector();
    const sent: SentSection[] = [];
    injector.onSent = (copy) => sent.push({ ...copy, section: copy.section.slice() });
    // The PMT is seen, so queue() sends at once, before it even returns.
    injector.push(bytes.subarray(0, 188 * 400));
    const immediate = encodeSection(buildCueOut({ eventId: 4242, durationTicks: 30 * PTS_HZ, autoReturn: true }));
    const index = injector.queue(immediate);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ sectionIndex: index, copy: 1, splicePts: null });
    expect(Buffer.from(sent[0]!.section).toString('hex')).toBe(Buffer.from(immediate).toString('hex'));
    const decoded = decodeSection(sent[0]!.section);
    expect(decoded.splice_command_type).toBe(5);
    expect(decoded.splice_command).toMatchObject({ splice_event_id: 4242, splice_immediate_flag: true });
  });

  it('numbers the copies of a timed section and reports its bytes each time', () => {
    const { bytes, info } = media.cbr!;
    const { out } = breakSections(info, 7, 3, 77);
    const injector = new Scte35Injector();
    const sent: SentSection[] = [];
    injector.onSent = (copy) => sent.push(copy);
    injector.queue(out);
    injector.push(bytes);
    injector.flush();
    expect(sent.length).toBeGreaterThanOrEqual(4);
    expect(sent.map((copy) => copy.copy)).toEqual(sent.map((_, i) => i + 1));
    for (const copy of sent) expect(Buffer.from(copy.section).equals(Buffer.from(out))).toBe(true);
  });
});

describe('Scte35Injector memory is bounded', () => {
  it(`holds at most ${MAX_WAITING_SECTIONS} waiting sections, refuses more, and forgets each once its splice passed`, () => {
    const { bytes, info } = media.cbr!;
    const injector = new Scte35Injector();
    const sections = Array.from({ length: MAX_WAITING_SECTIONS }, (_, i) => breakSections(info, 6, 2, 1000 + i).out);
    for (const section of sections) injector.queue(section);
    expect(injector.waiting).toBe(MAX_WAITING_SECTIONS);
    const extra = breakSections(info, 6, 2, 9999).out;
    expect(() => injector.queue(extra)).toThrow(expect.objectContaining({ code: 'QUEUE_FULL' }));
    // Past every splice: nothing is kept, and new cues are taken again.
    injector.push(bytes);
    expect(injector.waiting).toBe(0);
    expect(injector.stats.sectionsSent).toBeGreaterThanOrEqual(MAX_WAITING_SECTIONS);
    const later = encodeSection(buildCueOut({ eventId: 5, durationTicks: PTS_HZ }));
    expect(() => injector.queue(later)).not.toThrow();
    expect(injector.waiting).toBe(0); // immediate: sent at once, not kept
  });

  it('keeps no immediate section once it went out', () => {
    const { bytes } = media.cbr!;
    const injector = new Scte35Injector();
    for (let i = 0; i < 3; i++) injector.queue(encodeSection(buildCueOut({ eventId: i, durationTicks: PTS_HZ })));
    expect(injector.waiting).toBe(3); // before the first PMT they wait
    injector.push(bytes.subarray(0, 188 * 400));
    expect(injector.waiting).toBe(0);
    for (let i = 0; i < MAX_WAITING_SECTIONS * 3; i++) injector.queue(encodeSection(buildCueOut({ eventId: 100 + i, durationTicks: PTS_HZ })));
    expect(injector.waiting).toBe(0);
  });
});

/** The stream pushed in ~0.1 s chunks, `before(clockPts)` called before each (to act mid-stream). */
function pushPaced(injector: Scte35Injector, bytes: Buffer, before: (clockRaw: number) => void = () => {}): Buffer {
  const parts: Buffer[] = [];
  const chunk = 188 * 150;
  for (let i = 0; i < bytes.length; i += chunk) {
    before(injector.demux.clockRaw);
    parts.push(Buffer.from(injector.push(bytes.subarray(i, i + chunk))));
  }
  parts.push(Buffer.from(injector.flush()));
  return Buffer.concat(parts);
}

const hexOf = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('Scte35Injector: withdraw, per-section preroll, repeat-until, heartbeat at runtime', () => {
  it('withdraw: a queued section stops going out; the copies already sent stay; false once gone', () => {
    const { bytes, info } = media.cbr!;
    const { out, outPts } = breakSections(info, 9, 2, 501);
    const injector = new Scte35Injector();
    const sent: SentSection[] = [];
    injector.onSent = (copy) => sent.push(copy);
    const id = injector.queue(out);
    let withdrawn = false;
    const output = pushPaced(injector, bytes, () => {
      if (!withdrawn && sent.length >= 2) {
        expect(injector.withdraw(id)).toBe(true);
        withdrawn = true;
      }
    });
    expect(withdrawn).toBe(true);
    expect(injector.withdraw(id)).toBe(false);
    expect(injector.withdraw(9999)).toBe(false);
    expect(injector.waiting).toBe(0);
    const copies = inspectBytes(output).scte35.filter((found) => found.hex === hexOf(out));
    // Without the withdrawal it repeats about every second for 4 s.
    expect(copies).toHaveLength(sent.length);
    expect(copies.length).toBeLessThan(4);
    for (const copy of copies) expect(ptsDiff(outPts, copy.arrivalPts!)).toBeGreaterThan(2 * PTS_HZ);
  });

  it('per-section preroll: each section is first sent its own preroll before its splice', () => {
    const { bytes, info } = media.cbr!;
    const early = breakSections(info, 8, 2, 601);
    const late = breakSections(info, 8, 2, 602);
    const injector = new Scte35Injector({ prerollSeconds: 4 });
    injector.queue(early.out, { prerollSeconds: 6.5 });
    injector.queue(late.out, { prerollSeconds: 2 });
    const found = inspectBytes(pushPaced(injector, bytes)).scte35;
    for (const [cue, preroll] of [
      [early, 6.5],
      [late, 2],
    ] as const) {
      const copies = found.filter((copy) => copy.hex === hexOf(cue.out));
      const lead = ptsDiff(cue.outPts, copies[0]!.arrivalPts!);
      // Readied up to a frame and a quarter second early, to take a null packet.
      expect(lead).toBeGreaterThanOrEqual(preroll * PTS_HZ);
      expect(lead).toBeLessThan((preroll + 0.5) * PTS_HZ);
      expect(copies.length).toBeGreaterThanOrEqual(Math.floor(preroll));
      expect(copies.length).toBeLessThanOrEqual(Math.ceil(preroll) + 1);
    }
  });

  it('repeatUntilPts: a section without a splice time goes out at once and every second until that PTS, then never', () => {
    const { bytes, info } = media.cbr!;
    const until = (info.firstPts! + 6 * PTS_HZ) % 2 ** 33;
    const cancel = encodeSection(buildCancel({ eventId: 701 }));
    const once = encodeSection(buildCancel({ eventId: 702 }));
    const injector = new Scte35Injector();
    injector.queue(cancel, { repeatUntilPts: until });
    injector.queue(once);
    const found = inspectBytes(pushPaced(injector, bytes)).scte35;
    const copies = found.filter((copy) => copy.hex === hexOf(cancel));
    expect(copies.length).toBeGreaterThanOrEqual(5);
    expect(copies.length).toBeLessThanOrEqual(7);
    // At once: right after the first PMT, before any video (so no arrival PTS); then once a second.
    expect(copies[0]!.packetIndex).toBeLessThan(100);
    const timed = copies.slice(1);
    for (const copy of timed) expect(ptsDiff(until, copy.arrivalPts!)).toBeGreaterThan(0);
    for (let i = 1; i < timed.length; i++)
      expect(Math.abs(ptsDiff(timed[i]!.arrivalPts!, timed[i - 1]!.arrivalPts!) - PTS_HZ)).toBeLessThanOrEqual(0.3 * PTS_HZ);
    expect(found.filter((copy) => copy.hex === hexOf(once))).toHaveLength(1);
    expect(injector.waiting).toBe(0);
  });

  it('refuses a negative preroll and a repeat-until that is no PTS (BAD_ARGUMENT naming the field)', () => {
    const injector = new Scte35Injector();
    const section = encodeSection(buildCancel({ eventId: 1 }));
    expect(() => injector.queue(section, { prerollSeconds: -1 })).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT', field: 'prerollSeconds' }));
    expect(() => injector.queue(section, { repeatUntilPts: 2 ** 33 })).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT', field: 'repeatUntilPts' }));
    expect(() => injector.setHeartbeat(0)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT', field: 'heartbeatSeconds' }));
  });

  it('heartbeat on and off while the stream runs', () => {
    const { bytes, info } = media.cbr!;
    const first = info.firstPts!;
    const injector = new Scte35Injector();
    const beats: number[] = [];
    injector.onSent = (copy) => {
      if (copy.sectionIndex < 0) beats.push(ptsDiff(copy.clockPts, first) / PTS_HZ);
    };
    const output = pushPaced(injector, bytes, (clock) => {
      if (clock < 0) return;
      const at = ptsDiff(clock, first) / PTS_HZ;
      if (at >= 3 && at < 3.2 && injector.heartbeatTicks === 0) injector.setHeartbeat(1);
      if (at >= 7 && injector.heartbeatTicks > 0) injector.setHeartbeat(null);
    });
    expect(beats.length).toBeGreaterThanOrEqual(3);
    expect(beats.length).toBeLessThanOrEqual(5);
    for (const at of beats) {
      expect(at).toBeGreaterThanOrEqual(3);
      expect(at).toBeLessThan(7.2);
    }
    const nulls = inspectBytes(output).scte35.filter((s) => (s.section as { splice_command_type: number }).splice_command_type === 0);
    expect(nulls).toHaveLength(beats.length);
  });
});
