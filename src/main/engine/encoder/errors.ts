import { EngineError } from '../errors.ts';

export type EncoderErrorCode = 'FFMPEG_NOT_FOUND' | 'FFMPEG_PROBE_FAILED' | 'FFMPEG_MISSING_CAPABILITY';

export class EncoderError extends EngineError {
  declare readonly code: EncoderErrorCode;
  constructor(code: EncoderErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, apiCode: 'UNAVAILABLE', fatal: true });
  }
}
