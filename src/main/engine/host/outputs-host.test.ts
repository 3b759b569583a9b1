// OutputsHost: the stored outputs and the built-in preview, through the one lifecycle queue.
// Real parts: a SQLite store in a temp dir, real recording and HLS outputs writing real files,
// fed with a one-second MPEG-TS the machine's ffmpeg makes once.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { outputSettings, type OutputSettingsInput, type OutputStatus } from '../../../shared/outputs.ts';
import { resolveFfmpegBinaries } from '../encoder/ffmpeg-binaries.ts';
import { Logger } from '../log.ts';
import { openStore, type Store } from '../store/database.ts';
import { OutputsRepository } from '../store/outputs-repository.ts';
import { LifecycleQueue } from './lifecycle-queue.ts';
import { FIGURES_INTERVAL_MS, OutputsHost, PREVIEW_OUTPUT_ID } from './outputs-host.ts';

const ffmpeg = resolveFfmpegBinaries().ffmpeg.path;
let work: string;
let ts: Buffer;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'outputs-host-test-'));
  const file = path.join(work, 'input.ts');
  const made = spawnSync(ffmpeg, [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=160x90:rate=10',
    '-t',
    '1',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-f',
    'mpegts',
    file,
  ]);
  if (made.status !== 0) throw new Error(`ffmpeg could not make the test TS: ${made.stderr.toString()}`);
  ts = readFileSync(file);
  expect(ts.length % 188).toBe(0);
  expect(ts[0]).toBe(0x47);
}, 30_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

let dir: string;
let store: Store;
let repository: OutputsRepository;
let logLines: string[];
let statusEvents: OutputStatus[];
let host: OutputsHost;
/** The logger the host was given: secrets it registers are masked in everything logged through it. */
let hostLog: Logger;

function newHost(lifecycle?: LifecycleQueue): OutputsHost {
  hostLog = new Logger({ sink: (line) => logLines.push(line), level: 'debug' });
  return new OutputsHost({
    repository,
    dataDir: dir,
    ffmpegPath: () => ffmpeg,
    log: hostLog,
    onStatus: (status) => statusEvents.push(status),
    ...(lifecycle ? { lifecycle } : {}),
  });
}

beforeEach(() => {
  dir = mkdtempSync(path.join(work, 'case-'));
  store = openStore(path.join(dir, 'data'));
  repository = new OutputsRepository(store.db);
  logLines = [];
  statusEvents = [];
  host = newHost();
});

afterEach(async () => {
  await host.close();
  store.close();
});

const settings = (raw: OutputSettingsInput) => outputSettings.parse(raw);

function recordingSettings(name: string, folder: string) {
  mkdirSync(folder, { recursive: true });
  return settings({ kind: 'recording', name, folder, fileNamePattern: `${name}-%H%M%S.ts` });
}

function stateOf(id: number | string): string | undefined {
  return host.fanout.get(String(id))?.status().state;
}

/** Feeds the TS in uneven chunks, as the encoder would. */
function feed(target: OutputsHost): void {
  for (let offset = 0, n = 0; offset < ts.length; n++) {
    const size = 1000 + (n % 7) * 311;
    target.write(ts.subarray(offset, offset + size));
    offset += size;
  }
}

function recordedBytes(folder: string): Buffer {
  const files = readdirSync(folder).filter((name) => name.endsWith('.ts'));
  expect(files).toHaveLength(1);
  return readFileSync(path.join(folder, files[0]!));
}

