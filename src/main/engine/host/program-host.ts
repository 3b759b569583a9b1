// Binds the stored set-up (format, sources, scenes) to the live Program: builds it on start,
// applies edits to it while it runs, and reports its state for the contract.
import type {
  AudioSettings,
  MetersEvent,
  ProgramFigures,
  ProgramFormatSettings,
  ProgramStatus,
  SceneInfo,
  SourceConfig,
  SourceInfo,
} from '../../../shared/program.ts';
import { FRAME_RATES, textSourceStyle, type Layer, type Scene, type Transition } from '../compositor/index.ts';
import { DEFAULT_PROGRAM_FORMAT, type ProgramFormat } from '../encoder/program-format.ts';
import type { LiveInputProvider } from '../ingest/types.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { Program, type CueSent, type ProgramCounters, type SourceSpec } from '../program/program.ts';
import type { ProgramStats, StatsEvent } from '../../../shared/stats.ts';
import { ProgramError } from '../program/errors.ts';
import type { ProgramLifecycleEvents } from '../program/on-air-control.ts';
import { ProgramLifecycle, STOPPING_TIMEOUT_MS } from '../program/program-lifecycle.ts';
import type { SourceStatus } from '../sources/decoder-source.ts';
import type { ProgramRepository, StoredSource } from '../store/program-repository.ts';
import { LifecycleQueue } from './lifecycle-queue.ts';

export interface ProgramHostOptions {
  repository: ProgramRepository;
  ffmpegPath: () => string | null;
  videoEncoders: () => string[];
  live: LiveInputProvider | undefined;
  log: Logger;
  onMeters: (event: MetersEvent) => void;
  onSourceStatus: (status: SourceStatus) => void;
  onTs?: (chunk: Buffer) => void;
  onEncoderRestart?: (fromFrame: number) => void;
  onCueSent?: (sent: CueSent) => void;
  /** Serializes start, stop, format and source changes; share one with the outputs host. */
  lifecycle?: LifecycleQueue;
  /** Runs inside the lifecycle operation, after the program started (e.g. the preview output). */
  onStarted?: () => void;
  /** Runs inside the lifecycle operation, after the program stopped. */
  onStopped?: () => Promise<void>;
  /** How long a stop waits for its onStopping listeners; default 5 s. */
  stoppingTimeoutMs?: number;
}

export const DEFAULT_FORMAT_SETTINGS: ProgramFormatSettings = {
  width: DEFAULT_PROGRAM_FORMAT.width,
  height: DEFAULT_PROGRAM_FORMAT.height,
  frameRate: '30',
  videoBitrateKbps: DEFAULT_PROGRAM_FORMAT.videoBitrateKbps,
  gopFrames: DEFAULT_PROGRAM_FORMAT.gopFrames,
  x264Preset: DEFAULT_PROGRAM_FORMAT.x264Preset,
  audioBitrateKbps: DEFAULT_PROGRAM_FORMAT.audioBitrateKbps,
  videoEncoder: DEFAULT_PROGRAM_FORMAT.videoEncoder,
};

/** The figures clients see of a running program, in its status and its live stats alike. */
function programFigures(counters: ProgramCounters): ProgramFigures {
  const progress = counters.encoder.progress;
  return {
    frame: counters.frame,
    framesComposed: counters.framesComposed,
    framesRepeated: counters.framesRepeated,
    framesDropped: counters.framesDropped,
    dropReasons: counters.dropReasons,
    encoderRestarts: counters.encoderRestarts,
    composeMsPerFrame: counters.composeMsPerFrame,
    encoder: { fps: progress?.fps ?? null, speed: progress?.speed ?? null, bitrateKbps: progress?.bitrateKbps ?? null },
  };
}

function stoppedFigures(): ProgramFigures {
  return {
    frame: -1,
    framesComposed: 0,
    framesRepeated: 0,
    framesDropped: 0,
    dropReasons: { skipped: 0, busy: 0, poolExhausted: 0, failed: 0 },
    encoderRestarts: 0,
    composeMsPerFrame: 0,
    encoder: { fps: null, speed: null, bitrateKbps: null },
  };
}

