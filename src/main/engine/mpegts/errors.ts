import { EngineError } from '../errors.ts';

export type MpegTsErrorCode =
  | 'NOT_TS' // no sync byte pattern found
  | 'TRUNCATED' // the input ends mid-packet
  | 'NO_VIDEO' // no H.264/HEVC elementary stream in the PMT
  | 'NO_PMT' // the input never announced a program
  | 'SPLICE_BEFORE_START' // a cue's splice time precedes the first video frame
  | 'NO_IDR' // no IDR at or after a requested time
  | 'PID_IN_USE' // the requested SCTE-35 PID is already used by the program
  | 'BAD_SECTION' // a queued section could not be decoded
  | 'QUEUE_FULL' // too many sections already wait to be sent
  | 'BAD_ARGUMENT';

/** Errors of the MPEG-TS toolkit. Mid-stream problems are counted as events instead (see TsEvents). */
export class MpegTsError extends EngineError {
  declare readonly code: MpegTsErrorCode;
  constructor(code: MpegTsErrorCode, message: string, options: { field?: string; cause?: unknown; fatal?: boolean } = {}) {
    super(code, message, { ...options, apiCode: code === 'QUEUE_FULL' ? 'CONFLICT' : 'BAD_ARGUMENT', fatal: options.fatal ?? true });
  }
}
