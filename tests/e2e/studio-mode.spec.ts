// Studio Mode in the real renderer against a real `studio serve`, with the program received over a
// real SRT link (srt-live-transmit) and decoded by ffmpeg: a scene picked into Preview and edited
// there leaves the output as it was (pixels), and Transition with a fade of N frames shows in the
// output at exactly the frames the engine named, weight (k+1)/N on frame atFrame+k.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { OutputInfo } from '../../src/shared/contract.ts';
import type { OutputStatus } from '../../src/shared/outputs.ts';
import type { SceneInfo, SourceInfo } from '../../src/shared/program.ts';
import { freePort } from '../support/ports.ts';
import { decodeThumbnails, SrtCapture, THUMB_HEIGHT, THUMB_WIDTH } from '../support/ts-capture.ts';
import { callCommand, collectConsoleErrors, expect, test } from './fixtures.ts';

const FPS = 30;
const FADE_MS = 500; // 15 frames at 30 fps
const FADE_FRAMES = 15;

/** RGB of the thumbnail's pixel at (x, y). */
function pixel(picture: Uint8Array, x: number, y: number): [number, number, number] {
  const at = (y * THUMB_WIDTH + x) * 3;
  return [picture[at]!, picture[at + 1]!, picture[at + 2]!];
}

