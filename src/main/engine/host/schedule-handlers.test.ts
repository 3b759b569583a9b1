// The schedule commands through a real Engine (a real SQLite file, a clip made and imported with
// the machine's ffmpeg): answers, refusals as envelopes with their HTTP status, and events.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../../../../tests/support/media-fixtures.ts';
import { type CommandEnvelope, type CommandError, type EventName, httpStatusOf } from '../../../shared/contract.ts';
import type { MediaItem } from '../../../shared/media.ts';
import type { ScheduleItem } from '../../../shared/schedule.ts';
import { Logger } from '../log.ts';
import type { ProgramLifecycleEvents } from '../program/on-air-control.ts';
import { Engine } from './engine.ts';
import { connectScheduleToPlayout } from './schedule-handlers.ts';

const trusted = { trusted: true };
let work: string;
let engine: Engine;
let clip: MediaItem;
const events: Array<{ event: EventName; payload: unknown }> = [];

// biome-ignore lint/suspicious/noExplicitAny: a result of any command; each test reads the fields it checks
async function ok<T = any>(command: string, args: unknown = {}): Promise<T> {
  const envelope = await engine.dispatch(command, args, trusted);
  if (!('result' in envelope)) throw new Error(`${command} failed: ${JSON.stringify(envelope.error)}`);
  return envelope.result as T;
}

async function refused(command: string, args: unknown = {}): Promise<CommandError & { status: number }> {
  const envelope: CommandEnvelope = await engine.dispatch(command, args, trusted);
  if (!('error' in envelope)) throw new Error(`${command} succeeded: ${JSON.stringify(envelope.result)}`);
  return { ...envelope.error, status: httpStatusOf[envelope.error.code] };
}

/** A whole hour from now, so nothing the test schedules is in the past while it runs. */
const hour = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3_600_000;
const at = (seconds: number) => new Date(hour + seconds * 1000).toISOString();

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'schedule-handlers-'));
  const file = makeClip(work, {
    id: 'clip-S',
    seconds: 4,
    rate: 25,
    chapters: [
      { title: 'one', startSeconds: 0 },
      { title: 'two', startSeconds: 2 },
    ],
  });
  engine = await Engine.create({
    dataDir: path.join(work, 'data'),
    version: 'test',
    host: 'headless',
    log: new Logger({ sink: () => {} }),
    rtmp: null,
    statusIntervalMs: 60_000,
  });
  engine.events.subscribeAll((event, payload) => events.push({ event, payload }));
  clip = await ok<MediaItem>('media.import', { path: file });
}, 60_000);

