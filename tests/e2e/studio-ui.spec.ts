// The real renderer in Chromium against a real `studio serve`: live engine health in the status bar.
import { freePort } from '../support/ports.ts';
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

test("stream keys: a bad name shows the engine's field error, a good one is listed masked", async ({ page }) => {
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

test('an SRT output whose passphrase this ffmpeg can only take in its argv says so on its card', async ({ page, studio }) => {
  const call = async (name: string, args: unknown = {}) => {
    const response = await fetch(`${studio.baseURL}/api/v1/commands/${name}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${studio.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(args),
    });
    expect(response.status, `${name}: ${await response.clone().text()}`).toBe(200);
    return (await response.json()) as { result: { id: number } };
  };
  // A listener on a free port: ffmpeg runs and waits for a caller, no program needed.
  const port = await freePort();
  const created = await call('outputs.create', {
    settings: { kind: 'srt', name: 'Distributor', url: `srt://127.0.0.1:${port}`, mode: 'listener', passphrase: 'correct-horse-battery' },
  });
  await page.goto('/');
  await call('outputs.start', { id: created.result.id });
  const warning = page.getByTestId('output-card').getByTestId('output-warning');
  await expect(warning).toContainText('SRT passphrase is visible to local users in the process list');
  await expect(page.getByTestId('output-card')).not.toContainText('correct-horse-battery');
  await call('outputs.stop', { id: created.result.id });
});
