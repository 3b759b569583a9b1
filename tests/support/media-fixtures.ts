// Media files for the library's tests, made with the real ffmpeg: a picture with its clip id and
// frame number burnt in, a 1 kHz tone at a known level, and chapters from an ffmetadata file.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

export interface ClipSpec {
  /** Burnt into the picture, and the file's name. */
  id: string;
  seconds: number;
  /** Frames per second, whole. */
  rate?: number;
  chapters: Array<{ title: string; startSeconds: number }>;
  container?: 'mkv' | 'mp4';
  /** Peak level of the stereo tone, dBFS. */
  toneDbfs?: number;
  /** Leave the audio out. */
  silentVideoOnly?: boolean;
}

/** The ffmetadata text for `chapters`, each ending where the next starts (the last at the end). */
export function ffmetadata(chapters: ClipSpec['chapters'], seconds: number): string {
  const lines = [';FFMETADATA1'];
  chapters.forEach((chapter, index) => {
    const end = chapters[index + 1]?.startSeconds ?? seconds;
    lines.push('[CHAPTER]', 'TIMEBASE=1/1000', `START=${Math.round(chapter.startSeconds * 1000)}`, `END=${Math.round(end * 1000)}`, `title=${chapter.title}`);
  });
  return `${lines.join('\n')}\n`;
}

/** Writes the clip into `dir`; returns its path. */
export function makeClip(dir: string, spec: ClipSpec): string {
  const rate = spec.rate ?? 25;
  const container = spec.container ?? 'mkv';
  const file = path.join(dir, `${spec.id}.${container}`);
  const metadata = path.join(dir, `${spec.id}.ffmeta`);
  writeFileSync(metadata, ffmetadata(spec.chapters, spec.seconds));
  const amplitude = 10 ** ((spec.toneDbfs ?? -20) / 20);
  const tone = `${amplitude}*sin(2*PI*1000*t)`;
  const picture = [
    `drawtext=fontfile=${FONT}:fontsize=28:fontcolor=white:box=1:boxcolor=black@0.6:x=10:y=10:text='${spec.id}'`,
    `drawtext=fontfile=${FONT}:fontsize=22:fontcolor=yellow:box=1:boxcolor=black@0.6:x=10:y=h-36:text='f %{frame_num}'`,
  ].join(',');
  const args = ['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=320x180:rate=${rate}:duration=${spec.seconds},${picture}`];
  if (!spec.silentVideoOnly) args.push('-f', 'lavfi', '-i', `aevalsrc=${tone}|${tone}:s=48000:d=${spec.seconds}`);
  args.push('-i', metadata, '-map', '0:v');
  if (!spec.silentVideoOnly) args.push('-map', '1:a');
  const metadataInput = spec.silentVideoOnly ? 1 : 2;
  args.push('-map_metadata', String(metadataInput), '-map_chapters', String(metadataInput));
  args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(rate), '-pix_fmt', 'yuv420p');
  if (!spec.silentVideoOnly) args.push('-c:a', 'aac', '-b:a', '96k');
  args.push('-t', String(spec.seconds), file);
  execFileSync('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return file;
}
