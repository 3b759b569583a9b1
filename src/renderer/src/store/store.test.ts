import { describe, expect, it } from 'vitest';
import type { EngineStatus, EventName, EventPayloads, StreamKeySummary } from '../../../shared/contract.ts';
import type { CueState } from '../../../shared/cues.ts';
import type { OutputStatus } from '../../../shared/outputs.ts';
import type { ProgramStatus, SourceInfo } from '../../../shared/program.ts';
import type { ConnectionState, StudioClient } from '../api/client.ts';
import { StudioApiError } from '../api/errors.ts';
import { bindStoreToClient, createStudioStore } from './index.ts';
import { apiAccessSelectors } from './slices/apiAccess.ts';
import { cuesSelectors } from './slices/cues.ts';
import { engineSelectors, formatUptime } from './slices/engine.ts';
import { outputFigures, outputsSelectors, shownOutputState } from './slices/outputs.ts';
import { sourcesSelectors } from './slices/sources.ts';
import { mixerSelectors } from './slices/mixer.ts';
import { streamKeysSelectors } from './slices/streamKeys.ts';

type Handler = (args: Record<string, unknown>) => unknown;

/** A client whose commands are plain functions and whose events and connection the test pushes. */
function fakeClient(handlers: Record<string, Handler>, initial: ConnectionState = 'connecting') {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  const calls: string[] = [];
  let connectionState = initial;
  const client: StudioClient = {
    transport: 'websocket',
    get connectionState() {
      return connectionState;
    },
    call: (async (command: string, args?: Record<string, unknown>) => {
      calls.push(command);
      const handler = handlers[command];
      if (!handler) throw new StudioApiError('UNAVAILABLE', `${command}: not in this test`);
      return handler(args ?? {});
    }) as StudioClient['call'],
    subscribe(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    onConnectionState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    reconnect() {},
    close() {},
  };
  return {
    client,
    calls,
    emit<E extends EventName>(event: E, payload: EventPayloads[E]) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    setConnection(state: ConnectionState) {
      connectionState = state;
      for (const listener of stateListeners) listener(state);
    },
    listenerCount: () => [...listeners.values()].reduce((n, set) => n + set.size, 0) + stateListeners.size,
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function engineStatus(overrides: Partial<EngineStatus> = {}): EngineStatus {
  return {
    version: '1.2.3',
    startedAt: '2026-01-01T00:00:00.000Z',
    uptimeSeconds: 61,
    dataDir: '/data/studio',
    host: 'headless',
    ffmpeg: {
      path: '/usr/bin/ffmpeg',
      source: 'PATH',
      version: '7.1',
      encoders: ['libx264', 'aac'],
      protocols: ['file', 'rtmp'],
      ffprobePath: null,
    },
    ffmpegError: null,
    store: { path: '/data/studio/studio.db', schemaVersion: 1 },
    api: { host: '127.0.0.1', port: 8088, url: 'http://127.0.0.1:8088', tokenRequired: false, token: 'secret-token' },
    ingest: { url: 'rtmp://127.0.0.1:1935/live', running: true, error: null },
    ...overrides,
  };
}

const key = (id: number, name: string): StreamKeySummary => ({
  id,
  name,
  masked: `••••000${id}`,
  createdAt: '2026-01-01T00:00:00.000Z',
});

describe('studio store bound to a client', () => {
  it('loads everything when the connection opens, and again after a reconnect', async () => {
    const fake = fakeClient({
      'system.status': () => engineStatus(),
      'streamKeys.list': () => [key(1, 'Camera')],
      'system.apiAccess': () => engineStatus().api,
    });
    const store = createStudioStore(fake.client);
    bindStoreToClient(store, fake.client);
    expect(fake.calls).toEqual([]);
    expect(store.getState().connection).toBe('connecting');

    fake.setConnection('open');
    await flush();
    expect(fake.calls).toEqual(expect.arrayContaining(['system.status', 'streamKeys.list', 'system.apiAccess']));
    expect(engineSelectors.version(store.getState())).toBe('1.2.3');
    expect(streamKeysSelectors.list(store.getState())).toEqual([key(1, 'Camera')]);

    fake.calls.length = 0;
    fake.setConnection('closed');
    expect(store.getState().connection).toBe('closed');
    fake.setConnection('open');
    await flush();
    expect(fake.calls).toContain('system.status');
  });

  it('takes engine status from the pushed event, keeping the API token out of the store', () => {
    const fake = fakeClient({}, 'closed');
    const store = createStudioStore(fake.client);
    bindStoreToClient(store, fake.client);
    fake.emit('engine.status', engineStatus({ uptimeSeconds: 5 }));
    expect(engineSelectors.uptimeSeconds(store.getState())).toBe(5);
    fake.emit('engine.status', engineStatus({ uptimeSeconds: 6 }));
    expect(engineSelectors.uptimeSeconds(store.getState())).toBe(6);
    expect(JSON.stringify(store.getState())).not.toContain('secret-token');
  });

  it('reports which FFmpeg capabilities are present', () => {
    const fake = fakeClient({}, 'closed');
    const store = createStudioStore(fake.client);
    store.getState().receiveEngineStatus(engineStatus());
    expect(engineSelectors.capabilities(store.getState())).toEqual({ libx264: true, srt: false, rtmp: true });
    store.getState().receiveEngineStatus(engineStatus({ ffmpeg: null, ffmpegError: 'ffmpeg not found' }));
    expect(engineSelectors.capabilities(store.getState())).toEqual({});
    expect(engineSelectors.ffmpegError(store.getState())).toBe('ffmpeg not found');
  });

  it('keeps the API access facts but not the token, which is fetched on demand', async () => {
    const fake = fakeClient({ 'system.apiAccess': () => engineStatus().api });
    const store = createStudioStore(fake.client);
    await store.getState().loadApiAccess();
    expect(apiAccessSelectors.info(store.getState())).toEqual({
      host: '127.0.0.1',
      port: 8088,
      url: 'http://127.0.0.1:8088',
      tokenRequired: false,
      tokenAvailable: true,
    });
    expect(JSON.stringify(store.getState())).not.toContain('secret-token');
    await expect(store.getState().fetchApiToken()).resolves.toBe('secret-token');
  });

  it('tells "no HTTP server" (null) apart from "not loaded yet" (undefined)', async () => {
    const fake = fakeClient({ 'system.apiAccess': () => null });
    const store = createStudioStore(fake.client);
    expect(apiAccessSelectors.loaded(store.getState())).toBe(false);
    await store.getState().loadApiAccess();
    expect(apiAccessSelectors.info(store.getState())).toBeNull();
  });

  it('unbinding drops every subscription', () => {
    const fake = fakeClient({}, 'closed');
    const store = createStudioStore(fake.client);
    const unbind = bindStoreToClient(store, fake.client);
    expect(fake.listenerCount()).toBeGreaterThan(0);
    unbind();
    expect(fake.listenerCount()).toBe(0);
  });
});

describe('stream keys slice', () => {
  it("keeps the engine's field error for the input it names, and clears it", async () => {
    const fake = fakeClient({
      'streamKeys.create': () => {
        throw new StudioApiError('BAD_ARGUMENT', 'must not be empty', 'name');
      },
    });
    const store = createStudioStore(fake.client);
    await expect(store.getState().createStreamKey('  ')).resolves.toBeNull();
    expect(streamKeysSelectors.createFieldError('name')(store.getState())).toBe('must not be empty');
    expect(streamKeysSelectors.creating(store.getState())).toBe(false);
    store.getState().clearStreamKeyCreateError();
    expect(streamKeysSelectors.createError(store.getState())).toBeNull();
  });

  it('lists a created key masked, without its secret, even before the change event', async () => {
    const fake = fakeClient({ 'streamKeys.create': () => ({ ...key(4, 'Cam'), key: 'the-secret' }) });
    const store = createStudioStore(fake.client);
    const created = await store.getState().createStreamKey('Cam');
    expect(created?.key).toBe('the-secret');
    expect(streamKeysSelectors.list(store.getState())).toEqual([key(4, 'Cam')]);
    expect(JSON.stringify(store.getState())).not.toContain('the-secret');
  });

  it('follows streamKeys.changed and drops a removed key', async () => {
    const fake = fakeClient({ 'streamKeys.remove': () => ({ removed: true }) }, 'closed');
    const store = createStudioStore(fake.client);
    bindStoreToClient(store, fake.client);
    fake.emit('streamKeys.changed', [key(1, 'A'), key(2, 'B')]);
    expect(streamKeysSelectors.ids(store.getState())).toEqual([1, 2]);
    expect(streamKeysSelectors.loaded(store.getState())).toBe(true);
    await store.getState().removeStreamKey(1);
    expect(streamKeysSelectors.ids(store.getState())).toEqual([2]);
  });

  it('shows why the list could not load', async () => {
    const fake = fakeClient({});
    const store = createStudioStore(fake.client);
    await store.getState().loadStreamKeys();
    expect(streamKeysSelectors.error(store.getState())).toBe('streamKeys.list: not in this test');
  });
});

describe('formatUptime', () => {
  it('shows hours, minutes and seconds, and days when there are any', () => {
    expect(formatUptime(0)).toBe('0:00:00');
    expect(formatUptime(61)).toBe('0:01:01');
    expect(formatUptime(3 * 86_400 + 4 * 3600 + 5 * 60 + 6)).toBe('3d 4:05:06');
  });
});

describe('cues slice', () => {
  const idle = (overrides: Partial<CueState> = {}): CueState => ({
    phase: 'idle',
    programRunning: true,
    frame: 100,
    fps: 30,
    current: null,
    last: null,
    alertActive: false,
    ...overrides,
  });
  const armed = (frame: number, secondsToSplice: number): CueState =>
    idle({
      phase: 'armed',
      frame,
      current: {
        eventId: 12,
        signalStyle: 'splice_insert',
        splice: { frame: 240, pts: 111600, at: '2026-01-01T00:00:08.000Z' },
        return: { frame: 1140, pts: 192600, at: '2026-01-01T00:00:38.000Z' },
        durationSeconds: 30,
        secondsToSplice,
        secondsLeft: 30,
        progress: 0,
        returningEarly: false,
      },
    });

  it("keeps the engine's refusal of a break, with its message, until the next request is taken", async () => {
    let refuse = true;
    const fake = fakeClient({
      'cues.startBreak': () => {
        if (refuse) throw new StudioApiError('CONFLICT', 'cues.startBreak: break 12 is armed; cancel it first');
        return { eventId: 13 };
      },
    });
    const store = createStudioStore(fake.client);
    await expect(store.getState().startBreak(60, '60 s break')).resolves.toBe(false);
    expect(cuesSelectors.refusal(store.getState())).toMatchObject({
      action: '60 s break',
      code: 'CONFLICT',
      message: 'cues.startBreak: break 12 is armed; cancel it first',
    });
    expect(cuesSelectors.pending(store.getState())).toBeNull();
    refuse = false;
    await expect(store.getState().startBreak(30, '30 s break')).resolves.toBe(true);
    expect(cuesSelectors.refusal(store.getState())).toBeNull();
  });

  it('reloads the as-run log when a break arms or ends, not on every countdown tick', async () => {
    const fake = fakeClient({ 'cues.asRun': () => [] }, 'closed');
    const store = createStudioStore(fake.client);
    bindStoreToClient(store, fake.client);
    fake.emit('cues.state', idle());
    fake.emit('cues.state', armed(110, 4));
    await flush();
    const loads = () => fake.calls.filter((c) => c === 'cues.asRun').length;
    const afterArm = loads();
    expect(afterArm).toBe(2);
    fake.emit('cues.state', armed(116, 3.8));
    fake.emit('cues.state', armed(122, 3.6));
    await flush();
    expect(loads()).toBe(afterArm);
    expect(cuesSelectors.current(store.getState())?.secondsToSplice).toBe(3.6);
    fake.emit('cues.state', idle({ last: { eventId: 12, outcome: 'cancelled', endedAt: '2026-01-01T00:00:05.000Z' } }));
    await flush();
    expect(loads()).toBe(afterArm + 1);
  });

  it('drops a refusal once the program starts or stops, since its reason no longer holds', async () => {
    const fake = fakeClient(
      {
        'cues.startBreak': () => {
          throw new StudioApiError('CONFLICT', 'The program is not running: start it before cueing a break.');
        },
        'cues.asRun': () => [],
      },
      'closed',
    );
    const store = createStudioStore(fake.client);
    bindStoreToClient(store, fake.client);
    fake.emit('cues.state', idle({ programRunning: false }));
    await store.getState().startBreak(30, '30 s break');
    fake.emit('cues.state', idle({ programRunning: false, frame: 101 }));
    expect(cuesSelectors.refusal(store.getState())?.message).toContain('not running');
    fake.emit('cues.state', idle({ programRunning: true }));
    expect(cuesSelectors.refusal(store.getState())).toBeNull();
  });

  it('drops a refusal once the break it spoke of moves on (armed → on air)', async () => {
    const fake = fakeClient(
      {
        'cues.startBreak': () => {
          throw new StudioApiError('CONFLICT', 'Break 12 is armed (splice at frame 240): cancel it before cueing another.');
        },
        'cues.asRun': () => [],
      },
      'closed',
    );
    const store = createStudioStore(fake.client);
    bindStoreToClient(store, fake.client);
    fake.emit('cues.state', armed(110, 4));
    await store.getState().startBreak(60, '60 s break');
    fake.emit('cues.state', armed(116, 3.8));
    expect(cuesSelectors.refusal(store.getState())?.message).toContain('Break 12 is armed');
    fake.emit('cues.state', { ...armed(240, 0), phase: 'onBreak' });
    expect(cuesSelectors.refusal(store.getState())).toBeNull();
  });

  it('counts an alert on air from either event as blocking breaks', () => {
    const fake = fakeClient({}, 'closed');
    const store = createStudioStore(fake.client);
    bindStoreToClient(store, fake.client);
    expect(cuesSelectors.alertActive(store.getState())).toBe(false);
    fake.emit('cues.state', idle({ alertActive: true }));
    expect(cuesSelectors.alertActive(store.getState())).toBe(true);
  });
});

describe('the ingest slice', () => {
  const stream = (streamKeyId: number, bitrateKbps: number) => ({
    streamKeyId,
    streamKeyName: `Key ${streamKeyId}`,
    video: { codec: 'h264', width: 1920, height: 1080, fps: 30 },
    audio: { codec: 'aac', sampleRate: 48_000, channels: 2 },
    bitrateKbps,
    bytesIn: 0,
  });

  it('follows the ingest from its list and pushed events, and claims nothing after a failed reload', async () => {
    let listFails = false;
    const fake = fakeClient({
      'ingest.list': () => {
        if (listFails) throw new StudioApiError('UNAVAILABLE', 'engine restarting');
        return [stream(1, 6000)];
      },
    });
    const store = createStudioStore(fake.client);
    const unbind = bindStoreToClient(store, fake.client);
    fake.setConnection('open');
    await flush();
    expect(store.getState().ingestLoaded).toBe(true);
    expect(store.getState().ingestStreams[1]?.bitrateKbps).toBe(6000);

    fake.emit('ingest.published', stream(2, 0));
    fake.emit('ingest.stats', stream(2, 2500));
    expect(store.getState().ingestStreams[2]?.bitrateKbps).toBe(2500);
    fake.emit('ingest.unpublished', { streamKeyId: 1, streamKeyName: 'Key 1', reason: 'publisher left' });
    expect(Object.keys(store.getState().ingestStreams)).toEqual(['2']);
    fake.emit('ingest.refused', { reason: 'unknown stream key', remoteAddress: '127.0.0.1' });
    expect(store.getState().lastRefusedPublish).toMatchObject({ reason: 'unknown stream key', remoteAddress: '127.0.0.1' });

    // Reconnect: events were missed meanwhile; a failed list must not leave the old publishers shown as live.
    listFails = true;
    fake.setConnection('closed');
    fake.setConnection('open');
    await flush();
    expect(store.getState().ingestLoaded).toBe(false);
    expect(store.getState().ingestStreams).toEqual({});
    expect(store.getState().ingestError).toContain('engine restarting');
    unbind();
  });
});

describe('studio mode and the transition', () => {
  it("switches with the dock's transition in frames at the program's rate, or with a quick transition's own; a refusal is kept", async () => {
    const switches: unknown[] = [];
    const fake = fakeClient({
      'program.switchScene': (args) => {
        if (args.sceneId === 99) throw new StudioApiError('NOT_FOUND', 'scene 99 does not exist', 'sceneId');
        switches.push(args);
        return { sceneId: args.sceneId, atFrame: 120 };
      },
    });
    const store = createStudioStore(fake.client);
    const format = {
      width: 1280,
      height: 720,
      frameRate: '25' as const,
      videoBitrateKbps: 4000,
      gopFrames: 50,
      x264Preset: 'veryfast' as const,
      audioBitrateKbps: 128,
      videoEncoder: 'libx264',
    };
    store.setState({ programFormat: format });
    expect(store.getState().studioMode).toBe(false);
    expect(store.getState().transition).toEqual({ kind: 'fade', durationMs: 300 });

    store.getState().setTransition({ kind: 'fadeToBlack', durationMs: 400 });
    store.getState().setStudioMode(true);
    expect(store.getState().studioMode).toBe(true);
    await expect(store.getState().switchScene(3)).resolves.toBe(true);
    await expect(store.getState().switchScene(4, { kind: 'cut', durationMs: 0 })).resolves.toBe(true);
    expect(switches).toEqual([
      { sceneId: 3, transition: { kind: 'fadeToBlack', frames: 10 } },
      { sceneId: 4, transition: { kind: 'cut' } },
    ]);

    await expect(store.getState().switchScene(99)).resolves.toBe(false);
    expect(store.getState().switchError).toContain('scene 99 does not exist');
  });
});

describe('live state: output figures, sources and the program follow the pushed events', () => {
  const outputStatus = (overrides: Partial<OutputStatus>): OutputStatus => ({
    id: '3',
    kind: 'recording',
    state: 'running',
    reason: undefined,
    bytesIn: 0,
    bytesOut: 0,
    bitrateKbps: 0,
    droppedBytes: 0,
    droppedChunks: 0,
    reconnects: 0,
    lastError: undefined,
    retryInMs: undefined,
    target: '/data/recordings/show.ts',
    since: '2026-01-01T00:00:00.000Z',
    ...overrides,
  });
  const programStatus = (running: boolean): ProgramStatus => ({
    running,
    format: {
      width: 1280,
      height: 720,
      frameRate: '30',
      videoBitrateKbps: 4000,
      gopFrames: 60,
      x264Preset: 'veryfast',
      audioBitrateKbps: 160,
      videoEncoder: 'libx264',
    },
    frame: running ? 90 : -1,
    framesComposed: 0,
    framesRepeated: 0,
    framesDropped: 0,
    dropReasons: { skipped: 0, busy: 0, poolExhausted: 0, failed: 0 },
    encoderRestarts: 0,
    composeMsPerFrame: 0,
    encoder: { fps: null, speed: null, bitrateKbps: null },
    nextIdrFrames: [],
    nextIdrPts: [],
    onAirSceneId: null,
    outputStalls: { stalls: 0, framesSkipped: 0 },
    scte35Pid: null,
    videoEncoders: ['libx264'],
  });
  const sourceStatus = (state: string) => ({ id: '5', kind: 'test_pattern', state, reason: undefined, framesDecoded: 0, framesDropped: 0, restarts: 0 });

  it("an output's figures are the pushed ones, each push replacing the last, without a command", () => {
    const fake = fakeClient({}, 'closed');
    const store = createStudioStore(fake.client);
    const unbind = bindStoreToClient(store, fake.client);
    const figures = () => outputFigures(outputsSelectors.status(3)(store.getState()));
    expect(figures()).toBeNull();
    fake.emit('outputs.status', outputStatus({ bytesOut: 94_000, bitrateKbps: 640 }));
    expect(figures()).toMatchObject({ state: 'running', bytesOut: 94_000, bitrateKbps: 640 });
    fake.emit('outputs.status', outputStatus({ bytesOut: 3_145_728, bitrateKbps: 655.5, reconnects: 1, droppedBytes: 1880 }));
    expect(figures()).toEqual({ state: 'running', bytesOut: 3_145_728, bitrateKbps: 655.5, reconnects: 1, droppedBytes: 1880, recoveredError: null });
    expect(fake.calls).toEqual([]);
    unbind();
  });

  it("a command's answer never puts back a status older than one pushed while it was in flight", async () => {
    const info = (status: OutputStatus) => ({
      id: 3,
      name: 'Archive',
      settings: { kind: 'recording' as const, name: 'Archive', folder: '/data/recordings', fileNamePattern: 'show.ts' },
      status,
    });
    let fake!: ReturnType<typeof fakeClient>;
    fake = fakeClient(
      {
        // The engine pushes "starting" then, the file open, "running" over the socket; the answer (taken at "starting") lands last.
        'outputs.start': () => {
          fake.emit('outputs.status', outputStatus({ state: 'starting' }));
          fake.emit('outputs.status', outputStatus({ state: 'running' }));
          return info(outputStatus({ state: 'starting' }));
        },
        'outputs.stop': () => info(outputStatus({ state: 'stopped' })),
        'outputs.list': () => [info(outputStatus({ state: 'stopped' }))],
      },
      'closed',
    );
    const store = createStudioStore(fake.client);
    const unbind = bindStoreToClient(store, fake.client);
    await store.getState().loadOutputs();
    await store.getState().startOutput(3);
    expect(outputsSelectors.status(3)(store.getState())?.state).toBe('running');
    expect(outputsSelectors.byId(3)(store.getState())?.name).toBe('Archive');
    // With no push in flight, the answer is the newest word.
    await store.getState().stopOutput(3);
    expect(outputsSelectors.status(3)(store.getState())?.state).toBe('stopped');
    unbind();
  });

  it('a stopped, idle or failed output shows no rate (its last status still carries the rate of its last seconds); the bytes it sent stay', () => {
    for (const state of ['stopped', 'idle', 'failed'] as const) {
      expect(outputFigures(outputStatus({ state, bytesOut: 3_000_000, bitrateKbps: 650 }))).toMatchObject({ state, bytesOut: 3_000_000, bitrateKbps: null });
    }
    for (const state of ['starting', 'running', 'backoff'] as const) {
      expect(outputFigures(outputStatus({ state, bitrateKbps: 650 }))?.bitrateKbps).toBe(650);
    }
  });

  it('an output that runs while the program is off air is shown ready, not running; other states as they are', () => {
    expect(shownOutputState('running', false)).toBe('ready');
    expect(shownOutputState('running', true)).toBe('running');
    for (const state of ['idle', 'starting', 'backoff', 'failed', 'stopped'] as const) {
      expect(shownOutputState(state, false)).toBe(state);
      expect(shownOutputState(state, true)).toBe(state);
    }
  });

  it('the last error shows once recovered; while failing or retrying the reason says it', () => {
    expect(outputFigures(outputStatus({ state: 'running', lastError: 'connection lost' }))?.recoveredError).toBe('connection lost');
    expect(outputFigures(outputStatus({ state: 'backoff', reason: 'connection lost', lastError: 'connection lost' }))?.recoveredError).toBeNull();
    expect(outputFigures(outputStatus({ state: 'running' }))?.recoveredError).toBeNull();
  });

  it('a source shows no decoder state once the program stops, even when a push arrives late; the next run shows its own', () => {
    const fake = fakeClient({}, 'closed');
    const store = createStudioStore(fake.client);
    const unbind = bindStoreToClient(store, fake.client);
    const live = () => sourcesSelectors.liveState(5)(store.getState())?.state ?? null;
    fake.emit('program.status', programStatus(true));
    fake.emit('source.status', sourceStatus('running'));
    expect(live()).toBe('running');
    fake.emit('program.status', programStatus(false));
    expect(live()).toBeNull();
    fake.emit('source.status', sourceStatus('running')); // the decoder's last word, after the stop
    expect(live()).toBeNull();
    fake.emit('program.status', programStatus(true));
    fake.emit('source.status', sourceStatus('starting'));
    expect(live()).toBe('starting');
    unbind();
  });

  it("a source command's answer leaves the other sources' pushed states alone, and its own when a push came while in flight", async () => {
    const source = (id: number, state: string | null): SourceInfo => ({
      id,
      name: `Source ${id}`,
      config: { kind: 'test_pattern', toneHz: 1000, width: 320, height: 180 },
      audio: { gainDb: 0, muted: false },
      state,
      reason: null,
    });
    let fake!: ReturnType<typeof fakeClient>;
    fake = fakeClient(
      {
        // Listed while the decoders were starting; they run by the time the gain changes.
        'sources.list': () => [source(5, 'starting'), source(6, 'starting')],
        'sources.update': () => {
          fake.emit('source.status', { ...sourceStatus('running'), id: '5' });
          return { ...source(5, 'starting'), audio: { gainDb: -6, muted: false } };
        },
        'sources.remove': () => ({ removed: true }),
      },
      'closed',
    );
    const store = createStudioStore(fake.client);
    const unbind = bindStoreToClient(store, fake.client);
    fake.emit('program.status', programStatus(true));
    await store.getState().loadSources();
    fake.emit('source.status', { ...sourceStatus('running'), id: '6' });
    const live = (id: number) => sourcesSelectors.liveState(id)(store.getState())?.state ?? null;
    expect([live(5), live(6)]).toEqual(['starting', 'running']);
    await store.getState().setSourceAudio(5, { gainDb: -6, muted: false });
    expect(sourcesSelectors.byId(5)(store.getState())?.audio.gainDb).toBe(-6);
    expect([live(5), live(6)]).toEqual(['running', 'running']);
    await store.getState().removeSource(5);
    expect(sourcesSelectors.ids(store.getState())).toEqual([6]);
    expect(live(6)).toBe('running');
    unbind();
  });

  it('meters show no level once the program stops, though the last reading is still held', () => {
    const fake = fakeClient({}, 'closed');
    const store = createStudioStore(fake.client);
    const unbind = bindStoreToClient(store, fake.client);
    fake.emit('program.status', programStatus(true));
    store.setState({ meters: { master: { peakDbfs: [-12, -14], rmsDbfs: [-20, -22] }, sources: { '5': { peakDbfs: [-9], rmsDbfs: [-18] } } } });
    expect(mixerSelectors.reading('master')(store.getState())?.peakDbfs).toEqual([-12, -14]);
    expect(mixerSelectors.reading(5)(store.getState())?.peakDbfs).toEqual([-9]);
    fake.emit('program.status', programStatus(false));
    expect(mixerSelectors.reading('master')(store.getState())).toBeNull();
    expect(mixerSelectors.reading(5)(store.getState())).toBeNull();
    unbind();
  });
});
