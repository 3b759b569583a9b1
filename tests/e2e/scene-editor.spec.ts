// The scene editor in the real renderer against a real `studio serve`, with the program received
// over a real SRT link (srt-live-transmit) and decoded by ffmpeg: a layer dragged and resized with the
// mouse on the Scene monitor is where the output shows it (pixels inside and outside its new rect),
// and a crop typed in Edit Transform cuts the source in the output. Then z-order by keys and a lock.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import type { OutputInfo } from '../../src/shared/contract.ts';
import type { OutputStatus } from '../../src/shared/outputs.ts';
import type { LayerSettings, SceneInfo, SourceInfo } from '../../src/shared/program.ts';
import { decodePictures, type Picture, rgbAt } from '../support/frame-pixels.ts';
import { ffmpegPath } from '../support/ingest.ts';
import { freePort } from '../support/ports.ts';
import { SrtCapture } from '../support/ts-capture.ts';
import { callCommand, collectConsoleErrors, expect, test } from './fixtures.ts';

const WIDTH = 320;
const HEIGHT = 180;
const FPS = 30;
/** Pictures are decoded at half size (each pixel the mean of 2×2 program pixels): enough for even rects. */
const DECODE_SCALE = 2;

type Rgb = [number, number, number];
const isBlue = ([r, g, b]: Rgb) => b > 180 && r < 70 && g < 70;
const isYellow = ([r, g, b]: Rgb) => r > 180 && g > 180 && b < 80;
const isRed = ([r, g, b]: Rgb) => r > 180 && g < 70 && b < 70;

/** A program pixel (x, y) of a picture decoded at half size. */
const at = (picture: Picture, x: number, y: number) => rgbAt(picture, x / DECODE_SCALE, y / DECODE_SCALE);

/** Drags with the mouse from one program point to another, in steps, through the editor's on-screen scale. */
/**
 * Drags on the editor from one program-pixel point to another, with Ctrl held once the press has
 * selected (OBS: Ctrl holds snapping off), so the layer lands exactly where the pointer says however
 * small the layout makes the editor (its snap distance is 8 screen px, more program px when small).
 */
async function dragOnCanvas(page: Page, editor: Locator, from: { x: number; y: number }, to: { x: number; y: number }) {
  const box = (await editor.boundingBox())!;
  const scale = box.width / WIDTH;
  const screen = (p: { x: number; y: number }) => ({ x: box.x + p.x * scale, y: box.y + p.y * scale });
  const start = screen(from);
  const end = screen(to);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.keyboard.down('Control');
  await page.mouse.move(end.x, end.y, { steps: 12 });
  await page.mouse.up();
  await page.keyboard.up('Control');
}

