// A recording that rotates for months remembers only its latest files.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingOutputSettings } from '../../../shared/outputs.ts';
import { OutputFanout } from './fanout.ts';
import { MAX_REMEMBERED_FILES, RecordingOutput } from './recording-output.ts';
import { capturingLogger, testProgram, waitFor, type TestProgram } from '../../../../tests/support/outputs.ts';

let program: TestProgram;
let work: string;

beforeAll(() => {
  program = testProgram(20);
  work = mkdtempSync(path.join(tmpdir(), 'recording-bounds-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('RecordingOutput bounds', () => {
  it(`remembers at most ${MAX_REMEMBERED_FILES} files, the latest, while it keeps rotating`, async () => {
    const { logger } = capturingLogger();
    let clock = new Date(2026, 0, 1, 0, 0, 0).getTime();
    const settings = recordingOutputSettings.parse({ kind: 'recording', folder: work, fileNamePattern: 'r-%d-%H%M%S.ts', rotateMinutes: 1 });
    const output = new RecordingOutput({ id: 'rec', settings, logger, now: () => new Date(clock) });
    const fanout = new OutputFanout();
    fanout.add(output);
    output.start();
    await waitFor(
      () => output.status().state === 'running',
      () => JSON.stringify(output.status()),
    );
    // Each round: a minute later, then enough of the stream to hold a PAT, where a rotation cuts.
    const step = 188 * 400;
    let rounds = 0;
    for (let offset = 0; rounds < MAX_REMEMBERED_FILES + 20; offset = (offset + step) % (program.bytes.length - step), rounds++) {
      clock += 61_000;
      const opened = readdirSync(work).length;
      const writing = output.file;
      fanout.write(program.bytes.subarray(offset, offset + step));
      // Until the output has taken the new file as its own (which also sets its next rotation time),
      // not only until it shows on disk: the next round's clock must not run ahead of that.
      await waitFor(
        () => output.file !== writing && readdirSync(work).length > opened,
        () => `round ${rounds}: no new file`,
      );
    }
    await output.stop();
    const onDisk = readdirSync(work).sort();
    expect(onDisk.length).toBeGreaterThan(MAX_REMEMBERED_FILES);
    expect(output.files).toHaveLength(MAX_REMEMBERED_FILES);
    expect(output.files.map((file) => path.basename(file))).toEqual(onDisk.slice(-MAX_REMEMBERED_FILES));
  }, 60_000);
});
