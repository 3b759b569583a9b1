import { describe, expect, it } from 'vitest';
import { resolveFfmpegBinaries } from './ffmpeg-binaries.ts';
import { missingCapabilities, parseEncoders, parseProtocols, parseVersion, probeFfmpeg } from './ffmpeg-probe.ts';

describe('ffmpeg probe', () => {
  it('parses version, encoders and protocols output', () => {
    expect(parseVersion('ffmpeg version 5.1.6-0+deb12u1 Copyright (c) 2000-2024')).toBe('5.1.6-0+deb12u1');
    expect(() => parseVersion('something else')).toThrow(/did not print/);
    const encoders = parseEncoders(
      'Encoders:\n V..... = Video\n ------\n V....D libx264              libx264 H.264\n A....D aac                  AAC\n S..... srt                  SubRip\n',
    );
    expect(encoders).toEqual(['libx264', 'aac', 'srt']);
    expect(parseProtocols('Supported file protocols:\nInput:\n  file\n  srt\nOutput:\n  file\n  rtmp\n')).toEqual(['file', 'rtmp', 'srt']);
  });

  it('names what is missing', () => {
    expect(missingCapabilities({ version: 'x', encoders: ['aac'], protocols: ['srt'] })).toEqual([
      'ffmpeg has no libx264 encoder',
      'ffmpeg has no rtmp protocol',
    ]);
  });

  it('probes the real ffmpeg on this machine', async () => {
    const { ffmpeg } = resolveFfmpegBinaries();
    const capabilities = await probeFfmpeg(ffmpeg.path);
    expect(capabilities.version).toMatch(/^\S+$/);
    expect(capabilities.encoders).toContain('libx264');
    expect(capabilities.protocols).toEqual(expect.arrayContaining(['srt', 'rtmp', 'file']));
    expect(missingCapabilities(capabilities)).toEqual([]);
  });

  it('reports a binary that is not ffmpeg', async () => {
    await expect(probeFfmpeg('/bin/false')).rejects.toThrow(/failed/);
  });
});
