// The command handlers through a real Engine: a real SQLite file in a temporary data dir, no RTMP
// ingest, the machine's ffmpeg (and a second engine with none). Each command's effect, its event,
// and its refusals as envelopes with the HTTP status a client sees.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpStatusOf, type CommandEnvelope, type CommandError, type EventName } from '../../../shared/contract.ts';
import { Logger } from '../log.ts';
import { Engine } from './engine.ts';

const trusted = { trusted: true };
let work: string;
let engine: Engine;
let noFfmpeg: Engine;
const logLines: string[] = [];
const events: Array<{ event: EventName; payload: unknown }> = [];

// biome-ignore lint/suspicious/noExplicitAny: a result of any command; each test reads the fields it checks
async function ok<T = any>(command: string, args: unknown = {}, on = engine): Promise<T> {
  const envelope = await on.dispatch(command, args, trusted);
  if (!('result' in envelope)) throw new Error(`${command} failed: ${JSON.stringify(envelope.error)}`);
  return envelope.result as T;
}

async function refused(command: string, args: unknown = {}, on = engine): Promise<CommandError & { status: number }> {
  const envelope: CommandEnvelope = await on.dispatch(command, args, trusted);
  if (!('error' in envelope)) throw new Error(`${command} succeeded: ${JSON.stringify(envelope.result)}`);
  return { ...envelope.error, status: httpStatusOf[envelope.error.code] };
}

function eventsNamed(name: EventName): unknown[] {
  return events.filter((entry) => entry.event === name).map((entry) => entry.payload);
}

const SPLICE_NULL_HEX = 'FC301100000000000000FFF0000000007A4FBFFF';
const color = (name: string, hex = '#336699') => ({ name, config: { kind: 'color', color: hex, width: 64, height: 36 } });

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'handlers-test-'));
  const log = new Logger({ sink: (line) => logLines.push(line), level: 'debug' });
  engine = await Engine.create({ dataDir: path.join(work, 'data'), version: 'test', host: 'headless', log, rtmp: null, statusIntervalMs: 60_000 });
  engine.events.subscribeAll((event, payload) => events.push({ event, payload }));
  noFfmpeg = await Engine.create({
    dataDir: path.join(work, 'data-no-ffmpeg'),
    version: 'test',
    host: 'headless',
    log: new Logger({ sink: () => {} }),
    rtmp: null,
    ffmpeg: { env: { PATH: '' }, bundledFfmpeg: () => null, bundledFfprobe: () => null },
  });
}, 30_000);