afterAll(async () => {
  await engine?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('schedule commands', () => {
  it('adds, lists, trims, moves and removes; every edit emits schedule.changed with the next revision', async () => {
    expect(clip.state).toBe('ready');
    const seconds = clip.durationSeconds!;
    expect(seconds).toBeCloseTo(4, 1);
    const a = await ok<ScheduleItem>('schedule.add', { mediaId: clip.id, startAt: at(0), breaks: { atChapters: true, durationSeconds: 5 } });
    expect(a).toMatchObject({ startAt: at(0), durationSeconds: seconds + 5, breaks: { marks: [{ atSeconds: 2, startAt: at(2), durationSeconds: 5 }] } });
    const b = await ok<ScheduleItem>('schedule.add', { mediaId: clip.id, after: a.id });
    expect(b.startAt).toBe(at(seconds + 5));
    await ok('schedule.trim', { id: a.id, durationSeconds: 1.5 }); // the chapter at 2 s is no longer played: no break
    expect((await ok<ScheduleItem[]>('schedule.list', { from: at(0) })).map((item) => [item.id, item.startAt, item.durationSeconds])).toEqual([
      [a.id, at(0), 1.5],
      [b.id, at(1.5), seconds],
    ]);
    await ok('schedule.setBreaks', { id: a.id, breaks: null });
    expect((await ok<ScheduleItem>('schedule.move', { id: b.id, startAt: at(60) })).anchor).toBe('fixed');
    expect(await ok('schedule.remove', { ids: [a.id, b.id] })).toEqual({ removed: [a.id, b.id] });
    const revisions = events.filter((entry) => entry.event === 'schedule.changed').map((entry) => (entry.payload as { revision: number }).revision);
    // Library changes (the clip's analysis finishing) repeat the revision they find; edits count up.
    expect([...new Set(revisions)].filter((revision) => revision > 0)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('answers a conflict with 409 naming the item, a refused reference with 400, an unknown item with 404', async () => {
    const fixed = await ok<ScheduleItem>('schedule.add', { mediaId: clip.id, startAt: at(3600) });
    const conflict = await refused('schedule.add', { mediaId: clip.id, startAt: at(3602) });
    expect(conflict).toMatchObject({ code: 'CONFLICT', status: 409, field: 'startAt' });
    expect(conflict.message).toContain(`"clip-S.mkv" (item ${fixed.id}, ${at(3600)}–${at(3600 + clip.durationSeconds!)})`);
    expect(await refused('schedule.add', { mediaId: 999, startAt: at(7200) })).toMatchObject({ code: 'BAD_ARGUMENT', status: 400, field: 'mediaId' });
    expect(await refused('schedule.trim', { id: 999, durationSeconds: 1 })).toMatchObject({ code: 'NOT_FOUND', status: 404, field: 'id' });
    expect(await refused('schedule.move', { id: fixed.id, startAt: '2001-01-01T00:00:00Z' })).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/in the past/),
    });
    expect(await refused('schedule.list', { from: at(0), to: at(40 * 86400) })).toMatchObject({ code: 'BAD_ARGUMENT', field: 'to' });
    // Media in the schedule stays in the library.
    const removal = await refused('media.remove', { id: clip.id });
    expect(removal).toMatchObject({ code: 'CONFLICT', status: 409, field: 'id', message: expect.stringContaining(`item ${fixed.id}`) });
    await ok('schedule.remove', { ids: [fixed.id] });
  });

  it('follows the library: edited chapters move the breaks, and clients are told to list again', async () => {
    const item = await ok<ScheduleItem>('schedule.add', { mediaId: clip.id, startAt: at(7200), breaks: { atChapters: true, durationSeconds: 5 } });
    expect(item.breaks!.marks.map((mark) => mark.atSeconds)).toEqual([2]);
    const before = events.length;
    await ok('media.update', {
      id: clip.id,
      chapters: [
        { title: 'one', startSeconds: 0 },
        { title: 'two', startSeconds: 1 },
        { title: 'three', startSeconds: 3 },
      ],
    });
    expect(events.slice(before).some((entry) => entry.event === 'schedule.changed')).toBe(true);
    const [listed] = await ok<ScheduleItem[]>('schedule.list', { from: at(7200), to: at(7300) });
    expect(listed!.breaks!.marks.map((mark) => [mark.atSeconds, mark.startAt])).toEqual([
      [1, at(7201)],
      [3, at(7208)],
    ]);
    expect(listed!.durationSeconds).toBeCloseTo(clip.durationSeconds! + 10, 6);
    await ok('schedule.remove', { ids: [item.id] });
  });

  it('keeps the playout settings and emits playout.settings', async () => {
    expect(await ok('playout.getSettings')).toEqual({ fillerMediaIds: [], loudnessTargetLufs: -23, hideFillerInGuide: false, channelName: 'Studio' });
    const saved = await ok('playout.setSettings', { fillerMediaIds: [clip.id], channelName: 'Night channel' });
    expect(saved).toEqual({ fillerMediaIds: [clip.id], loudnessTargetLufs: -23, hideFillerInGuide: false, channelName: 'Night channel' });
    expect(events.filter((entry) => entry.event === 'playout.settings').at(-1)!.payload).toEqual(saved);
    expect(await refused('playout.setSettings', { fillerMediaIds: [4242] })).toMatchObject({ code: 'BAD_ARGUMENT', field: 'fillerMediaIds.0' });
    expect(await ok('playout.getSettings')).toEqual(saved);
  });
});

describe('connectScheduleToPlayout', () => {
  it('gives playout the plan and settings, and the list the frames playout knows while the program runs', async () => {
    const started = new Set<() => void>();
    const stopped = new Set<() => void>();
    const lifecycle = {
      onStarted: (listener: () => void) => {
        started.add(listener);
        return () => started.delete(listener);
      },
      onStopped: (listener: () => void) => {
        stopped.add(listener);
        return () => stopped.delete(listener);
      },
    } as unknown as ProgramLifecycleEvents;
    let attached: { plan: unknown; settings: () => { channelName: string } } | null = null;
    let running = false;
    const planned = new Set<() => void>();
    const playout = {
      onPlanned: (listener: () => void) => {
        planned.add(listener);
        return () => planned.delete(listener);
      },
      useSchedule: (plan: unknown, settings: () => { loudnessTargetLufs: number; channelName: string }) => {
        attached = { plan, settings };
      },
      framesOf: (itemId: number) => (running ? { startFrame: itemId * 1000, startPts: 126000 + itemId } : null),
    };
    const disconnect = connectScheduleToPlayout(engine.schedule, playout, lifecycle);
    expect(attached!.plan).toBe(engine.schedule);
    expect(attached!.settings().channelName).toBe((await ok('playout.getSettings')).channelName);
    const item = await ok<ScheduleItem>('schedule.add', { mediaId: clip.id, startAt: at(9000) });
    const listed = async () => (await ok<ScheduleItem[]>('schedule.list', { from: at(9000), to: at(9010) }))[0]!;
    expect(await listed()).not.toHaveProperty('startFrame');
    running = true;
    const before = events.length;
    for (const listener of started) listener();
    expect(events.slice(before).map((entry) => entry.event)).toContain('schedule.changed');
    expect(await listed()).toMatchObject({ startFrame: item.id * 1000, startPts: 126000 + item.id });
    // Playout planned items anew (the lookahead reached them): clients are told to list again.
    const beforePlan = events.length;
    for (const listener of planned) listener();
    expect(events.slice(beforePlan).map((entry) => entry.event)).toEqual(['schedule.changed']);
    disconnect();
    expect([started.size, stopped.size, planned.size]).toEqual([0, 0, 0]);
    expect(await listed()).not.toHaveProperty('startFrame');
    await ok('schedule.remove', { ids: [item.id] });
  });
});
