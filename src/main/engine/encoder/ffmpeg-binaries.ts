// Finds the ffmpeg and ffprobe binaries the studio runs. One place, one order:
// the FFMPEG_PATH / FFPROBE_PATH environment variable, then the bundled ffmpeg-static /
// ffprobe-static package (optional: its binary download may fail offline), then the PATH.
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { EncoderError } from './errors.ts';

export type FfmpegSource = 'FFMPEG_PATH' | 'ffmpeg-static' | 'PATH';
export type FfprobeSource = 'FFPROBE_PATH' | 'ffprobe-static' | 'PATH';

export interface ResolvedBinary<Source extends string = FfmpegSource | FfprobeSource> {
  path: string;
  /** The environment variable, the package, or PATH. */
  source: Source;
}

export interface ResolvedBinaries {
  ffmpeg: ResolvedBinary<FfmpegSource>;
  /** ffprobe is optional for the foundation; features that need it report its absence themselves. */
  ffprobe: ResolvedBinary<FfprobeSource> | null;
  /** Every place looked at, in order, with why it was passed over. */
  tried: string[];
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  /** The path the bundled package exports, or null when it is not installed or has no binary. */
  bundledFfmpeg?: () => string | null;
  bundledFfprobe?: () => string | null;
  platform?: NodeJS.Platform;
}

const require = createRequire(import.meta.url);

/**
 * Inside a packaged Electron app, node_modules sit in app.asar, which cannot be executed:
 * electron-builder's asarUnpack puts the binaries in app.asar.unpacked instead.
 */
export function unpackedFromAsar(binaryPath: string): string {
  return binaryPath.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

function bundledPackagePath(packageName: string): string | null {
  try {
    const exported = require(packageName) as string | { path?: string } | null;
    const found = typeof exported === 'string' ? exported : exported?.path;
    return found ? unpackedFromAsar(found) : null;
  } catch {
    return null;
  }
}

/** Why a candidate cannot be run, or null if it can. */
function unusableReason(candidate: string): string | null {
  try {
    if (!statSync(candidate).isFile()) return 'not a file';
    accessSync(candidate, constants.X_OK);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'not executable' : `unusable (${code})`;
  }
}

function findOnPath(name: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): { found: string | null; searched: string[] } {
  const directories = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean);
  const executable = platform === 'win32' ? `${name}.exe` : name;
  for (const directory of directories) {
    const candidate = path.join(directory, executable);
    if (unusableReason(candidate) === null) return { found: candidate, searched: directories };
  }
  return { found: null, searched: directories };
}

function resolveOne<EnvVariable extends string, PackageName extends string>(
  name: 'ffmpeg' | 'ffprobe',
  envVariable: EnvVariable,
  packageName: PackageName,
  bundled: () => string | null,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  tried: string[],
): ResolvedBinary<EnvVariable | PackageName | 'PATH'> | null {
  const fromEnv = env[envVariable];
  if (fromEnv) {
    const reason = unusableReason(fromEnv);
    if (reason === null) return { path: fromEnv, source: envVariable };
    tried.push(`${envVariable}=${fromEnv}: ${reason}`);
  } else {
    tried.push(`${envVariable}: not set`);
  }

  const fromPackage = bundled();
  if (fromPackage) {
    const reason = unusableReason(fromPackage);
    if (reason === null) return { path: fromPackage, source: packageName };
    tried.push(`${packageName} (${fromPackage}): ${reason}`);
  } else {
    tried.push(`${packageName}: not installed or has no binary for this platform`);
  }

  const { found, searched } = findOnPath(name, env, platform);
  if (found) return { path: found, source: 'PATH' };
  tried.push(`${name} on PATH: not found in ${searched.length ? searched.join(path.delimiter) : '(empty PATH)'}`);
  return null;
}

/** Resolves both binaries; throws one EncoderError listing every place tried when ffmpeg is nowhere. */
export function resolveFfmpegBinaries(options: ResolveOptions = {}): ResolvedBinaries {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const tried: string[] = [];
  const ffmpeg = resolveOne(
    'ffmpeg',
    'FFMPEG_PATH',
    'ffmpeg-static',
    options.bundledFfmpeg ?? (() => bundledPackagePath('ffmpeg-static')),
    env,
    platform,
    tried,
  );
  if (!ffmpeg) {
    throw new EncoderError(
      'FFMPEG_NOT_FOUND',
      `No usable ffmpeg found. Tried: ${tried.join('; ')}. Install ffmpeg (e.g. apt-get install ffmpeg) or set FFMPEG_PATH.`,
    );
  }
  const ffprobeTried: string[] = [];
  const ffprobe = resolveOne(
    'ffprobe',
    'FFPROBE_PATH',
    'ffprobe-static',
    options.bundledFfprobe ?? (() => bundledPackagePath('ffprobe-static')),
    env,
    platform,
    ffprobeTried,
  );
  return { ffmpeg, ffprobe, tried: [...tried, ...ffprobeTried] };
}
