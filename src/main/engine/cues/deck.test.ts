// The deck's state machine over an in-memory on-air control (frames advanced by hand) and the
// real cues repository on a real SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CueState } from '../../../shared/cues.ts';
import { FakeLifecycle, FakeOnAirControl } from '../../../../tests/support/on-air.ts';
import { decodeSection, type SegmentationDescriptor, type SpliceInsertCommand, type TimeSignalCommand } from '../scte35/index.ts';
import { openStore, type Store } from '../store/database.ts';
import { CuesRepository } from '../store/cues-repository.ts';
import { CueDeck, SLATE_SCENE_ID } from './deck.ts';
import { CueError } from './errors.ts';

let dir: string;
let store: Store;
let repo: CuesRepository;
let lifecycle: FakeLifecycle;
let control: FakeOnAirControl;
let states: CueState[];
let deck: CueDeck;
/** The creator's scenes, as the host's sceneExists sees them. */
let scenes: Set<number>;

function makeDeck(): CueDeck {
  return new CueDeck({
    lifecycle,
    store: repo,
    onState: (s) => states.push(s),
    frameSize: () => ({ width: 640, height: 360 }),
    sceneExists: (id) => scenes.has(id),
    stopWaitMs: 2_000,
  });
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'studio-cues-'));
  store = openStore(dir);
  repo = new CuesRepository(store.db);
  lifecycle = new FakeLifecycle();
  control = new FakeOnAirControl({ fps: 30, gopFrames: 60, firstPts: 126_000, startMs: Date.now() });
  states = [];
  scenes = new Set([1, 7]);
  deck = makeDeck();
  lifecycle.start(control);
  control.timeline.advanceTo(100);
});
afterEach(() => {
  deck.dispose();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function refusal(run: () => unknown): CueError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CueError);
    return error as CueError;
  }
  throw new Error('expected a refusal');
}

const decoded = (bytes: Uint8Array) => decodeSection(bytes);

