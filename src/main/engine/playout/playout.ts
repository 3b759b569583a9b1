// The playout: the 'playout' layer of on-air control (alert > break > playout > operator) follows
// the channel's plan, frame-exactly.
//
// Every piece is turned into actions at frames on the program's timeline (frames.ts says which);
// nothing here runs per frame. A media piece's decoder is started `prerollSeconds` ahead, seeked
// accurately to its first frame, and paused, so that frame waits in its buffer (the decoder waits
// behind it, paced by back-pressure); at the start frame the layer holds the piece's scene and the
// source resumes, so the item's first frame is what that frame shows. Its source goes after its
// last frame. A break at a chapter mark runs through the cue deck (startBreakAt: cue-out, slate,
// cue-in, as-run row); the show is paused on the splice frame and resumed on the return frame,
// inside those frames' ticks, so no frame of it is lost or shown twice. A piece whose file is
// missing or whose decoder fails airs the slate, and the status says why: the program never stops.
// A decoder that dies on air is replaced: the slate covers the gap while a new one pre-rolls, and
// the show rejoins on the frame of its file that the schedule says (a few times per piece at most).
import { existsSync } from 'node:fs';
import { DEFAULT_PLAYOUT_SETTINGS, type PlayoutNow, type PlayoutStatus } from '../../../shared/schedule.ts';
import type { BreakAtFrame } from '../cues/deck.ts';
import { framesIn } from '../cues/planner.ts';
import { errorMessage } from '../errors.ts';
import { AUDIO_SAMPLE_RATE } from '../media.ts';
import type { Logger } from '../log.ts';
import type { FrameAction, OnAirControl, ProgramLifecycleEvents } from '../program/on-air-control.ts';
import { loudnessGainDb, type PieceFrames, pieceFrames, seekSecondsFor, type ShowBreak, showPositionAt } from './frames.ts';
import type { PlanPiece, PlayoutPlanSource } from './plan.ts';

export const PLAYOUT_SLATE_SOURCE_ID = 'playout:slate';
export const PLAYOUT_SLATE_SCENE_ID = 'playout:slate';
/** How far ahead the plan is read and turned into actions. */
export const DEFAULT_LOOKAHEAD_SECONDS = 15;
/** How long before its first frame a decoder is started (spawn, open, seek, first frame decoded). */
export const DEFAULT_PREROLL_SECONDS = 3;
/** A break is handed to the deck this long before its splice: its cue-out goes out 4 s ahead (SCTE 35's minimum). */
const BREAK_ARM_SECONDS = 6;
/** How many times a piece whose decoder dies on air is rejoined before the slate takes its rest. */
export const MAX_REJOINS_PER_PIECE = 3;
const STATUS_EVERY_MS = 1000;

export interface PlayoutBreaks {
  startBreakAt(args: BreakAtFrame): { spliceFrame: number; returnFrame: number };
}

export interface PlayoutOptions {
  lifecycle: ProgramLifecycleEvents;
  /** The schedule's plan; null until one is attached (useSchedule): the layer then holds nothing. */
  plan: PlayoutPlanSource | null;
  /** The cue deck: breaks at chapter marks go through it. */
  breaks: PlayoutBreaks;
  /** The persisted on/off switch. */
  enabledFlag: { get(): boolean; set(enabled: boolean): void };
  /** The loudness target and the channel's name (the slate shows it), read when needed; default the contract's defaults. */
  settings?: () => { loudnessTargetLufs: number; channelName: string };
  /** The program's picture size, for the slate. */
  frameSize: () => { width: number; height: number };
  onStatus: (status: PlayoutStatus) => void;
  log?: Logger;
  lookaheadSeconds?: number;
  prerollSeconds?: number;
  /** How a file is found on disk (tests may fake a deletion). */
  fileExists?: (path: string) => boolean;
  /** Plan reads and status pushes while running; default every second. */
  refreshEveryMs?: number;
}

