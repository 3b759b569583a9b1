import { describe, expect, it } from 'vitest';
import type { OutputInfo } from '../../../../shared/contract.ts';
import type { ProgramFormatSettings, SourceInfo } from '../../../../shared/program.ts';
import type { StudioClient } from '../../api/client.ts';
import { StudioApiError } from '../../api/errors.ts';
import { createStudioStore } from '../index.ts';

/** A client that records each call's arguments and answers from the given handlers. */
function recordingClient(handlers: Record<string, (args: Record<string, unknown>) => unknown>) {
  const calls: Array<{ command: string; args: Record<string, unknown> }> = [];
  const client = {
    transport: 'websocket',
    connectionState: 'open',
    call: async (command: string, args: Record<string, unknown> = {}) => {
      calls.push({ command, args });
      const handler = handlers[command];
      if (!handler) throw new StudioApiError('UNAVAILABLE', `${command}: not in this test`);
      return handler(args);
    },
    subscribe: () => () => {},
    onConnectionState: () => () => {},
    reconnect() {},
    close() {},
  } as unknown as StudioClient;
  return { client, calls };
}

const srtOutput = (latencyMs: number): OutputInfo => ({
  id: 4,
  name: 'Distributor',
  settings: { kind: 'srt', name: 'Distributor', url: 'srt://10.0.0.5:9000', mode: 'caller', latencyMs, passphraseSet: true },
  status: null,
});

describe('the editing actions', () => {
  it('updateOutput sends keepSecret with the settings and shows the answer in the outputs list at once', async () => {
    const { client, calls } = recordingClient({ 'outputs.update': () => srtOutput(500) });
    const store = createStudioStore(client);
    store.getState().receiveOutputs([srtOutput(120)]);
    await store.getState().updateOutput(4, { kind: 'srt', url: 'srt://10.0.0.5:9000', latencyMs: 500 }, true);
    expect(calls).toEqual([
      { command: 'outputs.update', args: { id: 4, settings: { kind: 'srt', url: 'srt://10.0.0.5:9000', latencyMs: 500 }, keepSecret: true } },
    ]);
    expect(store.getState().outputs[0]?.settings).toMatchObject({ latencyMs: 500, passphraseSet: true });
  });

  it('setProgramFormat stores the format the engine kept, for the top bar and the next Go Live', async () => {
    const format: ProgramFormatSettings = {
      width: 640,
      height: 360,
      frameRate: '25',
      videoBitrateKbps: 1500,
      gopFrames: 50,
      x264Preset: 'veryfast',
      audioBitrateKbps: 128,
      videoEncoder: 'libx264',
    };
    const { client } = recordingClient({ 'program.setFormat': (args) => args });
    const store = createStudioStore(client);
    await store.getState().setProgramFormat(format);
    expect(store.getState().programFormat).toEqual(format);
  });

  it('updateSource rethrows the refusal with its field and leaves the list as it was', async () => {
    const source: SourceInfo = {
      id: 2,
      name: 'Title',
      config: { kind: 'text', text: 'Hi', fontSize: 48, color: '#ffffff', width: 640, height: 120 },
      audio: { gainDb: 0, muted: false },
      state: null,
      reason: null,
    };
    const { client } = recordingClient({
      'sources.update': () => {
        throw new StudioApiError('BAD_ARGUMENT', 'sources.update: argument "config.text" must not be empty', 'config.text');
      },
    });
    const store = createStudioStore(client);
    store.getState().receiveSources([source]);
    await expect(store.getState().updateSource(2, { config: { kind: 'text', text: '', width: 640, height: 120 } })).rejects.toMatchObject({
      field: 'config.text',
    });
    expect(store.getState().sources).toEqual([source]);
  });
});