test('Studio Mode: Preview is edited while Program stays, then Transition fades over N frames at the frames named', async ({ page, studio }, testInfo) => {
  test.setTimeout(180_000);
  const consoleErrors = collectConsoleErrors(page);
  const call = <T>(name: string, args: unknown = {}) => callCommand<T>(studio, name, args);
  await call('program.setFormat', {
    width: 320,
    height: 180,
    frameRate: String(FPS),
    videoBitrateKbps: 800,
    gopFrames: 30,
    x264Preset: 'ultrafast',
    audioBitrateKbps: 96,
    videoEncoder: 'libx264',
  });
  const colour = (name: string, color: string, width = 320, height = 180) =>
    call<SourceInfo>('sources.create', { name, config: { kind: 'color', color, width, height } });
  const red = await colour('Red', '#ff0000');
  const blue = await colour('Blue', '#0000ff');
  const green = await colour('Green box', '#00ff00', 160, 90);
  const redScene = await call<SceneInfo>('scenes.create', { name: 'Red show', layers: [{ sourceId: red.id }] });
  const blueScene = await call<SceneInfo>('scenes.create', { name: 'Blue show', layers: [{ sourceId: blue.id }] });
  await call('program.switchScene', { sceneId: redScene.id });
  const received = path.join(studio.dataDir, 'received');
  mkdirSync(received, { recursive: true });
  const srtPort = await freePort('udp');
  const srt = await call<OutputInfo>('outputs.create', { settings: { kind: 'srt', name: 'Distributor', url: `srt://127.0.0.1:${srtPort}`, latencyMs: 400 } });
  const captureFile = path.join(received, 'program.ts');
  const capture = new SrtCapture(srtPort, captureFile);

  // What the renderer's switch command got back over its WebSocket: the transition's first frame.
  const switchReplies: Array<{ sceneId: number; atFrame: number | null }> = [];
  page.on('websocket', (socket) => {
    const switchIds = new Set<number>();
    socket.on('framesent', ({ payload }) => {
      if (typeof payload !== 'string') return; // the picture monitors' binary frames
      const message = JSON.parse(payload) as { type?: string; id?: number; command?: string };
      if (message.type === 'command' && message.command === 'program.switchScene' && message.id !== undefined) switchIds.add(message.id);
    });
    socket.on('framereceived', ({ payload }) => {
      if (typeof payload !== 'string') return; // the picture monitors' binary frames
      const message = JSON.parse(payload) as { type?: string; id?: number; result?: { sceneId: number; atFrame: number | null } };
      if (message.type === 'result' && message.id !== undefined && switchIds.has(message.id) && message.result) switchReplies.push(message.result);
    });
  });

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

    // Studio Mode on: the scene clicked goes to Preview only.
    await page.getByTestId('studio-mode-toggle').click();
    await expect(page.getByTestId('studio-mode-toggle')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('studio-transition')).toBeVisible();
    const sceneRow = (id: number) => page.locator(`[data-testid="scene-row"][data-scene-id="${id}"]`);
    await expect(sceneRow(redScene.id)).toHaveAttribute('data-on-air', 'true');
    await sceneRow(blueScene.id).locator('.item-row__select').click();
    await expect(sceneRow(blueScene.id)).toHaveAttribute('data-selected', 'true');
    await expect(sceneRow(blueScene.id)).toContainText('preview');
    await expect(page.getByTestId('monitor-preview').locator('..')).toContainText('Preview · Blue show');

    // Edit the Preview scene in the Sources dock: a green box on top of it.
    await page.getByTestId('layer-source').selectOption(String(green.id));
    await page.getByTestId('layer-add').click();
    await expect(page.getByTestId('scene-layer')).toHaveCount(2);
    expect((await call<SceneInfo[]>('scenes.list')).find((s) => s.id === blueScene.id)?.layers.map((l) => l.sourceId)).toEqual([blue.id, green.id]);
    const afterEdit = (await call<{ frame: number }>('program.status')).frame;
    expect((await call<{ onAirSceneId: number }>('program.status')).onAirSceneId).toBe(redScene.id);

    // The fade: 500 ms at 30 fps is 15 frames.
    await page.getByTestId('transition-kind').selectOption('fade');
    await page.getByTestId('transition-duration').fill(String(FADE_MS));
    await page.getByTestId('transition-duration').press('Enter');
    await expect(page.getByTestId('studio-transition')).toContainText(`Fade (${FADE_MS} ms)`);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.screenshot({ path: testInfo.outputPath('studio-mode-preview-1920x1080.png') });
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.screenshot({ path: testInfo.outputPath('studio-mode-preview-1280x720.png') });
    // At 1280×720 Studio Mode fits its panel: both monitors whole and 16:9, every Transition
    // control inside it, nothing running under the channel timeline.
    for (const size of [
      { width: 1280, height: 720 },
      { width: 1920, height: 1080 },
    ]) {
      await page.setViewportSize(size);
      const panel = (await page.getByRole('region', { name: 'Scene and Program' }).boundingBox())!;
      for (const id of ['monitor-preview', 'monitor-program', 'transition-take', 'tbar', 'quick-transition-cut', 'quick-transition-fadeToBlack']) {
        const box = (await page.getByTestId(id).boundingBox())!;
        expect(box.y + box.height, `${id} at ${size.width}×${size.height}`).toBeLessThanOrEqual(panel.y + panel.height + 0.5);
        expect(box.y, `${id} at ${size.width}×${size.height}`).toBeGreaterThanOrEqual(panel.y - 0.5);
        if (id.startsWith('monitor-')) expect(box.width / box.height, `${id} at ${size.width}×${size.height}`).toBeCloseTo(16 / 9, 1);
      }
    }
    await page.setViewportSize({ width: 1280, height: 720 });
    // Some output made after the edit and before the Transition, then take it.
    await expect.poll(async () => (await call<{ frame: number }>('program.status')).frame, { timeout: 20_000 }).toBeGreaterThan(afterEdit + 2 * FPS);
    await page.getByTestId('transition-take').click();
    await expect.poll(() => switchReplies.length, { timeout: 10_000 }).toBe(1);
    const { atFrame } = switchReplies[0]!;
    expect(atFrame).not.toBeNull();
    const start = atFrame as number;
    await expect(sceneRow(blueScene.id)).toHaveAttribute('data-on-air', 'true');
    // OBS's swap: the old Program scene is in Preview now.
    await expect(sceneRow(redScene.id)).toHaveAttribute('data-selected', 'true');
    await page.screenshot({ path: testInfo.outputPath('studio-mode-after-transition-1280x720.png') });

    // Wait until the receiver has a second past the fade, then read the frames the engine named.
    const ptsOf = async (frame: number) => (await call<{ pts: number }>('program.ptsOfFrame', { frame })).pts;
    const endPts = await ptsOf(start + FADE_FRAMES + FPS);
    await expect.poll(() => [...decodeThumbnails(captureFile).keys()].some((pts) => pts >= endPts), { timeout: 30_000, intervals: [1000] }).toBe(true);
    const pictures = decodeThumbnails(captureFile);
    const at = async (frame: number) => {
      const picture = pictures.get(await ptsOf(frame));
      if (!picture) throw new Error(`frame ${frame} is not in the capture`);
      return picture;
    };
    // Bottom right: red before, blue after; top left (the green box's place): red before, green after.
    const corner = [THUMB_WIDTH - 4, THUMB_HEIGHT - 4] as const;
    const box = [4, 4] as const;
    const isRed = ([r, g, b]: number[]) => r! > 200 && g! < 60 && b! < 60;
    const isBlue = ([r, g, b]: number[]) => b! > 200 && r! < 60 && g! < 60;
    const isGreen = ([r, g, b]: number[]) => g! > 200 && r! < 60 && b! < 60;

    // From the edit until the frame before the fade, the output is the Red show alone: the edit of
    // the Preview scene never reached it.
    for (let frame = afterEdit + 1; frame < start; frame += 3) {
      const picture = await at(frame);
      expect(isRed(pixel(picture, ...corner)) && isRed(pixel(picture, ...box)), `frame ${frame} is still red`).toBe(true);
    }
    expect(isRed(pixel(await at(start - 1), ...corner))).toBe(true);
    // Frame start+k shows Blue at (k+1)/N: blue rises and red falls by that weight.
    const [redR] = pixel(await at(start - 1), ...corner);
    const [, , blueB] = pixel(await at(start + FADE_FRAMES + 5), ...corner);
    for (let k = 0; k < FADE_FRAMES - 1; k++) {
      const [r, , b] = pixel(await at(start + k), ...corner);
      const weight = (k + 1) / FADE_FRAMES;
      expect(Math.abs(b / blueB! - weight), `frame start+${k}: blue at ${(b / blueB!).toFixed(2)}, expected ${weight.toFixed(2)}`).toBeLessThan(0.1);
      expect(Math.abs(r / redR! - (1 - weight)), `frame start+${k}: red at ${(r / redR!).toFixed(2)}, expected ${(1 - weight).toFixed(2)}`).toBeLessThan(0.1);
    }
    // The last frame of the fade and after: the edited Blue show alone, with its green box.
    for (const frame of [start + FADE_FRAMES - 1, start + FADE_FRAMES + 10]) {
      const picture = await at(frame);
      expect(isBlue(pixel(picture, ...corner)), `frame ${frame} corner is blue`).toBe(true);
      expect(isGreen(pixel(picture, ...box)), `frame ${frame} has the green box`).toBe(true);
    }
  } finally {
    await capture.stop();
  }
  expect(consoleErrors).toEqual([]);
});