interface Airing {
  key: string;
  piece: PlanPiece;
  frames: PieceFrames;
  /** The frame it takes the air: its start frame, or later when joined mid-piece. */
  fromFrame: number;
  /**
   * Its schedule item's first frame: its own start frame, or the start of the first piece of the
   * same item still planned when it was (a missing item's stand-in is several filler pieces).
   */
  itemStartFrame: number;
  /** The scene the layer holds for it (its show's, a live scene, the slate). */
  sceneId: string;
  /** Its decoder and the generated scene showing it full-frame, or null (live, slate, missing file). */
  sourceId: string | null;
  showSceneId: string | null;
  /** Timeline actions still to run (taken back when the piece is dropped). */
  actions: number[];
  /** The action at its end frame (moved when a trim moves the end). */
  endAction: number | null;
  /** Breaks not yet handed to the deck. */
  pendingBreaks: ShowBreak[];
  /** The break the deck has taken (armed or on air): its splice pauses the show, its end resumes it. */
  breakWithDeck: ShowBreak | null;
  /** A break the deck refused, until its return: the playout's own actions pause the show under the slate. */
  coveredBreak: { splice: number; back: number } | null;
  /** The show is paused (its source not read) under the deck's break, from its splice to its end. */
  paused: boolean;
  problem: string | null;
  started: boolean;
  /** Its decoder's restarts when it took the air: one more since means it started again from its first frame. */
  restartsAtStart: number | null;
  /** Decoders that died on air and were replaced (rejoin). */
  rejoins: number;
  /** Why the slate covers the piece until its new decoder's first frame airs; null otherwise. */
  awaitingRejoin: string | null;
  ended: boolean;
}

/** What identifies a piece across reads of the plan: an edit that changes any of it makes a new piece. */
function keyOf(piece: PlanPiece): string {
  switch (piece.kind) {
    case 'media':
      return `media:${piece.itemId}:${piece.startMs}:${piece.path}:${piece.inSeconds}:${piece.breaks.map((b) => `${b.atSeconds}/${b.durationSeconds}`).join(',')}`;
    case 'live':
      return `live:${piece.itemId}:${piece.startMs}:${piece.sceneId}`;
    case 'filler':
      return `filler:${piece.mediaId}:${piece.startMs}:${piece.path}:${piece.inSeconds}:${piece.standsInFor?.itemId ?? ''}`;
  }
}

function itemIdOf(piece: PlanPiece): number | null {
  return piece.kind === 'filler' ? (piece.standsInFor?.itemId ?? null) : piece.itemId;
}

/** No schedule attached: what the status says. */
export const NO_SCHEDULE_MESSAGE = 'No schedule is attached to the playout: the operator keeps the program.';

export class Playout {
  readonly #options: PlayoutOptions;
  readonly #log: Logger | undefined;
  #plan: PlayoutPlanSource | null;
  #settings: () => { loudnessTargetLufs: number; channelName: string };
  #enabled: boolean;
  #control: OnAirControl | null = null;
  /** Pieces turned into actions, in start order. */
  #airings: Airing[] = [];
  #seq = 0;
  #timer: NodeJS.Timeout | null = null;
  #message: string | null = null;
  #lastStatus = '';
  readonly #unsubscribe: (() => void)[] = [];
  readonly #planListeners = new Set<() => void>();
  #unsubscribePlan: (() => void) | null = null;

