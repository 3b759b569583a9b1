// Electron IPC over the contract. Commands reach the engine only from our own window's own page;
// everything else is refused and logged.
import { dialog, ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { ipcChannels, type CommandEnvelope, type FileChoiceKind } from '../../shared/contract.ts';
import type { Engine } from '../engine/host/engine.ts';

const FILE_DIALOG_TITLE: Record<FileChoiceKind, string> = { image: 'Choose an image', media: 'Choose a media file' };
const FILE_FILTERS: Record<FileChoiceKind, Electron.FileFilter[]> = {
  image: [{ name: 'Images (PNG, JPEG, WebP)', extensions: ['png', 'jpg', 'jpeg', 'webp'] }],
  media: [
    { name: 'Video and audio', extensions: ['mp4', 'mov', 'mkv', 'ts', 'm2ts', 'mts', 'webm', 'flv', 'avi', 'mxf', 'mp3', 'm4a', 'aac', 'wav', 'flac', 'ogg'] },
    { name: 'All files', extensions: ['*'] },
  ],
};

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

  // The native file dialog, for image and media sources: the kind is checked here, the dialog is
  // modal to our window, and only the chosen path goes back (the engine checks the file on use).
  ipcMain.handle(ipcChannels.chooseFile, async (event, kind: unknown): Promise<string | null> => {
    if (!isOurWindow(event)) {
      log.warn('refused a file dialog for a sender that is not the studio window', { url: event.senderFrame?.url ?? null });
      return null;
    }
    if (kind !== 'image' && kind !== 'media') throw new Error('chooseFile: kind must be "image" or "media"');
    const choice = await dialog.showOpenDialog(window, { title: FILE_DIALOG_TITLE[kind], properties: ['openFile'], filters: FILE_FILTERS[kind] });
    return choice.canceled ? null : (choice.filePaths[0] ?? null);
  });

  const unsubscribe = engine.events.subscribeAll((event, payload) => {
    if (!window.isDestroyed()) window.webContents.send(ipcChannels.event, { event, payload });
  });

  return () => {
    unsubscribe();
    ipcMain.removeHandler(ipcChannels.command);
    ipcMain.removeHandler(ipcChannels.chooseFile);
  };
}
