// The broadcast engine: one object that both hosts (Electron main, `studio serve`) create.
// Pure Node: nothing here or below imports electron.
import path from 'node:path';
import type { Registry } from 'prom-client';
import type { ApiAccess, CommandEnvelope, EngineStatus, FfmpegInfo, Health } from '../../../shared/contract.ts';
import { errorMessage } from '../errors.ts';
import { resolveFfmpegBinaries, type ResolveOptions } from '../encoder/ffmpeg-binaries.ts';
import { missingCapabilities, probeFfmpeg } from '../encoder/ffmpeg-probe.ts';
import type { Logger } from '../log.ts';
import { createMetricsRegistry } from '../stats/metrics.ts';
import { openStore, type Store } from '../store/database.ts';
import type { SecretCipher } from '../store/secret-cipher.ts';
import { usableVideoEncoders } from '../encoder/hardware-encoders.ts';
import { DEFAULT_RTMP_PORT, RtmpIngest } from '../ingest/rtmp-ingest.ts';
import { ProgramRepository } from '../store/program-repository.ts';
import { SettingsRepository } from '../store/settings-repository.ts';
import { StreamKeysRepository } from '../store/stream-keys-repository.ts';
import { OutputsRepository } from '../store/outputs-repository.ts';
import { LifecycleQueue } from './lifecycle-queue.ts';
import { OutputsHost } from './outputs-host.ts';
import { ProgramHost } from './program-host.ts';
import type { ProgramLifecycleEvents } from '../program/on-air-control.ts';
import { StatsCollector } from '../stats/stats-collector.ts';
import { Scte35Log } from '../store/scte35-log.ts';
import { RetentionPruner, retentionPolicyFrom } from '../store/retention.ts';
import { dispatchCommand } from './dispatch.ts';
import { EventBus } from './event-bus.ts';
import { createHandlers, type CallContext, type HandlerTable } from './handlers.ts';
import { ingestStreamEvent } from './ingest-events.ts';
import { describeCueSent } from './scte35-sent.ts';
import { AlertService, CueDeck } from '../cues/index.ts';
import { CuesRepository } from '../store/cues-repository.ts';
import { MediaLibrary } from '../media/library.ts';
import { MediaRepository } from '../store/media-repository.ts';
import { ScheduleService } from '../schedule/schedule-service.ts';
import { ScheduleRepository } from '../store/schedule-repository.ts';
import { Playout } from '../playout/playout.ts';
import { connectScheduleToPlayout } from './schedule-handlers.ts';

export interface EngineOptions {
  dataDir: string;
  version: string;
  host: EngineStatus['host'];
  log: Logger;
  /** Where to look for ffmpeg; defaults to the process environment. */
  ffmpeg?: ResolveOptions;
  /** How often `engine.status` is pushed. */
  statusIntervalMs?: number;
  /** The embedded RTMP ingest; null runs without one. Default port 1935 on loopback. */
  rtmp?: { port: number; bind?: string; handshakeTimeoutMs?: number } | null;
  /** How secrets are kept at rest: the desktop app's OS keychain; headless, plain text in 0600 files. */
  secretCipher?: SecretCipher;
}

interface FfmpegState {
  info: FfmpegInfo | null;
  problems: string[];
  /** libx264, and hardware encoders that passed a trial encode. */
  videoEncoders: string[];
  /** The ffmpeg reads option values from files: outputs keep their secrets out of its argv. */
  optionValuesFromFiles?: boolean;
}

async function locateAndProbeFfmpeg(options: ResolveOptions | undefined, log: Logger): Promise<FfmpegState> {
  let resolved: ReturnType<typeof resolveFfmpegBinaries>;
  try {
    resolved = resolveFfmpegBinaries(options);
  } catch (error) {
    log.error(errorMessage(error));
    return { info: null, problems: [errorMessage(error)], videoEncoders: [] };
  }
  try {
    const capabilities = await probeFfmpeg(resolved.ffmpeg.path);
    const problems = missingCapabilities(capabilities);
    for (const problem of problems) log.warn(problem, { path: resolved.ffmpeg.path });
    log.info(`ffmpeg ${capabilities.version}`, { path: resolved.ffmpeg.path, source: resolved.ffmpeg.source });
    const { usable, trials } = await usableVideoEncoders(resolved.ffmpeg.path, capabilities.encoders);
    for (const trial of trials) if (!trial.usable) log.info(`${trial.encoder} not offered: ${trial.reason}`);
    const { optionValuesFromFiles, ...described } = capabilities;
    if (!optionValuesFromFiles) log.info('this ffmpeg takes SRT passphrases only as command-line arguments: local users can read them in the process list');
    return {
      info: { path: resolved.ffmpeg.path, source: resolved.ffmpeg.source, ffprobePath: resolved.ffprobe?.path ?? null, ...described },
      problems,
      videoEncoders: usable,
      optionValuesFromFiles: optionValuesFromFiles ?? false,
    };
  } catch (error) {
    log.error(errorMessage(error));
    return { info: null, problems: [errorMessage(error)], videoEncoders: [] };
  }
}

