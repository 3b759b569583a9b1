// What every benchmark shares: its command-line options and small helpers.
import { FRAME_RATES } from '../../src/main/engine/compositor/frame-clock.ts';
import type { FrameRate } from '../../src/main/engine/media.ts';

export { until } from '../../tests/support/wait.ts';

/** The value after `--name`, if given. */
export function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}

/** "30", "29.97", "59.94", ...: a rate from the studio's table, or any whole number of frames per second. */
export function frameRateOf(text: string): FrameRate {
  const named = (FRAME_RATES as Record<string, FrameRate>)[text];
  if (named) return named;
  const fps = Number(text);
  if (!Number.isInteger(fps) || fps <= 0) throw new Error(`--fps must be a whole number or one of ${Object.keys(FRAME_RATES).join(', ')}, got ${text}`);
  return { num: fps, den: 1 };
}

export const round = (value: number, digits = 3): number => Math.round(value * 10 ** digits) / 10 ** digits;
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
