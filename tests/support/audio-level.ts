// The program's audio level as a listener would measure it: bytes of the live TS (the confidence
// monitor's feed, the same bytes every output gets) decoded by ffmpeg's volumedetect filter.
import { spawn } from 'node:child_process';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { ffmpegPath } from './ingest.ts';

export const TS_FEED_PATH = '/api/v1/monitor/program.ts';

export interface AudioLevel {
  /** RMS over the whole stretch, dBFS (volumedetect's mean_volume; −91 dB is digital silence in s16). */
  meanDb: number;
  /** The loudest sample, dBFS. */
  maxDb: number;
}

/** volumedetect over the first audio stream of a stretch of MPEG-TS (it may start mid-packet: ffmpeg resyncs). */
export function audioLevelOf(ts: Buffer): Promise<AudioLevel> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      ffmpegPath(),
      ['-hide_banner', '-nostdin', '-loglevel', 'info', '-f', 'mpegts', '-i', 'pipe:0', '-map', '0:a:0', '-af', 'volumedetect', '-f', 'null', '-'],
      {
        stdio: ['pipe', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const mean = /mean_volume: (-?[\d.]+|-inf) dB/.exec(stderr);
      const max = /max_volume: (-?[\d.]+|-inf) dB/.exec(stderr);
      if (!mean || !max) {
        reject(new Error(`volumedetect found no audio (ffmpeg exited ${code}):\n${stderr.slice(-2000)}`));
        return;
      }
      resolve({ meanDb: Number.parseFloat(mean[1]!), maxDb: Number.parseFloat(max[1]!) });
    });
    child.stdin.on('error', () => {}); // ffmpeg may close its input early after an error: the exit says why
    child.stdin.end(ts);
  });
}

/**
 * A reader of the running program's TS feed. `next(bytes)` answers the next `bytes` bytes that
 * arrive after the call (what came before is dropped), so each stretch is the program as it is now.
 */
export interface TsFeedReader {
  next(bytes: number, timeoutMs?: number): Promise<Buffer>;
  close(): void;
}

export function openTsFeed(baseUrl: string, token: string): Promise<TsFeedReader> {
  const url = new URL(TS_FEED_PATH, baseUrl);
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let length = 0;
    let ended: Error | null = null;
    let waiter: (() => void) | null = null;
    const request: ClientRequest = httpRequest(url, { headers: { Authorization: `Bearer ${token}` } }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`the TS feed answered ${response.statusCode}`));
        return;
      }
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        length += chunk.length;
        waiter?.();
      });
      response.on('end', () => {
        ended = new Error('the TS feed ended (the program stopped)');
        waiter?.();
      });
      resolve({
        async next(bytes, timeoutMs = 30_000) {
          chunks = [];
          length = 0;
          const deadline = Date.now() + timeoutMs;
          while (length < bytes) {
            if (ended) throw ended;
            if (Date.now() > deadline) throw new Error(`the TS feed gave ${length} of ${bytes} bytes in ${timeoutMs} ms`);
            await new Promise<void>((wake) => {
              const timer = setTimeout(wake, 500);
              waiter = () => {
                clearTimeout(timer);
                wake();
              };
            });
            waiter = null;
          }
          return Buffer.concat(chunks).subarray(0, bytes);
        },
        close() {
          request.destroy();
        },
      });
    });
    request.on('error', (error) => {
      ended = error;
      reject(error);
    });
    request.end();
  });
}

/**
 * Measures stretch after stretch until one is `accepted` (a change takes the encoder's own delay to
 * reach the output), at most `tries`; answers the last one measured, for the caller to assert on.
 */
export async function levelOnceSettled(feed: TsFeedReader, bytes: number, accepted: (level: AudioLevel) => boolean, tries = 8): Promise<AudioLevel> {
  let level = await audioLevelOf(await feed.next(bytes));
  for (let attempt = 1; attempt < tries && !accepted(level); attempt++) level = await audioLevelOf(await feed.next(bytes));
  return level;
}

/** Bytes the program's constant-rate mux sends in `seconds` (the TS is CBR at this rate). */
export function tsBytesFor(muxRateKbps: number, seconds: number): number {
  return Math.round((muxRateKbps * 1000 * seconds) / 8);
}
