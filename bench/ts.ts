// `npm run bench -- ts`: throughput of the MPEG-TS toolkit on a 60 s 1080p file, against a plain
// read of the same file in the same run. Targets (one core): inspect ≥ 1 GB/s, inject+segment ≥ 500 MB/s.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { HlsSegmenter } from '../src/main/engine/hls/segmenter.ts';
import { PTS_HZ } from '../src/main/engine/media.ts';
import { Scte35Injector } from '../src/main/engine/mpegts/injector.ts';
import { TsInspector, readFileChunks } from '../src/main/engine/mpegts/inspect.ts';
import { ptsDiff } from '../src/main/engine/mpegts/packet.ts';
import { buildCueIn, buildCueOut, encodeSection } from '../src/main/engine/scte35/index.ts';

const TARGET_INSPECT_MBPS = 1000;
const TARGET_INJECT_SEGMENT_MBPS = 500;

function benchFile(): string {
  const dir = path.join(tmpdir(), 'studio-bench-ts');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, '1080p30-60s-cbr.ts');
  if (existsSync(file)) return file;
  const tmp = `${file}.${process.pid}.tmp`;
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=1920x1080:rate=30',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    '60',
    '-keyint_min',
    '60',
    '-sc_threshold',
    '0',
    '-b:v',
    '12M',
    '-maxrate',
    '12M',
    '-bufsize',
    '12M',
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    '-t',
    '60',
    '-muxrate',
    '16M',
    '-f',
    'mpegts',
    tmp,
  ]);
  renameSync(tmp, file);
  return file;
}

/** Best of `runs` timings of `fn`, in MB/s of `bytes`. */
function throughput(bytes: number, runs: number, fn: () => void, between?: () => void): { mbps: number; medianMbps: number; bestMs: number; runsMs: number[] } {
  const runsMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    runsMs.push(performance.now() - t0);
    between?.();
  }
  const bestMs = Math.min(...runsMs);
  const medianMs = [...runsMs].sort((a, b) => a - b)[Math.floor(runsMs.length / 2)]!;
  const mbps = (ms: number) => Math.round(bytes / 1e6 / (ms / 1000));
  return { mbps: mbps(bestMs), medianMbps: mbps(medianMs), bestMs: Math.round(bestMs), runsMs: runsMs.map(Math.round) };
}

export default async function bench(args: string[]): Promise<object> {
  const runs = Number(args[0] ?? 5);
  const file = benchFile();
  const bytes = statSync(file).size;
  readFileChunks(file, () => {}); // warm the page cache

  const plainRead = throughput(bytes, runs, () => readFileChunks(file, () => {}));

  let idrPts: number[] = [];
  let firstPts = 0;
  const inspect = throughput(bytes, runs, () => {
    const inspector = new TsInspector();
    readFileChunks(file, (chunk) => inspector.push(chunk));
    const result = inspector.end();
    idrPts = result.idrPts;
    firstPts = result.firstPts ?? 0;
  });

  // Breaks every 15 s, 5 s long, at IDRs: the same work the live pipeline does per break.
  const sections: Uint8Array[] = [];
  for (let at = 10, id = 1; at < 55; at += 15, id++) {
    const out = idrPts.find((p) => ptsDiff(p, firstPts) >= at * PTS_HZ);
    const back = out === undefined ? undefined : idrPts.find((p) => ptsDiff(p, out) >= 5 * PTS_HZ);
    if (out === undefined || back === undefined) continue;
    sections.push(
      encodeSection(buildCueOut({ eventId: id, ptsTime: out, durationTicks: 5 * PTS_HZ })),
      encodeSection(buildCueIn({ eventId: id, ptsTime: back })),
    );
  }
  const outRoot = mkdtempSync(path.join(tmpdir(), 'studio-bench-hls-'));
  let segments = 0;
  let run = 0;
  try {
    const injectSegment = throughput(
      bytes,
      runs,
      () => {
        const injector = new Scte35Injector();
        for (const s of sections) injector.queue(s);
        const segmenter = new HlsSegmenter({
          outputDir: path.join(outRoot, String(run++)),
          segmentDurationSeconds: 6,
          listSize: 0,
          markers: ['cue', 'daterange'],
        });
        readFileChunks(file, (chunk) => segmenter.push(injector.push(chunk)));
        segmenter.push(injector.flush());
        segmenter.end();
        segments = segmenter.segments.length;
      },
      () => rmSync(path.join(outRoot, String(run - 1)), { recursive: true, force: true }),
    );
    const injectOnly = throughput(bytes, runs, () => {
      const injector = new Scte35Injector();
      for (const s of sections) injector.queue(s);
      readFileChunks(file, (chunk) => injector.push(chunk));
      injector.flush();
    });
    return {
      file,
      fileMB: Math.round(bytes / 1e5) / 10,
      runs,
      note: 'MB/s of the best run; the segmenter writes every segment to disk in os.tmpdir()',
      plainReadMBps: plainRead.mbps,
      inspectMBps: inspect.mbps,
      injectOnlyMBps: injectOnly.mbps,
      injectSegmentMBps: injectSegment.mbps,
      medianMBps: { plainRead: plainRead.medianMbps, inspect: inspect.medianMbps, injectOnly: injectOnly.medianMbps, injectSegment: injectSegment.medianMbps },
      inspectVsRead: Math.round((inspect.mbps / plainRead.mbps) * 100) / 100,
      injectSegmentVsRead: Math.round((injectSegment.mbps / plainRead.mbps) * 100) / 100,
      segments,
      cues: sections.length,
      targets: { inspectMBps: TARGET_INSPECT_MBPS, injectSegmentMBps: TARGET_INJECT_SEGMENT_MBPS },
      meetsTargets: { inspect: inspect.mbps >= TARGET_INSPECT_MBPS, injectSegment: injectSegment.mbps >= TARGET_INJECT_SEGMENT_MBPS },
      timingsMs: { plainRead: plainRead.runsMs, inspect: inspect.runsMs, injectSegment: injectSegment.runsMs, injectOnly: injectOnly.runsMs },
    };
  } finally {
    rmSync(outRoot, { recursive: true, force: true });
  }
}
