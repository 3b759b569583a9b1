// The ad-cue deck end to end, real parts only: ffmpeg publishes a counting test pattern over RTMP,
// `studio serve` puts it on air and sends the program over SRT to srt-live-transmit (the distributor)
// and to a recording; the deck is driven through the HTTP API (the UI's click is the Playwright spec's).
// Everything is checked where the distributor sees it: the SCTE-35 sections in the received TS, their
// PTS against the video's IDRs, and the decoded pictures at those PTS. No assertion is on a duration:
// waits are on states (the deck's phase, the receiver's video clock), checks are PTS arithmetic.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakPlan } from '../../src/shared/contract.ts';
import type { AlertLogRow, AlertState, AsRunRow, CueSettings, CueState } from '../../src/shared/cues.ts';
import { FPS, GOP, TICKS_PER_FRAME, pollUntil, startCueStudio, type CueStudio } from '../support/cue-studio.ts';
import {
  CaptureReader,
  PTS_WRAP,
  PlaylistWatcher,
  classify,
  decodeThumbnails,
  isCancel,
  isCueIn,
  isCueOut,
  isSegmentation,
  isSpliceNull,
  pictureAt,
  pictureDistance,
  ptsMinus,
  readCapture,
  sectionsWhere,
  segmentationOf,
  signalledPts,
  spliceInsertOf,
  type CapturedSection,
} from '../support/ts-capture.ts';

const SECOND = 90_000;
let live: CueStudio;
let receiver: CaptureReader;
let playlist: PlaylistWatcher;
/** Reference pictures, taken inside each state once it has been seen (the slate by the first break). */
const references: Record<string, Uint8Array> = {};

const ptsPlus = (pts: number, ticks: number) => (((pts + ticks) % PTS_WRAP) + PTS_WRAP) % PTS_WRAP;
const frameBefore = (pts: number) => ptsPlus(pts, -TICKS_PER_FRAME);

async function ptsOf(frame: number): Promise<number> {
  const { pts } = await live.ok<{ pts: number | null }>('program.ptsOfFrame', { frame });
  expect(pts, `PTS of frame ${frame}`).not.toBeNull();
  return pts!;
}

/** Waits until the receiver has video `seconds` past `pts` (the receiver's state, not a clock). */
async function receiverPast(pts: number, seconds: number, what: string): Promise<void> {
  await pollUntil(
    async () => receiver.hasPast(pts, seconds),
    Boolean,
    60_000,
    `the receiver to get ${seconds} s past ${what} (PTS ${pts}); it has ${receiver.lastPts}`,
  );
}

async function status(): Promise<CueState> {
  return live.ok<CueState>('cues.status');
}

async function asRunRow(eventId: number): Promise<AsRunRow> {
  const rows = await live.ok<AsRunRow[]>('cues.asRun', { limit: 50 });
  const row = rows.find((candidate) => candidate.eventId === eventId);
  expect(row, `as-run row for event ${eventId}`).toBeDefined();
  return row!;
}

/** Until the deck is idle with this break as its last one; the outcome it ended with. */
async function breakEnded(eventId: number): Promise<CueState> {
  return pollUntil(status, (state) => state.phase === 'idle' && state.last?.eventId === eventId, 90_000, `break ${eventId} to end`);
}

function picture(pts: number): Uint8Array {
  return pictureAt(pictures(), pts);
}

let decoded: { size: number; pictures: Map<number, Uint8Array> } | undefined;
/** The capture's pictures, decoded again only when the capture grew. */
function pictures(): Map<number, Uint8Array> {
  receiver.poll();
  if (!decoded || decoded.size !== receiver.frames.length) decoded = { size: receiver.frames.length, pictures: decodeThumbnails(live.captureFile) };
  return decoded.pictures;
}

function expectPicture(pts: number, expected: string, what: string): void {
  // Without the slate's reference every picture would be "program": a check that could not fail.
  expect(Object.keys(references), 'reference pictures').toEqual(expect.arrayContaining(['program', 'slate']));
  const result = classify(picture(pts), references);
  expect({ what, pts, ...result }).toMatchObject({ nearest: expected });
}

