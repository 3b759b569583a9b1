import { describe, expect, it } from 'vitest';
import type { EventName, EventPayloads } from '../../../../shared/contract.ts';
import type { PlayoutStatus, ScheduleItem } from '../../../../shared/schedule.ts';
import type { StudioClient } from '../../api/client.ts';
import { StudioApiError } from '../../api/errors.ts';
import { bindStoreToClient, createStudioStore } from '../index.ts';
import { scheduleSelectors } from './schedule.ts';

type Handler = (args: Record<string, unknown>) => unknown;

/** A client whose commands are the given functions (recorded), and whose events the test pushes. */
function fakeClient(handlers: Record<string, Handler>) {
  const calls: Array<{ command: string; args: Record<string, unknown> }> = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const client = {
    transport: 'websocket',
    connectionState: 'open',
    call: async (command: string, args: Record<string, unknown> = {}) => {
      calls.push({ command, args });
      const handler = handlers[command];
      if (!handler) throw new StudioApiError('UNAVAILABLE', `${command}: not in this test`);
      return handler(args);
    },
    subscribe(event: string, listener: (payload: unknown) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    onConnectionState: () => () => {},
    reconnect() {},
    close() {},
  } as unknown as StudioClient;
  return {
    client,
    calls,
    emit<E extends EventName>(event: E, payload: EventPayloads[E]) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const T0 = Date.parse('2026-12-06T20:00:00.000Z');

function item(id: number, startMs: number, seconds: number, extra: Partial<ScheduleItem> = {}): ScheduleItem {
  return {
    id,
    kind: 'media',
    title: `Show ${id}`,
    mediaId: 10 + id,
    sceneId: null,
    anchor: 'fixed',
    afterId: null,
    startAt: new Date(startMs).toISOString(),
    durationSeconds: seconds,
    inSeconds: 0,
    playSeconds: seconds,
    breaks: null,
    problem: null,
    ...extra,
  };
}

const ids = (store: ReturnType<typeof createStudioStore>) => store.getState().scheduleIndex.entries.map((entry) => entry.item.id);

describe('the schedule slice', () => {
  it('lists the range the timeline shows with a margin, and not again while the view stays inside it', async () => {
    const fake = fakeClient({ 'schedule.list': () => [item(1, T0, 600)] });
    const store = createStudioStore(fake.client);
    await store.getState().showScheduleRange(T0, T0 + 3_600_000);
    expect(fake.calls).toEqual([{ command: 'schedule.list', args: { from: '2026-12-06T19:00:00.000Z', to: '2026-12-06T22:00:00.000Z' } }]);
    expect(ids(store)).toEqual([1]);
    await store.getState().showScheduleRange(T0 + 600_000, T0 + 4_000_000);
    expect(fake.calls).toHaveLength(1);
    await store.getState().showScheduleRange(T0 + 3 * 3_600_000, T0 + 4 * 3_600_000);
    expect(fake.calls).toHaveLength(2);
  });

  it('lists again on schedule.changed, and takes playout.status from its event', async () => {
    let items = [item(1, T0, 600)];
    const fake = fakeClient({ 'schedule.list': () => items, 'playout.status': () => ({ enabled: false }) });
    const store = createStudioStore(fake.client);
    bindStoreToClient(store, fake.client);
    await store.getState().showScheduleRange(T0, T0 + 3_600_000);
    items = [item(1, T0, 600), item(2, T0 + 600_000, 300)];
    fake.emit('schedule.changed', { revision: 7 });
    await flush();
    expect(ids(store)).toEqual([1, 2]);
    expect(store.getState().scheduleRevision).toBe(7);
    const status: PlayoutStatus = { enabled: true, state: 'idle', now: null, next: null, driftMs: null, message: 'Program not running' };
    fake.emit('playout.status', status);
    expect(scheduleSelectors.playout(store.getState())).toEqual(status);
  });

  it('keeps only the newest list when answers arrive out of order', async () => {
    const answers: Array<(items: ScheduleItem[]) => void> = [];
    const fake = fakeClient({ 'schedule.list': () => new Promise((resolve) => answers.push(resolve)) });
    const store = createStudioStore(fake.client);
    const first = store.getState().showScheduleRange(T0, T0 + 1000);
    const second = store.getState().showScheduleRange(T0 + 10 * 86_400_000, T0 + 10 * 86_400_000 + 1000);
    answers[1]!([item(2, T0 + 10 * 86_400_000, 60)]);
    answers[0]!([item(1, T0, 60)]);
    await Promise.all([first, second]);
    expect(ids(store)).toEqual([2]);
  });

  it('shows a drop at once and sends schedule.add with the ISO start', async () => {
    const fake = fakeClient({ 'schedule.list': () => [], 'schedule.add': (args) => item(5, Date.parse(args.startAt as string), 90) });
    const store = createStudioStore(fake.client);
    await store.getState().showScheduleRange(T0, T0 + 3_600_000);
    const added = store.getState().addMediaAt({ mediaId: 15, name: 'Clip A', durationSeconds: 90 }, T0 + 10_000);
    expect(store.getState().scheduleIndex.entries.map((entry) => entry.item.title)).toEqual(['Clip A']);
    expect(await added).toBe(true);
    expect(fake.calls.at(-1)).toEqual({ command: 'schedule.add', args: { mediaId: 15, startAt: '2026-12-06T20:00:10.000Z' } });
    expect(store.getState().scheduleRefusal).toBeNull();
  });

  it('undoes a refused move and keeps the engine’s message naming the conflict', async () => {
    const conflict = 'Item 2 would overlap "Show 1" (item 1, 2026-12-06T20:00:00.000Z–2026-12-06T20:10:00.000Z)';
    const fake = fakeClient({
      'schedule.list': () => [item(1, T0, 600), item(2, T0 + 3_600_000, 600)],
      'schedule.move': () => {
        throw new StudioApiError('CONFLICT', conflict);
      },
    });
    const store = createStudioStore(fake.client);
    await store.getState().showScheduleRange(T0, T0 + 3_600_000);
    const moved = store.getState().moveItems([{ id: 2, startMs: T0 + 300_000 }]);
    expect(store.getState().scheduleIndex.entries[1]!.startMs).toBe(T0 + 300_000);
    expect(await moved).toBe(false);
    expect(store.getState().scheduleIndex.entries.map((entry) => entry.startMs)).toEqual([T0, T0 + 3_600_000]);
    expect(store.getState().scheduleRefusal).toMatchObject({ action: 'Move “Show 2”', code: 'CONFLICT', message: conflict });
    store.getState().dismissScheduleRefusal();
    expect(store.getState().scheduleRefusal).toBeNull();
  });

  it('undoes a refused drop: the item shown for it goes away', async () => {
    const fake = fakeClient({
      'schedule.list': () => [item(1, T0, 600)],
      'schedule.add': () => {
        throw new StudioApiError('CONFLICT', 'collides with "Show 1" (item 1)');
      },
    });
    const store = createStudioStore(fake.client);
    await store.getState().showScheduleRange(T0, T0 + 3_600_000);
    expect(await store.getState().addMediaAt({ mediaId: 15, name: 'Clip A', durationSeconds: 90 }, T0 + 60_000)).toBe(false);
    expect(ids(store)).toEqual([1]);
    expect(store.getState().scheduleRefusal?.message).toContain('item 1');
  });

  it('trims the end with schedule.trim, and an in point with its start (trim, then move) so the end stays', async () => {
    const fake = fakeClient({ 'schedule.list': () => [item(1, T0, 600)], 'schedule.trim': () => item(1, T0, 500), 'schedule.move': () => item(1, T0, 500) });
    const store = createStudioStore(fake.client);
    await store.getState().showScheduleRange(T0, T0 + 3_600_000);
    fake.calls.length = 0;
    expect(await store.getState().trimItem(1, { durationSeconds: 500 })).toBe(true);
    expect(fake.calls).toEqual([{ command: 'schedule.trim', args: { id: 1, durationSeconds: 500 } }]);
    expect(store.getState().scheduleIndex.entries[0]!.endMs).toBe(T0 + 500_000);
    fake.calls.length = 0;
    expect(await store.getState().trimItem(1, { inSeconds: 100, durationSeconds: 400, startMs: T0 + 100_000 })).toBe(true);
    expect(fake.calls.map((call) => call.command)).toEqual(['schedule.trim', 'schedule.move']);
    expect(fake.calls[1]!.args).toEqual({ id: 1, startAt: '2026-12-06T20:01:40.000Z' });
  });

  it('selects with Ctrl/Shift adding and removing, removes the selection, and sets breaks', async () => {
    const fake = fakeClient({
      'schedule.list': () => [item(1, T0, 600), item(2, T0 + 600_000, 600), item(3, T0 + 1_200_000, 600)],
      'schedule.remove': (args) => ({ removed: args.ids }),
      'schedule.setBreaks': () => item(2, T0 + 600_000, 610),
    });
    const store = createStudioStore(fake.client);
    await store.getState().showScheduleRange(T0, T0 + 3_600_000);
    store.getState().selectItem(1, 'only');
    store.getState().selectItem(3, 'toggle');
    store.getState().selectItem(2, 'toggle');
    store.getState().selectItem(2, 'toggle');
    expect(store.getState().scheduleSelection).toEqual([1, 3]);
    expect(await store.getState().removeItems(store.getState().scheduleSelection)).toBe(true);
    expect(fake.calls.at(-1)).toEqual({ command: 'schedule.remove', args: { ids: [1, 3] } });
    expect(ids(store)).toEqual([2]);
    expect(store.getState().scheduleSelection).toEqual([]);
    const setting = store.getState().setItemBreaks(2, { atChapters: true, durationSeconds: 30 });
    expect(store.getState().scheduleIndex.entries[0]!.item.breaks).toEqual({ atChapters: true, durationSeconds: 30, marks: [] });
    expect(await setting).toBe(true);
    expect(fake.calls.at(-1)).toEqual({ command: 'schedule.setBreaks', args: { id: 2, breaks: { atChapters: true, durationSeconds: 30 } } });
  });

  it('switches playout and shows why it could not', async () => {
    const fake = fakeClient({
      'playout.setEnabled': (args) => ({ enabled: args.enabled, state: 'idle', now: null, next: null, driftMs: null, message: null }),
    });
    const store = createStudioStore(fake.client);
    expect(await store.getState().setPlayoutEnabled(true)).toBe(true);
    expect(store.getState().playoutStatus?.enabled).toBe(true);
    const refusing = fakeClient({});
    const other = createStudioStore(refusing.client);
    expect(await other.getState().setPlayoutEnabled(true)).toBe(false);
    expect(other.getState().playoutError).toContain('not in this test');
  });
});
