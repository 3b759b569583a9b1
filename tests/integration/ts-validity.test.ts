// The program's TS keeps its buffer model: the encoder's exact command line, run by the real ffmpeg
// on pictures that make x264's biggest IDRs, never sends a frame after its DTS ("dts < pcr, TS is
// invalid"), and stays CBR with null packets for the SCTE-35 injector to take.
import { describe, expect, it } from 'vitest';
import { encoderArgs } from '../../src/main/engine/encoder/encoder-args.ts';
import { resolveFfmpegBinaries } from '../../src/main/engine/encoder/ffmpeg-binaries.ts';
import { DEFAULT_PROGRAM_FORMAT } from '../../src/main/engine/encoder/program-format.ts';
import { countMuxerWarnings, runEncoderOnHardSource } from '../support/encoder-under-load.ts';

const ffmpegPath = resolveFfmpegBinaries().ffmpeg.path;
const format = DEFAULT_PROGRAM_FORMAT; // 1080p30, 6000k CBR video: the default program

describe('the encoder TS under the biggest IDRs x264 makes', () => {
  it('the source is hard enough: with FFmpeg\'s default mux delay (0.7 s) the same run warns "dts < pcr"', async () => {
    const args = encoderArgs(format);
    const at = args.indexOf('-muxdelay');
    expect(at).toBeGreaterThan(0);
    args.splice(at, 2); // what the encoder ran before: FFmpeg's default -muxdelay
    const result = await runEncoderOnHardSource({ ffmpegPath, format, seconds: 10, args });
    expect(result.exitCode).toBe(0);
    expect(result.dtsBeforePcr).toBeGreaterThan(0);
  }, 120_000);

  it('with the encoder\'s own arguments: no "dts < pcr" in 16 s (8 IDRs), still CBR with null packets', async () => {
    const seconds = 16;
    const result = await runEncoderOnHardSource({ ffmpegPath, format, seconds });
    expect(result.exitCode).toBe(0);
    expect(result.warnings.filter((line) => line.includes('dts < pcr'))).toEqual([]);
    expect(result.dtsBeforePcr).toBe(0);
    // CBR: the bytes are the mux rate's, whatever the pictures; the stuffing is null packets.
    expect(result.totalPackets).toBeGreaterThan(0);
    expect(result.nullPackets / result.totalPackets).toBeGreaterThan(0.03);
  }, 180_000);
});

describe('countMuxerWarnings', () => {
  it('counts the occurrences FFmpeg folded into "Last message repeated N times"', () => {
    const lines = [
      '[mpegts @ 0x1] dts < pcr, TS is invalid',
      '    Last message repeated 23 times',
      '[s16le @ 0x2] Thread message queue blocking',
      '    Last message repeated 7 times',
      '[mpegts @ 0x1] dts < pcr, TS is invalid',
    ];
    expect(countMuxerWarnings(lines, 'dts < pcr')).toBe(25);
  });
});
