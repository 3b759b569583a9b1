import type { ProgramStatus, SourceInfo } from '../../../../shared/program.ts';
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
  const sources: SourceInfo[] = [
    { id: 4, name: 'Tone', config: { kind: 'test_pattern', toneHz: 440, width: 160, height: 90 }, audio: { gainDb: -6, muted: false } } as SourceInfo,
    { id: 5, name: 'Mic', config: { kind: 'test_pattern', toneHz: 440, width: 160, height: 90 }, audio: { gainDb: 0, muted: true } } as SourceInfo,
  ];
  let refuseUpdates = false;
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
      if (command === 'sources.update') {
        const { id, audio } = args as { id: number; audio: SourceInfo['audio'] };
        if (refuseUpdates) throw new StudioApiError('UNAVAILABLE', 'the engine is busy');
        const source = sources.find((s) => s.id === id)!;
        source.audio = audio;
        return { ...source };
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
    sources,
    refuse(refuse: boolean) {
      refuseUpdates = refuse;
    },
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

  it('monitors a source per OBS mode: Monitor Only mutes it on the program and leaving it unmutes it; one muted before stays muted', async () => {
    const fake = fakeClient();
    const store = createStudioStore(fake.client);
    store.getState().receiveSources(fake.sources.map((source) => ({ ...source })));
    const mode = (id: number) => mixerSelectors.monitorMode(id)(store.getState());
    const muted = (id: number) => store.getState().sources.find((s) => s.id === id)!.audio.muted;
    expect(mode(4)).toBe('off');

    await store.getState().setMonitorMode(4, 'monitor-and-output');
    expect(mode(4)).toBe('monitor-and-output');
    expect(fake.calls.filter((c) => c.command === 'sources.update')).toHaveLength(0);

    await store.getState().setMonitorMode(4, 'monitor-only');
    expect(mode(4)).toBe('monitor-only');
    expect(fake.calls.at(-1)).toEqual({ command: 'sources.update', args: { id: 4, audio: { gainDb: -6, muted: true } } });
    expect(muted(4)).toBe(true);
    expect(mixerSelectors.monitoredIds(store.getState())).toEqual([4]);

    await store.getState().setMonitorMode(4, 'off');
    expect(mode(4)).toBe('off');
    expect(fake.calls.at(-1)).toEqual({ command: 'sources.update', args: { id: 4, audio: { gainDb: -6, muted: false } } });
    expect(muted(4)).toBe(false);
    expect(mixerSelectors.monitoredIds(store.getState())).toEqual([]);

    // Muted before Monitor Only: nothing to mute, and it stays muted after.
    const updates = fake.calls.length;
    await store.getState().setMonitorMode(5, 'monitor-only');
    await store.getState().setMonitorMode(5, 'monitor-and-output');
    expect(fake.calls.length).toBe(updates);
    expect(muted(5)).toBe(true);
    expect(mode(5)).toBe('monitor-and-output');

    // Unmuted by hand while in Monitor Only: it is heard on the program, so it shows as Monitor and Output.
    await store.getState().setMonitorMode(4, 'monitor-only');
    await store.getState().setSourceAudio(4, { gainDb: -6, muted: false });
    expect(mode(4)).toBe('monitor-and-output');
  });

  it('keeps the mode when the engine refuses the mute', async () => {
    const fake = fakeClient();
    const store = createStudioStore(fake.client);
    store.getState().receiveSources(fake.sources.map((source) => ({ ...source })));
    fake.refuse(true);
    await expect(store.getState().setMonitorMode(4, 'monitor-only')).rejects.toThrow('busy');
    expect(mixerSelectors.monitorMode(4)(store.getState())).toBe('off');
    expect(store.getState().sources.find((s) => s.id === 4)!.audio.muted).toBe(false);
  });
});
