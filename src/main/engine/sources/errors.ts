import type { ErrorCode } from '../../../shared/contract.ts';
import { EngineError } from '../errors.ts';

export type SourceErrorCode =
  | 'BAD_OPTION' // a size, rate, ring size or input out of range
  | 'NO_LIVE_INPUT' // an RTMP source without an ingest to read from
  | 'CLOSED'; // the source was stopped for good

const apiCodeOf: Record<SourceErrorCode, ErrorCode> = {
  BAD_OPTION: 'BAD_ARGUMENT',
  NO_LIVE_INPUT: 'UNAVAILABLE',
  CLOSED: 'UNAVAILABLE',
};

export class SourceError extends EngineError {
  declare readonly code: SourceErrorCode;
  constructor(code: SourceErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(code, message, { ...options, apiCode: apiCodeOf[code], fatal: code === 'CLOSED' });
  }
}
