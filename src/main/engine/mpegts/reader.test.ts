import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_PTS, PTS_HZ } from '../media.ts';
import { STREAM_TYPE_SCTE35, TS_PACKET_SIZE } from './constants.ts';
import { TsDemux } from './demux.ts';
import { inspectFile, TsInspector } from './inspect.ts';
import { FirstSliceScanner } from './nal.ts';
import { TsFramer, hasPcr, packetPid, pcrBase, pcrExtension, ptsDiff, randomAccessIndicator, type PacketSink } from './packet.ts';
import { readTimestamp, writeTimestamp } from './pes.ts';
import { SectionAssembler, addScte35ToPmt, packetizeSection, parsePmt, sectionCrcValid } from './psi.ts';
import { makeTestTs } from '../../../../tests/support/mpegts.ts';

const work = mkdtempSync(path.join(tmpdir(), 'reader-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('packet fields', () => {
  it('reads PID, PCR and random_access_indicator from inline bytes', () => {
    // 0x47, PUSI + PID 0x0100, AF+payload CC 5, AF length 7, RAI + PCR flag, PCR base 2^32+1 ext 299
    const p = new Uint8Array(TS_PACKET_SIZE).fill(0xff);
    p.set([0x47, 0x41, 0x00, 0x35, 0x07, 0x50, 0x80, 0x00, 0x00, 0x00, 0x81, 0x2b]);
    expect(packetPid(p, 0)).toBe(0x100);
    expect(randomAccessIndicator(p, 0)).toBe(true);
    expect(hasPcr(p, 0)).toBe(true);
    expect(pcrBase(p, 0)).toBe(2 ** 32 + 1);
    expect(pcrExtension(p, 0)).toBe(0x12b);
  });

  it('round-trips 33-bit timestamps without truncation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_PTS - 1 }), (pts) => {
        const b = new Uint8Array(5);
        writeTimestamp(b, 0, 0b0010, pts);
        expect(readTimestamp(b, 0)).toBe(pts);
      }),
    );
  });

  it('takes the short way round the 33-bit wrap', () => {
    expect(ptsDiff(100, MAX_PTS - 100)).toBe(200);
    expect(ptsDiff(MAX_PTS - 100, 100)).toBe(-200);
    expect(ptsDiff(90_000, 0)).toBe(90_000);
  });
});

describe('TsFramer', () => {
  const bytes = readFileSync(makeTestTs({ muxrate: 2_000_000 })).subarray(0, 500 * TS_PACKET_SIZE);
  const collect = (chunks: Uint8Array[]) => {
    const framer = new TsFramer();
    const out: number[] = [];
    const sink: PacketSink = { packet: (b, p) => out.push(packetPid(b, p), b[p + 3]!, b[p + 100]!) };
    for (const c of chunks) framer.push(c, sink);
    return { out, framer };
  };
  const whole = collect([bytes]).out;

  it('yields the same packets at any chunk boundaries', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 1, maxLength: 400 }), (sizes) => {
        const chunks: Uint8Array[] = [];
        let pos = 0;
        for (let i = 0; pos < bytes.length; i++) {
          const n = sizes[i % sizes.length]!;
          chunks.push(bytes.subarray(pos, pos + n));
          pos += n;
        }
        expect(collect(chunks).out).toEqual(whole);
      }),
      { numRuns: 30 },
    );
  });

  it('resyncs on 0x47 after garbage and counts it', () => {
    const garbage = Buffer.concat([bytes.subarray(0, 10 * TS_PACKET_SIZE), Buffer.from([1, 2, 3, 0x47, 5]), bytes.subarray(10 * TS_PACKET_SIZE)]);
    const { out, framer } = collect([garbage]);
    expect(out).toEqual(whole);
    expect(framer.syncLosses).toBe(1);
    expect(framer.bytesSkipped).toBe(5);
  });

  it('keeps a trailing partial packet as the truncated tail', () => {
    const framer = new TsFramer();
    framer.push(bytes.subarray(0, 3 * TS_PACKET_SIZE + 50), { packet: () => {} });
    expect(framer.packets).toBe(3);
    expect(framer.flush().length).toBe(50);
  });
});

