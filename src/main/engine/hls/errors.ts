import { EngineError } from '../errors.ts';

export type HlsErrorCode =
  | 'BAD_OPTION' // an option out of range or an unknown marker style
  | 'WRITE_FAILED' // a segment, playlist or state file could not be written
  | 'NO_VIDEO' // the input ended without any H.264/HEVC keyframe to start a segment
  | 'STATE_CORRUPT'; // the persisted media sequence could not be read

export class HlsError extends EngineError {
  declare readonly code: HlsErrorCode;
  constructor(code: HlsErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(code, message, { ...options, apiCode: code === 'BAD_OPTION' ? 'BAD_ARGUMENT' : 'INTERNAL', fatal: code !== 'BAD_OPTION' });
  }
}
