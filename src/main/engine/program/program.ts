// The live program: one frame clock drives the compositor and the mixer; each frame n goes to the
// one encoder, whose TS passes the SCTE-35 injector and fans out to whoever listens.
//
//   decoders / static layers -> compositor (workers) -> encoder (ffmpeg) -> injector -> TS listeners
//                     PCM     -> mixer ----------------^
//
// Frame n is the master time: its PTS is firstPts + n·90000·den/num, its IDRs fall on n mod G = 0.
// Decoding sources and their slates live in decoded-sources.ts.
import { AudioMixer, type MeterEvent } from '../audio/index.ts';
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
  type Scene,
  type ScheduledSwitch,
  type StaticImage,
  type SwitchRequest,
  type TextStyle,
  type Tick,
} from '../compositor/index.ts';
import type { EncoderProgress } from '../encoder/encoder-args.ts';
import { ProgramEncoder } from '../encoder/program-encoder.ts';
import type { ProgramFormat } from '../encoder/program-format.ts';
import type { LiveInputProvider } from '../ingest/types.ts';
import type { Logger } from '../log.ts';
import { Scte35Injector } from '../mpegts/injector.ts';
import type { SourceStatus } from '../sources/decoder-source.ts';
import { AUDIO_BYTES_PER_SAMPLE, MAX_PTS } from '../media.ts';
import { ProgramError } from './errors.ts';
import { DecodedSources } from './decoded-sources.ts';
import { placeStatic, rasterizeFor } from './static-images.ts';
import { errorMessage } from '../errors.ts';

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
  onMeters?: (event: MeterEvent) => void;
  onSourceStatus?: (status: SourceStatus) => void;
  /** The encoder died and a new one takes over at this frame (a GOP boundary): a TS discontinuity. */
  onEncoderRestart?: (fromFrame: number) => void;
  /** Every copy of an SCTE-35 section that went out on the PID (repeats and heartbeats included). */
  onCueSent?: (sent: CueSent) => void;
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

/** Scene switches waiting for their frame at once: a client cannot grow the queue without bound. */
export const MAX_PENDING_SWITCHES = 64;

/** Frames made before the clock starts; once FFmpeg has read them, it is up. */
const PRIMING_FRAMES = 3;
const ENCODER_READY_TIMEOUT_MS = 10_000;

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

export class Program {
  readonly format: ProgramFormat;
  readonly timing: FrameTiming;
  readonly #options: ProgramOptions;
  readonly #log: Logger;
  readonly #compositor: Compositor;
  readonly #mixer: AudioMixer;
  #ticker: FrameTicker | null = null;
  readonly #decoded: DecodedSources;
  readonly #statics = new Set<string>();
  /** Scenes as the creator made them; what goes on air substitutes slates for frozen sources. */
  readonly #scenes = new Map<string, Scene>();
  readonly #tsListeners = new Set<(chunk: Buffer) => void>();
  // Per-tick buffers, allocated once: a ring of PCM frames (a pipe write holds its buffer until taken).
  readonly #pcmRing: Int16Array[];
  #pcmNext = 0;
  #encoder: ProgramEncoder | null = null;
  /** After an encoder death: the frame (a GOP boundary) its successor starts at; −1 when none is due. */
  #restartAt = -1;
  /** Encoder deaths in a row, each within 10 s of its start: the backoff's exponent. */
  #encoderFailuresInARow = 0;
  /** Encoders started after one died, over the program's life (stats: encoderRestarts). */
  #encoderRestarts = 0;
  #encoderStartedAt = 0;
  #injector: Scte35Injector;
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
    this.format = options.format;
    this.#options = options;
    this.#log = options.logger.child('program');
    this.timing = new FrameTiming(options.format.frameRate);
    const { width, height } = options.format;
    if (width % 2 !== 0 || height % 2 !== 0) throw new ProgramError('BAD_FORMAT', `the program size must be even, got ${width}x${height}`, { field: 'width' });
    const compositorOptions = { width, height, onFrame: this.#onFrame, onError: (error: Error) => this.#log.error('compose failed', { error }) };
    // Four frames in flight: a worker held up ~100 ms by a busy core delays frames, it does not drop them.
    // A second of output frames: the encoder may lag that much (x264 warming up) before frames repeat.
    const outputFrames = 4 + Math.ceil(options.format.frameRate.num / options.format.frameRate.den);
    this.#compositor = options.inlineCompositor
      ? Compositor.inline({ ...compositorOptions, outputFrames })
      : new Compositor({ ...compositorOptions, outputFrames, executor: new WorkerExecutor({ layout: frameLayout(width, height), planSlots: 4 }) });
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
    this.#injector = this.#newInjector();
  }

  // --- sources --------------------------------------------------------------