/** The copies of a section arrive about each second on the video clock (none twice in one frame). */
function expectRepeatedEachSecond(copies: CapturedSection[]): void {
  for (let index = 1; index < copies.length; index++) {
    const step = ptsMinus(copies[index]!.clockPts, copies[index - 1]!.clockPts);
    expect(step, `copy ${index} after copy ${index - 1}`).toBeGreaterThan(0.5 * SECOND);
    expect(step, `copy ${index} after copy ${index - 1}`).toBeLessThan(1.5 * SECOND);
  }
}

function expectOnIdr(pts: number, what: string): void {
  const frame = receiver.frames.find((candidate) => candidate.pts === pts);
  expect(frame, `${what}: a frame at PTS ${pts}`).toBeDefined();
  expect(frame!.keyframe, `${what}: the frame at PTS ${pts} is an IDR`).toBe(true);
}

describe('the cue deck, end to end at the receiver', () => {
  beforeAll(async () => {
    live = await startCueStudio({ publishSeconds: 200 });
    receiver = new CaptureReader(live.captureFile);
    playlist = new PlaylistWatcher(`${live.studio.url}/preview/program/index.m3u8`, live.studio.authHeaders);
    playlist.start();
  }, 90_000);
  afterAll(async () => {
    playlist?.stop();
    await live?.stop();
  });

  it('airs a 30 s break: cue-out on an IDR from 4 s ahead, slate from the splice frame, program back at the return; HLS markers and as-run agree', async () => {
    const settings = await live.ok<CueSettings>('cues.getSettings');
    expect(settings).toMatchObject({ signalStyle: 'splice_insert', prerollSeconds: 4, heartbeatSeconds: null });

    const plan = await live.ok<BreakPlan>('cues.startBreak', { durationSeconds: 30 });
    // The GOP grid: splice and return on IDRs, the real duration between them.
    expect(plan.spliceFrame % GOP).toBe(0);
    expect(plan.returnFrame % GOP).toBe(0);
    expect(plan.returnFrame - plan.spliceFrame).toBe(30 * FPS);
    expect(plan.durationSeconds).toBe(30);
    expect(plan.splicePts).toBe(await ptsOf(plan.spliceFrame));
    expect(plan.returnPts).toBe(await ptsOf(plan.returnFrame));
    const splicePts = plan.splicePts!;
    const returnPts = plan.returnPts!;

    // A second break while this one is armed (or on air) is refused, naming the running event.
    const second = await live.call<{ error?: { message?: string } }>('cues.startBreak', { durationSeconds: 60 });
    expect(second.status).toBe(409);
    expect(second.body.error?.message).toContain(String(plan.eventId));
    expect(['armed', 'onBreak']).toContain((await status()).phase);

    // References for the pixels: the program before the splice, the slate well inside the break.
    await receiverPast(splicePts, -1, 'a second before the splice');
    await pollUntil(status, (state) => state.phase === 'onBreak' && state.current?.eventId === plan.eventId, 60_000, 'the break on air');
    await receiverPast(splicePts, 3, 'the splice');
    references.program = picture(ptsPlus(splicePts, -2 * SECOND));
    references.slate = picture(ptsPlus(splicePts, 2 * SECOND));
    expect(pictureDistance(references.program, references.slate), 'the slate looks unlike the test pattern').toBeGreaterThan(10);

    await breakEnded(plan.eventId);
    await receiverPast(returnPts, 1, 'the return');

    // The cue-out at the receiver: pts_time on the splice IDR, first copy ≥ 4 s before it on the video
    // clock (one frame of clock granularity: the clock is the last video PES seen), then each second.
    const copies = sectionsWhere(receiver, isCueOut(plan.eventId));
    expect(copies.length).toBeGreaterThanOrEqual(4);
    for (const copy of copies) {
      expect(signalledPts(copy.section)).toBe(splicePts);
      const insert = spliceInsertOf(copy.section)!;
      expect(insert.break_duration).toMatchObject({ auto_return: true, duration: (plan.returnFrame - plan.spliceFrame) * TICKS_PER_FRAME });
      expect(ptsMinus(splicePts, copy.clockPts), 'no cue-out copy after the splice').toBeGreaterThanOrEqual(0);
    }
    expect(ptsMinus(splicePts, copies[0]!.clockPts)).toBeGreaterThanOrEqual(4 * SECOND - TICKS_PER_FRAME);
    expectRepeatedEachSecond(copies);
    expectOnIdr(splicePts, 'splice');
    expectOnIdr(returnPts, 'return');
    // auto_return carries the return (decision 3): no second return signal to confuse a splicer.
    expect(sectionsWhere(receiver, isCueIn(plan.eventId))).toEqual([]);
    // The heartbeat is off by default.
    expect(sectionsWhere(receiver, isSpliceNull)).toEqual([]);

    // The pictures: slate from the splice frame, program on the frame before; program back on the return frame.
    expectPicture(splicePts, 'slate', 'splice frame');
    expectPicture(frameBefore(splicePts), 'program', 'frame before the splice');
    expectPicture(returnPts, 'program', 'return frame');
    expectPicture(frameBefore(returnPts), 'slate', 'frame before the return');

    // The preview HLS: CUE-OUT on the segment that starts at the splice, CUE-IN on the one at the return.
    const outSegment = await playlist.segmentStartingAt(splicePts, 15_000);
    const inSegment = await playlist.segmentStartingAt(returnPts, 15_000);
    expect(
      outSegment,
      `a preview segment starting at the splice; seen: ${JSON.stringify([...playlist.segments.values()].map((s) => s.startPts))}`,
    ).toBeDefined();
    expect(inSegment, 'a preview segment starting at the return').toBeDefined();
    expect(outSegment!.tags.some((tag) => tag.startsWith('#EXT-X-CUE-OUT:DURATION=30.000'))).toBe(true);
    expect(inSegment!.tags).toContain('#EXT-X-CUE-IN');

    // The as-run row matches what the receiver saw.
    expect(await asRunRow(plan.eventId)).toMatchObject({
      eventId: plan.eventId,
      signalStyle: 'splice_insert',
      outcome: 'aired',
      plannedSpliceFrame: plan.spliceFrame,
      actualSpliceFrame: plan.spliceFrame,
      actualSplicePts: splicePts,
      plannedReturnFrame: plan.returnFrame,
      actualReturnFrame: plan.returnFrame,
      actualReturnPts: returnPts,
      durationSecondsPlanned: 30,
      durationSecondsActual: 30,
    });
    expect((await asRunRow(plan.eventId)).scte35LogIds.length).toBeGreaterThanOrEqual(1);

    // The recording got the same cue.
    const recorded = readCapture(live.recordingFile()!);
    expect(recorded.sections.map((section) => section.hex)).toContain(copies[0]!.hex);
    expect(receiver.continuityErrors).toBe(0);
  }, 150_000);

  it('cancels an armed break: the cancel section until the would-be splice, no cue-out after it, no slate', async () => {
    const plan = await live.ok<BreakPlan>('cues.startBreak', { durationSeconds: 6, prerollSeconds: 8 });
    const splicePts = plan.splicePts!;
    // Cancel once the receiver has the first cue-out copy (so there is one to see stop).
    await pollUntil(
      async () => sectionsWhere(receiver.poll(), isCueOut(plan.eventId)).length,
      (count) => count >= 1,
      60_000,
      'the first cue-out copy',
    );
    expect(await live.ok('cues.cancel')).toEqual({ eventId: plan.eventId, cancelled: true });
    await receiverPast(splicePts, 2, 'the would-be splice');

    const cancels = sectionsWhere(receiver, isCancel(plan.eventId));
    expect(cancels.length).toBeGreaterThanOrEqual(1);
    for (const cancel of cancels) expect(ptsMinus(splicePts, cancel.clockPts), 'cancel copies stop at the would-be splice').toBeGreaterThanOrEqual(0);
    const cueOuts = sectionsWhere(receiver, isCueOut(plan.eventId));
    expect(cueOuts.length).toBeGreaterThanOrEqual(1);
    expect(
      cueOuts.every((copy) => copy.packetIndex < cancels[0]!.packetIndex),
      'no cue-out copy after the cancel',
    ).toBe(true);
    expectPicture(splicePts, 'program', 'would-be splice frame');
    expectPicture(ptsPlus(splicePts, SECOND), 'program', 'a second after the would-be splice');
    expect(await asRunRow(plan.eventId)).toMatchObject({ outcome: 'cancelled', actualSpliceFrame: null });
    expect((await status()).phase).toBe('idle');
  }, 120_000);

  it('returns now: an early cue-in on an IDR, and the program back on exactly that frame', async () => {
    const plan = await live.ok<BreakPlan>('cues.startBreak', { durationSeconds: 20, prerollSeconds: 1 });
    await pollUntil(status, (state) => state.phase === 'onBreak' && state.current?.eventId === plan.eventId, 60_000, 'the break on air');
    await receiverPast(plan.splicePts!, 1, 'the splice');
    const early = await live.ok<{ eventId: number; returnFrame: number; returnPts: number | null }>('cues.returnNow');
    expect(early.eventId).toBe(plan.eventId);
    expect(early.returnFrame % GOP).toBe(0);
    expect(early.returnFrame).toBeLessThan(plan.returnFrame);
    expect(early.returnPts).toBe(await ptsOf(early.returnFrame));
    const returnPts = early.returnPts!;
    await breakEnded(plan.eventId);
    await receiverPast(returnPts, 1, 'the early return');

    const cueIns = sectionsWhere(receiver, isCueIn(plan.eventId));
    expect(cueIns.length).toBeGreaterThanOrEqual(1);
    for (const cueIn of cueIns) expect(signalledPts(cueIn.section)).toBe(returnPts);
    expectOnIdr(returnPts, 'early return');
    expectPicture(returnPts, 'program', 'early return frame');
    expectPicture(frameBefore(returnPts), 'slate', 'frame before the early return');
    expect(await asRunRow(plan.eventId)).toMatchObject({
      outcome: 'returned_early',
      actualSpliceFrame: plan.spliceFrame,
      actualReturnFrame: early.returnFrame,
      actualReturnPts: returnPts,
    });
  }, 120_000);

  it('signals in the time_signal styles with their segmentation types and durations, and a splice_null heartbeat when enabled', async () => {
    const styles = [
      { signalStyle: 'time_signal_placement_opportunity', start: 0x34, end: 0x35, upid: { type: 'none' } },
      { signalStyle: 'time_signal_advertisement', start: 0x30, end: 0x31, upid: { type: 'adi', value: 'SIGNAL:e2e-break' } },
    ] as const;
    try {
      for (const style of styles) {
        const saved = await live.ok<CueSettings>('cues.setSettings', { signalStyle: style.signalStyle, heartbeatSeconds: 1, upid: style.upid });
        expect(saved).toMatchObject({ signalStyle: style.signalStyle, heartbeatSeconds: 1 });
        const plan = await live.ok<BreakPlan>('cues.startBreak', { durationSeconds: 2, prerollSeconds: 2 });
        expect(plan.signalStyle).toBe(style.signalStyle);
        await breakEnded(plan.eventId);
        await receiverPast(plan.returnPts!, 1, 'the return');
        const duration = (plan.returnFrame - plan.spliceFrame) * TICKS_PER_FRAME;

        const starts = sectionsWhere(receiver, isSegmentation(plan.eventId, style.start));
        expect(starts.length, `${style.signalStyle} start sections`).toBeGreaterThanOrEqual(1);
        for (const start of starts) {
          expect(signalledPts(start.section)).toBe(plan.splicePts);
          const descriptor = segmentationOf(start.section).find((d) => d.segmentation_type_id === style.start)!;
          expect(descriptor.segmentation_duration).toBe(duration);
          if (style.upid.type === 'adi') {
            expect(descriptor.segmentation_upid_type).toBe(0x09);
            expect(descriptor.segmentation_upid?.text).toBe(style.upid.value);
          } else {
            expect(descriptor.segmentation_upid_type).toBe(0x00);
          }
        }
        const ends = sectionsWhere(receiver, isSegmentation(plan.eventId, style.end));
        expect(ends.length, `${style.signalStyle} end sections`).toBeGreaterThanOrEqual(1);
        for (const end of ends) expect(signalledPts(end.section)).toBe(plan.returnPts);
        expectOnIdr(plan.splicePts!, 'time_signal start');
        expectOnIdr(plan.returnPts!, 'time_signal end');
        expect(await asRunRow(plan.eventId)).toMatchObject({ outcome: 'aired', signalStyle: style.signalStyle });
      }
      expect(sectionsWhere(receiver, isSpliceNull).length, 'splice_null heartbeats').toBeGreaterThanOrEqual(1);
    } finally {
      await live.ok('cues.setSettings', { signalStyle: 'splice_insert', heartbeatSeconds: null, upid: { type: 'none' } });
    }
  }, 120_000);

  it('airs an emergency alert over a break: the break returns on the next IDR, the card airs, then the program is back', async () => {
    const plan = await live.ok<BreakPlan>('cues.startBreak', { durationSeconds: 30, prerollSeconds: 1 });
    await pollUntil(status, (state) => state.phase === 'onBreak' && state.current?.eventId === plan.eventId, 60_000, 'the break on air');
    await receiverPast(plan.splicePts!, 1, 'the splice');

    const alert = await live.ok<AlertState>('alerts.start', { text: 'Severe weather warning: stay indoors', style: 'fullscreen' });
    expect(alert.active).toBe(true);
    expect(alert.startFrame).not.toBeNull();
    expect(alert.startFrame! % GOP, 'the break returns (and the alert starts) on an IDR').toBe(0);
    const alertPts = await ptsOf(alert.startFrame!);
    // Breaks are refused while the alert holds the program.
    expect((await live.call('cues.startBreak', { durationSeconds: 30 })).status).toBe(409);
    await receiverPast(alertPts, 3, 'the alert start');
    references.alert = picture(ptsPlus(alertPts, 2 * SECOND));
    expect(pictureDistance(references.alert, references.program!)).toBeGreaterThan(10);
    expect(pictureDistance(references.alert, references.slate!)).toBeGreaterThan(10);

    await live.ok<AlertState>('alerts.stop');
    const [logged] = await live.ok<AlertLogRow[]>('alerts.log', { limit: 1 });
    expect(logged).toMatchObject({ style: 'fullscreen', endedBy: 'operator', interruptedEventId: plan.eventId, startFrame: alert.startFrame });
    expect(logged!.endFrame).not.toBeNull();
    const endPts = await ptsOf(logged!.endFrame!);
    await receiverPast(endPts, 2, 'the alert end');

    // The return went out first, at the alert's first frame, so the distributor does not cover the alert with ads.
    const cueIns = sectionsWhere(receiver, isCueIn(plan.eventId));
    expect(cueIns.length).toBeGreaterThanOrEqual(1);
    for (const cueIn of cueIns) expect(signalledPts(cueIn.section)).toBe(alertPts);
    expectOnIdr(alertPts, 'alert start');
    expectPicture(frameBefore(alertPts), 'slate', 'frame before the alert');
    expectPicture(alertPts, 'alert', 'alert start frame');
    expectPicture(frameBefore(endPts), 'alert', 'last alert frame');
    // Back to the layer below now: the break ended, so the operator's scene (the camera).
    expectPicture(endPts, 'program', 'frame after the alert');
    expectPicture(ptsPlus(endPts, SECOND), 'program', 'a second after the alert');
    expect(await asRunRow(plan.eventId)).toMatchObject({ outcome: 'interrupted_by_alert', actualReturnFrame: alert.startFrame });
    expect((await status()).alertActive).toBe(false);
  }, 150_000);
});
