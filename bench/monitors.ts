// `npm run bench -- monitors [--phase-seconds S] [--width W --height H]`: the program monitor's
// delay after the compositor and its CPU (bench/lib/program-monitor.ts), and the confidence
// monitor's delay when bench/lib/confidence-delay.ts is there.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { option } from './lib/common.ts';
import { measureProgramMonitor } from './lib/program-monitor.ts';

export default async function monitors(args: string[]): Promise<Record<string, unknown>> {
  const programMonitor = await measureProgramMonitor({
    phaseSeconds: Number(option(args, 'phase-seconds') ?? 6),
    programWidth: Number(option(args, 'width') ?? 1280),
    programHeight: Number(option(args, 'height') ?? 720),
  });
  const result: Record<string, unknown> = { programMonitor };
  const confidence = fileURLToPath(new URL('./lib/confidence-delay.ts', import.meta.url));
  if (existsSync(confidence)) {
    const mod = (await import(pathToFileURL(confidence).href)) as Record<string, unknown>;
    const measure = (mod.measureConfidenceDelay ?? mod.default) as ((args: string[]) => Promise<unknown>) | undefined;
    if (typeof measure === 'function') result.confidenceMonitor = await measure(args);
  }
  return result;
}
