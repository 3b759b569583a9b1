// The picture monitors over Electron IPC (the desktop app's page has no HTTP origin to open a
// WebSocket to). Same engine objects as studio serve's (engine/host/picture-monitors.ts); the
// page acknowledges each frame, and a send counts as written only then, so a page that does not
// keep up has at most MAX_IN_FLIGHT frames queued and misses the rest (monitor-feed.ts).
import { ipcMain, type BrowserWindow, type IpcMainEvent } from 'electron';
import type { Engine } from '../engine/host/engine.ts';
import type { MonitorSink } from '../engine/monitor/monitor-feed.ts';
import { createPictureMonitors } from '../engine/host/picture-monitors.ts';
import { MONITOR_IPC } from '../../shared/monitor-frame.ts';

interface IpcViewer {
  detach: () => void;
  /** Write callbacks of frames sent and not yet acknowledged, oldest first. */
  pending: Array<(error?: Error) => void>;
}

export function serveMonitorsOverIpc(engine: Engine, window: BrowserWindow, isAppUrl: (url: string) => boolean): () => void {
  const log = engine.log.child('monitor-ipc');
  const monitors = createPictureMonitors(engine);
  const viewers = new Map<number, IpcViewer>();

  const fromOurWindow = (event: IpcMainEvent): boolean =>
    !window.isDestroyed() &&
    event.sender === window.webContents &&
    event.senderFrame !== null &&
    event.senderFrame === window.webContents.mainFrame &&
    isAppUrl(event.senderFrame.url);

  const closeViewer = (id: number): void => {
    const viewer = viewers.get(id);
    if (!viewer) return;
    viewers.delete(id);
    viewer.detach();
    for (const done of viewer.pending.splice(0)) done();
  };
  const closeAll = (): void => {
    for (const id of [...viewers.keys()]) closeViewer(id);
  };

  const onOpen = (event: IpcMainEvent, id: unknown, path: unknown): void => {
    if (!fromOurWindow(event) || typeof id !== 'number' || typeof path !== 'string') return;
    closeViewer(id);
    let url: URL;
    try {
      url = new URL(path, 'http://monitor.invalid');
    } catch {
      return;
    }
    const target = monitors.target(url);
    if (target.kind === 'refused') {
      log.warn(`monitor refused: ${target.message}`);
      return;
    }
    const pending: IpcViewer['pending'] = [];
    // IPC cannot carry the shared frame memory: each frame is copied into this viewer's own
    // buffer (IPC serializes it during send(), so one buffer is enough).
    let copy = Buffer.alloc(0);
    const sink: MonitorSink = {
      bufferedAmount: 0,
      send(data, _options, done) {
        if (window.isDestroyed()) {
          done();
          return;
        }
        if (copy.length !== data.length) copy = Buffer.allocUnsafeSlow(data.length);
        data.copy(copy);
        window.webContents.send(MONITOR_IPC.frame, id, copy);
        pending.push(done);
      },
    };
    const detach = monitors.attach(target, sink);
    if (detach) viewers.set(id, { detach, pending });
  };
  const onAck = (event: IpcMainEvent, id: unknown): void => {
    if (!fromOurWindow(event) || typeof id !== 'number') return;
    viewers.get(id)?.pending.shift()?.();
  };
  const onClose = (event: IpcMainEvent, id: unknown): void => {
    if (fromOurWindow(event) && typeof id === 'number') closeViewer(id);
  };

  ipcMain.on(MONITOR_IPC.open, onOpen);
  ipcMain.on(MONITOR_IPC.ack, onAck);
  ipcMain.on(MONITOR_IPC.close, onClose);
  // A reload leaves its monitors unclosed: the new page starts with none.
  window.webContents.on('did-start-loading', closeAll);

  return () => {
    closeAll();
    ipcMain.removeListener(MONITOR_IPC.open, onOpen);
    ipcMain.removeListener(MONITOR_IPC.ack, onAck);
    ipcMain.removeListener(MONITOR_IPC.close, onClose);
    monitors.close();
  };
}
