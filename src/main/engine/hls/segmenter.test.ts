import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCueIn, buildCueOut, encodeSection } from '../scte35/index.ts';
import { PTS_HZ } from '../media.ts';
import { TsDemux } from '../mpegts/demux.ts';
import { Scte35Injector } from '../mpegts/injector.ts';
import { TsInspector, type TsInspection } from '../mpegts/inspect.ts';
import { TsFramer, ptsDiff } from '../mpegts/packet.ts';
import { makeTestTs } from '../../../../tests/support/mpegts.ts';
import { HlsSegmenter, type HlsSegmenterOptions } from './segmenter.ts';
import { QueuedHlsFiles } from './hls-files.ts';
import type { PlaylistSegment } from './playlist.ts';

function inspectBytes(bytes: Uint8Array): TsInspection {
  const inspector = new TsInspector();
  inspector.push(bytes);
  return inspector.end();
}

/** The first access unit of a segment file: its PTS and whether it is a keyframe. */
function firstAccessUnit(file: string): { pts: number; keyframe: boolean } | undefined {
  let first: { pts: number; keyframe: boolean } | undefined;
  const demux = new TsDemux({
    accessUnit: (au) => {
      first ??= { pts: au.pts, keyframe: au.keyframe };
    },
  });
  new TsFramer().push(readFileSync(file), demux);
  demux.end();
  return first;
}

function segment(input: Uint8Array, options: HlsSegmenterOptions, chunkSize = 100_000): HlsSegmenter {
  const segmenter = new HlsSegmenter(options);
  for (let i = 0; i < input.length; i += chunkSize) segmenter.push(input.subarray(i, i + chunkSize));
  segmenter.end();
  return segmenter;
}

/** Tag lines that precede each segment URI in a playlist. */
function tagsBySegment(playlist: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  let tags: string[] = [];
  for (const line of playlist.split('\n')) {
    if (!line) continue;
    if (line.startsWith('#')) tags.push(line);
    else {
      result.set(line, tags);
      tags = [];
    }
  }
  return result;
}

