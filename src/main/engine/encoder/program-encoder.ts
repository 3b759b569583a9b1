// The one encoder: an FFmpeg child fed one raw frame and that frame's PCM per tick, turning out
// the program's MPEG-TS. Frame n written is frame n encoded: its timestamp is n / fps.
import type { Writable } from 'node:stream';
import type { Logger } from '../log.ts';
import { spawnOwned, type ChildExit, type OwnedChild } from '../process/child.ts';
import { frameMoverEnv } from '../process/malloc-tuning.ts';
import { encoderArgs, ENCODER_AUDIO_FD, isProgressLine, ProgressParser, type EncoderProgress } from './encoder-args.ts';
import { EncoderError } from './errors.ts';
import type { ProgramFormat } from './program-format.ts';

export interface ProgramEncoderOptions {
  ffmpegPath: string;
  format: ProgramFormat;
  /** The program frame this encoder's first frame is (0, or a GOP boundary after a restart). */
  startFrame?: number;
  logger: Logger;
  /** Every chunk of TS FFmpeg writes, in order. */
  onTs: (chunk: Buffer) => void;
  onProgress?: (progress: EncoderProgress) => void;
  /** The encoder ended while it was meant to run. */
  onExit?: (exit: ChildExit) => void;
}

export interface EncoderStats {
  framesWritten: number;
  /** Frames written to FFmpeg's pipe but not yet taken by it. */
  backlogFrames: number;
  maxBacklogFrames: number;
  bytesOut: number;
  progress: EncoderProgress | null;
  pid: number | null;
}

export class ProgramEncoder {
  readonly format: ProgramFormat;
  readonly #options: ProgramEncoderOptions;
  readonly #progressParser = new ProgressParser();
  #child: OwnedChild | undefined;
  #video: Writable | undefined;
  #audio: Writable | undefined;
  #stopping = false;
  #framesWritten = 0;
  #backlog = 0;
  #maxBacklog = 0;
  #bytesOut = 0;
  #progress: EncoderProgress | null = null;

  constructor(options: ProgramEncoderOptions) {
    this.format = options.format;
    this.#options = options;
  }

  get framesWritten(): number {
    return this.#framesWritten;
  }

  /** Frames written that FFmpeg has not taken yet. */
  get backlogFrames(): number {
    return this.#backlog;
  }

  get running(): boolean {
    return this.#child !== undefined && !this.#stopping;
  }

  start(): void {
    if (this.#child) throw new EncoderError('FFMPEG_PROBE_FAILED', 'the encoder is already running');
    const log = this.#options.logger;
    const child = spawnOwned({
      command: this.#options.ffmpegPath,
      args: encoderArgs(this.format, this.#options.startFrame ?? 0),
      name: 'encoder',
      env: frameMoverEnv(),
      stdin: 'pipe',
      stdout: 'pipe',
      extraPipes: 1,
      graceMs: 3000,
      stderr: { maxLines: 40 },
      logger: log,
      onStderrLine: (line) => {
        if (!isProgressLine(line)) {
          log.warn(`ffmpeg: ${line}`);
          return;
        }
        const report = this.#progressParser.push(line);
        if (report) {
          this.#progress = report;
          this.#options.onProgress?.(report);
        }
      },
    });
    this.#child = child;
    this.#stopping = false;
    this.#video = child.stdin!;
    // Node's extra stdio pipes are duplex sockets: fd 3 is where FFmpeg reads the PCM.
    this.#audio = child.process.stdio[ENCODER_AUDIO_FD] as unknown as Writable;
    // A pipe that breaks because FFmpeg died is reported through its exit, not as a stray error.
    this.#video.on('error', () => {});
    this.#audio.on('error', () => {});
    child.stdout!.on('data', (chunk: Buffer) => {
      this.#bytesOut += chunk.length;
      this.#options.onTs(chunk);
    });
    void child.exited.then((exit) => {
      const unexpected = !this.#stopping;
      this.#child = undefined;
      this.#video = undefined;
      this.#audio = undefined;
      if (unexpected) {
        log.error('encoder exited', { code: exit.exitCode, signal: exit.signal, stderr: exit.stderrTail.slice(-5) });
        this.#options.onExit?.(exit);
      }
    });
  }

  /**
   * Writes frame n's picture and its audio. `done` runs when FFmpeg has taken the picture's bytes,
   * so the caller can reuse the frame buffer. Never throws: a dead encoder is reported by onExit.
   */
  writeFrame(picture: Uint8Array, audio: Uint8Array, done: () => void): void {
    const video = this.#video;
    const pcm = this.#audio;
    if (!video || !pcm || this.#stopping) {
      done();
      return;
    }
    this.#framesWritten++;
    this.#backlog++;
    if (this.#backlog > this.#maxBacklog) this.#maxBacklog = this.#backlog;
    pcm.write(audio);
    video.write(picture, () => {
      this.#backlog--;
      done();
    });
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#stopping = true;
    // Closing the inputs lets FFmpeg flush the last GOP and end the TS cleanly.
    this.#video?.end();
    this.#audio?.end();
    const ended = await Promise.race([child.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000))]);
    if (!ended) await child.stop('program stopped');
  }

  /** Kills FFmpeg at once (fault tests, crash recovery). */
  kill(): void {
    this.#child?.process.kill('SIGKILL');
  }

  stats(): EncoderStats {
    return {
      framesWritten: this.#framesWritten,
      backlogFrames: this.#backlog,
      maxBacklogFrames: this.#maxBacklog,
      bytesOut: this.#bytesOut,
      progress: this.#progress,
      pid: this.#child?.process.pid ?? null,
    };
  }
}
