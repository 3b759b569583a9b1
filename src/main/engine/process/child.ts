// One owner per child process, on execa's model: one AbortController whose first reason to stop
// wins; stop escalates SIGTERM → SIGKILL after a grace period; stderr kept as a bounded tail;
// the end reported once, as one outcome with one rich error.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from '../log.ts';
import { describeChildEnd, ProcessError, type ChildFailureDetails } from './errors.ts';
import { trackChild, withParentDeathSignal } from './reaper.ts';
import { StderrTail, type StderrTailOptions } from './stderr-tail.ts';

export const DEFAULT_GRACE_MS = 3000;

export interface OwnedChildOptions {
  command: string;
  args: readonly string[];
  /** A short name for logs: "decoder camera-1", "encoder". Defaults to the program's name. */
  name?: string;
  /** stdin: 'pipe' to write to the child, 'ignore' otherwise (default). */
  stdin?: 'pipe' | 'ignore';
  /** stdout: 'pipe' (default) or 'ignore'. */
  stdout?: 'pipe' | 'ignore';
  /** Extra pipes from the child at fd 3, 4, ... (ffmpeg's pipe:3, pipe:4). Read-only from our side. */
  extraPipes?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Between SIGTERM and SIGKILL. Default 3000 ms. */
  graceMs?: number;
  /** Stop the child (reason "timed out") after this long. No limit by default. */
  timeoutMs?: number;
  /** A caller's signal: aborting it stops the child, with its reason. */
  signal?: AbortSignal;
  stderr?: StderrTailOptions;
  /** Every complete stderr line, already redacted. */
  onStderrLine?: (line: string) => void;
  /** Masks secrets in the command line and stderr lines kept in errors and logs. */
  redact?: (text: string) => string;
  logger?: Logger;
}

/** How a child ended. `error` is set unless it exited with 0 or was stopped on purpose. */
export interface ChildExit extends ChildFailureDetails {
  pid: number | undefined;
  /** Why it was stopped, when it was (the first reason given). */
  stopReason: string | undefined;
  /** SIGTERM was not enough: SIGKILL was sent. */
  escalated: boolean;
  durationMs: number;
  error: ProcessError | undefined;
}

class StopRequest {
  readonly reason: string;
  readonly timedOut: boolean;
  constructor(reason: string, timedOut = false) {
    this.reason = reason;
    this.timedOut = timedOut;
  }
}

function executableProblem(command: string): string | null {
  if (!command.includes('/') && !command.includes('\\')) return null; // looked up on PATH by spawn
  try {
    accessSync(command, constants.X_OK);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'not executable' : `unusable (${code})`;
  }
}

export class OwnedChild {
  readonly name: string;
  readonly process: ChildProcess;
  /** Aborted when the child is asked to stop, whoever asked first; reason is a string. */
  readonly signal: AbortSignal;
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  /** fd 3, 4, ... in order. */
  readonly pipes: readonly Readable[];
  /** Resolves once, when the child is gone and its stderr read; never rejects. */
  readonly exited: Promise<ChildExit>;
  readonly startedAt = Date.now();

  readonly #controller = new AbortController();
  readonly #tail: StderrTail;
  readonly #graceMs: number;
  readonly #commandLine: string;
  readonly #logger: Logger | undefined;
  #escalated = false;
  #wrapped = false;
  #killTimer: ReturnType<typeof setTimeout> | undefined;
  #timeoutTimer: ReturnType<typeof setTimeout> | undefined;
  #exit: ChildExit | undefined;

