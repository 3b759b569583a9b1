// The playout's actions at frames over an in-memory on-air control (frames advanced by hand): when a
// decoder is started and where it seeks, its gain, the holds and resumes on the start frame, a
// break handed to the deck ahead of its splice, the show paused under the slate when the deck
// refuses, a live block, and the layer letting go after the last piece.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeLifecycle, FakeOnAirControl } from '../../../../tests/support/on-air.ts';
import { MemoryPlan } from '../../../../tests/support/memory-plan.ts';
import type { BreakAtFrame } from '../cues/deck.ts';
import type { FrameAction } from '../program/on-air-control.ts';
import type { PlanPiece } from './plan.ts';
import { MAX_REJOINS_PER_PIECE, NO_SCHEDULE_MESSAGE, PLAYOUT_SLATE_SCENE_ID, Playout } from './playout.ts';

const FPS = 30;
let control: FakeOnAirControl;
let lifecycle: FakeLifecycle;
let plan: MemoryPlan;
let asked: BreakAtFrame[];
let refuseBreaks: boolean;
let playout: Playout;
/** Files deleted while the run goes on. */
const gone = new Set<string>();

const flush = () => new Promise((resolve) => setImmediate(resolve));
const wall = (frame: number) => control.timeline.wallTimeOf(frame);
const ranAt = (frame: number): FrameAction[] => control.timeline.ran.filter((r) => r.frame === frame).map((r) => r.action);

function media(from: number, to: number, options: Partial<Extract<PlanPiece, { kind: 'media' }>> = {}): PlanPiece {
  return {
    kind: 'media',
    itemId: 7,
    mediaId: 3,
    title: 'Show',
    path: '/media/show.mp4',
    startMs: wall(from),
    endMs: wall(to),
    inSeconds: 2,
    loudnessLufs: -17,
    breaks: [],
    ...options,
  };
}

beforeEach(() => {
  gone.clear();
  control = new FakeOnAirControl({ fps: FPS, gopFrames: 30, firstPts: 126_000, startMs: Date.now() }, 'op');
  lifecycle = new FakeLifecycle();
  plan = new MemoryPlan();
  asked = [];
  refuseBreaks = false;
  playout = new Playout({
    lifecycle,
    plan,
    breaks: {
      startBreakAt: (args) => {
        if (refuseBreaks) throw new Error('Break 3 is on air until frame 900');
        asked.push(args);
        const splice = Math.ceil(args.atFrame / 30) * 30;
        return { spliceFrame: splice, returnFrame: splice + 60 };
      },
    },
    enabledFlag: { get: () => true, set: () => {} },
    settings: () => ({ loudnessTargetLufs: -23, channelName: 'Chan' }),
    frameSize: () => ({ width: 640, height: 360 }),
    onStatus: () => {},
    prerollSeconds: 1,
    refreshEveryMs: 3_600_000,
    fileExists: (file) => file !== '/media/gone.mp4' && !gone.has(file),
  });
  lifecycle.start(control);
  control.timeline.advanceTo(10);
});
afterEach(() => playout.dispose());

