// The emergency alert override (decision 9 of #12): the 'alert' layer, above everything.
//
// Full screen: a generated card (white text on red) fills the frame. Crawl: a lower-third band
// drawn over whatever the layers below air, and following it when it changes. The band is static
// text, not a moving crawl: a moving one would re-rasterize or blit on the per-frame path, and
// the alert's job is to be read, which a still band does as well.
//
// Starting during a break: the break returns at the next IDR (its cue-in / end signal goes out
// first, so the distributor does not cover the alert with ads) and the alert holds from that same
// frame. An armed break is cancelled. Breaks are refused while an alert is on air.
import type { CommandArgs } from '../../../shared/contract.ts';
import type { AlertLogRow, AlertState, AlertStyle } from '../../../shared/cues.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { OnAirControl, ProgramLifecycleEvents } from '../program/on-air-control.ts';
import type { CueDeck } from './deck.ts';
import { STATE_EVERY_FRAMES } from './deck.ts';
import { CueError } from './errors.ts';
import type { CueStore } from './store.ts';

export const ALERT_TEXT_SOURCE_ID = 'alert:text';
export const ALERT_CARD_SCENE_ID = 'alert:card';
export const ALERT_BAND_SOURCE_ID = 'alert:band';
export const ALERT_CRAWL_SCENE_ID = 'alert:crawl';
/** The crawl's band: the bottom sixth of the frame. */
const BAND_HEIGHT_RATIO = 1 / 6;

interface ActiveAlert {
  logId: number;
  text: string;
  style: AlertStyle;
  startedAt: string;
  startFrame: number;
  endFrame: number | null;
  /** Timeline actions: the start hold, the end hold and its call. */
  startActions: number[];
  endActions: number[];
}

export interface AlertServiceOptions {
  lifecycle: ProgramLifecycleEvents;
  store: CueStore;
  deck: CueDeck;
  onState: (state: AlertState) => void;
  frameSize: () => { width: number; height: number };
  log?: Logger;
}

export class AlertService {
  readonly #options: AlertServiceOptions;
  #active: ActiveAlert | null = null;
  #control: OnAirControl | null = null;
  #unsubscribeFrame: (() => void) | null = null;
  #framesSinceState = 0;
  readonly #unsubscribe: Array<() => void> = [];

  constructor(options: AlertServiceOptions) {
    this.#options = options;
    const ended = options.store.interruptOpenAlerts(new Date().toISOString());
    if (ended > 0) options.log?.warn('alerts interrupted by a crash', { count: ended });
    this.#unsubscribe.push(
      options.lifecycle.onStarted((control) => this.#attach(control)),
      options.lifecycle.onStopped(() => this.#detach()),
    );
    if (options.lifecycle.control) this.#attach(options.lifecycle.control);
  }

  dispose(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#unsubscribeFrame?.();
    this.#unsubscribeFrame = null;
  }

  start(args: CommandArgs<'alerts.start'>, now = new Date()): AlertState {
    const control = this.#options.lifecycle.control;
    if (!control) throw new CueError('NOT_RUNNING', 'The program is not running: start it before airing an alert.');
    if (this.#active) throw new CueError('BUSY', `An alert is already on air (since frame ${this.#active.startFrame}): stop it before starting another.`);
    const { timeline } = control;
    // The break (if any) returns first; the alert holds from the frame it lets go.
    const yielded = this.#options.deck.yieldToAlert(control);
    const startFrame = yielded.returnFrame ?? timeline.frame + 1;
    const sceneId = this.#prepare(control, args.text, args.style);
    const endFrame = args.durationSeconds === undefined ? null : startFrame + Math.max(1, Math.round(args.durationSeconds * timeline.fps));
    const logId = this.#options.store.beginAlert({
      text: args.text,
      style: args.style,
      startedAt: now.toISOString(),
      startFrame,
      interruptedEventId: yielded.returnFrame === null ? null : yielded.eventId,
    });
    const active: ActiveAlert = {
      logId,
      text: args.text,
      style: args.style,
      startedAt: now.toISOString(),
      startFrame,
      endFrame,
      startActions: [timeline.at(startFrame, { kind: 'hold', layer: 'alert', sceneId })],
      endActions: [],
    };
    if (endFrame !== null) this.#planEnd(control, active, endFrame, 'timer');
    this.#active = active;
    this.#options.deck.setAlertActive(true);
    this.#options.log?.warn('emergency alert on air', { style: args.style, startFrame, endFrame });
    return this.#publish();
  }

