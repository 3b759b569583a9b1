// The program monitor and the scene picture in real Chromium against `studio serve`: before Go
// Live the Scene monitor shows the selected scene as a real picture (its pixels read back from
// the canvas); after Go Live the right monitor's default view, Program, shows the composed
// program's pixels; no console errors; screenshots at 1280×720 and 1920×1080.
import type { SceneInfo, SourceInfo } from '../../src/shared/program.ts';
import { callCommand, collectConsoleErrors, expect, test } from './fixtures.ts';

type Rgb = [number, number, number];

// Functions, not strings: the page's CSP forbids eval. Typed loosely: tests compile without the DOM library.
/** The canvas's picture sampled at (fx, fy) as fractions of its size, copied through a 2D canvas. */
const sampleCanvas = ([selector, points]: [string, Array<[number, number]>]): Rgb[] | null => {
  const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown; createElement(t: string): unknown } }).document;
  const canvas = doc.querySelector(selector) as { width: number; height: number } | null;
  if (!canvas) return null;
  const copy = doc.createElement('canvas') as {
    width: number;
    height: number;
    getContext(kind: '2d'): {
      drawImage(image: unknown, x: number, y: number): void;
      getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
    };
  };
  copy.width = canvas.width;
  copy.height = canvas.height;
  const context = copy.getContext('2d');
  context.drawImage(canvas, 0, 0);
  return points.map(([fx, fy]) => {
    const { data } = context.getImageData(Math.floor(fx * canvas.width), Math.floor(fy * canvas.height), 1, 1);
    return [data[0]!, data[1]!, data[2]!] as Rgb;
  });
};

const near = (actual: Rgb | undefined, expected: Rgb): boolean => actual?.every((value, i) => Math.abs(value - expected[i]!) <= 12) === true;

test('the scene picture shows the selected scene before Go Live, and the Program view the composed program', async ({ page, studio }, testInfo) => {
  test.setTimeout(150_000);
  const consoleErrors = collectConsoleErrors(page);
  await callCommand(studio, 'program.setFormat', {
    width: 1280,
    height: 720,
    frameRate: '30',
    videoBitrateKbps: 800,
    gopFrames: 30,
    x264Preset: 'ultrafast',
    audioBitrateKbps: 64,
    videoEncoder: 'libx264',
  });
  const red = await callCommand<SourceInfo>(studio, 'sources.create', { name: 'Red', config: { kind: 'color', color: '#ff0000', width: 1280, height: 720 } });
  const blue = await callCommand<SourceInfo>(studio, 'sources.create', { name: 'Blue', config: { kind: 'color', color: '#0000ff', width: 640, height: 360 } });
  const redScene = await callCommand<SceneInfo>(studio, 'scenes.create', { name: 'Red', layers: [{ sourceId: red.id }] });
  const side = await callCommand<SceneInfo>(studio, 'scenes.create', { name: 'Side', layers: [{ sourceId: blue.id, x: 640, y: 360 }] });

  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/');
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
  await expect(page.getByTestId('program-stopped')).toBeVisible();

  // Before Go Live: the Side scene, never on air, as a picture: blue bottom-right quarter, black elsewhere.
  await page.locator(`[data-testid="scene-row"][data-scene-id="${side.id}"] .item-row__select`).click();
  const scenePicture = '[data-testid="scene-picture"]';
  await expect(page.locator(scenePicture)).toHaveAttribute('data-frames', /[1-9]/, { timeout: 30_000 });
  await expect
    .poll(
      async () => {
        const [quarter, topLeft] =
          (await page.evaluate(sampleCanvas, [
            scenePicture,
            [
              [0.75, 0.75],
              [0.25, 0.25],
            ],
          ] as [string, Array<[number, number]>])) ?? [];
        return near(quarter, [0, 0, 255]) && near(topLeft, [0, 0, 0]);
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  await page.screenshot({ path: testInfo.outputPath('scene-picture-before-live-1280x720.png') });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: testInfo.outputPath('scene-picture-before-live-1920x1080.png') });

  // Go Live, then take the program to the red scene: the Program view (the default) shows it composed.
  await page.getByTestId('program-go-live').click();
  await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'live', { timeout: 60_000 });
  await page.locator(`[data-testid="scene-row"][data-scene-id="${redScene.id}"] .item-row__select`).click();
  const programPicture = '[data-testid="program-picture"]';
  await expect(page.getByTestId('program-view-program')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator(programPicture)).toHaveAttribute('data-frames', /[1-9]/, { timeout: 30_000 });
  await expect
    .poll(
      async () => {
        const samples =
          (await page.evaluate(sampleCanvas, [
            programPicture,
            [
              [0.5, 0.5],
              [0.1, 0.1],
              [0.9, 0.9],
            ],
          ] as [string, Array<[number, number]>])) ?? [];
        return samples.length === 3 && samples.every((sample) => near(sample, [255, 0, 0]));
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  // Frames keep coming (a live picture, not one still).
  const framesNow = Number(await page.locator(programPicture).getAttribute('data-frames'));
  await expect.poll(async () => Number(await page.locator(programPicture).getAttribute('data-frames')), { timeout: 30_000 }).toBeGreaterThan(framesNow + 10);
  // The scene picture (now the on-air Red scene) keeps coming while live, beside the program's.
  const sceneFramesNow = Number(await page.locator(scenePicture).getAttribute('data-frames'));
  await expect.poll(async () => Number(await page.locator(scenePicture).getAttribute('data-frames')), { timeout: 30_000 }).toBeGreaterThan(sceneFramesNow + 5);
  await expect(page.locator('.scene-picture .picture')).toHaveAttribute('data-state', 'live');
  await page.screenshot({ path: testInfo.outputPath('program-monitor-live-1920x1080.png') });
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.screenshot({ path: testInfo.outputPath('program-monitor-live-1280x720.png') });

  // The encoded view is the other choice; the choice outlives a reload; and Program comes back.
  await page.getByTestId('program-view-encoded').click();
  await expect(page.locator(programPicture)).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
  await expect(page.getByTestId('program-view-encoded')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator(programPicture)).toHaveCount(0);
  await page.getByTestId('program-view-program').click();
  await expect(page.locator(programPicture)).toHaveAttribute('data-frames', /[1-9]/, { timeout: 30_000 });
  await page.reload();
  await expect(page.getByTestId('program-view-program')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator(programPicture)).toHaveAttribute('data-frames', /[1-9]/, { timeout: 30_000 });

  await callCommand(studio, 'program.stop');
  await expect(page.getByTestId('program-stopped')).toBeVisible({ timeout: 30_000 });
  expect(consoleErrors).toEqual([]);
});
