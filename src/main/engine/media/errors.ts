import { EngineError } from '../errors.ts';

export type MediaErrorCode =
  | 'BAD_PATH' // not an absolute path to a readable regular file
  | 'INDIRECT_FILE' // a playlist or concat list: it names other files or addresses
  | 'BAD_CHAPTERS' // chapters that do not fit the file (past its duration, on a failed file)
  | 'NOT_FOUND'
  | 'NO_FFPROBE' // neither ffprobe nor ffmpeg could be found
  | 'CLOSED'; // the library is shutting down

const apiCodes = {
  BAD_PATH: 'BAD_ARGUMENT',
  INDIRECT_FILE: 'BAD_ARGUMENT',
  BAD_CHAPTERS: 'BAD_ARGUMENT',
  NOT_FOUND: 'NOT_FOUND',
  NO_FFPROBE: 'UNAVAILABLE',
  CLOSED: 'UNAVAILABLE',
} as const;

export class MediaError extends EngineError {
  declare readonly code: MediaErrorCode;
  constructor(code: MediaErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(code, message, { ...options, apiCode: apiCodes[code] });
  }
}
