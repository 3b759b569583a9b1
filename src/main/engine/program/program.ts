// The live program: one frame clock drives the compositor and the mixer; each frame n goes to the
// one encoder, whose TS passes the SCTE-35 injector and fans out to whoever listens.
//
//   decoders / static layers -> compositor (workers) -> encoder (ffmpeg) -> injector -> TS listeners
//                     PCM     -> mixer ----------------^
//
// Frame n is the master time: its PTS is firstPts + n·90000·den/num, its IDRs fall on n mod G = 0.
// Decoding sources and their slates live in decoded-sources.ts; the encoder's life and restarts in
// encoder-runner.ts; the SCTE-35 PID in cue-channel.ts; actions at frames in frame-timeline.ts;
// who holds the picture in on-air-arbiter.ts; scenes that are not the creator's (slates, cards,
// crawls over the program) in generated-scenes.ts. This file is the core: clock, compositor, mixer.
import { AudioMixer, type MeterEvent, type PreFaderTap } from '../audio/index.ts';
import {
  Compositor,
  frameLayout,
  FrameTicker,
  WorkerExecutor,
  FrameTiming,
  rasterizeColor,
  rasterizeImage,
  rasterizeText,
  type FrameSlot,
  type Layer,
  type ProgramView,
  type Scene,
  type ScheduledSwitch,
  type StaticImage,
  type SwitchRequest,
  type TextStyle,
  type Tick,
  type TimeSource,
  type Transition,
  validateTransition,
} from '../compositor/index.ts';
import type { EncoderProgress } from '../encoder/encoder-args.ts';
import type { ProgramFormat } from '../encoder/program-format.ts';
import type { LiveInputProvider } from '../ingest/types.ts';
import type { Logger } from '../log.ts';
import type { SourceStatus } from '../sources/decoder-source.ts';
import { AUDIO_BYTES_PER_SAMPLE, MAX_PTS } from '../media.ts';
import { ProgramError } from './errors.ts';
import { DecodedSources } from './decoded-sources.ts';
import { placeStatic, rasterizeFor } from './static-images.ts';
import { StaticViews, type StaticSpec } from './static-views.ts';
import { errorMessage } from '../errors.ts';
import { tuneHeapForMediaThroughput } from '../process/heap-tuning.ts';
import { EncoderRunner } from './encoder-runner.ts';
import { ProgramCueChannel } from './cue-channel.ts';
import { ProgramTimeline } from './frame-timeline.ts';
import { GeneratedScenes } from './generated-scenes.ts';
import { OnAirArbiter } from './on-air-arbiter.ts';
import { AudioFollowsPicture } from './audio-follows-picture.ts';
import {
  ON_AIR_LAYERS,
  type FrameAction,
  type GeneratedLayer,
  type GeneratedTextStyle,
  type MediaStatus,
  type OnAirControl,
  type OnAirLayer,
} from './on-air-control.ts';

/** What a slate says and looks like: shown in place of a live source that froze or never came. */
export interface SlateSpec {
  text: string;
  background?: string;
  style?: TextStyle;
}

export type SourceSpec =
  | { id: string; kind: 'rtmp'; streamKeyId: number; width: number; height: number; fallback?: SlateSpec; fallbackAfterFrames?: number }
  | { id: string; kind: 'media'; path: string; loop?: boolean; startSeconds?: number; width: number; height: number }
  | { id: string; kind: 'test_pattern'; toneHz?: number; width: number; height: number }
  | { id: string; kind: 'image'; path: string; width: number; height: number }
  | { id: string; kind: 'color'; color: string; width: number; height: number }
  | { id: string; kind: 'text'; text: string; style?: TextStyle; width: number; height: number };

export interface ProgramOptions {
  format: ProgramFormat;
  ffmpegPath: string;
  logger: Logger;
  /** The RTMP ingest, for 'rtmp' sources. */
  live?: LiveInputProvider;
  /** SCTE-35 PID; default the injector's first free PID. */
  scte35Pid?: number;
  /** Compose on this thread instead of the worker pool (tests, one-core machines). */
  inlineCompositor?: boolean;
  /** The frame clock's time; default the real one (tests drive a fake one frame by frame). */
  time?: TimeSource;
  onMeters?: (event: MeterEvent) => void;
  onSourceStatus?: (status: SourceStatus) => void;
  /** The encoder died and a new one takes over at this frame (a GOP boundary): a TS discontinuity. */
  onEncoderRestart?: (fromFrame: number) => void;
  /** Every copy of an SCTE-35 section that went out on the PID (repeats and heartbeats included). */
  onCueSent?: (sent: CueSent) => void;
  /**
   * The operator layer took a scene at `frame` (called inside that frame's tick: keep it short).
   * Only the operator's choices are the on-air scene a studio saves.
   */
  onOperatorScene?: (sceneId: string | null, frame: number) => void;
}

