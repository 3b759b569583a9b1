import path from 'node:path';
import { EngineError } from '../errors.ts';

export type ProcessErrorCode =
  | 'SPAWN_FAILED' // the binary could not be started (missing, not executable)
  | 'EXITED' // the child exited on its own with a non-zero code
  | 'KILLED' // the child died from a signal nobody in the studio sent
  | 'TIMED_OUT' // the child ran past its time limit and was stopped
  | 'GAVE_UP' // a supervisor stopped restarting: too many failures, or a failure restarts cannot fix
  | 'BAD_OPTION'; // an option out of range

/** The facts of one child's end, gathered into one error (execa's final-error model). */
export interface ChildFailureDetails {
  /** The program and its arguments, with secrets already redacted. */
  command: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Stopped on purpose (stop() or the caller's AbortSignal); never an error by itself. */
  cancelled: boolean;
  /** The last stderr lines, oldest first, bounded. */
  stderrTail: readonly string[];
}

export class ProcessError extends EngineError {
  declare readonly code: ProcessErrorCode;
  readonly details: ChildFailureDetails | undefined;

  constructor(code: ProcessErrorCode, message: string, options: { details?: ChildFailureDetails; cause?: unknown; fatal?: boolean; field?: string } = {}) {
    super(code, message, {
      cause: options.cause,
      ...(options.field === undefined ? {} : { field: options.field }),
      apiCode: code === 'BAD_OPTION' ? 'BAD_ARGUMENT' : 'UNAVAILABLE',
      fatal: options.fatal ?? (code === 'GAVE_UP' || code === 'SPAWN_FAILED'),
    });
    this.details = options.details;
  }

  /** The most telling stderr line (the last one), or undefined when the child said nothing. */
  get lastStderrLine(): string | undefined {
    return this.details?.stderrTail.at(-1);
  }
}

/** One line for people: what ended the child, then what it last said. */
export function describeChildEnd(details: ChildFailureDetails): string {
  const how = details.timedOut
    ? 'timed out'
    : details.cancelled
      ? 'was stopped'
      : details.signal
        ? `was killed by ${details.signal}`
        : `exited with code ${details.exitCode}`;
  const last = details.stderrTail.at(-1);
  return `${path.basename(details.command.split(' ')[0] ?? '')} ${how}${last ? `: ${last}` : ''}`;
}
