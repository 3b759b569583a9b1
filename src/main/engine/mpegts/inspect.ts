// `studio ts inspect`: a one-pass summary of a transport stream.
import { closeSync, openSync, readSync } from 'node:fs';
import { PTS_HZ } from '../media.ts';
import { decodeSection } from '../scte35/index.ts';
import { toHex } from '../scte35/text.ts';
import { PCR_HZ, streamTypeName } from './constants.ts';
import { TsDemux } from './demux.ts';
import { TsFramer, wrapPts } from './packet.ts';
import type { AccessUnit } from './demux.ts';
import { errorMessage } from '../errors.ts';

export interface InspectedStream {
  pid: number;
  streamType: number;
  streamTypeName: string;
}

export interface InspectedProgram {
  programNumber: number;
  pmtPid: number;
  pcrPid: number;
  version: number;
  streams: InspectedStream[];
}

export interface InspectedScte35 {
  pid: number;
  /** Index of the packet that completed the section (0-based, counting every packet). */
  packetIndex: number;
  /** The video clock when it arrived: raw DTS (PTS when no DTS) of the latest video PES, or null before any. */
  arrivalPts: number | null;
  hex: string;
  section?: unknown;
  error?: string;
}

export interface TsInspection {
  bytes: number;
  packets: number;
  programs: InspectedProgram[];
  pids: Array<{ pid: number; packets: number; streamType: number | null; streamTypeName: string }>;
  pcrPid: number | null;
  videoPid: number | null;
  videoCodec: string | null;
  durationSeconds: number;
  firstPts: number | null;
  lastPts: number | null;
  frames: number;
  idrCount: number;
  /** Raw PTS of every keyframe (IDR for H.264, IRAP for HEVC), in stream order. */
  idrPts: number[];
  continuityErrors: number;
  crcErrors: number;
  transportErrors: number;
  nullPackets: number;
  syncLosses: number;
  bytesSkipped: number;
  /** Bytes of a trailing partial packet: not inspected (a capture often ends mid-packet). */
  truncatedBytes: number;
  scte35: InspectedScte35[];
  /** What is odd about the input but did not stop the inspection, one sentence each. */
  warnings: string[];
}

/** The warning for a capture cut mid-packet: its whole packets are still inspected. */
export function truncationWarning(truncatedBytes: number): string {
  return `truncated: ${truncatedBytes} bytes after the last whole packet were left out (a capture cut mid-packet)`;
}

/** Streaming inspector: push chunks of any size, then `result()`. */
export class TsInspector {
  readonly framer = new TsFramer();
  readonly demux: TsDemux;
  private bytes = 0;
  private truncatedBytes = 0;
  private readonly idrPts: number[] = [];
  private readonly sections: InspectedScte35[] = [];

  constructor() {
    this.demux = new TsDemux({
      accessUnit: (au: AccessUnit) => {
        if (au.keyframe) this.idrPts.push(au.pts);
      },
      scte35: (section, length, pid, packetIndex) => {
        const bytes = section.slice(0, length);
        const entry: InspectedScte35 = { pid, packetIndex, arrivalPts: this.demux.clockRaw >= 0 ? this.demux.clockRaw : null, hex: toHex(bytes) };
        try {
          entry.section = decodeSection(bytes);
        } catch (error) {
          entry.error = errorMessage(error);
        }
        this.sections.push(entry);
      },
    });
  }

  push(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    this.framer.push(chunk, this.demux);
  }

  end(): TsInspection {
    this.truncatedBytes = this.framer.flush().length;
    this.demux.end();
    return this.result();
  }

  private result(): TsInspection {
    const d = this.demux;
    const programs: InspectedProgram[] = [];
    const typeOfPid = new Map<number, number>();
    for (const entry of d.pat?.programs ?? []) {
      const pmt = d.pmts.get(entry.pmtPid);
      if (!pmt) continue;
      programs.push({
        programNumber: pmt.programNumber,
        pmtPid: entry.pmtPid,
        pcrPid: pmt.pcrPid,
        version: pmt.version,
        streams: pmt.streams.map((s) => ({ pid: s.pid, streamType: s.streamType, streamTypeName: streamTypeName(s.streamType) })),
      });
      for (const s of pmt.streams) typeOfPid.set(s.pid, s.streamType);
    }
    const pids: TsInspection['pids'] = [];
    d.pidPackets.forEach((packets, pid) => {
      if (packets === 0) return;
      const streamType = typeOfPid.get(pid) ?? null;
      const name =
        streamType !== null
          ? streamTypeName(streamType)
          : pid === 0
            ? 'pat'
            : pid === 0x1fff
              ? 'null'
              : programs.some((p) => p.pmtPid === pid)
                ? 'pmt'
                : 'unknown';
      pids.push({ pid, packets, streamType, streamTypeName: name });
    });
    const hasVideo = d.maxPtsExt >= d.minPtsExt;
    const durationSeconds = hasVideo ? (d.maxPtsExt - d.minPtsExt + d.frameDuration) / PTS_HZ : d.firstPcr >= 0 ? (d.lastPcr - d.firstPcr) / PCR_HZ : 0;
    return {
      bytes: this.bytes,
      packets: d.packetIndex,
      programs,
      pids,
      pcrPid: d.pcrPid >= 0 ? d.pcrPid : null,
      videoPid: d.videoPid >= 0 ? d.videoPid : null,
      videoCodec: d.videoCodec ?? null,
      durationSeconds: Math.round(durationSeconds * 1e6) / 1e6,
      firstPts: hasVideo ? wrapPts(d.minPtsExt) : null,
      lastPts: hasVideo ? wrapPts(d.maxPtsExt) : null,
      frames: d.frames,
      idrCount: d.keyframes,
      idrPts: this.idrPts,
      continuityErrors: d.continuityErrors,
      crcErrors: d.crcErrors,
      transportErrors: d.transportErrors,
      nullPackets: d.nullPackets,
      syncLosses: this.framer.syncLosses,
      bytesSkipped: this.framer.bytesSkipped,
      truncatedBytes: this.truncatedBytes,
      scte35: this.sections,
      warnings: this.truncatedBytes > 0 ? [truncationWarning(this.truncatedBytes)] : [],
    };
  }
}

export const READ_CHUNK_SIZE = 1 << 20;

/** Reads a file in fixed chunks into one reused buffer and hands each chunk to `consume`. */
export function readFileChunks(path: string, consume: (chunk: Uint8Array) => void, chunkSize = READ_CHUNK_SIZE): number {
  const fd = openSync(path, 'r');
  const buffer = new Uint8Array(chunkSize);
  let total = 0;
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, chunkSize, null);
      if (n <= 0) break;
      total += n;
      consume(n === chunkSize ? buffer : buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return total;
}

export function inspectFile(path: string): TsInspection {
  const inspector = new TsInspector();
  readFileChunks(path, (chunk) => inspector.push(chunk));
  return inspector.end();
}
