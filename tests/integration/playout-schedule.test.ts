// Issue #14's "Must show", through the public API on a real `studio serve` (real ffmpeg decoders and
// encoder, real SQLite, a real SRT listener): three clips (each frame says which clip and which
// frame it is in its pixels; a beep whose onset is its frame 0; two chapters) are imported and
// scheduled: A at T0 + 10 s, B after A with breaks at its chapters, C fixed later with a gap that
// the filler clip fills. The program goes live to SRT and a recording; what the listener received
// is decoded and each claim is checked on it, by PTS: each clip's first frame is at its
// `startPts` (and the frame before is not it), B's cue-outs are at the IDRs planned from its
// chapter marks with their returns, B resumes on the very next frame of its file (none lost or
// repeated), the filler is in the gap, and each beep starts with its clip's first frame. Then an
// item is rejoined mid-way on the frame its PTS says, after a program restart and after the
// studio process is SIGKILLed and started again on its data dir.
//
// Frames the machine drops under load are not counted: every frame that arrived is checked for
// what it IS at its PTS.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaItem } from '../../src/shared/media.ts';
import type { OutputInfo } from '../../src/shared/contract.ts';
import type { SourceInfo } from '../../src/shared/program.ts';
import type { PlayoutStatus, ScheduleItem } from '../../src/shared/schedule.ts';
import { ffmpegPath } from '../support/ingest.ts';
import { ffmetadata } from '../support/media-fixtures.ts';
import { freePort } from '../support/ports.ts';
import { type RunningStudio, startStudio } from '../support/studio-server.ts';
import { type Capture, CaptureReader, isCueOut, PTS_WRAP, readCapture, SrtCapture, signalledPts, spliceInsertOf } from '../support/ts-capture.ts';

const WIDTH = 320;
const HEIGHT = 180;
const FPS = 25;
const GOP = 25;
const TICKS_PER_FRAME = 90_000 / FPS;
const CLIP_SECONDS = 10;
/** The clip the rejoin tests interrupt: long enough for a process restart and the preroll on a busy machine. */
const REJOIN_CLIP_SECONDS = 20;
const BREAK_SECONDS = 5;
/** The left half's luma says which clip (codes 50 apart survive the encode). */
const CODES = { A: 60, D: 85, B: 110, C: 160, F: 210, L: 235 } as const;
type ClipName = keyof typeof CODES;
/** One AAC frame (1024 samples at 48 kHz): the A/V tolerance, a PTS comparison. */
const AUDIO_FRAME_SECONDS = 1024 / 48_000;

let dir: string;
let studio: RunningStudio;
let listener: SrtCapture | null = null;
let srtPort = 0;