describe('PSI', () => {
  const pmt = Uint8Array.from(Buffer.from('02b0170001c10000e100f0001be100f0000fe101f0002f44b99b', 'hex'));

  it('rewrites a PMT for SCTE-35: CUEI registration, stream_type 0x86, version + 1, valid CRC', () => {
    expect(sectionCrcValid(pmt, pmt.length)).toBe(true);
    const out = addScte35ToPmt(pmt, pmt.length, 0x1f4);
    expect(sectionCrcValid(out, out.length)).toBe(true);
    const before = parsePmt(pmt, pmt.length)!;
    const after = parsePmt(out, out.length)!;
    expect(after.version).toBe(before.version + 1);
    expect(Buffer.from(after.programInfo).toString('hex')).toBe('050443554549');
    expect(after.streams.slice(0, -1)).toEqual(before.streams);
    expect(after.streams.at(-1)).toMatchObject({ streamType: STREAM_TYPE_SCTE35, pid: 0x1f4 });
  });

  it('assembles sections across packets and several sections in one packet', () => {
    const big = new Uint8Array(500).fill(0xab);
    big.set([0xfc, 0x31, 0xf1]); // section_length 497
    const found: string[] = [];
    const handler = (s: Uint8Array, n: number) => found.push(Buffer.from(s.subarray(0, n)).toString('hex'));
    const packets = packetizeSection(big, 0x1f4);
    const asm = new SectionAssembler();
    for (let p = 0; p < packets.length; p += TS_PACKET_SIZE) asm.push(packets, p + 4, p + TS_PACKET_SIZE, (packets[p + 1]! & 0x40) !== 0, handler);
    expect(found).toEqual([Buffer.from(big).toString('hex')]);
    // Two small sections back to back after one pointer_field.
    const two = new Uint8Array(TS_PACKET_SIZE).fill(0xff);
    two.set([0x47, 0x41, 0xf4, 0x10, 0x00, 0xfc, 0x30, 0x02, 0x01, 0x02, 0xfc, 0x30, 0x01, 0x09]);
    found.length = 0;
    asm.push(two, 4, TS_PACKET_SIZE, true, handler);
    expect(found).toEqual(['fc30020102', 'fc300109']);
  });
});

describe('FirstSliceScanner', () => {
  it('finds the first slice across start codes split between pieces', () => {
    // AUD, SPS, then an IDR slice; split inside the IDR start code.
    const au = Buffer.from('00000001091000000001674d401e00000001658884', 'hex');
    for (let cut = 1; cut < au.length; cut++) {
      const scanner = new FirstSliceScanner();
      scanner.reset('h264');
      const found = scanner.scan(au, 0, cut) || scanner.scan(au, cut, au.length);
      expect(found).toBe(true);
      expect(scanner.keyframe).toBe(true);
      expect(scanner.nalType).toBe(5);
    }
    const hevc = new FirstSliceScanner();
    hevc.reset('hevc');
    expect(hevc.scan(Buffer.from('0000000146010000000126010a', 'hex'), 0, 13)).toBe(true);
    expect(hevc.nalType).toBe(19); // IDR_W_RADL
    expect(hevc.keyframe).toBe(true);
  });
});

describe('TsDemux on real ffmpeg output', () => {
  it.each([
    ['h264', { codec: 'h264' as const }],
    ['hevc', { codec: 'hevc' as const }],
    ['h264 with B-frames', { bframes: 2 }],
  ])('counts the IDR/IRAP access units ffprobe marks as key frames (%s)', (_name, options) => {
    const file = makeTestTs(options);
    const info = inspectFile(file);
    const keyframes = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=flags', '-of', 'csv=p=0', file], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter((l) => l.startsWith('K')).length;
    expect(info.idrCount).toBe(keyframes);
    expect(info.frames).toBe(360);
    expect(info.durationSeconds).toBe(12);
    expect(info.continuityErrors).toBe(0);
  });

  it('follows the PTS across the 33-bit wrap', () => {
    const file = path.join(work, 'wrap.ts');
    // Start 2 s before the wrap (2^33 / 90 kHz ≈ 95443.717 s).
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=160x90:rate=30',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-g',
      '30',
      '-t',
      '4',
      '-output_ts_offset',
      '95441.7',
      '-f',
      'mpegts',
      file,
    ]);
    const info = inspectFile(file);
    expect(info.durationSeconds).toBeCloseTo(4, 6);
    expect(info.idrCount).toBe(4);
    expect(info.lastPts!).toBeLessThan(info.firstPts!); // wrapped
    const idr = info.idrPts;
    for (let i = 1; i < idr.length; i++) expect(ptsDiff(idr[i]!, idr[i - 1]!)).toBe(PTS_HZ);
  });

  it('counts continuity errors without throwing', () => {
    const bytes = Buffer.from(readFileSync(makeTestTs({}))).subarray(0, 2000 * TS_PACKET_SIZE);
    const cut = Buffer.concat([bytes.subarray(0, 1000 * TS_PACKET_SIZE), bytes.subarray(1003 * TS_PACKET_SIZE)]);
    const demux = new TsDemux();
    new TsFramer().push(cut, demux);
    expect(demux.continuityErrors).toBeGreaterThan(0);
  });

  it('inspects the whole packets of a capture cut mid-packet and warns about the partial one', () => {
    const bytes = readFileSync(makeTestTs({}));
    const packets = bytes.length / TS_PACKET_SIZE - 1;
    const inspector = new TsInspector();
    // Chunks that split packets anywhere, as a socket delivers them; the last packet cut at 56 bytes.
    const cut = bytes.subarray(0, packets * TS_PACKET_SIZE + 56);
    for (let at = 0; at < cut.length; at += 100_003) inspector.push(cut.subarray(at, at + 100_003));
    const info = inspector.end();
    expect(info.packets).toBe(packets);
    expect(info.truncatedBytes).toBe(56);
    expect(info.warnings).toEqual(['truncated: 56 bytes after the last whole packet were left out (a capture cut mid-packet)']);
    expect(info.idrCount).toBe(inspectFile(makeTestTs({})).idrCount);
    expect(inspectFile(makeTestTs({})).warnings).toEqual([]);
  });
});
