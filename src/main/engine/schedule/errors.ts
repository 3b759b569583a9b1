import { EngineError } from '../errors.ts';

export type ScheduleErrorCode =
  | 'NOT_FOUND' // no item with that id
  | 'BAD_REFERENCE' // mediaId, sceneId or after names nothing usable (failed or missing media, no such scene)
  | 'BAD_RANGE' // in point or length outside the file, a list span too long
  | 'CONFLICT' // the edit would overlap another item
  | 'STARTED' // the edit would change an item that has started, or start one in the past
  | 'BAD_CHAIN'; // an item cannot follow itself or an item that follows it

const apiCodes = {
  NOT_FOUND: 'NOT_FOUND',
  BAD_REFERENCE: 'BAD_ARGUMENT',
  BAD_RANGE: 'BAD_ARGUMENT',
  CONFLICT: 'CONFLICT',
  STARTED: 'CONFLICT',
  BAD_CHAIN: 'BAD_ARGUMENT',
} as const;

export class ScheduleError extends EngineError {
  declare readonly code: ScheduleErrorCode;
  constructor(code: ScheduleErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(code, message, { ...options, apiCode: apiCodes[code] });
  }
}