describe('cue deck: a break airs', () => {
  it('arms, splices at the planned IDR with the slate, returns to the operator’s scene, and logs the row', () => {
    const plan = deck.startBreak({ durationSeconds: 30 });
    expect(plan).toMatchObject({ eventId: 1, spliceFrame: 240, returnFrame: 1140, durationSeconds: 30, signalStyle: 'splice_insert' });
    expect(plan.splicePts).toBe(126_000 + 240 * 3000);
    // Written before the answer: the row is there, pending, with the plan.
    expect(repo.asRun(10)).toMatchObject([{ eventId: 1, outcome: 'pending', plannedSpliceFrame: 240, plannedReturnFrame: 1140, actualSpliceFrame: null }]);
    // The cue-out is queued at once, with the break's preroll; its pts_time is the splice's.
    const [cueOut] = control.cues.queued;
    expect(cueOut!.options).toEqual({ prerollSeconds: 4 });
    const command = decoded(cueOut!.section).splice_command as SpliceInsertCommand;
    expect(command).toMatchObject({ splice_event_id: 1, out_of_network_indicator: true, break_duration: { auto_return: true, duration: 2_700_000 } });
    expect(command.splice_time?.pts_time).toBe(plan.splicePts);
    expect(deck.status()).toMatchObject({ phase: 'armed', current: { eventId: 1, secondsToSplice: 140 / 30 } });

    control.timeline.advanceTo(239);
    expect(control.onAirScene()).toBe('1');
    control.timeline.advance(); // frame 240
    expect(control.onAirScene()).toBe(SLATE_SCENE_ID);
    expect(control.generatedScenes.get(SLATE_SCENE_ID)?.layers).toEqual([{ sourceId: 'cue:slate', x: 0, y: 0 }]);
    expect(control.texts.get('cue:slate')?.text).toBe("We'll be right back\nBack in 0:30");
    expect(deck.status()).toMatchObject({ phase: 'onBreak', current: { secondsLeft: 30, progress: 0 } });
    expect(repo.asRun(1)[0]).toMatchObject({ outcome: 'pending', actualSpliceFrame: 240, actualSplicePts: plan.splicePts });

    control.timeline.advanceTo(690);
    expect(deck.status().current).toMatchObject({ secondsLeft: 15, progress: 0.5 });
    expect(control.texts.get('cue:slate')?.text).toBe("We'll be right back\nBack in 0:15");

    control.timeline.advanceTo(1139);
    expect(control.onAirScene()).toBe(SLATE_SCENE_ID);
    control.timeline.advance(); // 1140
    expect(control.onAirScene()).toBe('1');
    expect(control.airLog).toEqual([
      [240, SLATE_SCENE_ID],
      [1140, '1'],
    ]);
    expect(deck.status()).toMatchObject({ phase: 'idle', current: null, last: { eventId: 1, outcome: 'aired' } });
    expect(repo.asRun(1)[0]).toMatchObject({ outcome: 'aired', actualReturnFrame: 1140, durationSecondsActual: 30 });
    // splice_insert with auto_return: no cue-in at the planned return.
    expect(control.cues.queued).toHaveLength(1);
  });

  it('a break at a frame (the playout’s chapter mark) splices at the IDR at or after it, tells its splice and end, and logs its row', () => {
    const told: Array<[string, number | null]> = [];
    const plan = deck.startBreakAt({
      atFrame: 250,
      durationSeconds: 2,
      onSpliced: (frame) => told.push(['spliced', frame]),
      onEnded: (outcome, frame) => told.push([outcome, frame]),
    });
    expect(plan).toMatchObject({ spliceFrame: 300, returnFrame: 360, durationSeconds: 2 });
    // The splice is more than the preroll away: the cue-out goes out from splice − 4 s.
    expect(control.cues.queued[0]!.options).toEqual({ prerollSeconds: 4 });
    expect(repo.asRun(1)[0]).toMatchObject({ outcome: 'pending', plannedSpliceFrame: 300, plannedReturnFrame: 360 });
    expect(refusal(() => deck.startBreakAt({ atFrame: 400, durationSeconds: 2 })).code).toBe('BUSY');
    control.timeline.advanceTo(299);
    expect(told).toEqual([]);
    control.timeline.advance();
    expect(told).toEqual([['spliced', 300]]);
    expect(control.onAirScene()).toBe(SLATE_SCENE_ID);
    control.timeline.advanceTo(360);
    expect(told).toEqual([
      ['spliced', 300],
      ['aired', 360],
    ]);
    expect(control.onAirScene()).toBe('1');
    expect(repo.asRun(1)[0]).toMatchObject({ outcome: 'aired', actualSpliceFrame: 300, actualReturnFrame: 360 });
    // A mark closer than the preroll: the cue-out goes out at once (preroll = the time left).
    deck.startBreakAt({ atFrame: 365, durationSeconds: 2, onEnded: (outcome, frame) => told.push([outcome, frame]) });
    expect(control.cues.queued.at(-1)!.options).toEqual({ prerollSeconds: 2 });
    deck.cancel();
    expect(told.at(-1)).toEqual(['cancelled', null]);
  });

  it('a configured break scene airs instead of the slate', () => {
    deck.setSettings({ breakSceneId: 7 });
    const plan = deck.startBreak({ durationSeconds: 2, prerollSeconds: 0 });
    control.timeline.advanceTo(plan.spliceFrame);
    expect(control.onAirScene()).toBe('7');
    expect(control.generatedScenes.has(SLATE_SCENE_ID)).toBe(false);
  });

  it('a break scene that is gone: refused as a setting (400 naming it); removed later, the slate airs', () => {
    const error = refusal(() => deck.setSettings({ breakSceneId: 99 }));
    expect(error).toMatchObject({ apiCode: 'BAD_ARGUMENT', field: 'breakSceneId' });
    deck.setSettings({ breakSceneId: 7 });
    scenes.delete(7);
    const plan = deck.startBreak({ durationSeconds: 2, prerollSeconds: 0 });
    control.timeline.advanceTo(plan.spliceFrame);
    expect(control.onAirScene()).toBe(SLATE_SCENE_ID);
  });

  it('pushes cues.state every 6 frames while armed, from the frame clock', () => {
    deck.startBreak({ durationSeconds: 30 });
    states.length = 0;
    control.timeline.advance(60);
    expect(states).toHaveLength(10);
    expect(states.map((s) => s.frame)).toEqual([106, 112, 118, 124, 130, 136, 142, 148, 154, 160]);
    expect(states[0]!.current!.secondsToSplice).toBeCloseTo((240 - 106) / 30, 9);
    // Idle: nothing per frame.
    deck.cancel();
    states.length = 0;
    control.timeline.advance(60);
    expect(states).toHaveLength(0);
  });
});

