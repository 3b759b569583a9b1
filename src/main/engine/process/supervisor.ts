// Keeps one child process alive: restarts it with exponential backoff (jitter, a cap, reset after
// a healthy run), and when it cannot fix a failure, says so as a state with the reason — never a
// silent stop.
import type { Logger } from '../log.ts';
import type { ChildExit, OwnedChild } from './child.ts';
import { describeChildEnd, ProcessError } from './errors.ts';
import { errorMessage } from '../errors.ts';

export type SupervisorState = 'idle' | 'starting' | 'running' | 'backoff' | 'failed' | 'stopped';

export interface BackoffPolicy {
  /** Delay before the first restart. */
  initialDelayMs: number;
  /** Growth per consecutive failure. */
  factor: number;
  /** The longest delay. */
  maxDelayMs: number;
  /** ± this fraction of the delay, at random, so restarts of many children spread out. 0..1. */
  jitter: number;
  /** A child that ran at least this long counts as healthy: the next delay starts over. */
  healthyAfterMs: number;
  /** Consecutive failures after which the supervisor gives up ('failed'). Infinity by default. */
  maxConsecutiveFailures: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  initialDelayMs: 500,
  factor: 2,
  maxDelayMs: 30_000,
  jitter: 0.2,
  healthyAfterMs: 10_000,
  maxConsecutiveFailures: Number.POSITIVE_INFINITY,
};

/** The delay before restart number `failures` (1 = first restart), jittered and capped. */
export function backoffDelay(failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.max(0, failures - 1);
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** exponent);
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  const jittered = base * (1 - jitter + 2 * jitter * random());
  return Math.round(Math.min(policy.maxDelayMs, Math.max(0, jittered)));
}

/** What to do after the child ended by itself. */
export type ExitVerdict =
  | { action: 'restart' }
  /** A failure restarts cannot fix (file not found, bad arguments): state 'failed' with the reason. */
  | { action: 'fail'; reason: string }
  /** The child's work is done (a file played once): state 'stopped' with the reason. */
  | { action: 'finish'; reason: string };

/** The default: spawn failures cannot be fixed by retrying; anything else is restarted. */
export function defaultVerdict(exit: ChildExit): ExitVerdict {
  if (exit.error?.code === 'SPAWN_FAILED') return { action: 'fail', reason: exit.error.message };
  return { action: 'restart' };
}

export interface StartContext {
  /** 1 for the first start, then 2, 3, ... across restarts. */
  attempt: number;
  /** Call when the child is truly up (first frame decoded...), with runningWhen: 'marked'. */
  markRunning(): void;
}

export interface SupervisorOptions {
  name: string;
  start: (context: StartContext) => OwnedChild;
  policy?: Partial<BackoffPolicy>;
  classify?: (exit: ChildExit) => ExitVerdict;
  /** 'spawned' (default): running as soon as the child exists. 'marked': when start's markRunning is called. */
  runningWhen?: 'spawned' | 'marked';
  logger?: Logger;
  random?: () => number;
}

export interface LastExitSummary {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  message: string;
  stderrTail: readonly string[];
  at: string;
}

export interface SupervisorStatus {
  name: string;
  state: SupervisorState;
  /** Why the state is what it is: the failure that led to backoff or failed, or the stop reason. */
  reason: string | undefined;
  pid: number | undefined;
  /** Starts after the first one, over the supervisor's life. */
  restarts: number;
  consecutiveFailures: number;
  /** In backoff: the delay chosen before the next start. */
  nextDelayMs: number | undefined;
  lastExit: LastExitSummary | undefined;
  /** When the state last changed (ISO 8601). */
  since: string;
}

export type SupervisorListener = (status: SupervisorStatus) => void;

export class Supervisor {
  readonly name: string;
  readonly policy: BackoffPolicy;
  readonly #options: SupervisorOptions;
  readonly #classify: (exit: ChildExit) => ExitVerdict;
  readonly #random: () => number;
  readonly #listeners = new Set<SupervisorListener>();
  #status: SupervisorStatus;
  #child: OwnedChild | undefined;
  #backoffTimer: ReturnType<typeof setTimeout> | undefined;
  #attempts = 0;
  /** Bumped on every start() and stop(): callbacks from an older generation are ignored. */
  #generation = 0;

