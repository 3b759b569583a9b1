// The receiver's view of an expert's cue (scte35.inject), real parts only: the section arrives over
// SRT with its pts_time on an IDR, first from 4 s before the splice on the video clock and then
// about each second, and the capture's frames decode to pictures at the PTS the program names.
// It also proves the capture helpers the cue deck's end-to-end tests rely on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgramStatus, SceneInfo, SourceInfo } from '../../src/shared/program.ts';
import { buildCueOut, encodeSection } from '../../src/main/engine/scte35/index.ts';
import { FPS, GOP, startCueStudio, type CueStudio } from '../support/cue-studio.ts';
import {
  CaptureReader,
  PlaylistWatcher,
  classify,
  decodeThumbnails,
  isCueOut,
  pictureAt,
  pictureDistance,
  ptsMinus,
  readCapture,
  sectionsWhere,
  signalledPts,
} from '../support/ts-capture.ts';

let live: CueStudio;
let cardScene: SceneInfo;

describe('cue capture at the receiver', () => {
  beforeAll(async () => {
    live = await startCueStudio({ publishSeconds: 60 });
    // Made early: a source made a moment before its scene is due may not be rasterized in time.
    const card = await live.ok<SourceInfo>('sources.create', { name: 'Card', config: { kind: 'color', color: '#203080', width: 320, height: 180 } });
    cardScene = await live.ok<SceneInfo>('scenes.create', { name: 'Card', layers: [{ sourceId: card.id }] });
  }, 90_000);
  afterAll(async () => {
    await live?.stop();
  });

  it('sees an injected cue-out on an IDR, from 4 s before the splice, repeated about each second', async () => {
    const status = await live.ok<ProgramStatus>('program.status');
    const spliceFrame = status.nextIdrFrames[0]! + 6 * GOP;
    const { pts: splicePts } = await live.ok<{ pts: number | null }>('program.ptsOfFrame', { frame: spliceFrame });
    expect(splicePts).not.toBeNull();
    const section = encodeSection(buildCueOut({ eventId: 7001, ptsTime: splicePts!, durationTicks: 2 * 90_000, autoReturn: true }));
    await live.ok('scte35.inject', { section: Buffer.from(section).toString('base64') });

    // Until the receiver has frames 2 s past the splice (a state of the capture, not a clock).
    await expect
      .poll(() => readCapture(live.captureFile).frames.some((frame) => ptsMinus(frame.pts, splicePts!) >= 2 * 90_000), { timeout: 30_000, interval: 500 })
      .toBe(true);
    const capture = readCapture(live.captureFile);
    expect(capture.continuityErrors).toBe(0);
    expect(capture.pmtStreamTypes).toContain(0x86);

    const copies = sectionsWhere(capture, isCueOut(7001));
    expect(copies.length).toBeGreaterThanOrEqual(4);
    for (const copy of copies) expect(signalledPts(copy.section)).toBe(splicePts);
    const idr = capture.frames.find((frame) => frame.pts === splicePts);
    expect(idr).toMatchObject({ keyframe: true });
    // The first copy arrives at least 4 s (video clock at arrival) before the splice, minus one frame
    // of clock granularity (the clock is the last PES seen, which may trail the mux by a frame).
    expect(ptsMinus(splicePts!, copies[0]!.clockPts)).toBeGreaterThanOrEqual(4 * 90_000 - 90_000 / FPS);
    // Copies repeat about each second (on the video clock) and none arrive after the splice.
    for (let index = 1; index < copies.length; index++) {
      const step = ptsMinus(copies[index]!.clockPts, copies[index - 1]!.clockPts);
      expect(step).toBeGreaterThan(0.5 * 90_000);
      expect(step).toBeLessThan(1.5 * 90_000);
    }
    expect(ptsMinus(splicePts!, copies.at(-1)!.clockPts)).toBeGreaterThanOrEqual(0);

    // The frames decode to pictures keyed by the same PTS our demux reads.
    const pictures = decodeThumbnails(live.captureFile);
    const at = pictureAt(pictures, splicePts!);
    const before = pictureAt(pictures, splicePts! - 90_000 / FPS);
    // Both are the program (the same test pattern): nearer each other than to a black frame.
    const black = new Uint8Array(at.length);
    expect(classify(at, { program: before, black }).nearest).toBe('program');
  }, 120_000);

  it('lines up a hand-made break: scene switches scheduled at the splice and return frames show at those PTS, and the preview HLS marks them', async () => {
    const playlist = new PlaylistWatcher(`${live.studio.url}/preview/program/index.m3u8`, live.studio.authHeaders);
    playlist.start();
    try {
      const status = await live.ok<ProgramStatus>('program.status');
      const spliceFrame = status.nextIdrFrames[0]! + 5 * GOP;
      const returnFrame = spliceFrame + 3 * GOP;
      const splicePts = (await live.ok<{ pts: number | null }>('program.ptsOfFrame', { frame: spliceFrame })).pts!;
      const returnPts = (await live.ok<{ pts: number | null }>('program.ptsOfFrame', { frame: returnFrame })).pts!;
      const section = encodeSection(buildCueOut({ eventId: 7002, ptsTime: splicePts, durationTicks: 3 * 90_000, autoReturn: true }));
      await live.ok('scte35.inject', { section: Buffer.from(section).toString('base64') });
      await live.ok('program.switchScene', { sceneId: cardScene.id, atFrame: spliceFrame });
      await live.ok('program.switchScene', { sceneId: live.sceneId, atFrame: returnFrame });

      const receiver = new CaptureReader(live.captureFile);
      await expect.poll(() => receiver.hasPast(returnPts, 2), { timeout: 40_000, interval: 500 }).toBe(true);
      const pictures = decodeThumbnails(live.captureFile);
      const references = { program: pictureAt(pictures, splicePts - 2 * 90_000), card: pictureAt(pictures, splicePts + 90_000) };
      expect(pictureDistance(references.program, references.card)).toBeGreaterThan(10);
      const tick = 90_000 / FPS;
      // On failure, what aired around each point (frame offset: nearest reference).
      const around = (pts: number) =>
        Array.from({ length: 9 }, (_, index) => {
          const near = pictures.get(pts + (index - 4) * tick);
          return `${index - 4}:${near ? classify(near, references).nearest : '-'}`;
        }).join(' ');
      const context = `splice ${around(splicePts)}; return ${around(returnPts)}`;
      expect(classify(pictureAt(pictures, splicePts), references).nearest, context).toBe('card');
      expect(classify(pictureAt(pictures, splicePts - tick), references).nearest, context).toBe('program');
      expect(classify(pictureAt(pictures, returnPts), references).nearest, context).toBe('program');
      expect(classify(pictureAt(pictures, returnPts - tick), references).nearest, context).toBe('card');

      await expect
        .poll(
          async () => {
            await playlist.poll();
            return playlist.startingAt(returnPts);
          },
          { timeout: 30_000, interval: 700 },
        )
        .toBeDefined();
      expect(playlist.startingAt(splicePts)!.tags.some((tag) => tag.startsWith('#EXT-X-CUE-OUT:DURATION=3.000'))).toBe(true);
      expect(playlist.startingAt(returnPts)!.tags).toContain('#EXT-X-CUE-IN');
    } finally {
      playlist.stop();
    }
  }, 120_000);
});
