// SCTE-35 injection into a transport stream, TSDuck spliceinject style: the PMT announces the new
// PID (stream_type 0x86, 'CUEI'), sections go out against the video PTS clock, replacing null
// packets where the mux has them and inserted where it has not. Every other packet passes as is.
import { MAX_PTS, PTS_HZ } from '../media.ts';
import { decodeSection, encodeSection, buildSpliceNull, spliceTimeOf, type SpliceInfoSection } from '../scte35/index.ts';
import { PID_FIRST_FREE, PID_LAST_FREE, PID_NULL, TS_PACKET_SIZE } from './constants.ts';
import { TsDemux, type AccessUnit } from './demux.ts';
import { MpegTsError } from './errors.ts';
import { TsFramer, continuityCounter, packetPid, payloadOffset, payloadUnitStart, ptsDiff, type PacketSink } from './packet.ts';
import { SectionAssembler, addScte35ToPmt, packetizeSection, setContinuityCounter, type Pmt } from './psi.ts';
import { errorMessage } from '../errors.ts';

export interface InjectorOptions {
  /** PID of the SCTE-35 stream. Default: the first PID from 0x01F4 up that the program does not use. */
  pid?: number;
  /** Seconds before its splice that a timed section is first sent (SCTE 35's minimum is 4). */
  prerollSeconds?: number;
  /** Seconds between repeats of a timed section until its splice. */
  repeatIntervalSeconds?: number;
  /** When set, a splice_null goes out every this many seconds of video time. */
  heartbeatSeconds?: number;
}

export interface InjectorStats {
  packetsIn: number;
  packetsOut: number;
  nullsReplaced: number;
  packetsInserted: number;
  /** Copies of sections sent (each repeat counts). */
  sectionsSent: number;
  heartbeatsSent: number;
  pmtsRewritten: number;
  /** Timed sections queued after their splice had already passed: never sent. */
  sectionsExpired: number;
}

/** One copy of a section leaving the injector. */
export interface SentSection {
  /** Position in the queue (0-based, by queue order); -1 for a heartbeat. */
  sectionIndex: number;
  /** The section sent (its bytes, CRC included): the listener needs no record of what was queued. */
  section: Uint8Array;
  /** How many copies of this section went out so far, this one included (1 = the first). */
  copy: number;
  /** Raw video clock (DTS/PTS of the latest video PES) when it was sent, -1 before any video. */
  clockPts: number;
  /** Raw splice PTS, or null for an immediate section. */
  splicePts: number | null;
}

/** Per-section options of queue(). */
export interface QueueOptions {
  /** Seconds before its splice that a timed section is first sent; default the injector's. */
  prerollSeconds?: number;
  /**
   * For a section without a splice time (e.g. a splice_event_cancel): repeat it every repeat
   * interval until the video clock reaches this PTS (33-bit, 90 kHz). Without it: sent once.
   */
  repeatUntilPts?: number;
}

interface Scheduled {
  index: number;
  section: Uint8Array;
  packets: Uint8Array;
  /** Raw splice PTS of a timed section; undefined for an immediate one. */
  spliceRaw: number | undefined;
  /** Raw PTS an immediate section repeats until; undefined: sent once. */
  repeatUntilRaw: number | undefined;
  /** Extended clock time the section stops going out at (its splice, or its repeat-until); NaN until placed. */
  spliceExt: number;
  nextDueExt: number;
  prerollTicks: number;
  sent: number;
}

const DEFAULT_FIRST_PID = 0x01f4;
/**
 * Sections waiting at once (timed ones until their splice, immediate ones until the first PMT).
 * A section is forgotten once its splice passes (its last repeat went out) or, immediate, once sent:
 * this bounds what the injector holds however long it runs and however many cues it is given.
 */
export const MAX_WAITING_SECTIONS = 64;
const HEARTBEAT_SECTION = encodeSection(buildSpliceNull());
/**
 * How long before its due time a copy is made ready. It then waits for a null packet to replace;
 * only when the next frame would pass the due time is it inserted instead.
 */
const NULL_WAIT_TICKS = 0.25 * PTS_HZ;

