// Everything editable, in the real renderer against a real `studio serve`: a text source's text and
// colours edited in its dialog reach the program's output (decoded pixels from a real recording);
// an output's every setting edited and its passphrase set without ever being in the page; the
// program format changed with its constraints shown; and an image uploaded from the browser, with
// its progress, becoming an image source. Screenshots of each dialog at 1280×720 and 1920×1080.
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import sharp from 'sharp';
import type { OutputInfo } from '../../src/shared/contract.ts';
import type { ProgramFormatSettings, SceneInfo, SourceInfo } from '../../src/shared/program.ts';
import { decodeThumbnails, THUMB_HEIGHT, THUMB_WIDTH } from '../support/ts-capture.ts';
import { callCommand, collectConsoleErrors, expect, test } from './fixtures.ts';

/** Each dialog, as people see it on a laptop and on a desktop screen. */
async function screenshotBoth(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  for (const [width, height] of [
    [1920, 1080],
    [1280, 720],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: testInfo.outputPath(`${name}-${width}x${height}.png`) });
  }
}

/** The newest picture in a recording, as RGB of its thumbnail's corner (outside any text). */
function newestCorner(folder: string): [number, number, number] | null {
  const files = readdirSync(folder).filter((name) => name.endsWith('.ts'));
  if (files.length === 0) return null;
  let pictures: Map<number, Uint8Array>;
  try {
    pictures = decodeThumbnails(path.join(folder, files.sort().at(-1)!));
  } catch {
    // A recording only just started may hold no whole picture yet: not yet, rather than never.
    return null;
  }
  const newest = [...pictures.keys()].sort((a, b) => a - b).at(-1);
  if (newest === undefined) return null;
  const picture = pictures.get(newest)!;
  const at = ((THUMB_HEIGHT - 2) * THUMB_WIDTH + 1) * 3;
  return [picture[at]!, picture[at + 1]!, picture[at + 2]!];
}