  async addSource(spec: SourceSpec): Promise<void> {
    if (this.#decoded.has(spec.id) || this.#statics.has(spec.id)) throw new ProgramError('CONFLICT', `source ${spec.id} exists`, { field: 'id' });
    switch (spec.kind) {
      case 'image':
        this.#setStatic(spec.id, await rasterizeFor(spec.id, () => rasterizeImage(spec.path, spec.width, spec.height)));
        return;
      case 'color':
        this.#setStatic(spec.id, await rasterizeFor(spec.id, () => rasterizeColor(spec.color, spec.width, spec.height)));
        return;
      case 'text':
        this.#setStatic(spec.id, await rasterizeFor(spec.id, () => rasterizeText(spec.text, spec.width, spec.height, spec.style)));
        return;
      default:
        await this.#decoded.add(spec);
    }
  }

  async removeSource(id: string): Promise<boolean> {
    if (await this.#decoded.remove(id)) return true;
    if (this.#statics.delete(id)) return this.#compositor.removeSource(id);
    return false;
  }

  /** Gain and mute of a decoding source's audio in the mix. */
  setAudio(id: string, gainDb: number, muted: boolean): void {
    this.#decoded.setAudio(id, gainDb, muted);
  }

  sourceStatuses(): SourceStatus[] {
    return this.#decoded.statuses();
  }

  sourceStatus(id: string): SourceStatus | undefined {
    return this.#decoded.status(id);
  }

  #setStatic(id: string, image: StaticImage): void {
    placeStatic(this.#compositor, id, image);
    this.#statics.add(id);
  }

  // --- scenes ---------------------------------------------------------------

  setScene(scene: Scene): void {
    for (const layer of scene.layers) {
      if (!this.#decoded.has(layer.sourceId) && !this.#statics.has(layer.sourceId)) {
        throw new ProgramError('NOT_FOUND', `scene ${scene.id}: layer ${layer.id} uses unknown source ${layer.sourceId}`, { field: 'layers' });
      }
    }
    this.#scenes.set(scene.id, scene);
    this.#compositor.setScene(this.#effectiveScene(scene));
  }

  removeScene(id: string): boolean {
    this.#scenes.delete(id);
    return this.#compositor.removeScene(id);
  }

  /** Switches at an exact frame (atFrame) or on the next frame, by cut or fade. */
  switchScene(request: SwitchRequest): ScheduledSwitch {
    if (!this.#scenes.has(request.sceneId)) throw new ProgramError('NOT_FOUND', `no scene ${request.sceneId}`, { field: 'sceneId' });
    if (this.#compositor.switcher.pending().length >= MAX_PENDING_SWITCHES) {
      throw new ProgramError('BAD_SWITCH', `${MAX_PENDING_SWITCHES} scene switches already wait for their frame`, { field: 'atFrame' });
    }
    try {
      return this.#compositor.switchScene(request);
    } catch (error) {
      throw new ProgramError('BAD_SWITCH', errorMessage(error), { field: 'atFrame', cause: error });
    }
  }

  /** What goes on air for a scene: each frozen live input's layers show its slate instead. */
  #effectiveScene(scene: Scene): Scene {
    const layers: Layer[] = scene.layers.map((layer) => {
      const onAir = this.#decoded.onAir(layer.sourceId);
      return onAir === layer.sourceId ? layer : { ...layer, sourceId: onAir };
    });
    return { id: scene.id, layers };
  }

  #redrawScenesShowing(sourceId: string): void {
    for (const scene of this.#scenes.values()) {
      if (scene.layers.some((layer) => layer.sourceId === sourceId)) this.#compositor.setScene(this.#effectiveScene(scene));
    }
  }

  // --- running ----------------------------------------------------------------

  onTs(listener: (chunk: Buffer) => void): () => void {
    this.#tsListeners.add(listener);
    return () => this.#tsListeners.delete(listener);
  }

  /** Queues a splice_info_section for the SCTE-35 PID (timed by its own splice time). */
  queueCue(section: Uint8Array): number {
    return this.#injector.queue(section);
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
    this.#injector = this.#newInjector();
    this.#startEncoder(0);
    for (let n = 0; n < PRIMING_FRAMES; n++) this.#onTick({ frame: n, lateNs: 0, skip: false });
    const deadline = Date.now() + ENCODER_READY_TIMEOUT_MS;
    for (;;) {
      const encoder = this.#encoder;
      if (!this.#running || !encoder || Date.now() > deadline) break;
      if (encoder.framesWritten >= PRIMING_FRAMES && encoder.backlogFrames === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (!this.#running) return;
    // A stall under ~100 ms (another process on a busy core) is absorbed: frames are made late,
    // not repeated; only a longer one repeats pictures. The encoder's pipe absorbs the lateness.
    this.#ticker = new FrameTicker(this.format.frameRate, this.#onTick, { skipWhenBehindFrames: 3, startFrame: PRIMING_FRAMES });
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
    const encoder = this.#encoder;
    this.#encoder = null;
    await encoder?.stop();
    const tail = this.#injector.flush();
    if (tail.length > 0) this.#emitTs(tail);
    this.#log.info('program stopped', { frames: this.#lastFrame + 1 });
  }

  /** Stops the program and every source; the object cannot be started again. */
  async close(): Promise<void> {
    await this.stop();
    await Promise.all(this.#decoded.ids().map((id) => this.removeSource(id)));
    await this.#compositor.close();
  }

  #startEncoder(fromFrame: number): void {
    const encoder = new ProgramEncoder({
      ffmpegPath: this.#options.ffmpegPath,
      format: this.format,
      startFrame: fromFrame,
      logger: this.#log.child('encoder'),
      // The same injector carries on: its SCTE-35 continuity counter and queued cues survive a restart.
      onTs: (chunk) => this.#emitTs(this.#injector.push(chunk)),
      onExit: () => this.#encoderDied(encoder),
    });
    this.#encoder = encoder;
    this.#encoderStartedAt = Date.now();
    encoder.start();
  }

  /**
   * The frame clock never stops for the encoder: frames go nowhere until a new encoder starts on a
   * later GOP boundary, after a delay that doubles while it keeps dying (1 s, 2 s, … 30 s).
   */
  #encoderDied(encoder: ProgramEncoder): void {
    if (!this.#running || this.#encoder !== encoder) return;
    this.#encoder = null;
    const healthy = Date.now() - this.#encoderStartedAt > 10_000;
    this.#encoderFailuresInARow = healthy ? 1 : this.#encoderFailuresInARow + 1;
    const fps = this.format.frameRate.num / this.format.frameRate.den;
    const delayFrames = Math.round(fps * Math.min(30, 2 ** (this.#encoderFailuresInARow - 1)));
    const gop = this.format.gopFrames;
    this.#restartAt = Math.ceil((this.#lastFrame + delayFrames) / gop) * gop;
    this.#log.error(`the encoder died; a new one starts at frame ${this.#restartAt}`);
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
    const gop = this.format.gopFrames;
    const first = Math.ceil(Math.max(0, from) / gop) * gop;
    return Array.from({ length: count }, (_, i) => first + i * gop);
  }

  /** The PTS of frame n in the outgoing TS (33-bit), once the first video PES is known. */
  ptsOfFrame(n: number): number | null {
    const first = this.#firstPts();
    if (first === null) return null;
    return (first + this.timing.ticksOf(n)) % MAX_PTS;
  }

  stats(): ProgramCounters {
    const compositor = this.#compositor.stats();
    const ticker = this.#ticker?.stats() ?? { lateTicks: 0 };
    const dropped = compositor.dropped;
    const encoder = this.#encoder?.stats();
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
      encoderRestarts: this.#encoderRestarts,
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
      onAir: compositor.onAir,
      scte35Pid: this.#injector.pid,
      firstPts: this.#firstPts(),
    };
  }

  #firstPts(): number | null {
    const demux = this.#injector.demux;
    return demux.frames > 0 && Number.isFinite(demux.minPtsExt) ? demux.minPtsExt % MAX_PTS : null;
  }

  #newInjector(): Scte35Injector {
    const injector = new Scte35Injector(this.#options.scte35Pid === undefined ? {} : { pid: this.#options.scte35Pid });
    // The injector says what it sent, so an immediate section (sent inside queue()) is reported as
    // itself, and nothing here keeps a copy of every section queued.
    injector.onSent = (sent) => {
      this.#options.onCueSent?.({
        section: sent.section,
        splicePts: sent.splicePts,
        clockPts: sent.clockPts,
        heartbeat: sent.sectionIndex < 0,
        copy: sent.copy,
      });
    };
    return injector;
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

  readonly #onTick = (tick: Tick): void => {
    const started = performance.now();
    if (!tick.skip) this.#outputStallPending = false;
    else if (this.#outputStallPending) this.#framesSkippedForOutputs++;
    this.#lastFrame = tick.frame;
    this.#decoded.tick();
    this.#compositor.tick(tick.frame, tick.skip);
    this.#composeMs += performance.now() - started;
    this.#composeSamples++;
  };

  /** Frame n is ready (composed, or the last one repeated): it goes to the encoder with its audio. */
  readonly #onFrame = (n: number, frame: FrameSlot | null, _repeated: boolean): void => {
    const slot = this.#pcmNext;
    const pcm = this.#pcmRing[slot]!;
    this.#pcmNext = (slot + 1) % this.#pcmRing.length;
    const samples = this.timing.samplesFor(n);
    this.#mixer.mix(samples, pcm);
    const view = this.#pcmView(slot, pcm, samples);
    // A write keeps its buffer until FFmpeg takes it: past a ring's worth of backlog, copy instead
    // of letting the ring overwrite audio still queued (only when the encoder lags).
    const audio = (this.#encoder?.backlogFrames ?? 0) >= this.#pcmRing.length - 2 ? view.slice() : view;
    if (n === this.#restartAt && this.#running) {
      this.#restartAt = -1;
      this.#startEncoder(n);
      this.#encoderRestarts++;
      this.#options.onEncoderRestart?.(n);
    }
    const encoder = this.#encoder;
    if (!frame) {
      // Nothing composed yet (no scene): black, so the encoder still gets frame n.
      encoder?.writeFrame(this.#black(), audio, () => {});
      return;
    }
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
