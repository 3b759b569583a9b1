// Per-packet analysis of a transport stream: PAT/PMT, continuity, PCR, video PES timing and
// access-unit keyframes, SCTE-35 sections. One instance per stream; feed it packets from TsFramer.
import { PID_COUNT, PID_NULL, PID_PAT, STREAM_TYPE_HEVC, STREAM_TYPE_SCTE35, isVideoStreamType } from './constants.ts';
import { FirstSliceScanner, type VideoCodec } from './nal.ts';
import {
  adaptationFieldControl,
  continuityCounter,
  discontinuityIndicator,
  hasPcr,
  packetPid,
  payloadOffset,
  payloadUnitStart,
  pcrBase,
  pcrExtension,
  ptsDiff,
  transportError,
  type PacketSink,
} from './packet.ts';
import { isPesStart, pesDts, pesHeaderDataLength, pesPts } from './pes.ts';
import { SectionAssembler, parsePat, parsePmt, sectionCrcValid, type Pat, type Pmt } from './psi.ts';

const KIND_NONE = 0;
const KIND_PSI = 1;
const KIND_VIDEO = 2;
const KIND_SCTE35 = 3;

const VIDEO_IDLE = 0;
const VIDEO_HEADER = 1;
const VIDEO_SCAN = 2;

/** Facts about one video access unit, reused between calls: copy what you keep. */
export interface AccessUnit {
  /** Index of the packet that started the PES (payload_unit_start_indicator). */
  packetIndex: number;
  /** Raw 33-bit PTS and DTS (DTS = PTS when absent). */
  pts: number;
  dts: number;
  /** PTS and DTS unwrapped onto a continuous timeline (the first PTS is its origin's raw value). */
  ptsExt: number;
  dtsExt: number;
  keyframe: boolean;
  nalType: number;
}

export interface DemuxListener {
  pat?(pat: Pat): void;
  /** A PMT whose bytes differ from the last one seen on that PID. `section` is reused. */
  pmt?(pmt: Pmt, pid: number, section: Uint8Array, length: number): void;
  /** A video PES header was read: the video clock moved. */
  videoPes?(au: AccessUnit): void;
  /** The first slice of the access unit was found, so `keyframe` is known. */
  accessUnit?(au: AccessUnit): void;
  /** A CRC-valid section on an SCTE-35 PID. `section` is reused. */
  scte35?(section: Uint8Array, length: number, pid: number, packetIndex: number): void;
  continuityError?(pid: number, expected: number, found: number, packetIndex: number): void;
}

export class TsDemux implements PacketSink {
  listener: DemuxListener;
  packetIndex = 0;
  nullPackets = 0;
  transportErrors = 0;
  continuityErrors = 0;
  crcErrors = 0;
  readonly pidPackets = new Uint32Array(PID_COUNT);
  pat: Pat | undefined;
  readonly pmts = new Map<number, Pmt>();
  videoPid = -1;
  videoCodec: VideoCodec | undefined;
  pcrPid = -1;
  readonly scte35Pids: number[] = [];
  firstPcr = -1;
  lastPcr = -1;
  /** Video access units seen, and how many of them were keyframes. */
  frames = 0;
  keyframes = 0;
  /** Earliest and latest unwrapped video PTS, and the last step between DTS values. */
  minPtsExt = Number.POSITIVE_INFINITY;
  maxPtsExt = Number.NEGATIVE_INFINITY;
  frameDuration = 0;
  /** The video clock: unwrapped DTS (or PTS) of the latest video PES, -1 before the first one. */
  clockExt = -1;
  clockRaw = -1;

  private readonly lastCc = new Int8Array(PID_COUNT).fill(-1);
  private readonly kinds = new Uint8Array(PID_COUNT);
  private readonly assemblers: (SectionAssembler | undefined)[] = new Array(PID_COUNT);
  private readonly lastPmtBytes = new Map<number, Uint8Array>();
  private readonly au: AccessUnit = { packetIndex: -1, pts: -1, dts: -1, ptsExt: 0, dtsExt: 0, keyframe: false, nalType: -1 };
  private videoState = VIDEO_IDLE;
  private readonly pesHeader = new Uint8Array(9 + 255);
  private pesHeaderLength = 0;
  private pesHeaderNeed = 9;
  private readonly scanner = new FirstSliceScanner();
  private ptsRefRaw = -1;
  private ptsRefExt = 0;
  private currentPid = 0;
  private currentPacketIndex = 0;

