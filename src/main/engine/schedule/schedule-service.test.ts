// The schedule service over a real SQLite file, with real media rows naming real files in a tmp
// dir: edits validated and committed before their event, the list, problems, and the plan.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MediaChapter } from '../../../shared/media.ts';
import type { PlayoutSettings, ScheduleChangedEvent } from '../../../shared/schedule.ts';
import { Logger } from '../log.ts';
import type { PlanPiece } from '../playout/plan.ts';
import { openStore, type Store } from '../store/database.ts';
import { MediaRepository, type StoredMedia } from '../store/media-repository.ts';
import { ProgramRepository } from '../store/program-repository.ts';
import { ScheduleRepository } from '../store/schedule-repository.ts';
import { ScheduleService } from './schedule-service.ts';

const T0 = Date.parse('2026-12-06T20:00:00Z');
const S = 1000;
const iso = (ms: number) => new Date(ms).toISOString();

let dir: string;
let store: Store;
let media: MediaRepository;
let service: ScheduleService;
let nowMs: number;
let changed: ScheduleChangedEvent[];
let settingsEvents: PlayoutSettings[];
let program: ProgramRepository;
let sceneId: number;

function addMedia(name: string, seconds: number, chapters: MediaChapter[] = []): StoredMedia {
  const file = path.join(dir, name);
  writeFileSync(file, 'not really a video: the schedule only checks that it is there');
  return media.upsertProbed({ path: file, name, state: 'ready', reason: null, durationSeconds: seconds, video: null, audio: null, chapters }, new Date(T0));
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'studio-schedule-'));
  store = openStore(path.join(dir, 'data'));
  media = new MediaRepository(store.db);
  nowMs = T0 - 3600 * S;
  changed = [];
  settingsEvents = [];
  program = new ProgramRepository(store.db);
  sceneId = program.createScene('Studio cam', []).id;
  service = new ScheduleService({
    repository: new ScheduleRepository(store.db),
    media,
    sceneName: (id) => program.scenes().find((scene) => scene.id === id)?.name ?? null,
    onChanged: (event) => {
      // Committed before the event: another connection already sees the edit.
      const other = new BetterSqlite3(store.path, { readonly: true });
      try {
        const row = other.prepare('SELECT schedule_revision FROM channels').get() as { schedule_revision: number };
        expect(row.schedule_revision).toBe(event.revision);
      } finally {
        other.close();
      }
      changed.push(event);
    },
    onSettings: (settings) => settingsEvents.push(settings),
    log: new Logger({ sink: () => {} }),
    now: () => new Date(nowMs),
  });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('adding', () => {
  it('adds media at a fixed time, behind an item, and behind the last item; breaks at chapters add to the length', () => {
    const show = addMedia('show.mp4', 600, [
      { title: 'open', startSeconds: 0 },
      { title: 'part 2', startSeconds: 300 },
    ]);
    const a = service.add({ mediaId: show.id, startAt: iso(T0) });
    expect(a).toMatchObject({
      kind: 'media',
      title: 'show.mp4',
      anchor: 'fixed',
      startAt: iso(T0),
      durationSeconds: 600,
      inSeconds: 0,
      playSeconds: 600,
      problem: null,
    });
    const b = service.add({ mediaId: show.id, breaks: { atChapters: true, durationSeconds: 60 } });
    expect(b).toMatchObject({
      anchor: 'follows',
      afterId: a.id,
      startAt: iso(T0 + 600 * S),
      durationSeconds: 660,
      breaks: { atChapters: true, durationSeconds: 60, marks: [{ atSeconds: 300, startAt: iso(T0 + 900 * S), durationSeconds: 60 }] },
    });
    // Inserted behind a: b now follows it and shifts.
    const c = service.add({ mediaId: show.id, after: a.id });
    expect(c.startAt).toBe(iso(T0 + 600 * S));
    expect(service.list({ from: iso(T0) }).map((item) => [item.id, item.startAt])).toEqual([
      [a.id, iso(T0)],
      [c.id, iso(T0 + 600 * S)],
      [b.id, iso(T0 + 1200 * S)],
    ]);
    expect(service.list({ from: iso(T0) }).find((item) => item.id === b.id)!.afterId).toBe(c.id);
    expect(changed.map((event) => event.revision)).toEqual([1, 2, 3]);
  });

  it('refuses media that is unknown, failed, or missing on disk, naming mediaId', () => {
    expect(() => service.add({ mediaId: 99, startAt: iso(T0) })).toThrow(expect.objectContaining({ apiCode: 'BAD_ARGUMENT', field: 'mediaId' }));
    const broken = media.upsertProbed(
      {
        path: path.join(dir, 'broken.mp4'),
        name: 'broken.mp4',
        state: 'failed',
        reason: 'moov atom not found',
        durationSeconds: null,
        video: null,
        audio: null,
        chapters: [],
      },
      new Date(T0),
    );
    expect(() => service.add({ mediaId: broken.id, startAt: iso(T0) })).toThrow(/failed to probe \(moov atom not found\) and cannot be scheduled/);
    const gone = addMedia('gone.mp4', 60);
    rmSync(gone.path);
    expect(() => service.add({ mediaId: gone.id, startAt: iso(T0) })).toThrow(/is missing on disk/);
    expect(() => service.add({ mediaId: addMedia('x.mp4', 60).id })).toThrow(/the schedule is empty/);
    expect(service.list({ from: iso(T0 - 86400 * S) })).toEqual([]);
    expect(changed).toEqual([]);
  });

  it('adds a live block for a scene that exists', () => {
    const live = service.addLive({ sceneId, startAt: iso(T0), durationSeconds: 3600 });
    expect(live).toMatchObject({ kind: 'live', title: 'Studio cam', sceneId, mediaId: null, durationSeconds: 3600, breaks: null });
    expect(() => service.addLive({ sceneId: sceneId + 1, startAt: iso(T0 + 7200 * S), durationSeconds: 60 })).toThrow(
      expect.objectContaining({ apiCode: 'BAD_ARGUMENT', field: 'sceneId' }),
    );
  });
});