  constructor(options: PlayoutOptions) {
    this.#options = options;
    this.#log = options.log;
    this.#plan = options.plan;
    this.#settings = options.settings ?? (() => DEFAULT_PLAYOUT_SETTINGS);
    this.#enabled = options.enabledFlag.get();
    this.#unsubscribe.push(
      options.lifecycle.onStarted((control) => this.#attach(control)),
      options.lifecycle.onStopped(() => this.#detach()),
    );
    if (options.lifecycle.control) this.#attach(options.lifecycle.control);
  }

  dispose(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#detach();
  }

  /**
   * Attaches the schedule: its plan and the playout settings (the loudness target, the channel's
   * name). While the program runs, the plan is read from the next frame on, joined frame-exactly.
   */
  useSchedule(plan: PlayoutPlanSource, settings: () => { loudnessTargetLufs: number; channelName: string }): void {
    this.#unsubscribePlan?.();
    this.#unsubscribePlan = null;
    this.#plan = plan;
    this.#settings = settings;
    if (this.#control) {
      this.#unsubscribePlan = plan.onChanged(() => this.refresh());
      this.refresh();
    }
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  /** Off: the layer lets go from the next frame and the operator has the program. On: the plan takes it, joined frame-exactly. */
  setEnabled(enabled: boolean): PlayoutStatus {
    this.#options.enabledFlag.set(enabled);
    if (enabled !== this.#enabled) {
      this.#enabled = enabled;
      this.#log?.info(enabled ? 'playout on' : 'playout off');
      const control = this.#control;
      if (control) {
        if (enabled) this.refresh();
        else this.#letGo(control);
      }
    }
    return this.#publish(true);
  }

  status(): PlayoutStatus {
    const control = this.#control;
    const state = !this.#enabled ? 'off' : control ? 'playing' : 'idle';
    if (!control || !this.#enabled) return { enabled: this.#enabled, state, now: null, next: null, driftMs: null, message: this.#message };
    const timeline = control.timeline;
    const frame = Math.max(0, timeline.frame);
    const current = this.#airings.find((a) => a.fromFrame <= frame && frame < a.frames.endFrame) ?? null;
    const next = this.#airings.find((a) => a.fromFrame > frame) ?? null;
    const problem = current?.problem ?? next?.problem ?? null;
    return {
      enabled: true,
      state,
      now: current ? this.#describe(current, frame) : null,
      next: next ? this.#describe(next, next.fromFrame) : null,
      driftMs: timeline.frame < 0 ? null : Math.round((timeline.wallTimeOf(timeline.frame) - Date.now()) * 10) / 10,
      message: problem ?? this.#message,
    };
  }

  /**
   * Where item `itemId` airs, once playout has planned it (within the lookahead or on air): its
   * first frame and that frame's PTS in the outgoing TS (null until the encoder's first PES).
   */
  framesOf(itemId: number): { startFrame: number; startPts: number | null } | null {
    const control = this.#control;
    if (!control) return null;
    // A missing item's stand-in (filler, the slate) airs on its frames. Several pieces may make it
    // up: the item's first frame stays the first piece's after that piece has ended.
    const airing = this.#airings.find((a) => itemIdOf(a.piece) === itemId);
    if (!airing) return null;
    return { startFrame: airing.itemStartFrame, startPts: control.timeline.ptsOfFrame(airing.itemStartFrame) };
  }

  /**
   * Called whenever playout plans pieces anew (new ones within the lookahead, or ones an edit took
   * back), so that what `framesOf` answers has changed. Returns the unsubscribe.
   */
  onPlanned(listener: () => void): () => void {
    this.#planListeners.add(listener);
    return () => this.#planListeners.delete(listener);
  }

  /**
   * Whether every decoder on air (or resuming) at `frame` has a frame waiting for it (a pre-rolled
   * one its first) and that frame's audio. The frame clock does not wait for it (a late decoder repeats its last frame);
   * tests driving a fake clock faster than real time wait on it.
   */
  ready(frame: number): boolean {
    const control = this.#control;
    if (!control) return true;
    const samplesPerFrame = Math.ceil(AUDIO_SAMPLE_RATE / control.timeline.fps);
    for (const airing of this.#airings) {
      if (airing.sourceId === null || airing.fromFrame > frame || airing.ended) continue;
      const status = control.mediaStatus(airing.sourceId);
      // A decoder restarting (backoff) is not ready either; one that ended or failed never will be.
      if (!status || status.state === 'ended' || status.state === 'failed' || status.state === 'stopped') continue;
      if (status.queuedFrames === 0 || status.queuedAudioSamples < samplesPerFrame) return false;
    }
    return true;
  }

  // --- reading the plan ---------------------------------------------------------

  /** Reads the plan ahead and turns new pieces into actions; drops planned pieces an edit removed. */
  refresh(): void {
    const control = this.#control;
    if (!control || !this.#enabled) return;
    const plan = this.#plan;
    if (!plan) {
      this.#message = NO_SCHEDULE_MESSAGE;
      return;
    }
    if (this.#message === NO_SCHEDULE_MESSAGE) this.#message = null;
    const { timeline } = control;
    const nextFrame = timeline.frame + 1;
    // A piece planned from here on is pre-rolled; one already under way joins at the first frame its decoder can make.
    const joinFrame = nextFrame + framesIn(this.#prerollSeconds(), timeline.fps);
    const fromMs = timeline.wallTimeOf(nextFrame);
    let pieces: PlanPiece[];
    try {
      pieces = plan.piecesBetween(fromMs, fromMs + (this.#options.lookaheadSeconds ?? DEFAULT_LOOKAHEAD_SECONDS) * 1000);
    } catch (error) {
      this.#message = `The schedule could not be read: ${errorMessage(error)}`;
      this.#log?.error(this.#message);
      return;
    }
    const keys = new Set(pieces.map(keyOf));
    let planned = false;
    // An edit while on air changes only the future: pieces not yet on air that the plan no longer has go.
    for (const airing of this.#airings) {
      if (airing.started || keys.has(airing.key)) continue;
      this.#drop(control, airing);
      planned = true;
    }
    this.#airings = this.#airings.filter((a) => !a.ended);
    const known = new Map(this.#airings.map((a) => [a.key, a]));
    for (const piece of pieces) {
      const existing = known.get(keyOf(piece));
      if (existing) {
        this.#reschedule(control, existing, piece);
        continue;
      }
      const frames = pieceFrames(piece, timeline);
      // Only a decoder needs time to start: a live scene or the slate joins on the next frame.
      const decoded = piece.kind !== 'live' && piece.path !== null;
      const fromFrame = frames.startFrame >= nextFrame ? frames.startFrame : decoded ? joinFrame : nextFrame;
      if (fromFrame >= frames.endFrame) continue;
      const itemId = itemIdOf(piece);
      const sibling = itemId === null ? undefined : this.#airings.find((a) => itemIdOf(a.piece) === itemId);
      const itemStartFrame = sibling ? Math.min(sibling.itemStartFrame, frames.startFrame) : frames.startFrame;
      this.#airings.push(this.#planPiece(control, piece, frames, fromFrame, itemStartFrame));
      planned = true;
    }
    this.#airings.sort((a, b) => a.fromFrame - b.fromFrame);
    this.#watchSources(control);
    this.#publish(false);
    if (planned) this.#notifyPlanned();
  }

  #notifyPlanned(): void {
    for (const listener of this.#planListeners) {
      try {
        listener();
      } catch (error) {
        this.#log?.error('a playout plan listener failed', { error });
      }
    }
  }

  #prerollSeconds(): number {
    return this.#options.prerollSeconds ?? DEFAULT_PREROLL_SECONDS;
  }

  /** The same piece read again: only its end may have moved (a trim of the item on air). */
  #reschedule(control: OnAirControl, airing: Airing, piece: PlanPiece): void {
    if (piece.endMs === airing.piece.endMs) return;
    const frames = pieceFrames(piece, control.timeline);
    if (frames.endFrame <= control.timeline.frame + 1) return;
    airing.piece = piece;
    airing.frames = { ...airing.frames, endFrame: frames.endFrame };
    this.#atEnd(control, airing, frames.endFrame);
  }

  /** The piece ends at `frame` (its last frame is the one before): in place of any end planned before. */
  #atEnd(control: OnAirControl, airing: Airing, frame: number): void {
    if (airing.endAction !== null) control.timeline.cancel(airing.endAction);
    const before = airing.actions.length;
    this.#at(control, airing, frame, { kind: 'call', run: (made) => this.#ended(airing, made) });
    airing.endAction = airing.actions.length > before ? airing.actions.at(-1)! : null;
  }

  /** Turns one piece into its actions, from `fromFrame` (its start frame, or the frame it is joined at). */
  #planPiece(control: OnAirControl, piece: PlanPiece, frames: PieceFrames, fromFrame: number, itemStartFrame: number): Airing {
    const timeline = control.timeline;
    const airing: Airing = {
      key: keyOf(piece),
      piece,
      frames,
      fromFrame,
      itemStartFrame,
      sceneId: PLAYOUT_SLATE_SCENE_ID,
      sourceId: null,
      showSceneId: null,
      actions: [],
      endAction: null,
      // Joined during a break: that one is the slate until its return (frames.ts), not a break to run.
      pendingBreaks: frames.breaks.filter((b) => b.spliceFrame > fromFrame),
      breakWithDeck: null,
      coveredBreak: null,
      paused: false,
      problem: null,
      started: false,
      restartsAtStart: null,
      rejoins: 0,
      awaitingRejoin: null,
      ended: false,
    };
    if (piece.kind === 'filler' && piece.standsInFor)
      airing.problem = `${piece.title} stands in for item ${piece.standsInFor.itemId}: ${piece.standsInFor.reason}`;
    const path = piece.kind === 'live' ? null : piece.path;
    let joinedInBreak: ShowBreak | null = null;
    if (piece.kind === 'live') {
      airing.sceneId = String(piece.sceneId);
    } else if (path !== null && !(this.#options.fileExists ?? existsSync)(path)) {
      airing.problem = `${piece.title}: the file is missing (${path}); the slate is on air in its place.`;
      this.#log?.warn(airing.problem);
    } else if (path !== null) {
      this.#newDecoderIds(airing);
      const position = showPositionAt(frames, fromFrame);
      joinedInBreak = position.inBreak;
      const startSeconds = seekSecondsFor(piece.inSeconds, position.showFrame, timeline.fps);
      const prepareFrame = fromFrame - framesIn(this.#prerollSeconds(), timeline.fps);
      const prepare = () => this.#prepare(control, airing, startSeconds);
      if (prepareFrame <= timeline.frame + 1) prepare();
      else this.#at(control, airing, prepareFrame, { kind: 'call', run: prepare });
    }
    const sourceId = airing.sourceId;
    if (joinedInBreak && sourceId !== null) {
      // Joined during a break (a restart mid-break): the slate until the show's return.
      this.#at(control, airing, fromFrame, { kind: 'hold', layer: 'playout', sceneId: PLAYOUT_SLATE_SCENE_ID });
      this.#at(control, airing, joinedInBreak.returnFrame, { kind: 'hold', layer: 'playout', sceneId: airing.sceneId });
      this.#at(control, airing, joinedInBreak.returnFrame, { kind: 'resume', sourceId });
    } else {
      this.#at(control, airing, fromFrame, { kind: 'hold', layer: 'playout', sceneId: airing.sceneId });
      if (sourceId !== null) this.#at(control, airing, fromFrame, { kind: 'resume', sourceId });
    }
    this.#at(control, airing, fromFrame, { kind: 'call', run: (frame) => this.#started(airing, frame) });
    this.#atEnd(control, airing, frames.endFrame);
    if (sourceId !== null) this.#armNextBreak(control, airing);
    return airing;
  }

  /** Names the piece's next decoder and the generated scene that shows it full-frame. */
  #newDecoderIds(airing: Airing): void {
    const seq = ++this.#seq;
    airing.sourceId = `playout:media:${seq}`;
    airing.sceneId = `playout:show:${seq}`;
    airing.showSceneId = airing.sceneId;
  }

  /** The decoder: started, seeked to the piece's first frame and paused there; gained to the loudness target. */
  #prepare(control: OnAirControl, airing: Airing, startSeconds: number): void {
    const { piece, sourceId, showSceneId } = airing;
    if (sourceId === null || showSceneId === null || piece.kind === 'live' || piece.path === null || airing.ended) return;
    control
      .addPausedMedia(sourceId, { path: piece.path, startSeconds })
      .then(() => {
        // Dropped or failed meanwhile (release already ran, before the source existed): free it here.
        if (airing.sourceId !== sourceId || this.#control !== control) {
          void control.removeSource(sourceId);
          return;
        }
        control.setAudio(sourceId, loudnessGainDb(piece.loudnessLufs, this.#settings().loudnessTargetLufs), false);
        control.setGeneratedScene(showSceneId, [{ sourceId, x: 0, y: 0 }]);
      })
      .catch((error: unknown) => this.#failed(control, airing, `${piece.title}: its decoder could not start (${errorMessage(error)})`));
  }

  /** A piece's source failed: the slate airs in its place from the next frame, and the status says why. */
  #failed(control: OnAirControl, airing: Airing, problem: string, fromFrame = control.timeline.frame + 1): void {
    if (airing.problem === problem || airing.ended) return;
    airing.problem = `${problem}; the slate is on air in its place.`;
    this.#log?.warn(airing.problem);
    airing.sceneId = PLAYOUT_SLATE_SCENE_ID;
    airing.awaitingRejoin = null;
    airing.pendingBreaks = [];
    // Its own actions still to come (holds of the show, resumes, breaks to arm) are taken back.
    for (const id of airing.actions) control.timeline.cancel(id);
    airing.actions = [];
    const frame = Math.max(fromFrame, airing.fromFrame);
    this.#at(control, airing, frame, { kind: 'hold', layer: 'playout', sceneId: PLAYOUT_SLATE_SCENE_ID });
    if (!airing.started) this.#at(control, airing, airing.fromFrame, { kind: 'call', run: (f) => this.#started(airing, f) });
    airing.endAction = null;
    this.#atEnd(control, airing, Math.max(frame, airing.frames.endFrame));
    this.#release(control, airing);
    this.#publish(true);
  }

  /**
   * Once a second: a decoder that failed before its piece took the air puts the slate on air for
   * the piece. One that fails or dies on air (its supervisor would start it again from the frame it
   * first sought to, replaying the show) is replaced: the piece rejoins.
   */
  #watchSources(control: OnAirControl): void {
    for (const airing of this.#airings) {
      if (airing.sourceId === null || airing.ended) continue;
      const status = control.mediaStatus(airing.sourceId);
      if (!status) continue;
      const why = status.reason ?? 'no reason given';
      const died = airing.restartsAtStart !== null && status.restarts > airing.restartsAtStart;
      if (status.state === 'failed' && !airing.started) this.#failed(control, airing, `${airing.piece.title}: its decoder failed (${why})`);
      else if (status.state === 'failed' || died)
        this.#rejoin(control, airing, `${airing.piece.title}: its decoder ${died ? 'stopped' : 'failed'} on air (${why})`);
    }
  }

  /**
   * The piece's decoder died on air: the slate from the next frame, a new decoder pre-rolled to the
   * show frame the schedule gives for the join frame (a preroll ahead), and the show back on that
   * frame. Inside a break the new decoder waits paused for the break's return, as the old one did.
   * Breaks the deck has taken stay with it; the ones not handed over yet are armed again. After
   * MAX_REJOINS_PER_PIECE, or with less than a preroll left, the slate takes the rest of the piece.
   */
  #rejoin(control: OnAirControl, airing: Airing, problem: string): void {
    const timeline = control.timeline;
    const piece = airing.piece;
    const joinFrame = timeline.frame + 1 + framesIn(this.#prerollSeconds(), timeline.fps);
    if (piece.kind === 'live' || airing.rejoins >= MAX_REJOINS_PER_PIECE || joinFrame >= airing.frames.endFrame) {
      this.#failed(control, airing, problem);
      return;
    }
    if (piece.path !== null && !(this.#options.fileExists ?? existsSync)(piece.path)) {
      this.#failed(control, airing, `${problem}, and its file is gone (${piece.path})`);
      return;
    }
    airing.rejoins++;
    airing.awaitingRejoin = problem;
    const position = showPositionAt(airing.frames, joinFrame);
    const offset = piece.inSeconds + position.showFrame / timeline.fps;
    airing.problem = `${problem}; the slate is on air until it rejoins at ${offset.toFixed(1)} s of the file (frame ${joinFrame}).`;
    this.#log?.warn(airing.problem);
    for (const id of airing.actions) control.timeline.cancel(id);
    airing.actions = [];
    airing.endAction = null;
    this.#at(control, airing, timeline.frame + 1, { kind: 'hold', layer: 'playout', sceneId: PLAYOUT_SLATE_SCENE_ID });
    this.#release(control, airing);
    this.#newDecoderIds(airing);
    // The new decoder counts its own restarts from 0.
    airing.restartsAtStart = 0;
    this.#prepare(control, airing, seekSecondsFor(piece.inSeconds, position.showFrame, timeline.fps));
    const sourceId = airing.sourceId!;
    const brk = position.inBreak;
    const covered = airing.coveredBreak;
    if (airing.breakWithDeck !== null && (airing.paused || brk === airing.breakWithDeck)) {
      // The deck's break is on air, or covers the join: its end resumes the new decoder (#armBreak's onEnded).
      this.#at(control, airing, joinFrame, { kind: 'hold', layer: 'playout', sceneId: airing.sceneId });
    } else if (covered !== null && joinFrame >= covered.splice) {
      // In a break the deck refused: the new decoder waits paused under the slate until its return.
      this.#coverBreak(control, airing, sourceId, { splice: covered.splice, back: Math.max(joinFrame, covered.back) }, false);
    } else {
      this.#showBackAt(control, airing, joinFrame, sourceId);
      // A refused break still to come pauses the new decoder as it would have the old one.
      if (covered !== null) this.#coverBreak(control, airing, sourceId, covered, true);
    }
    this.#atEnd(control, airing, airing.frames.endFrame);
    // The next break not handed over yet is armed now, or at the end of the one the deck has (its
    // onEnded), or at the return of the refused one (#coverBreak).
    if (airing.breakWithDeck === null && covered === null) this.#armNextBreak(control, airing);
    this.#publish(true);
  }

  /**
   * A break without the deck's cue (it refused it): from its splice the show is paused under the
   * playout's slate (unless `pauseAtSplice` is false: a rejoin inside it, already paused under the
   * slate), at `back` it resumes, and the next break is armed.
   */
  #coverBreak(control: OnAirControl, airing: Airing, sourceId: string, covered: { splice: number; back: number }, pauseAtSplice: boolean): void {
    const { splice, back } = covered;
    airing.coveredBreak = { splice, back };
    if (pauseAtSplice) {
      this.#at(control, airing, splice, { kind: 'pause', sourceId });
      this.#at(control, airing, splice, { kind: 'hold', layer: 'playout', sceneId: PLAYOUT_SLATE_SCENE_ID });
    }
    this.#showBackAt(control, airing, back, sourceId, () => {
      airing.coveredBreak = null;
      this.#armNextBreak(control, airing);
    });
  }

  /**
   * From `frame` the show is back on air: its scene on the playout layer, its decoder read again,
   * and, after a rejoin, the status told so; then `then` runs, in that frame's tick.
   */
  #showBackAt(control: OnAirControl, airing: Airing, frame: number, sourceId: string, then?: () => void): void {
    this.#at(control, airing, frame, { kind: 'hold', layer: 'playout', sceneId: airing.sceneId });
    this.#at(control, airing, frame, { kind: 'resume', sourceId });
    this.#at(control, airing, frame, {
      kind: 'call',
      run: (made) => {
        this.#rejoined(airing, made);
        then?.();
      },
    });
  }