  constructor(options: SupervisorOptions) {
    this.name = options.name;
    this.#options = options;
    this.policy = { ...DEFAULT_BACKOFF, ...options.policy };
    if (!(this.policy.initialDelayMs >= 0) || !(this.policy.factor >= 1) || !(this.policy.maxDelayMs >= this.policy.initialDelayMs)) {
      throw new ProcessError('BAD_OPTION', 'backoff needs initialDelayMs ≥ 0, factor ≥ 1 and maxDelayMs ≥ initialDelayMs', { field: 'policy' });
    }
    this.#classify = options.classify ?? defaultVerdict;
    this.#random = options.random ?? Math.random;
    this.#status = {
      name: options.name,
      state: 'idle',
      reason: undefined,
      pid: undefined,
      restarts: 0,
      consecutiveFailures: 0,
      nextDelayMs: undefined,
      lastExit: undefined,
      since: new Date().toISOString(),
    };
  }

  get status(): SupervisorStatus {
    return { ...this.#status };
  }

  get state(): SupervisorState {
    return this.#status.state;
  }

  /** The child running now, if any. */
  get child(): OwnedChild | undefined {
    return this.#child;
  }

  /** Calls the listener on every change of status; returns the unsubscribe function. */
  onStatus(listener: SupervisorListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts the child; from 'failed' or 'stopped' too, with the failure count reset. No-op while active. */
  start(): void {
    const state = this.#status.state;
    if (state === 'starting' || state === 'running' || state === 'backoff') return;
    this.#generation++;
    this.#update({ consecutiveFailures: 0, nextDelayMs: undefined });
    this.#launch(this.#generation);
  }

  /** Stops the child (SIGTERM → SIGKILL) and any pending restart; state 'stopped' with the reason. */
  async stop(reason = 'stopped'): Promise<void> {
    this.#generation++;
    clearTimeout(this.#backoffTimer);
    this.#backoffTimer = undefined;
    const child = this.#child;
    this.#child = undefined;
    if (this.#status.state !== 'stopped' && this.#status.state !== 'failed' && this.#status.state !== 'idle') {
      this.#setState('stopped', reason, { pid: undefined, nextDelayMs: undefined });
    }
    if (child) await child.stop(reason);
  }

  #launch(generation: number): void {
    this.#attempts++;
    if (this.#attempts > 1) this.#update({ restarts: this.#status.restarts + 1 });
    this.#setState('starting', this.#status.reason, { nextDelayMs: undefined });
    let child: OwnedChild;
    let marked = false;
    const markRunning = (): void => {
      marked = true;
      if (generation === this.#generation && this.#child === child && this.#status.state === 'starting') {
        this.#setState('running', undefined, {});
      }
    };
    try {
      child = this.#options.start({ attempt: this.#attempts, markRunning });
    } catch (error) {
      const message = errorMessage(error);
      this.#setState('failed', `could not start: ${message}`, { pid: undefined });
      this.#options.logger?.error(`${this.name}: could not start`, { error });
      return;
    }
    this.#child = child;
    this.#update({ pid: child.pid });
    if (this.#options.runningWhen !== 'marked' || marked) {
      if (child.pid !== undefined) this.#setState('running', undefined, {});
    }
    void child.exited.then((exit) => this.#onExit(generation, child, exit));
  }

  #onExit(generation: number, child: OwnedChild, exit: ChildExit): void {
    if (generation !== this.#generation || this.#child !== child) return; // stopped or superseded
    this.#child = undefined;
    const message = exit.error?.message ?? describeChildEnd(exit);
    const lastExit: LastExitSummary = {
      exitCode: exit.exitCode,
      signal: exit.signal,
      timedOut: exit.timedOut,
      message,
      stderrTail: exit.stderrTail,
      at: new Date().toISOString(),
    };
    const verdict = this.#classify(exit);
    if (verdict.action === 'finish') {
      this.#setState('stopped', verdict.reason, { pid: undefined, lastExit });
      return;
    }
    if (verdict.action === 'fail') {
      this.#options.logger?.error(`${this.name}: failed`, { reason: verdict.reason });
      this.#setState('failed', verdict.reason, { pid: undefined, lastExit });
      return;
    }
    const healthy = exit.durationMs >= this.policy.healthyAfterMs;
    const failures = healthy ? 1 : this.#status.consecutiveFailures + 1;
    if (failures >= this.policy.maxConsecutiveFailures) {
      const reason = `gave up after ${failures} failed starts in a row: ${message}`;
      this.#options.logger?.error(`${this.name}: ${reason}`);
      this.#setState('failed', reason, { pid: undefined, lastExit, consecutiveFailures: failures });
      return;
    }
    const delay = backoffDelay(failures, this.policy, this.#random);
    this.#options.logger?.warn(`${this.name}: ended, restarting in ${delay} ms`, { reason: message });
    this.#setState('backoff', message, { pid: undefined, lastExit, consecutiveFailures: failures, nextDelayMs: delay });
    this.#backoffTimer = setTimeout(() => {
      this.#backoffTimer = undefined;
      if (generation === this.#generation) this.#launch(generation);
    }, delay);
  }

  #update(patch: Partial<SupervisorStatus>): void {
    this.#status = { ...this.#status, ...patch };
  }

  #setState(state: SupervisorState, reason: string | undefined, patch: Partial<SupervisorStatus>): void {
    this.#status = { ...this.#status, ...patch, state, reason, since: new Date().toISOString() };
    const snapshot = this.status;
    for (const listener of this.#listeners) {
      try {
        listener(snapshot);
      } catch (error) {
        this.#options.logger?.error(`${this.name}: a status listener threw`, { error });
      }
    }
  }
}
