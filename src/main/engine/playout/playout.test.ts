// The playout in a running program (real ffmpeg decoders and encoder at 160x90, 25 fps, GOP 25),
// its clock driven frame by frame by a fake time, with the real cue deck on a real SQLite file.
// Every clip frame carries its clip code and frame number in its pixels (tests/support/
// playout-clips.ts), read from the composed frames: each piece's first frame airs on its start
// frame, a break at a chapter mark pauses the show on the IDR at or after the mark and resumes it
// on the frame after the last one shown, a missing file airs the slate with a message, and a
// piece joined mid-way starts on the frame it would show then.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlayoutStatus } from '../../../shared/schedule.ts';
import { FakeTime } from '../../../../tests/support/fake-time.ts';
import { MemoryPlan } from '../../../../tests/support/memory-plan.ts';
import { makeCodedClip, readCodedFrame } from '../../../../tests/support/playout-clips.ts';
import { until } from '../../../../tests/support/wait.ts';
import { FRAME_RATES } from '../compositor/index.ts';
import { CueDeck, SLATE_SCENE_ID } from '../cues/index.ts';
import { resolveFfmpegBinaries } from '../encoder/ffmpeg-binaries.ts';
import { DEFAULT_PROGRAM_FORMAT, type ProgramFormat } from '../encoder/program-format.ts';
import { Logger } from '../log.ts';
import { ProgramLifecycle } from '../program/program-lifecycle.ts';
import { Program } from '../program/program.ts';
import { CuesRepository } from '../store/cues-repository.ts';
import { openStore, type Store } from '../store/database.ts';
import type { PlanPiece } from './plan.ts';
import { PLAYOUT_SLATE_SCENE_ID, Playout } from './playout.ts';

const WIDTH = 160;
const HEIGHT = 90;
const FPS = 25;
const FORMAT: ProgramFormat = {
  ...DEFAULT_PROGRAM_FORMAT,
  width: WIDTH,
  height: HEIGHT,
  frameRate: FRAME_RATES['25'],
  videoBitrateKbps: 300,
  x264Preset: 'ultrafast',
  gopFrames: 25,
};
const CODE_A = 60;
const CODE_B = 120;
/** The operator's scene: a silent green (luma ≈ 173, apart from the clip codes and the slates). */
const OPERATOR_SCENE = 'green';
const quiet = new Logger({ sink: () => {}, level: 'error' });
const ffmpeg = resolveFfmpegBinaries().ffmpeg.path;

