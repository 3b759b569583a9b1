// What a live segmenter remembers stays bounded however long it runs and however many cues pass.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PTS_HZ } from '../media.ts';
import { makeTestTs } from '../../../../tests/support/mpegts.ts';
import { buildCueOut, encodeSection } from '../scte35/index.ts';
import { HlsSegmenter, MAX_SEEN_CUE_KEYS } from './segmenter.ts';

let work: string;
let stream: Buffer;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'segmenter-bounds-'));
  stream = readFileSync(makeTestTs({ muxrate: 2_000_000 }));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('HlsSegmenter bounds', () => {
  it('remembers only the latest segmentHistory segments; without it, every one (a file cut once)', () => {
    const live = new HlsSegmenter({ outputDir: path.join(work, 'live'), segmentDurationSeconds: 1, listSize: 3, segmentHistory: 3 });
    live.push(stream);
    live.end();
    const all = new HlsSegmenter({ outputDir: path.join(work, 'all'), segmentDurationSeconds: 1, listSize: 3 });
    all.push(stream);
    all.end();
    expect(all.segments.length).toBeGreaterThan(6);
    expect(live.segments.map((segment) => segment.sequence)).toEqual(all.segments.slice(-3).map((segment) => segment.sequence));
  });

  it(`remembers at most ${MAX_SEEN_CUE_KEYS} cue keys, and still skips the repeats of a recent cue`, () => {
    const segmenter = new HlsSegmenter({ outputDir: path.join(work, 'cues'), segmentDurationSeconds: 1, listSize: 3 });
    segmenter.push(stream.subarray(0, 188 * 2000)); // a video clock to measure against
    const onScte35 = (section: Uint8Array) => (segmenter as unknown as { onScte35(section: Uint8Array): void }).onScte35(section);
    const points = () => (segmenter as unknown as { points: unknown[] }).points.length;
    const cue = (eventId: number) => encodeSection(buildCueOut({ eventId, ptsTime: 60 * PTS_HZ + eventId * 3000, durationTicks: 30 * PTS_HZ }));
    for (let eventId = 1; eventId <= MAX_SEEN_CUE_KEYS * 4; eventId++) onScte35(cue(eventId));
    expect(segmenter.rememberedCueKeys).toBe(MAX_SEEN_CUE_KEYS);
    const before = points();
    onScte35(cue(MAX_SEEN_CUE_KEYS * 4)); // a repeat of the latest cue: the same splice point
    expect(points()).toBe(before);
  });
});
