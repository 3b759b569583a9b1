// The confidence monitor plays the program's TS feed (GET /api/v1/monitor/program.ts) in mpegts.js
// against a real `studio serve` with a real ffmpeg encode: it plays after Go Live, is torn down at
// Stop, and after the next Go Live plays a new feed (a new request, a new media clock), with no
// console errors (CSP violations included) along the way.
import type { StreamKeyWithSecret } from '../../src/shared/contract.ts';
import type { SceneInfo, SourceInfo } from '../../src/shared/program.ts';
import { publishTestPattern } from '../support/ingest.ts';
import { callCommand, collectConsoleErrors, expect, test } from './fixtures.ts';

const FEED_PATH = '/api/v1/monitor/program.ts';
const MONITOR = '[data-testid="confidence-monitor"]';

// Functions, not strings: the page's CSP forbids eval. Typed loosely: tests compile without the DOM library.
const currentTimeAbove = ([selector, seconds]: [string, number]) => {
  const video = (globalThis as unknown as { document: { querySelector(s: string): { currentTime: number } | null } }).document.querySelector(selector);
  return video !== null && video.currentTime > seconds;
};

test('the confidence monitor plays the TS feed in mpegts.js, is torn down at Stop, and plays a new feed after the next Go Live', async ({
  page,
  studio,
}, testInfo) => {
  test.setTimeout(180_000);
  const consoleErrors = collectConsoleErrors(page);
  const feedRequests: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === FEED_PATH) feedRequests.push(request.url());
  });

  await callCommand(studio, 'program.setFormat', {
    width: 320,
    height: 180,
    frameRate: '30',
    videoBitrateKbps: 500,
    gopFrames: 30,
    x264Preset: 'ultrafast',
    audioBitrateKbps: 96,
    videoEncoder: 'libx264',
  });
  const key = await callCommand<StreamKeyWithSecret>(studio, 'streamKeys.create', { name: 'OBS' });
  const camera = await callCommand<SourceInfo>(studio, 'sources.create', {
    name: 'Camera',
    config: { kind: 'rtmp', streamKeyId: key.id, width: 320, height: 180 },
  });
  await callCommand<SceneInfo>(studio, 'scenes.create', { name: 'Main', layers: [{ sourceId: camera.id }] });

  const publisher = publishTestPattern(`rtmp://127.0.0.1:${studio.rtmpPort}/live/${key.key}`, { seconds: 170, size: '320x180' });
  try {
    await expect.poll(async () => (await callCommand<unknown[]>(studio, 'ingest.list')).length, { timeout: 15_000 }).toBe(1);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto('/');
    await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
    // The right monitor opens on the composed Program picture; the encoded output is its other view.
    await page.getByTestId('program-view-encoded').click();
    await expect(page.getByTestId('program-stopped')).toContainText('Program stopped');
    await expect(page.locator(MONITOR)).toHaveCount(0);

    // First run: the TS feed (not the HLS preview) plays, its clock moves on, audio starts muted.
    await page.getByTestId('program-go-live').click();
    await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'live');
    const monitor = page.getByTestId('confidence-monitor');
    await expect(monitor).toHaveAttribute('data-source', 'ts');
    await page.waitForFunction(currentTimeAbove, [MONITOR, 0.5] as [string, number], { timeout: 40_000 });
    const firstRunAt = await monitor.evaluate((video) => (video as unknown as { currentTime: number }).currentTime);
    await page.waitForFunction(currentTimeAbove, [MONITOR, firstRunAt + 1] as [string, number], { timeout: 20_000 });
    await expect(monitor).toHaveAttribute('data-state', 'playing');
    expect(feedRequests).toHaveLength(1);
    expect(await monitor.evaluate((video) => (video as unknown as { muted: boolean }).muted)).toBe(true);
    await page.getByTestId('confidence-mute').click();
    expect(await monitor.evaluate((video) => (video as unknown as { muted: boolean }).muted)).toBe(false);
    await expect(page.getByTestId('confidence-mute')).toHaveAttribute('aria-pressed', 'true');
    await page.getByTestId('confidence-mute').click();
    expect(await monitor.evaluate((video) => (video as unknown as { muted: boolean }).muted)).toBe(true);
    // A picture whose clock stands still (here paused in the page) turns stale, never playing; it recovers when it moves again.
    await monitor.evaluate((video) => (video as unknown as { pause(): void }).pause());
    await expect(monitor).toHaveAttribute('data-state', 'stale');
    await expect(page.getByTestId('confidence-stale')).toBeVisible();
    await monitor.evaluate((video) => void (video as unknown as { play(): Promise<void> }).play());
    await expect(monitor).toHaveAttribute('data-state', 'playing');
    await expect(page.getByTestId('confidence-stale')).toHaveCount(0);
    await page.screenshot({ path: testInfo.outputPath('confidence-monitor-1280x720.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForFunction(currentTimeAbove, [MONITOR, firstRunAt + 2] as [string, number], { timeout: 20_000 });
    await page.screenshot({ path: testInfo.outputPath('confidence-monitor-1920x1080.png') });
    // Marks this <video>: the next run's monitor must be a new element, not this one carried on.
    await monitor.evaluate((video) => {
      (video as unknown as { dataset: Record<string, string> }).dataset.firstRun = 'true';
    });

    // Stop: the player is torn down; nothing says playing.
    await page.getByTestId('program-stop').click();
    await page.getByTestId('program-stop-confirm').click(); // Stop asks first while live
    await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'stopped');
    await expect(page.getByTestId('program-stopped')).toContainText('Program stopped');
    await expect(page.locator(MONITOR)).toHaveCount(0);
    await expect(page.locator(`${MONITOR}[data-state="playing"]`)).toHaveCount(0);

    // Second run: a new request for the feed, played by a new <video> and player, not the first run's carried on.
    await page.getByTestId('program-go-live').click();
    await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'live');
    await expect.poll(() => feedRequests.length, { timeout: 20_000 }).toBe(2);
    await page.waitForFunction(currentTimeAbove, [MONITOR, 0.5] as [string, number], { timeout: 40_000 });
    const secondRunAt = await monitor.evaluate((video) => (video as unknown as { currentTime: number }).currentTime);
    await expect(monitor).not.toHaveAttribute('data-first-run', 'true');
    await page.waitForFunction(currentTimeAbove, [MONITOR, secondRunAt + 1] as [string, number], { timeout: 20_000 });
    await expect(monitor).toHaveAttribute('data-state', 'playing');
    await page.screenshot({ path: testInfo.outputPath('confidence-monitor-second-run-1920x1080.png') });

    // The HLS preview stays as the check of the HLS path: the switch plays it in hls.js.
    await page.getByTestId('confidence-source-hls').click();
    await expect(monitor).toHaveAttribute('data-source', 'hls');
    await page.waitForFunction(currentTimeAbove, [MONITOR, 0.5] as [string, number], { timeout: 40_000 });
    const hlsAt = await monitor.evaluate((video) => (video as unknown as { currentTime: number }).currentTime);
    await page.waitForFunction(currentTimeAbove, [MONITOR, hlsAt + 1] as [string, number], { timeout: 20_000 });
    await expect(monitor).toHaveAttribute('data-state', 'playing');

    await page.getByTestId('program-stop').click();
    await page.getByTestId('program-stop-confirm').click(); // Stop asks first while live
    await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'stopped');
    await expect(page.locator(MONITOR)).toHaveCount(0);
    expect(consoleErrors).toEqual([]);
  } finally {
    await publisher.stop('test over');
  }
});
