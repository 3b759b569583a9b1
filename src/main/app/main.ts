// The Electron shell: one hardened window over the same engine `studio serve` runs.
import path from 'node:path';
import { app, BrowserWindow, dialog, safeStorage, session } from 'electron';
import { Engine } from '../engine/host/engine.ts';
import { consoleLogger } from '../engine/log.ts';
import { handleShutdownSignals, killTrackedChildren } from '../engine/process/reaper.ts';
import { APP_ORIGIN, registerAppScheme, serveAppScheme } from './app-protocol.ts';
import { serveContractOverIpc } from './ipc.ts';
import { serveMonitorsOverIpc } from './monitor-ipc.ts';
import { safeStorageCipher } from './safe-storage-cipher.ts';
import { lockDownContents } from './window-security.ts';
import { errorMessage } from '../engine/errors.ts';

// electron-vite's dev server, when running `npm run dev`.
const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const rendererRoot = path.join(import.meta.dirname, '../renderer');
const rendererUrl = devServerUrl ?? `${APP_ORIGIN}/index.html`;

function isAppUrl(url: string): boolean {
  if (devServerUrl) return url.startsWith(devServerUrl);
  return url.startsWith(`${APP_ORIGIN}/`);
}

registerAppScheme();

async function createWindow(engine: Engine): Promise<void> {
  const window = new BrowserWindow({
    width: 1600,
    height: 960,
    minWidth: 1100,
    minHeight: 700,
    backgroundColor: '#16181d',
    title: 'Broadcast Studio',
    show: false,
    webPreferences: {
      preload: path.join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  lockDownContents(window.webContents, isAppUrl);
  const stopIpc = serveContractOverIpc(engine, window, isAppUrl);
  window.on('closed', stopIpc);
  const stopMonitors = serveMonitorsOverIpc(engine, window, isAppUrl);
  window.on('closed', stopMonitors);
  window.once('ready-to-show', () => window.show());
  await window.loadURL(rendererUrl);
}

async function start(): Promise<void> {
  // STUDIO_DATA_DIR, like `studio serve --data-dir`, keeps a run's data apart (tests, several channels).
  if (process.env.STUDIO_DATA_DIR) app.setPath('userData', path.resolve(process.env.STUDIO_DATA_DIR));
  await app.whenReady();
  // No permission (camera, notifications, ...) is granted to web content.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  const log = consoleLogger();
  const engine = await Engine.create({
    dataDir: app.getPath('userData'),
    version: app.getVersion(),
    host: 'electron',
    log,
    // Secrets at rest in the OS keychain; not with Linux's basic_text backend, a fixed password.
    ...(safeStorage.isEncryptionAvailable() && !(process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text')
      ? { secretCipher: safeStorageCipher(safeStorage) }
      : {}),
  });
  serveAppScheme(rendererRoot, engine.outputsHost.previewRoot, (id, kind) => engine.media.picturePath(id, kind));
  app.on('web-contents-created', (_event, contents) => lockDownContents(contents, isAppUrl));
  await createWindow(engine);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow(engine);
  });
  app.on('window-all-closed', () => app.quit());
  // SIGTERM/SIGINT (a logout, a service manager) quit as the window's close does: the engine closes
  // in order below. A second signal while closing kills the children and leaves at once.
  let quitting = false;
  handleShutdownSignals(() => {
    if (quitting) {
      killTrackedChildren();
      app.exit(1);
      return;
    }
    quitting = true;
    app.quit();
  });
  let closed = false;
  app.on('will-quit', (event) => {
    if (closed) return;
    // Stop the program and the ingest (their ffmpeg children) before Electron exits.
    event.preventDefault();
    void engine.close().finally(() => {
      closed = true;
      app.quit();
    });
  });
}

start().catch((error: unknown) => {
  console.error(error);
  // A refusal at start (a damaged database, a read-only data dir) says what and where, not just exits.
  dialog.showErrorBox('Broadcast Studio cannot start', errorMessage(error));
  app.exit(1);
});
