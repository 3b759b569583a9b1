// Splice-aware HLS segmenter: cuts a transport stream into .ts segments only at IDR frames, at the
// target duration and always at an SCTE-35 splice point, with a live sliding-window playlist.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PTS_HZ } from '../media.ts';
import { decodeSection, spliceTimeOf, SPLICE_INSERT, TIME_SIGNAL, type SpliceInfoSection } from '../scte35/index.ts';
import { PID_PAT, TS_PACKET_SIZE } from '../mpegts/constants.ts';
import { TsDemux, type AccessUnit } from '../mpegts/demux.ts';
import { TsFramer, packetPid, payloadUnitStart, wrapPts, type PacketSink } from '../mpegts/packet.ts';
import { HlsError } from './errors.ts';
import { synchronousHlsFiles, type HlsFiles } from './hls-files.ts';
import { renderPlaylist, type MarkerStyle, type PlaylistSegment, type SpliceSignal } from './playlist.ts';

type SegmentMarks = Pick<PlaylistSegment, 'cueOut' | 'cueIn' | 'signal' | 'cueOutCont'>;

export interface HlsSegmenterOptions {
  outputDir: string;
  /** Target segment length in seconds; segments end at the first IDR at or after it. */
  segmentDurationSeconds?: number;
  /** Segments listed in the live playlist; 0 keeps every segment listed (and on disk). */
  listSize?: number;
  /** Segments kept on disk after they leave the playlist, before they are deleted. */
  deleteThreshold?: number;
  markers?: readonly MarkerStyle[];
  playlistName?: string;
  segmentPrefix?: string;
  /** Wall-clock time of the first video frame; default: when the first frame arrives. */
  programDateTime?: Date;
  /** Called after each segment is written and listed. */
  onSegment?: (segment: PlaylistSegment) => void;
  /** How files reach the disk; default: synchronously, mode 0644. */
  files?: HlsFiles;
  /**
   * How many of the latest segments `segments` remembers. Default: all, for a file cut once; a
   * live output that runs for days passes a bound, so its memory does not grow with the run.
   */
  segmentHistory?: number;
}

/** A splice point waiting for its IDR. */
interface SplicePoint {
  kind: 'out' | 'in' | 'signal';
  ext: number;
  raw: number;
  eventId: number;
  durationTicks: number | undefined;
  autoReturn: boolean;
  section: Uint8Array | undefined;
  key: string;
}

interface ActiveBreak {
  id: string;
  eventId: number;
  startExt: number;
  plannedTicks: number | undefined;
  startDate: string;
  section: Uint8Array;
}

const STATE_FILE = '.hls-state.json';
/**
 * Cue keys (event, direction, splice time) are remembered to skip a cue's repeats. Repeats end at
 * the splice, so a key whose splice is this far behind the video clock is forgotten.
 */
const SEEN_KEY_TTL_TICKS = 60 * PTS_HZ;
/** And never more keys than this, oldest forgotten first, whatever a stream carries. */
export const MAX_SEEN_CUE_KEYS = 256;

export class HlsSegmenter implements PacketSink {
  readonly outputDir: string;
  readonly targetTicks: number;
  readonly listSize: number;
  readonly deleteThreshold: number;
  readonly markers: readonly MarkerStyle[];
  readonly playlistName: string;
  readonly segmentPrefix: string;
  /** The segments written by this instance, oldest first: all of them, or the latest `segmentHistory`. */
  readonly segments: PlaylistSegment[] = [];
  readonly segmentHistory: number;
  readonly demux: TsDemux;
  /** Splice points that fell between IDRs: the cut went to the next IDR. */
  inexactSplices = 0;
  private readonly framer = new TsFramer();
  private readonly onSegment: ((segment: PlaylistSegment) => void) | undefined;
  private readonly files: HlsFiles;
  private baseDate: number | undefined;
  private firstExt = Number.NaN;
  private nextSequence: number;
  private maxDuration = 0;
  private readonly window: PlaylistSegment[] = [];
  private readonly retired: string[] = [];

  private cur: Buffer = Buffer.allocUnsafe(1 << 22);
  private curLength = 0;
  private spare: Buffer = Buffer.allocUnsafe(1 << 22);
  private started = false;
  private segStartExt = 0;
  private segStartRaw = 0;
  private segMarkers: SegmentMarks = {};
  private auStartOffset = -1;
  private readonly patPacket = new Uint8Array(TS_PACKET_SIZE);
  private readonly pmtPacket = new Uint8Array(TS_PACKET_SIZE);
  private havePat = false;
  private havePmt = false;
  private readonly points: SplicePoint[] = [];
  /** Cue keys seen, with the splice time (extended) each one is for. */
  private readonly seenKeys = new Map<string, number>();
  private active: ActiveBreak | undefined;
  /** Where the active break returns by itself (auto_return with a break_duration). */
  private autoReturnExt = Number.POSITIVE_INFINITY;
  private ended = false;

