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
import { NO_SCHEDULE_MESSAGE, PLAYOUT_SLATE_SCENE_ID, Playout } from './playout.ts';

const FPS = 30;
let control: FakeOnAirControl;
let lifecycle: FakeLifecycle;
let plan: MemoryPlan;
let asked: BreakAtFrame[];
let refuseBreaks: boolean;
let playout: Playout;

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
    fileExists: (file) => file !== '/media/gone.mp4',
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

  it('a decoder that dies on air (and would start again from its first frame) gives way to the slate, with why', async () => {
    plan.set([media(100, 400)]);
    control.timeline.advanceTo(150);
    await flush();
    const status = control.media.get('playout:media:1')!.status;
    status.state = 'backoff';
    status.restarts = 1;
    status.reason = 'exit code 1';
    playout.refresh();
    control.timeline.advance();
    expect(control.onAirScene()).toBe(PLAYOUT_SLATE_SCENE_ID);
    expect(playout.status()).toMatchObject({
      now: { itemId: 7, kind: 'slate' },
      message: expect.stringMatching(/^Show: its decoder stopped on air \(exit code 1\)/),
    });
    await flush();
    expect(control.media.size).toBe(0);
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