describe('playout actions', () => {
  it('starts the decoder a preroll ahead, seeked to the in point and gained to the target; holds and resumes it on the start frame', async () => {
    plan.set([media(100, 400)]);
    expect(control.media.size).toBe(0);
    control.timeline.advanceTo(69);
    expect(control.media.size).toBe(0);
    control.timeline.advance(); // 70 = 100 − 30 frames of preroll
    await flush();
    expect([...control.media]).toEqual([['playout:media:1', { path: '/media/show.mp4', startSeconds: 1.999, gainDb: -6, status: expect.anything() }]]);
    expect(control.generatedScenes.get('playout:show:1')?.layers).toEqual([{ sourceId: 'playout:media:1', x: 0, y: 0 }]);
    control.timeline.advanceTo(99);
    expect(control.onAirScene()).toBe('op');
    control.timeline.advance();
    expect(ranAt(100)).toEqual(
      expect.arrayContaining([
        { kind: 'hold', layer: 'playout', sceneId: 'playout:show:1' },
        { kind: 'resume', sourceId: 'playout:media:1' },
      ]),
    );
    expect(control.onAirScene()).toBe('playout:show:1');
    expect(playout.framesOf(7)).toEqual({ startFrame: 100, startPts: 126_000 + 100 * 3000 });
    expect(playout.status()).toMatchObject({ state: 'playing', now: { itemId: 7, kind: 'media', offsetSeconds: 2 } });
    // After its last frame: nothing follows, so the layer lets go and the decoder goes.
    control.timeline.advanceTo(400);
    expect(control.onAirScene()).toBe('op');
    await flush();
    expect(control.media.size).toBe(0);
  });

  it('a decoder that dies on air is replaced: the slate covers the gap, and the show rejoins on the frame of its file the schedule gives', async () => {
    plan.set([media(100, 400)]);
    control.timeline.advanceTo(150);
    await flush();
    // Its supervisor starts it again, from the frame it first sought to: that would replay the show.
    const status = control.media.get('playout:media:1')!.status;
    status.state = 'backoff';
    status.restarts = 1;
    status.reason = 'exit code 1';
    playout.refresh();
    control.timeline.advance();
    // Joined a preroll (30 frames) after the next frame: 181, show frame 81, 2 s + 81/30 s into the file.
    expect(control.onAirScene()).toBe(PLAYOUT_SLATE_SCENE_ID);
    expect(playout.status()).toMatchObject({
      now: { itemId: 7, kind: 'slate' },
      message: expect.stringMatching(
        /^Show: its decoder stopped on air \(exit code 1\); the slate is on air until it rejoins at 4\.7 s of the file \(frame 181\)/,
      ),
    });
    await flush();
    expect([...control.media.keys()]).toEqual(['playout:media:2']);
    expect(control.media.get('playout:media:2')!.startSeconds).toBeCloseTo(4.699, 9);
    control.timeline.advanceTo(180);
    expect(control.onAirScene()).toBe(PLAYOUT_SLATE_SCENE_ID);
    control.timeline.advance();
    expect(ranAt(181)).toEqual(
      expect.arrayContaining([
        { kind: 'hold', layer: 'playout', sceneId: 'playout:show:2' },
        { kind: 'resume', sourceId: 'playout:media:2' },
      ]),
    );
    expect(control.onAirScene()).toBe('playout:show:2');
    expect(playout.status()).toMatchObject({
      now: { itemId: 7, kind: 'media', offsetSeconds: 4.7 },
      message: expect.stringMatching(/; the show rejoined at 4\.7 s of the file \(frame 181\)\.$/),
    });
    // The item keeps its first frame, and ends where the schedule says.
    expect(playout.framesOf(7)).toMatchObject({ startFrame: 100 });
    control.timeline.advanceTo(400);
    expect(control.onAirScene()).toBe('op');
    await flush();
    expect(control.media.size).toBe(0);
  });

  it(`rejoins a piece ${MAX_REJOINS_PER_PIECE} times at most (a decoder that failed counts too), then the slate takes its rest`, async () => {
    plan.set([media(100, 2000)]);
    control.timeline.advanceTo(150);
    await flush();
    for (let n = 1; n <= MAX_REJOINS_PER_PIECE + 1; n++) {
      const status = control.media.get(`playout:media:${n}`)!.status;
      if (n === 2) {
        status.state = 'failed';
        status.reason = 'it failed 5 times in a row';
      } else {
        status.restarts = 1;
        status.reason = 'exit code 1';
      }
      playout.refresh();
      control.timeline.advanceTo(control.timeline.frame + 40);
      await flush();
      if (n <= MAX_REJOINS_PER_PIECE) expect(control.onAirScene()).toBe(`playout:show:${n + 1}`);
    }
    expect(control.onAirScene()).toBe(PLAYOUT_SLATE_SCENE_ID);
    expect(control.media.size).toBe(0);
    expect(playout.status()).toMatchObject({
      now: { itemId: 7, kind: 'slate' },
      message: expect.stringMatching(/^Show: its decoder stopped on air \(exit code 1\); the slate is on air in its place\.$/),
    });
  });

  it('a decoder that dies because its file is gone gives way to the slate for the rest, and says so', async () => {
    plan.set([media(100, 400, { path: '/media/gone-later.mp4' })]);
    control.timeline.advanceTo(150);
    await flush();
    gone.add('/media/gone-later.mp4');
    const status = control.media.get('playout:media:1')!.status;
    status.restarts = 1;
    status.reason = 'exit code 1';
    playout.refresh();
    control.timeline.advance();
    await flush();
    expect(control.onAirScene()).toBe(PLAYOUT_SLATE_SCENE_ID);
    expect(control.media.size).toBe(0);
    expect(playout.status().message).toBe(
      'Show: its decoder stopped on air (exit code 1), and its file is gone (/media/gone-later.mp4); the slate is on air in its place.',
    );
  });

  it('with less than a preroll of the piece left, a decoder that dies gives way to the slate for the rest', async () => {
    plan.set([media(100, 170)]);
    control.timeline.advanceTo(150);
    await flush();
    control.media.get('playout:media:1')!.status.restarts = 1;
    playout.refresh();
    control.timeline.advance();
    expect(control.onAirScene()).toBe(PLAYOUT_SLATE_SCENE_ID);
    await flush();
    expect(control.media.size).toBe(0);
    expect(playout.status().message).toMatch(/the slate is on air in its place\.$/);
  });

  it("a decoder that dies under the deck's break: the new one waits paused at the splice's show frame, and the break's end brings the show back", async () => {
    plan.set([media(100, 2000, { breaks: [{ atSeconds: 12, durationSeconds: 2 }] })]);
    // Splice at 420 (the mark at 400, on the GOP), return at 480.
    control.timeline.advanceTo(419);
    const brk = asked[0]!;
    brk.onSpliced?.(420);
    control.timeline.advanceTo(430);
    expect(ranAt(420)).toEqual(expect.arrayContaining([{ kind: 'pause', sourceId: 'playout:media:1' }]));
    control.media.get('playout:media:1')!.status.restarts = 1;
    playout.refresh();
    await flush();
    // The join (461) falls in the break: the show frame is the splice's, 320 → 2 s + 320/30 s.
    expect(control.media.get('playout:media:2')!.startSeconds).toBeCloseTo(2 + 320 / 30 - 0.001, 9);
    control.timeline.advanceTo(461);
    expect(ranAt(431)).toEqual(expect.arrayContaining([{ kind: 'hold', layer: 'playout', sceneId: PLAYOUT_SLATE_SCENE_ID }]));
    expect(ranAt(461)).toEqual([{ kind: 'hold', layer: 'playout', sceneId: 'playout:show:2' }]);
    control.timeline.advanceTo(479);
    brk.onEnded?.('aired', 480);
    control.timeline.advance();
    expect(ranAt(480)).toEqual(
      expect.arrayContaining([
        { kind: 'hold', layer: 'playout', sceneId: 'playout:show:2' },
        { kind: 'resume', sourceId: 'playout:media:2' },
      ]),
    );
    expect(playout.status()).toMatchObject({
      now: { kind: 'media', offsetSeconds: 12.667 },
      message: expect.stringMatching(/the show rejoined at 12\.7 s of the file \(frame 480\)\.$/),
    });
    // No second break for the same mark.
    expect(asked).toHaveLength(1);
  });

  it("a decoder that dies while the deck's break runs past its planned return: the new one resumes only when the deck ends it", async () => {
    plan.set([media(100, 2000, { breaks: [{ atSeconds: 12, durationSeconds: 2 }] })]);
    control.timeline.advanceTo(419);
    const brk = asked[0]!;
    brk.onSpliced?.(420);
    control.timeline.advanceTo(470);
    control.media.get('playout:media:1')!.status.restarts = 1;
    playout.refresh();
    await flush();
    control.timeline.advanceTo(509);
    // Joined at 501, after the planned return (480), while the deck's break is still on air.
    expect(ranAt(501)).toEqual([{ kind: 'hold', layer: 'playout', sceneId: 'playout:show:2' }]);
    brk.onEnded?.('aired', 510);
    control.timeline.advance();
    expect(ranAt(510)).toEqual(expect.arrayContaining([{ kind: 'resume', sourceId: 'playout:media:2' }]));
  });

  it('a decoder that dies around a break the deck refused: the new one is paused for it under the slate all the same', async () => {
    refuseBreaks = true;
    plan.set([media(100, 2000, { breaks: [{ atSeconds: 12, durationSeconds: 2 }] })]);
    // Refused when armed (frame 240): the playout's own pause at 420 and return at 480.
    control.timeline.advanceTo(300);
    await flush();
    control.media.get('playout:media:1')!.status.restarts = 1;
    playout.refresh();
    control.timeline.advanceTo(440);
    await flush();
    // Rejoined at 331, before the break: the new decoder is paused at 420 as the old one would have been.
    expect(ranAt(331)).toEqual(expect.arrayContaining([{ kind: 'resume', sourceId: 'playout:media:2' }]));
    expect(ranAt(420)).toEqual(
      expect.arrayContaining([
        { kind: 'pause', sourceId: 'playout:media:2' },
        { kind: 'hold', layer: 'playout', sceneId: PLAYOUT_SLATE_SCENE_ID },
      ]),
    );
    expect(ranAt(420)).not.toEqual(expect.arrayContaining([{ kind: 'pause', sourceId: 'playout:media:1' }]));
    // Dies again inside the break (440): the next one waits paused, sought to the splice's show frame, until the return.
    control.media.get('playout:media:2')!.status.restarts = 1;
    playout.refresh();
    await flush();
    expect(control.media.get('playout:media:3')!.startSeconds).toBeCloseTo(2 + 320 / 30 - 0.001, 9);
    // And once more, still inside it (445): the join (476) comes before the return, the show still only at 480.
    control.timeline.advanceTo(445);
    control.media.get('playout:media:3')!.status.restarts = 1;
    playout.refresh();
    await flush();
    control.timeline.advanceTo(481);
    for (const frame of [471, 476]) {
      expect(ranAt(frame)).not.toEqual(expect.arrayContaining([{ kind: 'resume', sourceId: 'playout:media:3' }]));
      expect(ranAt(frame)).not.toEqual(expect.arrayContaining([{ kind: 'resume', sourceId: 'playout:media:4' }]));
    }
    expect(ranAt(480)).toEqual(
      expect.arrayContaining([
        { kind: 'hold', layer: 'playout', sceneId: 'playout:show:4' },
        { kind: 'resume', sourceId: 'playout:media:4' },
      ]),
    );
    expect(control.onAirScene()).toBe('playout:show:4');
    expect(playout.status().message).toMatch(/the show rejoined at 12\.7 s of the file \(frame 480\)\.$/);
  });

  it('tells its listeners when it plans pieces anew (new ones in the lookahead, ones an edit took back), not on a read that changes nothing', () => {
    let calls = 0;
    const unsubscribe = playout.onPlanned(() => calls++);
    plan.set([media(100, 400)]);
    playout.refresh();
    expect(calls).toBe(1);
    expect(playout.framesOf(7)).toMatchObject({ startFrame: 100 });
    playout.refresh();
    expect(calls).toBe(1);
    plan.set([]);
    playout.refresh();
    expect(calls).toBe(2);
    expect(playout.framesOf(7)).toBeNull();
    unsubscribe();
    plan.set([media(100, 400)]);
    playout.refresh();
    expect(calls).toBe(2);
  });

  it("keeps a missing item's first frame while its stand-in runs on, piece after piece", async () => {
    // Item 7's file is gone: the schedule fills its slot with the filler clip, played twice.
    const standIn = (from: number, to: number): PlanPiece => ({
      kind: 'filler',
      mediaId: 9,
      title: 'Filler',
      path: '/media/filler.mp4',
      startMs: wall(from),
      endMs: wall(to),
      inSeconds: 0,
      loudnessLufs: null,
      standsInFor: { itemId: 7, reason: 'the file is missing' },
    });
    plan.set([standIn(100, 200), standIn(200, 300)]);
    playout.refresh();
    expect(playout.framesOf(7)).toMatchObject({ startFrame: 100 });
    control.timeline.advanceTo(250);
    await flush();
    playout.refresh(); // the first piece has ended and is gone from what playout holds
    expect(playout.framesOf(7)).toEqual({ startFrame: 100, startPts: 126_000 + 100 * 3000 });
    control.timeline.advanceTo(300);
    playout.refresh();
    expect(playout.framesOf(7)).toBeNull();
  });

  it('hands a break to the deck 6 s before its splice, at its chapter mark', () => {
    plan.set([media(100, 2000, { breaks: [{ atSeconds: 12, durationSeconds: 2 }] })]);
    // Mark: 10 s of show after the in point → frame 400; splice at the IDR 420 (GOP 30); armed at 420 − 180.
    control.timeline.advanceTo(239);
    expect(asked).toEqual([]);
    control.timeline.advance();
    expect(asked).toMatchObject([{ atFrame: 400, durationSeconds: 2 }]);
  });

  it('a deck that refuses: the show still pauses for the break under the playout slate, and the status says why', () => {
    refuseBreaks = true;
    plan.set([media(100, 2000, { breaks: [{ atSeconds: 12, durationSeconds: 2 }] })]);
    control.timeline.advanceTo(481);
    expect(ranAt(420)).toEqual(
      expect.arrayContaining([
        { kind: 'pause', sourceId: 'playout:media:1' },
        { kind: 'hold', layer: 'playout', sceneId: PLAYOUT_SLATE_SCENE_ID },
      ]),
    );
    expect(ranAt(480)).toEqual(
      expect.arrayContaining([
        { kind: 'hold', layer: 'playout', sceneId: 'playout:show:1' },
        { kind: 'resume', sourceId: 'playout:media:1' },
      ]),
    );
    expect(playout.status().message).toMatch(/^Show: the break at 12 s went out without a cue \(Break 3 is on air until frame 900\)/);
  });

  it('joined during a break (a restart mid-break): the slate until its return, then the show from where it paused; no second break', async () => {
    // From frame 0, in point 2 s, a mark at 2.5 s: splice at IDR 30, return at 90. Joined at 11 + 30 frames of preroll = 41.
    plan.set([media(0, 600, { breaks: [{ atSeconds: 2.5, durationSeconds: 2 }] })]);
    await flush();
    expect(control.media.get('playout:media:1')?.startSeconds).toBeCloseTo(2.999, 9);
    control.timeline.advanceTo(90);
    expect(ranAt(41)).toEqual(expect.arrayContaining([{ kind: 'hold', layer: 'playout', sceneId: PLAYOUT_SLATE_SCENE_ID }]));
    expect(ranAt(41)).not.toEqual(expect.arrayContaining([{ kind: 'resume', sourceId: 'playout:media:1' }]));
    expect(ranAt(90)).toEqual(
      expect.arrayContaining([
        { kind: 'hold', layer: 'playout', sceneId: 'playout:show:1' },
        { kind: 'resume', sourceId: 'playout:media:1' },
      ]),
    );
    expect(asked).toEqual([]);
  });

  it('a live block holds its scene; a missing file holds the slate and says so', () => {
    plan.set([
      { kind: 'live', itemId: 8, sceneId: 4, title: 'Live', startMs: wall(50), endMs: wall(80) },
      media(80, 120, { itemId: 9, title: 'Gone', path: '/media/gone.mp4' }),
    ]);
    control.timeline.advanceTo(50);
    expect(control.onAirScene()).toBe('4');
    control.timeline.advanceTo(80);
    expect(control.onAirScene()).toBe(PLAYOUT_SLATE_SCENE_ID);
    expect(playout.status()).toMatchObject({ now: { itemId: 9, kind: 'slate' }, message: expect.stringMatching(/^Gone: the file is missing/) });
    expect(control.media.size).toBe(0);
  });

  it('an edit that removes a piece not yet on air takes its actions back; without a schedule the layer holds nothing', () => {
    plan.set([media(100, 400)]);
    plan.set([]);
    control.timeline.advanceTo(120);
    expect(control.onAirScene()).toBe('op');
    const bare = new Playout({
      lifecycle,
      plan: null,
      breaks: { startBreakAt: () => ({ spliceFrame: 0, returnFrame: 0 }) },
      enabledFlag: { get: () => true, set: () => {} },
      frameSize: () => ({ width: 640, height: 360 }),
      onStatus: () => {},
    });
    expect(bare.status()).toMatchObject({ state: 'playing', now: null, message: NO_SCHEDULE_MESSAGE });
    bare.dispose();
  });
});
