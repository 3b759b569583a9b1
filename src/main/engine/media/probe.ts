// What a file is, before ffmpeg opens it and as ffprobe sees it. The path is checked first (never a
// process for a bad path); ffprobe gets only the file protocol, and files that name other files or
// addresses (playlists, concat lists) are refused, as uploads are: the library stores media itself.
import type { Stats } from 'node:fs';
import { access, constants, open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { MediaAudio, MediaChapter, MediaVideo } from '../../../shared/media.ts';
import { MediaError } from './errors.ts';

/** Checks that `filePath` is a readable regular file; the error names the `path` argument. */
export async function checkMediaPath(filePath: string): Promise<void> {
  if (!path.isAbsolute(filePath)) throw new MediaError('BAD_PATH', `path: ${filePath} is not an absolute path.`, { field: 'path' });
  let stats: Stats;
  try {
    stats = await stat(filePath);
    await access(filePath, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : `cannot be opened (${code})`;
    throw new MediaError('BAD_PATH', `path: ${filePath} ${why}.`, { field: 'path', cause: error });
  }
  if (!stats.isFile()) throw new MediaError('BAD_PATH', `path: ${filePath} is not a regular file.`, { field: 'path' });
}

/**
 * Demuxers that read other files or URLs named inside the file (playlists, concat lists, image
 * sequences) or read plain text as video: media in one of these is refused, by media.import and by
 * the server's uploads alike, so what the studio keeps is media itself and probing it never reaches
 * anything else.
 */
export const INDIRECT_FORMATS: ReadonlySet<string> = new Set([
  'hls',
  'applehttp',
  'dash',
  'concat',
  'ffconcat',
  'image2',
  'tty',
  'lavfi',
  'sdp',
  'rtsp',
  'data',
]);

/** Text that ffmpeg would read as a playlist or a list of other files: refused before any probe opens it. */
const INDIRECT_SIGNATURES: ReadonlyArray<{ prefix: RegExp; what: string }> = [
  { prefix: /^#EXTM3U/, what: 'an HLS/M3U playlist' },
  { prefix: /^ffconcat version/, what: 'an ffconcat list' },
  { prefix: /^(<\?xml[^>]*>\s*)?<MPD[\s>]/, what: 'a DASH manifest' },
  { prefix: /^v=0\r?\n/, what: 'an SDP description' },
];

function indirectError(filePath: string, what: string): MediaError {
  return new MediaError('INDIRECT_FILE', `path: ${filePath} is ${what}, which names other files or addresses; import the media itself.`, { field: 'path' });
}

/** Reads the file's first bytes: a playlist is refused without spawning anything. */
export async function refuseIndirectByContent(filePath: string): Promise<void> {
  const handle = await open(filePath, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const text = head
      .subarray(0, bytesRead)
      .toString('latin1')
      .replace(/^\uFEFF|^\xEF\xBB\xBF/, '');
    const match = INDIRECT_SIGNATURES.find((signature) => signature.prefix.test(text));
    if (match) throw indirectError(filePath, match.what);
  } finally {
    await handle.close();
  }
}

/** `-protocol_whitelist file`: whatever the file says, ffprobe opens nothing but local files. */
export function ffprobeArgs(filePath: string): string[] {
  return ['-v', 'error', '-protocol_whitelist', 'file', '-show_format', '-show_streams', '-show_chapters', '-of', 'json', '-i', filePath];
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  channels?: number;
  sample_rate?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
}
interface FfprobeOutput {
  format?: { format_name?: string; duration?: string };
  streams?: FfprobeStream[];
  chapters?: Array<{ start_time?: string; tags?: { title?: string } }>;
}

/** What the library stores from one probe: ready with its facts, or failed with a reason. */
export type ProbeVerdict =
  | { state: 'ready'; durationSeconds: number; video: MediaVideo | null; audio: MediaAudio | null; chapters: MediaChapter[] }
  | { state: 'failed'; reason: string };

function fraction(text: string | undefined): { num: number; den: number } | null {
  const match = /^(\d+)\/(\d+)$/.exec(text ?? '');
  if (!match) return null;
  const num = Number(match[1]);
  const den = Number(match[2]);
  return num > 0 && den > 0 ? { num, den } : null;
}

function positive(text: string | undefined): number | null {
  const value = Number(text);
  return text !== undefined && Number.isFinite(value) && value > 0 ? value : null;
}

/** Reads ffprobe's JSON. Throws INDIRECT_FILE for a playlist-like demuxer. */
export function verdictFromFfprobe(filePath: string, json: string): ProbeVerdict {
  let parsed: FfprobeOutput;
  try {
    parsed = JSON.parse(json) as FfprobeOutput;
  } catch {
    return { state: 'failed', reason: 'ffprobe gave no readable description of this file.' };
  }
  const formatName = parsed.format?.format_name ?? '';
  const indirect = formatName.split(',').find((name) => INDIRECT_FORMATS.has(name));
  if (indirect) throw indirectError(filePath, `a ${indirect} file`);

  const streams = parsed.streams ?? [];
  // Cover art is a video stream of one picture: not a programme's video.
  const videoStream = streams.find((stream) => stream.codec_type === 'video' && stream.codec_name && stream.disposition?.attached_pic !== 1);
  const audioStream = streams.find((stream) => stream.codec_type === 'audio' && stream.codec_name);
  let video: MediaVideo | null = null;
  if (videoStream) {
    const frameRate = fraction(videoStream.r_frame_rate) ?? fraction(videoStream.avg_frame_rate);
    if (videoStream.width && videoStream.height && frameRate) {
      video = { width: videoStream.width, height: videoStream.height, frameRate, codec: videoStream.codec_name! };
    }
  }
  const sampleRate = positive(audioStream?.sample_rate);
  const audio: MediaAudio | null = audioStream?.channels && sampleRate ? { codec: audioStream.codec_name!, channels: audioStream.channels, sampleRate } : null;
  if (!video && !audio) return { state: 'failed', reason: `ffprobe found no decodable video or audio in this file${formatName ? ` (${formatName})` : ''}.` };

  const durationSeconds = positive(parsed.format?.duration) ?? positive(videoStream?.duration) ?? positive(audioStream?.duration);
  if (durationSeconds === null) return { state: 'failed', reason: 'ffprobe found no duration: the file may be a live capture or damaged.' };

  const chapters: MediaChapter[] = [];
  for (const [index, chapter] of (parsed.chapters ?? []).entries()) {
    const startSeconds = Number(chapter.start_time);
    if (!Number.isFinite(startSeconds) || startSeconds < 0 || startSeconds >= durationSeconds) continue;
    if (chapters.length > 0 && startSeconds <= chapters.at(-1)!.startSeconds) continue;
    chapters.push({ title: (chapter.tags?.title ?? `Chapter ${index + 1}`).slice(0, 200), startSeconds });
  }
  return { state: 'ready', durationSeconds, video, audio, chapters };
}

/** ffprobe beside the ffmpeg the studio runs (the resolver found it), else the one in its folder. */
export function ffprobeBeside(ffmpegPath: string): string {
  const name = process.platform === 'win32' ? 'ffprobe.exe' : 'ffprobe';
  return path.join(path.dirname(ffmpegPath), name);
}
