// Electron IPC over the contract. Commands reach the engine only from our own window's own page;
// everything else is refused and logged.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { ipcChannels, type CommandEnvelope } from '../../shared/contract.ts';
import type { Engine } from '../engine/host/engine.ts';

export function serveContractOverIpc(engine: Engine, window: BrowserWindow, isAppUrl: (url: string) => boolean): () => void {
  const log = engine.log.child('ipc');

  const isOurWindow = (event: IpcMainInvokeEvent): boolean =>
    !window.isDestroyed() &&
    event.sender === window.webContents &&
    event.senderFrame !== null &&
    event.senderFrame === window.webContents.mainFrame &&
    isAppUrl(event.senderFrame.url);

  ipcMain.handle(ipcChannels.command, async (event, payload: unknown): Promise<CommandEnvelope> => {
    if (!isOurWindow(event)) {
      log.warn('refused IPC from a sender that is not the studio window', { url: event.senderFrame?.url ?? null });
      return { error: { code: 'FORBIDDEN', message: 'Commands are accepted only from the studio window.' } };
    }
    const { command, args } = (payload ?? {}) as { command?: unknown; args?: unknown };
    if (typeof command !== 'string') return { error: { code: 'BAD_ARGUMENT', message: 'IPC payload needs a command name.', field: 'command' } };
    return engine.dispatch(command, args, { trusted: true });
  });

  const unsubscribe = engine.events.subscribeAll((event, payload) => {
    if (!window.isDestroyed()) window.webContents.send(ipcChannels.event, { event, payload });
  });

  return () => {
    unsubscribe();
    ipcMain.removeHandler(ipcChannels.command);
  };
}
