// The live ad-cue deck: one break at a time, idle → armed → onBreak → idle, on the program's
// frame timeline (decisions 1–8, 10, 11 of #12).
//
// A break is planned on the GOP grid (planner.ts), its as-run row and event id are committed
// before the command answers, its cue-out is queued on the cue channel at once (the injector sends
// it from splice − preroll and repeats it every second), and the 'break' layer holds the break
// scene from the splice frame to the return frame. Every state change is a frame action, so the
// state clients see is the frame clock's, never a wall clock's.
import type { BreakPlan, CommandArgs } from '../../../shared/contract.ts';
import {
  type AsRunOutcome,
  type AsRunRow,
  type CueSettings,
  type CueState,
  cueSettingsSchema,
  DEFAULT_CUE_SETTINGS,
  type FramePoint,
  type CueSettingsPatch,
} from '../../../shared/cues.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { FrameTimeline, OnAirControl, ProgramLifecycleEvents } from '../program/on-air-control.ts';
import { CueError, NOT_RUNNING_MESSAGE } from './errors.ts';
import { framesIn, planBreak, planBreakAt, planEarlyReturn, type PlannedBreak } from './planner.ts';
import { type BreakSignal, breakCancelSection, breakEndSection, breakStartSection } from './signals.ts';
import type { CueStore } from './store.ts';

/** The generated slate: a full-frame text source in a scene of its own (decision 6). */
export const SLATE_SOURCE_ID = 'cue:slate';
export const SLATE_SCENE_ID = 'cue:break';
/** cues.state while counting down: every 6 frames (≥ 4 Hz at 25 fps and up). */
export const STATE_EVERY_FRAMES = 6;
/** How long a stop waits for the break's return to go out (decision 8). */
export const STOP_WAIT_MS = 5_000;

type EndOutcome = Exclude<AsRunOutcome, 'pending' | 'cancelled' | 'interrupted_by_crash'>;

interface ActiveBreak {
  eventId: number;
  signal: BreakSignal;
  phase: 'armed' | 'onBreak';
  splice: FramePoint;
  return: FramePoint;
  plannedReturnFrame: number;
  durationSeconds: number;
  /** The scene the break layer holds. */
  sceneId: string;
  /** Cue channel ids: the cue-out, the planned end signal (time_signal styles) and an early return's. */
  cueOutId: number;
  endSignalId: number | null;
  earlyReturnCueId: number | null;
  /** Timeline actions still to run: at the splice, at the return. */
  spliceActions: number[];
  returnActions: number[];
  returningEarly: boolean;
  /** What the row says once the return frame is made. */
  outcomeAtReturn: EndOutcome;
  /** Cue channel ids that had a copy sent during this break. */
  sent: Set<number>;
  /** Called on each copy sent of this break's sections (a stop waits for its cue-in's). */
  onCopySent: ((id: number) => void) | null;
  /** The slate's "Back in m:ss" shown last (seconds), to re-rasterize once a second only. */
  slateSecondsShown: number;
  /** A break at a frame (startBreakAt): who is told of its splice and its end. */
  hooks: BreakHooks | null;
}

interface BreakHooks {
  onSpliced: ((frame: number) => void) | null;
  onEnded: ((outcome: Exclude<AsRunOutcome, 'pending'>, frame: number | null) => void) | null;
}

/** A break asked for at a frame (see CueDeck.startBreakAt). */
export interface BreakAtFrame {
  /** The frame it should start at: it splices at the first IDR at or after it. */
  atFrame: number;
  durationSeconds: number;
  /** Inside the splice frame's tick. */
  onSpliced?: (frame: number) => void;
  /** Inside the return frame's tick; or with frame null when it ends without one (cancelled, stopped). */
  onEnded?: (outcome: Exclude<AsRunOutcome, 'pending'>, frame: number | null) => void;
}

export interface CueDeckOptions {
  lifecycle: ProgramLifecycleEvents;
  store: CueStore;
  /** cues.state to clients. */
  onState: (state: CueState) => void;
  onSettings?: (settings: CueSettings) => void;
  /** The program's picture size, for the generated slate. */
  frameSize: () => { width: number; height: number };
  /** Whether a creator's scene exists (a breakSceneId setting must name one). */
  sceneExists?: (sceneId: number) => boolean;
  log?: Logger;
  stopWaitMs?: number;
}