describe('cue deck: refusals (decision 10)', () => {
  it('a break while the program is stopped', async () => {
    await lifecycle.stop();
    const error = refusal(() => deck.startBreak({ durationSeconds: 30 }));
    expect(error.apiCode).toBe('CONFLICT');
    expect(error.message).toBe('The program is not running: start it before cueing a break.');
  });

  it('a second break while one is armed or on air names the event', () => {
    const plan = deck.startBreak({ durationSeconds: 30 });
    const armed = refusal(() => deck.startBreak({ durationSeconds: 60 }));
    expect(armed.apiCode).toBe('CONFLICT');
    expect(armed.message).toContain(`Break ${plan.eventId} is armed`);
    control.timeline.advanceTo(plan.spliceFrame);
    expect(refusal(() => deck.startBreak({ durationSeconds: 60 })).message).toContain(`Break ${plan.eventId} is on air`);
    // Refused requests take no event id and write no row.
    expect(repo.asRun(10)).toHaveLength(1);
  });

  it('return now with no break on air, cancel with nothing armed, cancel on air', () => {
    expect(refusal(() => deck.returnNow()).message).toBe('No break is on air to return from.');
    expect(refusal(() => deck.cancel()).message).toBe('No break is armed to cancel.');
    const plan = deck.startBreak({ durationSeconds: 30 });
    expect(refusal(() => deck.returnNow()).message).toContain('armed, not on air');
    control.timeline.advanceTo(plan.spliceFrame);
    expect(refusal(() => deck.cancel()).message).toContain('already on air');
  });

  it('no PTS known yet: refused before an event id is taken', () => {
    control.timeline.firstPts = null;
    expect(refusal(() => deck.startBreak({ durationSeconds: 30 })).apiCode).toBe('CONFLICT');
    expect(repo.asRun(10)).toHaveLength(0);
  });
});

describe('cue deck: cancel and return now', () => {
  it('cancel before the splice: cue-out withdrawn, cancel repeated until the would-be splice, no slate airs', () => {
    const plan = deck.startBreak({ durationSeconds: 30 });
    control.timeline.advance(30);
    expect(deck.cancel()).toEqual({ eventId: plan.eventId, cancelled: true });
    const [cueOut, cancel] = control.cues.queued;
    expect(cueOut!.withdrawn).toBe(true);
    expect(cancel!.options).toEqual({ repeatUntilPts: plan.splicePts });
    expect(decoded(cancel!.section).splice_command).toMatchObject({ splice_event_id: plan.eventId, splice_event_cancel_indicator: true });
    control.timeline.advanceTo(plan.returnFrame + 10);
    expect(control.airLog).toEqual([]);
    expect(control.timeline.pending()).toEqual([]);
    expect(repo.asRun(1)[0]).toMatchObject({ outcome: 'cancelled', actualSpliceFrame: null, actualReturnFrame: null });
    // The deck is free again.
    expect(deck.startBreak({ durationSeconds: 30 }).eventId).toBe(plan.eventId + 1);
  });

  it('return now: a cue-in on the next IDR with the same event id; the program is back on that frame', () => {
    const plan = deck.startBreak({ durationSeconds: 60 });
    control.timeline.advanceTo(plan.spliceFrame + 100); // 340
    const early = deck.returnNow();
    expect(early).toEqual({ eventId: plan.eventId, returnFrame: 360, returnPts: 126_000 + 360 * 3000 });
    const cueIn = control.cues.queued[1]!;
    const command = decoded(cueIn.section).splice_command as SpliceInsertCommand;
    expect(command).toMatchObject({ splice_event_id: plan.eventId, out_of_network_indicator: false, splice_time: { pts_time: early.returnPts } });
    // Asking again changes nothing.
    expect(deck.returnNow()).toEqual(early);
    expect(control.cues.queued).toHaveLength(2);
    expect(deck.status().current).toMatchObject({ returningEarly: true, return: { frame: 360 } });
    control.timeline.advanceTo(359);
    expect(control.onAirScene()).toBe(SLATE_SCENE_ID);
    control.timeline.advance();
    expect(control.onAirScene()).toBe('1');
    control.timeline.advanceTo(plan.returnFrame + 1);
    expect(control.airLog).toEqual([
      [240, SLATE_SCENE_ID],
      [360, '1'],
    ]);
    expect(repo.asRun(1)[0]).toMatchObject({ outcome: 'returned_early', actualReturnFrame: 360, durationSecondsActual: 4 });
  });

  it('return now honours the return preroll setting', () => {
    deck.setSettings({ returnPrerollSeconds: 3 });
    const plan = deck.startBreak({ durationSeconds: 60 });
    control.timeline.advanceTo(plan.spliceFrame + 10); // 250: 251 + 90 = 341 → 360
    expect(deck.returnNow().returnFrame).toBe(360);
    // 110 frames (3.7 s) away: first sent 3 s before it, as the setting says.
    expect(control.cues.queued[1]!.options).toEqual({ prerollSeconds: 3 });
  });
});