export function toProgramFormat(settings: ProgramFormatSettings): ProgramFormat {
  return { ...settings, frameRate: FRAME_RATES[settings.frameRate] };
}

/** What the program makes of a stored source: its id as text, the fields its kind needs. */
export function sourceSpec(source: StoredSource): SourceSpec {
  const id = String(source.id);
  const config: SourceConfig = source.config;
  switch (config.kind) {
    case 'rtmp':
      return { id, kind: 'rtmp', streamKeyId: config.streamKeyId, width: config.width, height: config.height, fallback: { text: config.slateText } };
    case 'media':
      return { id, kind: 'media', path: config.path, loop: config.loop, startSeconds: config.startSeconds, width: config.width, height: config.height };
    case 'test_pattern':
      return { id, kind: 'test_pattern', toneHz: config.toneHz, width: config.width, height: config.height };
    case 'image':
      return { id, kind: 'image', path: config.path, width: config.width, height: config.height };
    case 'color':
      return { id, kind: 'color', color: config.color, width: config.width, height: config.height };
    case 'text':
      return {
        id,
        kind: 'text',
        text: config.text,
        width: config.width,
        height: config.height,
        style: textSourceStyle(config),
      };
  }
}

/**
 * What the program makes of a stored scene: each layer scaled to its own rect (the cropped part
 * of its source fills it; a layer stored without a size is its source's size), its id
 * "scene:index"; a layer whose source is gone is left out.
 */
export function programScene(scene: SceneInfo, storedSources: StoredSource[]): Scene {
  const sources = new Map(storedSources.map((source) => [source.id, source]));
  const layers: Layer[] = scene.layers.flatMap((layer, index) => {
    const source = sources.get(layer.sourceId);
    if (!source) return [];
    return [
      {
        id: `${scene.id}:${index}`,
        sourceId: String(layer.sourceId),
        rect: { x: layer.x, y: layer.y, width: layer.width ?? source.config.width, height: layer.height ?? source.config.height },
        ...(layer.crop ? { crop: layer.crop } : {}),
        scaled: true,
        opacity: layer.opacity,
        visible: layer.visible,
      },
    ];
  });
  return { id: String(scene.id), layers };
}

export class ProgramHost {
  readonly #options: ProgramHostOptions;
  /** Sources the running program could not start, with why (shown as failed; their layers empty). */
  readonly #unavailable = new Map<number, string>();
  readonly #lifecycle: LifecycleQueue;
  readonly #events: ProgramLifecycle;
  #program: Program | null = null;
  /** The program being stopped: off the host already, but its TS flows until it has closed. */
  #stopping: Program | null = null;
  #closed = false;

  constructor(options: ProgramHostOptions) {
    this.#options = options;
    this.#lifecycle = options.lifecycle ?? new LifecycleQueue();
    this.#events = new ProgramLifecycle(options.log.child('program'));
  }

  /** The program's start, stopping and stop, for the deck, the alert and the playout. */
  get events(): ProgramLifecycleEvents {
    return this.#events;
  }

  get program(): Program | null {
    return this.#program;
  }

  /**
   * The program whose TS still flows: the running one, or the one stopping until it has closed. The
   * UI hears "stopped" only then, so a monitor that opens its feed in between gets that run's last
   * bytes and a clean end, not a refusal.
   */
  get airingProgram(): Program | null {
    return this.#program ?? this.#stopping;
  }

  formatSettings(): ProgramFormatSettings {
    return this.#options.repository.format() ?? DEFAULT_FORMAT_SETTINGS;
  }

  /** Queued behind any start or stop in flight, so it never changes the format under a starting program. */
  setFormat(settings: ProgramFormatSettings): Promise<ProgramFormatSettings> {
    return this.#lifecycle.run(() => this.#setFormatNow(settings));
  }

