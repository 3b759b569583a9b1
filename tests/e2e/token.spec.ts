// The token on every bind, as a person meets it: `studio serve` prints the UI's URL with the token,
// opening it gives a working UI (live status over the WebSocket, commands answered), and without it
// the browser and the API get 401.
import { expect, test } from '@playwright/test';
import type { Health } from '../../src/shared/contract.ts';
import { startStudio, type RunningStudio } from '../support/studio-server.ts';

let studio: RunningStudio;
test.beforeAll(async () => {
  studio = await startStudio();
});
test.afterAll(async () => {
  await studio?.stop();
});

/** The URL read from the studio's stdout, as a person would copy it from the terminal. */
async function printedUrl(): Promise<string> {
  let url: string | undefined;
  await expect
    .poll(() => {
      url = /^Open the studio: (http:\/\/\S+)$/m.exec(studio.output())?.[1];
      return url;
    })
    .toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+$/);
  return url!;
}

test('the UI works through the URL studio serve printed, and the token leaves the address bar', async ({ page }) => {
  const health = (await (await fetch(`${studio.url}/api/v1/health`, { headers: studio.authHeaders })).json()) as Health;
  await page.goto(await printedUrl());
  await expect(page).toHaveURL(`${studio.url}/`);

  // Live over the WebSocket: connected, the engine's version, and an uptime that keeps moving.
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
  await expect(page.getByTestId('status-version')).toContainText(health.version);
  const uptime = page.getByTestId('status-uptime');
  await expect(uptime).toHaveAttribute('data-seconds', /\d+/);
  const first = Number(await uptime.getAttribute('data-seconds'));
  await expect.poll(async () => Number(await uptime.getAttribute('data-seconds')), { timeout: 10_000 }).toBeGreaterThan(first);

  // A command from the UI is answered: a stream key is created and listed.
  const name = page.getByTestId('stream-key-name');
  await name.fill('Camera 1');
  await name.press('Enter');
  await expect(page.getByTestId('stream-key-row')).toHaveCount(1);

  // The page keeps the token in a cookie its scripts cannot read.
  const cookies = await page.context().cookies(studio.url);
  expect(cookies).toEqual([expect.objectContaining({ name: `studio_token_${studio.port}`, value: studio.token, httpOnly: true, sameSite: 'Strict' })]);
  expect(await page.evaluate<string>('document.cookie')).not.toContain(studio.token);
});

test('a page without the token gets a 401 page that says what to open, and the API a 401', async ({ page }) => {
  const response = await page.goto(`${studio.url}/`);
  expect(response?.status()).toBe(401);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('token');
  await expect(page.locator('body')).toContainText('studio serve');
  await expect(page.getByTestId('status-connection')).toHaveCount(0);

  const withoutToken = await fetch(`${studio.url}/api/v1/commands/system.apiAccess`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  });
  expect(withoutToken.status).toBe(401);
  expect(await withoutToken.text()).not.toContain(studio.token);
  const withToken = await fetch(`${studio.url}/api/v1/commands/system.apiAccess`, {
    method: 'POST',
    headers: { ...studio.authHeaders, 'Content-Type': 'application/json' },
    body: '{}',
  });
  expect(withToken.status).toBe(200);
});
