import type { ErrorCode } from '../../../shared/contract.ts';
import { EngineError } from '../errors.ts';

export type OutputErrorCode =
  | 'BAD_SETTINGS' // settings refused: the field is named
  | 'DUPLICATE_ID' // an output with this id is already in the fan-out
  | 'WRITE_FAILED' // a file could not be opened or written (disk full, folder missing)
  | 'CLOSED'; // the output was stopped for good

const apiCodeOf: Record<OutputErrorCode, ErrorCode> = {
  BAD_SETTINGS: 'BAD_ARGUMENT',
  DUPLICATE_ID: 'CONFLICT',
  WRITE_FAILED: 'UNAVAILABLE',
  CLOSED: 'UNAVAILABLE',
};

export class OutputError extends EngineError {
  declare readonly code: OutputErrorCode;
  constructor(code: OutputErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(code, message, { ...options, apiCode: apiCodeOf[code], fatal: code === 'WRITE_FAILED' || code === 'CLOSED' });
  }
}
