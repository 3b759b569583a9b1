// What the library measures after the import, off the request path: the integrated loudness
// (EBU R128 through ffmpeg's ebur128 filter), a JPEG thumbnail and a JPEG filmstrip. Each run is one owned child
// with a time limit, so a file that hangs ffmpeg is stopped.
import type { Readable } from 'node:stream';
import { spawnOwned } from '../process/child.ts';

export interface AnalysisRun {
  ffmpegPath: string;
  filePath: string;
  signal?: AbortSignal;
  timeoutMs: number;
}

/** ebur128's summary: "Integrated loudness:" then "I:  -23.0 LUFS" (silence reads -70.0). */
const INTEGRATED_LINE = /^\s*I:\s+(-?\d+(?:\.\d+)?|-inf)\s+LUFS/;

/** The last integrated loudness ebur128 printed, from its stderr lines. */
export function integratedLoudnessFrom(lines: readonly string[]): number | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const match = INTEGRATED_LINE.exec(lines[i]!);
    if (match) return match[1] === '-inf' ? Number.NEGATIVE_INFINITY : Number(match[1]);
  }
  return null;
}

/** Integrated loudness of the file's first audio stream, in LUFS. Rejects with the child's error. */
export async function measureLoudness(run: AnalysisRun): Promise<number> {
  const lines: string[] = [];
  // framelog=verbose: the per-frame lines go to the verbose level, below ffmpeg's default, so only
  // the summary is printed (ffmpeg 5.1 takes a log level there, not "quiet").
  const child = spawnOwned({
    command: run.ffmpegPath,
    name: 'ffmpeg loudness',
    args: [
      '-hide_banner',
      '-nostdin',
      '-nostats',
      '-protocol_whitelist',
      'file',
      '-i',
      run.filePath,
      '-map',
      '0:a:0',
      '-vn',
      '-sn',
      '-dn',
      '-af',
      'ebur128=framelog=verbose',
      '-f',
      'null',
      '-',
    ],
    stdout: 'ignore',
    timeoutMs: run.timeoutMs,
    graceMs: 1000,
    ...(run.signal ? { signal: run.signal } : {}),
    onStderrLine: (line) => {
      if (INTEGRATED_LINE.test(line)) lines.push(line);
    },
  });
  await child.result();
  if (run.signal?.aborted) throw new Error('cancelled');
  const lufs = integratedLoudnessFrom(lines);
  if (lufs === null) throw new Error('ffmpeg ebur128 printed no integrated loudness');
  return lufs;
}

export const THUMBNAIL_WIDTH = 320;

/** A JPEG of the frame at `atSeconds`, THUMBNAIL_WIDTH wide; the bytes (written by the caller, atomically). */
export function renderThumbnail(run: AnalysisRun & { atSeconds: number }): Promise<Buffer> {
  // -ss before -i seeks by keyframe then decodes to the time: accurate and quick.
  const input = ['-protocol_whitelist', 'file', '-ss', run.atSeconds.toFixed(3), '-i', run.filePath];
  return runToJpeg(run, 'thumbnail', [...input, '-map', '0:v:0', '-frames:v', '1', '-vf', `scale=${THUMBNAIL_WIDTH}:-2`, '-c:v', 'mjpeg', '-q:v', '4']);
}

/** Runs ffmpeg with `args` (inputs, filters, codec) writing one JPEG to its stdout; the JPEG's bytes. */
async function runToJpeg(run: AnalysisRun, what: string, args: string[]): Promise<Buffer> {
  const child = spawnOwned({
    command: run.ffmpegPath,
    name: `ffmpeg ${what}`,
    args: ['-hide_banner', '-nostdin', '-v', 'error', ...args, '-f', 'image2pipe', 'pipe:1'],
    timeoutMs: run.timeoutMs,
    graceMs: 1000,
    ...(run.signal ? { signal: run.signal } : {}),
  });
  const bytes = collect(child.stdout!);
  await child.result();
  if (run.signal?.aborted) throw new Error('cancelled');
  const jpeg = await bytes;
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error(`ffmpeg wrote no JPEG ${what}`);
  return jpeg;
}

export const FILMSTRIP_FRAMES = 16;
export const FILMSTRIP_TILE_WIDTH = 96;

/**
 * Where filmstrip frame `index` of `frames` is taken: the middle of its equal share of the duration,
 * so tile i stands for [i, i + 1) × duration / frames and a position x along the strip (0..1) is
 * the time x × duration. The last frame is then well before the end, where a seek may find none.
 */
export function filmstripFrameSeconds(durationSeconds: number, frames: number, index: number): number {
  return ((index + 0.5) * durationSeconds) / frames;
}

/**
 * One JPEG of `frames` tiles side by side, FILMSTRIP_TILE_WIDTH wide each, the frames spread evenly
 * over the duration. Each frame is its own input with a seek before it (keyframe seek, then decode to
 * the time), so a two-hour file costs `frames` short decodes rather than one whole pass.
 */
export function renderFilmstrip(run: AnalysisRun & { durationSeconds: number; frames?: number }): Promise<Buffer> {
  const frames = run.frames ?? FILMSTRIP_FRAMES;
  const inputs: string[] = [];
  const chains: string[] = [];
  for (let i = 0; i < frames; i++) {
    const at = filmstripFrameSeconds(run.durationSeconds, frames, i);
    inputs.push('-protocol_whitelist', 'file', '-ss', at.toFixed(3), '-i', run.filePath);
    // setsar=1: tiles of a file with non-square pixels still stack; trim: one frame from each input.
    chains.push(`[${i}:v:0]trim=end_frame=1,scale=${FILMSTRIP_TILE_WIDTH}:-2,setsar=1[f${i}]`);
  }
  const stack = frames === 1 ? '[f0]null[strip]' : `${Array.from({ length: frames }, (_, i) => `[f${i}]`).join('')}hstack=inputs=${frames}[strip]`;
  return runToJpeg(run, 'filmstrip', [
    ...inputs,
    '-filter_complex',
    [...chains, stack].join(';'),
    '-map',
    '[strip]',
    '-frames:v',
    '1',
    '-c:v',
    'mjpeg',
    '-q:v',
    '5',
  ]);
}

const MAX_THUMBNAIL_BYTES = 4 * 1024 * 1024;

function collect(stream: Readable): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_THUMBNAIL_BYTES) chunks.push(chunk);
    });
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('close', () => resolve(Buffer.concat(chunks)));
    stream.once('error', () => resolve(Buffer.concat(chunks)));
  });
}