export class Engine {
  readonly log: Logger;
  readonly events: EventBus;
  readonly repositories: { settings: SettingsRepository; streamKeys: StreamKeysRepository; program: ProgramRepository; outputs: OutputsRepository };
  readonly metrics: Registry;
  readonly ingest: RtmpIngest | null;
  readonly programHost: ProgramHost;
  readonly outputsHost: OutputsHost;
  readonly stats: StatsCollector;
  readonly scte35Log: Scte35Log;
  readonly retention: RetentionPruner;
  /** The ad-cue deck and the emergency alert, over the program's on-air control. */
  readonly cues: CueDeck;
  readonly alerts: AlertService;
  /** The media library (#14): imported files, probed and measured. */
  readonly media: MediaLibrary;
  /** The channel timeline (#14): edits, the plan playout plays (a PlayoutPlanSource), the guide. */
  readonly schedule: ScheduleService;
  /** The playout (#14): the schedule's layer of on-air control, frame-exact. */
  readonly playout: Playout;

  readonly #options: EngineOptions;
  readonly #store: Store;
  readonly #ffmpeg: FfmpegState;
  readonly #startedAt = new Date();
  readonly #handlers: HandlerTable;
  readonly #statusTimer: NodeJS.Timeout;
  #api: Omit<ApiAccess, 'token'> | null = null;
  #apiToken: string | null = null;
  #closed = false;
  #ingestError: string | null = null;

  static async create(options: EngineOptions): Promise<Engine> {
    const store = openStore(options.dataDir, options.secretCipher ? { cipher: options.secretCipher } : {});
    const ffmpeg = await locateAndProbeFfmpeg(options.ffmpeg, options.log.child('ffmpeg'));
    const engine = new Engine(options, store, ffmpeg);
    await engine.#startIngest();
    return engine;
  }