test('Scene editor: drag and resize a layer with the mouse, crop it in Edit Transform, and the output shows it there', async ({ page, studio }, testInfo) => {
  test.setTimeout(240_000);
  const consoleErrors = collectConsoleErrors(page);
  const call = <T>(name: string, args: unknown = {}) => callCommand<T>(studio, name, args);
  await call('program.setFormat', {
    width: WIDTH,
    height: HEIGHT,
    frameRate: String(FPS),
    videoBitrateKbps: 800,
    gopFrames: 30,
    x264Preset: 'ultrafast',
    audioBitrateKbps: 96,
    videoEncoder: 'libx264',
  });
  // An 80×40 picture, yellow on the left half and red on the right, so a crop shows in the output.
  const boxImage = path.join(studio.dataDir, 'yellow-red.png');
  const made = spawnSync(ffmpegPath(), [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'color=c=yellow:s=40x40',
    '-f',
    'lavfi',
    '-i',
    'color=c=red:s=40x40',
    '-filter_complex',
    'hstack',
    '-frames:v',
    '1',
    '-y',
    boxImage,
  ]);
  expect(made.status, made.stderr.toString()).toBe(0);
  const blue = await call<SourceInfo>('sources.create', { name: 'Blue background', config: { kind: 'color', color: '#0000ff', width: WIDTH, height: HEIGHT } });
  const box = await call<SourceInfo>('sources.create', { name: 'Box', config: { kind: 'image', path: boxImage, width: 80, height: 40 } });
  const scene = await call<SceneInfo>('scenes.create', { name: 'Show', layers: [{ sourceId: blue.id }, { sourceId: box.id, x: 20, y: 20 }] });
  await call('program.switchScene', { sceneId: scene.id });
  const storedBox = async () => (await call<SceneInfo[]>('scenes.list')).find((s) => s.id === scene.id)!.layers[1]!;
  expect(await storedBox()).toMatchObject({ x: 20, y: 20, width: 80, height: 40 });

  const received = path.join(studio.dataDir, 'received');
  mkdirSync(received, { recursive: true });
  const srtPort = await freePort('udp');
  const srt = await call<OutputInfo>('outputs.create', { settings: { kind: 'srt', name: 'Distributor', url: `srt://127.0.0.1:${srtPort}`, latencyMs: 400 } });
  const captureFile = path.join(received, 'program.ts');
  const capture = new SrtCapture(srtPort, captureFile);

  /** A picture of the output made at least a second after now (so after the last edit). */
  const pictureAfterNow = async () => {
    const frame = (await call<{ frame: number }>('program.status')).frame + FPS;
    const { pts } = await call<{ pts: number }>('program.ptsOfFrame', { frame });
    let picture: Picture | undefined;
    await expect
      .poll(
        () => {
          // Until the receiver has a whole frame, the capture does not decode yet.
          try {
            picture = decodePictures(captureFile, WIDTH / DECODE_SCALE, HEIGHT / DECODE_SCALE).get(pts);
          } catch {
            picture = undefined;
          }
          return picture !== undefined;
        },
        { timeout: 60_000, intervals: [1500] },
      )
      .toBe(true);
    return picture!;
  };

  try {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto('/');
    await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
    await page.getByTestId('program-go-live').click();
    await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'live');
    await call<OutputInfo[]>('outputs.startAll');
    await expect
      .poll(async () => (await call<OutputStatus[]>('outputs.status')).find((o) => o.id === String(srt.id))?.state, { timeout: 20_000 })
      .toBe('running');

    const editor = page.getByTestId('scene-editor');
    await expect(editor.getByTestId('editor-layer')).toHaveCount(2);
    const boxOutline = editor.locator('[data-testid="editor-layer"][data-index="1"]');
    await expect(boxOutline).toHaveAttribute('data-rect', '20,20,80,40');

    // The output before: the box at 20,20, yellow then red.
    const before = await pictureAfterNow();
    expect(isYellow(at(before, 40, 40)), 'the box’s yellow half at its first place').toBe(true);
    expect(isRed(at(before, 80, 40)), 'the box’s red half at its first place').toBe(true);
    expect(isBlue(at(before, 200, 130))).toBe(true);

    // Drag the box by its middle from 20,20 to 150,100: selected on press, moved, sent once on release.
    await dragOnCanvas(page, editor, { x: 60, y: 40 }, { x: 190, y: 120 });
    await expect(boxOutline).toHaveAttribute('data-selected', 'true');
    await expect.poll(async () => await storedBox(), { timeout: 10_000 }).toMatchObject({ x: 150, y: 100, width: 80, height: 40 });
    await expect(boxOutline).toHaveAttribute('data-rect', '150,100,80,40');

    // Resize with the bottom-right handle, aspect kept: +40 px across makes it 120×60.
    const handle = (await editor.getByTestId('editor-handle-se').boundingBox())!;
    const scale = (await editor.boundingBox())!.width / WIDTH;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + handle.width / 2 + 40 * scale, handle.y + handle.height / 2 + 20 * scale, { steps: 12 });
    await page.mouse.up();
    await expect.poll(async () => await storedBox(), { timeout: 10_000 }).toMatchObject({ x: 150, y: 100, width: 120, height: 60 });
    await expect(boxOutline).toHaveAttribute('data-rect', '150,100,120,60');
    await page.screenshot({ path: testInfo.outputPath('scene-editor-selected-1280x720.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await expect(boxOutline).toHaveAttribute('data-rect', '150,100,120,60');
    await page.screenshot({ path: testInfo.outputPath('scene-editor-selected-1920x1080.png') });
    await page.setViewportSize({ width: 1280, height: 720 });

    // The output: the box fills 150..270 × 100..160 (left half yellow, right half red), blue around it,
    // and nothing left where it was.
    const moved = await pictureAfterNow();
    for (const [x, y] of [
      [156, 106],
      [200, 130],
      [204, 154],
    ] as const)
      expect(isYellow(at(moved, x, y)), `yellow inside the new rect at ${x},${y}: ${at(moved, x, y)}`).toBe(true);
    for (const [x, y] of [
      [216, 106],
      [264, 130],
      [264, 154],
    ] as const)
      expect(isRed(at(moved, x, y)), `red inside the new rect at ${x},${y}: ${at(moved, x, y)}`).toBe(true);
    for (const [x, y] of [
      [144, 130],
      [276, 130],
      [210, 94],
      [210, 166],
      [40, 40],
      [80, 40],
    ] as const)
      expect(isBlue(at(moved, x, y)), `blue outside the new rect at ${x},${y}: ${at(moved, x, y)}`).toBe(true);

    // Crop the red half away in Edit Transform (Ctrl+E on the canvas): 40 source pixels from the right.
    // The layer keeps its scale (1.5×), so it becomes 60×60: all yellow.
    await editor.focus();
    await page.keyboard.press('Control+KeyE');
    const dialog = page.getByTestId('transform-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('transform-width')).toHaveValue('120');
    // A crop the source cannot take comes back from the engine, shown next to its input.
    await dialog.getByTestId('transform-crop-right').fill('90');
    await dialog.getByTestId('transform-apply').click();
    await expect(dialog.getByTestId('transform-error-crop-right')).toContainText('left + right');
    await dialog.getByTestId('transform-crop-right').fill('40');
    await expect(dialog.getByTestId('transform-width')).toHaveValue('60');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.screenshot({ path: testInfo.outputPath('scene-editor-transform-1920x1080.png') });
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.screenshot({ path: testInfo.outputPath('scene-editor-transform-1280x720.png') });
    await dialog.getByTestId('transform-apply').click();
    await expect(dialog).toBeHidden();
    await expect
      .poll(async () => await storedBox(), { timeout: 10_000 })
      .toMatchObject({ x: 150, y: 100, width: 60, height: 60, crop: { left: 0, right: 40, top: 0, bottom: 0 } });

    const cropped = await pictureAfterNow();
    for (const [x, y] of [
      [156, 106],
      [180, 130],
      [204, 154],
    ] as const)
      expect(isYellow(at(cropped, x, y)), `yellow inside the cropped rect at ${x},${y}: ${at(cropped, x, y)}`).toBe(true);
    for (const [x, y] of [
      [216, 130],
      [264, 130],
      [144, 130],
    ] as const)
      expect(isBlue(at(cropped, x, y)), `blue outside the cropped rect at ${x},${y}: ${at(cropped, x, y)}`).toBe(true);

    // Z-order by keys: Ctrl+Down puts the box under the background (stored bottom first).
    await editor.focus();
    await page.keyboard.press('Control+ArrowDown');
    await expect
      .poll(async () => (await call<SceneInfo[]>('scenes.list')).find((s) => s.id === scene.id)!.layers.map((l: LayerSettings) => l.sourceId), {
        timeout: 10_000,
      })
      .toEqual([box.id, blue.id]);
    await expect(page.getByTestId('scene-layer').first()).toHaveAttribute('data-source-id', String(blue.id));
    await page.keyboard.press('Control+ArrowUp');
    await expect
      .poll(async () => (await call<SceneInfo[]>('scenes.list')).find((s) => s.id === scene.id)!.layers.map((l: LayerSettings) => l.sourceId), {
        timeout: 10_000,
      })
      .toEqual([blue.id, box.id]);

    // Locked in the list: a drag on the canvas selects it but moves nothing, and arrows do not nudge it.
    const boxRow = page.locator(`[data-testid="scene-layer"][data-source-id="${box.id}"]`);
    await boxRow.getByTestId('layer-lock').click();
    await expect.poll(async () => (await storedBox()).locked, { timeout: 10_000 }).toBe(true);
    // The editor acts on the renderer's copy of the scene, which the engine's event updates after the store.
    await expect(boxRow.getByTestId('layer-lock')).toHaveAttribute('aria-label', /^Unlock /);
    await dragOnCanvas(page, editor, { x: 180, y: 130 }, { x: 60, y: 40 });
    await page.keyboard.press('ArrowRight');
    await expect(boxOutline).toHaveAttribute('data-selected', 'true');
    await expect(boxOutline).toHaveAttribute('data-rect', '150,100,60,60');
    // Unlocked, the arrows nudge it: 1 px, and 10 px with Shift, sent when the key is let go.
    await boxRow.getByTestId('layer-lock').click();
    await expect.poll(async () => (await storedBox()).locked, { timeout: 10_000 }).toBe(false);
    await expect(boxRow.getByTestId('layer-lock')).toHaveAttribute('aria-label', /^Lock /); // an arrow before this was ignored (CI)
    await editor.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await storedBox()).x, { timeout: 10_000 }).toBe(151);
    await page.keyboard.press('Shift+ArrowUp');
    await expect.poll(async () => await storedBox(), { timeout: 10_000 }).toMatchObject({ x: 151, y: 90 });
  } finally {
    await capture.stop();
  }
  expect(consoleErrors).toEqual([]);
});