afterAll(async () => {
  await engine?.close();
  await noFfmpeg?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('system', () => {
  it('the API token goes only to a trusted caller: never to an untrusted one, never in system.status, never in the log', async () => {
    const token = 'api-token-0123456789abcdef';
    expect(await ok('system.apiAccess')).toBeNull();
    engine.setApiAccess({ host: '127.0.0.1', port: 4321, url: 'http://127.0.0.1:4321', tokenRequired: true }, token);
    expect(await ok('system.apiAccess')).toMatchObject({ port: 4321, tokenRequired: true, token });
    const untrusted = await engine.dispatch('system.apiAccess', {}, { trusted: false });
    expect(untrusted).toEqual({ result: expect.objectContaining({ port: 4321, token: null }) });
    expect(JSON.stringify(await ok('system.status'))).not.toContain(token);
    engine.log.info(`Authorization: Bearer ${token}`);
    expect(logLines.join('\n')).not.toContain(token);
  });

  it('system.health says which ffmpeg runs', async () => {
    const health = await ok('system.health');
    expect(health).toMatchObject({ version: 'test', ffmpeg: { path: expect.stringContaining('ffmpeg') } });
  });
});

describe('settings', () => {
  it('settings.set stores the value, answers every setting and pushes settings.changed with them', async () => {
    const all = await ok('settings.set', { key: 'studio.name', value: 'Studio A' });
    expect(all['studio.name']).toBe('Studio A');
    expect(await ok('settings.list')).toEqual(all);
    expect(eventsNamed('settings.changed').at(-1)).toEqual(all);
  });

  it('refuses a retention setting out of its bounds, naming the value (400)', async () => {
    const error = await refused('settings.set', { key: 'retention.analyticsDays', value: 0 });
    expect(error).toMatchObject({ code: 'BAD_ARGUMENT', field: 'value', status: 400 });
  });
});

describe('stream keys', () => {
  it('creates a key whose secret never reaches the log, lists it without the secret, and reveals it', async () => {
    const created = await ok('streamKeys.create', { name: 'camera 1' });
    expect(created.key.length).toBeGreaterThanOrEqual(16);
    engine.log.info(`somebody logs ${created.key} by mistake`);
    expect(logLines.some((line) => line.includes('somebody logs [redacted]'))).toBe(true);
    expect(logLines.join('\n')).not.toContain(created.key);

    const listed = await ok<Array<Record<string, unknown>>>('streamKeys.list');
    const entry = listed.find((key) => key.id === created.id)!;
    expect(entry.name).toBe('camera 1');
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(JSON.stringify(eventsNamed('streamKeys.changed').at(-1))).not.toContain(created.key);
    expect((await ok('streamKeys.reveal', { id: created.id })).key).toBe(created.key);
  });

  it('removes a key once; removing it again, or a key that never was, is NOT_FOUND (404) naming the id', async () => {
    const created = await ok('streamKeys.create', { name: 'camera 2' });
    expect(await ok('streamKeys.remove', { id: created.id })).toEqual({ removed: true });
    expect(await refused('streamKeys.remove', { id: created.id })).toMatchObject({ code: 'NOT_FOUND', field: 'id', status: 404 });
    expect(await refused('streamKeys.reveal', { id: 99_999 })).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });
});

describe('sources', () => {
  it('creates a colour source: stored, pushed with sources.changed, no decoder state while stopped', async () => {
    const created = await ok('sources.create', color('blue'));
    expect(created).toMatchObject({ name: 'blue', config: { kind: 'color', color: '#336699' }, audio: { gainDb: 0, muted: false }, state: null, reason: null });
    const listed = await ok<Array<{ id: number }>>('sources.list');
    expect(listed.map((source) => source.id)).toContain(created.id);
    expect(eventsNamed('sources.changed').at(-1)).toEqual(listed);
  });

  it('refuses a second source with the same name (409, field name)', async () => {
    await ok('sources.create', color('twin'));
    expect(await refused('sources.create', color('twin'))).toMatchObject({ code: 'CONFLICT', field: 'name', status: 409 });
  });

  it('refuses a media or image path that does not exist, is a folder, or cannot be read (400, field config.path), storing nothing', async () => {
    const before = (await ok<unknown[]>('sources.list')).length;
    const missing = await refused('sources.create', { name: 'gone', config: { kind: 'media', path: path.join(work, 'no-such.mp4'), width: 64, height: 36 } });
    expect(missing).toMatchObject({ code: 'BAD_ARGUMENT', field: 'config.path', status: 400 });
    expect(missing.message).toContain('does not exist');

    const folder = path.join(work, 'a-folder');
    mkdirSync(folder, { recursive: true });
    const notFile = await refused('sources.create', { name: 'folder', config: { kind: 'image', path: folder, width: 64, height: 36 } });
    expect(notFile).toMatchObject({ code: 'BAD_ARGUMENT', field: 'config.path' });
    expect(notFile.message).toContain('is not a file');

    if (process.getuid?.() !== 0) {
      const unreadable = path.join(work, 'unreadable.png');
      writeFileSync(unreadable, 'x', { mode: 0o000 });
      expect(await refused('sources.create', { name: 'locked', config: { kind: 'image', path: unreadable, width: 64, height: 36 } })).toMatchObject({
        field: 'config.path',
      });
    }
    expect(await ok<unknown[]>('sources.list')).toHaveLength(before);
  });

  it('refuses an RTMP source naming a stream key that does not exist (400, field config.streamKeyId), and accepts one that does', async () => {
    const refusal = await refused('sources.create', { name: 'cam', config: { kind: 'rtmp', streamKeyId: 4242, width: 64, height: 36 } });
    expect(refusal).toMatchObject({ code: 'BAD_ARGUMENT', field: 'config.streamKeyId', status: 400 });
    const key = await ok('streamKeys.create', { name: 'for a source' });
    const created = await ok('sources.create', { name: 'cam', config: { kind: 'rtmp', streamKeyId: key.id, width: 64, height: 36 } });
    expect(created.config).toMatchObject({ kind: 'rtmp', streamKeyId: key.id, slateText: 'Stand by' });
    // An update that points it at a key that is gone is refused the same way, and changes nothing.
    expect(await refused('sources.update', { id: created.id, config: { kind: 'rtmp', streamKeyId: 4243, width: 64, height: 36 } })).toMatchObject({
      field: 'config.streamKeyId',
    });
    expect((await ok<Array<{ id: number; config: unknown }>>('sources.list')).find((source) => source.id === created.id)!.config).toMatchObject({
      streamKeyId: key.id,
    });
  });

  it('updates name, config and audio; an unknown id is NOT_FOUND (404)', async () => {
    const created = await ok('sources.create', color('to edit'));
    const updated = await ok('sources.update', { id: created.id, name: 'edited', audio: { gainDb: -6, muted: true } });
    expect(updated).toMatchObject({ id: created.id, name: 'edited', audio: { gainDb: -6, muted: true }, config: { color: '#336699' } });
    expect(await refused('sources.update', { id: 77_777, name: 'x' })).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('removing a source removes its layers from every scene and pushes both sources.changed and scenes.changed', async () => {
    const kept = await ok('sources.create', color('kept'));
    const doomed = await ok('sources.create', color('doomed'));
    const scene = await ok('scenes.create', { name: 'with doomed', layers: [{ sourceId: kept.id }, { sourceId: doomed.id, x: 10 }] });
    expect(scene.layers).toHaveLength(2);
    const scenesEventsBefore = eventsNamed('scenes.changed').length;
    expect(await ok('sources.remove', { id: doomed.id })).toEqual({ removed: true });
    const after = (await ok<Array<{ id: number; layers: Array<{ sourceId: number }> }>>('scenes.list')).find((s) => s.id === scene.id)!;
    expect(after.layers.map((layer) => layer.sourceId)).toEqual([kept.id]);
    expect(eventsNamed('scenes.changed').length).toBe(scenesEventsBefore + 1);
    expect(await refused('sources.remove', { id: doomed.id })).toMatchObject({ code: 'NOT_FOUND', field: 'id', status: 404 });
  });
});

describe('scenes', () => {
  it('creates, updates and removes a scene, each pushing scenes.changed; unknown ids are NOT_FOUND (404)', async () => {
    const source = await ok('sources.create', color('scene base'));
    const created = await ok('scenes.create', { name: 'Main', layers: [{ sourceId: source.id }] });
    expect(created.layers).toEqual([expect.objectContaining({ sourceId: source.id, x: 0, y: 0, opacity: 1, visible: true })]);
    expect(eventsNamed('scenes.changed').at(-1)).toEqual(await ok('scenes.list'));
    const renamed = await ok('scenes.update', { id: created.id, name: 'Main 2' });
    expect(renamed).toMatchObject({ name: 'Main 2', layers: [expect.objectContaining({ sourceId: source.id })] });
    expect(await ok('scenes.remove', { id: created.id })).toEqual({ removed: true });
    expect(await refused('scenes.remove', { id: created.id })).toMatchObject({ code: 'NOT_FOUND', field: 'id', status: 404 });
    expect(await refused('scenes.update', { id: created.id, name: 'again' })).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('refuses a duplicate scene name (409, field name)', async () => {
    await ok('scenes.create', { name: 'Dup' });
    expect(await refused('scenes.create', { name: 'Dup' })).toMatchObject({ code: 'CONFLICT', field: 'name', status: 409 });
  });
});

describe('program while stopped', () => {
  it('switchScene stores the scene to put on air and answers no frame; program.status shows it', async () => {
    const scene = await ok('scenes.create', { name: 'Next up' });
    expect(await ok('program.switchScene', { sceneId: scene.id })).toEqual({ sceneId: scene.id, atFrame: null });
    const status = await ok('program.status');
    expect(status).toMatchObject({ running: false, onAirSceneId: scene.id, frame: -1, nextIdrFrames: [], nextIdrPts: [] });
    expect(await refused('program.switchScene', { sceneId: 55_555 })).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect((await ok('program.status')).onAirSceneId).toBe(scene.id);
  });

  it('ptsOfFrame and scte35.inject are refused with CONFLICT (409) until the program runs', async () => {
    expect(await refused('program.ptsOfFrame', { frame: 10 })).toMatchObject({ code: 'CONFLICT', status: 409 });
    const inject = await refused('scte35.inject', { section: SPLICE_NULL_HEX });
    expect(inject).toMatchObject({ code: 'CONFLICT', status: 409 });
    expect(inject.message).toContain('not running');
  });

  it('setFormat refuses an encoder this machine cannot use (400, field videoEncoder) and stores a usable one', async () => {
    const format = await ok('program.getFormat');
    const refusal = await refused('program.setFormat', { ...format, videoEncoder: 'h264_imaginary' });
    expect(refusal).toMatchObject({ code: 'BAD_ARGUMENT', field: 'videoEncoder', status: 400 });
    expect(refusal.message).toContain('libx264');
    const stored = await ok('program.setFormat', { ...format, width: 320, height: 180, frameRate: '25' });
    expect(await ok('program.getFormat')).toEqual(stored);
    expect((await ok('program.status')).format).toMatchObject({ width: 320, height: 180, frameRate: '25' });
  });

  it('without ffmpeg: health says why, program.start is refused (409) and nothing runs; edits still work', async () => {
    expect(noFfmpeg.health()).toMatchObject({ ok: false, ffmpeg: null });
    expect(noFfmpeg.health().problems[0]).toContain('No usable ffmpeg');
    const refusal = await refused('program.start', {}, noFfmpeg);
    expect(refusal).toMatchObject({ code: 'CONFLICT', status: 409 });
    expect(refusal.message).toContain('ffmpeg');
    expect((await ok('program.status', {}, noFfmpeg)).running).toBe(false);
    expect((await ok('program.status', {}, noFfmpeg)).videoEncoders).toEqual([]);
    const source = await ok('sources.create', color('offline'), noFfmpeg);
    expect(source.state).toBeNull();
  });
});

describe('outputs', () => {
  it('creates, lists, updates and removes a recording output, pushing outputs.changed; unknown ids are NOT_FOUND (404)', async () => {
    const folder = path.join(work, 'recordings');
    mkdirSync(folder, { recursive: true });
    const created = await ok('outputs.create', { settings: { kind: 'recording', name: 'Archive', folder } });
    expect(created).toMatchObject({ name: 'Archive', settings: { kind: 'recording', folder, fileNamePattern: 'program-%Y%m%d-%H%M%S.ts' }, status: null });
    expect(eventsNamed('outputs.changed').at(-1)).toEqual(await ok('outputs.list'));
    const updated = await ok('outputs.update', {
      id: created.id,
      settings: { kind: 'recording', name: 'Archive 2', folder, fileNamePattern: 'show-%H%M%S.ts' },
    });
    expect(updated).toMatchObject({ id: created.id, name: 'Archive 2', settings: { fileNamePattern: 'show-%H%M%S.ts' } });
    expect(await ok('outputs.remove', { id: created.id })).toEqual({ removed: true });
    expect(await refused('outputs.remove', { id: created.id })).toMatchObject({ code: 'NOT_FOUND', field: 'id', status: 404 });
    expect(await refused('outputs.start', { id: created.id })).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(await refused('outputs.update', { id: created.id, settings: { kind: 'recording', name: 'x', folder } })).toMatchObject({
      code: 'NOT_FOUND',
      status: 404,
    });
  });

  it("an RTMP output's stream key is a secret: never in the list, the event, or the log", async () => {
    const streamKey = 'live_output_secret_12345';
    const created = await ok('outputs.create', { settings: { kind: 'rtmp', name: 'Platform', url: 'rtmp://127.0.0.1:1/live', streamKey } });
    engine.log.warn(`pushing to rtmp://127.0.0.1:1/live/${streamKey}`);
    expect(logLines.join('\n')).not.toContain(streamKey);
    expect(JSON.stringify(await ok('outputs.list'))).not.toContain(streamKey);
    expect(JSON.stringify(eventsNamed('outputs.changed'))).not.toContain(streamKey);
    await ok('outputs.remove', { id: created.id });
  });

  it('an edit keeps a secret it never saw (keepSecret), changes or removes it when told, and refuses a required one left out without keepSecret', async () => {
    const passphrase = 'first secret phrase';
    const srt = await ok('outputs.create', {
      settings: { kind: 'srt', name: 'Distributor', url: 'srt://127.0.0.1:9', passphrase, pbkeylen: 32 },
    });
    const storedSecretOf = (id: number) => engine.repositories.outputs.get(id).settings;
    const kept = await ok('outputs.update', {
      id: srt.id,
      keepSecret: true,
      settings: { kind: 'srt', name: 'Distributor', url: 'srt://127.0.0.1:10', latencyMs: 400, pbkeylen: 32 },
    });
    expect(kept.settings).toMatchObject({ url: 'srt://127.0.0.1:10', latencyMs: 400, pbkeylen: 32, passphraseSet: true });
    expect(storedSecretOf(srt.id)).toMatchObject({ passphrase });
    await ok('outputs.update', { id: srt.id, keepSecret: true, settings: { kind: 'srt', url: 'srt://127.0.0.1:10', passphrase: 'second secret phrase' } });
    expect(storedSecretOf(srt.id)).toMatchObject({ passphrase: 'second secret phrase' });
    const removed = await ok('outputs.update', { id: srt.id, settings: { kind: 'srt', url: 'srt://127.0.0.1:10' } });
    expect(removed.settings).toMatchObject({ passphraseSet: false });
    expect(storedSecretOf(srt.id)).not.toHaveProperty('passphrase');
    // Nothing to keep: a key length alone is refused, naming it.
    expect(await refused('outputs.update', { id: srt.id, keepSecret: true, settings: { kind: 'srt', url: 'srt://127.0.0.1:10', pbkeylen: 16 } })).toMatchObject(
      { code: 'BAD_ARGUMENT', field: 'settings.pbkeylen', status: 400 },
    );

    const rtmp = await ok('outputs.create', { settings: { kind: 'rtmp', name: 'Platform 2', url: 'rtmp://127.0.0.1:1/live', streamKey: 'sk_keep_me_1234' } });
    const renamed = await ok('outputs.update', {
      id: rtmp.id,
      keepSecret: true,
      settings: { kind: 'rtmp', name: 'Platform B', url: 'rtmp://127.0.0.1:2/app' },
    });
    expect(renamed).toMatchObject({ name: 'Platform B', settings: { url: 'rtmp://127.0.0.1:2/app', streamKeySet: true } });
    expect(storedSecretOf(rtmp.id)).toMatchObject({ streamKey: 'sk_keep_me_1234' });
    expect(JSON.stringify(renamed)).not.toContain('sk_keep_me_1234');
    expect(await refused('outputs.update', { id: rtmp.id, settings: { kind: 'rtmp', url: 'rtmp://127.0.0.1:2/app' } })).toMatchObject({
      code: 'BAD_ARGUMENT',
      field: 'settings.streamKey',
      status: 400,
    });
    await ok('outputs.remove', { id: srt.id });
    await ok('outputs.remove', { id: rtmp.id });
  });

  it('refuses bad output settings naming the field (400)', async () => {
    expect(await refused('outputs.create', { settings: { kind: 'recording', name: 'rel', folder: 'relative/dir' } })).toMatchObject({
      code: 'BAD_ARGUMENT',
      field: 'settings.folder',
      status: 400,
    });
    expect(await refused('outputs.create', { settings: { kind: 'carrier-pigeon', name: 'x' } })).toMatchObject({ code: 'BAD_ARGUMENT', status: 400 });
  });
});

describe('scte35 without a program', () => {
  it('decode answers a section and its hex; a malformed one names the argument (400, field section)', async () => {
    const decoded = await ok('scte35.decode', { section: SPLICE_NULL_HEX });
    expect(decoded.hex).toBe(SPLICE_NULL_HEX.toLowerCase());
    expect(decoded.section).toMatchObject({ table_id: 252 });
    expect(await refused('scte35.decode', { section: 'zz-not-a-section' })).toMatchObject({ code: 'BAD_ARGUMENT', field: 'section', status: 400 });
  });

  it('encode refuses a section the codec cannot build, naming the argument and the codec field (400)', async () => {
    const refusal = await refused('scte35.encode', { section: { table_id: 1 } });
    expect(refusal).toMatchObject({ code: 'BAD_ARGUMENT', field: 'section', status: 400 });
    expect(refusal.message).toContain('table_id');
  });
});

describe('program running (a fresh engine, ffmpeg at 160x90)', () => {
  let live: Engine;
  const liveEvents: Array<{ event: EventName; payload: unknown }> = [];

  beforeAll(async () => {
    live = await Engine.create({
      dataDir: path.join(work, 'data-running'),
      version: 'test',
      host: 'headless',
      log: new Logger({ sink: () => {} }),
      rtmp: null,
      statusIntervalMs: 60_000,
    });
    live.events.subscribeAll((event, payload) => liveEvents.push({ event, payload }));
    await ok(
      'program.setFormat',
      { width: 160, height: 90, frameRate: '25', videoBitrateKbps: 300, gopFrames: 25, x264Preset: 'ultrafast', audioBitrateKbps: 64, videoEncoder: 'libx264' },
      live,
    );
    const red = await ok('sources.create', { name: 'red', config: { kind: 'color', color: '#ff0000', width: 160, height: 90 } }, live);
    await ok('scenes.create', { name: 'Main', layers: [{ sourceId: red.id }] }, live);
  }, 30_000);

  afterAll(async () => {
    await live?.close();
  });

  it('start answers a running status, pushes it, and brings the preview output up', async () => {
    const status = await ok('program.start', {}, live);
    expect(status).toMatchObject({ running: true, format: { width: 160, height: 90 } });
    expect(liveEvents.filter((entry) => entry.event === 'program.status').at(-1)?.payload).toMatchObject({ running: true });
    const outputs = await ok<Array<{ id: string; state: string }>>('outputs.status', {}, live);
    expect(outputs.find((output) => output.id === 'program')?.state).toMatch(/starting|running/);
    // A second start finds it running: the same program.
    const program = live.programHost.program;
    expect((await ok('program.start', {}, live)).running).toBe(true);
    expect(live.programHost.program).toBe(program);
  }, 20_000);

  it('refuses a format change while running (409, field format), and keeps the stored format', async () => {
    const format = await ok('program.getFormat', {}, live);
    expect(await refused('program.setFormat', { ...format, width: 320 }, live)).toMatchObject({ code: 'CONFLICT', field: 'format', status: 409 });
    expect((await ok('program.getFormat', {}, live)).width).toBe(160);
  });

  it('answers frame PTS once video is out, and queues a cue that is then logged and pushed as sent', async () => {
    await expect.poll(async () => (await ok('program.ptsOfFrame', { frame: 50 }, live)).pts, { timeout: 10_000 }).not.toBeNull();
    const { pts } = await ok('program.ptsOfFrame', { frame: 50 }, live);
    expect((await ok('program.ptsOfFrame', { frame: 51 }, live)).pts - pts).toBe(3600);
    const injected = await ok('scte35.inject', { section: SPLICE_NULL_HEX }, live);
    expect(injected.hex).toBe(SPLICE_NULL_HEX.toLowerCase());
    await expect.poll(() => liveEvents.some((entry) => entry.event === 'scte35.sent'), { timeout: 10_000 }).toBe(true);
    expect(await ok<unknown[]>('scte35.log', {}, live)).not.toHaveLength(0);
    expect(await refused('scte35.inject', { section: 'FC30' }, live)).toMatchObject({ code: 'BAD_ARGUMENT', field: 'section', status: 400 });
  }, 20_000);

  it('a source the running program refuses (RTMP with no ingest) is not stored: 503, and the list is as before', async () => {
    const key = await ok('streamKeys.create', { name: 'cam key' }, live);
    const before = await ok<Array<{ id: number }>>('sources.list', {}, live);
    const refusal = await refused('sources.create', { name: 'cam', config: { kind: 'rtmp', streamKeyId: key.id, width: 160, height: 90 } }, live);
    expect(refusal).toMatchObject({ code: 'UNAVAILABLE', status: 503 });
    expect(await ok('sources.list', {}, live)).toEqual(before);
    expect(live.programHost.program?.running).toBe(true);
  });

  it('an update the running program refuses (a file that is no picture) changes nothing: stored as before, and the program restarts', async () => {
    const notAPicture = path.join(work, 'notes.txt');
    writeFileSync(notAPicture, 'not an image');
    const swap = await ok('sources.create', { name: 'swap', config: { kind: 'color', color: '#00ff00', width: 160, height: 90 } }, live);
    const refusal = await refused('sources.update', { id: swap.id, config: { kind: 'image', path: notAPicture, width: 160, height: 90 } }, live);
    expect(refusal).toMatchObject({ code: 'BAD_ARGUMENT', status: 400 });
    const stored = (await ok<Array<{ id: number; config: unknown }>>('sources.list', {}, live)).find((source) => source.id === swap.id)!;
    expect(stored.config).toMatchObject({ kind: 'color', color: '#00ff00' });
    // The program still has the source: a scene showing it is accepted.
    await ok('scenes.create', { name: 'Swap', layers: [{ sourceId: swap.id }] }, live);
    await ok('program.stop', {}, live);
    expect((await ok('program.start', {}, live)).running).toBe(true);
  }, 30_000);

  it('stop answers a stopped status and stops the preview', async () => {
    const status = await ok('program.stop', {}, live);
    expect(status.running).toBe(false);
    expect(live.programHost.program).toBeNull();
    const outputs = await ok<Array<{ id: string; state: string }>>('outputs.status', {}, live);
    expect(outputs.find((output) => output.id === 'program')?.state).toBe('stopped');
    expect(await refused('program.ptsOfFrame', { frame: 1 }, live)).toMatchObject({ code: 'CONFLICT' });
  }, 20_000);
});

describe('audio master', () => {
  it('audio.setMaster stores the master fader, pushes audio.master, and audio.getMaster answers it; out of range is 400 naming gainDb', async () => {
    expect(await ok('audio.getMaster')).toEqual({ gainDb: 0, muted: false });
    expect(await ok('audio.setMaster', { gainDb: -6.5, muted: true })).toEqual({ gainDb: -6.5, muted: true });
    expect(eventsNamed('audio.master').at(-1)).toEqual({ gainDb: -6.5, muted: true });
    expect(await ok('audio.getMaster')).toEqual({ gainDb: -6.5, muted: true });
    expect(await refused('audio.setMaster', { gainDb: 25, muted: false })).toMatchObject({ code: 'BAD_ARGUMENT', field: 'gainDb', status: 400 });
    expect(await ok('audio.getMaster')).toEqual({ gainDb: -6.5, muted: true });
  });
});
