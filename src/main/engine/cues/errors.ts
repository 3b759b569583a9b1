import { EngineError } from '../errors.ts';

/**
 * NOT_RUNNING: no program to cue on. BUSY: a break or an alert already holds the deck. NOTHING: the
 * command has nothing to act on (return now with no break on air, cancel with nothing armed).
 * NO_PTS: the encoder has not shown its first PTS yet, so a splice time cannot be named.
 */
export type CueErrorCode = 'NOT_RUNNING' | 'BUSY' | 'NOTHING' | 'NO_PTS' | 'BAD_SETTING';

const apiCodes = {
  NOT_RUNNING: 'CONFLICT',
  BUSY: 'CONFLICT',
  NOTHING: 'CONFLICT',
  NO_PTS: 'CONFLICT',
  BAD_SETTING: 'BAD_ARGUMENT',
} as const;

export class CueError extends EngineError {
  declare readonly code: CueErrorCode;
  constructor(code: CueErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(code, message, { ...options, apiCode: apiCodes[code] });
  }
}

export const NOT_RUNNING_MESSAGE = 'The program is not running: start it before cueing a break.';
