// POST /api/v1/uploads?kind=image|media&name=<original name>: a browser's file, streamed into
// `<dataDir>/uploads/` for an image or media source (the desktop app picks files with the native
// dialog instead). The route sits behind the same token and same-origin checks as the commands.
//
// The body streams into a private temporary file (0600, created with O_EXCL) and is renamed to
// its final name only once it is whole and its content checked: an image by its magic bytes, a
// media file by FFmpeg reading its streams. Anything refused is deleted. The stored name is ours
// (a time, random bits and a cleaned stem), so the client's name can never choose where it lands.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import {
  formatLimit,
  IMAGE_EXTENSION,
  IMAGE_SNIFF_BYTES,
  isUploadKind,
  safeUploadStem,
  sniffImageFormat,
  UPLOAD_KINDS,
  UPLOAD_LIMIT_BYTES,
  type UploadKind,
  type UploadResult,
} from '../../shared/uploads.ts';
import { errorMessage } from '../engine/errors.ts';
import type { Logger } from '../engine/log.ts';
import { HttpError } from './errors.ts';
// One list for every door media comes in by (uploads here, media.import in the engine): demuxers that
// read other files or URLs named inside the file, or read text as video, are refused.
import { INDIRECT_FORMATS } from '../engine/media/probe.ts';

export const UPLOADS_FOLDER = 'uploads';
/** How long FFmpeg may take to read a media file's streams before the upload is refused. */
const PROBE_TIMEOUT_MS = 30_000;
/** After a refusal mid-body, how long the rest is read and discarded so the answer is not lost to a reset. */
const DRAIN_AFTER_REFUSAL_MS = 2000;

export interface UploadOptions {
  dataDir: string;
  /** ffprobe when there is one; else ffmpeg, whose `-i` lists the streams on stderr. */
  probe: { ffprobePath: string | null; ffmpegPath: string | null };
  limits?: Partial<Record<UploadKind, number>>;
  log: Logger;
}

/** The query's kind and name, or a 400 naming the parameter. */
export function parseUploadTarget(url: URL): { kind: UploadKind; name: string } {
  const kind = url.searchParams.get('kind');
  if (!isUploadKind(kind)) throw new HttpError(400, 'BAD_ARGUMENT', `uploads: "kind" must be one of ${UPLOAD_KINDS.join(', ')}.`);
  const name = url.searchParams.get('name') ?? '';
  if (name.length > 1024) throw new HttpError(400, 'BAD_ARGUMENT', 'uploads: "name" must be at most 1024 characters.');
  return { kind, name };
}

/** `<ms>-<8 random hex>-<stem>.<ext>`: unique, sortable by time, and recognisable. */
export function storedUploadName(originalName: string, extension: string | null): string {
  const { stem, extension: given } = safeUploadStem(originalName);
  const ext = extension ?? given;
  return `${Date.now()}-${randomBytes(4).toString('hex')}-${stem}${ext ? `.${ext}` : ''}`;
}

function tooLarge(kind: UploadKind, limit: number): HttpError {
  return new HttpError(413, 'BAD_ARGUMENT', `uploads: a ${kind} file may be at most ${formatLimit(limit)} (${limit} bytes).`);
}

/** What FFmpeg finds in a file: its demuxer and the kinds of its streams; null when it cannot read it. */
export interface ProbedMedia {
  formatName: string;
  streams: string[];
}

/** Why a probed file is not accepted as media, or null when it is. */
export function mediaProblem(probed: ProbedMedia | null): string | null {
  if (!probed) return 'FFmpeg could not read this file; it is not a media file.';
  const indirect = probed.formatName.split(',').find((name) => INDIRECT_FORMATS.has(name));
  if (indirect) return `a ${indirect} file names other files or addresses; upload the media itself.`;
  if (!probed.streams.some((kind) => kind === 'video' || kind === 'audio')) return 'FFmpeg found no audio or video in this file; it is not a media file.';
  return null;
}

/**
 * Reads the file's demuxer and streams with ffprobe (else ffmpeg's `-i` listing). Only the file
 * protocol is allowed: a playlist inside cannot make the probe open a URL.
 */