  /** The show is back on air after a rejoin: the status says what happened, in the past tense. */
  #rejoined(airing: Airing, frame: number): void {
    const problem = airing.awaitingRejoin;
    const piece = airing.piece;
    if (airing.ended || problem === null || piece.kind === 'live') return;
    airing.awaitingRejoin = null;
    const fps = this.#control?.timeline.fps ?? 1;
    const offset = piece.inSeconds + showPositionAt(airing.frames, frame).showFrame / fps;
    airing.problem = `${problem}; the show rejoined at ${offset.toFixed(1)} s of the file (frame ${frame}).`;
    this.#log?.info(airing.problem);
    this.#publish(true);
  }

  // --- breaks at chapter marks ----------------------------------------------------

  /** Hands the next break to the deck `BREAK_ARM_SECONDS` before its splice (or now, when that is past). */
  #armNextBreak(control: OnAirControl, airing: Airing): void {
    const next = airing.pendingBreaks[0];
    if (!next || airing.ended) return;
    const timeline = control.timeline;
    const armFrame = next.spliceFrame - framesIn(BREAK_ARM_SECONDS, timeline.fps);
    if (armFrame > timeline.frame + 1) {
      this.#at(control, airing, armFrame, { kind: 'call', run: () => this.#armBreak(control, airing) });
      return;
    }
    this.#armBreak(control, airing);
  }

  #armBreak(control: OnAirControl, airing: Airing): void {
    const planned = airing.pendingBreaks.shift();
    const sourceId = airing.sourceId;
    if (!planned || sourceId === null || airing.ended) return;
    const timeline = control.timeline;
    // Both run inside the splice's (the return's) tick, before it is composed: an action at that
    // same frame runs in it, so the show is not read from the splice frame and is read again from
    // the return frame. They act on the piece's decoder of that moment: a rejoin may have replaced it.
    const onSpliced = (frame: number) => {
      airing.paused = true;
      if (airing.sourceId !== null) this.#at(control, airing, frame, { kind: 'pause', sourceId: airing.sourceId });
      this.#publish(true);
    };
    const onEnded = (_outcome: string, frame: number | null) => {
      airing.breakWithDeck = null;
      const current = airing.sourceId;
      if (airing.paused) {
        airing.paused = false;
        if (!airing.ended && current !== null) {
          // After a rejoin under the break, the layer holds the slate: the show's (new) scene comes back here.
          this.#showBackAt(control, airing, frame ?? timeline.frame + 1, current);
        }
      }
      this.#armNextBreak(control, airing);
      this.#publish(true);
    };
    try {
      airing.breakWithDeck = planned;
      const plan = this.#options.breaks.startBreakAt({ atFrame: planned.markFrame, durationSeconds: planned.durationSeconds, onSpliced, onEnded });
      if (plan.spliceFrame !== planned.spliceFrame || plan.returnFrame !== planned.returnFrame) {
        this.#log?.warn('a break at a chapter mark was placed elsewhere than planned', { planned, plan });
      }
    } catch (error) {
      airing.breakWithDeck = null;
      // The deck is busy (an operator's break, an alert) or has no PTS yet: the show still pauses for
      // the break's length, under the playout's slate, so the rest of the schedule keeps its frames.
      const why = `${airing.piece.title}: the break at ${planned.atSeconds} s went out without a cue (${errorMessage(error)}); the slate covers it.`;
      this.#message = why;
      this.#log?.warn(why);
      const splice = Math.max(planned.spliceFrame, timeline.frame + 1);
      this.#coverBreak(control, airing, sourceId, { splice, back: splice + (planned.returnFrame - planned.spliceFrame) }, true);
    }
  }

  // --- frames ------------------------------------------------------------------

  #started(airing: Airing, frame: number): void {
    airing.started = true;
    const control = this.#control;
    const status = control && airing.sourceId !== null ? control.mediaStatus(airing.sourceId) : undefined;
    if (control && status?.state === 'failed') {
      // Failed while pre-rolling: the slate from this very frame (a hold at the frame being made runs in it).
      this.#failed(control, airing, `${airing.piece.title}: its decoder failed (${status.reason ?? 'no reason given'})`, frame);
      return;
    }
    airing.restartsAtStart = status?.restarts ?? null;
    // Not ready at its frame: the show's first frames repeat (or are empty) until the decoder catches up.
    if (status?.queuedFrames === 0) this.#log?.warn(`${airing.piece.title}: its decoder had no frame ready at frame ${frame}`);
    this.#publish(true);
  }

  /** After its last frame: the layer lets go unless the next piece holds from this frame; its source goes. */
  #ended(airing: Airing, frame: number): void {
    if (airing.ended) return;
    const control = this.#control;
    airing.ended = true;
    if (!control) return;
    const next = this.#airings.some((a) => a !== airing && !a.ended && a.fromFrame <= frame && frame < a.frames.endFrame);
    if (!next) control.timeline.at(frame, { kind: 'hold', layer: 'playout', sceneId: null });
    for (const id of airing.actions) control.timeline.cancel(id);
    airing.actions = [];
    this.#release(control, airing);
    this.#publish(true);
  }

  /** Frees a piece's decoder and scene (after the tick: never under the frame being made). */
  #release(control: OnAirControl, airing: Airing): void {
    const { sourceId, showSceneId } = airing;
    if (sourceId === null) return;
    airing.sourceId = null;
    airing.showSceneId = null;
    setImmediate(() => {
      if (showSceneId !== null) void control.removeGenerated(showSceneId);
      void control.removeSource(sourceId).catch((error: unknown) => this.#log?.warn(`source ${sourceId} could not be removed: ${errorMessage(error)}`));
    });
  }

  /** A piece not yet on air that the plan no longer has: its actions are taken back and its decoder freed. */
  #drop(control: OnAirControl, airing: Airing): void {
    for (const id of airing.actions) control.timeline.cancel(id);
    airing.actions = [];
    airing.ended = true;
    this.#release(control, airing);
  }

  #at(control: OnAirControl, airing: Airing, frame: number, action: FrameAction): void {
    try {
      airing.actions.push(control.timeline.at(frame, action));
    } catch (error) {
      this.#log?.error(`playout: an action at frame ${frame} was refused: ${errorMessage(error)}`);
    }
  }

  // --- lifecycle -------------------------------------------------------------------

  #attach(control: OnAirControl): void {
    this.#control = control;
    this.#message = null;
    const { width, height } = this.#options.frameSize();
    const { channelName } = this.#settings();
    control.setGeneratedScene(PLAYOUT_SLATE_SCENE_ID, [{ sourceId: PLAYOUT_SLATE_SOURCE_ID, x: 0, y: 0 }]);
    control
      .setGeneratedText(PLAYOUT_SLATE_SOURCE_ID, `${channelName}\nBack soon`, {
        width,
        height,
        fontSize: Math.round(height / 12),
        color: '#ffffff',
        background: '#101820',
      })
      .catch((error: unknown) => this.#log?.warn(`the playout slate could not be drawn: ${errorMessage(error)}`));
    this.#unsubscribePlan = this.#plan?.onChanged(() => this.refresh()) ?? null;
    this.#timer = setInterval(() => {
      this.refresh();
      this.#publish(true);
    }, this.#options.refreshEveryMs ?? STATUS_EVERY_MS);
    this.#timer.unref();
    this.refresh();
    this.#publish(true);
  }

  #detach(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#unsubscribePlan?.();
    this.#unsubscribePlan = null;
    // The program's close frees its sources and actions.
    this.#airings = [];
    if (this.#control) {
      this.#control = null;
      this.#publish(true);
    }
  }

  /** Playout switched off: every planned action is taken back and the layer lets go on the next frame. */
  #letGo(control: OnAirControl): void {
    for (const airing of this.#airings) {
      if (airing.paused && airing.sourceId !== null) airing.paused = false;
      this.#drop(control, airing);
    }
    this.#airings = [];
    control.timeline.at(control.timeline.frame + 1, { kind: 'hold', layer: 'playout', sceneId: null });
  }

  #describe(airing: Airing, frame: number): PlayoutNow {
    const { piece, frames } = airing;
    const fps = this.#control?.timeline.fps ?? 1;
    const position = showPositionAt(frames, Math.max(frame, frames.startFrame));
    const slate = airing.sceneId === PLAYOUT_SLATE_SCENE_ID || airing.awaitingRejoin !== null;
    const kind: PlayoutNow['kind'] = position.inBreak && frame >= frames.startFrame ? 'break' : slate ? 'slate' : piece.kind;
    const offsetSeconds = piece.kind === 'live' ? (frame - frames.startFrame) / fps : piece.inSeconds + position.showFrame / fps;
    return {
      itemId: itemIdOf(piece),
      kind,
      title: piece.title,
      offsetSeconds: Math.max(0, Math.round(offsetSeconds * 1000) / 1000),
      startAt: new Date(piece.startMs).toISOString(),
      endAt: new Date(piece.endMs).toISOString(),
    };
  }

  /** Sends the status when it changed (or always, `force`: the once-a-second push). */
  #publish(force: boolean): PlayoutStatus {
    const status = this.status();
    const { driftMs: _drift, ...rest } = status;
    const fingerprint = JSON.stringify(rest);
    if (force || fingerprint !== this.#lastStatus) {
      this.#lastStatus = fingerprint;
      try {
        this.#options.onStatus(status);
      } catch (error) {
        this.#log?.error('a playout status listener failed', { error });
      }
    }
    return status;
  }
}
