import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpegBinaries } from './ffmpeg-binaries.ts';
import { probeFfmpeg } from './ffmpeg-probe.ts';
import { HARDWARE_H264_ENCODERS, trialEncode, usableVideoEncoders } from './hardware-encoders.ts';

const ffmpeg = resolveFfmpegBinaries().ffmpeg.path;
/** Nothing here to open a hardware encoder with: no render node, no NVIDIA device. */
const noGpu = !existsSync('/dev/dri') && !existsSync('/dev/nvidia0') && process.platform === 'linux';

describe('hardware encoders, with the real ffmpeg', () => {
  let listed: string[];

  beforeAll(async () => {
    listed = (await probeFfmpeg(ffmpeg)).encoders;
  });

  it('offers libx264 whatever the hardware', async () => {
    const { usable } = await usableVideoEncoders(ffmpeg, listed);
    expect(usable[0]).toBe('libx264');
  });

  it.skipIf(!noGpu)('tries every listed hardware encoder, offers none it cannot open, and keeps FFmpeg’s reason (needs a machine without a GPU)', async () => {
    const listedHardware = HARDWARE_H264_ENCODERS.filter((name) => listed.includes(name));
    // Debian's ffmpeg is built with NVENC, QSV and VAAPI: enough to show the trial does its job.
    expect(listedHardware.length).toBeGreaterThan(0);
    const { usable, trials } = await usableVideoEncoders(ffmpeg, listed);
    expect(trials.map((trial) => trial.encoder)).toEqual(listedHardware);
    expect(usable).toEqual(['libx264']);
    for (const trial of trials) {
      expect(trial.usable).toBe(false);
      // FFmpeg's own words from its stderr, not Node's "Command failed: <command line>".
      expect(trial.reason, trial.encoder).toMatch(/\S/);
      expect(trial.reason, trial.encoder).not.toMatch(/^Command failed/);
      expect(trial.reason, trial.encoder).not.toContain(ffmpeg);
    }
  });

  it('reports an encoder FFmpeg does not know, in FFmpeg’s words', async () => {
    const trial = await trialEncode(ffmpeg, 'h264_no_such_encoder');
    expect(trial).toEqual({ encoder: 'h264_no_such_encoder', usable: false, reason: expect.stringMatching(/Unknown encoder 'h264_no_such_encoder'/) });
  });

  it('passes a working encoder through the same trial', async () => {
    expect(await trialEncode(ffmpeg, 'libx264')).toEqual({ encoder: 'libx264', usable: true, reason: null });
  });
});

describe('which encoders are tried', () => {
  let dir: string;
  let fakeFfmpeg: string;
  let calls: string;

  beforeAll(() => {
    // An "ffmpeg" that records what it was asked to encode with and succeeds: whatever it sees was tried.
    dir = mkdtempSync(path.join(os.tmpdir(), 'hw-encoders-'));
    calls = path.join(dir, 'calls.txt');
    fakeFfmpeg = path.join(dir, 'ffmpeg');
    writeFileSync(calls, '');
    writeFileSync(fakeFfmpeg, `#!/bin/sh\nwhile [ $# -gt 0 ]; do if [ "$1" = "-c:v" ]; then echo "$2" >> '${calls}'; fi; shift; done\nexit 0\n`);
    chmodSync(fakeFfmpeg, 0o755);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('never tries a hardware encoder that ffmpeg does not list, and offers one whose trial succeeds', async () => {
    writeFileSync(calls, '');
    const { usable, trials } = await usableVideoEncoders(fakeFfmpeg, ['libx264', 'aac', 'h264_vaapi']);
    expect(readFileSync(calls, 'utf8').split('\n').filter(Boolean)).toEqual(['h264_vaapi']);
    expect(trials).toEqual([{ encoder: 'h264_vaapi', usable: true, reason: null }]);
    expect(usable).toEqual(['libx264', 'h264_vaapi']);
  });

  it('tries nothing when ffmpeg lists no hardware encoder, and offers libx264 only if listed', async () => {
    writeFileSync(calls, '');
    expect(await usableVideoEncoders(fakeFfmpeg, ['libx264', 'aac'])).toEqual({ usable: ['libx264'], trials: [] });
    expect(await usableVideoEncoders(fakeFfmpeg, ['aac'])).toEqual({ usable: [], trials: [] });
    expect(readFileSync(calls, 'utf8')).toBe('');
  });
});
