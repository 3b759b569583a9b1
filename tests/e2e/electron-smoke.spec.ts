// The desktop app itself: Electron starts, the hardened window loads the renderer over IPC and
// shows live engine health. Runs wherever the Electron binary is installed.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { repoRoot } from '../support/studio-server.ts';

/** The binary electron's npm package points at, without triggering its on-demand download. */
function electronBinary(): string | null {
  const packageDir = path.join(repoRoot, 'node_modules', 'electron');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const overridden = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron');
    return existsSync(overridden) ? overridden : null;
  }
  const pathFile = path.join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = path.join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

const binary = electronBinary();
const xvfb = ['/usr/bin/Xvfb'].find((candidate) => existsSync(candidate));

test.describe('Electron app', () => {
  test.skip(
    binary === null,
    'Electron binary not installed: its download (from GitHub) is unreachable on this machine, so node_modules/electron has no dist/. The renderer is tested in Chromium against studio serve instead.',
  );
  test.skip(!process.env.DISPLAY && !xvfb, 'No display: neither DISPLAY nor Xvfb is available to open a window.');

  let display: ChildProcess | undefined;
  test.afterAll(() => display?.kill());

  test('opens a sandboxed window that shows the live engine health', async () => {
    const env: Record<string, string> = { ...(process.env as Record<string, string>) };
    if (!env.DISPLAY) {
      const number = 90 + Math.floor(Math.random() * 100);
      display = spawn(xvfb!, [`:${number}`, '-screen', '0', '1600x1000x24'], { stdio: 'ignore' });
      env.DISPLAY = `:${number}`;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const userData = mkdtempSync(path.join(os.tmpdir(), 'studio-electron-'));
    const app = await electron.launch({
      executablePath: binary!,
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), repoRoot],
      env: { ...env, STUDIO_DATA_DIR: userData },
    });
    try {
      const window = await app.firstWindow();
      await expect(window.getByTestId('status-version')).toContainText(/\d+\.\d+\.\d+/);
      await expect(window.getByTestId('status-ffmpeg')).toContainText(/\S/);
      // Sandboxed, isolated renderer: no Node in the page, only the bridge's functions.
      const page = await window.evaluate(() => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        bridge: typeof (globalThis as { studio?: { commands?: unknown } }).studio?.commands,
        ipcRenderer: typeof (globalThis as { studio?: { ipcRenderer?: unknown } }).studio?.ipcRenderer,
      }));
      expect(page).toEqual({ require: 'undefined', process: 'undefined', bridge: 'object', ipcRenderer: 'undefined' });
    } finally {
      await app.close();
      rmSync(userData, { recursive: true, force: true });
    }
  });
});
