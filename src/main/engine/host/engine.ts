// The broadcast engine: one object that both hosts (Electron main, `studio serve`) create.
// Pure Node: nothing here or below imports electron.
import type { Registry } from 'prom-client';
import type {
  ApiAccess,
  CommandEnvelope,
  EngineStatus,
  FfmpegInfo,
  Health,
} from '../../../shared/contract.ts';
import { errorMessage } from '../errors.ts';
import { resolveFfmpegBinaries, type ResolveOptions } from '../encoder/ffmpeg-binaries.ts';
import { missingCapabilities, probeFfmpeg } from '../encoder/ffmpeg-probe.ts';
import type { Logger } from '../log.ts';
import { createMetricsRegistry } from '../stats/metrics.ts';
import { openStore, type Store } from '../store/database.ts';
import { SettingsRepository } from '../store/settings-repository.ts';
import { StreamKeysRepository } from '../store/stream-keys-repository.ts';
import { dispatchCommand } from './dispatch.ts';
import { EventBus } from './event-bus.ts';
import { createHandlers, type CallContext, type HandlerTable } from './handlers.ts';

export interface EngineOptions {
  dataDir: string;
  version: string;
  host: EngineStatus['host'];
  log: Logger;
  /** Where to look for ffmpeg; defaults to the process environment. */
  ffmpeg?: ResolveOptions;
  /** How often `engine.status` is pushed. */
  statusIntervalMs?: number;
}

interface FfmpegState {
  info: FfmpegInfo | null;
  problems: string[];
}

async function locateAndProbeFfmpeg(options: ResolveOptions | undefined, log: Logger): Promise<FfmpegState> {
  let resolved;
  try {
    resolved = resolveFfmpegBinaries(options);
  } catch (error) {
    log.error(errorMessage(error));
    return { info: null, problems: [errorMessage(error)] };
  }
  try {
    const capabilities = await probeFfmpeg(resolved.ffmpeg.path);
    const problems = missingCapabilities(capabilities);
    for (const problem of problems) log.warn(problem, { path: resolved.ffmpeg.path });
    log.info(`ffmpeg ${capabilities.version}`, { path: resolved.ffmpeg.path, source: resolved.ffmpeg.source });
    return {
      info: { path: resolved.ffmpeg.path, source: resolved.ffmpeg.source, ffprobePath: resolved.ffprobe?.path ?? null, ...capabilities },
      problems,
    };
  } catch (error) {
    log.error(errorMessage(error));
    return { info: null, problems: [errorMessage(error)] };
  }
}

export class Engine {
  readonly log: Logger;
  readonly events: EventBus;
  readonly repositories: { settings: SettingsRepository; streamKeys: StreamKeysRepository };
  readonly metrics: Registry;

  readonly #options: EngineOptions;
  readonly #store: Store;
  readonly #ffmpeg: FfmpegState;
  readonly #startedAt = new Date();
  readonly #handlers: HandlerTable;
  readonly #statusTimer: NodeJS.Timeout;
  #api: Omit<ApiAccess, 'token'> | null = null;
  #apiToken: string | null = null;
  #closed = false;

  static async create(options: EngineOptions): Promise<Engine> {
    const store = openStore(options.dataDir);
    const ffmpeg = await locateAndProbeFfmpeg(options.ffmpeg, options.log.child('ffmpeg'));
    return new Engine(options, store, ffmpeg);
  }

  private constructor(options: EngineOptions, store: Store, ffmpeg: FfmpegState) {
    this.#options = options;
    this.#store = store;
    this.#ffmpeg = ffmpeg;
    this.log = options.log.child('engine');
    this.events = new EventBus((error) => this.log.error('event listener failed', { error }));
    this.repositories = { settings: new SettingsRepository(store.db), streamKeys: new StreamKeysRepository(store.db) };
    for (const key of this.repositories.streamKeys.list()) this.log.registerSecret(this.repositories.streamKeys.reveal(key.id).key);
    this.metrics = createMetricsRegistry({
      version: options.version,
      uptimeSeconds: () => this.#uptimeSeconds(),
      ffmpegAvailable: () => this.#ffmpeg.info !== null,
    });
    this.#handlers = createHandlers(this);
    this.#statusTimer = setInterval(() => this.events.emit('engine.status', this.status()), options.statusIntervalMs ?? 1000);
    this.#statusTimer.unref();
    this.log.info('engine started', { dataDir: options.dataDir, schemaVersion: store.schemaVersion, host: options.host });
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
      store: { path: this.#store.path, schemaVersion: this.#store.schemaVersion },
      api: this.apiAccess(false),
    };
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

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#statusTimer);
    this.#store.close();
    this.log.info('engine stopped');
  }

  #uptimeSeconds(): number {
    return Math.floor((Date.now() - this.#startedAt.getTime()) / 1000);
  }
}
