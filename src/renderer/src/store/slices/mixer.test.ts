import type { ProgramStatus } from '../../../../shared/program.ts';
import { describe, expect, it } from 'vitest';
import type { EventName, EventPayloads } from '../../../../shared/contract.ts';
import type { StudioClient } from '../../api/client.ts';
import { StudioApiError } from '../../api/errors.ts';
import { bindStoreToClient, createStudioStore } from '../index.ts';
import { mixerSelectors } from './mixer.ts';

/** Answers audio.getMaster / audio.setMaster like the engine; every other command is unavailable here. */
function fakeClient() {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const calls: Array<{ command: string; args: unknown }> = [];
  let master = { gainDb: -3, muted: false };
  const client: StudioClient = {
    transport: 'websocket',
    connectionState: 'open',
    call: (async (command: string, args?: Record<string, unknown>) => {
      calls.push({ command, args });
      if (command === 'audio.getMaster') return master;
      if (command === 'audio.setMaster') {
        master = args as typeof master;
        return master;
      }
      throw new StudioApiError('UNAVAILABLE', `${command}: not in this test`);
    }) as StudioClient['call'],
    subscribe(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    onConnectionState: () => () => {},
    reconnect() {},
    close() {},
  };
  return {
    client,
    calls,
    emit<E extends EventName>(event: E, payload: EventPayloads[E]) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('mixer slice', () => {
  it('loads the master fader on connect, follows audio.master, and sets it through audio.setMaster', async () => {
    const fake = fakeClient();
    const store = createStudioStore(fake.client);
    expect(mixerSelectors.masterAudio(store.getState())).toBeNull();
    bindStoreToClient(store, fake.client);
    await flush();
    expect(mixerSelectors.masterAudio(store.getState())).toEqual({ gainDb: -3, muted: false });

    fake.emit('audio.master', { gainDb: -10, muted: true });
    expect(mixerSelectors.masterAudio(store.getState())).toEqual({ gainDb: -10, muted: true });

    await store.getState().setMasterAudio({ gainDb: 6, muted: false });
    expect(fake.calls.at(-1)).toEqual({ command: 'audio.setMaster', args: { gainDb: 6, muted: false } });
    expect(mixerSelectors.masterAudio(store.getState())).toEqual({ gainDb: 6, muted: false });
  });

  it("reads a source's meter by id and the master's from the same meters event", () => {
    const store = createStudioStore(fakeClient().client);
    expect(mixerSelectors.reading(4)(store.getState())).toBeNull();
    const camera = { peakDbfs: [-18, -19], rmsDbfs: [-21, -22] };
    const master = { peakDbfs: [-30, -30], rmsDbfs: [-33, -33] };
    // Only a running program has a level (store.test.ts checks it goes when the program stops).
    store.setState({ meters: { master, sources: { '4': camera } }, programStatus: { running: true } as ProgramStatus });
    expect(mixerSelectors.reading(4)(store.getState())).toBe(camera);
    expect(mixerSelectors.reading('master')(store.getState())).toBe(master);
    expect(mixerSelectors.reading(5)(store.getState())).toBeNull();
  });
});