export interface CueSent {
  /** The section as sent, CRC included. */
  section: Uint8Array;
  /** Its splice PTS, or null for an immediate section. */
  splicePts: number | null;
  /** The video clock when it went out. */
  clockPts: number;
  heartbeat: boolean;
  /** How many copies of this section went out so far (1 = the first). */
  copy: number;
}

/** Everything the program counts; the host maps it to what clients see (ProgramStatus, ProgramStats). */
export interface ProgramCounters {
  running: boolean;
  frame: number;
  framesComposed: number;
  framesRepeated: number;
  /** Frames the compositor could not make in time (skipped, busy workers, pool full, failed). */
  framesDropped: number;
  /** Why: the clock was behind (skipped), workers busy, no free output frame, a failed composition. */
  dropReasons: { skipped: number; busy: number; poolExhausted: number; failed: number };
  /**
   * Back-pressure from the outputs. The TS goes to its listeners (the outputs' fan-out) in a
   * synchronous call that must never wait; `stalls` counts calls that spent a frame interval or
   * more of the program thread's CPU time, and `framesSkipped` the frames the clock skipped right after one
   * (counted in dropReasons.skipped too): drops the outputs caused, told apart from a busy CPU's.
   */
  outputStalls: { stalls: number; framesSkipped: number };
  composeMsPerFrame: number;
  lateTicks: number;
  /** Encoders started after one died. */
  encoderRestarts: number;
  /** Per live source: ticks that repeated its last frame (late source) and frames its jitter buffer dropped. */
  sources: Record<string, { repeated: number; overflowed: number }>;
  encoder: { framesWritten: number; backlogFrames: number; progress: EncoderProgress | null; bytesOut: number };
  tsBytesOut: number;
  onAir: string | null;
  scte35Pid: number;
  firstPts: number | null;
}

/** Operator switches waiting for their frame at once: a client cannot grow the timeline without bound. */
export const MAX_PENDING_SWITCHES = 64;

/** The scene that airs when no layer holds one: nothing but the background. */
export const EMPTY_SCENE_ID = 'program:nothing';

/** Frames made before the clock starts; once FFmpeg has read them, it is up. */
const PRIMING_FRAMES = 3;
const ENCODER_READY_TIMEOUT_MS = 10_000;
const CUT: Transition = { kind: 'cut' };
const OPERATOR_LAYER = ON_AIR_LAYERS.indexOf('operator');
const isOperatorHold = (action: FrameAction): boolean => action.kind === 'hold' && action.layer === 'operator';

/**
 * CPU time this thread has used, in ms. An output stall is measured in it, not in wall time, so a
 * busy machine that takes the core away mid-delivery (or a GC elsewhere) is not blamed on the
 * outputs: only work the listeners themselves did on the program's thread counts.
 */
const threadCpuMs: () => number =
  typeof process.threadCpuUsage === 'function'
    ? () => {
        const usage = process.threadCpuUsage();
        return (usage.user + usage.system) / 1000;
      }
    : () => performance.now();

export class Program implements OnAirControl {
  readonly format: ProgramFormat;
  readonly timing: FrameTiming;
  /** Actions at frames: scene holds, cue sections, pause/resume, calls. */
  readonly timeline: ProgramTimeline;
  /** The SCTE-35 PID. */
  readonly cues: ProgramCueChannel;
  readonly #options: ProgramOptions;
  readonly #log: Logger;
  readonly #compositor: Compositor;
  readonly #mixer: AudioMixer;
  readonly #runner: EncoderRunner;
  readonly #arbiter = new OnAirArbiter();
  #ticker: FrameTicker | null = null;
  readonly #decoded: DecodedSources;
  readonly #statics = new Set<string>();
  /** Scaled static layers: each size rasterized once (static-views.ts). */
  readonly #views: StaticViews;
  /** Scenes as the creator made them; what goes on air substitutes slates for frozen sources. */
  readonly #scenes = new Map<string, Scene>();
  /** The deck's slate, the alert's card, the playout's scenes, and overlays over the program. */
  readonly #generated: GeneratedScenes;
  /** The compositor scene on air (set at the frame the arbiter decides it), null before any. */
  #airing: string | null = null;
  readonly #tsListeners = new Set<(chunk: Buffer) => void>();
  /** Composed frames before the encoder (the program monitor); see onComposed. */
  readonly #composedListeners = new Set<(n: number, frame: FrameSlot) => void>();
  // Per-tick buffers, allocated once: a ring of PCM frames (a pipe write holds its buffer until taken).
  readonly #pcmRing: Int16Array[];
  #pcmNext = 0;
  readonly #audio = new AudioFollowsPicture((sceneId, sourceId) => this.#shows(sceneId, sourceId));
  #running = false;
  #tsBytesOut = 0;
  #composeMs = 0;
  #composeSamples = 0;
  #lastFrame = -1;
  #outputStalls = 0;
  #framesSkippedForOutputs = 0;
  /** A TS delivery held the thread since the last frame made on time. */
  #outputStallPending = false;

