import type { ErrorCode } from '../../../shared/contract.ts';
import { EngineError } from '../errors.ts';

export type CompositorErrorCode =
  | 'BAD_OPTION' // an option out of range: frame rate, pool size, layout
  | 'UNKNOWN_SCENE' // a switch names a scene that does not exist
  | 'UNKNOWN_SOURCE' // a layer or an input names a source that is not registered
  | 'SWITCH_IN_PAST' // a switch asked for a frame that is already composed
  | 'PLAN_TOO_LARGE' // a frame needs more blend operations than a plan holds
  | 'RASTER_FAILED' // sharp could not rasterize an image, colour or text layer
  | 'WORKER_FAILED' // a blend worker crashed or could not start
  | 'FRAME_MEMORY_EXHAUSTED' // a frame pool does not fit in what is left of the shared frame memory
  | 'CLOSED'; // the compositor or its pool was closed

const apiCodeOf: Record<CompositorErrorCode, ErrorCode> = {
  BAD_OPTION: 'BAD_ARGUMENT',
  UNKNOWN_SCENE: 'NOT_FOUND',
  UNKNOWN_SOURCE: 'NOT_FOUND',
  SWITCH_IN_PAST: 'CONFLICT',
  PLAN_TOO_LARGE: 'BAD_ARGUMENT',
  RASTER_FAILED: 'BAD_ARGUMENT',
  WORKER_FAILED: 'INTERNAL',
  FRAME_MEMORY_EXHAUSTED: 'UNAVAILABLE',
  CLOSED: 'UNAVAILABLE',
};

export class CompositorError extends EngineError {
  declare readonly code: CompositorErrorCode;
  constructor(code: CompositorErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(code, message, {
      ...options,
      apiCode: apiCodeOf[code],
      fatal: code === 'WORKER_FAILED' || code === 'CLOSED',
    });
  }
}
