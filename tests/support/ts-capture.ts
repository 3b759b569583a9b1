// The distributor's side of the wire, for the cue deck's end-to-end proofs: receive the program over
// SRT into a file (srt-live-transmit as listener), read what arrived with our own TS toolkit
// (SCTE-35 sections with where they arrived on the video clock, video frames with PTS and IDR
// flags), decode frames to small RGB pictures with ffmpeg, and tell pictures apart by their pixels.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { TS_PACKET_SIZE } from '../../src/main/engine/mpegts/constants.ts';
import { TsDemux } from '../../src/main/engine/mpegts/demux.ts';
import { TsFramer, ptsDiff } from '../../src/main/engine/mpegts/packet.ts';
import type { OwnedChild } from '../../src/main/engine/process/child.ts';
import { ffmpegPath, publishTestPattern } from './ingest.ts';
import {
  decodeSection,
  type SegmentationDescriptor,
  type SpliceInfoSection,
  type SpliceInsertCommand,
  type TimeSignalCommand,
} from '../../src/main/engine/scte35/index.ts';

export const PTS_WRAP = 2 ** 33;

/** srt-live-transmit listening on `port`, writing every byte it receives to `file`. */
export class SrtCapture {
  readonly child: ChildProcess;
  readonly port: number;
  readonly file: string;

  constructor(port: number, file: string) {
    this.port = port;
    this.file = file;
    const out = openSync(file, 'w');
    // 400 ms latency, as a distributor's link would have; the loaded runner drops less.
    this.child = spawn('srt-live-transmit', [`srt://:${port}?mode=listener&latency=400`, 'file://con'], { stdio: ['ignore', out, 'ignore'] });
    closeSync(out);
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    return exited;
  }
}

export interface CapturedFrame {
  /** Raw 33-bit PTS. */
  pts: number;
  keyframe: boolean;
  packetIndex: number;
}

export interface CapturedSection {
  hex: string;
  section: SpliceInfoSection;
  packetIndex: number;
  /** PTS of the latest video PES before the section arrived (the receiver's video clock), -1 before any. */
  clockPts: number;
}

export interface Capture {
  frames: CapturedFrame[];
  sections: CapturedSection[];
  continuityErrors: number;
  pmtStreamTypes: number[];
}

/**
 * Reads a capture as it grows: each `poll()` reads the whole packets appended since the last one,
 * so waiting on the receiver's state stays cheap however long the capture gets.
 */
