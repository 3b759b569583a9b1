// The cue deck's durability with the real `studio serve` on one data dir: event ids keep increasing
// across a restart, and a host killed (SIGKILL) mid-break comes back with that break marked
// interrupted_by_crash and a store that passes SQLite's integrity check.
import BetterSqlite3 from 'better-sqlite3';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { BreakPlan } from '../../src/shared/contract.ts';
import type { AsRunRow, CueState } from '../../src/shared/cues.ts';
import { GOP, pollUntil, startCueStudio, type CueStudio } from '../support/cue-studio.ts';
import { CaptureReader, isCueOut, sectionsWhere } from '../support/ts-capture.ts';

let live: CueStudio | undefined;
let dataDir: string | undefined;

function integrityCheck(dir: string): unknown {
  const db = new BetterSqlite3(path.join(dir, 'studio.db'));
  try {
    return db.pragma('integrity_check', { simple: true });
  } finally {
    db.close();
  }
}

async function onAir(studio: CueStudio, eventId: number): Promise<void> {
  await pollUntil(
    () => studio.ok<CueState>('cues.status'),
    (state) => state.phase === 'onBreak' && state.current?.eventId === eventId,
    60_000,
    `break ${eventId} on air`,
  );
}

async function asRun(studio: CueStudio): Promise<AsRunRow[]> {
  return studio.ok<AsRunRow[]>('cues.asRun', { limit: 100 });
}

describe('cue deck durability', () => {
  afterAll(async () => {
    await live?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps event ids increasing across a restart, and marks a break cut by SIGKILL interrupted_by_crash with nothing corrupt', async () => {
    // First run: one break airs to its end.
    live = await startCueStudio({ publishSeconds: 60 });
    dataDir = live.studio.dataDir;
    const first = await live.ok<BreakPlan>('cues.startBreak', { durationSeconds: 2, prerollSeconds: 1 });
    await pollUntil(
      () => live!.ok<CueState>('cues.status'),
      (state) => state.phase === 'idle' && state.last?.eventId === first.eventId,
      60_000,
      'the first break to end',
    );
    expect((await asRun(live)).find((row) => row.eventId === first.eventId)?.outcome).toBe('aired');
    await live.stop({ keepDataDir: true });

    // Second run on the same data dir: the next id is higher. Kill the host while its break is on air.
    live = await startCueStudio({ publishSeconds: 60, dataDir, captureName: 'second-run.ts' });
    const second = await live.ok<BreakPlan>('cues.startBreak', { durationSeconds: 30, prerollSeconds: 1 });
    expect(second.eventId).toBeGreaterThan(first.eventId);
    expect(second.spliceFrame % GOP).toBe(0);
    await onAir(live, second.eventId);
    // The distributor saw the cue-out: this break really went out before the crash.
    const receiver = new CaptureReader(live.captureFile);
    await pollUntil(
      async () => sectionsWhere(receiver.poll(), isCueOut(second.eventId)).length,
      (count) => count >= 1,
      30_000,
      'the cue-out at the receiver',
    );
    const killed = live;
    const exited = new Promise((resolve) => killed.studio.process.once('exit', resolve));
    killed.studio.process.kill('SIGKILL');
    await exited;
    await killed.publisher.stop('host killed');
    await killed.capture.stop();
    live = undefined;
    expect(integrityCheck(dataDir)).toBe('ok');

    // Third run: the break cut by the crash is marked, nothing else changed, and ids go on increasing.
    live = await startCueStudio({ publishSeconds: 60, dataDir, captureName: 'third-run.ts' });
    const rows = await asRun(live);
    expect(rows.find((row) => row.eventId === second.eventId)).toMatchObject({ outcome: 'interrupted_by_crash', actualSpliceFrame: second.spliceFrame });
    expect(rows.find((row) => row.eventId === first.eventId)).toMatchObject({ outcome: 'aired' });
    expect(rows.filter((row) => row.outcome === 'pending')).toEqual([]);
    const third = await live.ok<BreakPlan>('cues.startBreak', { durationSeconds: 2, prerollSeconds: 10 });
    expect(third.eventId).toBeGreaterThan(second.eventId);
    await live.ok('cues.cancel');
    await live.stop({ keepDataDir: true });
    live = undefined;
    expect(integrityCheck(dataDir)).toBe('ok');
  }, 170_000);
});