/** "m:ss" of a whole number of seconds. */
export function minutesSeconds(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export class CueDeck {
  readonly #lifecycle: ProgramLifecycleEvents;
  readonly #store: CueStore;
  readonly #options: CueDeckOptions;
  #settings: CueSettings;
  #current: ActiveBreak | null = null;
  #last: CueState['last'] = null;
  #alertActive = false;
  #control: OnAirControl | null = null;
  #unsubscribeFrame: (() => void) | null = null;
  #unsubscribeSent: (() => void) | null = null;
  #framesSinceState = 0;
  /** Resolves a stop's wait once the break's return frame is made. */
  #returned: (() => void) | null = null;
  readonly #unsubscribe: Array<() => void> = [];

  constructor(options: CueDeckOptions) {
    this.#options = options;
    this.#lifecycle = options.lifecycle;
    this.#store = options.store;
    const stored = options.store.loadSettings();
    const parsed = stored ? cueSettingsSchema.safeParse({ ...DEFAULT_CUE_SETTINGS, ...stored }) : null;
    this.#settings = parsed?.success ? parsed.data : DEFAULT_CUE_SETTINGS;
    // Breaks still 'pending' were on when the host died (decision 7).
    const interrupted = options.store.interruptPendingBreaks();
    if (interrupted.length > 0) options.log?.warn('breaks interrupted by a crash', { eventIds: interrupted });
    this.#unsubscribe.push(
      this.#lifecycle.onStarted((control) => this.#attach(control)),
      this.#lifecycle.onStopping((control) => this.#stopping(control)),
      this.#lifecycle.onStopped(() => this.#detach()),
    );
    if (this.#lifecycle.control) this.#attach(this.#lifecycle.control);
  }

  dispose(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#unsubscribeFrame?.();
    this.#unsubscribeFrame = null;
    this.#unsubscribeSent?.();
    this.#unsubscribeSent = null;
  }

  // --- commands --------------------------------------------------------------

  startBreak(args: CommandArgs<'cues.startBreak'>, now = new Date()): BreakPlan {
    const control = this.#ready();
    const preroll = args.prerollSeconds ?? this.#settings.prerollSeconds;
    return this.#arm(control, planBreak(control.timeline, args.durationSeconds, preroll), args.durationSeconds, preroll, null, now);
  }

  /**
   * A break at a frame chosen ahead (the playout's chapter mark): it splices at the first IDR at or
   * after `atFrame` (planner.ts planBreakAt), with the same cue-out, slate, cue-in and as-run row as
   * a break cued by hand. The cue-out goes out from the splice − preroll, or at once when the splice
   * is closer. `onSpliced` runs inside the splice frame's tick and `onEnded` inside the return
   * frame's (or when it ends otherwise: cancelled, stopped; `frame` null then), so that a show paused
   * for it can pause and resume on exactly those frames.
   */
  startBreakAt(args: BreakAtFrame, now = new Date()): BreakPlan {
    const control = this.#ready();
    const plan = planBreakAt(control.timeline, args.atFrame, args.durationSeconds);
    const hooks = { onSpliced: args.onSpliced ?? null, onEnded: args.onEnded ?? null };
    return this.#arm(control, plan, args.durationSeconds, this.#settings.prerollSeconds, hooks, now);
  }

  /** The control of the running program, when a break may be armed now. */
  #ready(): OnAirControl {
    const control = this.#lifecycle.control;
    if (!control) throw new CueError('NOT_RUNNING', NOT_RUNNING_MESSAGE);
    if (this.#alertActive) throw new CueError('BUSY', 'An emergency alert is on air: breaks are refused until it ends.');
    const busy = this.#current;
    if (busy) {
      throw new CueError(
        'BUSY',
        busy.phase === 'armed'
          ? `Break ${busy.eventId} is armed (splice at frame ${busy.splice.frame}): cancel it before cueing another.`
          : `Break ${busy.eventId} is on air until frame ${busy.return.frame}: return from it before cueing another.`,
      );
    }
    return control;
  }

  #arm(control: OnAirControl, plan: PlannedBreak, durationSecondsRequested: number, preroll: number, hooks: BreakHooks | null, now: Date): BreakPlan {
    const { timeline, cues } = control;
    const settings = this.#settings;
    if (plan.splicePts === null || plan.returnPts === null) {
      throw new CueError('NO_PTS', 'The encoder has not sent its first frame yet, so the splice time is unknown: try again in a moment.');
    }
    const splice = pointOf(timeline, plan.spliceFrame);
    const returnPoint = pointOf(timeline, plan.returnFrame);
    const eventId = this.#store.beginBreak({
      signalStyle: settings.signalStyle,
      requestedAt: now.toISOString(),
      durationSecondsRequested,
      durationSecondsPlanned: plan.durationSeconds,
      fps: timeline.fps,
      plannedSplice: splice,
      plannedReturn: returnPoint,
    });
    const signal: BreakSignal = { style: settings.signalStyle, eventId, upid: settings.upid };
    const cueOut = breakStartSection(signal, plan.splicePts, plan.durationTicks);
    const sectionPreroll = this.#sectionPreroll(timeline, preroll, plan.spliceFrame);
    let cueOutId: number;
    try {
      cueOutId = cues.queue(cueOut, { prerollSeconds: sectionPreroll });
    } catch (error) {
      this.#store.finishBreak(eventId, 'cancelled', null);
      throw error;
    }
    this.#store.addSection(eventId, cueOut);

    // A break scene removed since it was chosen: the slate airs instead of nothing.
    const breakScene = settings.breakSceneId !== null && (this.#options.sceneExists?.(settings.breakSceneId) ?? true) ? settings.breakSceneId : null;
    const sceneId = breakScene === null ? SLATE_SCENE_ID : String(breakScene);
    const active: ActiveBreak = {
      eventId,
      signal,
      phase: 'armed',
      splice,
      return: returnPoint,
      plannedReturnFrame: plan.returnFrame,
      durationSeconds: plan.durationSeconds,
      sceneId,
      cueOutId,
      endSignalId: null,
      earlyReturnCueId: null,
      spliceActions: [],
      returnActions: [],
      returningEarly: false,
      outcomeAtReturn: 'aired',
      sent: new Set(),
      onCopySent: null,
      slateSecondsShown: -1,
      hooks,
    };
    if (breakScene === null) this.#prepareSlate(control, active, plan.durationSeconds);
    active.spliceActions.push(
      timeline.at(plan.spliceFrame, { kind: 'hold', layer: 'break', sceneId }),
      timeline.at(plan.spliceFrame, { kind: 'call', run: (frame) => this.#spliced(active, frame) }),
    );
    this.#planReturnActions(timeline, active, plan.returnFrame);
    this.#current = active;
    this.#options.log?.info('break armed', { eventId, spliceFrame: plan.spliceFrame, returnFrame: plan.returnFrame, style: signal.style });
    this.#publish();
    return {
      eventId,
      signalStyle: signal.style,
      spliceFrame: plan.spliceFrame,
      splicePts: plan.splicePts,
      returnFrame: plan.returnFrame,
      returnPts: plan.returnPts,
      durationSeconds: plan.durationSeconds,
      firstCueAt: new Date(timeline.wallTimeOf(Math.max(timeline.frame + 1, plan.spliceFrame - framesIn(sectionPreroll, timeline.fps)))).toISOString(),
      spliceAt: splice.at,
    };
  }

  returnNow(): { eventId: number; returnFrame: number; returnPts: number | null } {
    const control = this.#lifecycle.control;
    const active = this.#current;
    if (!control || !active) throw new CueError('NOTHING', 'No break is on air to return from.');
    if (active.phase === 'armed') throw new CueError('NOTHING', `Break ${active.eventId} is armed, not on air yet: cancel it instead.`);
    if (!active.returningEarly) this.#returnEarly(control, active, this.#settings.returnPrerollSeconds, 'returned_early');
    return { eventId: active.eventId, returnFrame: active.return.frame, returnPts: active.return.pts };
  }

  cancel(): { eventId: number; cancelled: true } {
    const control = this.#lifecycle.control;
    const active = this.#current;
    if (!control || !active) throw new CueError('NOTHING', 'No break is armed to cancel.');
    if (active.phase === 'onBreak') throw new CueError('NOTHING', `Break ${active.eventId} is already on air: use Return now.`);
    this.#cancelArmed(control, active, true);
    return { eventId: active.eventId, cancelled: true };
  }

  status(): CueState {
    const control = this.#lifecycle.control;
    const timeline = control?.timeline ?? null;
    const active = this.#current;
    const frame = timeline?.frame ?? -1;
    const fps = timeline?.fps ?? 0;
    let current: CueState['current'] = null;
    if (active && timeline) {
      // Seconds from the last frame made to the splice / return frame, on the frame clock.
      const secondsToSplice = Math.max(0, (active.splice.frame - frame) / fps);
      const secondsLeft = Math.max(0, (active.return.frame - frame) / fps);
      const total = active.return.frame - active.splice.frame;
      const done = active.phase === 'onBreak' ? Math.min(total, frame - active.splice.frame) : 0;
      current = {
        eventId: active.eventId,
        signalStyle: active.signal.style,
        splice: active.splice,
        return: active.return,
        durationSeconds: total / fps,
        secondsToSplice: active.phase === 'armed' ? secondsToSplice : 0,
        secondsLeft: active.phase === 'onBreak' ? secondsLeft : total / fps,
        progress: total > 0 ? Math.max(0, done) / total : 0,
        returningEarly: active.returningEarly,
      };
    }
    return {
      phase: active?.phase ?? 'idle',
      programRunning: control !== null,
      frame,
      fps,
      current,
      last: this.#last,
      alertActive: this.#alertActive,
    };
  }

  asRun(limit: number): AsRunRow[] {
    return this.#store.asRun(limit);
  }

  settings(): CueSettings {
    return this.#settings;
  }

  setSettings(given: CueSettingsPatch): CueSettings {
    const changes = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) as CueSettingsPatch;
    if (changes.breakSceneId !== undefined && changes.breakSceneId !== null && this.#options.sceneExists && !this.#options.sceneExists(changes.breakSceneId)) {
      throw new CueError('BAD_SETTING', `breakSceneId: there is no scene with id ${changes.breakSceneId}.`, { field: 'breakSceneId' });
    }
    const next = cueSettingsSchema.parse({ ...this.#settings, ...changes, hotkeys: { ...this.#settings.hotkeys, ...changes.hotkeys } });
    this.#store.saveSettings(next);
    this.#settings = next;
    // The heartbeat applies at once; the rest applies to the next break.
    if (changes.heartbeatSeconds !== undefined) this.#lifecycle.control?.cues.setHeartbeat(next.heartbeatSeconds);
    this.#options.onSettings?.(next);
    return next;
  }

  // --- the alert's side (decision 9) -----------------------------------------

  /** The alert is on air (or not): breaks are refused while it is. */
  setAlertActive(active: boolean): void {
    if (this.#alertActive === active) return;
    this.#alertActive = active;
    this.#publish();
  }

  /**
   * An alert takes the program: an armed break is cancelled; a break on air returns at the next
   * IDR (its cue-in or end signal sent first, so the distributor does not cover the alert with
   * ads). Returns the frame the break lets go (the alert holds from it), or null with no break on air.
   */
  yieldToAlert(control: OnAirControl): { eventId: number | null; returnFrame: number | null } {
    const active = this.#current;
    if (!active) return { eventId: null, returnFrame: null };
    if (active.phase === 'armed') {
      this.#cancelArmed(control, active, true);
      return { eventId: active.eventId, returnFrame: null };
    }
    this.#returnEarly(control, active, 0, 'interrupted_by_alert');
    return { eventId: active.eventId, returnFrame: active.return.frame };
  }

  // --- frames ----------------------------------------------------------------

  #attach(control: OnAirControl): void {
    this.#control = control;
    control.cues.setHeartbeat(this.#settings.heartbeatSeconds);
    this.#unsubscribeFrame?.();
    this.#unsubscribeFrame = control.timeline.onFrame((frame) => this.#onFrame(frame));
    this.#unsubscribeSent?.();
    this.#unsubscribeSent = control.cues.onSent((sent) => {
      // Every id, not only the ones known yet: a channel may report a copy inside queue(), before
      // queue() has returned the id. A break sees a handful of distinct ids.
      const active = this.#current;
      if (active === null) return;
      active.sent.add(sent.id);
      active.onCopySent?.(sent.id);
    });
    this.#publish();
  }

  #detach(): void {
    this.#unsubscribeFrame?.();
    this.#unsubscribeFrame = null;
    this.#unsubscribeSent?.();
    this.#unsubscribeSent = null;
    const active = this.#current;
    if (active) {
      // The stop's wait ran out (or there was none): the break ends with the program.
      const at = this.#control ? pointOf(this.#control.timeline, this.#control.timeline.frame + 1) : null;
      if (active.phase === 'armed') this.#end(active, 'cancelled', null);
      else this.#end(active, 'interrupted_by_stop', at);
    }
    this.#control = null;
    this.#publish();
  }

  /** Per frame: nothing allocates unless a state is due (every 6 frames) or the slate's second changes. */
  #onFrame(frame: number): void {
    const active = this.#current;
    if (active === null) return;
    if (active.phase === 'onBreak' && active.sceneId === SLATE_SCENE_ID && this.#control) {
      const fps = this.#control.timeline.fps;
      const secondsLeft = Math.ceil((active.return.frame - frame) / fps);
      if (secondsLeft !== active.slateSecondsShown && secondsLeft >= 0) this.#showSlate(this.#control, active, secondsLeft);
    }
    if (++this.#framesSinceState >= STATE_EVERY_FRAMES) this.#publish();
  }

  #spliced(active: ActiveBreak, frame: number): void {
    if (this.#current !== active || !this.#control) return;
    const { timeline, cues } = this.#control;
    active.phase = 'onBreak';
    active.spliceActions = [];
    const point = pointOf(timeline, frame);
    active.splice = point;
    this.#store.recordSplice(active.eventId, point);
    // time_signal styles send the End at the planned return (splice_insert's auto_return carries it).
    if (active.signal.style !== 'splice_insert' && !active.returningEarly && active.return.pts !== null) {
      const end = breakEndSection(active.signal, active.return.pts);
      try {
        active.endSignalId = cues.queue(end, { prerollSeconds: this.#sectionPreroll(timeline, 4, active.return.frame) });
        this.#store.addSection(active.eventId, end);
      } catch (error) {
        this.#options.log?.error('the end signal could not be queued', { eventId: active.eventId, error: errorMessage(error) });
      }
    }
    this.#options.log?.info('break on air', { eventId: active.eventId, frame });
    this.#tell(() => active.hooks?.onSpliced?.(frame));
    this.#publish();
  }

  #returnedAt(active: ActiveBreak, frame: number): void {
    if (this.#current !== active || !this.#control) return;
    this.#end(active, active.outcomeAtReturn, pointOf(this.#control.timeline, frame));
  }

  #end(active: ActiveBreak, outcome: Exclude<AsRunOutcome, 'pending'>, at: FramePoint | null): void {
    this.#store.finishBreak(active.eventId, outcome, at);
    this.#current = null;
    this.#last = { eventId: active.eventId, outcome, endedAt: at?.at ?? new Date().toISOString() };
    this.#options.log?.info('break ended', { eventId: active.eventId, outcome, frame: at?.frame ?? null });
    this.#tell(() => active.hooks?.onEnded?.(outcome, at?.frame ?? null));
    const returned = this.#returned;
    this.#returned = null;
    returned?.();
    this.#publish();
  }

  #planReturnActions(timeline: FrameTimeline, active: ActiveBreak, frame: number): void {
    for (const id of active.returnActions) timeline.cancel(id);
    active.returnActions = [
      timeline.at(frame, { kind: 'hold', layer: 'break', sceneId: null }),
      timeline.at(frame, { kind: 'call', run: (made) => this.#returnedAt(active, made) }),
    ];
  }

  /** Brings the return forward to the first IDR after `prerollSeconds`, with its cue-in (or End). */
  #returnEarly(control: OnAirControl, active: ActiveBreak, prerollSeconds: number, outcome: EndOutcome): void {
    const { timeline, cues } = control;
    const frame = planEarlyReturn(timeline, prerollSeconds, active.return.frame);
    // The return already planned comes first: the break ends there as planned.
    if (frame === null) return;
    const pts = timeline.ptsOfFrame(frame);
    if (pts !== null) {
      if (active.endSignalId !== null) cues.withdraw(active.endSignalId);
      if (active.earlyReturnCueId !== null) cues.withdraw(active.earlyReturnCueId);
      const cueIn = breakEndSection(active.signal, pts);
      active.earlyReturnCueId = cues.queue(cueIn, { prerollSeconds: this.#sectionPreroll(timeline, prerollSeconds, frame) });
      active.endSignalId = null;
      this.#store.addSection(active.eventId, cueIn);
    }
    this.#planReturnActions(timeline, active, frame);
    active.return = pointOf(timeline, frame);
    active.returningEarly = true;
    active.outcomeAtReturn = outcome;
    this.#options.log?.info('break returns early', { eventId: active.eventId, returnFrame: frame, outcome });
    this.#publish();
  }

  /** Cancel before the splice (decision 4): withdraw the cue-out, send its cancel, take back the actions. */
  #cancelArmed(control: OnAirControl, active: ActiveBreak, repeatUntilSplice: boolean): void {
    const { timeline, cues } = control;
    cues.withdraw(active.cueOutId);
    for (const id of [...active.spliceActions, ...active.returnActions]) timeline.cancel(id);
    active.spliceActions = [];
    active.returnActions = [];
    const cancel = breakCancelSection(active.signal);
    try {
      cues.queue(cancel, repeatUntilSplice && active.splice.pts !== null ? { repeatUntilPts: active.splice.pts } : undefined);
      this.#store.addSection(active.eventId, cancel);
    } catch (error) {
      this.#options.log?.error('the cancel section could not be queued', { eventId: active.eventId, error: errorMessage(error) });
    }
    this.#end(active, 'cancelled', null);
  }

  /**
   * Stop mid-break (decision 8): an armed break is cancelled (its cancel sent once); a break on air
   * returns at the next IDR the encoder still makes, and the stop waits (bounded) until that frame is
   * made and the cue-in's first copy went out.
   */
  async #stopping(control: OnAirControl): Promise<void> {
    const active = this.#current;
    if (!active) return;
    if (active.phase === 'armed') {
      this.#cancelArmed(control, active, false);
      return;
    }
    this.#returnEarly(control, active, 0, 'interrupted_by_stop');
    const cueInId = active.earlyReturnCueId;
    const returned = new Promise<void>((resolve) => (this.#returned = resolve));
    const firstCopy =
      cueInId === null || active.sent.has(cueInId)
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            active.onCopySent = (id) => {
              if (id === cueInId) resolve();
            };
          });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#options.stopWaitMs ?? STOP_WAIT_MS);
      timer.unref?.();
    });
    await Promise.race([Promise.all([returned, firstCopy]), timeout]);
    clearTimeout(timer);
  }

  // --- helpers ---------------------------------------------------------------

  /**
   * The preroll a timed section is queued with: the break's (the injector sends it first at
   * splice − preroll), or, when the splice is closer than that or the preroll is 0, the time left,
   * so that the first copy goes out at once and never after its splice.
   */
  #sectionPreroll(timeline: FrameTimeline, prerollSeconds: number, frame: number): number {
    const untilFrame = (frame - timeline.frame) / timeline.fps;
    return prerollSeconds > 0 && prerollSeconds <= untilFrame ? prerollSeconds : Math.ceil(untilFrame);
  }

  #prepareSlate(control: OnAirControl, active: ActiveBreak, durationSeconds: number): void {
    control.setGeneratedScene(SLATE_SCENE_ID, [{ sourceId: SLATE_SOURCE_ID, x: 0, y: 0 }]);
    this.#showSlate(control, active, Math.ceil(durationSeconds));
  }

  #showSlate(control: OnAirControl, active: ActiveBreak, secondsLeft: number): void {
    active.slateSecondsShown = secondsLeft;
    const { width, height } = this.#options.frameSize();
    const text = `${this.#settings.slateText}\nBack in ${minutesSeconds(secondsLeft)}`;
    control
      .setGeneratedText(SLATE_SOURCE_ID, text, { width, height, fontSize: Math.round(height / 12), color: '#ffffff', background: '#101820' })
      .catch((error: unknown) => this.#options.log?.warn('the break slate could not be drawn', { error: errorMessage(error) }));
  }

  /** A hook that throws must not leave the deck half way through a state change. */
  #tell(hook: () => void): void {
    try {
      hook();
    } catch (error) {
      this.#options.log?.error('a break hook failed', { error: errorMessage(error) });
    }
  }

  #publish(): void {
    this.#framesSinceState = 0;
    this.#options.onState(this.status());
  }
}

/** Frame n as a FramePoint: its PTS and wall time from the timeline. */
export function pointOf(timeline: FrameTimeline, frame: number): FramePoint {
  return { frame, pts: timeline.ptsOfFrame(frame), at: new Date(timeline.wallTimeOf(frame)).toISOString() };
}