test('sources, outputs and the program format are edited in their dialogs; an uploaded image becomes a source', async ({ page, studio }, testInfo) => {
  test.setTimeout(180_000);
  const consoleErrors = collectConsoleErrors(page);
  const call = <T>(name: string, args: unknown = {}) => callCommand<T>(studio, name, args);
  const title = await call<SourceInfo>('sources.create', {
    name: 'Lower third',
    config: { kind: 'text', text: 'Before', fontSize: 40, color: '#ffffff', background: '#000000', width: 320, height: 180 },
  });
  const scene = await call<SceneInfo>('scenes.create', { name: 'Show', layers: [{ sourceId: title.id }] });
  await call('program.switchScene', { sceneId: scene.id });
  const originalPassphrase = 'original secret phrase';
  const newPassphrase = 'brand new secret phrase';
  const srt = await call<OutputInfo>('outputs.create', {
    settings: { kind: 'srt', name: 'Distributor', url: 'srt://127.0.0.1:9', latencyMs: 120, passphrase: originalPassphrase },
  });
  const recordings = path.join(studio.dataDir, 'recordings');
  mkdirSync(recordings, { recursive: true });
  const recording = await call<OutputInfo>('outputs.create', { settings: { kind: 'recording', name: 'Archive', folder: recordings } });
  const logoFile = path.join(studio.dataDir, 'first-logo.png');
  await sharp({ create: { width: 64, height: 36, channels: 4, background: '#3366ff' } })
    .png()
    .toFile(logoFile);
  const logo = await call<SourceInfo>('sources.create', { name: 'Logo', config: { kind: 'image', path: logoFile, width: 64, height: 36 } });

  // Whatever the engine sends the page, over its WebSocket: a secret must never be in it.
  const receivedFrames: string[] = [];
  page.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => receivedFrames.push(String(payload))));

  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/');
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');

  // --- The program format: constraints shown, then a new format stored.
  await page.getByTestId('format-open').click();
  const formatDialog = page.getByTestId('format-editor');
  await expect(formatDialog).toBeVisible();
  await page.getByTestId('format-height').fill('361');
  await expect(page.getByTestId('format-height-error')).toHaveText('height must be even (yuv420p halves it for colour)');
  await page.getByTestId('format-save').click();
  await expect(page.getByTestId('format-height-error')).toContainText('even');
  await page.getByTestId('format-size-preset').selectOption('640x360');
  await expect(page.getByTestId('format-width')).toHaveValue('640');
  await expect(page.getByTestId('format-height')).toHaveValue('360');
  await page.getByTestId('format-width').fill('320');
  await page.getByTestId('format-height').fill('180');
  await expect(page.getByTestId('format-size-preset')).toHaveValue('custom');
  await page.getByTestId('format-frame-rate').selectOption('25');
  await page.getByTestId('format-gop').fill('50');
  await expect(page.getByTestId('format-gop-hint')).toContainText('An IDR every 2.00 s');
  await page.getByTestId('format-video-bitrate').fill('600');
  await page.getByTestId('format-preset').selectOption('ultrafast');
  await page.getByTestId('format-audio-bitrate').fill('96');
  await screenshotBoth(page, testInfo, 'format-dialog');
  await page.getByTestId('format-save').click();
  await expect(page.getByTestId('format-saved')).toBeVisible();
  expect(await call<ProgramFormatSettings>('program.getFormat')).toMatchObject({
    width: 320,
    height: 180,
    frameRate: '25',
    gopFrames: 50,
    videoBitrateKbps: 600,
    x264Preset: 'ultrafast',
    audioBitrateKbps: 96,
  });
  await expect(page.getByTestId('format-open')).toHaveText('320×180 · 25');
  await page.getByTestId('format-editor-close').click();

  // --- An output: every setting, and a passphrase set without being shown.
  const srtCard = page.locator(`[data-testid="output-card"][data-output-id="${srt.id}"]`);
  await srtCard.getByTestId('output-edit').click();
  await expect(page.getByTestId('output-editor')).toBeVisible();
  await expect(page.getByTestId('edit-output-secret')).toHaveValue('');
  await expect(page.getByTestId('edit-output-secret')).toHaveAttribute('type', 'password');
  await expect(page.getByTestId('output-editor')).toContainText('Passphrase: set');
  await page.getByTestId('edit-output-latency').fill('5');
  await page.getByTestId('output-editor-save').click();
  // The engine's refusal, next to its input.
  await expect(page.getByTestId('output-editor').getByRole('alert')).toContainText('must be between 20 and 8000 ms');
  await page.getByTestId('edit-output-name').fill('Distributor B');
  await page.getByTestId('edit-output-url').fill('srt://127.0.0.1:10');
  await page.getByTestId('edit-output-mode').selectOption('listener');
  await page.getByTestId('edit-output-latency').fill('500');
  await page.getByTestId('edit-output-stream-id').fill('channel-7');
  await page.getByTestId('edit-output-pbkeylen').selectOption('32');
  await page.getByTestId('edit-output-secret').fill(newPassphrase);
  await screenshotBoth(page, testInfo, 'output-dialog');
  await page.getByTestId('output-editor-save').click();
  await expect(page.getByTestId('output-editor-saved')).toBeVisible();
  await expect(page.getByTestId('edit-output-secret')).toHaveValue('');
  const edited = (await call<OutputInfo[]>('outputs.list')).find((o) => o.id === srt.id)!;
  expect(edited).toMatchObject({
    name: 'Distributor B',
    settings: { url: 'srt://127.0.0.1:10', mode: 'listener', latencyMs: 500, streamId: 'channel-7', pbkeylen: 32, passphraseSet: true },
  });
  // A second save with the field left empty keeps the passphrase.
  await page.getByTestId('edit-output-latency').fill('600');
  await page.getByTestId('output-editor-save').click();
  await expect(page.getByTestId('output-editor-saved')).toBeVisible();
  await expect
    .poll(async () => (await call<OutputInfo[]>('outputs.list')).find((o) => o.id === srt.id)?.settings)
    .toMatchObject({ latencyMs: 600, passphraseSet: true });
  await page.getByTestId('output-editor-close').click();
  await expect(srtCard).toContainText('Distributor B');

  // --- The text source, edited while on air: the new colours reach the output's pictures.
  await page.getByTestId('program-go-live').click();
  await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'live');
  await call('outputs.start', { id: recording.id });
  await expect.poll(() => newestCorner(recordings), { timeout: 30_000, intervals: [1000] }).toEqual(expect.arrayContaining([expect.any(Number)]));
  const [r0, g0, b0] = newestCorner(recordings)!;
  expect(r0 + g0 + b0, 'the black box before the edit').toBeLessThan(60);

  const titleRow = page.locator(`[data-testid="source-row"][data-source-id="${title.id}"]`);
  await titleRow.getByTestId('source-edit').click();
  const sourceDialog = page.getByTestId('source-editor');
  await expect(sourceDialog).toBeVisible();
  await expect(page.getByTestId('edit-source-text')).toHaveValue('Before');
  await page.getByTestId('edit-source-text').fill('');
  await page.getByTestId('source-editor-save').click();
  await expect(page.getByTestId('edit-source-text-error')).toHaveText('must not be empty');
  await page.getByTestId('edit-source-text').fill('Jane Doe\nHost, Morning Show');
  await page.getByTestId('edit-source-text-color').fill('#ffcc00');
  await page.getByTestId('edit-source-font').fill('DejaVu Serif');
  await page.getByTestId('edit-source-font-size').fill('28');
  await page.getByTestId('edit-source-align').selectOption('center');
  await page.getByTestId('edit-source-wrap').check();
  await page.getByTestId('edit-source-background').fill('#ff0000');
  await page.getByTestId('edit-source-name').fill('Lower third: Jane');
  await screenshotBoth(page, testInfo, 'source-dialog-text');
  await page.getByTestId('source-editor-save').click();
  await expect(page.getByTestId('source-editor-saved')).toBeVisible();
  await page.getByTestId('source-editor-close').click();
  await expect(titleRow).toContainText('Lower third: Jane');
  const stored = (await call<SourceInfo[]>('sources.list')).find((s) => s.id === title.id)!;
  expect(stored.config).toMatchObject({
    kind: 'text',
    text: 'Jane Doe\nHost, Morning Show',
    color: '#ffcc00',
    background: '#ff0000',
    fontFamily: 'DejaVu Serif',
    fontSize: 28,
    align: 'center',
    wrap: true,
  });
  // The box behind the text is red in the output now (it was black).
  await expect
    .poll(
      () => {
        const corner = newestCorner(recordings);
        return corner !== null && corner[0] > 180 && corner[1] < 70 && corner[2] < 70;
      },
      { timeout: 30_000, intervals: [1000] },
    )
    .toBe(true);

  // While on air the format is fixed, and the dialog says why.
  await page.getByTestId('format-open').click();
  await expect(page.getByTestId('format-running')).toContainText('fixed while it runs');
  await expect(page.getByTestId('format-save')).toBeDisabled();
  await screenshotBoth(page, testInfo, 'format-dialog-on-air');
  await page.getByTestId('format-editor-close').click();

  // --- An image uploaded from the browser, with its progress, becomes the image source's file.
  const upload = await sharp({ create: { width: 640, height: 360, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .png()
    .toBuffer();
  const logoRow = page.locator(`[data-testid="source-row"][data-source-id="${logo.id}"]`);
  await logoRow.getByTestId('source-edit').click();
  await expect(page.getByTestId('edit-source-path')).toHaveValue(logoFile);
  const progressPercents: string[] = [];
  await page.exposeFunction('recordUploadProgress', (percent: string) => progressPercents.push(percent));
  // Every value the progress bar shows, as the page renders it (a string: this file is type-checked without the DOM's types).
  await page.evaluate(`new MutationObserver(() => {
    const bar = document.querySelector('[data-testid="upload-progress"]');
    if (bar) window.recordUploadProgress(bar.getAttribute('data-percent') ?? '');
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-percent'] })`);
  await page.getByTestId('file-upload-input').setInputFiles({ name: 'Station Logo.png', mimeType: 'image/png', buffer: upload });
  await expect(page.getByTestId('upload-progress')).toHaveAttribute('data-done', 'true');
  await expect(page.getByTestId('upload-progress')).toContainText('Uploaded Station Logo.png');
  expect(progressPercents).toContain('100');
  const uploadedPath = await page.getByTestId('edit-source-path').inputValue();
  expect(path.dirname(uploadedPath)).toBe(path.join(studio.dataDir, 'uploads'));
  expect(path.basename(uploadedPath)).toMatch(/-Station_Logo\.png$/);
  await screenshotBoth(page, testInfo, 'source-dialog-image-uploaded');
  await page.getByTestId('source-editor-save').click();
  await expect(page.getByTestId('source-editor-saved')).toBeVisible();
  expect((await call<SourceInfo[]>('sources.list')).find((s) => s.id === logo.id)?.config).toMatchObject({ kind: 'image', path: uploadedPath });
  // A file that is not an image is refused with the server's reason, and the path stays as it was.
  await page.getByTestId('file-upload-input').setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('plain text, not a picture') });
  await expect(page.getByTestId('edit-source-path-error')).toContainText('PNG, JPEG or WebP');
  await expect(page.getByTestId('edit-source-path')).toHaveValue(uploadedPath);
  await page.getByTestId('source-editor-close').click();

  // Never in the page, never in anything the engine sent it.
  const html = await page.content();
  for (const secret of [originalPassphrase, newPassphrase]) {
    expect(html).not.toContain(secret);
    expect(receivedFrames.join('\n')).not.toContain(secret);
  }
  // Chromium logs every refused request itself: the one refusal asked for above, and nothing else.
  expect(consoleErrors).toEqual(['Failed to load resource: the server responded with a status of 415 (Unsupported Media Type)']);
});