  private constructor(options: EngineOptions, store: Store, ffmpeg: FfmpegState) {
    this.#options = options;
    this.#store = store;
    this.#ffmpeg = ffmpeg;
    this.log = options.log.child('engine');
    this.events = new EventBus((error) => this.log.error('event listener failed', { error }));
    this.repositories = {
      settings: new SettingsRepository(store.db),
      streamKeys: new StreamKeysRepository(store.db),
      program: new ProgramRepository(store.db),
      outputs: new OutputsRepository(store.db),
    };
    this.scte35Log = new Scte35Log(store.db);
    // One queue for every lifecycle operation of the program and the outputs: see lifecycle-queue.ts.
    const lifecycle = new LifecycleQueue();
    this.outputsHost = new OutputsHost({
      lifecycle,
      repository: this.repositories.outputs,
      dataDir: options.dataDir,
      ffmpegPath: () => this.#ffmpeg.info?.path ?? null,
      optionValuesFromFiles: () => this.#ffmpeg.optionValuesFromFiles === true,
      log: options.log,
      onStatus: (status) => this.events.emit('outputs.status', status),
    });
    const rtmp = options.rtmp === undefined ? { port: DEFAULT_RTMP_PORT } : options.rtmp;
    this.ingest = rtmp
      ? new RtmpIngest({
          storeDir: path.join(options.dataDir, 'ingest'),
          streamKeys: this.repositories.streamKeys,
          logger: options.log.child('ingest'),
          port: rtmp.port,
          ...(rtmp.bind ? { bind: rtmp.bind } : {}),
          ...(rtmp.handshakeTimeoutMs ? { handshakeTimeoutMs: rtmp.handshakeTimeoutMs } : {}),
        })
      : null;
    this.programHost = new ProgramHost({
      lifecycle,
      onStarted: () => this.outputsHost.programStarted(),
      onStopped: () => this.outputsHost.programStopped(),
      repository: this.repositories.program,
      ffmpegPath: () => this.#ffmpeg.info?.path ?? null,
      videoEncoders: () => this.#ffmpeg.videoEncoders,
      live: this.ingest ?? undefined,
      log: options.log,
      onMeters: (event) => this.events.emit('audio.meters', event),
      onTs: (chunk) => this.outputsHost.write(chunk),
      onCueSent: (sent) => {
        try {
          const { event, outcome } = describeCueSent(sent, new Date());
          this.scte35Log.record(event, outcome);
          this.events.emit('scte35.sent', event);
        } catch (error) {
          this.log.error('SCTE-35 log write failed', { error });
        }
      },
      onEncoderRestart: (fromFrame) => {
        this.log.warn(`encoder restarted at frame ${fromFrame}`);
        this.outputsHost.fanout.reset();
      },
      onSourceStatus: (status) =>
        this.events.emit('source.status', {
          id: status.id,
          kind: status.kind,
          state: status.state,
          reason: status.reason,
          framesDecoded: status.framesDecoded,
          framesDropped: status.framesDropped,
          restarts: status.restarts,
        }),
    });
    for (const key of this.repositories.streamKeys.list()) this.log.registerSecret(this.repositories.streamKeys.reveal(key.id).key);
    this.metrics = createMetricsRegistry({
      version: options.version,
      uptimeSeconds: () => this.#uptimeSeconds(),
      ffmpegAvailable: () => this.#ffmpeg.info !== null,
    });
    this.stats = new StatsCollector({
      sources: { program: () => this.programHost.liveStats(), outputs: () => this.outputsHost.statuses() },
      db: store.db,
      log: this.log,
      registry: this.metrics,
      emit: (event) => this.events.emit('stats', event),
    });
    this.retention = new RetentionPruner({
      db: store.db,
      policy: () => retentionPolicyFrom(this.repositories.settings.list()),
      log: this.log.child('retention'),
    });
    this.retention.start();
    const cuesRepository = new CuesRepository(store.db);
    const frameSize = () => {
      const { width, height } = this.programHost.formatSettings();
      return { width, height };
    };
    this.cues = new CueDeck({
      lifecycle: this.programHost.events,
      store: cuesRepository,
      onState: (state) => this.events.emit('cues.state', state),
      onSettings: (settings) => this.events.emit('cues.settings', settings),
      frameSize,
      sceneExists: (id) => this.repositories.program.scenes().some((scene) => scene.id === id),
      log: options.log.child('cues'),
    });
    this.alerts = new AlertService({
      lifecycle: this.programHost.events,
      store: cuesRepository,
      deck: this.cues,
      onState: (state) => this.events.emit('alerts.state', state),
      frameSize,
      log: options.log.child('alerts'),
    });
    const mediaRepository = new MediaRepository(store.db);
    const settingsRepository = this.repositories.settings;
    this.playout = new Playout({
      lifecycle: this.programHost.events,
      // The schedule (engine/schedule) attaches its plan and the playout settings: playout.useSchedule().
      plan: null,
      breaks: this.cues,
      enabledFlag: {
        get: () => settingsRepository.list()['playout.enabled'] === true,
        set: (enabled) => settingsRepository.set('playout.enabled', enabled),
      },
      frameSize,
      onStatus: (status) => this.events.emit('playout.status', status),
      log: options.log.child('playout'),
    });
    // The switch is a setting: settings.set turns it too.
    this.events.subscribe('settings.changed', (all) => {
      const enabled = all['playout.enabled'] === true;
      if (enabled !== this.playout.enabled) this.playout.setEnabled(enabled);
    });
    this.media = new MediaLibrary({
      repository: mediaRepository,
      dataDir: options.dataDir,
      binaries: () => ({ ffmpeg: this.#ffmpeg.info?.path ?? null, ffprobe: this.#ffmpeg.info?.ffprobePath ?? null }),
      onChanged: (items) => this.events.emit('media.changed', items),
      log: options.log.child('media'),
    });
    this.media.resumeAnalyses();
    this.schedule = new ScheduleService({
      repository: new ScheduleRepository(store.db),
      media: mediaRepository,
      sceneName: (id) => this.repositories.program.scenes().find((scene) => scene.id === id)?.name ?? null,
      onChanged: (event) => this.events.emit('schedule.changed', event),
      onSettings: (settings) => this.events.emit('playout.settings', settings),
      log: options.log.child('schedule'),
    });
    this.events.subscribe('settings.changed', () => void this.retention.pruneNow());
    this.events.subscribe('media.changed', () => this.schedule.mediaChanged());
    // The schedule's plan plays through the playout, and schedule.list carries the playout's frames.
    connectScheduleToPlayout(this.schedule, this.playout, this.programHost.events);
    this.#handlers = createHandlers(this);
    this.#statusTimer = setInterval(() => {
      this.events.emit('engine.status', this.status());
      if (this.programHost.events.control) this.events.emit('program.status', this.programHost.status());
    }, options.statusIntervalMs ?? 1000);
    this.#statusTimer.unref();
    this.log.info('engine started', { dataDir: options.dataDir, schemaVersion: store.schemaVersion, host: options.host });
    for (const warning of store.warnings) this.log.error(warning);
  }