  private chunk: Uint8Array | undefined;
  private runStart = -1;
  private runEnd = -1;

  constructor(options: HlsSegmenterOptions) {
    const {
      outputDir,
      segmentDurationSeconds = 6,
      listSize = 6,
      deleteThreshold = 2,
      markers = ['cue'],
      playlistName = 'index.m3u8',
      segmentPrefix = 'segment',
    } = options;
    if (!(segmentDurationSeconds > 0)) throw new HlsError('BAD_OPTION', 'segment duration must be > 0 seconds', { field: 'segmentDurationSeconds' });
    if (!Number.isInteger(listSize) || listSize < 0) throw new HlsError('BAD_OPTION', 'list size must be an integer ≥ 0', { field: 'listSize' });
    if (!Number.isInteger(deleteThreshold) || deleteThreshold < 1)
      throw new HlsError('BAD_OPTION', 'delete threshold must be an integer ≥ 1', { field: 'deleteThreshold' });
    this.outputDir = outputDir;
    this.targetTicks = Math.round(segmentDurationSeconds * PTS_HZ);
    this.listSize = listSize;
    this.deleteThreshold = deleteThreshold;
    this.markers = markers;
    this.playlistName = playlistName;
    this.segmentPrefix = segmentPrefix;
    this.onSegment = options.onSegment;
    this.files = options.files ?? synchronousHlsFiles();
    this.segmentHistory = options.segmentHistory ?? Number.POSITIVE_INFINITY;
    this.baseDate = options.programDateTime?.getTime();
    try {
      mkdirSync(outputDir, { recursive: true });
    } catch (cause) {
      throw new HlsError('WRITE_FAILED', `cannot create ${outputDir}`, { cause });
    }
    this.nextSequence = this.readState();
    this.demux = new TsDemux({
      accessUnit: (au) => this.onAccessUnit(au),
      scte35: (section, length) => this.onScte35(section.slice(0, length)),
    });
  }

  /** The media sequence number the next segment will get. */
  get sequence(): number {
    return this.nextSequence;
  }

  push(chunk: Uint8Array): void {
    this.chunk = chunk;
    try {
      this.framer.push(chunk, this);
      this.flushRun();
    } finally {
      this.chunk = undefined;
      this.runStart = this.runEnd = -1;
    }
  }

