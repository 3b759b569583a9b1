import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingOutputSettings } from '../../../shared/outputs.ts';
import { STREAM_TYPE_SCTE35 } from '../mpegts/constants.ts';
import { OutputFanout } from './fanout.ts';
import { fileProblem, firstPatOffset, RecordingOutput, recordingFileName } from './recording-output.ts';
import { capturingLogger, inspectBytes, testProgram, waitFor, type TestProgram } from '../../../../tests/support/outputs.ts';

let program: TestProgram;
let work: string;

beforeAll(() => {
  program = testProgram(20);
  work = mkdtempSync(path.join(tmpdir(), 'recording-test-'));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

const settings = (raw: Record<string, unknown>) => recordingOutputSettings.parse({ kind: 'recording', ...raw });

/** Feeds `bytes` in uneven chunks, yielding now and then as a live producer would. */
async function feed(fanout: OutputFanout, bytes: Buffer): Promise<void> {
  for (let i = 0, n = 0; i < bytes.length; n++) {
    const size = 5000 + (n % 5) * 1777;
    fanout.write(bytes.subarray(i, i + size));
    i += size;
    if (n % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('recordingFileName', () => {
  it('fills the pattern with local date and time', () => {
    expect(recordingFileName('show-%Y%m%d-%H%M%S-100%%.ts', new Date(2026, 0, 2, 3, 4, 5))).toBe('show-20260102-030405-100%.ts');
  });

  it('says what a file system error means', () => {
    const error = (code: string) => Object.assign(new Error(code), { code });
    expect(fileProblem(error('ENOSPC'), '/rec/a.ts')).toBe('disk full writing /rec/a.ts');
    expect(fileProblem(error('ENOENT'), '/gone/a.ts')).toBe('folder missing: /gone');
    expect(fileProblem(error('EACCES'), '/rec/a.ts')).toBe('permission denied writing /rec/a.ts');
  });
});

describe('RecordingOutput (real files)', () => {
  it('appends the bytes as they are: the SCTE-35 PID and its sections kept', async () => {
    const dir = mkdtempSync(path.join(work, 'keep-'));
    const { logger } = capturingLogger();
    const output = new RecordingOutput({
      id: 'rec',
      settings: settings({ folder: dir, fileNamePattern: 'show-%Y%m%d-%H%M%S.ts' }),
      logger,
      now: () => new Date(2026, 4, 6, 7, 8, 9),
    });
    const fanout = new OutputFanout();
    fanout.add(output);
    output.start();
    await waitFor(
      () => output.status().state === 'running',
      () => JSON.stringify(output.status()),
    );
    await feed(fanout, program.bytes);
    await output.stop();
    expect(output.files).toEqual([path.join(dir, 'show-20260506-070809.ts')]);
    const recorded = readFileSync(output.files[0]!);
    expect(recorded.equals(program.bytes)).toBe(true);
    const info = inspectBytes(recorded);
    expect(info.programs[0]!.streams.map((s) => s.streamType)).toContain(STREAM_TYPE_SCTE35);
    expect(info.scte35.map((s) => s.hex)).toEqual(program.info.scte35.map((s) => s.hex));
    expect(new Set(info.scte35.map((s) => s.hex))).toEqual(new Set(program.sections.map((s) => s.toString('hex'))));
    expect(info).toMatchObject({ continuityErrors: 0, crcErrors: 0, syncLosses: 0 });
    expect(output.status()).toMatchObject({ state: 'stopped', bytesIn: program.bytes.length, bytesOut: program.bytes.length, droppedBytes: 0 });
  });

  it('never overwrites: a second start in the same second gets a suffix', async () => {
    const dir = mkdtempSync(path.join(work, 'suffix-'));
    const { logger } = capturingLogger();
    const now = () => new Date(2026, 0, 1, 0, 0, 0);
    const output = new RecordingOutput({ id: 'rec', settings: settings({ folder: dir, fileNamePattern: 'a-%H%M%S.ts' }), logger, now });
    for (let i = 0; i < 2; i++) {
      output.start();
      await waitFor(
        () => output.status().state === 'running',
        () => JSON.stringify(output.status()),
      );
      await output.stop();
    }
    expect(readdirSync(dir).sort()).toEqual(['a-000000-1.ts', 'a-000000.ts']);
  });

  it('rotates at the first PAT after the rotation time: each file opens with PAT, nothing lost', async () => {
    const dir = mkdtempSync(path.join(work, 'rotate-'));
    const { logger } = capturingLogger();
    let clock = new Date(2026, 0, 1, 12, 0, 0).getTime();
    const output = new RecordingOutput({
      id: 'rec',
      settings: settings({ folder: dir, fileNamePattern: 'r-%H%M%S.ts', rotateMinutes: 1 }),
      logger,
      now: () => new Date(clock),
    });
    const fanout = new OutputFanout();
    fanout.add(output);
    output.start();
    await waitFor(
      () => output.status().state === 'running',
      () => JSON.stringify(output.status()),
    );
    const half = Math.floor(program.bytes.length / 2 / 188) * 188 + 188 * 3; // mid-way, not at a PAT
    await feed(fanout, program.bytes.subarray(0, half));
    clock += 61_000;
    await feed(fanout, program.bytes.subarray(half));
    await output.stop();
    expect(output.files.map((f) => path.basename(f))).toEqual(['r-120000.ts', 'r-120101.ts']);
    const [first, second] = output.files.map((f) => readFileSync(f));
    expect(Buffer.concat([first!, second!]).equals(program.bytes)).toBe(true);
    expect(firstPatOffset(second!)).toBe(0);
    expect(inspectBytes(second!).programs[0]!.streams.length).toBe(3);
  });

  it('folder missing: failed with the reason; another output on the same fan-out unaffected', async () => {
    const dir = mkdtempSync(path.join(work, 'ok-'));
    const { logger } = capturingLogger();
    const missing = path.join(work, 'no-such-folder');
    const broken = new RecordingOutput({ id: 'broken', settings: settings({ folder: missing }), logger });
    const fine = new RecordingOutput({ id: 'fine', settings: settings({ folder: dir }), logger });
    const fanout = new OutputFanout();
    fanout.add(broken);
    fanout.add(fine);
    fanout.startAll();
    await waitFor(
      () => broken.status().state === 'failed' && fine.status().state === 'running',
      () => JSON.stringify(fanout.statuses()),
    );
    await feed(fanout, program.bytes.subarray(0, 188 * 5000));
    await fanout.stopAll();
    expect(broken.status()).toMatchObject({ state: 'failed', reason: `folder missing: ${missing}`, lastError: `folder missing: ${missing}`, bytesOut: 0 });
    expect(readFileSync(fine.files[0]!).equals(program.bytes.subarray(0, 188 * 5000))).toBe(true);
  });

  it('a write error mid-recording fails the output with the reason (the file replaced by a folder)', async () => {
    const dir = mkdtempSync(path.join(work, 'gone-'));
    const { logger } = capturingLogger();
    const output = new RecordingOutput({
      id: 'rec',
      settings: settings({ folder: dir, fileNamePattern: 'x.ts', rotateMinutes: 1 }),
      logger,
      now: () => new Date(clock),
    });
    let clock = Date.now();
    const fanout = new OutputFanout();
    fanout.add(output);
    output.start();
    await waitFor(
      () => output.status().state === 'running',
      () => JSON.stringify(output.status()),
    );
    await feed(fanout, program.bytes.subarray(0, 188 * 1000));
    // The folder goes away before the next file: rotation cannot open it.
    rmSync(dir, { recursive: true, force: true });
    writeFileSync(dir, 'not a folder');
    clock += 120_000;
    await feed(fanout, program.bytes.subarray(188 * 1000, 188 * 8000));
    await waitFor(
      () => output.status().state === 'failed',
      () => JSON.stringify(output.status()),
    );
    expect(output.status().reason).toBe(`not a folder: ${dir}`);
    await output.stop();
    rmSync(dir, { force: true });
  });
});