test('the T-bar: dragged half way the output holds the mix there; let go at the end, Preview is on air and the scenes swap', async ({ page, studio }) => {
  test.setTimeout(180_000);
  const consoleErrors = collectConsoleErrors(page);
  const call = <T>(name: string, args: unknown = {}) => callCommand<T>(studio, name, args);
  await call('program.setFormat', {
    width: 320,
    height: 180,
    frameRate: String(FPS),
    videoBitrateKbps: 800,
    gopFrames: 30,
    x264Preset: 'ultrafast',
    audioBitrateKbps: 96,
    videoEncoder: 'libx264',
  });
  const colour = (name: string, color: string) => call<SourceInfo>('sources.create', { name, config: { kind: 'color', color, width: 320, height: 180 } });
  const red = await colour('Red', '#ff0000');
  const blue = await colour('Blue', '#0000ff');
  const redScene = await call<SceneInfo>('scenes.create', { name: 'Red show', layers: [{ sourceId: red.id }] });
  const blueScene = await call<SceneInfo>('scenes.create', { name: 'Blue show', layers: [{ sourceId: blue.id }] });
  await call('program.switchScene', { sceneId: redScene.id });
  const received = path.join(studio.dataDir, 'received');
  mkdirSync(received, { recursive: true });
  const srtPort = await freePort('udp');
  const srt = await call<OutputInfo>('outputs.create', { settings: { kind: 'srt', name: 'Distributor', url: `srt://127.0.0.1:${srtPort}`, latencyMs: 400 } });
  const captureFile = path.join(received, 'program.ts');
  const capture = new SrtCapture(srtPort, captureFile);
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
    await page.getByTestId('studio-mode-toggle').click();
    const sceneRow = (id: number) => page.locator(`[data-testid="scene-row"][data-scene-id="${id}"]`);
    await sceneRow(blueScene.id).locator('.item-row__select').click();
    await expect(sceneRow(blueScene.id)).toHaveAttribute('data-selected', 'true');

    // Half way by hand, and let go there: the engine holds that mix.
    const tbar = page.getByTestId('tbar');
    const box = await tbar.boundingBox();
    if (!box) throw new Error('no T-bar on screen');
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + 2, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, y, { steps: 8 });
    await page.mouse.up();
    const position = Number(await tbar.getAttribute('data-position'));
    expect(position).toBeGreaterThan(0.3);
    expect(position).toBeLessThan(0.7);
    expect((await call<{ onAirSceneId: number }>('program.status')).onAirSceneId).toBe(redScene.id);
    const held = (await call<{ frame: number }>('program.status')).frame + 15;
    await expect.poll(async () => (await call<{ frame: number }>('program.status')).frame, { timeout: 20_000 }).toBeGreaterThan(held + FPS);
    const heldPts = (await call<{ pts: number }>('program.ptsOfFrame', { frame: held })).pts;
    await expect.poll(() => decodeThumbnails(captureFile).has(heldPts), { timeout: 30_000, intervals: [1000] }).toBe(true);
    const picture = decodeThumbnails(captureFile).get(heldPts)!;
    const [r, , b] = pixel(picture, THUMB_WIDTH - 4, THUMB_HEIGHT - 4);
    expect(Math.abs(b! / 255 - position), `blue at ${(b! / 255).toFixed(2)} for the T-bar at ${position.toFixed(2)}`).toBeLessThan(0.12);
    expect(Math.abs(r! / 255 - (1 - position)), `red at ${(r! / 255).toFixed(2)}`).toBeLessThan(0.12);

    // All the way, let go at the end: Blue is on air, and the old Program scene is in Preview.
    await page.mouse.move(box.x + box.width / 2, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width + 20, y, { steps: 8 });
    await page.mouse.up();
    await expect.poll(async () => (await call<{ onAirSceneId: number }>('program.status')).onAirSceneId, { timeout: 10_000 }).toBe(blueScene.id);
    await expect(sceneRow(redScene.id)).toHaveAttribute('data-selected', 'true');
    await expect(page.getByTestId('tbar')).toHaveAttribute('data-position', '0');
  } finally {
    await capture.stop();
  }
  expect(consoleErrors).toEqual([]);
});