describe('validation', () => {
  it('refuses an overlap with a fixed item with 409, naming it; nothing is stored', () => {
    const news = addMedia('news.mp4', 1800);
    const film = addMedia('film.mp4', 5400);
    const fixed = service.add({ mediaId: news.id, startAt: iso(T0) });
    let error: unknown;
    try {
      service.add({ mediaId: film.id, startAt: iso(T0 - 3000 * S) });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({
      apiCode: 'CONFLICT',
      field: 'startAt',
      message: `It would overlap "news.mp4" (item ${fixed.id}, ${iso(T0)}–${iso(T0 + 1800 * S)}) (it would run ${iso(T0 - 3000 * S)}–${iso(T0 + 2400 * S)}).`,
    });
    expect(service.list({ from: iso(T0 - 86400 * S) })).toHaveLength(1);
    expect(changed).toHaveLength(1);
  });

  it('shifts followers on a trim, and refuses the trim that pushes one into a fixed item', () => {
    const show = addMedia('show.mp4', 1200);
    const a = service.add({ mediaId: show.id, startAt: iso(T0) });
    const b = service.add({ mediaId: show.id, after: a.id });
    const fixed = service.add({ mediaId: show.id, startAt: iso(T0 + 3000 * S) });
    service.trim({ id: a.id, durationSeconds: 600 });
    expect(service.list().find((item) => item.id === b.id)!.startAt).toBe(iso(T0 + 600 * S));
    service.trim({ id: a.id, inSeconds: 100 }); // the head: the out point stays
    expect(service.list().find((item) => item.id === a.id)).toMatchObject({ inSeconds: 100, playSeconds: 500 });
    expect(() => service.trim({ id: a.id, inSeconds: 0, durationSeconds: 1200 })).not.toThrow();
    expect(() => service.setBreaks({ id: a.id, breaks: { atChapters: true, durationSeconds: 30 } })).not.toThrow(); // no chapters: no breaks
    expect(() => service.trim({ id: b.id, inSeconds: 700, durationSeconds: 600 })).toThrow(
      expect.objectContaining({ apiCode: 'BAD_ARGUMENT', field: 'durationSeconds', message: expect.stringContaining('past its end (1200 s)') }),
    );
    // A head trim of a fixed item that keeps its end, in one edit: earlier start, earlier in point.
    service.trim({ id: fixed.id, inSeconds: 100, durationSeconds: 1100, startAt: iso(T0 + 3100 * S) });
    expect(service.trim({ id: fixed.id, inSeconds: 0, durationSeconds: 1200, startAt: iso(T0 + 3000 * S) })).toMatchObject({
      startAt: iso(T0 + 3000 * S),
      inSeconds: 0,
      playSeconds: 1200,
    });
    expect(() => service.trim({ id: b.id, durationSeconds: 100, startAt: iso(T0 + 5000 * S) })).toThrow(
      expect.objectContaining({ apiCode: 'BAD_ARGUMENT', field: 'startAt' }),
    );
    const longer = addMedia('long.mp4', 4000);
    expect(() => service.add({ mediaId: longer.id, after: b.id })).toThrow(new RegExp(`It would overlap "show.mp4" \\(item ${fixed.id}`));
    const c = service.add({ mediaId: longer.id, startAt: iso(T0 + 86400 * S) });
    service.trim({ id: c.id, durationSeconds: 600 });
    expect(service.move({ id: c.id, after: b.id }).startAt).toBe(iso(T0 + 2400 * S));
    expect(() => service.trim({ id: c.id, durationSeconds: 601 })).toThrow(new RegExp(`It would overlap "show.mp4" \\(item ${fixed.id}`));
  });

  it('while on air: refuses past and started edits, allows trimming the end of the item on air and editing the future', () => {
    const show = addMedia('show.mp4', 1200);
    const a = service.add({ mediaId: show.id, startAt: iso(T0) });
    const b = service.add({ mediaId: show.id, after: a.id });
    nowMs = T0 + 60 * S;
    expect(() => service.move({ id: a.id, startAt: iso(T0 + 7200 * S) })).toThrow(
      expect.objectContaining({ apiCode: 'CONFLICT', message: expect.stringMatching(/is on air now/) }),
    );
    expect(() => service.remove({ ids: [a.id] })).toThrow(/cannot be removed/);
    expect(() => service.add({ mediaId: show.id, startAt: iso(T0 + 30 * S) })).toThrow(/in the past/);
    expect(() => service.trim({ id: a.id, inSeconds: 10 })).toThrow(/on air now/);
    expect(service.trim({ id: a.id, durationSeconds: 900 }).durationSeconds).toBe(900);
    expect(service.list().find((item) => item.id === b.id)!.startAt).toBe(iso(T0 + 900 * S));
    expect(service.move({ id: b.id, startAt: iso(T0 + 7200 * S) }).startAt).toBe(iso(T0 + 7200 * S));
  });

  it('moves behind an item and removes, closing the chain up', () => {
    const show = addMedia('show.mp4', 600);
    const a = service.add({ mediaId: show.id, startAt: iso(T0) });
    const b = service.add({ mediaId: show.id, after: a.id });
    const c = service.add({ mediaId: show.id, after: b.id });
    const d = service.add({ mediaId: show.id, startAt: iso(T0 + 7200 * S) });
    expect(service.move({ id: d.id, after: a.id }).startAt).toBe(iso(T0 + 600 * S));
    expect(service.list().map((item) => item.id)).toEqual([a.id, d.id, b.id, c.id]);
    expect(() => service.move({ id: a.id, after: c.id })).toThrow(expect.objectContaining({ apiCode: 'BAD_ARGUMENT', field: 'after' }));
    expect(service.remove({ ids: [d.id, b.id] })).toEqual({ removed: [b.id, d.id] });
    expect(service.list().map((item) => [item.id, item.startAt])).toEqual([
      [a.id, iso(T0)],
      [c.id, iso(T0 + 600 * S)],
    ]);
    expect(() => service.remove({ ids: [12345] })).toThrow(expect.objectContaining({ apiCode: 'NOT_FOUND', field: 'ids' }));
    expect(() => service.move({ id: 12345, startAt: iso(T0) })).toThrow(expect.objectContaining({ apiCode: 'NOT_FOUND', field: 'id' }));
  });

  it('pins started followers, so chapters edited on an aired item do not move what is on air', () => {
    const chapters = [
      { title: 'a', startSeconds: 0 },
      { title: 'b', startSeconds: 30 },
    ];
    const show = addMedia('show.mp4', 60, chapters);
    const a = service.add({ mediaId: show.id, startAt: iso(T0), breaks: { atChapters: true, durationSeconds: 10 } });
    const b = service.add({ mediaId: show.id, after: a.id });
    const c = service.add({ mediaId: show.id, after: b.id });
    nowMs = T0 + 100 * S; // b is on air (70 s – 130 s)
    const startOf = (id: number) => service.list({ from: iso(T0) }).find((item) => item.id === id)!.startAt;
    // Unpinned, a chapter added to a's media would add a break to a and push b off its start.
    media.update(show.id, { chapters: [...chapters, { title: 'c', startSeconds: 45 }] });
    service.mediaChanged(); // as the engine does on media.changed
    expect(startOf(b.id)).toBe(iso(T0 + 80 * S));
    media.update(show.id, { chapters });
    service.mediaChanged();
    service.pinStarted();
    expect(service.list({ from: iso(T0) }).find((item) => item.id === b.id)).toMatchObject({ anchor: 'fixed', startAt: iso(T0 + 70 * S) });
    expect(service.list({ from: iso(T0) }).find((item) => item.id === c.id)).toMatchObject({ anchor: 'follows', afterId: b.id });
    media.update(show.id, { chapters: [...chapters, { title: 'c', startSeconds: 45 }] });
    service.mediaChanged(); // as the engine does on media.changed
    expect(startOf(b.id)).toBe(iso(T0 + 70 * S));
    const events = changed.length;
    service.pinStarted(); // nothing more to pin: no write
    expect(changed.length).toBe(events);
  });

  it('lists what overlaps the range, a week by default, at most 31 days', () => {
    const show = addMedia('show.mp4', 600);
    service.add({ mediaId: show.id, startAt: iso(T0) });
    service.add({ mediaId: show.id, startAt: iso(T0 + 8 * 86400 * S) });
    expect(service.list()).toHaveLength(1);
    expect(service.list({ from: iso(T0 + 300 * S), to: iso(T0 + 9 * 86400 * S) })).toHaveLength(2);
    expect(service.list({ from: iso(T0 + 600 * S), to: iso(T0 + 700 * S) })).toHaveLength(0);
    expect(() => service.list({ from: iso(T0), to: iso(T0 + 32 * 86400 * S) })).toThrow(expect.objectContaining({ apiCode: 'BAD_ARGUMENT', field: 'to' }));
  });

  it('keeps media an unaired item plays in the library (CONFLICT naming the item); history does not hold it', () => {
    const show = addMedia('show.mp4', 600);
    const a = service.add({ mediaId: show.id, startAt: iso(T0) });
    expect(() => service.refuseMediaRemoval(show.id)).toThrow(
      expect.objectContaining({ apiCode: 'CONFLICT', field: 'id', message: expect.stringContaining(`"show.mp4" (item ${a.id}`) }),
    );
    nowMs = T0 + 601 * S;
    expect(() => service.refuseMediaRemoval(show.id)).not.toThrow();
  });
});

describe('problems and the plan', () => {
  const kinds = (pieces: PlanPiece[]) => pieces.map((piece) => [piece.kind, piece.startMs - T0, piece.endMs - T0, piece.title]);

  it('is gapless: items, filler cycled in gaps, each filler from 0; the same pieces for any window', () => {
    const show = addMedia('show.mp4', 60, [
      { title: 'a', startSeconds: 0 },
      { title: 'b', startSeconds: 30 },
    ]);
    const ident = addMedia('ident.mp4', 10);
    const promo = addMedia('promo.mp4', 25);
    service.setSettings({ fillerMediaIds: [ident.id, promo.id] });
    expect(settingsEvents.at(-1)!.fillerMediaIds).toEqual([ident.id, promo.id]);
    const a = service.add({ mediaId: show.id, startAt: iso(T0), breaks: { atChapters: true, durationSeconds: 5 } });
    service.add({ mediaId: show.id, startAt: iso(T0 + 120 * S) });
    const pieces = service.piecesBetween(T0, T0 + 200 * S);
    expect(kinds(pieces)).toEqual([
      ['media', 0, 65 * S, 'show.mp4'],
      ['filler', 65 * S, 75 * S, 'ident.mp4'],
      ['filler', 75 * S, 100 * S, 'promo.mp4'],
      ['filler', 100 * S, 110 * S, 'ident.mp4'],
      ['filler', 110 * S, 120 * S, 'promo.mp4'], // cut at the gap's end
      ['media', 120 * S, 180 * S, 'show.mp4'],
      ['filler', 180 * S, 190 * S, 'ident.mp4'],
      ['filler', 190 * S, 215 * S, 'promo.mp4'],
    ]);
    expect(pieces[0]).toMatchObject({ kind: 'media', itemId: a.id, inSeconds: 0, path: show.path, breaks: [{ atSeconds: 30, durationSeconds: 5 }] });
    expect(pieces.filter((piece) => piece.kind === 'filler').every((piece) => piece.inSeconds === 0 && piece.standsInFor === null)).toBe(true);
    for (let i = 1; i < pieces.length; i++) expect(pieces[i]!.startMs).toBe(pieces[i - 1]!.endMs);
    // A window inside: the same pieces. Before the first item, the cycles run from the epoch
    // (T0 is 30 s past a 35 s cycle's start), the last cut where the item starts.
    expect(service.piecesBetween(T0 + 101 * S, T0 + 111 * S)).toEqual(pieces.slice(3, 5));
    expect(T0 % (35 * S)).toBe(30 * S);
    expect(kinds(service.piecesBetween(T0 - 40 * S, T0 + S))).toEqual([
      ['filler', -55 * S, -30 * S, 'promo.mp4'],
      ['filler', -30 * S, -20 * S, 'ident.mp4'],
      ['filler', -20 * S, 0, 'promo.mp4'],
      ['media', 0, 65 * S, 'show.mp4'],
    ]);
  });

  it('answers a window from the items around it alone: the same pieces as a window over everything', () => {
    const show = addMedia('show.mp4', 90, [
      { title: 'a', startSeconds: 0 },
      { title: 'b', startSeconds: 40 },
    ]);
    const ident = addMedia('ident.mp4', 7);
    service.setSettings({ fillerMediaIds: [ident.id] });
    // Straight into the store: fixed items with gaps, chains behind some, and overruns (as chapter edits leave them).
    const repository = new ScheduleRepository(store.db);
    let random = 7;
    const next = () => {
      random = (random * 48271) % 2147483647;
      return random / 2147483647;
    };
    for (let i = 0; i < 60; i++) {
      repository.edit((items) => {
        const last = items.at(-1);
        const follows = last !== undefined && next() < 0.5 && !items.some((item) => item.afterId === last.id);
        const item = {
          id: -1,
          kind: 'media' as const,
          title: `item ${i}`,
          mediaId: show.id,
          sceneId: null,
          startAtMs: follows ? null : T0 + Math.round(next() * 3 * 3600) * S,
          afterId: follows ? last!.id : null,
          inSeconds: 0,
          playSeconds: 10 + Math.round(next() * 80),
          breakSeconds: next() < 0.3 ? 5 : null,
        };
        return { items: [...items, item], result: () => null };
      });
    }
    service.mediaChanged();
    const wideFrom = T0 - 600 * S;
    const wideTo = T0 + 4 * 3600 * S;
    const wide = service.piecesBetween(wideFrom, wideTo);
    for (let round = 0; round < 200; round++) {
      const fromMs = wideFrom + 1000 + Math.round(next() * (wideTo - wideFrom - 200_000));
      const toMs = fromMs + 1 + Math.round(next() * 150_000);
      expect(service.piecesBetween(fromMs, toMs)).toEqual(wide.filter((piece) => piece.endMs > fromMs && piece.startMs < toMs));
    }
  });

  it('a file deleted after scheduling: the item says why, and filler (else the slate) stands in for it', () => {
    const show = addMedia('show.mp4', 60);
    const a = service.add({ mediaId: show.id, startAt: iso(T0) });
    rmSync(show.path);
    const [listed] = service.list();
    expect(listed!.problem).toBe(`its file ${show.path} is missing on disk`);
    expect(service.piecesBetween(T0, T0 + 60 * S)).toEqual([
      {
        kind: 'filler',
        mediaId: null,
        title: 'Slate',
        path: null,
        startMs: T0,
        endMs: T0 + 60 * S,
        inSeconds: 0,
        loudnessLufs: null,
        standsInFor: { itemId: a.id, reason: listed!.problem },
      },
    ]);
    const ident = addMedia('ident.mp4', 40);
    service.setSettings({ fillerMediaIds: [ident.id] });
    expect(kinds(service.piecesBetween(T0, T0 + 60 * S))).toEqual([
      ['filler', 0, 40 * S, 'ident.mp4'],
      ['filler', 40 * S, 60 * S, 'ident.mp4'],
    ]);
    expect(service.piecesBetween(T0, T0 + 60 * S).every((piece) => piece.kind === 'filler' && piece.standsInFor?.itemId === a.id)).toBe(true);
  });

  it('a removed scene: the live block says so; filler settings refuse failed media', () => {
    service.addLive({ sceneId, startAt: iso(T0), durationSeconds: 60 });
    expect(kinds(service.piecesBetween(T0, T0 + 10 * S))).toEqual([['live', 0, 60 * S, 'Studio cam']]);
    expect(program.removeScene(sceneId)).toBe(true);
    expect(service.list()[0]!.problem).toBe('its scene was removed');
    expect(service.piecesBetween(T0, T0 + 10 * S)[0]).toMatchObject({ kind: 'filler', mediaId: null });
    expect(() => service.setSettings({ fillerMediaIds: [777] })).toThrow(expect.objectContaining({ field: 'fillerMediaIds.0', apiCode: 'BAD_ARGUMENT' }));
    expect(service.settings().fillerMediaIds).toEqual([]);
  });

  it('tells playout to plan again after an edit, a filler change and a library change; announces filler that left with its media', () => {
    const show = addMedia('show.mp4', 60);
    const ident = addMedia('ident.mp4', 10);
    let replans = 0;
    const unsubscribe = service.onChanged(() => replans++);
    service.add({ mediaId: show.id, startAt: iso(T0) });
    service.setSettings({ fillerMediaIds: [ident.id, show.id] });
    expect(replans).toBe(2);
    const events = changed.length;
    service.mediaChanged(); // nothing left the filler list: no playout.settings
    expect([replans, changed.length, settingsEvents.length]).toEqual([3, events + 1, 1]);
    expect(changed.at(-1)!.revision).toBe(changed.at(-2)!.revision); // no edit: the same revision
    media.remove(ident.id);
    service.mediaChanged();
    expect(settingsEvents.at(-1)!.fillerMediaIds).toEqual([show.id]);
    unsubscribe();
    service.trim({ id: service.list()[0]!.id, durationSeconds: 30 });
    expect(replans).toBe(4);
  });

  it('gives startFrame/startPts only while playout locates frames', () => {
    const show = addMedia('show.mp4', 60);
    service.add({ mediaId: show.id, startAt: iso(T0) });
    expect(service.list()[0]).not.toHaveProperty('startFrame');
    service.setFrameLocator((item) => ({ startFrame: Math.round(((item.startMs - (T0 - 10 * S)) * 25) / 1000), startPts: 126000 }));
    expect(service.list()[0]).toMatchObject({ startFrame: 250, startPts: 126000 });
    service.setFrameLocator(null);
    expect(service.list()[0]).not.toHaveProperty('startPts');
  });
});
