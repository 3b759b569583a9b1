import type { CommandError, ErrorCode } from '../../shared/contract.ts';

/**
 * Base of every subsystem's error. `code` is the subsystem's own; `apiCode` is what a client sees.
 * `fatal` says whether the part that raised it can go on.
 */
export class EngineError extends Error {
  readonly code: string;
  readonly apiCode: ErrorCode;
  readonly field: string | undefined;
  readonly fatal: boolean;

  constructor(code: string, message: string, options: { apiCode?: ErrorCode; field?: string; fatal?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.apiCode = options.apiCode ?? 'INTERNAL';
    this.field = options.field;
    this.fatal = options.fatal ?? false;
  }

  toCommandError(): CommandError {
    return { code: this.apiCode, message: this.message, ...(this.field ? { field: this.field } : {}) };
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