  /** Ends the stream: writes the last segment and the final playlist with #EXT-X-ENDLIST. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.demux.end();
    if (this.started && this.curLength > 0) {
      const d = this.demux;
      const endExt = d.maxPtsExt + d.frameDuration;
      this.closeSegment(this.curLength, Math.max(endExt - this.segStartExt, 0));
    }
    if (!this.started) throw new HlsError('NO_VIDEO', 'the input has no H.264/HEVC keyframe to start a segment at');
    this.writePlaylist(true);
  }

  packet(b: Uint8Array, p: number): void {
    const pid = packetPid(b, p);
    const unitStart = payloadUnitStart(b, p);
    if (pid === this.demux.videoPid && unitStart) {
      this.flushRun();
      this.auStartOffset = this.curLength;
    }
    this.append(b, p);
    this.demux.packet(b, p);
    // Keep the latest PAT and PMT (single-packet tables) to open each segment with.
    if (unitStart && pid === PID_PAT) {
      this.patPacket.set(b.subarray(p, p + TS_PACKET_SIZE));
      this.havePat = true;
    } else if (unitStart && this.demux.pmts.has(pid)) {
      this.pmtPacket.set(b.subarray(p, p + TS_PACKET_SIZE));
      this.havePmt = true;
    }
  }

  private append(b: Uint8Array, p: number): void {
    if (b === this.chunk) {
      if (p === this.runEnd) {
        this.runEnd += TS_PACKET_SIZE;
        return;
      }
      this.flushRun();
      this.runStart = p;
      this.runEnd = p + TS_PACKET_SIZE;
      return;
    }
    this.flushRun();
    this.write(b, p, p + TS_PACKET_SIZE);
  }

  private flushRun(): void {
    if (this.runEnd <= this.runStart) return;
    this.write(this.chunk!, this.runStart, this.runEnd);
    this.runStart = this.runEnd = -1;
  }

  private write(b: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (this.curLength + length > this.cur.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.cur.length * 2, this.curLength + length));
      this.cur.copy(grown, 0, 0, this.curLength);
      this.cur = grown;
    }
    this.cur.set(b.subarray(start, end), this.curLength);
    this.curLength += length;
  }

  private onScte35(section: Uint8Array): void {
    let decoded: SpliceInfoSection;
    try {
      decoded = decodeSection(section);
    } catch {
      return; // the demux already checked the CRC; a section we cannot read is not a splice point
    }
    const command = decoded.splice_command;
    if (!command) return;
    const raw = spliceTimeOf(decoded);
    const clock = Math.max(this.demux.clockExt, 0);
    const ext = raw === undefined ? clock : this.demux.unwrap(raw);
    if (command.splice_command_type === SPLICE_INSERT) {
      if (command.splice_event_cancel_indicator) {
        for (let i = this.points.length - 1; i >= 0; i--) if (this.points[i]!.eventId === command.splice_event_id) this.points.splice(i, 1);
        return;
      }
      const kind = command.out_of_network_indicator ? 'out' : 'in';
      // Repeats of a cue carry the same event, direction and time: keep one splice point.
      const key = `${kind}:${command.splice_event_id}:${raw ?? 'now'}`;
      if (this.seenKeys.has(key) || (raw === undefined && this.points.some((pt) => pt.key === key))) return;
      if (raw !== undefined) this.rememberKey(key, ext);
      this.points.push({
        kind,
        ext,
        raw: raw ?? wrapPts(ext),
        eventId: command.splice_event_id,
        durationTicks: command.break_duration?.duration,
        autoReturn: command.break_duration?.auto_return ?? false,
        section,
        key,
      });
    } else if (command.splice_command_type === TIME_SIGNAL && raw !== undefined) {
      const key = `signal:${raw}`;
      if (this.seenKeys.has(key)) return;
      this.rememberKey(key, ext);
      this.points.push({ kind: 'signal', ext, raw, eventId: 0, durationTicks: undefined, autoReturn: false, section, key });
    }
  }

  private rememberKey(key: string, spliceExt: number): void {
    const clock = this.demux.clockExt;
    for (const [seen, ext] of this.seenKeys) if (clock - ext > SEEN_KEY_TTL_TICKS) this.seenKeys.delete(seen);
    while (this.seenKeys.size >= MAX_SEEN_CUE_KEYS) this.seenKeys.delete(this.seenKeys.keys().next().value!);
    this.seenKeys.set(key, spliceExt);
  }

  /** Cue keys remembered now (bounded: see MAX_SEEN_CUE_KEYS). */
  get rememberedCueKeys(): number {
    return this.seenKeys.size;
  }

  private onAccessUnit(au: AccessUnit): void {
    if (!au.keyframe || au.pts < 0) return;
    const at = au.ptsExt;
    if (Number.isNaN(this.firstExt)) {
      this.firstExt = at;
      this.baseDate ??= Date.now();
    }
    let due = false;
    for (const point of this.points) if (point.ext <= at) due = true;
    if (this.autoReturnExt <= at) due = true;
    const elapsed = at - this.segStartExt;
    if (this.started && !due && elapsed < this.targetTicks) return;
    this.flushRun();
    const cutAt = this.auStartOffset >= 0 ? this.auStartOffset : this.curLength;
    if (this.started) this.closeSegment(cutAt, elapsed);
    this.startSegment(cutAt, au);
  }

  /** Moves the bytes from `cutAt` on into a new segment buffer that starts with PAT and PMT. */
  private startSegment(cutAt: number, au: AccessUnit): void {
    const tail = this.curLength - cutAt;
    const next = this.spare;
    let length = 0;
    const need = tail + 2 * TS_PACKET_SIZE;
    const target = next.length >= need ? next : Buffer.allocUnsafe(need * 2);
    if (this.havePat) {
      target.set(this.patPacket, length);
      length += TS_PACKET_SIZE;
    }
    if (this.havePmt) {
      target.set(this.pmtPacket, length);
      length += TS_PACKET_SIZE;
    }
    this.cur.copy(target, length, cutAt, this.curLength);
    length += tail;
    this.spare = this.cur;
    this.cur = target;
    this.curLength = length;
    this.auStartOffset = -1;
    this.started = true;
    this.segStartExt = au.ptsExt;
    this.segStartRaw = au.pts;
    this.segMarkers = this.markersAt(au.ptsExt);
  }

