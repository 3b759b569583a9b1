// A live studio for the cue deck's end-to-end proofs, real parts only: `studio serve`, ffmpeg
// publishing a counting test pattern over RTMP with a stream key, one scene with that source on air,
// the program out over SRT to srt-live-transmit (listener, writing a file) and to a recording.
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { OutputInfo, StreamKeyWithSecret } from '../../src/shared/contract.ts';
import type { OutputStatus } from '../../src/shared/outputs.ts';
import type { ProgramStatus, SceneInfo, SourceInfo } from '../../src/shared/program.ts';
import type { OwnedChild } from '../../src/main/engine/process/child.ts';
import { freePort } from './ports.ts';
import { startStudio, type RunningStudio } from './studio-server.ts';
import { SrtCapture, publishCountingPattern } from './ts-capture.ts';

export const FPS = 30;
/** One IDR a second: breaks land on a 1 s grid, so short breaks keep the test short. */
export const GOP = 30;
export const TICKS_PER_FRAME = 90_000 / FPS;

export class CommandError extends Error {
  readonly command: string;
  readonly status: number;
  readonly body: unknown;

  constructor(command: string, status: number, body: unknown) {
    super(`${command}: ${status} ${JSON.stringify(body)}`);
    this.command = command;
    this.status = status;
    this.body = body;
  }
}

export interface CueStudio {
  studio: RunningStudio;
  ok<T>(name: string, args?: unknown): Promise<T>;
  /** The raw answer, for refusals. */
  call<T = unknown>(name: string, args?: unknown): Promise<{ status: number; body: T }>;
  capture: SrtCapture;
  captureFile: string;
  recordings: string;
  recordingFile(): string | undefined;
  sceneId: number;
  streamKey: string;
  publisher: OwnedChild;
  /** Stops what this set up; `keepDataDir` leaves the studio's data dir for a restart. */
  stop(options?: { keepDataDir?: boolean }): Promise<void>;
}

export interface CueStudioOptions {
  /** Seconds the publisher runs at most (the test's own bound). */
  publishSeconds: number;
  /** Reuse a data dir (a restart): its stream key, scene and outputs are found, not made. */
  dataDir?: string;
  /** Name of the capture file (a restart writes a new one). */
  captureName?: string;
}

export async function startCueStudio(options: CueStudioOptions): Promise<CueStudio> {
  const studio = await startStudio(options.dataDir ? { dataDir: options.dataDir } : {});
  const call = <T>(name: string, args: unknown = {}) => studio.command<T>(name, args);
  const ok = async <T>(name: string, args: unknown = {}): Promise<T> => {
    const { status, body } = await studio.command<{ result?: T; error?: unknown }>(name, args);
    if (status !== 200) throw new CommandError(name, status, body);
    return body.result as T;
  };
  const received = path.join(studio.dataDir, 'received');
  const recordings = path.join(studio.dataDir, 'recordings');
  mkdirSync(received, { recursive: true });
  mkdirSync(recordings, { recursive: true });
  const srtPort = await freePort();

  let streamKey: string;
  let sceneId: number;
  if (!options.dataDir) {
    await ok('program.setFormat', {
      width: 320,
      height: 180,
      frameRate: String(FPS),
      videoBitrateKbps: 600,
      gopFrames: GOP,
      x264Preset: 'ultrafast',
      audioBitrateKbps: 96,
      videoEncoder: 'libx264',
    });
    const key = await ok<StreamKeyWithSecret>('streamKeys.create', { name: 'Camera' });
    streamKey = key.key;
    const camera = await ok<SourceInfo>('sources.create', { name: 'Camera', config: { kind: 'rtmp', streamKeyId: key.id, width: 320, height: 180 } });
    sceneId = (await ok<SceneInfo>('scenes.create', { name: 'Show', layers: [{ sourceId: camera.id }] })).id;
    await ok<OutputInfo>('outputs.create', { settings: { kind: 'recording', name: 'Archive', folder: recordings } });
  } else {
    // A restart: the key's secret is not shown again, so make a new key for the same source.
    const camera = (await ok<SourceInfo[]>('sources.list')).find((source) => source.name === 'Camera')!;
    const key = await ok<StreamKeyWithSecret>('streamKeys.create', { name: `Camera ${Date.now()}` });
    streamKey = key.key;
    await ok('sources.update', { id: camera.id, name: 'Camera', config: { kind: 'rtmp', streamKeyId: key.id, width: 320, height: 180 } });
    sceneId = (await ok<SceneInfo[]>('scenes.list')).find((scene) => scene.name === 'Show')!.id;
    for (const output of await ok<OutputInfo[]>('outputs.list')) {
      if (output.settings.kind === 'srt') await ok('outputs.remove', { id: output.id });
    }
  }
  const srt = await ok<OutputInfo>('outputs.create', { settings: { kind: 'srt', name: 'Distributor', url: `srt://127.0.0.1:${srtPort}`, latencyMs: 400 } });
  const captureFile = path.join(received, options.captureName ?? 'program.ts');
  const capture = new SrtCapture(srtPort, captureFile);
  const publisher = publishCountingPattern(`rtmp://127.0.0.1:${studio.rtmpPort}/live/${streamKey}`, { seconds: options.publishSeconds });

  await ok<ProgramStatus>('program.start');
  await ok('program.switchScene', { sceneId });
  const camera = async () => (await ok<SourceInfo[]>('sources.list')).find((source) => source.name === 'Camera');
  for (let waited = 0; ; waited += 250) {
    if ((await camera())?.state === 'running') break;
    if (waited > 30_000) throw new Error(`the camera did not come up:\n${studio.output().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await ok<OutputInfo[]>('outputs.startAll');
  for (let waited = 0; ; waited += 250) {
    const status = (await ok<OutputStatus[]>('outputs.status')).find((output) => output.id === String(srt.id));
    if (status?.state === 'running') break;
    if (waited > 20_000) throw new Error(`the SRT output did not connect: ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  return {
    studio,
    ok,
    call,
    capture,
    captureFile,
    recordings,
    recordingFile: () => {
      const files = readdirSync(recordings).filter((name) => name.endsWith('.ts'));
      return files.length ? path.join(recordings, files.sort().at(-1)!) : undefined;
    },
    sceneId,
    streamKey,
    publisher,
    stop: async ({ keepDataDir = false } = {}) => {
      await publisher.stop('test over');
      await capture.stop();
      if (keepDataDir) {
        const proc = studio.process;
        if (proc.exitCode === null && proc.signalCode === null) {
          const exited = new Promise((resolve) => proc.once('exit', resolve));
          proc.kill('SIGTERM');
          await exited;
        }
      } else {
        await studio.stop();
      }
    },
  };
}

/** Polls `read` until `accept` holds; rejects naming what was last read. */
export async function pollUntil<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const started = Date.now();
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (accept(last)) return last;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