export function probeMedia(file: string, probe: UploadOptions['probe']): Promise<ProbedMedia | null> {
  return new Promise((resolve) => {
    const options = { timeout: PROBE_TIMEOUT_MS, killSignal: 'SIGKILL' as const, maxBuffer: 1 << 20 };
    if (probe.ffprobePath) {
      const args = ['-v', 'error', '-protocol_whitelist', 'file', '-show_entries', 'format=format_name:stream=codec_type', '-of', 'json', file];
      execFile(probe.ffprobePath, args, options, (error, stdout) => {
        if (error) return resolve(null);
        try {
          const parsed = JSON.parse(stdout) as { format?: { format_name?: string }; streams?: Array<{ codec_type?: string }> };
          resolve({ formatName: parsed.format?.format_name ?? '', streams: (parsed.streams ?? []).map((stream) => stream.codec_type ?? '') });
        } catch {
          resolve(null);
        }
      });
      return;
    }
    if (!probe.ffmpegPath) return resolve(null);
    // Without an output ffmpeg exits 1 after listing the input; the listing is what counts.
    execFile(probe.ffmpegPath, ['-hide_banner', '-nostdin', '-protocol_whitelist', 'file', '-i', file], options, (_error, _stdout, stderr) => {
      const format = /Input #0, ([^ ]+), from/.exec(stderr)?.[1];
      if (!format) return resolve(null);
      const streams = [...stderr.matchAll(/Stream #\d+:\d+.*?: (Video|Audio|Subtitle|Data):/g)].map((match) => match[1]!.toLowerCase());
      resolve({ formatName: format, streams });
    });
  });
}

/** Receives one upload and answers it (201 with an UploadResult, or an error that names the limit or the problem). */
export async function receiveUpload(request: IncomingMessage, response: ServerResponse, url: URL, options: UploadOptions): Promise<void> {
  const log = options.log;
  try {
    const { kind, name } = parseUploadTarget(url);
    const limit = options.limits?.[kind] ?? UPLOAD_LIMIT_BYTES[kind];
    const declared = request.headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) throw tooLarge(kind, limit);
    const result = await storeBody(request, kind, name, limit, options);
    log.info('upload stored', { kind, fileName: result.fileName, bytes: result.bytes });
    const body = JSON.stringify(result);
    response.writeHead(201, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    response.end(body);
  } catch (error) {
    const refusal = error instanceof HttpError ? error : null;
    if (!refusal) log.error('upload failed', { error: errorMessage(error) });
    const status = refusal?.status ?? 500;
    const body = JSON.stringify({ error: refusal?.toCommandError() ?? { code: 'INTERNAL', message: 'uploads: the file could not be stored.' } });
    if (response.headersSent) return void response.destroy();
    // The body may be only partly read: the connection ends with this answer.
    response.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
      Connection: 'close',
    });
    response.end(body);
    if (!request.readableEnded) {
      request.resume();
      setTimeout(() => request.destroy(), DRAIN_AFTER_REFUSAL_MS).unref();
    }
  }
}

async function storeBody(request: IncomingMessage, kind: UploadKind, name: string, limit: number, options: UploadOptions): Promise<UploadResult> {
  const folder = path.join(options.dataDir, UPLOADS_FOLDER);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const temporary = path.join(folder, `.incoming-${randomBytes(16).toString('hex')}.part`);
  const file = await open(temporary, 'wx', 0o600);
  let bytes = 0;
  let head = Buffer.alloc(0);
  let kept = false;
  let headChecked = false;
  try {
    try {
      for await (const chunk of request as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes > limit) throw tooLarge(kind, limit);
        if (head.length < IMAGE_SNIFF_BYTES) head = Buffer.concat([head, chunk.subarray(0, IMAGE_SNIFF_BYTES - head.length)]);
        // A picture that does not start as one is refused before the rest is stored.
        if (kind === 'image' && !headChecked && head.length >= IMAGE_SNIFF_BYTES) {
          headChecked = true;
          if (!sniffImageFormat(head)) throw notAnImage();
        }
        await file.write(chunk);
      }
    } finally {
      await file.close();
    }
    if (bytes === 0) throw new HttpError(400, 'BAD_ARGUMENT', 'uploads: the body is empty; send the file as the request body.');
    let format: string | null = null;
    let extension: string | null = null;
    if (kind === 'image') {
      const image = sniffImageFormat(head);
      if (!image) throw notAnImage();
      format = image;
      extension = IMAGE_EXTENSION[image];
      // The magic bytes say what it claims to be; sharp (which rasterizes it later) says whether it is whole.
      try {
        await sharp(temporary).metadata();
      } catch {
        throw new HttpError(415, 'BAD_ARGUMENT', `uploads: this ${image.toUpperCase()} file is damaged or cut short; sharp cannot read it.`);
      }
    } else {
      const problem = mediaProblem(await probeMedia(temporary, options.probe));
      if (problem) throw new HttpError(415, 'BAD_ARGUMENT', `uploads: ${problem}`);
    }
    const fileName = storedUploadName(name, extension);
    const target = path.join(folder, fileName);
    await rename(temporary, target);
    kept = true;
    return { kind, path: target, fileName, bytes, format };
  } finally {
    if (!kept) await rm(temporary, { force: true });
  }
}

function notAnImage(): HttpError {
  return new HttpError(415, 'BAD_ARGUMENT', 'uploads: an image must be a PNG, JPEG or WebP file (told by its content, not its name).');
}
