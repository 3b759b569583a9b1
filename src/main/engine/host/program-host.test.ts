// ProgramHost: how the stored set-up (format, sources, scenes, the on-air scene) becomes the live
// Program, what it reports while stopped, and its refusals. The store is a real SQLite file; the
// running cases use the machine's ffmpeg at a tiny format.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProgramFormatSettings } from '../../../shared/program.ts';
import { resolveFfmpegBinaries } from '../encoder/ffmpeg-binaries.ts';
import { Logger } from '../log.ts';
import { openStore, type Store } from '../store/database.ts';
import { ProgramRepository, type StoredSource } from '../store/program-repository.ts';
import { DEFAULT_FORMAT_SETTINGS, ProgramHost, programScene, sourceSpec, toProgramFormat, type ProgramHostOptions } from './program-host.ts';

const TINY_FORMAT: ProgramFormatSettings = {
  ...DEFAULT_FORMAT_SETTINGS,
  width: 160,
  height: 90,
  frameRate: '25',
  videoBitrateKbps: 300,
  gopFrames: 25,
  x264Preset: 'ultrafast',
};

let dir: string;
let store: Store;
let repository: ProgramRepository;
let hosts: ProgramHost[];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'program-host-test-'));
  store = openStore(dir);
  repository = new ProgramRepository(store.db);
  hosts = [];
});

