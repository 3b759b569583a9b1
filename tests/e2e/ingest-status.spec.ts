// The Stream keys dock shows what the ingest receives on each key, from pushed events: live with
// the publisher's size and bitrate while a real ffmpeg publishes, offline once it stops, and the
// last refused publish (a wrong key) without ever showing the key that was tried.
import type { StreamKeyWithSecret } from '../../src/shared/contract.ts';
import { publishTestPattern } from '../support/ingest.ts';
import { callCommand, collectConsoleErrors, expect, test } from './fixtures.ts';

test('the ingest status: a live publish with its figures, then offline, and a refused publish', async ({ page, studio }, testInfo) => {
  test.setTimeout(120_000);
  const consoleErrors = collectConsoleErrors(page);
  const key = await callCommand<StreamKeyWithSecret>(studio, 'streamKeys.create', { name: 'OBS' });

  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/');
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
  const ingestLine = page.locator(`[data-testid="stream-key-row"][data-key-id="${key.id}"] [data-testid="stream-key-ingest"]`);
  await expect(ingestLine).toHaveAttribute('data-live', 'false');
  await expect(ingestLine).toContainText('offline');

  const publisher = publishTestPattern(`rtmp://127.0.0.1:${studio.rtmpPort}/live/${key.key}`, { seconds: 60, size: '320x180' });
  try {
    await expect(ingestLine).toHaveAttribute('data-live', 'true', { timeout: 20_000 });
    await expect(ingestLine).toContainText('320×180');
    // The bitrate comes from ingest.stats: a real figure above zero once the stream has run a while.
    await expect.poll(async () => Number(/(\d+) kbit\/s/.exec((await ingestLine.textContent()) ?? '')?.[1] ?? 0), { timeout: 20_000 }).toBeGreaterThan(0);

    // A wrong key is refused; the dock says so, and never shows the key that was tried.
    const wrongKey = 'live_not-a-key-of-this-studio';
    const refused = publishTestPattern(`rtmp://127.0.0.1:${studio.rtmpPort}/live/${wrongKey}`, { seconds: 5, size: '320x180' });
    try {
      await expect(page.getByTestId('ingest-last-refused')).toContainText('a stream key this studio does not have', { timeout: 20_000 });
      await expect(page.getByTestId('ingest-last-refused')).toContainText('127.0.0.1');
      await expect(page.getByTestId('panel-stream-keys')).not.toContainText(wrongKey);
    } finally {
      await refused.stop('test over');
    }
    await page.getByTestId('panel-stream-keys').scrollIntoViewIfNeeded();
    await page.screenshot({ path: testInfo.outputPath('ingest-status-1280x720.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.getByTestId('panel-stream-keys').scrollIntoViewIfNeeded();
    await page.screenshot({ path: testInfo.outputPath('ingest-status-1920x1080.png') });

    await publisher.stop('publisher gone');
    await expect(ingestLine).toHaveAttribute('data-live', 'false', { timeout: 20_000 });
  } finally {
    await publisher.stop('test over');
  }
  expect(consoleErrors).toEqual([]);
});