async function ok<T>(name: string, args: unknown = {}): Promise<T> {
  const { status, body } = await studio.command<{ result?: T }>(name, args);
  if (status !== 200) throw new Error(`${name}: ${status} ${JSON.stringify(body)}`);
  return body.result!;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A clip whose every frame carries its code (left half) and its frame number N: the top right is
 * 16 + 4 (N mod 50), the bottom right 16 + 20 ⌊N / 50⌋, steps wide enough to read back exactly after
 * a lossy encode. A 0.3 s beep from frame 0 (then silence), or silence throughout (the filler).
 */
function makeClip(name: ClipName, seconds: number, chapters: Array<{ title: string; startSeconds: number }>, beep: boolean): string {
  const file = path.join(dir, `${name}.mkv`);
  const metadata = path.join(dir, `${name}.ffmeta`);
  writeFileSync(metadata, ffmetadata(chapters, seconds));
  const lum = `if(lt(X\\,${WIDTH / 2})\\,${CODES[name]}\\,if(lt(Y\\,${HEIGHT / 2})\\,16+4*mod(N\\,50)\\,16+20*floor(N/50)))`;
  const picture = `color=c=black:s=${WIDTH}x${HEIGHT}:r=${FPS}:d=${seconds},format=yuv420p,geq=lum='${lum}':cb=128:cr=128`;
  const sound = `sine=frequency=1000:sample_rate=48000:duration=${seconds},volume='${beep ? 'if(lt(t\\,0.3)\\,1\\,0)' : '0'}':eval=frame`;
  execFileSync(ffmpegPath(), [
    ...['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', picture, '-f', 'lavfi', '-i', sound, '-i', metadata],
    ...['-map', '0:v', '-map', '1:a', '-map_metadata', '2', '-map_chapters', '2', '-c:v', 'ffv1', '-c:a', 'flac', file],
  ]);
  return file;
}

const THUMB_W = 32;
const THUMB_H = 18;

/** What a received frame shows: the clip (by code, or null) and its frame number. */
interface Shown {
  clip: ClipName | null;
  frame: number;
}

/**
 * Every video frame of the capture, decoded to 32×18 (area-scaled), read as clip and frame from its
 * luma plane (yuv420p keeps the studio-range values; `gray` would stretch them to full range), by raw PTS.
 */
function decodeShown(file: string): Map<number, Shown> {
  const result = spawnSync(
    ffmpegPath(),
    [
      ...['-hide_banner', '-nostdin', '-loglevel', 'info', '-copyts', '-i', file, '-map', '0:v:0'],
      ...['-vf', `showinfo,scale=${THUMB_W}:${THUMB_H}:flags=area,format=yuv420p`, '-fps_mode', 'passthrough', '-f', 'rawvideo', 'pipe:1'],
    ],
    { maxBuffer: 1 << 30, timeout: 120_000 },
  );
  const ptsList = [...result.stderr.toString().matchAll(/Parsed_showinfo.*?\bn:\s*\d+\s+pts:\s*(-?\d+)/g)].map((match) => Number(match[1]));
  const size = (THUMB_W * THUMB_H * 3) / 2;
  const shown = new Map<number, Shown>();
  const count = Math.min(ptsList.length, Math.floor(result.stdout.length / size));
  for (let index = 0; index < count; index++) {
    const luma = result.stdout.subarray(index * size, (index + 1) * size);
    const at = (x: number, y: number) => luma[y * THUMB_W + x]!;
    const code = at(8, 9);
    const clip = (Object.keys(CODES) as ClipName[]).find((name) => Math.abs(CODES[name] - code) <= 8) ?? null;
    const frame = Math.round((at(24, 4) - 16) / 4) + 50 * Math.round((at(24, 13) - 16) / 20);
    shown.set(((ptsList[index]! % PTS_WRAP) + PTS_WRAP) % PTS_WRAP, { clip, frame });
  }
  return shown;
}

/** The capture's audio as mono samples, sample i at i / 48000 s on the 90 kHz clock's seconds (-copyts, silence from 0). */
function decodeAudio(file: string): Int16Array {
  const decoded = spawnSync(
    ffmpegPath(),
    ['-v', 'error', '-copyts', '-i', file, '-map', '0:a:0', '-af', 'aresample=async=1:first_pts=0', '-ac', '1', '-ar', '48000', '-f', 's16le', '-'],
    { maxBuffer: 1 << 30, timeout: 120_000 },
  );
  return new Int16Array(decoded.stdout.buffer, decoded.stdout.byteOffset, decoded.stdout.length >> 1);
}

/** The first loud sample at or after `fromSeconds` after at least 0.1 s of quiet, in seconds; null when none within 1 s. */
function onsetNear(samples: Int16Array, fromSeconds: number): number | null {
  const start = Math.max(0, Math.round(fromSeconds * 48_000));
  let quiet = 0;
  for (let index = start; index < Math.min(samples.length, start + 48_000); index++) {
    if (Math.abs(samples[index]!) > 1000) {
      if (quiet >= 4800) return index / 48_000;
      quiet = 0;
    } else quiet++;
  }
  return null;
}

/**
 * A show's frames as received, by its place (frames since its first, breaks left out): its own clip,
 * frame 0 first, then never going back, never running ahead of its place, and never skipping a frame
 * (the step is at most the places between two received frames). Returns the repeats (places − steps).
 */
function expectShowRun(name: ClipName, run: Array<[number, Shown]>): number {
  let repeats = 0;
  let previous: [number, number] | null = null;
  for (const [place, seen] of run) {
    expect(seen.clip, `${name} at place ${place}`).toBe(name);
    expect(seen.frame, `${name} at place ${place}: not ahead of its place`).toBeLessThanOrEqual(place);
    if (previous) {
      const step = seen.frame - previous[1];
      expect(step >= 0 && step <= place - previous[0], `${name} from place ${previous[0]} (frame ${previous[1]}) to ${place} (frame ${seen.frame})`).toBe(true);
      repeats += place - previous[0] - step;
    } else expect(seen.frame, `${name}'s first place`).toBe(place);
    previous = [place, seen.frame];
  }
  return repeats;
}

const ptsPlus = (pts: number, ticks: number) => (((pts + ticks) % PTS_WRAP) + PTS_WRAP) % PTS_WRAP;
const ptsSeconds = (pts: number) => pts / 90_000;

const two = (first: number, second: number) => [
  { title: 'one', startSeconds: first },
  { title: 'two', startSeconds: second },
];
let files: Record<ClipName, string>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'studio-playout-it-'));
  // Made before the server starts: a synchronous ffmpeg run would outlast the HTTP keep-alive.
  // B's marks: the first break is armed (6 s ahead) while A plays; the second after the first returned.
  files = {
    A: makeClip('A', CLIP_SECONDS, two(0, 5), true),
    B: makeClip('B', CLIP_SECONDS, two(1, 8), true),
    C: makeClip('C', CLIP_SECONDS, two(0, 5), true),
    D: makeClip('D', CLIP_SECONDS, two(0, 5), true),
    F: makeClip('F', 4, two(0, 2), false),
    L: makeClip('L', REJOIN_CLIP_SECONDS, two(0, 10), true),
  };
  studio = await startStudio({ dataDir: path.join(dir, 'data') });
  await ok('program.setFormat', {
    width: WIDTH,
    height: HEIGHT,
    frameRate: String(FPS),
    videoBitrateKbps: 1500,
    gopFrames: GOP,
    x264Preset: 'ultrafast',
    audioBitrateKbps: 96,
    videoEncoder: 'libx264',
  });
  const bars = await ok<SourceInfo>('sources.create', { name: 'Bars', config: { kind: 'test_pattern', width: WIDTH, height: HEIGHT } });
  await ok('scenes.create', { name: 'Main', layers: [{ sourceId: bars.id }] });
}, 60_000);