  constructor(listener: DemuxListener = {}) {
    this.listener = listener;
    this.kinds[PID_PAT] = KIND_PSI;
    this.assemblers[PID_PAT] = new SectionAssembler();
  }

  /** Converts a raw 33-bit timestamp to the unwrapped timeline, relative to the current clock. */
  unwrap(raw: number): number {
    if (this.ptsRefRaw < 0) return raw;
    return this.ptsRefExt + ptsDiff(raw, this.ptsRefRaw);
  }

  packet(b: Uint8Array, p: number): void {
    const index = this.packetIndex++;
    const pid = packetPid(b, p);
    this.pidPackets[pid]!++;
    if (pid === PID_NULL) {
      this.nullPackets++;
      return;
    }
    if (transportError(b, p)) {
      this.transportErrors++;
      return;
    }
    const afc = adaptationFieldControl(b, p);
    if (afc & 0x01) {
      const cc = continuityCounter(b, p);
      const last = this.lastCc[pid]!;
      this.lastCc[pid] = cc;
      if (last >= 0 && cc !== ((last + 1) & 0x0f)) {
        // A single repeat of a packet is allowed (2.4.3.3); the copy carries nothing new.
        if (cc === last) return;
        if (!(afc & 0x02) || !discontinuityIndicator(b, p)) {
          this.continuityErrors++;
          this.listener.continuityError?.(pid, (last + 1) & 0x0f, cc, index);
        }
      }
    }
    if (pid === this.pcrPid && afc & 0x02 && hasPcr(b, p)) {
      const pcr = pcrBase(b, p) * 300 + pcrExtension(b, p);
      if (this.firstPcr < 0) this.firstPcr = pcr;
      this.lastPcr = pcr;
    }
    const kind = this.kinds[pid]!;
    if (kind === KIND_NONE) return;
    const start = payloadOffset(b, p);
    if (start < 0) return;
    const end = p + 188;
    const unitStart = payloadUnitStart(b, p);
    if (kind === KIND_VIDEO) {
      this.video(b, start, end, unitStart, index);
      return;
    }
    this.currentPid = pid;
    this.currentPacketIndex = index;
    this.assemblers[pid]!.push(b, start, end, unitStart, kind === KIND_SCTE35 ? this.onScte35Section : this.onPsiSection);
  }

  /** Closes the stream: an access unit whose slice never showed up is counted as a non-keyframe. */
  end(): void {
    if (this.videoState !== VIDEO_IDLE) this.finishAccessUnitWithoutSlice();
  }

  private video(b: Uint8Array, start: number, end: number, unitStart: boolean, index: number): void {
    if (unitStart) {
      if (this.videoState !== VIDEO_IDLE) this.finishAccessUnitWithoutSlice();
      this.au.packetIndex = index;
      this.videoState = VIDEO_HEADER;
      this.pesHeaderLength = 0;
      this.pesHeaderNeed = 9;
    }
    if (this.videoState === VIDEO_IDLE) return;
    let pos = start;
    if (this.videoState === VIDEO_HEADER) {
      while (pos < end && this.pesHeaderLength < this.pesHeaderNeed) {
        this.pesHeader[this.pesHeaderLength++] = b[pos++]!;
        if (this.pesHeaderLength === 9) {
          if (!isPesStart(this.pesHeader, 0)) {
            this.videoState = VIDEO_IDLE;
            return;
          }
          this.pesHeaderNeed = 9 + pesHeaderDataLength(this.pesHeader, 0);
        }
      }
      if (this.pesHeaderLength < this.pesHeaderNeed) return;
      this.startAccessUnit();
      this.videoState = VIDEO_SCAN;
    }
    if (this.scanner.scan(b, pos, end)) {
      this.videoState = VIDEO_IDLE;
      this.au.keyframe = this.scanner.keyframe;
      this.au.nalType = this.scanner.nalType;
      this.frames++;
      if (this.au.keyframe) this.keyframes++;
      this.listener.accessUnit?.(this.au);
    }
  }

