import type { CommandError, ErrorCode } from '../../../shared/contract.ts';

/**
 * Codes the client raises itself, when no answer came back from the engine:
 * TIMEOUT (no reply in time) and DISCONNECTED (the connection dropped or is down).
 */
export type ClientErrorCode = 'TIMEOUT' | 'DISCONNECTED';
export type StudioErrorCode = ErrorCode | ClientErrorCode;

/** An error from the engine's envelope, rebuilt on this side with its code and field. */
export class StudioApiError extends Error {
  readonly code: StudioErrorCode;
  /** The argument at fault, as a dotted path, when the engine named one. */
  readonly field: string | undefined;

  constructor(code: StudioErrorCode, message: string, field?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StudioApiError';
    this.code = code;
    this.field = field;
  }

  static fromEnvelope(error: CommandError): StudioApiError {
    return new StudioApiError(error.code, error.message, error.field);
  }
}

/** The message to show for anything a call may throw. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