export class CaptureReader implements Capture {
  readonly frames: CapturedFrame[] = [];
  readonly sections: CapturedSection[] = [];
  pmtStreamTypes: number[] = [];
  #offset = 0;
  #clockPts = -1;
  readonly #framer = new TsFramer();
  readonly #demux = new TsDemux({
    pmt: (pmt) => (this.pmtStreamTypes = pmt.streams.map((stream) => stream.streamType)),
    videoPes: (au) => (this.#clockPts = au.pts),
    accessUnit: (au) => this.frames.push({ pts: au.pts, keyframe: au.keyframe, packetIndex: au.packetIndex }),
    scte35: (section, length, _pid, packetIndex) => {
      const copy = Uint8Array.from(section.subarray(0, length));
      this.sections.push({ hex: Buffer.from(copy).toString('hex'), section: decodeSection(copy), packetIndex, clockPts: this.#clockPts });
    },
  });

  readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  get continuityErrors(): number {
    return this.#demux.continuityErrors;
  }

  /** The latest video PTS the receiver has, or -1. */
  get lastPts(): number {
    return this.frames.at(-1)?.pts ?? -1;
  }

  poll(): this {
    if (!existsSync(this.file)) return this;
    const size = statSync(this.file).size;
    const whole = Math.floor((size - this.#offset) / TS_PACKET_SIZE) * TS_PACKET_SIZE;
    if (whole <= 0) return this;
    const bytes = Buffer.alloc(whole);
    const fd = openSync(this.file, 'r');
    try {
      readSync(fd, bytes, 0, whole, this.#offset);
    } finally {
      closeSync(fd);
    }
    this.#offset += whole;
    this.#framer.push(bytes, this.#demux);
    return this;
  }

  /** True once the receiver has a frame at least `seconds` past `pts`. */
  hasPast(pts: number, seconds: number): boolean {
    this.poll();
    return this.frames.length > 0 && ptsDiff(this.lastPts, pts) >= seconds * 90_000;
  }
}

/** Reads the whole packets of a capture (a file still being written is fine: the tail is ignored). */
export function readCapture(fileOrBytes: string | Uint8Array): Capture {
  if (typeof fileOrBytes === 'string') return new CaptureReader(fileOrBytes).poll();
  const frames: CapturedFrame[] = [];
  const sections: CapturedSection[] = [];
  let pmtStreamTypes: number[] = [];
  let clockPts = -1;
  const demux = new TsDemux({
    pmt: (pmt) => (pmtStreamTypes = pmt.streams.map((stream) => stream.streamType)),
    videoPes: (au) => (clockPts = au.pts),
    accessUnit: (au) => frames.push({ pts: au.pts, keyframe: au.keyframe, packetIndex: au.packetIndex }),
    scte35: (section, length, _pid, packetIndex) => {
      const copy = Uint8Array.from(section.subarray(0, length));
      sections.push({ hex: Buffer.from(copy).toString('hex'), section: decodeSection(copy), packetIndex, clockPts });
    },
  });
  const whole = Math.floor(fileOrBytes.length / TS_PACKET_SIZE) * TS_PACKET_SIZE;
  new TsFramer().push(fileOrBytes.subarray(0, whole), demux);
  return { frames, sections, continuityErrors: demux.continuityErrors, pmtStreamTypes };
}

/** a − b in 90 kHz ticks, across the 33-bit wrap. */
export function ptsMinus(a: number, b: number): number {
  return ptsDiff(a, b);
}

/** The pts_time a section signals, with its pts_adjustment applied (raw 33-bit), or null (immediate, none). */
export function signalledPts(section: SpliceInfoSection): number | null {
  const command = section.splice_command;
  let time: number | undefined;
  if (command?.splice_command_type === 0x05) {
    const insert = command as SpliceInsertCommand;
    time = insert.splice_time?.time_specified_flag ? insert.splice_time.pts_time : undefined;
  } else if (command?.splice_command_type === 0x06) {
    const signal = command as TimeSignalCommand;
    time = signal.splice_time.time_specified_flag ? signal.splice_time.pts_time : undefined;
  }
  return time === undefined ? null : (time + section.pts_adjustment) % PTS_WRAP;
}

export function spliceInsertOf(section: SpliceInfoSection): SpliceInsertCommand | null {
  return section.splice_command?.splice_command_type === 0x05 ? (section.splice_command as SpliceInsertCommand) : null;
}

export function segmentationOf(section: SpliceInfoSection): SegmentationDescriptor[] {
  return section.descriptors.filter((d): d is SegmentationDescriptor => d.name === 'segmentation_descriptor');
}

/** The event id a section is about (splice_insert's splice_event_id, else the first segmentation_event_id). */
export function eventIdOf(section: SpliceInfoSection): number | null {
  const insert = spliceInsertOf(section);
  if (insert) return insert.splice_event_id;
  return segmentationOf(section)[0]?.segmentation_event_id ?? null;
}

/** Sections of one kind in arrival order. */
export function sectionsWhere(capture: Capture, predicate: (section: SpliceInfoSection) => boolean): CapturedSection[] {
  return capture.sections.filter((captured) => predicate(captured.section));
}

export const isCueOut = (eventId: number) => (s: SpliceInfoSection) => {
  const insert = spliceInsertOf(s);
  return !!insert && insert.splice_event_id === eventId && !insert.splice_event_cancel_indicator && insert.out_of_network_indicator === true;
};
export const isCueIn = (eventId: number) => (s: SpliceInfoSection) => {
  const insert = spliceInsertOf(s);
  return !!insert && insert.splice_event_id === eventId && !insert.splice_event_cancel_indicator && insert.out_of_network_indicator === false;
};
export const isCancel = (eventId: number) => (s: SpliceInfoSection) => {
  const insert = spliceInsertOf(s);
  if (insert) return insert.splice_event_id === eventId && insert.splice_event_cancel_indicator;
  return segmentationOf(s).some((d) => d.segmentation_event_id === eventId && d.segmentation_event_cancel_indicator);
};
export const isSegmentation = (eventId: number, typeId: number) => (s: SpliceInfoSection) =>
  s.splice_command?.splice_command_type === 0x06 &&
  segmentationOf(s).some((d) => d.segmentation_event_id === eventId && !d.segmentation_event_cancel_indicator && d.segmentation_type_id === typeId);
export const isSpliceNull = (s: SpliceInfoSection) => s.splice_command?.splice_command_type === 0x00;

/** The frame with exactly this PTS, and the one before it in presentation order. */
export function frameAt(capture: Capture, pts: number): { frame: CapturedFrame | undefined; previous: CapturedFrame | undefined } {
  const index = capture.frames.findIndex((frame) => frame.pts === pts % PTS_WRAP);
  return { frame: capture.frames[index], previous: index > 0 ? capture.frames[index - 1] : undefined };
}

// ---- Pixels ----

/** Decoded pictures are scaled to this size: enough to tell a slate from a test pattern, cheap to keep. */
export const THUMB_WIDTH = 32;
export const THUMB_HEIGHT = 18;
const THUMB_BYTES = THUMB_WIDTH * THUMB_HEIGHT * 3;

/**
 * Decodes every video frame of a TS to a small RGB picture, keyed by its raw 33-bit PTS (ffmpeg with
 * -copyts keeps the stream's own timestamps; showinfo names each frame's PTS in output order).
 */
export function decodeThumbnails(file: string): Map<number, Uint8Array> {
  const result = spawnSync(
    ffmpegPath(),
    [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'info',
      '-copyts',
      '-i',
      file,
      '-map',
      '0:v:0',
      '-vf',
      `showinfo,scale=${THUMB_WIDTH}:${THUMB_HEIGHT}:flags=area,format=rgb24`,
      '-fps_mode',
      'passthrough',
      '-f',
      'rawvideo',
      'pipe:1',
    ],
    { maxBuffer: 1 << 30, timeout: 120_000 },
  );
  if (result.status !== 0 && result.stdout.length === 0) throw new Error(`ffmpeg could not decode ${file}: ${result.stderr.toString().slice(-2000)}`);
  const ptsList = [...result.stderr.toString().matchAll(/Parsed_showinfo.*?\bn:\s*\d+\s+pts:\s*(-?\d+)/g)].map((match) => Number(match[1]));
  const frames = new Map<number, Uint8Array>();
  const count = Math.min(ptsList.length, Math.floor(result.stdout.length / THUMB_BYTES));
  for (let index = 0; index < count; index++) {
    const pts = ((ptsList[index]! % PTS_WRAP) + PTS_WRAP) % PTS_WRAP;
    frames.set(pts, result.stdout.subarray(index * THUMB_BYTES, (index + 1) * THUMB_BYTES));
  }
  return frames;
}

/** Mean absolute difference per channel value (0..255) between two pictures of the same size. */
export function pictureDistance(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += Math.abs(a[index]! - b[index]!);
  return sum / a.length;
}

/** The name of the reference picture nearest to `picture`, and every distance (for failure messages). */
export function classify(picture: Uint8Array, references: Record<string, Uint8Array>): { nearest: string; distances: Record<string, number> } {
  let nearest = '';
  let best = Number.POSITIVE_INFINITY;
  const distances: Record<string, number> = {};
  for (const [name, reference] of Object.entries(references)) {
    const distance = pictureDistance(picture, reference);
    distances[name] = Math.round(distance * 10) / 10;
    if (distance < best) {
      best = distance;
      nearest = name;
    }
  }
  return { nearest, distances };
}

/** The picture at a PTS; throws naming the PTS when the capture has no such frame. */
export function pictureAt(pictures: Map<number, Uint8Array>, pts: number): Uint8Array {
  const picture = pictures.get(((pts % PTS_WRAP) + PTS_WRAP) % PTS_WRAP);
  if (!picture) throw new Error(`no decoded frame at PTS ${pts}`);
  return picture;
}

// ---- The publisher ----

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

/**
 * ffmpeg publishing testsrc2 over RTMP with a burnt-in frame counter and timecode (so a human can
 * read any frame of the capture), plus a tone, in real time, for at most `seconds`.
 */
export function publishCountingPattern(url: string, options: { seconds: number; size?: string; rate?: number }): OwnedChild {
  const size = options.size ?? '320x180';
  const rate = options.rate ?? 30;
  const text = `drawtext=fontfile=${FONT}:fontsize=20:fontcolor=white:box=1:boxcolor=black@0.6:x=8:y=8:text='f %{frame_num}'`;
  const timecode = `drawtext=fontfile=${FONT}:fontsize=20:fontcolor=yellow:box=1:boxcolor=black@0.6:x=8:y=h-32:timecode='00\\:00\\:00\\:00':rate=${rate}`;
  return publishTestPattern(url, { seconds: options.seconds, size, rate, filters: `${text},${timecode}`, name: 'counting publisher' });
}

// ---- The preview HLS ----

export interface SeenSegment {
  uri: string;
  /** The tag lines between the previous segment's URI and this one's. */
  tags: string[];
  /** Raw PTS of the segment's first video frame, read from the segment itself. */
  startPts: number | null;
}

/**
 * Polls a live playlist and remembers every segment it lists with its tags and first PTS (the
 * playlist is a sliding window: segments leave it, so they are read while they are listed).
 */
export class PlaylistWatcher {
  readonly segments = new Map<string, SeenSegment>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #busy = false;

  readonly playlistUrl: string;
  readonly headers: Record<string, string>;

  constructor(playlistUrl: string, headers: Record<string, string>) {
    this.playlistUrl = playlistUrl;
    this.headers = headers;
  }

  start(intervalMs = 700): void {
    this.#timer = setInterval(() => void this.poll(), intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async poll(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const response = await fetch(this.playlistUrl, { headers: this.headers });
      if (!response.ok) return;
      const lines = (await response.text()).split('\n').map((line) => line.trim());
      let tags: string[] = [];
      for (const line of lines) {
        if (!line) continue;
        if (line.startsWith('#')) {
          if (!line.startsWith('#EXTINF') && !line.startsWith('#EXTM3U')) tags.push(line);
          continue;
        }
        if (!this.segments.has(line)) {
          const segment: SeenSegment = { uri: line, tags, startPts: null };
          const bytes = await fetch(new URL(line, this.playlistUrl), { headers: this.headers });
          if (bytes.ok) segment.startPts = readCapture(new Uint8Array(await bytes.arrayBuffer())).frames[0]?.pts ?? null;
          this.segments.set(line, segment);
        }
        tags = [];
      }
    } catch {
      // The server may be restarting or stopping: the next poll tries again.
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Waits for the segment that starts at `pts`: the muxer lists a segment only once the next one
   * has begun, so a segment at a point the receiver just passed may not be listed yet. Polls
   * itself, so a timer poll in flight (where `poll()` returns at once) cannot end the wait early.
   */
  async segmentStartingAt(pts: number, timeoutMs: number): Promise<SeenSegment | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = this.startingAt(pts);
      if (seen || Date.now() > deadline) return seen;
      await this.poll();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** The segment that starts at `pts`, if one was seen. */
  startingAt(pts: number): SeenSegment | undefined {
    return [...this.segments.values()].find((segment) => segment.startPts === pts % PTS_WRAP);
  }
}
