// The emergency alert over the in-memory on-air control, with the deck and a real SQLite store.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertState } from '../../../shared/cues.ts';
import { FakeLifecycle, FakeOnAirControl } from '../../../../tests/support/on-air.ts';
import { decodeSection } from '../scte35/index.ts';
import { openStore, type Store } from '../store/database.ts';
import { CuesRepository } from '../store/cues-repository.ts';
import { ALERT_CARD_SCENE_ID, ALERT_CRAWL_SCENE_ID, AlertService } from './alert.ts';
import { CueDeck, SLATE_SCENE_ID } from './deck.ts';
import { CueError } from './errors.ts';

let dir: string;
let store: Store;
let repo: CuesRepository;
let lifecycle: FakeLifecycle;
let control: FakeOnAirControl;
let deck: CueDeck;
let alerts: AlertService;
let alertStates: AlertState[];
const frameSize = () => ({ width: 640, height: 360 });

function makeServices(): void {
  deck = new CueDeck({ lifecycle, store: repo, onState: () => {}, frameSize });
  alertStates = [];
  alerts = new AlertService({ lifecycle, store: repo, deck, onState: (s) => alertStates.push(s), frameSize });
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'studio-alerts-'));
  store = openStore(dir);
  repo = new CuesRepository(store.db);
  lifecycle = new FakeLifecycle();
  control = new FakeOnAirControl({ fps: 30, gopFrames: 60, firstPts: 126_000 });
  makeServices();
  lifecycle.start(control);
  control.timeline.advanceTo(100);
});
afterEach(() => {
  alerts.dispose();
  deck.dispose();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('emergency alert', () => {
  it('full screen, timed: airs from the next frame, ends by its timer, the program goes back to the operator', () => {
    const state = alerts.start({ text: 'Tornado warning', style: 'fullscreen', durationSeconds: 10 });
    expect(state).toMatchObject({ active: true, style: 'fullscreen', startFrame: 101, endFrame: 401, secondsLeft: 10 });
    expect(control.texts.get('alert:text')).toMatchObject({ text: 'Tornado warning', style: { width: 640, height: 360 } });
    control.timeline.advance();
    expect(control.onAirScene()).toBe(ALERT_CARD_SCENE_ID);
    // Breaks are refused while it is on air.
    expect(() => deck.startBreak({ durationSeconds: 30 })).toThrow(/emergency alert is on air/);
    expect(deck.status().alertActive).toBe(true);
    alertStates.length = 0;
    control.timeline.advanceTo(400);
    expect(alertStates.length).toBeGreaterThanOrEqual(49); // every 6 frames while timed
    expect(control.onAirScene()).toBe(ALERT_CARD_SCENE_ID);
    control.timeline.advance();
    expect(control.onAirScene()).toBe('1');
    expect(alerts.status().active).toBe(false);
    expect(alertStates.at(-1)!.active).toBe(false);
    expect(repo.alertLog(5)).toMatchObject([{ text: 'Tornado warning', style: 'fullscreen', startFrame: 101, endFrame: 401, endedBy: 'timer' }]);
    expect(deck.startBreak({ durationSeconds: 30 }).eventId).toBe(1);
  });

  it('crawl: an overlay scene over the layers below, a band at the bottom; stopped by hand', () => {
    alerts.start({ text: 'Road closed', style: 'crawl' });
    expect(control.generatedScenes.get(ALERT_CRAWL_SCENE_ID)).toEqual({ layers: [{ sourceId: 'alert:band', x: 0, y: 300 }], overBelow: true });
    control.timeline.advance(30);
    expect(control.onAirScene()).toBe(ALERT_CRAWL_SCENE_ID);
    expect(alerts.stop()).toMatchObject({ active: false });
    control.timeline.advance();
    expect(control.onAirScene()).toBe('1');
    expect(repo.alertLog(1)[0]).toMatchObject({ endedBy: 'operator', endFrame: 131 });
  });

  it('during a break: the cue-in goes out for the next IDR, the alert holds from that frame, the break is interrupted_by_alert', () => {
    const plan = deck.startBreak({ durationSeconds: 60 });
    control.timeline.advanceTo(plan.spliceFrame + 10); // 250
    const state = alerts.start({ text: 'Evacuate', style: 'fullscreen' });
    expect(state.startFrame).toBe(300);
    const cueIn = decodeSection(control.cues.queued[1]!.section);
    expect(cueIn.splice_command).toMatchObject({
      splice_event_id: plan.eventId,
      out_of_network_indicator: false,
      splice_time: { pts_time: 126_000 + 300 * 3000 },
    });
    control.timeline.advanceTo(299);
    expect(control.onAirScene()).toBe(SLATE_SCENE_ID);
    control.timeline.advance();
    expect(control.onAirScene()).toBe(ALERT_CARD_SCENE_ID);
    expect(control.holding('break')).toBeNull();
    expect(repo.asRun(1)[0]).toMatchObject({ outcome: 'interrupted_by_alert', actualReturnFrame: 300 });
    expect(repo.alertLog(1)[0]).toMatchObject({ interruptedEventId: plan.eventId, startFrame: 300 });
    // It ends: back to what the layers below hold now (the operator; the break is over).
    alerts.stop();
    control.timeline.advance();
    expect(control.onAirScene()).toBe('1');
  });

  it('an armed break is cancelled by an alert', () => {
    const plan = deck.startBreak({ durationSeconds: 30 });
    alerts.start({ text: 'Test', style: 'crawl', durationSeconds: 5 });
    expect(decodeSection(control.cues.queued[1]!.section).splice_command).toMatchObject({ splice_event_cancel_indicator: true });
    expect(repo.asRun(1)[0]!.outcome).toBe('cancelled');
    control.timeline.advanceTo(plan.spliceFrame + 5);
    expect(control.airLog.map(([, scene]) => scene)).not.toContain(SLATE_SCENE_ID);
  });

  it('refusals: not running, a second alert, stop with none', async () => {
    alerts.start({ text: 'One', style: 'fullscreen' });
    expect(() => alerts.start({ text: 'Two', style: 'fullscreen' })).toThrow(CueError);
    alerts.stop();
    expect(() => alerts.stop()).toThrow(/No alert is on air/);
    await lifecycle.stop();
    expect(() => alerts.start({ text: 'Three', style: 'fullscreen' })).toThrow(/not running/);
  });

  it('an alert on air when the program stops ends with it; one open at start (a crash) is closed as crash', async () => {
    alerts.start({ text: 'A', style: 'fullscreen' });
    await lifecycle.stop();
    expect(repo.alertLog(1)[0]).toMatchObject({ endedBy: 'program_stopped' });
    lifecycle.start(control);
    alerts.start({ text: 'B', style: 'fullscreen' });
    alerts.dispose();
    deck.dispose();
    makeServices();
    expect(repo.alertLog(1)[0]).toMatchObject({ text: 'B', endedBy: 'crash' });
  });
});