let work: string;
let injected: Buffer;
let info: TsInspection;
let outPts: number;
let backPts: number;
let outSection: Uint8Array;
let backSection: Uint8Array;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'segmenter-test-'));
  const input = readFileSync(makeTestTs({ muxrate: 2_000_000 }));
  const source = inspectBytes(input);
  const first = source.firstPts!;
  outPts = source.idrPts.find((p) => ptsDiff(p, first) >= 5 * PTS_HZ)!;
  backPts = source.idrPts.find((p) => ptsDiff(p, outPts) >= 2 * PTS_HZ)!;
  outSection = encodeSection(buildCueOut({ eventId: 42, ptsTime: outPts, durationTicks: 2 * PTS_HZ }));
  backSection = encodeSection(buildCueIn({ eventId: 42, ptsTime: backPts }));
  const injector = new Scte35Injector();
  injector.queue(outSection);
  injector.queue(backSection);
  injected = Buffer.concat([injector.push(input), injector.flush()]);
  info = inspectBytes(injected);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('HlsSegmenter on an injected stream', () => {
  let dir: string;
  let segmenter: HlsSegmenter;
  let playlist: string;
  const date = new Date('2030-01-02T03:04:05.000Z');

  beforeAll(() => {
    dir = path.join(work, 'vod');
    segmenter = segment(injected, {
      outputDir: dir,
      segmentDurationSeconds: 4,
      listSize: 0,
      markers: ['cue', 'daterange', 'oatcls', 'scte35'],
      programDateTime: date,
    });
    playlist = readFileSync(path.join(dir, 'index.m3u8'), 'utf8');
  });

  it('starts every segment with an IDR, and one exactly at each splice', () => {
    expect(segmenter.segments.length).toBeGreaterThan(3);
    for (const s of segmenter.segments) {
      const au = firstAccessUnit(path.join(dir, s.uri));
      expect(au).toEqual({ pts: s.startPts, keyframe: true });
    }
    const starts = segmenter.segments.map((s) => s.startPts);
    expect(starts).toContain(outPts);
    expect(starts).toContain(backPts);
    expect(segmenter.inexactSplices).toBe(0);
  });

  it('covers the whole stream: segment durations add up to it, none longer than the target', () => {
    const total = segmenter.segments.reduce((sum, s) => sum + s.duration, 0);
    expect(total).toBeCloseTo(info.durationSeconds, 3);
    for (const s of segmenter.segments) expect(s.duration).toBeLessThanOrEqual(4);
    expect(playlist).toMatch(/#EXT-X-TARGETDURATION:4\n/);
    expect(playlist).toMatch(/#EXT-X-PLAYLIST-TYPE:VOD\n/);
    expect(playlist.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
  });

  it('puts CUE-OUT on the splice segment, CUE-OUT-CONT inside the break and CUE-IN at the return', () => {
    const tags = tagsBySegment(playlist);
    const outSeg = segmenter.segments.find((s) => s.startPts === outPts)!;
    const backSeg = segmenter.segments.find((s) => s.startPts === backPts)!;
    expect(tags.get(outSeg.uri)).toContain('#EXT-X-CUE-OUT:DURATION=2.000');
    expect(tags.get(backSeg.uri)).toContain('#EXT-X-CUE-IN');
    const inside = segmenter.segments.filter((s) => s.sequence > outSeg.sequence && s.sequence < backSeg.sequence);
    for (const s of inside) {
      const elapsed = (ptsDiff(s.startPts, outPts) / PTS_HZ).toFixed(3);
      expect(tags.get(s.uri)).toContain(`#EXT-X-CUE-OUT-CONT:ElapsedTime=${elapsed},Duration=2.000`);
    }
    // Break segments add up to the break's length; no cue tags anywhere else.
    const breakLength = [outSeg, ...inside].reduce((sum, s) => sum + s.duration, 0);
    expect(breakLength).toBeCloseTo(ptsDiff(backPts, outPts) / PTS_HZ, 6);
    const cueLines = playlist.split('\n').filter((l) => l.startsWith('#EXT-X-CUE'));
    expect(cueLines).toHaveLength(2 + inside.length);
  });

  it('writes DATERANGE per RFC 8216: SCTE35-OUT is the section hex, IN on the same ID and START-DATE', () => {
    const tags = tagsBySegment(playlist);
    const outSeg = segmenter.segments.find((s) => s.startPts === outPts)!;
    const backSeg = segmenter.segments.find((s) => s.startPts === backPts)!;
    const outRange = tags.get(outSeg.uri)!.find((t) => t.startsWith('#EXT-X-DATERANGE'))!;
    const inRange = tags.get(backSeg.uri)!.find((t) => t.startsWith('#EXT-X-DATERANGE'))!;
    const attrs = (tag: string) => Object.fromEntries([...tag.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)].map((m) => [m[1], m[2]]));
    const out = attrs(outRange);
    const back = attrs(inRange);
    expect(out['SCTE35-OUT']).toBe(`0x${Buffer.from(outSection).toString('hex')}`);
    expect(back['SCTE35-IN']).toBe(`0x${Buffer.from(backSection).toString('hex')}`);
    expect(back.ID).toBe(out.ID);
    expect(back['START-DATE']).toBe(out['START-DATE']);
    expect(out['PLANNED-DURATION']).toBe('2.000');
    expect(back.DURATION).toBe('2.000');
    // START-DATE is the program date-time of the splice segment.
    expect(tags.get(outSeg.uri)).toContain(`#EXT-X-PROGRAM-DATE-TIME:${JSON.parse(out['START-DATE']!)}`);
    expect(Date.parse(JSON.parse(out['START-DATE']!))).toBe(date.getTime() + (ptsDiff(outPts, segmenter.segments[0]!.startPts) * 1000) / PTS_HZ);
    expect(tags.get(outSeg.uri)).toContain(`#EXT-OATCLS-SCTE35:${Buffer.from(outSection).toString('base64')}`);
    expect(
      tags.get(outSeg.uri)!.some((t) => t.startsWith(`#EXT-X-SCTE35:CUE="${Buffer.from(outSection).toString('base64')}"`) && t.includes('CUE-OUT=YES')),
    ).toBe(true);
  });

  it('gives the same segments whatever the chunk boundaries', () => {
    const other = segment(
      injected,
      { outputDir: path.join(work, 'chunks'), segmentDurationSeconds: 4, listSize: 0, markers: ['cue'], programDateTime: date },
      777,
    );
    expect(other.segments.map((s) => s.uri)).toEqual(segmenter.segments.map((s) => s.uri));
    for (const s of other.segments) {
      expect(readFileSync(path.join(work, 'chunks', s.uri)).equals(readFileSync(path.join(dir, s.uri)))).toBe(true);
    }
  });
});

describe('HlsSegmenter live output', () => {
  it('slides the window without ever deleting a listed segment, and leaves no temp files', () => {
    const dir = path.join(work, 'live');
    const seen: string[] = [];
    const check = (s: PlaylistSegment) => {
      seen.push(s.uri);
      const listed = readFileSync(path.join(dir, 'index.m3u8'), 'utf8')
        .split('\n')
        .filter((l) => l.endsWith('.ts'));
      expect(listed.length).toBeLessThanOrEqual(3);
      for (const uri of listed) expect(existsSync(path.join(dir, uri))).toBe(true);
    };
    segment(injected, { outputDir: dir, segmentDurationSeconds: 1, listSize: 3, deleteThreshold: 1, onSegment: check });
    expect(seen.length).toBeGreaterThan(6);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBe(3 + 1);
    expect(readdirSync(dir).filter((f) => f.includes('tmp'))).toEqual([]);
    const playlist = readFileSync(path.join(dir, 'index.m3u8'), 'utf8');
    expect(playlist).toContain(`#EXT-X-MEDIA-SEQUENCE:${seen.length - 3}\n`);
    expect(playlist).not.toContain('#EXT-X-PLAYLIST-TYPE');
    expect(playlist.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
  });

  it('never repeats a media sequence number across restarts in the same directory', () => {
    const dir = path.join(work, 'restart');
    const first = segment(injected, { outputDir: dir, segmentDurationSeconds: 2, listSize: 4 });
    const second = segment(injected, { outputDir: dir, segmentDurationSeconds: 2, listSize: 4 });
    const a = first.segments.map((s) => s.sequence);
    const b = second.segments.map((s) => s.sequence);
    expect(b[0]).toBe(a[a.length - 1]! + 1);
    expect(new Set([...a, ...b]).size).toBe(a.length + b.length);
    expect(readFileSync(path.join(dir, 'index.m3u8'), 'utf8')).toContain(`#EXT-X-MEDIA-SEQUENCE:${b[b.length - 4]}\n`);
  });

  it('returns by itself at the end of an auto-return break when no return cue comes', () => {
    const input = readFileSync(makeTestTs({ muxrate: 2_000_000 }));
    const injector = new Scte35Injector();
    injector.queue(outSection);
    const stream = Buffer.concat([injector.push(input), injector.flush()]);
    const dir = path.join(work, 'auto');
    const s = segment(stream, { outputDir: dir, segmentDurationSeconds: 4, listSize: 0, markers: ['cue'] });
    const back = s.segments.find((x) => x.cueIn);
    expect(back?.startPts).toBe(backPts);
    expect(back?.cueIn?.duration).toBe(2);
  });
});

describe('HlsSegmenter files', () => {
  it('never writes through a symlink planted at a temp name (the old names were <file>.tmp and <file>.<pid>.tmp)', () => {
    const dir = path.join(work, 'planted');
    mkdirSync(dir, { recursive: true });
    const victim = path.join(work, 'victim.txt');
    writeFileSync(victim, 'precious');
    const planted = [...Array.from({ length: 12 }, (_, i) => `segment${i}.ts.tmp`), `index.m3u8.${process.pid}.tmp`, `.hls-state.json.${process.pid}.tmp`];
    for (const name of planted) symlinkSync(victim, path.join(dir, name));
    const s = segment(injected, { outputDir: dir, segmentDurationSeconds: 1, listSize: 0 });
    expect(s.segments.length).toBeGreaterThan(8);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    for (const name of planted) expect(readlinkSync(path.join(dir, name))).toBe(victim);
    expect(readFileSync(path.join(dir, 'index.m3u8'), 'utf8')).toContain('#EXT-X-ENDLIST');
  });

  it('through the queued writer: the same segments and playlist, landed in order, with the mode asked for', async () => {
    const syncDir = path.join(work, 'files-sync');
    const queuedDir = path.join(work, 'files-queued');
    const programDateTime = new Date('2026-01-01T00:00:00Z');
    segment(injected, { outputDir: syncDir, segmentDurationSeconds: 2, listSize: 0, programDateTime });
    const errors: unknown[] = [];
    const files = new QueuedHlsFiles({ mode: 0o600, onError: (error) => errors.push(error) });
    const landed: string[] = [];
    const s = segment(injected, { outputDir: queuedDir, segmentDurationSeconds: 2, listSize: 0, programDateTime, files, onSegment: (x) => landed.push(x.uri) });
    expect(landed.length).toBeLessThan(s.segments.length); // nothing has landed yet: the caller never waited on the disk
    await files.drained();
    expect(errors).toEqual([]);
    expect(landed).toEqual(s.segments.map((x) => x.uri));
    expect(readdirSync(queuedDir).sort()).toEqual(readdirSync(syncDir).sort());
    for (const name of readdirSync(syncDir)) {
      expect(readFileSync(path.join(queuedDir, name)).equals(readFileSync(path.join(syncDir, name))), name).toBe(true);
      expect(statSync(path.join(queuedDir, name)).mode & 0o777).toBe(0o600);
    }
  });
});
