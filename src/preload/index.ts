// The renderer's only door to the engine: one function per contract command and event
// subscriptions that return their unsubscribe. Raw ipcRenderer never crosses the bridge.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  commandNames,
  eventNames,
  ipcChannels,
  type CommandEnvelope,
  type CommandFunctions,
  type EventName,
  type FileChoiceKind,
  type StudioBridge,
} from '../shared/contract.ts';

const commands = Object.fromEntries(
  commandNames.map((command) => [command, (args: unknown) => ipcRenderer.invoke(ipcChannels.command, { command, args }) as Promise<CommandEnvelope>]),
) as unknown as CommandFunctions;

const bridge: StudioBridge = {
  commands,
  onEvent(event, listener) {
    if (!(eventNames as readonly EventName[]).includes(event)) throw new Error(`Unknown event "${event}"`);
    const handler = (_ipcEvent: IpcRendererEvent, message: { event: EventName; payload: never }) => {
      if (message.event === event) listener(message.payload);
    };
    ipcRenderer.on(ipcChannels.event, handler);
    return () => {
      ipcRenderer.removeListener(ipcChannels.event, handler);
    };
  },
  files: {
    choose: (kind: FileChoiceKind) => ipcRenderer.invoke(ipcChannels.chooseFile, kind) as Promise<string | null>,
  },
};

contextBridge.exposeInMainWorld('studio', bridge);
