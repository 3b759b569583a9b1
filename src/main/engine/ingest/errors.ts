import type { ErrorCode } from '../../../shared/contract.ts';
import { EngineError } from '../errors.ts';

export type IngestErrorCode =
  | 'BAD_OPTION' // a port, bind address or app name out of range
  | 'PORT_IN_USE' // the RTMP port is taken by another program
  | 'LISTEN_FAILED' // the RTMP listener could not start for another reason
  | 'ALREADY_RUNNING' // node-media-server keeps its state in module globals: one ingest per process
  | 'NOT_RUNNING'; // asked for something only a running ingest can do

const apiCodeOf: Record<IngestErrorCode, ErrorCode> = {
  BAD_OPTION: 'BAD_ARGUMENT',
  PORT_IN_USE: 'CONFLICT',
  LISTEN_FAILED: 'UNAVAILABLE',
  ALREADY_RUNNING: 'CONFLICT',
  NOT_RUNNING: 'UNAVAILABLE',
};

export class IngestError extends EngineError {
  declare readonly code: IngestErrorCode;
  constructor(code: IngestErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(code, message, { ...options, apiCode: apiCodeOf[code], fatal: code !== 'BAD_OPTION' });
  }
}
