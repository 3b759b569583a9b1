// The renderer's only door to the engine: one function per contract command and event
// subscriptions that return their unsubscribe. Raw ipcRenderer never crosses the bridge.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { MONITOR_IPC, type MonitorBridge } from '../shared/monitor-frame.ts';
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
    // Only a File the page was given (a drop): Electron reads its path in this process, no IPC.
    pathOf: (file: File) => webUtils.getPathForFile(file),
  },
};

contextBridge.exposeInMainWorld('studio', bridge);

// The picture monitors (program, scene): frames from the engine, each acknowledged once handed to the page.
let nextMonitorId = 1;
const monitorBridge: MonitorBridge = {
  open(path, onFrame) {
    if (typeof path !== 'string' || typeof onFrame !== 'function') throw new Error('studioMonitor.open(path, onFrame)');
    const id = nextMonitorId++;
    const handler = (_ipcEvent: IpcRendererEvent, frameId: number, data: Uint8Array) => {
      if (frameId !== id) return;
      const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
      onFrame((whole ? data.buffer : data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) as ArrayBuffer);
      ipcRenderer.send(MONITOR_IPC.ack, id);
    };
    ipcRenderer.on(MONITOR_IPC.frame, handler);
    ipcRenderer.send(MONITOR_IPC.open, id, path);
    return () => {
      ipcRenderer.removeListener(MONITOR_IPC.frame, handler);
      ipcRenderer.send(MONITOR_IPC.close, id);
    };
  },
};

contextBridge.exposeInMainWorld('studioMonitor', monitorBridge);
