// Every dock of a studio in use, photographed at 1280×720 and 1920×1080 in one run (test artifacts,
// not committed): a real publish on the ingest, a live program with a scene of the live input, a
// test pattern and a colour, a recording output, Studio Mode on. Each dock must be on screen and
// hold its content at both sizes; the pictures are for a person to look at.
import type { StreamKeyWithSecret } from '../../src/shared/contract.ts';
import type { SceneInfo, SourceInfo } from '../../src/shared/program.ts';
import { publishTestPattern } from '../support/ingest.ts';
import { callCommand, collectConsoleErrors, expect, test } from './fixtures.ts';

const DOCKS = [
  'first-run-guide',
  'dock-alert',
  'dock-outputs',
  'panel-stream-keys',
  'panel-api-access',
  'dock-media-library',
  'dock-timeline',
  'dock-scenes',
  'dock-sources',
  'dock-mixer',
  'dock-transitions',
  'dock-cue-deck',
  'dock-stats',
] as const;
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

test('every dock at 1280×720 and 1920×1080, live', async ({ page, studio }, testInfo) => {
  test.setTimeout(300_000); // a busy 2-core machine takes over 2 min for every dock at two sizes
  const consoleErrors = collectConsoleErrors(page);
  const call = <T>(name: string, args: unknown = {}) => callCommand<T>(studio, name, args);
  await call('program.setFormat', {
    width: 640,
    height: 360,
    frameRate: '30',
    videoBitrateKbps: 800,
    gopFrames: 30,
    x264Preset: 'ultrafast',
    audioBitrateKbps: 96,
    videoEncoder: 'libx264',
  });
  const key = await call<StreamKeyWithSecret>('streamKeys.create', { name: 'OBS' });
  const camera = await call<SourceInfo>('sources.create', { name: 'Camera', config: { kind: 'rtmp', streamKeyId: key.id, width: 640, height: 360 } });
  const bars = await call<SourceInfo>('sources.create', { name: 'Bars', config: { kind: 'test_pattern', width: 320, height: 180 } });
  const slate = await call<SourceInfo>('sources.create', { name: 'Slate colour', config: { kind: 'color', color: '#203060', width: 640, height: 360 } });
  const show = await call<SceneInfo>('scenes.create', {
    name: 'Show',
    layers: [{ sourceId: camera.id }, { sourceId: bars.id, x: 400, y: 20, width: 220, height: 124 }],
  });
  await call<SceneInfo>('scenes.create', { name: 'Be right back', layers: [{ sourceId: slate.id }] });
  await call('program.switchScene', { sceneId: show.id });
  await call('outputs.create', { settings: { kind: 'recording', name: 'Archive', folder: studio.dataDir } });
  const publisher = publishTestPattern(`rtmp://127.0.0.1:${studio.rtmpPort}/live/${key.key}`, { seconds: 300, size: '640x360' });
  try {
    await page.setViewportSize(SIZES[0]);
    await page.goto('/');
    await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
    await page.getByTestId('program-go-live').click();
    await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'live');
    await call('outputs.startAll');
    await page.getByTestId('studio-mode-toggle').click();
    await expect(page.locator('[data-testid="source-row"][data-state="running"]')).not.toHaveCount(0, { timeout: 30_000 });
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await page.screenshot({ path: testInfo.outputPath(`studio-${size.width}x${size.height}.png`) });
      for (const dock of DOCKS) {
        const element = page.getByTestId(dock);
        if (dock === 'first-run-guide' && (await element.count()) === 0) continue; // done once is done
        await element.scrollIntoViewIfNeeded();
        await expect(element, `${dock} at ${size.width}×${size.height}`).toBeVisible();
        const box = await element.boundingBox();
        expect(box && box.width > 120 && box.height > 60, `${dock} has room at ${size.width}×${size.height}`).toBe(true);
        await element.screenshot({ path: testInfo.outputPath(`${dock}-${size.width}x${size.height}.png`) });
      }
    }
  } finally {
    await publisher.stop('test over');
  }
  expect(consoleErrors).toEqual([]);
});