  private startAccessUnit(): void {
    const au = this.au;
    const pts = pesPts(this.pesHeader, 0);
    const dts = pesDts(this.pesHeader, 0);
    au.pts = pts;
    au.dts = dts >= 0 ? dts : pts;
    au.keyframe = false;
    au.nalType = -1;
    if (pts >= 0) {
      // Unwrap against the previous DTS so a 33-bit rollover continues the timeline.
      const dtsExt = this.unwrap(au.dts);
      au.dtsExt = dtsExt;
      au.ptsExt = dtsExt + ptsDiff(pts, au.dts);
      if (this.clockExt >= 0 && dtsExt > this.clockExt) this.frameDuration = dtsExt - this.clockExt;
      this.ptsRefRaw = au.dts;
      this.ptsRefExt = dtsExt;
      this.clockExt = dtsExt;
      this.clockRaw = au.dts;
      if (au.ptsExt < this.minPtsExt) this.minPtsExt = au.ptsExt;
      if (au.ptsExt > this.maxPtsExt) this.maxPtsExt = au.ptsExt;
    }
    this.scanner.reset(this.videoCodec ?? 'h264');
    this.listener.videoPes?.(au);
  }

  private finishAccessUnitWithoutSlice(): void {
    this.videoState = VIDEO_IDLE;
    this.frames++;
    this.au.keyframe = false;
    this.listener.accessUnit?.(this.au);
  }

  private readonly onPsiSection = (section: Uint8Array, length: number): void => {
    const pid = this.currentPid;
    if (pid === PID_PAT) {
      if (section[0] !== 0x00) return;
      if (!sectionCrcValid(section, length)) {
        this.crcErrors++;
        return;
      }
      const pat = parsePat(section, length);
      if (!pat) return;
      if (this.pat && this.pat.version === pat.version && samePrograms(this.pat, pat)) return;
      this.pat = pat;
      for (const { pmtPid } of pat.programs) {
        if (this.kinds[pmtPid] === KIND_NONE) {
          this.kinds[pmtPid] = KIND_PSI;
          this.assemblers[pmtPid] = new SectionAssembler();
        }
      }
      this.listener.pat?.(pat);
      return;
    }
    if (section[0] !== 0x02) return;
    const last = this.lastPmtBytes.get(pid);
    if (last && last.length === length && equalBytes(last, section, length)) return;
    if (!sectionCrcValid(section, length)) {
      this.crcErrors++;
      return;
    }
    const pmt = parsePmt(section, length);
    if (!pmt) return;
    this.lastPmtBytes.set(pid, section.slice(0, length));
    this.pmts.set(pid, pmt);
    this.applyPmt(pmt);
    this.listener.pmt?.(pmt, pid, section, length);
  };

  private readonly onScte35Section = (section: Uint8Array, length: number): void => {
    if (!sectionCrcValid(section, length)) {
      this.crcErrors++;
      return;
    }
    this.listener.scte35?.(section, length, this.currentPid, this.currentPacketIndex);
  };

  private applyPmt(pmt: Pmt): void {
    if (this.pcrPid < 0) this.pcrPid = pmt.pcrPid;
    for (const stream of pmt.streams) {
      if (isVideoStreamType(stream.streamType) && this.videoPid < 0) {
        this.videoPid = stream.pid;
        this.videoCodec = stream.streamType === STREAM_TYPE_HEVC ? 'hevc' : 'h264';
        this.pcrPid = pmt.pcrPid;
        this.kinds[stream.pid] = KIND_VIDEO;
      } else if (stream.streamType === STREAM_TYPE_SCTE35 && this.kinds[stream.pid] === KIND_NONE) {
        this.kinds[stream.pid] = KIND_SCTE35;
        this.assemblers[stream.pid] = new SectionAssembler();
        this.scte35Pids.push(stream.pid);
      }
    }
  }
}

function samePrograms(a: Pat, b: Pat): boolean {
  return (
    a.programs.length === b.programs.length &&
    a.programs.every((e, i) => e.pmtPid === b.programs[i]!.pmtPid && e.programNumber === b.programs[i]!.programNumber)
  );
}

function equalBytes(a: Uint8Array, b: Uint8Array, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}
