// The engine's event bus: per-event and catch-all listeners, unsubscription, and a throwing
// listener isolated from the others.
import { describe, expect, it } from 'vitest';
import { EventBus } from './event-bus.ts';

const settings = { 'studio.name': 'A' } as never;

describe('EventBus', () => {
  it('delivers an event only to the listeners of that event, and every event to subscribeAll', () => {
    const bus = new EventBus(() => {});
    const settingsSeen: unknown[] = [];
    const keysSeen: unknown[] = [];
    const all: Array<[string, unknown]> = [];
    bus.subscribe('settings.changed', (payload) => settingsSeen.push(payload));
    bus.subscribe('streamKeys.changed', (payload) => keysSeen.push(payload));
    bus.subscribeAll((event, payload) => all.push([event, payload]));

    bus.emit('settings.changed', settings);
    bus.emit('streamKeys.changed', []);

    expect(settingsSeen).toEqual([settings]);
    expect(keysSeen).toEqual([[]]);
    expect(all).toEqual([
      ['settings.changed', settings],
      ['streamKeys.changed', []],
    ]);
  });

  it('stops delivering to a listener once its unsubscribe function ran, and keeps the others', () => {
    const bus = new EventBus(() => {});
    const first: unknown[] = [];
    const second: unknown[] = [];
    const everything: string[] = [];
    const unsubscribeFirst = bus.subscribe('settings.changed', (payload) => first.push(payload));
    bus.subscribe('settings.changed', (payload) => second.push(payload));
    const unsubscribeAll = bus.subscribeAll((event) => everything.push(event));

    bus.emit('settings.changed', settings);
    unsubscribeFirst();
    unsubscribeAll();
    bus.emit('settings.changed', settings);

    expect(first).toHaveLength(1);
    expect(second).toHaveLength(2);
    expect(everything).toEqual(['settings.changed']);
  });

  it('the same function subscribed twice is two subscriptions, each removed on its own', () => {
    const bus = new EventBus(() => {});
    let calls = 0;
    const listener = () => calls++;
    const unsubscribeOne = bus.subscribe('settings.changed', listener);
    bus.subscribe('settings.changed', listener);
    bus.emit('settings.changed', settings);
    expect(calls).toBe(2);
    unsubscribeOne();
    bus.emit('settings.changed', settings);
    expect(calls).toBe(3);
  });

  it('a throwing listener does not stop the listeners after it, and its error is reported', () => {
    const reported: unknown[] = [];
    const bus = new EventBus((error) => reported.push(error));
    const delivered: string[] = [];
    const failure = new Error('listener broke');
    bus.subscribe('settings.changed', () => delivered.push('before'));
    bus.subscribe('settings.changed', () => {
      throw failure;
    });
    bus.subscribeAll(() => {
      throw 'not even an Error';
    });
    bus.subscribe('settings.changed', () => delivered.push('after'));

    expect(() => bus.emit('settings.changed', settings)).not.toThrow();
    expect(delivered).toEqual(['before', 'after']);
    expect(reported).toEqual([failure, 'not even an Error']);

    // The failing listener stays subscribed: the next event reaches everyone again.
    bus.emit('settings.changed', settings);
    expect(delivered).toEqual(['before', 'after', 'before', 'after']);
    expect(reported).toHaveLength(4);
  });

  it('a listener that unsubscribes itself while an event is delivered does not disturb the others', () => {
    const bus = new EventBus(() => {});
    const seen: string[] = [];
    const unsubscribe = bus.subscribe('settings.changed', () => {
      seen.push('once');
      unsubscribe();
    });
    bus.subscribe('settings.changed', () => seen.push('always'));
    bus.emit('settings.changed', settings);
    bus.emit('settings.changed', settings);
    expect(seen).toEqual(['once', 'always', 'always']);
  });
});