export class Scte35Injector implements PacketSink {
  readonly prerollTicks: number;
  readonly repeatTicks: number;
  #heartbeatTicks: number;
  readonly stats: InjectorStats = {
    packetsIn: 0,
    packetsOut: 0,
    nullsReplaced: 0,
    packetsInserted: 0,
    sectionsSent: 0,
    heartbeatsSent: 0,
    pmtsRewritten: 0,
    sectionsExpired: 0,
  };
  /** Called for every copy sent. */
  onSent: ((sent: SentSection) => void) | undefined;
  readonly demux: TsDemux;
  private readonly framer = new TsFramer();
  private readonly requestedPid: number | undefined;
  private scte35Pid = -1;
  private scte35Cc = 0;
  private pmtPid = -1;
  private pmtCc = -1;
  private readonly pmtAssembler = new SectionAssembler();
  private pmtCompleted: Uint8Array | undefined;
  private cachedPmtIn: Uint8Array | undefined;
  private cachedPmtOut: Uint8Array | undefined;
  private readonly scheduled: Scheduled[] = [];
  private readonly immediate: Scheduled[] = [];
  private queued = 0;
  private heartbeatPackets: Uint8Array | undefined;
  private nextHeartbeatExt = -1;
  /** Packets waiting for a null packet to replace (or a place to be inserted). */
  private pending: Uint8Array[] = [];
  private pendingPos = 0;
  /** The earliest due time (video clock) among pending copies. */
  private pendingDeadline = Number.POSITIVE_INFINITY;
  private out: Buffer = Buffer.alloc(0);
  private outLength = 0;
  /** The chunk being pushed, and the run of its packets not yet copied to the output. */
  private chunk: Uint8Array | undefined;
  private runStart = -1;
  private runEnd = -1;

  constructor(options: InjectorOptions = {}) {
    const { pid, prerollSeconds = 4, repeatIntervalSeconds = 1, heartbeatSeconds } = options;
    if (pid !== undefined && (!Number.isInteger(pid) || pid < PID_FIRST_FREE || pid > PID_LAST_FREE)) {
      throw new MpegTsError('BAD_ARGUMENT', `SCTE-35 PID must be an integer from ${PID_FIRST_FREE} to ${PID_LAST_FREE}`, { field: 'pid' });
    }
    if (!(prerollSeconds >= 0)) throw new MpegTsError('BAD_ARGUMENT', 'preroll must be ≥ 0 seconds', { field: 'prerollSeconds' });
    if (!(repeatIntervalSeconds > 0)) throw new MpegTsError('BAD_ARGUMENT', 'repeat interval must be > 0 seconds', { field: 'repeatIntervalSeconds' });
    if (heartbeatSeconds !== undefined && !(heartbeatSeconds > 0))
      throw new MpegTsError('BAD_ARGUMENT', 'heartbeat must be > 0 seconds', { field: 'heartbeatSeconds' });
    this.requestedPid = pid;
    this.prerollTicks = Math.round(prerollSeconds * PTS_HZ);
    this.repeatTicks = Math.round(repeatIntervalSeconds * PTS_HZ);
    this.#heartbeatTicks = heartbeatSeconds === undefined ? 0 : Math.round(heartbeatSeconds * PTS_HZ);
    this.demux = new TsDemux({
      pmt: (pmt, pid) => this.onPmt(pmt, pid),
      videoPes: (au) => this.onVideoClock(au),
    });
  }

  /** Ticks between splice_null heartbeats; 0 when off. */
  get heartbeatTicks(): number {
    return this.#heartbeatTicks;
  }

  /**
   * Turns the splice_null heartbeat on (every `seconds` of video time, the first one at once) or
   * off (null), while the stream runs.
   */
  setHeartbeat(seconds: number | null): void {
    if (seconds !== null && !(seconds > 0 && Number.isFinite(seconds))) {
      throw new MpegTsError('BAD_ARGUMENT', 'heartbeat must be > 0 seconds', { field: 'heartbeatSeconds', fatal: false });
    }
    this.#heartbeatTicks = seconds === null ? 0 : Math.round(seconds * PTS_HZ);
    this.nextHeartbeatExt = -1;
  }

  /** The SCTE-35 PID in use, or -1 until the first PMT has been seen. */
  get pid(): number {
    return this.scte35Pid;
  }