describe('cue deck: time_signal styles', () => {
  it('start at the splice with 0x34 and the real duration; End 0x35 queued for the planned return, replaced on return now', () => {
    deck.setSettings({ signalStyle: 'time_signal_placement_opportunity', upid: { type: 'adi', value: 'SIGNAL:abc' } });
    const plan = deck.startBreak({ durationSeconds: 45 });
    const start = decoded(control.cues.queued[0]!.section);
    expect((start.splice_command as TimeSignalCommand).splice_time.pts_time).toBe(plan.splicePts);
    expect(start.descriptors[0]).toMatchObject({ segmentation_type_id: 0x34, segmentation_event_id: plan.eventId, segmentation_duration: 46 * 90_000 });
    expect((start.descriptors[0] as SegmentationDescriptor).segmentation_upid?.text).toBe('SIGNAL:abc');
    control.timeline.advanceTo(plan.spliceFrame);
    const end = control.cues.queued[1]!;
    expect((decoded(end.section).splice_command as TimeSignalCommand).splice_time.pts_time).toBe(plan.returnPts);
    expect(decoded(end.section).descriptors[0]).toMatchObject({ segmentation_type_id: 0x35 });
    control.timeline.advance(5);
    deck.returnNow();
    expect(end.withdrawn).toBe(true);
    const early = control.cues.queued[2]!;
    expect((decoded(early.section).splice_command as TimeSignalCommand).splice_time.pts_time).toBe(126_000 + 300 * 3000);
    expect(decoded(early.section).descriptors[0]).toMatchObject({ segmentation_type_id: 0x35, segmentation_event_id: plan.eventId });
  });

  it('cancel with time_signal: an immediate time_signal with segmentation_event_cancel_indicator', () => {
    deck.setSettings({ signalStyle: 'time_signal_advertisement' });
    const plan = deck.startBreak({ durationSeconds: 30 });
    deck.cancel();
    const cancel = decoded(control.cues.queued[1]!.section);
    expect(cancel.splice_command_type).toBe(0x06);
    expect(cancel.descriptors[0]).toMatchObject({ segmentation_event_id: plan.eventId, segmentation_event_cancel_indicator: true });
  });
});

