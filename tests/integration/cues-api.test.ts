// The cue deck over the HTTP API of a real `studio serve` (real encoder, real SQLite file): a
// break is armed, airs and returns on its frames and leaves its as-run row; refusals are 409/400
// with their reasons; cancel, return now and a stop mid-break are logged with their sections;
// the as-run CSV route; event ids across a restart and a SIGKILL.
// (The end-to-end check of pixels and PTS at an SRT receiver is tests/e2e's.)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { BreakPlan } from '../../src/shared/contract.ts';
import { AS_RUN_CSV_COLUMNS, type AlertLogRow, type AlertState, type AsRunRow, type CueState } from '../../src/shared/cues.ts';
import type { ProgramStatus, SceneInfo, SourceInfo } from '../../src/shared/program.ts';
import { decodeSection, type SegmentationDescriptor, type SpliceInsertCommand } from '../../src/main/engine/scte35/index.ts';
import { startStudio, type RunningStudio } from '../support/studio-server.ts';

let dataDir: string;
let studio: RunningStudio;

async function ok<T>(name: string, args: unknown = {}): Promise<T> {
  const { status, body } = await studio.command<{ result?: T }>(name, args);
  if (status !== 200) throw new Error(`${name}: ${status} ${JSON.stringify(body)}`);
  return body.result!;
}

async function refused(name: string, args: unknown = {}): Promise<{ status: number; error: { code: string; message: string; field?: string } }> {
  const { status, body } = await studio.command<{ error: { code: string; message: string; field?: string } }>(name, args);
  return { status, error: body.error };
}

/** The break, once the encoder's first frame gave the splice a PTS (until then: 409 asking to retry). */
async function startBreak(args: { durationSeconds: number; prerollSeconds?: number }): Promise<BreakPlan> {
  let plan: BreakPlan | undefined;
  await expect
    .poll(
      async () => {
        const { status, body } = await studio.command<{ result?: BreakPlan; error?: { message: string } }>('cues.startBreak', args);
        if (status === 200) plan = body.result;
        return status === 200 ? 'ok' : body.error?.message;
      },
      { timeout: 30_000, interval: 250 },
    )
    .toBe('ok');
  return plan!;
}

const phase = async () => (await ok<CueState>('cues.status')).phase;
const rowOf = async (eventId: number) => (await ok<AsRunRow[]>('cues.asRun', { limit: 50 })).find((row) => row.eventId === eventId);