  constructor(options: ProgramOptions) {
    tuneHeapForMediaThroughput(); // the process runs a live program: see heap-tuning.ts
    this.format = options.format;
    this.#options = options;
    this.#log = options.logger.child('program');
    this.timing = new FrameTiming(options.format.frameRate);
    const { width, height } = options.format;
    if (width % 2 !== 0 || height % 2 !== 0) throw new ProgramError('BAD_FORMAT', `the program size must be even, got ${width}x${height}`, { field: 'width' });
    const compositorOptions = {
      width,
      height,
      onFrame: this.#onFrame,
      // What frame n shows, for its audio mix once it is composed (onFrame, maybe ticks later).
      onView: (n: number, view: Readonly<ProgramView>) => this.#audio.record(n, view.from, view.to),
      onError: (error: Error) => this.#log.error('compose failed', { error }),
    };
    // Four frames in flight: a worker held up ~100 ms by a busy core delays frames, it does not drop them.
    // A second of output frames: the encoder may lag that much (x264 warming up) before frames repeat.
    const outputFrames = 4 + Math.ceil(options.format.frameRate.num / options.format.frameRate.den);
    this.#compositor = options.inlineCompositor
      ? Compositor.inline({ ...compositorOptions, outputFrames })
      : new Compositor({ ...compositorOptions, outputFrames, executor: new WorkerExecutor({ layout: frameLayout(width, height), planSlots: 4 }) });
    this.#compositor.setScene({ id: EMPTY_SCENE_ID, layers: [] });
    this.#mixer = new AudioMixer({ maxSamplesPerFrame: this.timing.maxSamplesPerFrame, ...(options.onMeters ? { onMeters: options.onMeters } : {}) });
    this.#pcmRing = Array.from({ length: 16 }, () => new Int16Array(this.timing.maxSamplesPerFrame * 2));
    this.#decoded = new DecodedSources({
      compositor: this.#compositor,
      mixer: this.#mixer,
      frameRate: options.format.frameRate,
      maxSamplesPerFrame: this.timing.maxSamplesPerFrame,
      ffmpegPath: options.ffmpegPath,
      logger: this.#log,
      ...(options.live ? { live: options.live } : {}),
      ...(options.onSourceStatus ? { onSourceStatus: options.onSourceStatus } : {}),
      onFallbackChange: (sourceId) => this.#redrawScenesShowing(sourceId),
    });
    this.#generated = new GeneratedScenes({
      compositor: this.#compositor,
      frameSize: { width, height },
      creatorScene: (id) => this.#scenes.get(id),
      airedAs: (scene) => this.#effectiveScene(scene),
      reserved: (id) => id === EMPTY_SCENE_ID,
      onPicturesChanged: () => this.#audio.invalidate(),
      onScenesChanged: () => this.#arbiter.invalidate(),
    });
    this.#views = new StaticViews({ compositor: this.#compositor, logger: this.#log, onReady: (sourceId) => this.#redrawScenesShowing(sourceId) });
    this.cues = new ProgramCueChannel({ logger: this.#log, ...(options.scte35Pid === undefined ? {} : { pid: options.scte35Pid }) });
    this.cues.onSent((sent) =>
      this.#options.onCueSent?.({ section: sent.section, splicePts: sent.splicePts, clockPts: sent.clockPts, heartbeat: sent.id < 0, copy: sent.copy }),
    );
    this.timeline = new ProgramTimeline({
      rate: options.format.frameRate,
      gopFrames: options.format.gopFrames,
      logger: this.#log,
      perform: this.#perform,
      ptsOfFrame: (frame) => this.ptsOfFrame(frame),
    });
    this.#runner = new EncoderRunner({
      ffmpegPath: options.ffmpegPath,
      format: options.format,
      logger: this.#log.child('encoder'),
      // The same cue channel carries on: its SCTE-35 continuity counter and queued cues survive a restart.
      onTs: (chunk) => this.#emitTs(this.cues.push(chunk)),
      lastFrame: () => this.#lastFrame,
      ...(options.onEncoderRestart ? { onRestart: options.onEncoderRestart } : {}),
    });
  }

  // --- sources --------------------------------------------------------------

  async addSource(spec: SourceSpec): Promise<void> {
    if (this.#decoded.has(spec.id) || this.#statics.has(spec.id) || this.#generated.hasSource(spec.id)) {
      throw new ProgramError('CONFLICT', `source ${spec.id} exists`, { field: 'id' });
    }
    switch (spec.kind) {
      case 'image':
        this.#setStatic(spec, await rasterizeFor(spec.id, () => rasterizeImage(spec.path, spec.width, spec.height)));
        return;
      case 'color':
        this.#setStatic(spec, await rasterizeFor(spec.id, () => rasterizeColor(spec.color, spec.width, spec.height)));
        return;
      case 'text':
        this.#setStatic(spec, await rasterizeFor(spec.id, () => rasterizeText(spec.text, spec.width, spec.height, spec.style)));
        return;
      default:
        await this.#decoded.add(spec);
        this.#audio.invalidate();
    }
  }

  async removeSource(id: string): Promise<boolean> {
    if (await this.#decoded.remove(id)) return true;
    if (this.#statics.delete(id)) {
      this.#views.removeSource(id);
      return this.#compositor.removeSource(id);
    }
    return false;
  }

  async addPausedMedia(sourceId: string, media: { path: string; startSeconds: number }): Promise<void> {
    const { width, height } = this.format;
    await this.addSource({ id: sourceId, kind: 'media', path: media.path, startSeconds: media.startSeconds, width, height });
    // Before any tick can advance it: add() opens the input synchronously and awaits no timer, and
    // the decoder's first frame comes from a child process started just now.
    this.#setPaused(sourceId, true);
  }

  /** Gain and mute of a decoding source's audio in the mix. */
  setAudio(id: string, gainDb: number, muted: boolean): void {
    this.#decoded.setAudio(id, gainDb, muted);
  }

  /**
   * Listens to a source's audio before its fader and mute (audio monitoring), from the next frame's
   * mix; the function returned stops it. One listener per source: a second replaces the first.
   */
  tapPreFader(sourceId: string, tap: PreFaderTap): () => void {
    this.#mixer.setPreFaderTap(sourceId, tap);
    return () => {
      if (this.#mixer.preFaderTapOf(sourceId) === tap) this.#mixer.setPreFaderTap(sourceId, null);
    };
  }

  /** The master fader: gain and mute on the whole mix, from the next frame (the encoded output and the master meter follow). */
  setMasterAudio(gainDb: number, muted: boolean): void {
    this.#mixer.setMasterGain(gainDb);
    this.#mixer.setMasterMuted(muted);
  }

  sourceStatuses(): SourceStatus[] {
    return this.#decoded.statuses();
  }

  sourceStatus(id: string): SourceStatus | undefined {
    return this.#decoded.status(id);
  }

  mediaStatus(id: string): MediaStatus | undefined {
    const status = this.#decoded.status(id);
    if (!status) return undefined;
    return {
      state: status.state,
      reason: status.reason,
      framesDecoded: status.framesDecoded,
      restarts: status.restarts,
      queuedFrames: this.#decoded.queuedFrames(id),
      queuedAudioSamples: this.#decoded.queuedAudioSamples(id),
    };
  }

  #setStatic(spec: StaticSpec, image: StaticImage): void {
    placeStatic(this.#compositor, spec.id, image);
    this.#statics.add(spec.id);
    this.#views.setSpec(spec);
  }

  // --- scenes ---------------------------------------------------------------

  setScene(scene: Scene): void {
    if (this.#generated.hasScene(scene.id) || scene.id === EMPTY_SCENE_ID)
      throw new ProgramError('CONFLICT', `scene ${scene.id} is generated`, { field: 'id' });
    for (const layer of scene.layers) {
      if (!this.#decoded.has(layer.sourceId) && !this.#statics.has(layer.sourceId)) {
        throw new ProgramError('NOT_FOUND', `scene ${scene.id}: layer ${layer.id} uses unknown source ${layer.sourceId}`, { field: 'layers' });
      }
    }
    const known = this.#scenes.has(scene.id);
    this.#scenes.set(scene.id, scene);
    this.#compositor.setScene(this.#effectiveScene(scene));
    this.#generated.sceneChanged(scene.id);
    this.#sweepViews();
    // A scene held before it existed airs from now on.
    if (!known) this.#arbiter.invalidate();
  }

  removeScene(id: string): boolean {
    if (!this.#scenes.delete(id)) return false;
    this.#generated.dropComposites(id);
    this.#arbiter.invalidate();
    this.#audio.invalidate();
    const removed = this.#compositor.removeScene(id);
    this.#sweepViews();
    return removed;
  }

  /** Static views no creator's scene shows any more are freed. */
  #sweepViews(): void {
    this.#views.sweep([...this.#scenes.values()].flatMap((scene) => scene.layers));
  }

  /**
   * The operator switches, at an exact frame (atFrame) or on the next frame, by cut or fade: the
   * operator layer holds the scene from that frame, and it airs unless a higher layer holds one.
   * Returns the timeline action's id (cancelSwitch takes it back).
   */
  switchScene(request: SwitchRequest): ScheduledSwitch {
    if (!this.#scenes.has(request.sceneId)) throw new ProgramError('NOT_FOUND', `no scene ${request.sceneId}`, { field: 'sceneId' });
    let transition: Transition;
    try {
      transition = validateTransition(request.transition ?? CUT);
    } catch (error) {
      throw new ProgramError('BAD_SWITCH', errorMessage(error), { field: 'atFrame', cause: error });
    }
    if (this.timeline.countPending(isOperatorHold) >= MAX_PENDING_SWITCHES) {
      throw new ProgramError('BAD_SWITCH', `${MAX_PENDING_SWITCHES} scene switches already wait for their frame`, { field: 'atFrame' });
    }
    const atFrame = request.atFrame ?? this.timeline.frame + 1;
    const id = this.timeline.at(atFrame, { kind: 'hold', layer: 'operator', sceneId: request.sceneId, transition });
    return { id, sceneId: request.sceneId, atFrame, transition };
  }

  /**
   * The T-bar, as OBS's: `sceneId` shows over the operator's scene at `position` (0..1) from the next
   * frame and stays there until moved again; 1 completes it (the operator holds the scene from the
   * next frame, by cut: the picture is already all of it); 0 or a null scene lets go. Only while the
   * operator's scene is what airs: a break, an alert or the playout on air refuse it (CONFLICT), and
   * one that takes the air meanwhile ends it (its switch falls due).
   */
  setTbar(sceneId: string | null, position: number): { sceneId: string | null; position: number; atFrame: number | null } {
    if (sceneId === null || position <= 0) {
      this.#compositor.setManualMix(null, 0);
      return { sceneId: null, position: 0, atFrame: null };
    }
    if (!this.#scenes.has(sceneId)) throw new ProgramError('NOT_FOUND', `no scene ${sceneId}`, { field: 'sceneId' });
    if (!Number.isFinite(position) || position > 1)
      throw new ProgramError('BAD_SWITCH', `the T-bar's position is 0..1, got ${position}`, { field: 'position' });
    const decision = this.#arbiter.decision;
    if (decision.overlay !== null || (decision.baseLayer !== -1 && decision.baseLayer !== OPERATOR_LAYER)) {
      const holder = decision.overlay !== null ? 'alert' : ON_AIR_LAYERS[decision.baseLayer];
      throw new ProgramError('CONFLICT', `the T-bar moves the operator's scene only; the ${holder} holds the air now`, { field: 'sceneId' });
    }
    if (position >= 1) {
      // Held until the switch falls due on the next frame, so no frame shows the old scene in between.
      this.#compositor.setManualMix(sceneId, 255);
      const { atFrame } = this.switchScene({ sceneId, transition: CUT });
      return { sceneId, position: 1, atFrame };
    }
    this.#compositor.setManualMix(sceneId, Math.round(position * 255));
    return { sceneId, position, atFrame: null };
  }

  /** Takes back a switch not yet made; false when it was made or never was. */
  cancelSwitch(id: number): boolean {
    return this.timeline.cancel(id);
  }

  holding(layer: OnAirLayer): string | null {
    return this.#arbiter.holding(layer);
  }

  /** What airs: the scene of the highest layer holding one (an overlay, when one is on top), or null. */
  onAirScene(): string | null {
    const airing = this.#airing;
    if (airing === null || airing === EMPTY_SCENE_ID) return null;
    return this.#generated.compositeOf(airing)?.overlay ?? airing;
  }

  /**
   * What goes on air for a scene: each frozen live input's layers show its slate instead, and a
   * scaled static layer its rasterization at its size once that is ready.
   */
  #effectiveScene(scene: Scene): Scene {
    const layers: Layer[] = scene.layers.map((layer) => {
      const onAir = this.#decoded.onAir(layer.sourceId);
      return onAir === layer.sourceId ? this.#views.layerFor(layer) : { ...layer, sourceId: onAir };
    });
    return { id: scene.id, layers };
  }

  #redrawScenesShowing(sourceId: string): void {
    for (const scene of this.#scenes.values()) {
      if (scene.layers.some((layer) => layer.sourceId === sourceId)) {
        this.#compositor.setScene(this.#effectiveScene(scene));
        this.#generated.sceneChanged(scene.id);
      }
    }
  }

  // --- generated scenes (OnAirControl): generated-scenes.ts -------------------

  /**
   * Sets a generated text source. The new picture is rasterized first, then swapped in within one
   * synchronous call between ticks: a scene showing it never has a frame without it.
   */
  async setGeneratedText(sourceId: string, text: string, style: GeneratedTextStyle): Promise<void> {
    if (this.#decoded.has(sourceId) || this.#statics.has(sourceId))
      throw new ProgramError('CONFLICT', `source ${sourceId} is not generated`, { field: 'sourceId' });
    await this.#generated.setText(sourceId, text, style);
  }

  setGeneratedScene(sceneId: string, layers: GeneratedLayer[], options: { overBelow?: boolean } = {}): void {
    this.#generated.setScene(sceneId, layers, options);
  }

  async removeGenerated(id: string): Promise<void> {
    this.#generated.remove(id);
  }

  // --- running ----------------------------------------------------------------

  /**
   * Each frame as the compositor delivered it, before the encoder (the program monitor). Called
   * inside the frame's tick: the frame is valid only during the call; copy what you keep.
   */
  onComposed(listener: (n: number, frame: FrameSlot) => void): () => void {
    this.#composedListeners.add(listener);
    return () => this.#composedListeners.delete(listener);
  }

  onTs(listener: (chunk: Buffer) => void): () => void {
    this.#tsListeners.add(listener);
    return () => this.#tsListeners.delete(listener);
  }

  /** Queues a splice_info_section for the SCTE-35 PID (timed by its own splice time). */
  queueCue(section: Uint8Array): number {
    return this.cues.queue(section);
  }

  /**
   * Starts the encoder, then the frame clock. x264 takes up to a second before it reads its
   * first frame; a clock running meanwhile would leave every output frame held by writes FFmpeg
   * has not taken, and drop frames. So the first frames are made at once, and the clock starts
   * on the next one when FFmpeg has taken them from its pipe (or after a timeout).
   */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.cues.reset();
    this.timeline.anchor(0, Date.now());
    this.#runner.start(0);
    for (let n = 0; n < PRIMING_FRAMES; n++) this.#onTick({ frame: n, lateNs: 0, skip: false });
    const deadline = Date.now() + ENCODER_READY_TIMEOUT_MS;
    for (;;) {
      const encoder = this.#runner.encoder;
      if (!this.#running || !encoder || Date.now() > deadline) break;
      if (encoder.framesWritten >= PRIMING_FRAMES && encoder.backlogFrames === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (!this.#running) return;
    // A stall under ~100 ms (another process on a busy core) is absorbed: frames are made late,
    // not repeated; only a longer one repeats pictures. The encoder's pipe absorbs the lateness.
    this.#ticker = new FrameTicker(this.format.frameRate, this.#onTick, {
      skipWhenBehindFrames: 3,
      startFrame: PRIMING_FRAMES,
      ...(this.#options.time ? { time: this.#options.time } : {}),
    });
    this.timeline.anchor(PRIMING_FRAMES, Date.now());
    this.#ticker.start();
    this.#log.info('program started', {
      width: this.format.width,
      height: this.format.height,
      fps: `${this.format.frameRate.num}/${this.format.frameRate.den}`,
    });
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#ticker?.stop();
    this.#ticker = null;
    await this.#runner.stop();
    const tail = this.cues.flush();
    if (tail.length > 0) this.#emitTs(tail);
    this.#log.info('program stopped', { frames: this.#lastFrame + 1 });
  }

  /** Stops the program and every source; the object cannot be started again. */
  async close(): Promise<void> {
    await this.stop();
    await Promise.all(this.#decoded.ids().map((id) => this.removeSource(id)));
    await this.#compositor.close();
  }

  get running(): boolean {
    return this.#running;
  }

  /** The last frame index ticked, −1 before the first. */
  get frame(): number {
    return this.#lastFrame;
  }

  /** The next `count` frames at or after `from` that the encoder makes IDRs (n mod G = 0). */
  nextIdrFrames(count: number, from = this.#lastFrame + 1): number[] {
    const first = this.timeline.idrAtOrAfter(from);
    const gop = this.format.gopFrames;
    return Array.from({ length: count }, (_, i) => first + i * gop);
  }

  /** The PTS of frame n in the outgoing TS (33-bit), once the first video PES is known. */
  ptsOfFrame(n: number): number | null {
    const first = this.cues.firstPts();
    if (first === null) return null;
    return (first + this.timing.ticksOf(n)) % MAX_PTS;
  }

  stats(): ProgramCounters {
    const compositor = this.#compositor.stats();
    const ticker = this.#ticker?.stats() ?? { lateTicks: 0 };
    const dropped = compositor.dropped;
    const encoder = this.#runner.encoder?.stats();
    const airing = compositor.onAir;
    return {
      running: this.#running,
      frame: this.#lastFrame,
      framesComposed: compositor.composed,
      framesRepeated: compositor.repeatedOutput,
      framesDropped: dropped.skipped + dropped.busy + dropped.poolExhausted + dropped.failed,
      dropReasons: { ...dropped },
      outputStalls: { stalls: this.#outputStalls, framesSkipped: this.#framesSkippedForOutputs },
      composeMsPerFrame: this.#composeSamples === 0 ? 0 : this.#composeMs / this.#composeSamples,
      lateTicks: ticker.lateTicks,
      encoderRestarts: this.#runner.restarts,
      sources: Object.fromEntries(
        this.#decoded.ids().flatMap((id) => {
          const input = compositor.sources[id];
          return input ? [[id, { repeated: input.repeated, overflowed: input.overflowed }]] : [];
        }),
      ),
      encoder: {
        framesWritten: encoder?.framesWritten ?? 0,
        backlogFrames: encoder?.backlogFrames ?? 0,
        progress: encoder?.progress ?? null,
        bytesOut: encoder?.bytesOut ?? 0,
      },
      tsBytesOut: this.#tsBytesOut,
      // The scene on air (the one under an overlay); null for nothing.
      onAir: airing === null || airing === EMPTY_SCENE_ID ? null : (this.#generated.compositeOf(airing)?.base ?? airing),
      scte35Pid: this.cues.pid,
      firstPts: this.cues.firstPts(),
    };
  }

  #emitTs(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#tsBytesOut += chunk.length;
    const started = threadCpuMs();
    for (const listener of this.#tsListeners) {
      try {
        listener(chunk);
      } catch (error) {
        this.#log.error('a TS listener failed', { error });
      }
    }
    if (threadCpuMs() - started >= this.#frameMs) {
      this.#outputStalls++;
      this.#outputStallPending = true;
    }
  }

  get #frameMs(): number {
    return (1000 * this.format.frameRate.den) / this.format.frameRate.num;
  }

  /** A timeline action at its frame (the tick of that frame, before it is composed). */
  readonly #perform = (action: Exclude<FrameAction, { kind: 'call' }>, frame: number): void => {
    switch (action.kind) {
      case 'hold':
        this.#arbiter.hold(action.layer, action.sceneId, action.transition, frame);
        if (action.layer === 'operator') this.#options.onOperatorScene?.(action.sceneId, frame);
        return;
      case 'cue':
        this.cues.queue(action.section, action.options);
        return;
      case 'pause':
      case 'resume':
        this.#setPaused(action.sourceId, action.kind === 'pause');
        return;
    }
  };

  /** A paused decoding source keeps its last frame on its layers and is silent; it resumes where it stopped. */
  #setPaused(sourceId: string, paused: boolean): void {
    if (!this.#compositor.setPaused(sourceId, paused)) {
      this.#log.warn(`cannot ${paused ? 'pause' : 'resume'} source ${sourceId}: it is not a decoding source`);
      return;
    }
    this.#audio.setPaused(sourceId, paused);
  }

  /** Frame n airs what the arbiter decides; the compositor's switcher gets it for exactly that frame. */
  #applyOnAir(n: number): void {
    if (!this.#arbiter.resolve(n, this.#generated.isOverlay, this.#generated.exists)) return;
    const decision = this.#arbiter.decision;
    const target = this.#generated.composition(decision.overlay, decision.base) ?? (this.#airing === null ? null : EMPTY_SCENE_ID);
    if (target === null || target === this.#airing) return;
    this.#airing = target;
    try {
      this.#compositor.switchScene({ sceneId: target, atFrame: n, transition: decision.transition });
    } catch (error) {
      this.#log.error(`frame ${n}: cannot put scene ${target} on air`, { error });
    }
  }

  readonly #onTick = (tick: Tick): void => {
    const started = performance.now();
    const n = tick.frame;
    if (!tick.skip) this.#outputStallPending = false;
    else if (this.#outputStallPending) this.#framesSkippedForOutputs++;
    this.#lastFrame = n;
    this.timeline.run(n);
    this.#applyOnAir(n);
    this.#decoded.tick();
    this.#compositor.tick(n, tick.skip);
    this.#composeMs += performance.now() - started;
    this.#composeSamples++;
    this.timeline.notify(n);
  };

  /** Whether compositor scene `sceneId` shows source `sourceId` (a visible layer of it). */
  #shows(sceneId: string | null, sourceId: string): boolean {
    if (sceneId === null || sceneId === EMPTY_SCENE_ID) return false;
    const composite = this.#generated.compositeOf(sceneId);
    if (composite) return this.#shows(composite.base, sourceId) || this.#shows(composite.overlay, sourceId);
    const scene = this.#generated.sceneOf(sceneId);
    if (!scene) return false;
    for (const layer of scene.layers) if (layer.sourceId === sourceId && layer.visible && layer.opacity > 0) return true;
    return false;
  }

  /** Frame n is ready (composed, or the last one repeated): it goes to the encoder with its audio. */
  readonly #onFrame = (n: number, frame: FrameSlot | null, _repeated: boolean): void => {
    const slot = this.#pcmNext;
    const pcm = this.#pcmRing[slot]!;
    this.#pcmNext = (slot + 1) % this.#pcmRing.length;
    const samples = this.timing.samplesFor(n);
    this.#audio.apply(n, this.#mixer.inputs);
    this.#mixer.mix(samples, pcm);
    const view = this.#pcmView(slot, pcm, samples);
    const encoder = this.#running ? this.#runner.encoderFor(n) : this.#runner.encoder;
    // A write keeps its buffer until FFmpeg takes it: past a ring's worth of backlog, copy instead
    // of letting the ring overwrite audio still queued (only when the encoder lags).
    const audio = (encoder?.backlogFrames ?? 0) >= this.#pcmRing.length - 2 ? view.slice() : view;
    if (!frame) {
      // Nothing composed yet (no scene): black, so the encoder still gets frame n.
      encoder?.writeFrame(this.#black(), audio, () => {});
      return;
    }
    if (this.#composedListeners.size > 0) for (const listener of this.#composedListeners) listener(n, frame);
    if (!encoder) {
      frame.pool.release(frame.index);
      return;
    }
    encoder.writeFrame(frame.i420, audio, () => frame.pool.release(frame.index));
  };

  /** Byte views of the PCM ring per (slot, sample count): made once, so a tick allocates nothing. */
  readonly #pcmViews = new Map<number, Uint8Array>();
  #pcmView(slot: number, pcm: Int16Array, samples: number): Uint8Array {
    const key = slot * 100_000 + samples;
    let view = this.#pcmViews.get(key);
    if (!view) {
      view = new Uint8Array(pcm.buffer, pcm.byteOffset, samples * AUDIO_BYTES_PER_SAMPLE);
      this.#pcmViews.set(key, view);
    }
    return view;
  }

  #blackFrame: Uint8Array | undefined;
  #black(): Uint8Array {
    if (!this.#blackFrame) {
      const { width, height } = this.format;
      const luma = width * height;
      this.#blackFrame = new Uint8Array(luma * 1.5).fill(16, 0, luma).fill(128, luma);
    }
    return this.#blackFrame;
  }
}
