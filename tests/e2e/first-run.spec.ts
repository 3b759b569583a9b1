// The first-run guide in an empty studio: each step ticks from the studio's real state as it
// changes (a key made in the UI, a real ffmpeg publishing to the ingest, a scene with the live
// input, an output), the next step is the one highlighted, and Hide holds across a reload.
import type { StreamKeySummary } from '../../src/shared/contract.ts';
import type { SourceInfo } from '../../src/shared/program.ts';
import { publishTestPattern } from '../support/ingest.ts';
import { callCommand, collectConsoleErrors, expect, test } from './fixtures.ts';

const STEPS = ['streamKey', 'publish', 'scene', 'output', 'goLive'] as const;

test('the first-run guide follows the studio from an empty start, and Hide holds', async ({ page, studio }, testInfo) => {
  test.setTimeout(120_000);
  const consoleErrors = collectConsoleErrors(page);
  const guide = page.getByTestId('first-run-guide');
  const step = (id: (typeof STEPS)[number]) => page.getByTestId(`first-run-${id}`);
  const expectDone = async (done: ReadonlyArray<(typeof STEPS)[number]>) => {
    for (const id of STEPS) await expect(step(id)).toHaveAttribute('data-done', String(done.includes(id)));
  };

  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/');
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
  await expect(guide).toBeVisible();
  await expectDone([]);
  await expect(step('streamKey')).toHaveClass(/first-run__step--next/);
  await page.screenshot({ path: testInfo.outputPath('first-run-empty-1280x720.png') });

  // A key made in the Stream keys dock ticks the first step; the server to point OBS at is shown.
  const keyName = page.getByTestId('panel-stream-keys').getByRole('textbox', { name: 'Name' });
  await keyName.fill('OBS');
  await page.getByTestId('panel-stream-keys').getByRole('button', { name: 'Create key' }).click();
  await expectDone(['streamKey']);
  await expect(step('publish')).toHaveClass(/first-run__step--next/);
  await expect(step('publish').locator('code')).toHaveText(`rtmp://127.0.0.1:${studio.rtmpPort}/live`);

  // A real publish to the ingest with that key ticks the second, from the ingest.published event.
  const [summary] = await callCommand<StreamKeySummary[]>(studio, 'streamKeys.list');
  const { key } = await callCommand<{ key: string }>(studio, 'streamKeys.reveal', { id: summary!.id });
  const publisher = publishTestPattern(`rtmp://127.0.0.1:${studio.rtmpPort}/live/${key}`, { seconds: 60, size: '320x180' });
  try {
    await expectDone(['streamKey', 'publish']);
    await expect(step('publish').locator('code')).toHaveCount(0);

    // A scene holding a colour only is not the step; one holding the live input is.
    const colour = await callCommand<SourceInfo>(studio, 'sources.create', {
      name: 'Blue',
      config: { kind: 'color', color: '#0000ff', width: 320, height: 180 },
    });
    await callCommand(studio, 'scenes.create', { name: 'Colour only', layers: [{ sourceId: colour.id }] });
    const camera = await callCommand<SourceInfo>(studio, 'sources.create', {
      name: 'Camera',
      config: { kind: 'rtmp', streamKeyId: summary!.id, width: 320, height: 180 },
    });
    await expect(page.getByTestId('source-row')).toHaveCount(2);
    await expectDone(['streamKey', 'publish']);
    await callCommand(studio, 'scenes.create', { name: 'Main', layers: [{ sourceId: camera.id }] });
    await expectDone(['streamKey', 'publish', 'scene']);

    await callCommand(studio, 'outputs.create', { settings: { kind: 'recording', name: 'Recording', folder: studio.dataDir } });
    await expectDone(['streamKey', 'publish', 'scene', 'output']);
    await expect(step('goLive')).toHaveClass(/first-run__step--next/);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await guide.scrollIntoViewIfNeeded();
    await page.screenshot({ path: testInfo.outputPath('first-run-one-step-left-1920x1080.png') });

    // Going live completes the guide: it leaves, and a Stop does not bring it back.
    await callCommand(studio, 'program.start');
    await expect(guide).toHaveCount(0);
    await callCommand(studio, 'program.stop');
    await expect(page.getByTestId('program-stopped')).toBeVisible();
    await expect(guide).toHaveCount(0);
    await page.evaluate(() => localStorage.removeItem('studio.firstRunGuide.dismissed'));
    await page.reload();
    await expect(step('goLive')).toHaveAttribute('data-done', 'false');

    // When the publisher stops, the step un-ticks: the guide shows what is true now.
    await publisher.stop('publisher gone');
    await expectDone(['streamKey', 'scene', 'output']);
  } finally {
    await publisher.stop('test over');
  }

  await page.getByTestId('first-run-hide').click();
  await expect(guide).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
  await expect(page.getByTestId('panel-stream-keys')).toBeVisible();
  await expect(guide).toHaveCount(0);
  expect(consoleErrors).toEqual([]);
});