  /**
   * Queues a splice_info_section (its bytes, CRC included). A section with a splice time goes out
   * first at splice − preroll and then every repeat interval until the splice; one without (splice
   * immediate, splice_null, ...) goes out once, at once, or with `repeatUntilPts` every repeat
   * interval until the video clock reaches that PTS. Returns its queue index (its id for withdraw()).
   */
  queue(section: Uint8Array, options: QueueOptions = {}): number {
    const { prerollSeconds, repeatUntilPts } = options;
    if (prerollSeconds !== undefined && !(prerollSeconds >= 0 && prerollSeconds <= 3600)) {
      throw new MpegTsError('BAD_ARGUMENT', `preroll must be 0..3600 seconds, got ${prerollSeconds}`, { field: 'prerollSeconds', fatal: false });
    }
    if (repeatUntilPts !== undefined && !(Number.isInteger(repeatUntilPts) && repeatUntilPts >= 0 && repeatUntilPts < MAX_PTS)) {
      throw new MpegTsError('BAD_ARGUMENT', `repeatUntilPts must be a 33-bit PTS, got ${repeatUntilPts}`, { field: 'repeatUntilPts', fatal: false });
    }
    let decoded: SpliceInfoSection;
    try {
      decoded = decodeSection(section);
    } catch (cause) {
      throw new MpegTsError('BAD_SECTION', `cue is not a valid splice_info_section: ${errorMessage(cause)}`, { cause, fatal: false });
    }
    if (this.waiting >= MAX_WAITING_SECTIONS) {
      throw new MpegTsError(
        'QUEUE_FULL',
        `${this.waiting} cues already wait to be sent (at most ${MAX_WAITING_SECTIONS}): cancel some, or wait for their splice`,
        { fatal: false },
      );
    }
    const entry: Scheduled = {
      index: this.queued++,
      section: section.slice(),
      packets: packetizeSection(section, 0),
      spliceRaw: spliceTimeOf(decoded),
      repeatUntilRaw: undefined,
      spliceExt: Number.NaN,
      nextDueExt: Number.NaN,
      prerollTicks: prerollSeconds === undefined ? this.prerollTicks : Math.round(prerollSeconds * PTS_HZ),
      sent: 0,
    };
    if (entry.spliceRaw === undefined) {
      entry.repeatUntilRaw = repeatUntilPts;
      if (this.scte35Pid >= 0) this.sendImmediate(entry);
      else this.immediate.push(entry);
    } else {
      this.scheduled.push(entry);
      if (this.demux.clockExt >= 0) this.placeOnTimeline(entry);
    }
    return entry.index;
  }

  /**
   * Takes a queued section back: no copy of it goes out after this (copies already sent stay sent).
   * False when it is done (its splice passed, or sent once) or was never queued.
   */
  withdraw(index: number): boolean {
    for (const list of [this.scheduled, this.immediate]) {
      const at = list.findIndex((entry) => entry.index === index);
      if (at >= 0) {
        list.splice(at, 1);
        return true;
      }
    }
    return false;
  }

  /** Sections still waiting for their splice (timed) or for the first PMT (immediate). */
  get waiting(): number {
    return this.scheduled.length + this.immediate.length;
  }

  /** Processes a chunk of any size; returns the output bytes for it (a new Buffer each call). */
  push(chunk: Uint8Array): Buffer {
    this.beginOutput(chunk.length);
    this.chunk = chunk;
    try {
      this.framer.push(chunk, this);
      this.flushRun();
    } finally {
      this.chunk = undefined;
      this.runStart = this.runEnd = -1;
    }
    return this.out.subarray(0, this.outLength);
  }

  /** Ends the stream: sends what is still pending and passes a trailing partial packet on unchanged. */
  flush(): Buffer {
    this.beginOutput(0);
    this.demux.end();
    this.insertPending();
    const tail = this.framer.flush();
    this.ensure(tail.length);
    this.out.set(tail, this.outLength);
    this.outLength += tail.length;
    return this.out.subarray(0, this.outLength);
  }

  /** Bytes of a trailing partial packet seen so far (non-zero at flush means the input was truncated). */
  get truncatedBytes(): number {
    return this.framer.pending.length;
  }

  packet(b: Uint8Array, p: number): void {
    this.stats.packetsIn++;
    const pid = packetPid(b, p);
    if (this.pending.length > 0 && pid === this.demux.videoPid && payloadUnitStart(b, p) && this.demux.clockExt + this.frameTicks() > this.pendingDeadline) {
      // The frame starting here would be past the due time and no null packet came: insert.
      this.insertPending();
    }
    this.demux.packet(b, p);
    if (pid === PID_NULL && this.pending.length > 0) {
      this.writeSectionPacket();
      this.stats.nullsReplaced++;
      return;
    }
    if (pid === this.pmtPid) {
      this.rewritePmtPacket(b, p);
      return;
    }
    this.writePacket(b, p);
  }