describe('playout over a running program (fake clock, real ffmpeg)', () => {
  const time = new FakeTime();
  const plan = new MemoryPlan();
  const lifecycle = new ProgramLifecycle(quiet);
  /** Per frame made: what the composed frame shows, and the scene on air. */
  const shown: Array<{ code: number; frame: number }> = [];
  const scenes: Array<string | null> = [];
  const statuses: PlayoutStatus[] = [];
  /** The program's outgoing TS. */
  const ts: Buffer[] = [];
  let program: Program;
  let deck: CueDeck;
  let playout: Playout;
  let store: Store;
  let repo: CuesRepository;
  let work: string;
  let clipA: string;
  let clipB: string;

  /** Makes frames up to `frame`, one at a time: each waits for decoders due by then and for the encoder. */
  async function stepTo(frame: number): Promise<void> {
    while (program.timeline.frame < frame) {
      const next = program.timeline.frame + 1;
      for (let wait = 0; wait < 5000 && !playout.ready(next); wait++) await new Promise((resolve) => setTimeout(resolve, 1));
      time.advanceFrames(1, FORMAT.frameRate);
      for (let wait = 0; wait < 2000 && program.stats().encoder.backlogFrames > 2; wait++) await new Promise((resolve) => setTimeout(resolve, 1));
      // The plan is read ahead once a second of frames (the real timer is set far off here).
      if (program.timeline.frame % FPS === 0) playout.refresh();
    }
  }

  /** The wall time a piece given as "from frame f" starts at: a little before f, so f is the first frame at or after it. */
  const at = (frame: number) => program.timeline.wallTimeOf(frame) - 5;

  function media(clip: string, title: string, from: number, to: number, options: Partial<Extract<PlanPiece, { kind: 'media' }>> = {}): PlanPiece {
    return {
      kind: 'media',
      itemId: from,
      mediaId: 1,
      title,
      path: clip,
      startMs: at(from),
      endMs: at(to),
      inSeconds: 0,
      loudnessLufs: -20,
      breaks: [],
      ...options,
    };
  }

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'playout-test-'));
    clipA = makeCodedClip(work, { name: 'a', code: CODE_A, seconds: 6, width: WIDTH, height: HEIGHT, fps: FPS });
    clipB = makeCodedClip(work, {
      name: 'b',
      code: CODE_B,
      seconds: 6,
      width: WIDTH,
      height: HEIGHT,
      fps: FPS,
      chapters: [
        { title: 'one', startSeconds: 0 },
        { title: 'two', startSeconds: 2 },
      ],
    });
    store = openStore(work);
    repo = new CuesRepository(store.db);
    program = new Program({ format: FORMAT, ffmpegPath: ffmpeg, logger: quiet, inlineCompositor: true, time });
    await program.addSource({ id: 'green', kind: 'color', color: '#00ff00', width: WIDTH, height: HEIGHT });
    program.setScene({
      id: OPERATOR_SCENE,
      layers: [{ id: 'green:0', sourceId: 'green', rect: { x: 0, y: 0, width: WIDTH, height: HEIGHT }, opacity: 1, visible: true }],
    });
    program.switchScene({ sceneId: OPERATOR_SCENE });
    program.onTs((chunk) => ts.push(Buffer.from(chunk)));
    program.onComposed((n, frame) => {
      shown[n] = readCodedFrame(frame.i420, WIDTH, HEIGHT);
    });
    program.timeline.onFrame((n) => {
      scenes[n] = program.onAirScene();
    });
    deck = new CueDeck({ lifecycle, store: repo, onState: () => {}, frameSize: () => ({ width: WIDTH, height: HEIGHT }) });
    playout = new Playout({
      lifecycle,
      plan,
      breaks: deck,
      enabledFlag: { get: () => true, set: () => {} },
      settings: () => ({ loudnessTargetLufs: -23, channelName: 'Test channel' }),
      frameSize: () => ({ width: WIDTH, height: HEIGHT }),
      onStatus: (status) => statuses.push(status),
      prerollSeconds: 1,
      lookaheadSeconds: 10,
      refreshEveryMs: 3_600_000,
    });
    await program.start();
    lifecycle.started(program);
    // The encoder's first PES: breaks need the PTS of their splice.
    await stepTo(5);
    for (let wait = 0; wait < 5000 && program.ptsOfFrame(0) === null; wait++) await new Promise((resolve) => setTimeout(resolve, 1));
  }, 60_000);

  afterAll(async () => {
    playout?.dispose();
    deck?.dispose();
    await program?.close();
    lifecycle.stopped();
    store?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** The frames of the run below, set as it plans them. */
  const marks = { a0: 0, b0: 0, c0: 0, end: 0, splice: 0, back: 0 };

  it('airs each piece from its start frame, breaks B at its chapter on the IDR grid through the deck, and airs the slate for a missing file', async () => {
    const base = program.timeline.frame + 40;
    // A: from second 1 of its file, 60 frames; B: its chapter at 2 s → a 2 s break; C: a file deleted since it was scheduled.
    const a0 = base + 7; // not on the GOP grid
    const b0 = a0 + 60;
    const c0 = b0 + 100 + 50;
    const end = c0 + 30;
    plan.set([
      media(clipA, 'A', a0, b0, { inSeconds: 1 }),
      media(clipB, 'B', b0, c0, { breaks: [{ atSeconds: 2, durationSeconds: 2 }] }),
      media(path.join(work, 'gone.mkv'), 'C', c0, end),
    ]);
    const markFrame = b0 + 2 * FPS;
    const splice = Math.ceil(markFrame / FORMAT.gopFrames) * FORMAT.gopFrames;
    const back = splice + 2 * FPS;
    Object.assign(marks, { a0, b0, c0, end, splice, back });
    expect(playout.framesOf(a0)).toMatchObject({ startFrame: a0 });

    await stepTo(b0 + 10);
    expect(program.holding('playout')).toMatch(/^playout:show:/);
    await stepTo(end + 5);

    // A: the operator's scene until the frame before; from its start frame, its file's frame 25 on.
    expect(shown[a0 - 1]!.code).not.toBe(CODE_A);
    expect(scenes[a0 - 1]).toBe(OPERATOR_SCENE);
    expect(shown.slice(a0, b0)).toEqual(Array.from({ length: 60 }, (_, k) => ({ code: CODE_A, frame: 25 + k })));
    // B: its first frame on its start frame, on to the splice; the deck's break; resumed on the frame after.
    expect(shown.slice(b0, splice)).toEqual(Array.from({ length: splice - b0 }, (_, k) => ({ code: CODE_B, frame: k })));
    expect(scenes.slice(splice, back).every((scene) => scene === SLATE_SCENE_ID)).toBe(true);
    expect(scenes[splice - 1]).toMatch(/^playout:show:/);
    expect(scenes[back]).toMatch(/^playout:show:/);
    const resumed = splice - b0;
    expect(shown.slice(back, c0)).toEqual(Array.from({ length: c0 - back }, (_, k) => ({ code: CODE_B, frame: resumed + k })));
    // Every frame of B's file from 0 on, once each, in order: none lost or shown twice.
    const showFrames = [...shown.slice(b0, splice), ...shown.slice(back, c0)].map((s) => s.frame);
    expect(showFrames).toEqual(Array.from({ length: 100 }, (_, k) => k));
    // The break through the deck: its as-run row, spliced and returned on those IDRs.
    expect(repo.asRun(1)[0]).toMatchObject({ outcome: 'aired', actualSpliceFrame: splice, actualReturnFrame: back });
    expect(splice % FORMAT.gopFrames).toBe(0);

    // C: the slate, and a status that says why; the program goes on, and the operator has it after.
    expect(scenes.slice(c0, end).every((scene) => scene === PLAYOUT_SLATE_SCENE_ID)).toBe(true);
    expect(statuses.some((s) => s.now?.title === 'C' && /missing/.test(s.message ?? ''))).toBe(true);
    expect(scenes[end]).toBe(OPERATOR_SCENE);
    expect(program.stats().running).toBe(true);
  }, 120_000);

  it('audio follows the picture: in the encoded TS, A’s tone starts with A’s first frame', async () => {
    const file = path.join(work, 'program.ts');
    writeFileSync(file, Buffer.concat(ts));
    const ffprobe = resolveFfmpegBinaries().ffprobe!.path;
    const probed = spawnSync(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=best_effort_timestamp_time', '-of', 'json', file], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    expect(probed.status).toBe(0);
    const videoPts = (JSON.parse(probed.stdout) as { frames: { best_effort_timestamp_time: string }[] }).frames.map((frame) =>
      Number(frame.best_effort_timestamp_time),
    );
    // Time stamps kept (-copyts) and silence put in from 0: sample i is at i / 48000 s, as the video's pts_time.
    const decoded = spawnSync(
      ffmpeg,
      ['-v', 'error', '-copyts', '-i', file, '-map', '0:a:0', '-af', 'aresample=async=1:first_pts=0', '-ac', '1', '-f', 's16le', '-'],
      {
        maxBuffer: 1 << 26,
      },
    );
    expect(decoded.status).toBe(0);
    const samples = new Int16Array(decoded.stdout.buffer, decoded.stdout.byteOffset, decoded.stdout.length >> 1);
    const onset = samples.findIndex((sample) => Math.abs(sample) > 1000);
    const videoAt = videoPts[marks.a0]!;
    // Within half a frame (20 ms at 25 fps): the tone comes with the frame, not a frame early or late.
    expect(Math.abs(onset / 48_000 - videoAt)).toBeLessThan(0.5 / FPS);
  }, 60_000);

  it('joins a piece already under way on the frame it would show then (a restart mid-item)', async () => {
    const now = program.timeline.frame;
    // Started 40 frames ago, from second 0.4 of its file.
    const d0 = now - 40;
    plan.set([media(clipA, 'D', d0, now + 100, { inSeconds: 0.4 })]);
    const joined = now + 1 + FPS; // the preroll: one second
    await stepTo(joined + 20);
    expect(scenes[joined - 1]).toBe(OPERATOR_SCENE);
    expect(shown.slice(joined, joined + 20)).toEqual(Array.from({ length: 20 }, (_, k) => ({ code: CODE_A, frame: 10 + (joined - d0) + k })));
    expect(playout.status()).toMatchObject({ state: 'playing', now: { title: 'D', kind: 'media' } });
  }, 60_000);

  it('a file that is no media (its decoder fails) airs the slate for its piece, and the status says why', async () => {
    const corrupt = path.join(work, 'corrupt.mkv');
    writeFileSync(corrupt, Buffer.alloc(4096, 0x5a));
    const now = program.timeline.frame;
    const e0 = now + 40;
    plan.set([media(corrupt, 'E', e0, e0 + 30)]);
    await stepTo(e0 + 35);
    expect(scenes.slice(e0, e0 + 30).every((scene) => scene === PLAYOUT_SLATE_SCENE_ID)).toBe(true);
    expect(statuses.some((s) => /^E: its decoder failed \(not a playable media file/.test(s.message ?? ''))).toBe(true);
    expect(scenes[e0 + 30]).toBe(OPERATOR_SCENE);
  }, 60_000);

  it('a decoder killed on air is replaced: the slate covers the gap, and the show rejoins on the frame of its file it would show then', async () => {
    const now = program.timeline.frame;
    const k0 = now + 40;
    plan.set([media(clipA, 'K', k0, k0 + 120)]);
    await stepTo(k0 + 20);
    expect(shown[k0 + 20]).toEqual({ code: CODE_A, frame: 20 });
    const decoder = program.sourceStatuses().find((s) => s.id.startsWith('playout:media:') && s.state === 'running' && s.pid !== undefined);
    expect(decoder).toBeDefined();
    process.kill(decoder!.pid!, 'SIGKILL');
    // Its supervisor starts it again, from the frame it first sought to: the playout must not air that.
    await until(() => (program.mediaStatus(decoder!.id)?.restarts ?? 0) > 0, 10_000, 'the decoder to be restarted by its supervisor');
    const noticedAt = program.timeline.frame;
    playout.refresh();
    const joined = noticedAt + 1 + FPS; // a preroll of one second
    await stepTo(joined + 20);
    expect(scenes.slice(noticedAt + 1, joined).every((scene) => scene === PLAYOUT_SLATE_SCENE_ID)).toBe(true);
    expect(shown.slice(joined, joined + 20)).toEqual(Array.from({ length: 20 }, (_, k) => ({ code: CODE_A, frame: joined - k0 + k })));
    expect(statuses.some((s) => /^K: its decoder stopped on air \(.*\); the slate is on air until it rejoins/.test(s.message ?? ''))).toBe(true);
    expect(playout.status()).toMatchObject({
      now: { title: 'K', kind: 'media' },
      message: expect.stringMatching(/the show rejoined at [\d.]+ s of the file \(frame \d+\)\.$/),
    });
    await stepTo(k0 + 122);
    expect(scenes[k0 + 119]).not.toBe(OPERATOR_SCENE);
    expect(scenes[k0 + 120]).toBe(OPERATOR_SCENE);
  }, 60_000);

  it('off: the layer lets go on the next frame and the operator has the program', async () => {
    const frame = program.timeline.frame;
    expect(playout.setEnabled(false)).toMatchObject({ enabled: false, state: 'off' });
    await stepTo(frame + 3);
    expect(scenes[frame + 1]).toBe(OPERATOR_SCENE);
    expect(program.holding('playout')).toBeNull();
  }, 30_000);
});