afterAll(async () => {
  if (process.env.PLAYOUT_IT_LOG) console.log(studio?.output().slice(-6000));
  await listener?.stop();
  await studio?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('playout from the schedule, received over SRT', () => {
  it('airs each clip at its startPts frame-exactly, breaks B at its chapters through the deck, fills the gap, and keeps A/V in sync', async () => {
    const media = {} as Record<ClipName, MediaItem>;
    for (const name of Object.keys(files) as ClipName[]) media[name] = await ok<MediaItem>('media.import', { path: files[name] });
    for (const name of ['A', 'B', 'C'] as const) {
      expect(media[name]).toMatchObject({ state: 'ready' });
      expect(media[name].durationSeconds).toBeCloseTo(CLIP_SECONDS, 1);
    }
    expect(media.A.chapters.map((c) => c.startSeconds)).toEqual([0, 5]);
    expect(media.B.chapters.map((c) => [c.title, c.startSeconds])).toEqual([
      ['one', 1],
      ['two', 8],
    ]);

    srtPort = await freePort('udp');
    const received = path.join(dir, 'received.ts');
    listener = new SrtCapture(srtPort, received);
    const recordings = path.join(dir, 'recordings');
    mkdirSync(recordings);
    await ok<OutputInfo>('outputs.create', { settings: { kind: 'srt', name: 'Distributor', url: `srt://127.0.0.1:${srtPort}`, latencyMs: 400 } });
    await ok<OutputInfo>('outputs.create', { settings: { kind: 'recording', name: 'Archive', folder: recordings } });
    await ok('playout.setSettings', { fillerMediaIds: [media.F.id] });
    await ok<PlayoutStatus>('playout.setEnabled', { enabled: true });

    const t0 = Date.now();
    const a = await ok<ScheduleItem>('schedule.add', { mediaId: media.A.id, startAt: new Date(t0 + 10_000).toISOString() });
    const b = await ok<ScheduleItem>('schedule.add', { mediaId: media.B.id, after: a.id, breaks: { atChapters: true, durationSeconds: BREAK_SECONDS } });
    expect(b.breaks?.marks.map((mark) => mark.atSeconds)).toEqual([1, 8]);
    expect(b.durationSeconds).toBeCloseTo(CLIP_SECONDS + 2 * BREAK_SECONDS, 3);
    const bEndMs = Date.parse(b.startAt) + b.durationSeconds * 1000;
    const c = await ok<ScheduleItem>('schedule.add', { mediaId: media.C.id, startAt: new Date(Math.ceil(bEndMs / 1000) * 1000 + 4000).toISOString() });

    // C plays 4 s; D follows it, and its file is deleted after it was scheduled.
    await ok('schedule.trim', { id: c.id, durationSeconds: 4 });
    const d = await ok<ScheduleItem>('schedule.add', { mediaId: media.D.id, after: c.id });
    rmSync(files.D);
    const listedD = (await ok<ScheduleItem[]>('schedule.list', { from: new Date(t0).toISOString() })).find((item) => item.id === d.id);
    expect(listedD?.problem).toMatch(/missing/);

    await ok('program.start');
    await ok('outputs.startAll');

    // While it runs: each item's frames, as schedule.list gives them once playout has planned it.
    const frames = new Map<number, { startFrame: number; startPts: number }>();
    const reader = new CaptureReader(received);
    const messages = new Set<string>();
    const dLastMs = Date.parse(d.startAt) + 3000;
    const limit = Date.now() + 120_000;
    while (Date.now() < limit) {
      for (const item of await ok<ScheduleItem[]>('schedule.list', { from: new Date(t0).toISOString() })) {
        if (item.startFrame !== undefined && item.startPts !== undefined && item.startPts !== null)
          frames.set(item.id, { startFrame: item.startFrame, startPts: item.startPts });
      }
      const status = await ok<PlayoutStatus>('playout.status');
      if (status.message) messages.add(status.message);
      const dStart = frames.get(d.id);
      if (Date.now() > dLastMs && dStart && reader.hasPast(dStart.startPts, 3)) break;
      await sleep(1000);
    }
    await ok('program.stop');
    await listener.stop();
    listener = null;

    const [fa, fb, fc, fd] = [frames.get(a.id), frames.get(b.id), frames.get(c.id), frames.get(d.id)];
    expect(fa && fb && fc && fd, `frames from schedule.list: ${JSON.stringify([...frames])}`).toBeTruthy();
    // B follows A on the frame A ends; the PTS follows the frame (one frame = 3600 ticks at 25 fps).
    expect(fb!.startFrame - fa!.startFrame).toBe(CLIP_SECONDS * FPS);
    expect(ptsPlus(fb!.startPts, -fa!.startPts)).toBe(CLIP_SECONDS * FPS * TICKS_PER_FRAME);

    const capture: Capture = readCapture(received);
    const shown = decodeShown(received);
    const at = (pts: number): Shown | undefined => shown.get(ptsPlus(pts, 0));
    const frameOffset = (start: { startPts: number }, name: ClipName) => {
      // Where the clip's frame 0 actually is, in frames from its planned startPts (0 is frame-exact).
      const pts = [...shown].filter(([, s]) => s.clip === name && s.frame === 0).map(([p]) => p)[0];
      return pts === undefined ? null : ptsPlus(pts, -start.startPts) / TICKS_PER_FRAME;
    };
    const measured: Record<string, unknown> = {
      frameOffsets: { A: frameOffset(fa!, 'A'), B: frameOffset(fb!, 'B'), C: frameOffset(fc!, 'C') },
      framesReceived: shown.size,
      around: Object.fromEntries(
        (
          [
            ['A', fa!],
            ['B', fb!],
            ['C', fc!],
          ] as const
        ).map(([name, start]) => [name, [-2, -1, 0, 1].map((k) => at(ptsPlus(start.startPts, k * TICKS_PER_FRAME)))]),
      ),
    };
    console.log(`playout-schedule pictures: ${JSON.stringify(measured)}`);

    // Each clip's first frame at its startPts; the frame before is what came before it.
    expect(at(fa!.startPts)).toEqual({ clip: 'A', frame: 0 });
    expect(at(ptsPlus(fa!.startPts, -TICKS_PER_FRAME))?.clip).toBe('F');
    expect(at(fb!.startPts)).toEqual({ clip: 'B', frame: 0 });
    expect(at(ptsPlus(fb!.startPts, -TICKS_PER_FRAME))?.clip).toBe('A');
    expect(at(fc!.startPts)).toEqual({ clip: 'C', frame: 0 });
    expect(at(ptsPlus(fc!.startPts, -TICKS_PER_FRAME))?.clip).toBe('F');

    // B's breaks: a cue-out on the first IDR at or after each chapter mark (the marks counted in
    // B's own frames, the first break's frames before the second), its return a whole number of GOPs later.
    const cueOuts = capture.sections.filter((s) => spliceInsertOf(s.section)?.out_of_network_indicator === true);
    const eventIds = [...new Set(cueOuts.map((s) => spliceInsertOf(s.section)!.splice_event_id))];
    expect(eventIds).toHaveLength(2);
    const breakFrames = Math.ceil((BREAK_SECONDS * FPS) / GOP) * GOP;
    const planned: Array<{ splice: number; back: number }> = [];
    let pausedSoFar = 0;
    for (const markSeconds of [1, 8]) {
      const markFrame = fb!.startFrame + markSeconds * FPS + pausedSoFar;
      const splice = Math.ceil(markFrame / GOP) * GOP;
      planned.push({ splice, back: splice + breakFrames });
      pausedSoFar += breakFrames;
    }
    const ptsOf = (frame: number) => ptsPlus(fb!.startPts, (frame - fb!.startFrame) * TICKS_PER_FRAME);
    const breaksSeen = eventIds.map((id) => {
      const copy = capture.sections.find((s) => isCueOut(id)(s.section))!;
      const insert = spliceInsertOf(copy.section)!;
      return { splicePts: signalledPts(copy.section)!, durationTicks: insert.break_duration?.duration ?? null, autoReturn: insert.break_duration?.auto_return };
    });
    measured.breaks = breaksSeen.map((seen, index) => ({
      spliceFramesOff: ptsPlus(seen.splicePts, -ptsOf(planned[index]!.splice)) / TICKS_PER_FRAME,
      returnFramesOff: ((seen.durationTicks ?? 0) - breakFrames * TICKS_PER_FRAME) / TICKS_PER_FRAME,
    }));
    for (const [index, seen] of breaksSeen.entries()) {
      expect(seen).toEqual({ splicePts: ptsOf(planned[index]!.splice), durationTicks: breakFrames * TICKS_PER_FRAME, autoReturn: true });
      const idr = capture.frames.find((frame) => frame.pts === seen.splicePts);
      expect(idr?.keyframe, 'the splice is on an IDR').toBe(true);
    }
    // B pauses on the splice and resumes on the return with its very next frame.
    for (const { splice, back } of planned) {
      const before = at(ptsOf(splice - 1));
      expect(before?.clip, 'B on the frame before the splice').toBe('B');
      expect(at(ptsOf(splice))?.clip).not.toBe('B');
      expect(at(ptsOf(back - 1))?.clip).not.toBe('B');
      expect(at(ptsOf(back)), 'B on the return frame: the frame after the one it paused on').toEqual({ clip: 'B', frame: before!.frame + 1 });
    }
    // Every A and B frame that arrived: the clip's, its file frames in order, never ahead of its
    // place and never skipped. A decoder late under load repeats its last frame (the program's frame
    // rate is constant by design), which the run counts.
    const bEndFrame = fb!.startFrame + CLIP_SECONDS * FPS + 2 * breakFrames;
    const bRun: Array<[number, Shown]> = [];
    for (let frame = fb!.startFrame; frame < bEndFrame; frame++) {
      const seen = at(ptsOf(frame));
      if (!seen || planned.some((p) => frame >= p.splice && frame < p.back)) continue;
      bRun.push([frame - fb!.startFrame - planned.filter((p) => p.back <= frame).length * breakFrames, seen]);
    }
    const aRun: Array<[number, Shown]> = [];
    for (let frame = 0; frame < CLIP_SECONDS * FPS; frame++) {
      const seen = at(ptsPlus(fa!.startPts, frame * TICKS_PER_FRAME));
      if (seen) aRun.push([frame, seen]);
    }
    measured.lateRepeats = { A: expectShowRun('A', aRun), B: expectShowRun('B', bRun) };
    expect(bRun.length).toBeGreaterThan(CLIP_SECONDS * FPS * 0.9);
    const gap: Shown[] = [];
    for (let pts = ptsOf(bEndFrame); pts !== fc!.startPts; pts = ptsPlus(pts, TICKS_PER_FRAME)) {
      const seen = at(pts);
      if (seen) gap.push(seen);
    }
    expect(gap.length).toBeGreaterThan(0);
    expect(gap.every((seen) => seen.clip === 'F')).toBe(true);

    // D's file is gone: the filler airs in its place from its start frame, the status said why, and
    // the program went on (frames kept coming for 3 s after).
    expect(at(ptsPlus(fd!.startPts, -TICKS_PER_FRAME))?.clip).toBe('C');
    const inD = [...shown].filter(([pts]) => ptsPlus(pts, -fd!.startPts) < PTS_WRAP / 2).map(([, seen]) => seen);
    expect(inD.length).toBeGreaterThan(2 * FPS);
    expect(inD.every((seen) => seen.clip === 'F')).toBe(true);
    expect(
      [...messages].some((message) => message.includes('D.mkv') && /missing/.test(message)),
      [...messages].join(' | '),
    ).toBe(true);

    measured.messages = [...messages];

    // A/V: each beep starts with its clip's first frame (a PTS comparison), within one AAC frame.
    const samples = decodeAudio(received);
    const avOffsetsMs: Record<string, number | null> = {};
    for (const [name, start] of [
      ['A', fa!],
      ['B', fb!],
      ['C', fc!],
    ] as const) {
      const video = ptsSeconds(start.startPts);
      const onset = onsetNear(samples, video - 0.5);
      avOffsetsMs[name] = onset === null ? null : Math.round((onset - video) * 10_000) / 10;
    }
    measured.avOffsetsMs = avOffsetsMs;
    console.log(`playout-schedule measured: ${JSON.stringify(measured)}`);
    for (const offset of Object.values(avOffsetsMs)) {
      expect(offset).not.toBeNull();
      expect(Math.abs(offset!)).toBeLessThanOrEqual(AUDIO_FRAME_SECONDS * 1000);
    }

    // The recording has the same cues at the same PTS.
    const recorded = readCapture(path.join(recordings, readdirSync(recordings)[0]!));
    expect(recorded.sections.filter((s) => spliceInsertOf(s.section)?.out_of_network_indicator === true).map((s) => signalledPts(s.section))).toEqual(
      expect.arrayContaining(breaksSeen.map((seen) => seen.splicePts)),
    );
  }, 180_000);

  /**
   * E (clip L, 20 s) is scheduled after the rest; `interrupt` stops the air while E plays, then the
   * program goes live again: playout joins E where its clock says, checked frame by frame.
   */
  async function rejoinsAfter(label: string, interrupt: () => Promise<void>): Promise<void> {
    const media = await ok<MediaItem[]>('media.list');
    const clipL = media.find((item) => item.path === files.L)!;
    const last = (await ok<ScheduleItem[]>('schedule.list', { from: new Date(Date.now() - 3_600_000).toISOString() })).at(-1)!;
    const lastEnd = Date.parse(last.startAt) + last.durationSeconds * 1000;
    const e = await ok<ScheduleItem>('schedule.add', {
      mediaId: clipL.id,
      startAt: new Date(Math.ceil(Math.max(Date.now() + 8000, lastEnd + 1000) / 1000) * 1000).toISOString(),
    });
    const eStartMs = Date.parse(e.startAt);

    const first = path.join(dir, `before-${label}.ts`);
    listener = new SrtCapture(srtPort, first);
    await ok('program.start');
    await ok('outputs.startAll');
    const reader = new CaptureReader(first);
    const limit = Date.now() + 60_000;
    while (Date.now() < limit && !(Date.now() > eStartMs + 1500 && reader.poll().frames.length > 0)) await sleep(250);
    // Stopped while E plays, then live again: playout joins E 3 s later.
    await interrupt();
    await listener.stop();
    const second = path.join(dir, `after-${label}.ts`);
    listener = new SrtCapture(srtPort, second);
    const restartedAt = Date.now();
    await ok('program.start');
    await ok('outputs.startAll');
    // E's frames in the restarted program, listed while playout has it planned.
    let listed: ScheduleItem | undefined;
    while (Date.now() < limit && listed?.startFrame === undefined) {
      listed = (await ok<ScheduleItem[]>('schedule.list', { from: new Date(eStartMs - 60_000).toISOString() })).find((item) => item.id === e.id)!;
      await sleep(250);
    }
    let pts0: number | null = null;
    while (Date.now() < limit && pts0 === null) {
      pts0 = (await ok<{ pts: number | null }>('program.ptsOfFrame', { frame: 0 })).pts;
      if (pts0 === null) await sleep(250);
    }
    // Some seconds of E after the join (3 s of preroll after the start), within E.
    while (Date.now() < Math.min(eStartMs + REJOIN_CLIP_SECONDS * 1000 + 1000, restartedAt + 10_000)) await sleep(250);
    await ok('program.stop');
    await listener.stop();
    listener = null;
    if (!listed) throw new Error('E is not listed');
    expect(listed.startFrame, 'E planned in the restarted program').toBeTypeOf('number');
    expect(pts0).not.toBeNull();

    // Each E frame received after the restart shows the file frame its program frame says:
    // program frame n = (PTS − PTS of frame 0) / 3600, file frame = n − E's start frame.
    const shown = [...decodeShown(second)].filter(([, seen]) => seen.clip === 'L').sort((x, y) => ptsPlus(x[0], -pts0!) - ptsPlus(y[0], -pts0!));
    expect(shown.length).toBeGreaterThan(FPS);
    const expectedAt = (pts: number) => ptsPlus(pts, -pts0!) / TICKS_PER_FRAME - listed.startFrame!;
    const [joinPts, joinSeen] = shown[0]!;
    console.log(
      `playout-schedule rejoin: ${JSON.stringify({ startFrame: listed.startFrame, firstFileFrame: joinSeen.frame, expected: expectedAt(joinPts), secondsIn: joinSeen.frame / FPS })}`,
    );
    expect(joinSeen.frame).toBeGreaterThan(FPS);
    for (const [pts, seen] of shown) expect(seen.frame, `E at PTS ${pts}`).toBe(expectedAt(pts));
  }

  it('rejoins an item mid-way after the program restarts, on the frame of its file that its PTS says', async () => {
    await rejoinsAfter('program-restart', () => ok('program.stop'));
  }, 120_000);

  it('rejoins it the same way after the studio process is killed (SIGKILL) and started again on its data dir', async () => {
    await rejoinsAfter('process-restart', async () => {
      const dataDir = studio.dataDir;
      const exited = new Promise((resolve) => studio.process.once('exit', resolve));
      studio.process.kill('SIGKILL');
      await exited;
      // The schedule, the playout switch, the format and the SRT output come back from the data dir.
      studio = await startStudio({ dataDir });
      expect((await ok<PlayoutStatus>('playout.status')).enabled).toBe(true);
    });
  }, 120_000);
});