  private onPmt(pmt: Pmt, pid: number): void {
    if (this.pmtPid >= 0 || !pmt.streams.some((s) => s.pid === this.demux.videoPid)) return;
    const used = new Set<number>([pid, pmt.pcrPid, ...pmt.streams.map((s) => s.pid)]);
    for (const entry of this.demux.pat?.programs ?? []) used.add(entry.pmtPid);
    if (this.requestedPid !== undefined) {
      if (used.has(this.requestedPid)) throw new MpegTsError('PID_IN_USE', `PID ${this.requestedPid} is already used by the program`, { field: 'pid' });
      this.scte35Pid = this.requestedPid;
    } else {
      let candidate = DEFAULT_FIRST_PID;
      while (used.has(candidate) || this.demux.pidPackets[candidate]! > 0) candidate++;
      this.scte35Pid = candidate;
    }
    this.pmtPid = pid;
  }

  private rewritePmtPacket(b: Uint8Array, p: number): void {
    if (this.pmtCc < 0) this.pmtCc = continuityCounter(b, p);
    const start = payloadOffset(b, p);
    if (start < 0) return;
    this.pmtCompleted = undefined;
    this.pmtAssembler.push(b, start, p + TS_PACKET_SIZE, payloadUnitStart(b, p), this.onPmtSection);
    const completed = this.pmtCompleted as Uint8Array | undefined;
    if (!completed) return; // part of a section: held until the section is whole
    if (!this.cachedPmtIn || !equal(this.cachedPmtIn, completed)) {
      this.cachedPmtIn = completed;
      this.cachedPmtOut = packetizeSection(addScte35ToPmt(completed, completed.length, this.scte35Pid), this.pmtPid);
    }
    const packets = this.cachedPmtOut!;
    for (let q = 0; q < packets.length; q += TS_PACKET_SIZE) {
      setContinuityCounter(packets, q, this.pmtCc);
      this.pmtCc = (this.pmtCc + 1) & 0x0f;
      this.writePacket(packets, q);
    }
    this.stats.pmtsRewritten++;
    if (this.immediate.length > 0) {
      const entries = this.immediate.splice(0);
      for (const entry of entries) this.sendImmediate(entry);
    }
  }

  private readonly onPmtSection = (section: Uint8Array, length: number): void => {
    if (section[0] !== 0x02) return;
    this.pmtCompleted =
      this.cachedPmtIn && this.cachedPmtIn.length === length && equal(this.cachedPmtIn, section.subarray(0, length))
        ? this.cachedPmtIn
        : section.slice(0, length);
  };

  /** Sends an immediate section now; one with a repeat-until PTS stays scheduled for its repeats. */
  private sendImmediate(entry: Scheduled): void {
    this.send(entry, this.demux.clockRaw, null);
    if (entry.repeatUntilRaw === undefined) return;
    this.scheduled.push(entry);
    if (this.demux.clockExt >= 0) this.placeOnTimeline(entry);
  }

  private placeOnTimeline(entry: Scheduled): void {
    if (entry.spliceRaw === undefined) {
      // A repeating immediate section: its first copy went out; the next one a repeat interval later.
      entry.spliceExt = this.demux.clockExt + ptsDiff(entry.repeatUntilRaw!, this.demux.clockRaw);
      entry.nextDueExt = this.demux.clockExt + this.repeatTicks;
      return;
    }
    entry.spliceExt = this.demux.clockExt + ptsDiff(entry.spliceRaw, this.demux.clockRaw);
    entry.nextDueExt = entry.spliceExt - entry.prerollTicks;
  }