afterEach(async () => {
  for (const host of hosts) await host.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function makeHost(overrides: Partial<ProgramHostOptions> = {}): ProgramHost {
  const host = new ProgramHost({
    repository,
    ffmpegPath: () => null,
    videoEncoders: () => ['libx264'],
    live: undefined,
    log: new Logger({ sink: () => {}, level: 'error' }),
    onMeters: () => {},
    onSourceStatus: () => {},
    ...overrides,
  });
  hosts.push(host);
  return host;
}

const stored = (id: number, config: StoredSource['config']): StoredSource => ({ id, name: `source ${id}`, config, audio: { gainDb: 0, muted: false } });

describe('sourceSpec', () => {
  it("maps each stored kind to the program's spec, its id as text", () => {
    expect(sourceSpec(stored(1, { kind: 'rtmp', streamKeyId: 7, width: 640, height: 360, slateText: 'Back soon' }))).toEqual({
      id: '1',
      kind: 'rtmp',
      streamKeyId: 7,
      width: 640,
      height: 360,
      fallback: { text: 'Back soon' },
    });
    expect(sourceSpec(stored(2, { kind: 'media', path: '/m/a.mp4', loop: false, startSeconds: 12, width: 320, height: 180 }))).toEqual({
      id: '2',
      kind: 'media',
      path: '/m/a.mp4',
      loop: false,
      startSeconds: 12,
      width: 320,
      height: 180,
    });
    expect(sourceSpec(stored(3, { kind: 'test_pattern', toneHz: 440, width: 64, height: 36 }))).toEqual({
      id: '3',
      kind: 'test_pattern',
      toneHz: 440,
      width: 64,
      height: 36,
    });
    expect(sourceSpec(stored(4, { kind: 'image', path: '/i/logo.png', width: 100, height: 50 }))).toEqual({
      id: '4',
      kind: 'image',
      path: '/i/logo.png',
      width: 100,
      height: 50,
    });
    expect(sourceSpec(stored(5, { kind: 'color', color: '#112233', width: 2, height: 2 }))).toEqual({
      id: '5',
      kind: 'color',
      color: '#112233',
      width: 2,
      height: 2,
    });
  });

  it('a text source carries its style; a background only when it has one', () => {
    expect(sourceSpec(stored(6, { kind: 'text', text: 'Hello', fontSize: 40, color: '#ffffff', width: 200, height: 60 }))).toEqual({
      id: '6',
      kind: 'text',
      text: 'Hello',
      width: 200,
      height: 60,
      style: { fontSize: 40, color: '#ffffff' },
    });
    const withBackground = sourceSpec(stored(7, { kind: 'text', text: 'Hi', fontSize: 20, color: '#000000', background: '#ffff00', width: 80, height: 40 }));
    expect(withBackground).toMatchObject({ style: { fontSize: 20, color: '#000000', background: '#ffff00' } });
  });
});

describe('programScene', () => {
  const sources = [
    stored(1, { kind: 'color', color: '#ff0000', width: 320, height: 180 }),
    stored(2, { kind: 'color', color: '#00ff00', width: 64, height: 36 }),
  ];

  it('sizes each layer by its own rect (its source\'s size when it has none), scaled, ids it "scene:index", and keeps crop, opacity and visibility', () => {
    const scene = programScene(
      {
        id: 9,
        name: 'Main',
        layers: [
          { sourceId: 1, x: 0, y: 0, width: 160, height: 90, opacity: 1, visible: true },
          { sourceId: 2, x: 10, y: -4, crop: { top: 2, right: 0, bottom: 0, left: 4 }, opacity: 0.5, visible: false },
        ],
      },
      sources,
    );
    expect(scene).toEqual({
      id: '9',
      layers: [
        { id: '9:0', sourceId: '1', rect: { x: 0, y: 0, width: 160, height: 90 }, opacity: 1, visible: true, scaled: true },
        {
          id: '9:1',
          sourceId: '2',
          rect: { x: 10, y: -4, width: 64, height: 36 },
          crop: { top: 2, right: 0, bottom: 0, left: 4 },
          opacity: 0.5,
          visible: false,
          scaled: true,
        },
      ],
    });
  });

  it("leaves out a layer whose source is gone, keeping the others' ids by their stored position", () => {
    const scene = programScene(
      {
        id: 3,
        name: 'Partial',
        layers: [
          { sourceId: 99, x: 0, y: 0, opacity: 1, visible: true },
          { sourceId: 2, x: 0, y: 0, opacity: 1, visible: true },
        ],
      },
      sources,
    );
    expect(scene.layers.map((layer) => [layer.id, layer.sourceId])).toEqual([['3:1', '2']]);
  });
});

describe('ProgramHost while stopped', () => {
  it('answers the default format until one is stored; toProgramFormat gives the exact frame rate', () => {
    const host = makeHost();
    expect(host.formatSettings()).toEqual(DEFAULT_FORMAT_SETTINGS);
    expect(toProgramFormat({ ...DEFAULT_FORMAT_SETTINGS, frameRate: '29.97' }).frameRate).toEqual({ num: 30000, den: 1001 });
    expect(toProgramFormat(DEFAULT_FORMAT_SETTINGS).frameRate).toEqual({ num: 30, den: 1 });
    repository.setFormat(TINY_FORMAT);
    expect(host.formatSettings()).toEqual(TINY_FORMAT);
  });

  it('status() while stopped: not running, no frame, no IDRs, zero counters, the stored on-air scene and the usable encoders', () => {
    const scene = repository.createScene('Wait', []);
    repository.setOnAirSceneId(scene.id);
    const host = makeHost({ videoEncoders: () => ['libx264', 'h264_vaapi'] });
    expect(host.status()).toEqual({
      running: false,
      format: DEFAULT_FORMAT_SETTINGS,
      frame: -1,
      nextIdrFrames: [],
      nextIdrPts: [],
      onAirSceneId: scene.id,
      framesComposed: 0,
      framesRepeated: 0,
      framesDropped: 0,
      dropReasons: { skipped: 0, busy: 0, poolExhausted: 0, failed: 0 },
      outputStalls: { stalls: 0, framesSkipped: 0 },
      encoderRestarts: 0,
      composeMsPerFrame: 0,
      encoder: { fps: null, speed: null, bitrateKbps: null },
      scte35Pid: null,
      videoEncoders: ['libx264', 'h264_vaapi'],
    });
    expect(host.liveStats()).toBeNull();
    expect(host.program).toBeNull();
  });

  it('switchScene stores the scene for the next start and answers no frame; an unknown scene is NOT_FOUND and stores nothing', () => {
    const first = repository.createScene('First', []);
    const second = repository.createScene('Second', []);
    const host = makeHost();
    expect(host.switchScene(second.id, 100, { kind: 'cut' })).toEqual({ sceneId: second.id, atFrame: null });
    expect(repository.onAirSceneId()).toBe(second.id);
    expect(() => host.switchScene(12345, undefined, { kind: 'cut' })).toThrow(expect.objectContaining({ code: 'NOT_FOUND', apiCode: 'NOT_FOUND' }));
    expect(repository.onAirSceneId()).toBe(second.id);
    host.switchScene(first.id, undefined, { kind: 'fade', frames: 10 });
    expect(host.status().onAirSceneId).toBe(first.id);
  });

  it('setFormat refuses an encoder that is not usable here (BAD_FORMAT on videoEncoder) and stores nothing; a usable one is stored', async () => {
    const host = makeHost({ videoEncoders: () => ['libx264'] });
    await expect(host.setFormat({ ...TINY_FORMAT, videoEncoder: 'h264_nvenc' })).rejects.toMatchObject({
      code: 'BAD_FORMAT',
      field: 'videoEncoder',
      apiCode: 'BAD_ARGUMENT',
    });
    expect(repository.format()).toBeUndefined();
    await expect(host.setFormat(TINY_FORMAT)).resolves.toEqual(TINY_FORMAT);
    expect(repository.format()).toEqual(TINY_FORMAT);
  });

  it('ptsOfFrame needs a running program (NOT_RUNNING, a conflict)', () => {
    expect(() => makeHost().ptsOfFrame(0)).toThrow(expect.objectContaining({ code: 'NOT_RUNNING', apiCode: 'CONFLICT' }));
  });

  it('source and scene edits while stopped are no-ops that succeed; sourceInfo has no decoder state', async () => {
    const host = makeHost();
    const source = repository.createSource('c', { kind: 'color', color: '#000000', width: 64, height: 36 }, { gainDb: 0, muted: false });
    await expect(host.sourceAdded(source)).resolves.toBeUndefined();
    await expect(host.sourceChanged(source, { ...source, audio: { gainDb: -3, muted: true } })).resolves.toBeUndefined();
    await expect(host.sourceRemoved(source.id)).resolves.toBeUndefined();
    expect(() => host.sceneChanged({ id: 1, name: 'x', layers: [] })).not.toThrow();
    expect(() => host.sceneRemoved(1)).not.toThrow();
    expect(host.sourceInfo(source)).toEqual({ ...source, state: null, reason: null });
  });

  it('start() without ffmpeg is refused (NOT_RUNNING, a conflict): nothing runs and onStarted is not called', async () => {
    let started = 0;
    const host = makeHost({ ffmpegPath: () => null, onStarted: () => void started++ });
    await expect(host.start()).rejects.toMatchObject({ code: 'NOT_RUNNING', apiCode: 'CONFLICT', message: expect.stringContaining('ffmpeg') });
    expect(host.program).toBeNull();
    expect(host.status().running).toBe(false);
    expect(started).toBe(0);
  });

  it('after close(), start() is refused with CLOSING even with ffmpeg', async () => {
    const host = makeHost({ ffmpegPath: () => '/usr/bin/ffmpeg' });
    await host.close();
    await expect(host.start()).rejects.toMatchObject({ code: 'CLOSING' });
    expect(host.program).toBeNull();
  });

  it('stop() while stopped still calls onStopped and answers a stopped status', async () => {
    let stopped = 0;
    const host = makeHost({
      onStopped: async () => {
        stopped++;
      },
    });
    expect((await host.stop()).running).toBe(false);
    expect(stopped).toBe(1);
  });
});

describe('ProgramHost running (real ffmpeg, 160x90 at 25 fps)', () => {
  const ffmpeg = resolveFfmpegBinaries().ffmpeg.path;

  it('starts with the stored sources and the stored on-air scene; refuses a format change while running; stops', async () => {
    repository.setFormat(TINY_FORMAT);
    const red = repository.createSource('red', { kind: 'color', color: '#ff0000', width: 160, height: 90 }, { gainDb: 0, muted: false });
    const first = repository.createScene('First', [{ sourceId: red.id, x: 0, y: 0, opacity: 1, visible: true }]);
    const second = repository.createScene('Second', [{ sourceId: red.id, x: 0, y: 0, opacity: 1, visible: true }]);
    repository.setOnAirSceneId(second.id);
    const calls: string[] = [];
    let tsBytes = 0;
    const host = makeHost({
      ffmpegPath: () => ffmpeg,
      onStarted: () => void calls.push('started'),
      onStopped: async () => void calls.push('stopped'),
      onTs: (chunk) => {
        tsBytes += chunk.length;
      },
    });
    // Two starts at once: one program, both answer running.
    const [a, b] = await Promise.all([host.start(), host.start()]);
    expect(a.running && b.running).toBe(true);
    expect(calls).toEqual(['started']);
    expect(a.format).toEqual(TINY_FORMAT);
    // The program's own on-air scene (the store already says `second`, so status() alone proves nothing).
    await expect.poll(() => host.program?.stats().onAir, { timeout: 10_000 }).toBe(String(second.id));
    expect(host.status().onAirSceneId).toBe(second.id);

    await expect(host.setFormat({ ...TINY_FORMAT, width: 320 })).rejects.toMatchObject({ code: 'RUNNING', apiCode: 'CONFLICT' });
    expect(repository.format()).toEqual(TINY_FORMAT);

    await expect.poll(() => tsBytes > 0 && host.ptsOfFrame(0) !== null, { timeout: 10_000 }).toBe(true);
    const status = host.status();
    expect(status.nextIdrFrames).toHaveLength(3);
    for (const frame of status.nextIdrFrames) expect(frame % TINY_FORMAT.gopFrames).toBe(0);
    expect(status.nextIdrPts).toEqual(status.nextIdrFrames.map((frame) => host.ptsOfFrame(frame)));
    expect(status.scte35Pid).not.toBeNull();
    expect(host.liveStats()).toMatchObject({ fpsTarget: 25 });

    // A switch while running is scheduled at a frame (the next one), and stored for the next start
    // once the operator layer takes it, at that frame.
    const scheduled = host.switchScene(first.id, undefined, { kind: 'cut' });
    expect(scheduled.atFrame).toBeGreaterThan(0);
    await expect.poll(() => host.program?.stats().onAir, { timeout: 10_000 }).toBe(String(first.id));
    await expect.poll(() => repository.onAirSceneId(), { timeout: 10_000 }).toBe(first.id);

    // A switch for a frame the program never reaches is not stored: what is saved is what the operator put on air.
    const never = host.switchScene(second.id, host.program!.frame + 100_000, { kind: 'cut' });
    expect(never.atFrame).toBe(host.program!.frame + 100_000);
    expect(host.program!.holding('operator')).toBe(String(first.id));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(repository.onAirSceneId()).toBe(first.id);

    const stoppedStatus = await host.stop();
    expect(stoppedStatus.running).toBe(false);
    expect(calls).toEqual(['started', 'stopped']);
    expect(host.program).toBeNull();
  }, 30_000);

  it('falls back to the first scene when the stored on-air scene is gone', async () => {
    repository.setFormat(TINY_FORMAT);
    const blue = repository.createSource('blue', { kind: 'color', color: '#0000ff', width: 160, height: 90 }, { gainDb: 0, muted: false });
    const first = repository.createScene('First', [{ sourceId: blue.id, x: 0, y: 0, opacity: 1, visible: true }]);
    const doomed = repository.createScene('Doomed', []);
    repository.setOnAirSceneId(doomed.id);
    repository.removeScene(doomed.id);
    const host = makeHost({ ffmpegPath: () => ffmpeg });
    await host.start();
    await expect.poll(() => host.program?.stats().onAir, { timeout: 10_000 }).toBe(String(first.id));
    expect(host.status().onAirSceneId).toBe(first.id);
    await host.stop();
  }, 30_000);

  it('edits while running: an audio change keeps the decoder, a config change replaces it, a removal drops it', async () => {
    repository.setFormat(TINY_FORMAT);
    const bars = repository.createSource('bars', { kind: 'test_pattern', toneHz: 1000, width: 160, height: 90 }, { gainDb: 0, muted: false });
    const scene = repository.createScene('Bars', [{ sourceId: bars.id, x: 0, y: 0, opacity: 1, visible: true }]);
    const host = makeHost({ ffmpegPath: () => ffmpeg });
    await host.start();
    const id = String(bars.id);
    await expect.poll(() => host.program?.sourceStatus(id)?.state, { timeout: 10_000 }).toBe('running');
    const firstPid = host.program!.sourceStatus(id)!.pid;
    expect(firstPid).toBeGreaterThan(0);
    expect(host.sourceInfo(bars)).toMatchObject({ state: 'running' });

    const quieter = repository.updateSource(bars.id, { audio: { gainDb: -12, muted: true } });
    await host.sourceChanged(bars, quieter);
    expect(host.program!.sourceStatus(id)!.pid).toBe(firstPid);

    const retuned = repository.updateSource(bars.id, { config: { kind: 'test_pattern', toneHz: 440, width: 160, height: 90 } });
    await host.sourceChanged(quieter, retuned);
    await expect.poll(() => host.program?.sourceStatus(id)?.state, { timeout: 10_000 }).toBe('running');
    expect(host.program!.sourceStatus(id)!.pid).not.toBe(firstPid);
    // The scene showing it was set again with the new source: switching to it still works.
    expect(host.switchScene(scene.id, undefined, { kind: 'cut' })).toEqual({ sceneId: scene.id, atFrame: expect.any(Number) });

    repository.removeSource(bars.id);
    await host.sourceRemoved(bars.id);
    expect(host.program!.sourceStatus(id)).toBeUndefined();
    expect(host.program!.sourceStatuses()).toEqual([]);
    await host.stop();
  }, 30_000);

  it('a source added while running joins the program; one the program refuses rejects and the program runs on', async () => {
    repository.setFormat(TINY_FORMAT);
    const host = makeHost({ ffmpegPath: () => ffmpeg });
    await host.start();
    const bars = repository.createSource('late bars', { kind: 'test_pattern', toneHz: 1000, width: 160, height: 90 }, { gainDb: 0, muted: false });
    await host.sourceAdded(bars);
    await expect.poll(() => host.program?.sourceStatus(String(bars.id))?.state, { timeout: 10_000 }).toBe('running');
    const cam = repository.createSource('cam', { kind: 'rtmp', streamKeyId: 1, width: 160, height: 90, slateText: 'Stand by' }, { gainDb: 0, muted: false });
    await expect(host.sourceAdded(cam)).rejects.toMatchObject({ code: 'NO_LIVE_INPUT' });
    expect(host.program?.running).toBe(true);
    await host.stop();
  }, 30_000);

  it('a stored source the program cannot start (an RTMP source, no ingest) does not keep it off air: it shows failed, its layer is empty, the rest airs', async () => {
    repository.setFormat(TINY_FORMAT);
    const red = repository.createSource('red', { kind: 'color', color: '#ff0000', width: 160, height: 90 }, { gainDb: 0, muted: false });
    const cam = repository.createSource('cam', { kind: 'rtmp', streamKeyId: 1, width: 160, height: 90, slateText: 'Stand by' }, { gainDb: 0, muted: false });
    const scene = repository.createScene('Show', [
      { sourceId: red.id, x: 0, y: 0, opacity: 1, visible: true },
      { sourceId: cam.id, x: 0, y: 0, opacity: 1, visible: true },
    ]);
    const host = makeHost({ ffmpegPath: () => ffmpeg });
    const status = await host.start();
    expect(status.running).toBe(true);
    await expect.poll(() => host.program?.stats().onAir, { timeout: 10_000 }).toBe(String(scene.id));
    expect(host.sourceInfo(cam)).toMatchObject({ state: 'failed', reason: expect.stringMatching(/RTMP|ingest|live/i) });
    expect(host.sourceInfo(red).state).not.toBe('failed');
    // Removing the broken source while on air is fine (the store first, as the handler does), and a stop clears what it showed.
    repository.removeSource(cam.id);
    await host.sourceRemoved(cam.id);
    expect(host.sourceInfo(cam).state).toBeNull();
    await host.stop();
    expect(host.sourceInfo(red).state).toBeNull();
  }, 30_000);

  it('start, a format change and stop asked at once run in that order: the change finds the program running and is refused', async () => {
    repository.setFormat(TINY_FORMAT);
    const host = makeHost({ ffmpegPath: () => ffmpeg });
    const starting = host.start();
    const formatting = host.setFormat({ ...TINY_FORMAT, width: 320 });
    const stopping = host.stop();
    expect((await starting).running).toBe(true);
    await expect(formatting).rejects.toMatchObject({ code: 'RUNNING' });
    expect((await stopping).running).toBe(false);
    expect(host.program).toBeNull();
    expect(repository.format()).toEqual(TINY_FORMAT);
    // Stopped now: the same change is accepted.
    await expect(host.setFormat({ ...TINY_FORMAT, width: 320 })).resolves.toMatchObject({ width: 320 });
  }, 30_000);

  it('a switch the running program refuses (a frame already made) does not change the scene stored for the next start', async () => {
    repository.setFormat(TINY_FORMAT);
    const red = repository.createSource('red', { kind: 'color', color: '#ff0000', width: 160, height: 90 }, { gainDb: 0, muted: false });
    const first = repository.createScene('First', [{ sourceId: red.id, x: 0, y: 0, opacity: 1, visible: true }]);
    const second = repository.createScene('Second', [{ sourceId: red.id, x: 0, y: 0, opacity: 1, visible: true }]);
    repository.setOnAirSceneId(first.id);
    const host = makeHost({ ffmpegPath: () => ffmpeg });
    await host.start();
    await expect.poll(() => host.program?.frame ?? -1, { timeout: 10_000 }).toBeGreaterThan(5);
    expect(() => host.switchScene(second.id, 0, { kind: 'cut' })).toThrow(expect.objectContaining({ code: 'BAD_SWITCH', field: 'atFrame' }));
    expect(repository.onAirSceneId()).toBe(first.id);
    await host.stop();
    expect(host.status().onAirSceneId).toBe(first.id);
  }, 30_000);

  it('while the program closes it is off the host but still airing (a monitor opening its feed then gets the last bytes and an end, not a refusal); after stopped, neither', async () => {
    repository.setFormat(TINY_FORMAT);
    const host = makeHost({ ffmpegPath: () => ffmpeg });
    await host.start();
    const program = host.program;
    if (!program) throw new Error('the program did not start');
    expect(host.airingProgram).toBe(program);
    const duringClose: Array<{ program: unknown; airing: unknown }> = [];
    const close = program.close.bind(program);
    program.close = () => {
      duringClose.push({ program: host.program, airing: host.airingProgram });
      return close();
    };
    let airingAtStopped: unknown = 'not heard';
    host.events.onStopped(() => {
      airingAtStopped = host.airingProgram;
    });
    await host.stop();
    expect(duringClose).toHaveLength(1);
    expect(duringClose[0]?.program).toBeNull();
    expect(duringClose[0]?.airing).toBe(program);
    expect(airingAtStopped).toBeNull();
    expect(host.airingProgram).toBeNull();
  }, 30_000);

  it('lifecycle events: started with the control; stopping runs while frames are still made and the TS still flows, awaited, bounded; then stopped', async () => {
    repository.setFormat(TINY_FORMAT);
    const red = repository.createSource('red', { kind: 'color', color: '#ff0000', width: 160, height: 90 }, { gainDb: 0, muted: false });
    repository.createScene('First', [{ sourceId: red.id, x: 0, y: 0, opacity: 1, visible: true }]);
    let tsBytes = 0;
    const host = makeHost({
      ffmpegPath: () => ffmpeg,
      onTs: (chunk) => {
        tsBytes += chunk.length;
      },
    });
    const heard: string[] = [];
    host.events.onStarted((control) => heard.push(`started at frame ${control.timeline.frame >= 0 ? 'n' : '-1'}`));
    host.events.onStopped(() => heard.push('stopped'));
    // A listener that never settles: the stop waits for it only up to the timeout (5 s by default).
    host.events.onStopping(() => new Promise<void>(() => {}));
    let framesMadeWhileStopping = 0;
    let bytesWhileStopping = 0;
    host.events.onStopping(async (control) => {
      heard.push('stopping');
      expect(host.events.control).toBe(control);
      const bytesBefore = tsBytes;
      const from = control.timeline.frame;
      // The program still makes frames and the encoder still delivers its TS: a break's return can still go out.
      await new Promise<void>((resolve) => {
        const off = control.timeline.onFrame((frame) => {
          if (frame < from + 10) return;
          off();
          resolve();
        });
      });
      framesMadeWhileStopping = control.timeline.frame - from;
      await expect.poll(() => tsBytes > bytesBefore, { timeout: 10_000 }).toBe(true);
      bytesWhileStopping = tsBytes - bytesBefore;
    });
    await host.start();
    expect(host.events.control).not.toBeNull();
    expect((await host.stop()).running).toBe(false);
    expect(heard).toEqual(['started at frame n', 'stopping', 'stopped']);
    expect(framesMadeWhileStopping).toBeGreaterThanOrEqual(10);
    expect(bytesWhileStopping).toBeGreaterThan(0);
    expect(host.events.control).toBeNull();
  }, 30_000);
});

describe('sourceSpec of a text source', () => {
  it('carries font family, alignment and wrap into the rasterizer style; an older row without them keeps the defaults', () => {
    const text = (extra: object): StoredSource => ({
      id: 7,
      name: 'Lower third',
      config: { kind: 'text', text: 'Hello', fontSize: 40, color: '#ffcc00', width: 640, height: 120, ...extra },
      audio: { gainDb: 0, muted: false },
    });
    expect(sourceSpec(text({ fontFamily: 'DejaVu Serif', align: 'right', wrap: true, background: '#000000' }))).toMatchObject({
      kind: 'text',
      style: { fontSize: 40, color: '#ffcc00', background: '#000000', fontFamily: 'DejaVu Serif', align: 'right', wrap: true },
    });
    expect(sourceSpec(text({}))).toHaveProperty('style', { fontSize: 40, color: '#ffcc00' });
  });
});
