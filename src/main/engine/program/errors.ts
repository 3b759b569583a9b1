import { EngineError } from '../errors.ts';

export type ProgramErrorCode = 'BAD_FORMAT' | 'CONFLICT' | 'NOT_FOUND' | 'SOURCE_FAILED' | 'BAD_SWITCH' | 'NOT_RUNNING' | 'RUNNING' | 'CLOSING';

const apiCodes = {
  BAD_FORMAT: 'BAD_ARGUMENT',
  CONFLICT: 'CONFLICT',
  NOT_FOUND: 'NOT_FOUND',
  SOURCE_FAILED: 'BAD_ARGUMENT',
  BAD_SWITCH: 'BAD_ARGUMENT',
  NOT_RUNNING: 'CONFLICT',
  RUNNING: 'CONFLICT',
  CLOSING: 'CONFLICT',
} as const;

export class ProgramError extends EngineError {
  declare readonly code: ProgramErrorCode;
  constructor(code: ProgramErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(code, message, { ...options, apiCode: apiCodes[code] });
  }
}