  private onVideoClock(au: AccessUnit): void {
    if (au.pts < 0) return;
    const clock = this.demux.clockExt;
    // Ready a copy a little before it is due, so that it can take a null packet in time.
    const horizon = clock + this.frameTicks() + NULL_WAIT_TICKS;
    if (this.#heartbeatTicks > 0 && this.scte35Pid >= 0) {
      if (this.nextHeartbeatExt < 0) this.nextHeartbeatExt = clock;
      if (horizon > this.nextHeartbeatExt) {
        this.heartbeatPackets ??= packetizeSection(HEARTBEAT_SECTION, 0);
        this.enqueue(this.heartbeatPackets, this.nextHeartbeatExt);
        this.stats.heartbeatsSent++;
        this.onSent?.({ sectionIndex: -1, section: HEARTBEAT_SECTION, copy: 1, clockPts: this.demux.clockRaw, splicePts: null });
        while (this.nextHeartbeatExt < horizon) this.nextHeartbeatExt += this.#heartbeatTicks;
      }
    }
    if (this.scheduled.length === 0 || this.scte35Pid < 0) return;
    for (let i = 0; i < this.scheduled.length; i++) {
      const entry = this.scheduled[i]!;
      if (Number.isNaN(entry.spliceExt)) this.placeOnTimeline(entry);
      if (clock >= entry.spliceExt) {
        // Past its splice (or its repeat-until): done. One that never went out was queued too late to mean anything.
        if (entry.sent === 0) this.stats.sectionsExpired++;
        this.scheduled.splice(i--, 1);
        continue;
      }
      if (horizon > entry.nextDueExt && entry.nextDueExt < entry.spliceExt) {
        this.send(entry, this.demux.clockRaw, entry.spliceRaw ?? null, entry.nextDueExt);
        while (entry.nextDueExt < horizon) entry.nextDueExt += this.repeatTicks;
      }
    }
  }

  private frameTicks(): number {
    return Math.max(this.demux.frameDuration, 1);
  }

  private send(entry: Scheduled, clockRaw: number, splicePts: number | null, deadline = this.demux.clockExt): void {
    entry.sent++;
    this.stats.sectionsSent++;
    this.enqueue(entry.packets, deadline);
    this.onSent?.({ sectionIndex: entry.index, section: entry.section, copy: entry.sent, clockPts: clockRaw, splicePts });
  }

  private enqueue(packets: Uint8Array, deadline: number): void {
    this.pending.push(packets);
    if (deadline < this.pendingDeadline) this.pendingDeadline = deadline;
  }

  private advancePending(): void {
    this.pendingPos += TS_PACKET_SIZE;
    if (this.pendingPos >= this.pending[0]!.length) {
      this.pending.shift();
      this.pendingPos = 0;
      if (this.pending.length === 0) this.pendingDeadline = Number.POSITIVE_INFINITY;
    }
  }

  private insertPending(): void {
    while (this.pending.length > 0) {
      this.writeSectionPacket();
      this.stats.packetsInserted++;
    }
  }

  /**
   * Copies one packet to the output unchanged. Consecutive packets of the input chunk are gathered
   * into one run and copied at once; packets from elsewhere are copied straight away.
   */
  private writePacket(b: Uint8Array, p: number): void {
    this.stats.packetsOut++;
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
    this.ensure(TS_PACKET_SIZE);
    this.out.set(b.subarray(p, p + TS_PACKET_SIZE), this.outLength);
    this.outLength += TS_PACKET_SIZE;
  }

  private flushRun(): void {
    if (this.runEnd <= this.runStart) return;
    const length = this.runEnd - this.runStart;
    this.ensure(length);
    this.out.set(this.chunk!.subarray(this.runStart, this.runEnd), this.outLength);
    this.outLength += length;
    this.runStart = this.runEnd = -1;
  }

  /** Writes the next pending section packet with our PID and continuity_counter. */
  private writeSectionPacket(): void {
    this.flushRun();
    const o = this.outLength;
    this.writePacket(this.pending[0]!, this.pendingPos);
    this.advancePending();
    const pid = this.scte35Pid;
    this.out[o + 1] = (this.out[o + 1]! & 0xe0) | (pid >> 8);
    this.out[o + 2] = pid & 0xff;
    setContinuityCounter(this.out, o, this.scte35Cc);
    this.scte35Cc = (this.scte35Cc + 1) & 0x0f;
  }

  private beginOutput(inputLength: number): void {
    this.out = Buffer.allocUnsafe(inputLength + TS_PACKET_SIZE * (8 + this.pending.length));
    this.outLength = 0;
  }

  private ensure(extra: number): void {
    if (this.outLength + extra <= this.out.length) return;
    const grown = Buffer.allocUnsafe((this.outLength + extra) * 2);
    this.out.copy(grown, 0, 0, this.outLength);
    this.out = grown;
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