describe('cue deck: stop mid-break (decision 8)', () => {
  it('on break: the cue-in goes out on the next IDR before the stop completes; the row says interrupted_by_stop', async () => {
    const plan = deck.startBreak({ durationSeconds: 60 });
    control.timeline.advanceTo(plan.spliceFrame + 30); // 270
    let stopped = false;
    const stopping = lifecycle.stop().then(() => (stopped = true));
    const cueIn = control.cues.queued[1]!;
    expect(decoded(cueIn.section).splice_command).toMatchObject({ out_of_network_indicator: false, splice_time: { pts_time: 126_000 + 300 * 3000 } });
    await Promise.resolve();
    expect(stopped).toBe(false); // waits for the return frame
    control.timeline.advanceTo(300);
    await stopping;
    expect(control.airLog.at(-1)).toEqual([300, '1']);
    expect(repo.asRun(1)[0]).toMatchObject({ outcome: 'interrupted_by_stop', actualReturnFrame: 300 });
    expect(deck.status()).toMatchObject({ phase: 'idle', programRunning: false });
  });

  it('armed: cancelled, its cancel sent once (no repeat), row cancelled', async () => {
    deck.startBreak({ durationSeconds: 30 });
    await lifecycle.stop();
    const cancel = control.cues.queued[1]!;
    expect(cancel.options).toBeUndefined();
    expect(decoded(cancel.section).splice_command).toMatchObject({ splice_event_cancel_indicator: true });
    expect(repo.asRun(1)[0]!.outcome).toBe('cancelled');
  });

  it('the wait is bounded: frames never come, the stop still ends and the row is written', async () => {
    const plan = deck.startBreak({ durationSeconds: 60 });
    control.timeline.advanceTo(plan.spliceFrame);
    await lifecycle.stop(); // stopWaitMs 2 s in this spec
    expect(repo.asRun(1)[0]).toMatchObject({ outcome: 'interrupted_by_stop' });
    expect(deck.status().phase).toBe('idle');
  });
});

describe('cue deck: settings and durability', () => {
  it('settings persist; the heartbeat applies to the cue channel at once and on the next start', () => {
    expect(control.cues.heartbeatSeconds).toBeNull();
    deck.setSettings({ heartbeatSeconds: 5, hotkeys: { returnNow: 'Ctrl+KeyR' } as never });
    expect(control.cues.heartbeatSeconds).toBe(5);
    deck.dispose();
    deck = makeDeck();
    expect(deck.settings()).toMatchObject({ heartbeatSeconds: 5, hotkeys: { returnNow: 'Ctrl+KeyR', break30: 'F1' } });
    const next = new FakeOnAirControl();
    lifecycle.start(next);
    expect(next.cues.heartbeatSeconds).toBe(5);
  });

  it('event ids keep increasing across a restart (real SQLite file), and a break pending at start is interrupted_by_crash', () => {
    const first = deck.startBreak({ durationSeconds: 30 });
    control.timeline.advanceTo(first.spliceFrame + 1);
    // The host dies mid-break: no return, the store closed under it.
    deck.dispose();
    store.close();

    store = openStore(dir);
    repo = new CuesRepository(store.db);
    lifecycle = new FakeLifecycle();
    control = new FakeOnAirControl();
    deck = makeDeck();
    expect(repo.asRun(1)[0]).toMatchObject({ eventId: first.eventId, outcome: 'interrupted_by_crash', actualSpliceFrame: first.spliceFrame });
    lifecycle.start(control);
    control.timeline.advanceTo(10);
    const second = deck.startBreak({ durationSeconds: 30 });
    expect(second.eventId).toBeGreaterThan(first.eventId);
    expect(repo.asRun(10).map((row) => row.eventId)).toEqual([second.eventId, first.eventId]);
  });

  it('the as-run row lists the SCTE-35 log ids of its sections', () => {
    const plan = deck.startBreak({ durationSeconds: 30 });
    const hex = Buffer.from(control.cues.queued[0]!.section).toString('hex');
    const insert = store.db.prepare(
      "INSERT INTO scte35_log (sent_at, event_id, splice_command_type, pts, section_hex, outcome) VALUES (?, ?, 5, ?, ?, 'sent')",
    );
    const later = new Date(Date.now() + 1000).toISOString();
    const a = Number(insert.run(later, plan.eventId, plan.splicePts, hex).lastInsertRowid);
    const b = Number(insert.run(later, plan.eventId, plan.splicePts, hex).lastInsertRowid);
    insert.run(later, 999, 0, 'fc00'); // another section: not this break's
    deck.cancel();
    const cancelHex = Buffer.from(control.cues.queued[1]!.section).toString('hex');
    const c = Number(insert.run(later, plan.eventId, null, cancelHex).lastInsertRowid);
    // A copy of the same bytes a day later is not this break's (the log is searched in its window).
    insert.run(new Date(Date.now() + 86_400_000).toISOString(), plan.eventId, null, cancelHex);
    expect(repo.asRun(1)[0]!.scte35LogIds).toEqual([a, b, c]);
  });
});
