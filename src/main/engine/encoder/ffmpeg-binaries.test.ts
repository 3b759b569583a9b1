import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EncoderError } from './errors.ts';
import { resolveFfmpegBinaries, unpackedFromAsar } from './ffmpeg-binaries.ts';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'studio-ffmpeg-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A real executable file at dir/name. */
function executable(dir: string, name: string, mode = 0o755): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, '#!/bin/sh\nexit 0\n');
  chmodSync(file, mode);
  return file;
}

describe('ffmpeg resolution', () => {
  it('prefers FFMPEG_PATH, then ffmpeg-static, then PATH', () => {
    const fromEnv = executable(path.join(root, 'env'), 'ffmpeg');
    const fromStatic = executable(path.join(root, 'static'), 'ffmpeg');
    const onPath = executable(path.join(root, 'bin'), 'ffmpeg');
    const bundledFfmpeg = () => fromStatic;
    const bundledFfprobe = () => null;

    const all = resolveFfmpegBinaries({ env: { FFMPEG_PATH: fromEnv, PATH: path.dirname(onPath) }, bundledFfmpeg, bundledFfprobe });
    expect(all.ffmpeg).toEqual({ path: fromEnv, source: 'FFMPEG_PATH' });

    const noEnv = resolveFfmpegBinaries({ env: { PATH: path.dirname(onPath) }, bundledFfmpeg, bundledFfprobe });
    expect(noEnv.ffmpeg).toEqual({ path: fromStatic, source: 'ffmpeg-static' });

    const pathOnly = resolveFfmpegBinaries({ env: { PATH: path.dirname(onPath) }, bundledFfmpeg: () => null, bundledFfprobe });
    expect(pathOnly.ffmpeg).toEqual({ path: onPath, source: 'PATH' });
  });

  it('passes over unusable candidates and says why', () => {
    const notExecutable = executable(path.join(root, 'env'), 'ffmpeg', 0o644);
    const onPath = executable(path.join(root, 'bin'), 'ffmpeg');
    const resolved = resolveFfmpegBinaries({
      env: { FFMPEG_PATH: notExecutable, PATH: path.dirname(onPath) },
      bundledFfmpeg: () => path.join(root, 'missing', 'ffmpeg'),
      bundledFfprobe: () => null,
    });
    expect(resolved.ffmpeg.source).toBe('PATH');
    expect(resolved.tried).toContain(`FFMPEG_PATH=${notExecutable}: not executable`);
    expect(resolved.tried).toContain(`ffmpeg-static (${path.join(root, 'missing', 'ffmpeg')}): does not exist`);
  });

  it('resolves ffprobe in the same order', () => {
    const probeEnv = executable(path.join(root, 'penv'), 'ffprobe');
    const probeStatic = executable(path.join(root, 'pstatic'), 'ffprobe');
    const ffmpeg = executable(path.join(root, 'bin'), 'ffmpeg');
    const probeOnPath = executable(path.join(root, 'bin'), 'ffprobe');
    const base = { bundledFfmpeg: () => null };
    expect(resolveFfmpegBinaries({ ...base, env: { FFPROBE_PATH: probeEnv, PATH: path.dirname(ffmpeg) }, bundledFfprobe: () => probeStatic }).ffprobe).toEqual({
      path: probeEnv,
      source: 'FFPROBE_PATH',
    });
    expect(resolveFfmpegBinaries({ ...base, env: { PATH: path.dirname(ffmpeg) }, bundledFfprobe: () => probeStatic }).ffprobe).toEqual({
      path: probeStatic,
      source: 'ffprobe-static',
    });
    expect(resolveFfmpegBinaries({ ...base, env: { PATH: path.dirname(ffmpeg) }, bundledFfprobe: () => null }).ffprobe).toEqual({
      path: probeOnPath,
      source: 'PATH',
    });
  });

  it('throws one clear error listing everything tried when nothing is found', () => {
    const emptyDir = path.join(root, 'empty');
    mkdirSync(emptyDir);
    let thrown: unknown;
    try {
      resolveFfmpegBinaries({ env: { FFMPEG_PATH: path.join(root, 'nope'), PATH: emptyDir }, bundledFfmpeg: () => null, bundledFfprobe: () => null });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EncoderError);
    const error = thrown as EncoderError;
    expect(error.code).toBe('FFMPEG_NOT_FOUND');
    expect(error.message).toContain(`FFMPEG_PATH=${path.join(root, 'nope')}: does not exist`);
    expect(error.message).toContain('ffmpeg-static: not installed');
    expect(error.message).toContain(`ffmpeg on PATH: not found in ${emptyDir}`);
  });

  it('maps a path inside app.asar to app.asar.unpacked', () => {
    expect(unpackedFromAsar('/opt/Studio/resources/app.asar/node_modules/ffmpeg-static/ffmpeg')).toBe(
      '/opt/Studio/resources/app.asar.unpacked/node_modules/ffmpeg-static/ffmpeg',
    );
    expect(unpackedFromAsar('/usr/bin/ffmpeg')).toBe('/usr/bin/ffmpeg');
  });
});
