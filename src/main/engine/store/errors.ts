import { EngineError } from '../errors.ts';

export type StoreErrorCode =
  | 'MIGRATION_FAILED'
  | 'SCHEMA_TOO_NEW'
  | 'OPEN_FAILED'
  | 'CORRUPT' // quick_check or SQLite found damage: refuse, never touch the file
  | 'NOT_WRITABLE' // the data dir or studio.db cannot be written (read-only disk, permissions, full)
  | 'SECRETS_SEALED' // secrets encrypted with a keychain this host does not have
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'BAD_ARGUMENT'; // valid alone, not with what is stored (a crop larger than its layer's source)

export class StoreError extends EngineError {
  declare readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    const apiCode = code === 'NOT_FOUND' || code === 'CONFLICT' || code === 'BAD_ARGUMENT' ? code : 'INTERNAL';
    super(code, message, { ...options, apiCode, fatal: code !== 'NOT_FOUND' && code !== 'CONFLICT' && code !== 'BAD_ARGUMENT' });
  }
}
