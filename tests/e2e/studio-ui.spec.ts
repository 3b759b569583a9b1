// The real renderer in Chromium against a real `studio serve`: live engine health in the status bar.
import { expect, test } from './fixtures.ts';

test('the status bar shows the live engine health', async ({ page, studio }) => {
  await page.goto('/');
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
  await expect(page.getByTestId('status-version')).toContainText(studio.health.version);
  expect(studio.health.ffmpeg).not.toBeNull();
  await expect(page.getByTestId('status-ffmpeg')).toContainText(studio.health.ffmpeg!.version);
  await expect(page.getByTestId('status-ffmpeg')).toHaveAttribute('data-ffmpeg', 'present');
  await expect(page.getByTestId('status-datadir')).toContainText(studio.dataDir);
  // Uptime comes from the engine's pushed status and keeps moving.
  const uptime = page.getByTestId('status-uptime');
  await expect(uptime).toHaveAttribute('data-seconds', /\d+/);
  const first = Number(await uptime.getAttribute('data-seconds'));
  await expect.poll(async () => Number(await uptime.getAttribute('data-seconds')), { timeout: 5000 }).toBeGreaterThan(first);
});

test('stream keys: a bad name shows the engine\'s field error, a good one is listed masked', async ({ page }) => {
  await page.goto('/');
  const name = page.getByTestId('stream-key-name');
  await name.fill('   ');
  await name.press('Enter');
  await expect(page.getByTestId('stream-key-name-error')).toContainText('must not be empty');
  await name.fill('Studio camera');
  await name.press('Enter');
  const created = page.getByTestId('stream-key-created');
  await expect(created).toBeVisible();
  await expect(page.getByTestId('stream-key-row')).toHaveCount(1);
  await expect(page.getByTestId('stream-key-masked')).toHaveText(/^••••[0-9a-f]{4}$/);
});