  stop(): AlertState {
    const control = this.#options.lifecycle.control;
    const active = this.#active;
    if (!control || !active) throw new CueError('NOTHING', 'No alert is on air.');
    const { timeline } = control;
    const endFrame = timeline.frame + 1;
    // Not on air yet (it waits for a break's return): take its start back too.
    if (endFrame <= active.startFrame) for (const id of active.startActions) timeline.cancel(id);
    this.#planEnd(control, active, Math.max(endFrame, active.startFrame), 'operator');
    this.#finish(active, Math.max(endFrame, active.startFrame), 'operator', timeline.wallTimeOf(endFrame));
    return this.status();
  }

  status(): AlertState {
    const active = this.#active;
    const timeline = this.#control?.timeline ?? null;
    if (!active) {
      return { active: false, text: null, style: null, startedAt: null, endsAt: null, startFrame: null, endFrame: null, secondsLeft: null };
    }
    const frame = timeline?.frame ?? active.startFrame;
    const fps = timeline?.fps ?? 1;
    return {
      active: true,
      text: active.text,
      style: active.style,
      startedAt: active.startedAt,
      endsAt: active.endFrame !== null && timeline ? new Date(timeline.wallTimeOf(active.endFrame)).toISOString() : null,
      startFrame: active.startFrame,
      endFrame: active.endFrame,
      secondsLeft: active.endFrame === null ? null : Math.max(0, (active.endFrame - Math.max(frame, active.startFrame)) / fps),
    };
  }

  log(limit: number): AlertLogRow[] {
    return this.#options.store.alertLog(limit);
  }

  #planEnd(control: OnAirControl, active: ActiveAlert, frame: number, endedBy: 'timer' | 'operator'): void {
    const { timeline } = control;
    for (const id of active.endActions) timeline.cancel(id);
    active.endActions = [timeline.at(frame, { kind: 'hold', layer: 'alert', sceneId: null })];
    if (endedBy === 'timer') {
      active.endActions.push(
        timeline.at(frame, {
          kind: 'call',
          run: (made) => {
            if (this.#active === active) this.#finish(active, made, 'timer', timeline.wallTimeOf(made));
          },
        }),
      );
    }
  }

  #finish(active: ActiveAlert, endFrame: number, endedBy: string, endedAtMs: number): void {
    this.#options.store.endAlert(active.logId, { endedAt: new Date(endedAtMs).toISOString(), endFrame, endedBy });
    this.#active = null;
    this.#options.deck.setAlertActive(false);
    this.#options.log?.info('emergency alert ended', { endedBy, endFrame });
    this.#publish();
  }

  /** The card or the band, made before the alert's first frame; returns the scene the layer holds. */
  #prepare(control: OnAirControl, text: string, style: AlertStyle): string {
    const { width, height } = this.#options.frameSize();
    const report = (error: unknown) => this.#options.log?.warn('the alert could not be drawn', { error: errorMessage(error) });
    if (style === 'fullscreen') {
      control
        .setGeneratedText(ALERT_TEXT_SOURCE_ID, text, { width, height, fontSize: Math.round(height / 14), color: '#ffffff', background: '#b00000' })
        .catch(report);
      control.setGeneratedScene(ALERT_CARD_SCENE_ID, [{ sourceId: ALERT_TEXT_SOURCE_ID, x: 0, y: 0 }]);
      return ALERT_CARD_SCENE_ID;
    }
    const bandHeight = Math.round((height * BAND_HEIGHT_RATIO) / 2) * 2;
    control
      .setGeneratedText(ALERT_BAND_SOURCE_ID, text, {
        width,
        height: bandHeight,
        fontSize: Math.round(bandHeight / 3),
        color: '#ffffff',
        background: '#b00000',
      })
      .catch(report);
    control.setGeneratedScene(ALERT_CRAWL_SCENE_ID, [{ sourceId: ALERT_BAND_SOURCE_ID, x: 0, y: height - bandHeight }], { overBelow: true });
    return ALERT_CRAWL_SCENE_ID;
  }

  #attach(control: OnAirControl): void {
    this.#control = control;
    this.#unsubscribeFrame?.();
    this.#unsubscribeFrame = control.timeline.onFrame(() => {
      if (this.#active === null || this.#active.endFrame === null) return;
      if (++this.#framesSinceState >= STATE_EVERY_FRAMES) this.#publish();
    });
    this.#publish();
  }

  #detach(): void {
    this.#unsubscribeFrame?.();
    this.#unsubscribeFrame = null;
    const active = this.#active;
    const timeline = this.#control?.timeline;
    // The alert goes with the program; the next program starts with no alert on air.
    if (active) this.#finish(active, timeline ? timeline.frame : active.startFrame, 'program_stopped', Date.now());
    this.#control = null;
  }

  #publish(): AlertState {
    this.#framesSinceState = 0;
    const state = this.status();
    this.#options.onState(state);
    return state;
  }
}