  constructor(options: OwnedChildOptions) {
    const redact = options.redact ?? ((text: string) => text);
    this.name = options.name ?? path.basename(options.command);
    this.#graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    this.#logger = options.logger;
    this.#commandLine = redact([options.command, ...options.args].join(' '));
    this.#tail = new StderrTail({ ...options.stderr, transform: redact });
    this.signal = this.#controller.signal;

    const extra = options.extraPipes ?? 0;
    const stdio: StdioOptions = [options.stdin ?? 'ignore', options.stdout ?? 'pipe', 'pipe'];
    for (let i = 0; i < extra; i++) stdio.push('pipe');

    let resolveExit!: (exit: ChildExit) => void;
    this.exited = new Promise((resolve) => (resolveExit = resolve));

    const problem = executableProblem(options.command);
    const { file, args } = problem ? { file: options.command, args: [...options.args] } : withParentDeathSignal(options.command, options.args);
    this.#wrapped = file !== options.command;
    this.process = spawn(file, args, {
      stdio,
      env: options.env,
      cwd: options.cwd,
      windowsHide: true,
      // Not detached: the child stays in the studio's process group, so a terminal's Ctrl-C reaches it too.
    });
    this.stdin = this.process.stdin;
    this.stdout = this.process.stdout;
    const pipes: Readable[] = [];
    for (let i = 0; i < extra; i++) pipes.push(this.process.stdio[3 + i] as Readable);
    this.pipes = pipes;
    // A child that dies while we write to it must not crash the studio with EPIPE.
    this.process.stdin?.on('error', () => {});
    this.process.stdout?.on('error', () => {});
    for (const pipe of pipes) pipe.on('error', () => {});

    let spawnError: Error | undefined = problem ? new Error(`${options.command}: ${problem}`) : undefined;
    let stderrEnded: Promise<void> = Promise.resolve();
    const stderr = this.process.stderr;
    if (stderr) {
      stderr.on('data', (chunk: Buffer) => this.#tail.push(chunk, options.onStderrLine));
      stderrEnded = new Promise<void>((resolve) => {
        stderr.once('close', resolve);
        stderr.once('end', resolve);
        stderr.once('error', () => resolve());
      });
    }

    let settled = false;
    const finish = async (exitCode: number | null, signal: NodeJS.Signals | null): Promise<void> => {
      if (settled) return;
      settled = true;
      clearTimeout(this.#killTimer);
      clearTimeout(this.#timeoutTimer);
      // Let the last stderr lines arrive, but never wait on a grandchild holding the pipe open.
      await Promise.race([stderrEnded, new Promise((resolve) => setTimeout(resolve, 250).unref())]);
      this.#tail.flush(options.onStderrLine);
      this.#exit = this.#describe(exitCode, signal, spawnError);
      if (!this.#controller.signal.aborted) this.#controller.abort('exited');
      resolveExit(this.#exit);
    };

    this.process.once('error', (error) => {
      // Spawn failures come here, and may or may not be followed by 'exit'.
      if (this.process.pid === undefined) {
        spawnError = error;
        void finish(null, null);
      }
    });
    this.process.once('exit', (code, signal) => void finish(code, signal));
    if (this.process.pid !== undefined) trackChild(this.process);

    this.signal.addEventListener('abort', () => this.#terminate(), { once: true });
    if (options.signal) {
      const external = options.signal;
      if (external.aborted) this.stop(reasonText(external.reason));
      else {
        const onAbort = (): void => void this.stop(reasonText(external.reason));
        external.addEventListener('abort', onAbort, { once: true });
        void this.exited.then(() => external.removeEventListener('abort', onAbort));
      }
    }
    if (options.timeoutMs !== undefined && options.timeoutMs > 0) {
      this.#timeoutTimer = setTimeout(() => this.#abort(new StopRequest(`timed out after ${options.timeoutMs} ms`, true)), options.timeoutMs);
    }
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** True until the child has exited. */
  get running(): boolean {
    return this.#exit === undefined && this.process.exitCode === null && this.process.signalCode === null;
  }

  /** The kept stderr lines so far, oldest first. */
  stderrTail(): string[] {
    return this.#tail.lines();
  }

  /**
   * Asks the child to stop: SIGTERM now, SIGKILL after the grace period. The first reason given
   * (here, by the caller's signal, or by the time limit) is the one reported.
   */
  stop(reason = 'stopped'): Promise<ChildExit> {
    this.#abort(new StopRequest(reason));
    return this.exited;
  }

  /** Resolves with the exit when it was clean or cancelled; rejects with the rich error otherwise. */
  async result(): Promise<ChildExit> {
    const exit = await this.exited;
    if (exit.error) throw exit.error;
    return exit;
  }

  #abort(request: StopRequest): void {
    if (!this.#controller.signal.aborted) this.#controller.abort(request);
  }

  #terminate(): void {
    if (!this.running) return;
    const request = this.signal.reason as StopRequest | string;
    this.#logger?.debug(`${this.name}: stopping`, { pid: this.pid, reason: reasonText(request) });
    // A child blocked reading its stdin once we stopped writing (ffmpeg reading a pipe) does not
    // end on SIGTERM: the read is restarted after the signal, and it sat out the grace period
    // until SIGKILL. The end of its input ends it at once.
    this.process.stdin?.destroy();
    this.process.kill('SIGTERM');
    this.#killTimer = setTimeout(() => {
      if (!this.running) return;
      this.#escalated = true;
      this.#logger?.warn(`${this.name}: did not stop within ${this.#graceMs} ms of SIGTERM; sending SIGKILL`, { pid: this.pid });
      this.process.kill('SIGKILL');
    }, this.#graceMs);
  }

  #describe(exitCode: number | null, signal: NodeJS.Signals | null, spawnError: Error | undefined): ChildExit {
    const reason = this.#controller.signal.aborted ? (this.#controller.signal.reason as StopRequest | string) : undefined;
    const stopRequest = reason instanceof StopRequest ? reason : undefined;
    const timedOut = stopRequest?.timedOut ?? false;
    const cancelled = stopRequest !== undefined && !timedOut;
    const details: ChildFailureDetails = {
      command: this.#commandLine,
      exitCode,
      signal,
      timedOut,
      cancelled,
      stderrTail: this.#tail.lines(),
    };
    let error: ProcessError | undefined;
    // Through setpriv, a program that cannot be executed shows up as setpriv's exit 127.
    if (!spawnError && this.#wrapped && exitCode === 127 && details.stderrTail.some((line) => line.includes('failed to execute'))) {
      spawnError = new Error(details.stderrTail.at(-1));
    }
    if (spawnError) {
      error = new ProcessError('SPAWN_FAILED', `${this.name} could not be started: ${spawnError.message}`, { details, cause: spawnError });
    } else if (timedOut) {
      error = new ProcessError('TIMED_OUT', `${this.name}: ${describeChildEnd(details)}`, { details });
    } else if (!cancelled && signal !== null) {
      error = new ProcessError('KILLED', `${this.name}: ${describeChildEnd(details)}`, { details });
    } else if (!cancelled && exitCode !== 0) {
      error = new ProcessError('EXITED', `${this.name}: ${describeChildEnd(details)}`, { details });
    }
    return {
      ...details,
      pid: this.pid,
      stopReason: stopRequest?.reason,
      escalated: this.#escalated,
      durationMs: Date.now() - this.startedAt,
      error,
    };
  }
}

function reasonText(reason: unknown): string {
  if (reason instanceof StopRequest) return reason.reason;
  if (reason instanceof Error) return reason.message;
  return typeof reason === 'string' ? reason : 'aborted';
}

/** Starts a child with an owner. The child is killed with the studio (see reaper.ts). */
export function spawnOwned(options: OwnedChildOptions): OwnedChild {
  return new OwnedChild(options);
}