test('Scene editor: reorder by dragging in the layer list, visibility, a snap guide, Alt-crop, Shift-free resize, and Fill bounds in Edit Transform', async ({
  page,
  studio,
}) => {
  test.setTimeout(120_000);
  const consoleErrors = collectConsoleErrors(page);
  const call = <T>(name: string, args: unknown = {}) => callCommand<T>(studio, name, args);
  await call('program.setFormat', {
    width: WIDTH,
    height: HEIGHT,
    frameRate: String(FPS),
    videoBitrateKbps: 800,
    gopFrames: 30,
    x264Preset: 'ultrafast',
    audioBitrateKbps: 96,
    videoEncoder: 'libx264',
  });
  const colour = (name: string, color: string, width: number, height: number) =>
    call<SourceInfo>('sources.create', { name, config: { kind: 'color', color, width, height } });
  const background = await colour('Background', '#202020', WIDTH, HEIGHT);
  const red = await colour('Red', '#ff0000', 80, 40);
  const green = await colour('Green', '#00ff00', 64, 36);
  const scene = await call<SceneInfo>('scenes.create', {
    name: 'Layout',
    layers: [{ sourceId: background.id }, { sourceId: red.id, x: 20, y: 20 }, { sourceId: green.id, x: 200, y: 100 }],
  });
  const stored = async () => (await call<SceneInfo[]>('scenes.list')).find((s) => s.id === scene.id)!.layers;
  const order = async () => (await stored()).map((layer) => layer.sourceId);

  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/');
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
  const editor = page.getByTestId('scene-editor');
  await expect(editor.getByTestId('editor-layer')).toHaveCount(3);
  const row = (sourceId: number) => page.locator(`[data-testid="scene-layer"][data-source-id="${sourceId}"]`);

  // The list is top first: Green, Red, Background. Drag Red onto Green: Red goes on top.
  await expect(page.getByTestId('scene-layer').first()).toHaveAttribute('data-source-id', String(green.id));
  await row(red.id).dragTo(row(green.id));
  await expect.poll(order, { timeout: 10_000 }).toEqual([background.id, green.id, red.id]);
  await expect(page.getByTestId('scene-layer').first()).toHaveAttribute('data-source-id', String(red.id));

  // Hide the background from the list, then show it again.
  await row(background.id).getByTestId('layer-visible').click();
  await expect.poll(async () => (await stored())[0]!.visible, { timeout: 10_000 }).toBe(false);
  await expect(editor.locator(`[data-testid="editor-layer"][data-source-id="${background.id}"]`)).toHaveClass(/scene-editor__layer--hidden/);
  await row(background.id).getByTestId('layer-visible').click();
  await expect.poll(async () => (await stored())[0]!.visible, { timeout: 10_000 }).toBe(true);

  // Drag Red (20,20 80×40) until its centre is 3 px from the canvas centre line, far from any line
  // across: one guide shows, and it lands on the line (x = 160 − 40).
  const frame = (await editor.boundingBox())!;
  const scale = frame.width / WIDTH;
  const screen = (x: number, y: number) => ({ x: frame.x + x * scale, y: frame.y + y * scale });
  const grab = screen(60, 40);
  const drop = screen(60 + 97, 40 + 5);
  await page.mouse.move(grab.x, grab.y);
  await page.mouse.down();
  await page.mouse.move(drop.x, drop.y, { steps: 10 });
  await expect(editor.getByTestId('editor-guide')).toHaveCount(1);
  await page.mouse.up();
  await expect(editor.getByTestId('editor-guide')).toHaveCount(0);
  await expect.poll(async () => (await stored())[2], { timeout: 10_000 }).toMatchObject({ x: 120, y: 25, width: 80, height: 40 });

  // Alt-drag Red's left handle 20 px right: 20 source pixels cropped from the left, the right edge stays.
  const left = (await editor.getByTestId('editor-handle-w').boundingBox())!;
  await page.keyboard.down('Alt');
  await page.mouse.move(left.x + left.width / 2, left.y + left.height / 2);
  await page.mouse.down();
  await page.mouse.move(left.x + left.width / 2 + 20 * scale, left.y + left.height / 2, { steps: 10 });
  await page.mouse.up();
  await page.keyboard.up('Alt');
  await expect
    .poll(async () => (await stored())[2], { timeout: 10_000 })
    .toMatchObject({ x: 140, y: 25, width: 60, height: 40, crop: { left: 20, right: 0, top: 0, bottom: 0 } });

  // Select Green (200,100 64×36) and pull its right edge 30 px with Shift: the width alone changes.
  const greenMiddle = screen(250, 130);
  await page.mouse.click(greenMiddle.x, greenMiddle.y);
  await expect(editor.locator(`[data-testid="editor-layer"][data-source-id="${green.id}"]`)).toHaveAttribute('data-selected', 'true');
  await expect(row(green.id)).toHaveAttribute('data-selected', 'true');
  const handle = (await editor.getByTestId('editor-handle-e').boundingBox())!;
  await page.keyboard.down('Shift');
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(handle.x + handle.width / 2 + 30 * scale, handle.y + handle.height / 2 + 15 * scale, { steps: 10 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await expect.poll(async () => (await stored())[1], { timeout: 10_000 }).toMatchObject({ x: 200, y: 100, width: 94, height: 36 });

  // Edit Transform from the list: Fill a 160×160 box. A 64×36 source scaled 4.44× covers it; 36 of its
  // 64 columns fit, so 14 are cut from each side.
  await row(green.id).getByTestId('layer-transform').click();
  const dialog = page.getByTestId('transform-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('transform-box-width').fill('160');
  await dialog.getByTestId('transform-box-height').fill('160');
  await dialog.getByTestId('transform-bounds').selectOption('fill');
  await expect(dialog.getByTestId('transform-width')).toHaveValue('160');
  await expect(dialog.getByTestId('transform-crop-left')).toHaveValue('14');
  await expect(dialog.getByTestId('transform-crop-right')).toHaveValue('14');
  // Fit instead: the whole source inside the box, 160×90, centred at y 35.
  await dialog.getByTestId('transform-bounds').selectOption('fit');
  await expect(dialog.getByTestId('transform-y')).toHaveValue('35');
  await expect(dialog.getByTestId('transform-height')).toHaveValue('90');
  await expect(dialog.getByTestId('transform-crop-left')).toHaveValue('0');
  await dialog.getByTestId('transform-bounds').selectOption('fill');
  await dialog.getByTestId('transform-apply').click();
  await expect(dialog).toBeHidden();
  await expect
    .poll(async () => (await stored())[1], { timeout: 10_000 })
    .toMatchObject({ x: 0, y: 0, width: 160, height: 160, crop: { left: 14, right: 14, top: 0, bottom: 0 } });
  await expect(editor.locator(`[data-testid="editor-layer"][data-source-id="${green.id}"]`)).toHaveAttribute('data-rect', '0,0,160,160');
  expect(consoleErrors).toEqual([]);
});
