// Every output of the program's one encode: the stored ones (SRT, HLS, recording, RTMP) and the
// built-in preview HLS the host serves at /preview/program/. All get the same TS bytes through one
// fan-out; each starts, stops and reconnects on its own.
import path from 'node:path';
import type { OutputInfo } from '../../../shared/contract.ts';
import {
  parseOutputSettings,
  withKeptSecret,
  type OutputSettings,
  type OutputSettingsEdit,
  type OutputState,
  type OutputStatus,
} from '../../../shared/outputs.ts';
import { EngineError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { createOutput, OutputFanout, type Output } from '../outputs/index.ts';
import type { OutputsRepository, StoredOutput } from '../store/outputs-repository.ts';
import { publicStoredOutput } from '../store/outputs-repository.ts';
import { LifecycleQueue } from './lifecycle-queue.ts';

export const PREVIEW_OUTPUT_ID = 'program';

/**
 * While the program runs, each active output's status is pushed this often (bytes and kbit/s move
 * without a state change): at least once a second for the output cards, with room for timer drift.
 */
export const FIGURES_INTERVAL_MS = 500;

const ACTIVE_STATES: ReadonlySet<OutputState> = new Set(['starting', 'running', 'backoff']);

export interface OutputsHostOptions {
  repository: OutputsRepository;
  dataDir: string;
  ffmpegPath: () => string | null;
  /** The ffmpeg's probe found it reads option values from files (secrets kept out of its argv). */
  optionValuesFromFiles?: () => boolean;
  log: Logger;
  onStatus: (status: OutputStatus) => void;
  /** Serializes start, stop, update and remove; share one with the program host. */
  lifecycle?: LifecycleQueue;
}

export class OutputsHost {
  readonly fanout: OutputFanout;
  readonly previewRoot: string;
  readonly #options: OutputsHostOptions;
  readonly #lifecycle: LifecycleQueue;
  #preview: Output | null = null;
  /**
   * Stored outputs the operator started and has not stopped: a program stop stops them (nothing
   * sends, nothing shows running), and the next program start starts them again.
   */
  readonly #armed = new Set<number>();
  #figuresTimer: NodeJS.Timeout | undefined;

  constructor(options: OutputsHostOptions) {
    this.#options = options;
    this.#lifecycle = options.lifecycle ?? new LifecycleQueue();
    this.previewRoot = path.join(options.dataDir, 'preview');
    this.fanout = new OutputFanout({ logger: options.log.child('outputs') });
    this.fanout.onStatus(options.onStatus);
    for (const secret of options.repository.secrets()) options.log.registerSecret(secret);
  }

  /** The program's TS, every chunk, in order. */
  write(chunk: Buffer): void {
    this.fanout.write(chunk);
  }

  /** The program started: the preview runs whenever the program does. Called inside the program's lifecycle operation. */
  programStarted(): void {
    if (!this.#preview) {
      this.#preview = this.#build(PREVIEW_OUTPUT_ID, { kind: 'hls', name: 'Preview', segmentSeconds: 2, listSize: 6, markers: ['cue', 'daterange'] });
      this.fanout.add(this.#preview);
    }
    this.#preview.start();
    for (const id of this.#armed) {
      if (this.#isActive(id)) continue;
      try {
        this.#startNow(id);
      } catch (error) {
        this.#options.log.error(`output ${id} could not start with the program`, { error });
      }
    }
    clearInterval(this.#figuresTimer);
    this.#figuresTimer = setInterval(() => this.#pushFigures(), FIGURES_INTERVAL_MS);
    this.#figuresTimer.unref();
  }

  /** The program stopped: every output stops with it (the operator's stay armed for the next start). Inside its lifecycle operation. */
  async programStopped(): Promise<void> {
    clearInterval(this.#figuresTimer);
    this.#figuresTimer = undefined;
    await Promise.all([this.#preview?.stop('program stopped'), ...[...this.#armed].map((id) => this.fanout.get(String(id))?.stop('program stopped'))]);
    this.fanout.reset();
  }

  /** The figures of every active output, from their own counters (a state change pushes on its own). */
  #pushFigures(): void {
    for (const output of this.fanout.list()) {
      const status = output.status();
      if (ACTIVE_STATES.has(status.state)) this.#options.onStatus(status);
    }
  }

  list(): OutputInfo[] {
    return this.#options.repository.list().map((output) => this.info(output));
  }

  info(output: StoredOutput): OutputInfo {
    return { ...publicStoredOutput(output), status: this.fanout.get(String(output.id))?.status() ?? null };
  }

  statuses(): OutputStatus[] {
    return this.fanout.statuses();
  }

  create(settings: OutputSettings): OutputInfo {
    this.#checkBuildable(settings);
    const stored = this.#options.repository.create(settings);
    this.#registerSecrets(settings);
    return this.info(stored);
  }

  /** An edit's full settings (a secret kept from the store when asked), validated as a whole: a problem names its field under `settings.`. */
  resolveEdit(id: number, edited: OutputSettingsEdit, keepSecret: boolean): OutputSettings {
    const merged = withKeptSecret(edited, this.#options.repository.get(id).settings, keepSecret);
    const parsed = parseOutputSettings(merged);
    if (parsed.ok) return parsed.settings;
    const field = `settings${parsed.problem.field ? `.${parsed.problem.field}` : ''}`;
    throw new EngineError('BAD_SETTINGS', `outputs.update: argument "${field}" ${parsed.problem.message.replace(/^[\w.]+: /, '')}`, {
      apiCode: 'BAD_ARGUMENT',
      field,
    });
  }

  update(id: number, settings: OutputSettings): Promise<OutputInfo> {
    return this.#lifecycle.run(() => this.#updateNow(id, settings));
  }

  async #updateNow(id: number, settings: OutputSettings): Promise<OutputInfo> {
    this.#checkBuildable(settings);
    const wasRunning = this.#isActive(id);
    const wasArmed = this.#armed.has(id);
    await this.#discard(id);
    const stored = this.#options.repository.update(id, settings);
    this.#registerSecrets(settings);
    if (wasRunning) this.#startNow(id);
    else if (wasArmed) this.#armed.add(id);
    return this.info(this.#options.repository.get(stored.id));
  }

  remove(id: number): Promise<boolean> {
    return this.#lifecycle.run(async () => {
      await this.#discard(id);
      this.#armed.delete(id);
      return this.#options.repository.remove(id);
    });
  }

  start(id: number): Promise<OutputInfo> {
    return this.#lifecycle.run(() => this.#startNow(id));
  }

  #startNow(id: number): OutputInfo {
    const stored = this.#options.repository.get(id);
    let output = this.fanout.get(String(id));
    if (!output) {
      output = this.#build(String(id), stored.settings);
      this.fanout.add(output);
    }
    output.start();
    this.#armed.add(id);
    return this.info(stored);
  }

  stop(id: number): Promise<OutputInfo> {
    return this.#lifecycle.run(async () => {
      const stored = this.#options.repository.get(id);
      this.#armed.delete(id);
      await this.fanout.get(String(id))?.stop('stopped by the operator');
      return this.info(stored);
    });
  }

  startAll(): Promise<OutputInfo[]> {
    return this.#lifecycle.run(() => {
      for (const output of this.#options.repository.list()) this.#startNow(output.id);
      return this.list();
    });
  }

  stopAll(): Promise<OutputInfo[]> {
    return this.#lifecycle.run(async () => {
      this.#armed.clear();
      await Promise.all(this.#options.repository.list().map((output) => this.fanout.get(String(output.id))?.stop('stopped by the operator')));
      return this.list();
    });
  }

  /** Stops every output (the preview included), after whatever lifecycle operation is in flight. */
  close(): Promise<void> {
    return this.#lifecycle.run(async () => {
      clearInterval(this.#figuresTimer);
      this.#figuresTimer = undefined;
      await Promise.all(this.fanout.list().map((output) => output.stop('studio closing')));
    });
  }

  #isActive(id: number): boolean {
    const state = this.fanout.get(String(id))?.status().state;
    return state !== undefined && state !== 'stopped' && state !== 'idle' && state !== 'failed';
  }

  async #discard(id: number): Promise<void> {
    const output = this.fanout.remove(String(id));
    await output?.stop('settings changed');
  }

  /** Settings that the schema accepts but no output can run with (e.g. no ffmpeg) are refused now. */
  #checkBuildable(settings: OutputSettings): void {
    createOutput('check', settings, this.#context());
  }

  #build(id: string, settings: OutputSettings): Output {
    return createOutput(id, settings, this.#context());
  }

  #context() {
    return {
      ffmpegPath: this.#options.ffmpegPath() ?? 'ffmpeg',
      logger: this.#options.log.child('outputs'),
      previewDir: (id: string) => path.join(this.previewRoot, id),
      optionValuesFromFiles: this.#options.optionValuesFromFiles?.() ?? false,
    };
  }

  #registerSecrets(settings: OutputSettings): void {
    if (settings.kind === 'srt' && settings.passphrase) this.#options.log.registerSecret(settings.passphrase);
    if (settings.kind === 'rtmp') this.#options.log.registerSecret(settings.streamKey);
  }
}
