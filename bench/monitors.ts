// `npm run bench -- monitors [--phase-seconds S] [--width W --height H] [--seconds N]`:
// - the program monitor's delay after the compositor and its CPU (bench/lib/program-monitor.ts);
// - the confidence monitor's delay behind the compositor, end to end in Chromium, read from a
//   burnt-in frame counter the playout airs from a known frame (bench/lib/confidence-delay.ts).
import { option } from './lib/common.ts';
import { measureConfidenceDelay } from './lib/confidence-delay.ts';
import { measureProgramMonitor } from './lib/program-monitor.ts';

export default async function monitors(args: string[]): Promise<Record<string, unknown>> {
  const programMonitor = await measureProgramMonitor({
    phaseSeconds: Number(option(args, 'phase-seconds') ?? 6),
    programWidth: Number(option(args, 'width') ?? 1280),
    programHeight: Number(option(args, 'height') ?? 720),
  });
  const confidenceMonitor = await measureConfidenceDelay({ seconds: Number(option(args, 'seconds') ?? 20) });
  return { programMonitor, confidenceMonitor };
}
