// Asks an ffmpeg binary what it is and what it can do, so the studio refuses early and clearly
// instead of failing mid-show: its version, its encoders (libx264 at least) and its protocols.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { EncoderError } from './errors.ts';
import { errorMessage } from '../errors.ts';

const execFileAsync = promisify(execFile);

export interface FfmpegCapabilities {
  version: string;
  encoders: string[];
  protocols: string[];
  /** It reads a protocol option's value from a file (`-/rtmp_playpath FILE`): secrets stay out of argv. */
  optionValuesFromFiles?: boolean;
}

/** What the studio needs of an ffmpeg; anything missing is a problem to show the creator. */
export const REQUIRED_ENCODERS = ['libx264', 'aac'] as const;
export const REQUIRED_PROTOCOLS = ['srt', 'rtmp'] as const;

/** `ffmpeg -version` first line: "ffmpeg version 5.1.6-0+deb12u1 Copyright ..." */
export function parseVersion(output: string): string {
  const match = /^ffmpeg version (\S+)/m.exec(output);
  if (!match) throw new EncoderError('FFMPEG_PROBE_FAILED', 'ffmpeg -version did not print an ffmpeg version line');
  return match[1]!;
}

/**
 * `ffmpeg -encoders` lists one encoder a line after the "------" legend separator:
 * " V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC ..." (flags, name, description).
 */
export function parseEncoders(output: string): string[] {
  const afterLegend = output.split(/^\s*-{6}\s*$/m)[1] ?? '';
  const names: string[] = [];
  for (const line of afterLegend.split('\n')) {
    const match = /^\s*[VAS][A-Z.]{5}\s+(\S+)/.exec(line);
    if (match) names.push(match[1]!);
  }
  return names;
}

/** `ffmpeg -protocols` prints "Input:" then names, then "Output:" then names; we keep the union. */
export function parseProtocols(output: string): string[] {
  const names = new Set<string>();
  let inList = false;
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (line === 'Input:' || line === 'Output:') {
      inList = true;
    } else if (inList && /^[a-z0-9_]+$/.test(line)) {
      names.add(line);
    }
  }
  return [...names].sort();
}

export async function probeFfmpeg(ffmpegPath: string, timeoutMs = 10_000): Promise<FfmpegCapabilities> {
  const run = async (flag: string): Promise<string> => {
    try {
      const { stdout } = await execFileAsync(ffmpegPath, ['-hide_banner', flag], { timeout: timeoutMs, maxBuffer: 8 << 20 });
      return stdout;
    } catch (cause) {
      throw new EncoderError('FFMPEG_PROBE_FAILED', `Running "${ffmpegPath} ${flag}" failed: ${errorMessage(cause).split('\n')[0]}`, { cause });
    }
  };
  const [versionOutput, encodersOutput, protocolsOutput, optionValuesFromFiles] = await Promise.all([
    run('-version'),
    run('-encoders'),
    run('-protocols'),
    probeOptionValuesFromFiles(ffmpegPath, timeoutMs),
  ]);
  return {
    version: parseVersion(versionOutput),
    encoders: parseEncoders(encodersOutput),
    protocols: parseProtocols(protocolsOutput),
    optionValuesFromFiles,
  };
}

/**
 * Whether this ffmpeg takes a protocol option's value from a file: `-/rtmp_playpath FILE -version`
 * parses (exit 0) or is an "Unrecognized option" (exit 1 on 5.1, 8 on 7.1). FFmpeg 7 brought
 * `-/option` for its own options (`-/filter_complex`), but its command-line splitter hands
 * protocol and format AVOptions (`-passphrase`, `-rtmp_playpath`) to libav* unchanged, so up to 7.1
 * at least they cannot be loaded from a file: the binary is asked, not its version number.
 */
export async function probeOptionValuesFromFiles(ffmpegPath: string, timeoutMs = 10_000): Promise<boolean> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'studio-probe-'));
  try {
    const file = path.join(folder, 'value');
    writeFileSync(file, 'probe', { mode: 0o600 });
    await execFileAsync(ffmpegPath, ['-hide_banner', '-/rtmp_playpath', file, '-version'], { timeout: timeoutMs });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Human sentences for what the studio needs and this ffmpeg lacks. */
export function missingCapabilities(capabilities: FfmpegCapabilities): string[] {
  const problems: string[] = [];
  for (const encoder of REQUIRED_ENCODERS) {
    if (!capabilities.encoders.includes(encoder)) problems.push(`ffmpeg has no ${encoder} encoder`);
  }
  for (const protocol of REQUIRED_PROTOCOLS) {
    if (!capabilities.protocols.includes(protocol)) problems.push(`ffmpeg has no ${protocol} protocol`);
  }
  return problems;
}
