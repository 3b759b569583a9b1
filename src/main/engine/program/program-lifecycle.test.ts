// The program's lifecycle events on their own: who hears what, and a stop that no listener can
// hold forever (a throwing or a slow onStopping listener is logged, and the stop goes on).
import { describe, expect, it } from 'vitest';
import { Logger } from '../log.ts';
import type { OnAirControl } from './on-air-control.ts';
import { ProgramLifecycle } from './program-lifecycle.ts';

const control = { onAirScene: () => null } as unknown as OnAirControl;

function lifecycle(lines: string[] = []) {
  return new ProgramLifecycle(new Logger({ sink: (line) => lines.push(line), level: 'warn' }));
}

describe('ProgramLifecycle', () => {
  it('started hands the control to each listener and keeps it until stopped; unsubscribed listeners hear nothing', () => {
    const events = lifecycle();
    const heard: string[] = [];
    events.onStarted((c) => heard.push(c === control ? 'started' : 'other'));
    const off = events.onStarted(() => heard.push('gone'));
    events.onStopped(() => heard.push('stopped'));
    off();
    expect(events.control).toBeNull();
    events.started(control);
    expect(events.control).toBe(control);
    events.stopped();
    expect(events.control).toBeNull();
    events.stopped(); // once only
    expect(heard).toEqual(['started', 'stopped']);
  });

  it('stopping awaits every listener with the control; one that throws is logged and the others still finish', async () => {
    const lines: string[] = [];
    const events = lifecycle(lines);
    const done: string[] = [];
    events.onStopping(async () => {
      throw new Error('deck failed');
    });
    events.onStopping(async (c) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      done.push(c === control ? 'slow one finished' : 'wrong control');
    });
    events.started(control);
    await events.stopping(5_000);
    expect(done).toEqual(['slow one finished']);
    expect(lines.join('\n')).toContain('deck failed');
  });

  it('a listener that never settles holds the stop only until the timeout', async () => {
    const lines: string[] = [];
    const events = lifecycle(lines);
    events.onStopping(() => new Promise<void>(() => {}));
    events.started(control);
    await events.stopping(50);
    expect(lines.join('\n')).toContain('stops without them');
  });

  it('stopping with no program running calls nobody', async () => {
    const events = lifecycle();
    let called = false;
    events.onStopping(async () => {
      called = true;
    });
    await events.stopping(50);
    expect(called).toBe(false);
  });
});