async function startProgram(): Promise<void> {
  await ok('program.start');
  await expect.poll(async () => (await ok<ProgramStatus>('program.status')).scte35Pid, { timeout: 30_000 }).not.toBeNull();
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'studio-cues-api-'));
  studio = await startStudio({ dataDir });
  // A small program with a 1 s GOP, so breaks of a few seconds land on the grid quickly.
  await ok('program.setFormat', {
    width: 320,
    height: 180,
    frameRate: '30',
    videoBitrateKbps: 400,
    gopFrames: 30,
    x264Preset: 'ultrafast',
    audioBitrateKbps: 64,
    videoEncoder: 'libx264',
  });
  const bars = await ok<SourceInfo>('sources.create', { name: 'Bars', config: { kind: 'test_pattern', width: 320, height: 180 } });
  await ok<SceneInfo>('scenes.create', { name: 'Main', layers: [{ sourceId: bars.id }] });
}, 60_000);
afterAll(async () => {
  await studio?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('cue deck over HTTP', () => {
  it('refuses a break while the program is stopped (409 with the reason) and out-of-range arguments (400 naming the field)', async () => {
    expect(await refused('cues.startBreak', { durationSeconds: 30 })).toEqual({
      status: 409,
      error: expect.objectContaining({ code: 'CONFLICT', message: 'The program is not running: start it before cueing a break.' }),
    });
    expect(await refused('cues.startBreak', { durationSeconds: 0 })).toMatchObject({ status: 400, error: { code: 'BAD_ARGUMENT', field: 'durationSeconds' } });
    expect(await refused('cues.startBreak', { durationSeconds: 30, prerollSeconds: 31 })).toMatchObject({ status: 400, error: { field: 'prerollSeconds' } });
    expect(await ok<CueState>('cues.status')).toMatchObject({ phase: 'idle', programRunning: false, current: null });
    expect(await ok<AsRunRow[]>('cues.asRun')).toEqual([]);
  });

  it('a break: armed, a second one refused naming it, on break, back; its as-run row matches the plan', async () => {
    await startProgram();
    const plan = await startBreak({ durationSeconds: 2, prerollSeconds: 1 });
    expect(plan.spliceFrame % 30).toBe(0);
    expect(plan.returnFrame - plan.spliceFrame).toBe(60);
    expect(plan.durationSeconds).toBe(2);
    expect(plan.splicePts).not.toBeNull();
    // The row is committed before the answer.
    expect(await rowOf(plan.eventId)).toMatchObject({ outcome: 'pending', plannedSpliceFrame: plan.spliceFrame, plannedReturnFrame: plan.returnFrame });

    const second = await refused('cues.startBreak', { durationSeconds: 30 });
    expect(second.status).toBe(409);
    expect(second.error.message).toContain(`Break ${plan.eventId}`);

    await expect.poll(phase, { timeout: 20_000, interval: 100 }).toBe('onBreak');
    await expect.poll(phase, { timeout: 20_000, interval: 100 }).toBe('idle');
    const state = await ok<CueState>('cues.status');
    expect(state.last).toMatchObject({ eventId: plan.eventId, outcome: 'aired' });

    const row = (await rowOf(plan.eventId))!;
    expect(row).toMatchObject({
      outcome: 'aired',
      signalStyle: 'splice_insert',
      actualSpliceFrame: plan.spliceFrame,
      actualSplicePts: plan.splicePts,
      actualReturnFrame: plan.returnFrame,
      actualReturnPts: plan.returnPts,
      durationSecondsActual: 2,
    });
    // Its cue-out's copies are in the SCTE-35 log, by id.
    const log = await ok<Array<{ eventId: number | null; hex: string; outcome: string }>>('scte35.log', { limit: 200 });
    expect(row.scte35LogIds.length).toBeGreaterThan(0);
    expect(log.filter((entry) => entry.eventId === plan.eventId).length).toBe(row.scte35LogIds.length);
  }, 90_000);

  it('cues.state is pushed over the WebSocket: armed (counting down on the frame clock), on break, idle', async () => {
    const ws = new WebSocket(`${studio.url.replace('http', 'ws')}/api/v1/ws`, { headers: studio.authHeaders });
    const states: CueState[] = [];
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; event?: string; payload?: CueState };
      if (message.type === 'event' && message.event === 'cues.state') states.push(message.payload!);
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    try {
      const plan = await startBreak({ durationSeconds: 2, prerollSeconds: 2 });
      await expect.poll(() => states.some((s) => s.phase === 'idle' && s.last?.eventId === plan.eventId), { timeout: 20_000 }).toBe(true);
      const mine = states.filter((s) => s.current?.eventId === plan.eventId || s.last?.eventId === plan.eventId);
      const phases = mine.map((s) => s.phase).filter((p, i, all) => i === 0 || all[i - 1] !== p);
      expect(phases).toEqual(['armed', 'onBreak', 'idle']);
      // Counting down from the frame clock: several armed states, frames rising, seconds to the splice falling.
      const armed = mine.filter((s) => s.phase === 'armed');
      expect(armed.length).toBeGreaterThan(2);
      for (let i = 1; i < armed.length; i++) {
        expect(armed[i]!.frame).toBeGreaterThanOrEqual(armed[i - 1]!.frame);
        expect(armed[i]!.current!.secondsToSplice).toBeLessThanOrEqual(armed[i - 1]!.current!.secondsToSplice);
      }
      for (const s of armed) expect(s.current!.secondsToSplice).toBeCloseTo((plan.spliceFrame - s.frame) / s.fps, 9);
    } finally {
      ws.close();
    }
  }, 60_000);

  it('cancel before the splice: its cancel section is logged, the row says cancelled', async () => {
    const plan = await startBreak({ durationSeconds: 30, prerollSeconds: 10 });
    expect(await ok('cues.cancel')).toEqual({ eventId: plan.eventId, cancelled: true });
    expect(await phase()).toBe('idle');
    expect(await rowOf(plan.eventId)).toMatchObject({ outcome: 'cancelled', actualSpliceFrame: null });
    await expect
      .poll(
        async () =>
          (await ok<Array<{ eventId: number | null; outcome: string }>>('scte35.log', { limit: 50 })).some(
            (e) => e.eventId === plan.eventId && e.outcome === 'cancel sent',
          ),
        {
          timeout: 10_000,
        },
      )
      .toBe(true);
    expect((await refused('cues.cancel')).status).toBe(409);
  }, 60_000);

  it('return now: a cue-in for an IDR, the program back on that frame, row returned_early', async () => {
    const plan = await startBreak({ durationSeconds: 60, prerollSeconds: 0 });
    expect((await refused('cues.returnNow')).error.message).toContain('armed');
    await expect.poll(phase, { timeout: 20_000, interval: 100 }).toBe('onBreak');
    const early = await ok<{ eventId: number; returnFrame: number; returnPts: number }>('cues.returnNow');
    expect(early.eventId).toBe(plan.eventId);
    expect(early.returnFrame % 30).toBe(0);
    expect(early.returnFrame).toBeLessThan(plan.returnFrame);
    await expect.poll(phase, { timeout: 20_000, interval: 100 }).toBe('idle');
    expect(await rowOf(plan.eventId)).toMatchObject({ outcome: 'returned_early', actualReturnFrame: early.returnFrame, actualReturnPts: early.returnPts });
    const cueIns = (await ok<Array<{ eventId: number | null; hex: string }>>('scte35.log', { limit: 100 }))
      .filter((entry) => entry.eventId === plan.eventId)
      .map((entry) => decodeSection(Buffer.from(entry.hex, 'hex')).splice_command as SpliceInsertCommand)
      .filter((command) => command.out_of_network_indicator === false);
    expect(cueIns.length).toBeGreaterThan(0);
    expect(cueIns[0]!.splice_time?.pts_time).toBe(early.returnPts);
    expect((await refused('cues.returnNow')).status).toBe(409);
  }, 60_000);

  it('the as-run CSV: token required, text/csv with a filename, the contract’s columns', async () => {
    const url = `${studio.url}/api/v1/cues/as-run.csv`;
    expect((await fetch(url)).status).toBe(401);
    const response = await fetch(url, { headers: studio.authHeaders });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="as-run-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (await response.text()).split('\r\n');
    expect(lines[0]).toBe(AS_RUN_CSV_COLUMNS.join(','));
    const rows = await ok<AsRunRow[]>('cues.asRun', { limit: 100 });
    expect(lines.filter((line) => line !== '').length).toBe(rows.length + 1);
    const first = lines[1]!.split(',');
    expect(Number(first[AS_RUN_CSV_COLUMNS.indexOf('eventId')])).toBe(rows[0]!.eventId);
    expect(first[AS_RUN_CSV_COLUMNS.indexOf('outcome')]).toBe(rows[0]!.outcome);
    const bad = await fetch(`${url}?limit=0`, { headers: studio.authHeaders });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('limit');
  });

  it('time_signal style: its sections go out and the as-run row links them from the SCTE-35 log', async () => {
    await ok('cues.setSettings', { signalStyle: 'time_signal_advertisement', upid: { type: 'adi', value: 'SIGNAL:it-1' } });
    const plan = await startBreak({ durationSeconds: 2, prerollSeconds: 1 });
    expect(plan.signalStyle).toBe('time_signal_advertisement');
    await expect.poll(async () => (await rowOf(plan.eventId))?.outcome, { timeout: 20_000, interval: 200 }).toBe('aired');
    const row = (await rowOf(plan.eventId))!;
    const log = await ok<Array<{ hex: string; commandType: number }>>('scte35.log', { limit: 300 });
    const types = new Set(
      log
        .filter((entry) => entry.commandType === 6)
        .flatMap((entry) => decodeSection(Buffer.from(entry.hex, 'hex')).descriptors)
        .filter((d) => d.name === 'segmentation_descriptor' && d.segmentation_event_id === plan.eventId)
        .map((d) => (d as SegmentationDescriptor).segmentation_type_id),
    );
    expect([...types].sort()).toEqual([0x30, 0x31]);
    expect(row.scte35LogIds.length).toBeGreaterThanOrEqual(2);
    await ok('cues.setSettings', { signalStyle: 'splice_insert', upid: { type: 'none' } });
  }, 60_000);

  it('an alert during a break: the break returns (interrupted_by_alert), breaks are refused until it ends, it is logged', async () => {
    const plan = await startBreak({ durationSeconds: 60, prerollSeconds: 0 });
    await expect.poll(phase, { timeout: 20_000, interval: 100 }).toBe('onBreak');
    const alert = await ok<AlertState>('alerts.start', { text: 'Test of the emergency alert', style: 'fullscreen' });
    expect(alert).toMatchObject({ active: true, style: 'fullscreen' });
    expect(alert.startFrame! % 30).toBe(0);
    const refusedBreak = await refused('cues.startBreak', { durationSeconds: 30 });
    expect(refusedBreak.status).toBe(409);
    expect(refusedBreak.error.message).toContain('alert');
    await expect.poll(async () => (await rowOf(plan.eventId))?.outcome, { timeout: 20_000, interval: 200 }).toBe('interrupted_by_alert');
    expect((await rowOf(plan.eventId))!.actualReturnFrame).toBe(alert.startFrame);
    expect(await ok<AlertState>('alerts.stop')).toMatchObject({ active: false });
    expect((await refused('alerts.stop')).status).toBe(409);
    expect((await ok<AlertLogRow[]>('alerts.log'))[0]).toMatchObject({
      text: 'Test of the emergency alert',
      endedBy: 'operator',
      interruptedEventId: plan.eventId,
    });
  }, 60_000);

  it('stopping the program mid-break sends the cue-in first; the row says interrupted_by_stop', async () => {
    const plan = await startBreak({ durationSeconds: 60, prerollSeconds: 0 });
    await expect.poll(phase, { timeout: 20_000, interval: 100 }).toBe('onBreak');
    await ok('program.stop');
    const row = (await rowOf(plan.eventId))!;
    expect(row.outcome).toBe('interrupted_by_stop');
    expect(row.actualReturnFrame).not.toBeNull();
    const cueIn = (await ok<Array<{ eventId: number | null; hex: string }>>('scte35.log', { limit: 100 }))
      .filter((entry) => entry.eventId === plan.eventId)
      .map((entry) => decodeSection(Buffer.from(entry.hex, 'hex')).splice_command as SpliceInsertCommand)
      .find((command) => command.out_of_network_indicator === false);
    expect(cueIn?.splice_time?.pts_time).toBe(row.actualReturnPts);
    expect(await ok<CueState>('cues.status')).toMatchObject({ phase: 'idle', programRunning: false });
  }, 60_000);

  it('event ids keep increasing across a restart; a SIGKILL mid-break leaves the row interrupted_by_crash', async () => {
    await startProgram();
    const before = await startBreak({ durationSeconds: 60, prerollSeconds: 0 });
    await expect.poll(phase, { timeout: 20_000, interval: 100 }).toBe('onBreak');
    const exited = new Promise((resolve) => studio.process.once('exit', resolve));
    studio.process.kill('SIGKILL');
    await exited;

    studio = await startStudio({ dataDir });
    expect(await rowOf(before.eventId)).toMatchObject({ outcome: 'interrupted_by_crash', actualSpliceFrame: before.spliceFrame });
    await startProgram();
    const after = await startBreak({ durationSeconds: 2, prerollSeconds: 0 });
    expect(after.eventId).toBeGreaterThan(before.eventId);
    await ok('program.stop');
  }, 120_000);
});