  /** Takes the splice points due at `at` and says what the segment starting there carries. */
  private markersAt(at: number): SegmentMarks {
    const marks: SegmentMarks = {};
    const date = this.dateAt(at);
    const due = this.points.filter((p) => p.ext <= at);
    for (let i = this.points.length - 1; i >= 0; i--) if (this.points[i]!.ext <= at) this.points.splice(i, 1);
    if (due.some((p) => p.ext !== at)) this.inexactSplices++;
    const ins = due.filter((p) => p.kind === 'in');
    const outs = due.filter((p) => p.kind === 'out');
    const signal = due.find((p) => p.kind === 'signal');
    if (this.active && (ins.length > 0 || this.autoReturnExt <= at || outs.length > 0)) {
      const a = this.active;
      const inPoint = ins.find((p) => p.eventId === a.eventId) ?? ins[0];
      marks.cueIn = {
        id: a.id,
        eventId: a.eventId,
        splicePts: wrapPts(at),
        duration: (at - a.startExt) / PTS_HZ,
        section: inPoint?.section,
        startDate: a.startDate,
      };
      this.active = undefined;
      this.autoReturnExt = Number.POSITIVE_INFINITY;
    }
    const out = outs[outs.length - 1];
    if (out) {
      const id = `splice-${out.eventId}-${out.raw}`;
      marks.cueOut = {
        id,
        eventId: out.eventId,
        splicePts: out.raw,
        plannedDuration: out.durationTicks === undefined ? undefined : out.durationTicks / PTS_HZ,
        section: out.section!,
        startDate: date,
      };
      this.active = { id, eventId: out.eventId, startExt: at, plannedTicks: out.durationTicks, startDate: date, section: out.section! };
      this.autoReturnExt = out.durationTicks !== undefined && out.autoReturn ? out.ext + out.durationTicks : Number.POSITIVE_INFINITY;
    } else if (this.active) {
      const a = this.active;
      marks.cueOutCont = {
        elapsed: (at - a.startExt) / PTS_HZ,
        duration: a.plannedTicks === undefined ? undefined : a.plannedTicks / PTS_HZ,
        section: a.section,
      };
    }
    if (signal?.section) marks.signal = { id: `signal-${signal.raw}`, splicePts: signal.raw, section: signal.section, startDate: date } satisfies SpliceSignal;
    return marks;
  }

  private dateAt(ext: number): string {
    return new Date((this.baseDate ?? 0) + ((ext - this.firstExt) * 1000) / PTS_HZ).toISOString();
  }

  private closeSegment(length: number, durationTicks: number): void {
    const sequence = this.nextSequence++;
    const uri = `${this.segmentPrefix}${sequence}.ts`;
    // Live segments skip fsync: after a crash the window is rewritten anyway, and a sync per
    // segment would make a busy disk everyone's problem. The media sequence (state) is synced.
    this.files.write(path.join(this.outputDir, uri), this.cur.subarray(0, length), { durable: false });
    this.writeState();
    const duration = durationTicks / PTS_HZ;
    const segment: PlaylistSegment = {
      sequence,
      uri,
      duration,
      startPts: this.segStartRaw,
      programDateTime: this.dateAt(this.segStartExt),
      ...this.segMarkers,
    };
    this.maxDuration = Math.max(this.maxDuration, duration);
    this.segments.push(segment);
    if (this.segments.length > this.segmentHistory) this.segments.splice(0, this.segments.length - this.segmentHistory);
    this.window.push(segment);
    if (this.listSize > 0 && this.window.length > this.listSize) {
      const gone = this.window.shift()!;
      this.retired.push(gone.uri);
    }
    this.writePlaylist(false);
    // Delete only what left the playlist deleteThreshold segments ago: no listed segment goes.
    while (this.retired.length > this.deleteThreshold) {
      this.files.remove(path.join(this.outputDir, this.retired.shift()!));
    }
    const onSegment = this.onSegment;
    if (onSegment) this.files.after(() => onSegment(segment));
  }

  private writePlaylist(ended: boolean): void {
    const targetDuration = Math.max(Math.ceil(this.targetTicks / PTS_HZ), Math.round(this.maxDuration));
    const text = renderPlaylist(this.window, { targetDuration, markers: this.markers, ended, vod: ended && this.listSize === 0 });
    // The playlist is replaced every segment and rewritten after a restart: no fsync needed.
    this.files.write(path.join(this.outputDir, this.playlistName), text, { durable: false });
  }

  private readState(): number {
    const file = path.join(this.outputDir, STATE_FILE);
    if (!existsSync(file)) return 0;
    try {
      const state = JSON.parse(readFileSync(file, 'utf8')) as { nextSequence?: unknown };
      if (typeof state.nextSequence === 'number' && Number.isSafeInteger(state.nextSequence) && state.nextSequence >= 0) return state.nextSequence;
    } catch (cause) {
      throw new HlsError('STATE_CORRUPT', `cannot read ${file}; remove it to start the media sequence over`, { cause });
    }
    throw new HlsError('STATE_CORRUPT', `${file} has no valid nextSequence; remove it to start the media sequence over`);
  }

  private writeState(): void {
    // Durable: after a power cut the media sequence must carry on, never go back (RFC 8216 §6.2.2).
    this.files.write(path.join(this.outputDir, STATE_FILE), JSON.stringify({ nextSequence: this.nextSequence }), { durable: true });
  }
}