  #setFormatNow(settings: ProgramFormatSettings): ProgramFormatSettings {
    if (this.#program) throw new ProgramError('RUNNING', 'Stop the program before changing its format.', { field: 'format' });
    const encoders = this.#options.videoEncoders();
    if (!encoders.includes(settings.videoEncoder)) {
      throw new ProgramError('BAD_FORMAT', `Video encoder "${settings.videoEncoder}" is not usable here; usable: ${encoders.join(', ') || 'none'}.`, {
        field: 'videoEncoder',
      });
    }
    this.#options.repository.setFormat(settings);
    return settings;
  }

  /**
   * Starts the program unless it runs; concurrent calls queue and find it running. Answers the
   * status as this call left it (taken inside the queue, before any later call can change it).
   */
  start(): Promise<ProgramStatus> {
    return this.#lifecycle.run(async () => {
      await this.#startNow();
      return this.status();
    });
  }

  /** Stops the program if it runs; a stop asked during a start waits for it, then stops. */
  stop(): Promise<ProgramStatus> {
    return this.#lifecycle.run(async () => {
      await this.#stopNow();
      return this.status();
    });
  }

  /** Stops the program after whatever is in flight, and refuses any later start (the studio is closing). */
  close(): Promise<void> {
    return this.#lifecycle.run(async () => {
      this.#closed = true;
      await this.#stopNow();
    });
  }

  async #startNow(): Promise<void> {
    if (this.#program) return;
    if (this.#closed) throw new ProgramError('CLOSING', 'The studio is shutting down.');
    const ffmpegPath = this.#options.ffmpegPath();
    if (!ffmpegPath) throw new ProgramError('NOT_RUNNING', 'No usable ffmpeg: see the status bar for what was tried.');
    const repository = this.#options.repository;
    const program = new Program({
      format: toProgramFormat(this.formatSettings()),
      ffmpegPath,
      logger: this.#options.log,
      ...(this.#options.live ? { live: this.#options.live } : {}),
      onMeters: (event) => this.#options.onMeters({ master: event.master, sources: event.sources }),
      onSourceStatus: this.#options.onSourceStatus,
      ...(this.#options.onEncoderRestart ? { onEncoderRestart: this.#options.onEncoderRestart } : {}),
      ...(this.#options.onCueSent ? { onCueSent: this.#options.onCueSent } : {}),
      onOperatorScene: (sceneId) => this.#operatorTook(sceneId),
    });
    this.#unavailable.clear();
    try {
      // One source that cannot start (an RTMP source with the ingest off, a file that is no
      // picture) must not keep the program off air: it is left out, shown failed with its reason,
      // and its layers are empty until it is fixed.
      for (const source of repository.sources()) {
        try {
          await this.#addSource(program, source);
        } catch (error) {
          this.#unavailable.set(source.id, errorMessage(error));
          this.#options.log.warn(`source ${source.id} (${source.name}) left out of the program: ${errorMessage(error)}`);
        }
      }
      const master = repository.masterAudio();
      program.setMasterAudio(master.gainDb, master.muted);
      for (const scene of repository.scenes()) program.setScene(this.#scene(scene));
      const onAir = repository.onAirSceneId();
      const first = repository.scenes()[0];
      const sceneId = onAir !== null && repository.scenes().some((scene) => scene.id === onAir) ? onAir : (first?.id ?? null);
      if (sceneId !== null) program.switchScene({ sceneId: String(sceneId) });
    } catch (error) {
      await program.close();
      throw error;
    }
    if (this.#options.onTs) program.onTs(this.#options.onTs);
    this.#program = program;
    try {
      await program.start();
    } catch (error) {
      this.#program = null;
      await program.close();
      throw error;
    }
    this.#options.onStarted?.();
    this.#events.started(program);
  }

  async #stopNow(): Promise<void> {
    const program = this.#program;
    // Before the encoder stops: a break on air sends its return on an IDR the encoder still makes.
    if (program) await this.#events.stopping(this.#options.stoppingTimeoutMs ?? STOPPING_TIMEOUT_MS);
    this.#program = null;
    this.#stopping = program;
    this.#unavailable.clear();
    try {
      await program?.close();
    } finally {
      this.#stopping = null;
    }
    if (program) this.#events.stopped();
    await this.#options.onStopped?.();
  }

  // --- edits while running ----------------------------------------------------

  masterAudio(): AudioSettings {
    return this.#options.repository.masterAudio();
  }

  /**
   * Stored, then applied to the running program from its next frame: nothing restarts. Queued like
   * a source's audio change, so a program starting meanwhile cannot miss it.
   */
  setMasterAudio(audio: AudioSettings): Promise<AudioSettings> {
    return this.#lifecycle.run(async () => {
      this.#options.repository.setMasterAudio(audio);
      this.#program?.setMasterAudio(audio.gainDb, audio.muted);
      return audio;
    });
  }

  // Queued too: a source added while the program starts would otherwise miss it.
  sourceAdded(source: StoredSource): Promise<void> {
    return this.#lifecycle.run(async () => {
      if (this.#program) await this.#addSource(this.#program, source);
    });
  }

  sourceChanged(before: StoredSource, after: StoredSource): Promise<void> {
    return this.#lifecycle.run(() => this.#sourceChangedNow(before, after));
  }

  async #sourceChangedNow(before: StoredSource, after: StoredSource): Promise<void> {
    const program = this.#program;
    if (!program) return;
    if (JSON.stringify(before.config) !== JSON.stringify(after.config)) {
      const scenes = this.#options.repository.scenes();
      await program.removeSource(String(after.id));
      try {
        await this.#addSource(program, after);
        this.#unavailable.delete(after.id);
      } catch (error) {
        // Refused (e.g. a file that is no picture): the program keeps the source as it was.
        await this.#restoreSource(program, before, scenes);
        throw error;
      }
      for (const scene of scenes) program.setScene(this.#scene(scene));
    }
    program.setAudio(String(after.id), after.audio.gainDb, after.audio.muted);
  }

  async #restoreSource(program: Program, source: StoredSource, scenes: SceneInfo[]): Promise<void> {
    try {
      await this.#addSource(program, source);
      for (const scene of scenes) program.setScene(this.#scene(scene));
    } catch (error) {
      this.#options.log.error(`source ${source.id}: could not be restored after a refused change`, { error });
    }
  }

  /** The layers that showed it are already gone from the store; the scenes are set again first. */
  sourceRemoved(id: number): Promise<void> {
    return this.#lifecycle.run(() => this.#sourceRemovedNow(id));
  }

  async #sourceRemovedNow(id: number): Promise<void> {
    this.#unavailable.delete(id);
    const program = this.#program;
    if (!program) return;
    for (const scene of this.#options.repository.scenes()) program.setScene(this.#scene(scene));
    await program.removeSource(String(id));
  }

  sceneChanged(scene: SceneInfo): void {
    this.#program?.setScene(this.#scene(scene));
  }

  sceneRemoved(id: number): void {
    this.#program?.removeScene(String(id));
  }

  /**
   * The operator's switch. Stopped: stored as the scene the next start puts on air. Running: the
   * operator layer holds it from its frame, and it is stored when the operator layer takes it
   * (onOperatorScene, at that frame), not when asked: a switch for a later frame that never comes
   * (the program stops first) stores nothing, and what a break or an alert airs is never stored.
   */
  switchScene(sceneId: number, atFrame: number | undefined, transition: Transition): { sceneId: number; atFrame: number | null } {
    this.#options.repository.scene(sceneId); // NOT_FOUND names the scene
    const program = this.#program;
    if (!program) {
      this.#options.repository.setOnAirSceneId(sceneId);
      return { sceneId, atFrame: null };
    }
    const scheduled = program.switchScene({ sceneId: String(sceneId), ...(atFrame === undefined ? {} : { atFrame }), transition });
    return { sceneId, atFrame: scheduled.atFrame };
  }

  /** The T-bar (Program.setTbar); only while the program runs. */
  tbar(sceneId: number | null, position: number): { sceneId: number | null; position: number; atFrame: number | null } {
    if (sceneId !== null) this.#options.repository.scene(sceneId); // NOT_FOUND names the scene
    const program = this.#program;
    if (!program) throw new ProgramError('NOT_RUNNING', 'The program is not running: the T-bar moves what is on air.');
    const moved = program.setTbar(sceneId === null ? null : String(sceneId), position);
    return { sceneId, position: moved.position, atFrame: moved.atFrame };
  }

  /** The operator layer took a scene (inside a frame tick): stored just after, off the frame path. */
  #operatorTook(sceneId: string | null): void {
    if (sceneId === null || !/^\d+$/.test(sceneId)) return;
    setImmediate(() => {
      try {
        this.#options.repository.setOnAirSceneId(Number(sceneId));
      } catch (error) {
        this.#options.log.error(`the on-air scene ${sceneId} could not be stored`, { error });
      }
    });
  }

  /** The figures the stats panel shows, or null while stopped. */
  liveStats(): (ProgramStats & { sources: StatsEvent['sources'] }) | null {
    const program = this.#program;
    if (!program) return null;
    const stats = program.stats();
    const rate = program.format.frameRate;
    return {
      fpsTarget: rate.num / rate.den,
      fps: 0,
      ...programFigures(stats),
      encoderBacklogFrames: stats.encoder.backlogFrames,
      sources: program.sourceStatuses().map((status) => ({
        id: status.id,
        state: status.state,
        reason: status.reason ?? null,
        framesDecoded: status.framesDecoded,
        framesDropped: status.framesDropped,
      })),
    };
  }

  /** The PTS frame n has (or will have) in the outgoing TS. */
  ptsOfFrame(frame: number): number | null {
    if (!this.#program) throw new ProgramError('NOT_RUNNING', 'The program is not running.');
    return this.#program.ptsOfFrame(frame);
  }

  sourceInfo(source: StoredSource): SourceInfo {
    const unavailable = this.#program ? this.#unavailable.get(source.id) : undefined;
    if (unavailable !== undefined) return { ...source, state: 'failed', reason: unavailable };
    const status = this.#program?.sourceStatus(String(source.id));
    return { ...source, state: status?.state ?? null, reason: status?.reason ?? null };
  }

  status(): ProgramStatus {
    const program = this.#program;
    const stats = program?.stats();
    // What airs when it is a creator's scene; else (a break's slate, an alert's card) the operator's choice under it.
    const airing = stats?.onAir ?? null;
    const onAir = airing !== null && /^\d+$/.test(airing) ? airing : (program?.holding('operator') ?? null);
    const nextIdrFrames = program ? program.nextIdrFrames(3) : [];
    return {
      running: program !== null,
      format: this.formatSettings(),
      ...(stats ? programFigures(stats) : stoppedFigures()),
      nextIdrFrames,
      nextIdrPts: nextIdrFrames.map((frame) => program?.ptsOfFrame(frame) ?? null),
      onAirSceneId: onAir === null ? this.#options.repository.onAirSceneId() : Number(onAir),
      outputStalls: stats?.outputStalls ?? { stalls: 0, framesSkipped: 0 },
      scte35Pid: stats && stats.scte35Pid >= 0 ? stats.scte35Pid : null,
      videoEncoders: this.#options.videoEncoders(),
    };
  }

  async #addSource(program: Program, source: StoredSource): Promise<void> {
    await program.addSource(sourceSpec(source));
    program.setAudio(String(source.id), source.audio.gainDb, source.audio.muted);
  }

  /** A scene as the program shows it: layers of sources the program could not start stay empty. */
  #scene(scene: SceneInfo): Scene {
    return programScene(
      scene,
      this.#options.repository.sources().filter((source) => !this.#unavailable.has(source.id)),
    );
  }
}
