// A studio started on a damaged WAL runs, and says so: the status bar shows the store's warning
// until the next start, and its dialog gives the whole message (where the data as found was kept).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect } from '@playwright/test';
import { tokenCookieName } from '../../src/main/server/auth.ts';
import { dataDirWithDamagedWal } from '../support/store-damage.ts';
import { startStudio } from '../support/studio-server.ts';
import { collectConsoleErrors } from './fixtures.ts';

base('a damaged WAL found at start shows in the status bar, with the whole message a click away', async ({ page, context }, testInfo) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'studio-e2e-wal-'));
  const studio = await startStudio({ dataDir: dataDirWithDamagedWal(root) });
  try {
    const port = Number(new URL(studio.url).port);
    await context.addCookies([{ name: tokenCookieName(port), value: studio.token, url: studio.url, httpOnly: true, sameSite: 'Strict' }]);
    const consoleErrors = collectConsoleErrors(page);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(studio.url);
    await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
    const warning = page.getByTestId('status-store-warnings');
    await expect(warning).toHaveText('⚠ 1 data warning');
    await warning.click();
    const dialog = page.getByTestId('store-warnings-dialog');
    await expect(dialog).toContainText(/studio\.db-wal was damaged: \d+ committed transaction\(s\)/);
    await expect(dialog).toContainText(path.join(studio.dataDir, 'backups'));
    await page.screenshot({ path: testInfo.outputPath('store-warning-1280x720.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.screenshot({ path: testInfo.outputPath('store-warning-1920x1080.png') });
    await page.getByTestId('store-warnings-dialog-close').click();
    await expect(dialog).toHaveCount(0);
    expect(consoleErrors).toEqual([]);
  } finally {
    await studio.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

base('a clean start shows no data warning', async ({ page, context }) => {
  const studio = await startStudio();
  try {
    const port = Number(new URL(studio.url).port);
    await context.addCookies([{ name: tokenCookieName(port), value: studio.token, url: studio.url, httpOnly: true, sameSite: 'Strict' }]);
    await page.goto(studio.url);
    await expect(page.getByTestId('status-uptime')).toHaveAttribute('data-seconds', /\d+/);
    await expect(page.getByTestId('status-store-warnings')).toHaveCount(0);
  } finally {
    await studio.stop();
  }
});
