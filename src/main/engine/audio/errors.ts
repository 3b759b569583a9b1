import type { ErrorCode } from '../../../shared/contract.ts';
import { EngineError } from '../errors.ts';

export type AudioErrorCode =
  | 'BAD_OPTION' // a gain, buffer size or sample count out of range
  | 'UNKNOWN_SOURCE'; // a gain or mute for a source the mixer does not have

const apiCodeOf: Record<AudioErrorCode, ErrorCode> = { BAD_OPTION: 'BAD_ARGUMENT', UNKNOWN_SOURCE: 'NOT_FOUND' };

export class AudioError extends EngineError {
  declare readonly code: AudioErrorCode;
  constructor(code: AudioErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(code, message, { ...options, apiCode: apiCodeOf[code], fatal: false });
  }
}