describe('OutputsHost: stored outputs', () => {
  it('create stores the output without starting it, and registers its secrets with the log', () => {
    const rtmp = host.create(settings({ kind: 'rtmp', name: 'Platform', url: 'rtmp://127.0.0.1:1/live', streamKey: 'rtmp_secret_key_123' }));
    const srt = host.create(settings({ kind: 'srt', name: 'Contribution', url: 'srt://127.0.0.1:9000', passphrase: 'srt passphrase 456' }));
    expect(rtmp.status).toBeNull();
    expect(host.list().map((output) => output.name)).toEqual(['Platform', 'Contribution']);
    expect(host.statuses()).toEqual([]);
    expect(JSON.stringify(host.list())).not.toContain('rtmp_secret_key_123');
    expect(JSON.stringify(host.list())).not.toContain('srt passphrase 456');
    hostLog.child('outputs').error('sender said rtmp_secret_key_123 and srt passphrase 456');
    expect(logLines.at(-1)).toContain('sender said [redacted] and [redacted]');
    expect(srt.id).toBeGreaterThan(rtmp.id);
  });

  it('a new host registers the secrets already stored, before any output runs', () => {
    host.create(settings({ kind: 'rtmp', name: 'Platform', url: 'rtmp://127.0.0.1:1/live', streamKey: 'stored_secret_789' }));
    const lines: string[] = [];
    const log = new Logger({ sink: (line) => lines.push(line) });
    const second = new OutputsHost({ repository, dataDir: dir, ffmpegPath: () => ffmpeg, log, onStatus: () => {} });
    log.info('the url is rtmp://127.0.0.1:1/live/stored_secret_789');
    expect(lines.join('\n')).toContain('[redacted]');
    expect(lines.join('\n')).not.toContain('stored_secret_789');
    void second.close();
  });

  it('start records what is written from then on (from the first PAT); stop closes the file; statuses are pushed', async () => {
    const folder = path.join(dir, 'rec');
    const created = host.create(recordingSettings('show', folder));
    const started = await host.start(created.id);
    expect(started.status?.state).toMatch(/starting|running/);
    await expect.poll(() => stateOf(created.id), { timeout: 10_000 }).toBe('running');
    feed(host);
    const stopped = await host.stop(created.id);
    expect(stopped.status?.state).toBe('stopped');
    // The test TS opens with a PAT: the recording is the whole input, byte for byte.
    expect(recordedBytes(folder).equals(ts)).toBe(true);
    expect(statusEvents.filter((status) => status.id === String(created.id)).map((status) => status.state)).toEqual(
      expect.arrayContaining(['running', 'stopped']),
    );
    expect(host.statuses().map((status) => status.id)).toEqual([String(created.id)]);
  });

  it('start and stop of an unknown id are refused with NOT_FOUND', async () => {
    await expect(host.start(404)).rejects.toMatchObject({ code: 'NOT_FOUND', apiCode: 'NOT_FOUND' });
    await expect(host.stop(404)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(host.update(404, recordingSettings('x', path.join(dir, 'x')))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await host.remove(404)).toBe(false);
  });

  it('start then stop asked together run in order: the output ends stopped', async () => {
    const created = host.create(recordingSettings('race', path.join(dir, 'race')));
    const [afterStart, afterStop] = await Promise.all([host.start(created.id), host.stop(created.id)]);
    expect(afterStart.status?.state).not.toBe('stopped');
    expect(afterStop.status?.state).toBe('stopped');
    expect(stateOf(created.id)).toBe('stopped');
  });

  it('update of a running output restarts it with the new settings; of a stopped one leaves it stopped', async () => {
    const first = path.join(dir, 'first');
    const second = path.join(dir, 'second');
    const created = host.create(recordingSettings('moving', first));
    await host.start(created.id);
    await expect.poll(() => stateOf(created.id), { timeout: 10_000 }).toBe('running');
    const updated = await host.update(created.id, recordingSettings('moving', second));
    expect(updated.settings).toMatchObject({ folder: second });
    await expect.poll(() => stateOf(created.id), { timeout: 10_000 }).toBe('running');
    feed(host);
    await host.stop(created.id);
    expect(recordedBytes(second).equals(ts)).toBe(true);

    const idle = host.create(recordingSettings('idle', path.join(dir, 'idle-a')));
    const idleUpdated = await host.update(idle.id, recordingSettings('idle', path.join(dir, 'idle-b')));
    expect(idleUpdated.status).toBeNull();
    expect(host.fanout.get(String(idle.id))).toBeUndefined();
  });

  it('update registers a new secret too', async () => {
    const created = host.create(settings({ kind: 'rtmp', name: 'P', url: 'rtmp://127.0.0.1:1/live', streamKey: 'first_key_aaaa' }));
    await host.update(created.id, settings({ kind: 'rtmp', name: 'P', url: 'rtmp://127.0.0.1:1/live', streamKey: 'second_key_bbbb' }));
    hostLog.info('keys: first_key_aaaa second_key_bbbb');
    expect(logLines.at(-1)).toContain('keys: [redacted] [redacted]');
    expect(JSON.stringify(host.list())).not.toContain('second_key_bbbb');
  });

  it('remove stops a running output first, then forgets it; its file is complete', async () => {
    const folder = path.join(dir, 'removed');
    const created = host.create(recordingSettings('gone', folder));
    await host.start(created.id);
    await expect.poll(() => stateOf(created.id), { timeout: 10_000 }).toBe('running');
    feed(host);
    expect(await host.remove(created.id)).toBe(true);
    expect(host.fanout.get(String(created.id))).toBeUndefined();
    expect(host.list()).toEqual([]);
    expect(recordedBytes(folder).equals(ts)).toBe(true);
  });

  it('startAll starts every stored output, stopAll stops them all', async () => {
    const a = host.create(recordingSettings('a', path.join(dir, 'all-a')));
    const b = host.create(recordingSettings('b', path.join(dir, 'all-b')));
    const started = await host.startAll();
    expect(started.map((output) => output.id)).toEqual([a.id, b.id]);
    await expect.poll(() => [stateOf(a.id), stateOf(b.id)], { timeout: 10_000 }).toEqual(['running', 'running']);
    const stopped = await host.stopAll();
    expect(stopped.map((output) => output.status?.state)).toEqual(['stopped', 'stopped']);
  });

  it('an output refused by its builder is not stored (settings that fail validation)', () => {
    expect(() => host.create({ kind: 'recording', name: 'bad', folder: 'relative', fileNamePattern: 'x.ts' } as never)).toThrow(
      expect.objectContaining({ field: 'folder' }),
    );
    expect(host.list()).toEqual([]);
  });
});

describe('OutputsHost: the preview output', () => {
  it('runs while the program does: programStarted adds and starts it, programStopped stops it; a restart reuses it', async () => {
    expect(host.fanout.get(PREVIEW_OUTPUT_ID)).toBeUndefined();
    host.programStarted();
    const preview = host.fanout.get(PREVIEW_OUTPUT_ID)!;
    expect(preview).toBeDefined();
    expect(preview.status().kind).toBe('hls');
    // Running once a segment has landed; our second of TS is shorter than one: it waits for more.
    expect(preview.status().state).toBe('starting');
    feed(host);
    expect(preview.status().bytesIn).toBe(ts.length);
    await host.programStopped();
    expect(preview.status().state).toBe('stopped');
    expect(existsSync(path.join(host.previewRoot, PREVIEW_OUTPUT_ID))).toBe(true);
    // Not a stored output: the list does not show it, the statuses do.
    expect(host.list()).toEqual([]);
    expect(host.statuses().map((status) => status.id)).toEqual([PREVIEW_OUTPUT_ID]);

    host.programStarted();
    expect(host.fanout.get(PREVIEW_OUTPUT_ID)).toBe(preview);
    expect(preview.status().state).toBe('starting');
    await host.programStopped();
    expect(preview.status().state).toBe('stopped');
  });

  it('programStopped drops a partial packet held by the fan-out, so the next program starts aligned', async () => {
    const folder = path.join(dir, 'aligned');
    const created = host.create(recordingSettings('aligned', folder));
    await host.start(created.id);
    await expect.poll(() => stateOf(created.id), { timeout: 10_000 }).toBe('running');
    host.write(ts.subarray(0, 100)); // the encoder died mid-packet
    await host.programStopped();
    host.programStarted();
    await expect.poll(() => stateOf(created.id), { timeout: 10_000 }).toBe('running');
    feed(host);
    await host.stop(created.id);
    await host.programStopped();
    // The first run's file holds nothing (the partial packet never went out); the second run's is the whole input.
    const contents = readdirSync(folder)
      .map((name) => readFileSync(path.join(folder, name)))
      .sort((a, b) => a.length - b.length);
    expect(contents).toHaveLength(2);
    expect(contents[0]!.length).toBe(0);
    expect(contents[1]!.equals(ts)).toBe(true);
  });

  it('a program stop stops every started output; the next start starts them again; one the operator stopped stays stopped', async () => {
    const kept = host.create(recordingSettings('kept', path.join(dir, 'kept')));
    const dropped = host.create(recordingSettings('dropped', path.join(dir, 'dropped')));
    const never = host.create(recordingSettings('never', path.join(dir, 'never')));
    host.programStarted();
    await host.start(kept.id);
    await host.start(dropped.id);
    await expect.poll(() => [stateOf(kept.id), stateOf(dropped.id)], { timeout: 10_000 }).toEqual(['running', 'running']);

    await host.programStopped();
    // Nothing runs once the program has stopped: each says why.
    expect(host.statuses().map((status) => [status.id, status.state, status.reason])).toEqual([
      [PREVIEW_OUTPUT_ID, 'stopped', 'program stopped'],
      [String(kept.id), 'stopped', 'program stopped'],
      [String(dropped.id), 'stopped', 'program stopped'],
    ]);
    await host.stop(dropped.id); // the operator's choice, while stopped

    host.programStarted();
    await expect.poll(() => stateOf(kept.id), { timeout: 10_000 }).toBe('running');
    expect(stateOf(dropped.id)).toBe('stopped');
    expect(host.fanout.get(String(never.id))).toBeUndefined();
    feed(host);
    await host.programStopped();
    expect(readdirSync(path.join(dir, 'kept'))).toHaveLength(2);
    expect(readdirSync(path.join(dir, 'dropped'))).toHaveLength(1);

    // stopAll and remove forget them too; an update keeps an output started for the next program.
    await host.update(kept.id, recordingSettings('kept', path.join(dir, 'kept-moved')));
    host.programStarted();
    await expect.poll(() => stateOf(kept.id), { timeout: 10_000 }).toBe('running');
    expect(readdirSync(path.join(dir, 'kept-moved'))).toHaveLength(1);
    await host.stopAll();
    await host.programStopped();
    host.programStarted();
    expect(stateOf(kept.id)).toBe('stopped');
    await host.programStopped();
  });

  it('while the program runs, each active output pushes its figures from its own counters, without a state change; not once it stopped', async () => {
    const created = host.create(recordingSettings('figures', path.join(dir, 'figures')));
    host.programStarted();
    await host.start(created.id);
    await expect.poll(() => stateOf(created.id), { timeout: 10_000 }).toBe('running');
    feed(host);
    const from = statusEvents.length;
    const pushed = () => statusEvents.slice(from).filter((status) => status.id === String(created.id));
    await expect.poll(() => pushed().length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    for (const status of pushed()) {
      expect(status.state).toBe('running');
      expect(status.bytesOut).toBe(ts.length);
      expect(status.bytesIn).toBe(ts.length);
    }
    await host.programStopped();
    const afterStop = statusEvents.length;
    await new Promise((resolve) => setTimeout(resolve, FIGURES_INTERVAL_MS * 3));
    expect(statusEvents.slice(afterStop)).toEqual([]);
  });

  it('close stops every output, the preview included, after the operation in flight', async () => {
    const lifecycle = new LifecycleQueue();
    await host.close();
    host = newHost(lifecycle);
    const created = host.create(recordingSettings('closing', path.join(dir, 'closing')));
    host.programStarted();
    const starting = host.start(created.id);
    const closing = host.close();
    await starting;
    await closing;
    expect(stateOf(created.id)).toBe('stopped');
    expect(host.fanout.get(PREVIEW_OUTPUT_ID)!.status().state).toBe('stopped');
    expect(lifecycle.size).toBe(0);
  });
});