  /** The program's start, stopping and stop (the cue deck, the alert and the playout listen here). */
  get programLifecycle(): ProgramLifecycleEvents {
    return this.programHost.events;
  }

  /** Runs a contract command from any transport. */
  dispatch(command: string, args: unknown, context: CallContext): Promise<CommandEnvelope> {
    return dispatchCommand(this.#handlers, command, args, context, this.log);
  }

  health(): Health {
    return {
      ok: this.#ffmpeg.info !== null && this.#ffmpeg.problems.length === 0,
      version: this.#options.version,
      ffmpeg: this.#ffmpeg.info,
      problems: this.#ffmpeg.problems,
    };
  }

  status(): EngineStatus {
    return {
      version: this.#options.version,
      startedAt: this.#startedAt.toISOString(),
      uptimeSeconds: this.#uptimeSeconds(),
      dataDir: this.#options.dataDir,
      host: this.#options.host,
      ffmpeg: this.#ffmpeg.info,
      ffmpegError: this.#ffmpeg.info ? null : (this.#ffmpeg.problems[0] ?? null),
      store: { path: this.#store.path, schemaVersion: this.#store.schemaVersion, warnings: this.#store.warnings },
      api: this.apiAccess(false),
      ingest: {
        url: this.ingest?.running
          ? `rtmp://${this.ingest.bind === '0.0.0.0' ? '<this machine>' : this.ingest.bind}:${this.ingest.port}/${this.ingest.app}`
          : null,
        running: this.ingest?.running ?? false,
        error: this.#ingestError,
      },
    };
  }

  async #startIngest(): Promise<void> {
    const ingest = this.ingest;
    if (!ingest) return;
    try {
      await ingest.start();
    } catch (error) {
      // The rest of the studio works without it: the status bar says why.
      this.#ingestError = errorMessage(error);
      this.log.error(`RTMP ingest not started: ${this.#ingestError}`);
      return;
    }
    const forward = <E extends 'ingest.published' | 'ingest.stats'>(event: E) => ingest.on(event, (info) => this.events.emit(event, ingestStreamEvent(info)));
    forward('ingest.published');
    forward('ingest.stats');
    ingest.on('ingest.unpublished', (event) =>
      this.events.emit('ingest.unpublished', { streamKeyId: event.streamKeyId, streamKeyName: event.streamKeyName, reason: event.reason }),
    );
    ingest.on('ingest.refused', (event) => this.events.emit('ingest.refused', { reason: event.reason, remoteAddress: event.remoteAddress }));
  }

  /** The HTTP host tells the engine where it listens, so clients can show it. */
  setApiAccess(access: Omit<ApiAccess, 'token'>, token: string | null): void {
    this.#api = access;
    this.#apiToken = token;
    if (token) this.log.registerSecret(token);
  }

  /** The token only ever goes to a trusted client, never into status payloads. */
  apiAccess(trusted: boolean): ApiAccess | null {
    if (!this.#api) return null;
    return { ...this.#api, token: trusted ? this.#apiToken : null };
  }

  /**
   * Shuts down in dependency order, each step after the lifecycle operation in flight: the program
   * first (its encoder's last TS and the cues it logs still reach the outputs and the store), then
   * every output (recordings end on a whole packet), the ingest, and the store last, its WAL
   * checkpointed into the database. A step that fails is logged and the next still runs.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#statusTimer);
    const step = async (what: string, action: () => unknown) => {
      try {
        await action();
      } catch (error) {
        this.log.error(`closing: ${what} failed`, { error });
      }
    };
    await step('stats', () => this.stats.close());
    await step('media', () => this.media.close());
    await step('program', () => this.programHost.close());
    await step('cues', () => {
      this.playout.dispose();
      this.alerts.dispose();
      this.cues.dispose();
    });
    await step('outputs', () => this.outputsHost.close());
    await step('ingest', () => this.ingest?.stop());
    await step('retention', () => this.retention.close());
    await step('store checkpoint', () => this.#store.db.pragma('wal_checkpoint(TRUNCATE)'));
    await step('store', () => this.#store.close());
    this.log.info('engine stopped');
  }

  #uptimeSeconds(): number {
    return Math.floor((Date.now() - this.#startedAt.getTime()) / 1000);
  }
}
