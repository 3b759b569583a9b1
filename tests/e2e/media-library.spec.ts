// The Media Library dock in the real renderer against a real `studio serve`: a generated clip with
// chapters (ffmetadata) uploaded from the browser, its duration as HH:MM:SS:FF and its thumbnail;
// search; chapter marks added, moved and removed on the filmstrip and saved (media.list reflects
// each); an engine refusal shown with its field; a corrupt file dropped on the window refused with
// its reason, and one imported by path listed as failed and not draggable; rename and remove. Screenshots at 1280×720 and 1920×1080.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page, TestInfo } from '@playwright/test';
import type { MediaItem } from '../../src/shared/media.ts';
import { makeClip } from '../support/media-fixtures.ts';
import { callCommand, collectConsoleErrors, expect, test } from './fixtures.ts';

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

async function screenshotBoth(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.getByTestId('dock-media-library').scrollIntoViewIfNeeded();
    await page.screenshot({ path: testInfo.outputPath(`${name}-${size.width}x${size.height}.png`) });
    await page.getByTestId('dock-media-library').screenshot({ path: testInfo.outputPath(`${name}-dock-${size.width}x${size.height}.png`) });
  }
}

/** Drops a file on the page as a file manager would (an HTML drag and drop of Files). A string: this file is type-checked without the DOM's types. */
async function dropFile(page: Page, name: string, bytes: Buffer): Promise<void> {
  await page.evaluate(`(() => {
    const data = Uint8Array.from(atob(${JSON.stringify(bytes.toString('base64'))}), (char) => char.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([data], ${JSON.stringify(name)}, { type: 'video/mp4' }));
    const target = document.querySelector('[data-testid="dock-scenes"]') ?? document.body;
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
    }
  })()`);
}

/** An image's decoded width once it has loaded (0 before, or when it failed). */
function loadedWidth(image: Locator): Promise<number> {
  return image.evaluate((element) => {
    const img = element as unknown as { complete: boolean; naturalWidth: number };
    return img.complete ? img.naturalWidth : 0;
  });
}

const FPS = 25;
const FRAME = 1 / FPS;

test('media library: upload, timecode, thumbnail, search, chapters on the filmstrip, a corrupt drop, rename and remove', async ({ page, studio }, testInfo) => {
  test.setTimeout(180_000);
  const consoleErrors = collectConsoleErrors(page);
  const clipsDir = mkdtempSync(path.join(os.tmpdir(), 'studio-e2e-media-'));
  try {
    const clip = makeClip(clipsDir, {
      id: 'Morning-Show',
      seconds: 12,
      rate: FPS,
      container: 'mp4',
      chapters: [
        { title: 'Open', startSeconds: 0 },
        { title: 'Second half', startSeconds: 6 },
      ],
    });
    const list = () => callCommand<MediaItem[]>(studio, 'media.list');
    const chaptersOf = async (id: number) => (await list()).find((item) => item.id === id)!.chapters;

    await page.setViewportSize(SIZES[0]);
    await page.goto('/');
    await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
    const dock = page.getByTestId('dock-media-library');
    await expect(dock.getByTestId('media-empty')).toBeVisible();

    // --- Upload from the browser: progress, then the probe, then the item.
    await dock.getByTestId('media-upload-input').setInputFiles({ name: 'Morning-Show.mp4', mimeType: 'video/mp4', buffer: readFileSync(clip) });
    await expect(dock.locator('[data-testid="media-row"]').filter({ hasText: 'Morning-Show.mp4' })).toHaveCount(1, { timeout: 30_000 });
    await expect(dock.getByTestId('media-import-job')).toHaveCount(0);
    const [imported] = await list();
    expect(imported).toMatchObject({ name: 'Morning-Show.mp4', state: 'ready' });
    expect(path.dirname(imported!.path)).toBe(path.join(studio.dataDir, 'uploads'));
    const row = dock.locator(`[data-testid="media-row"][data-media-id="${imported!.id}"]`);
    await expect(row.getByTestId('media-duration')).toHaveText('00:00:12:00');
    await expect(row).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    await expect(row).toHaveAttribute('data-schedulable', 'true');
    await expect(row).toContainText(/320×180 25 fps/);
    await expect(row).toContainText(/-?\d+\.\d LUFS/);
    const thumbnail = row.getByTestId('media-thumbnail');
    await expect(thumbnail).toBeVisible();
    await expect.poll(() => loadedWidth(thumbnail)).toBe(320);
    // A ready item is a draggable handle for the channel timeline (dnd-kit's attributes).
    await expect(row.getByTestId('media-drag-handle')).toHaveAttribute('aria-roledescription', 'draggable');

    // --- A corrupt file dropped on the window: the upload is refused with a clear reason.
    const junk = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 31 + 7) % 256));
    await dropFile(page, 'broken.mp4', junk);
    const job = dock.getByTestId('media-import-job');
    await expect(job).toHaveAttribute('data-phase', 'failed', { timeout: 30_000 });
    await expect(job).toContainText('broken.mp4');
    await expect(job.getByTestId('media-import-error')).toContainText(/media|ffmpeg|read/i);
    await job.getByRole('button', { name: 'Dismiss broken.mp4' }).click();
    await expect(job).toHaveCount(0);

    // --- A corrupt file already on the studio machine, imported by path: listed as failed with the
    // reason, visibly not schedulable and not draggable.
    const corruptPath = path.join(clipsDir, 'broken.mp4');
    writeFileSync(corruptPath, junk);
    await callCommand(studio, 'media.import', { path: corruptPath });
    const broken = dock.locator('[data-testid="media-row"]').filter({ hasText: 'broken.mp4' });
    await expect(broken).toHaveAttribute('data-state', 'failed');
    await expect(broken).toHaveAttribute('data-schedulable', 'false');
    await expect(broken.getByTestId('media-reason')).toContainText(/^ffprobe /);
    await expect(broken.getByTestId('media-state')).toHaveText('failed');
    await expect(broken.getByTestId('media-duration')).toHaveText('--:--:--:--');
    await expect(broken).toContainText('Not schedulable');
    await expect(broken.getByTestId('media-drag-handle')).not.toHaveAttribute('aria-roledescription', 'draggable');

    // --- Search by name.
    const search = dock.getByTestId('media-search');
    await search.fill('MORNING');
    await expect(dock.getByTestId('media-row')).toHaveCount(1);
    await expect(row).toBeVisible();
    await search.fill('nothing like it');
    await expect(dock.getByTestId('media-no-match')).toBeVisible();
    await search.fill('');
    await expect(dock.getByTestId('media-row')).toHaveCount(2);

    // --- The selected item's filmstrip with its two chapter marks.
    await row.getByTestId('media-name').click();
    const editor = dock.getByTestId('chapter-editor');
    const strip = editor.getByTestId('filmstrip');
    await expect(editor.getByTestId('filmstrip-image')).toBeVisible();
    await expect.poll(() => loadedWidth(editor.getByTestId('filmstrip-image'))).toBe(16 * 96);
    const marks = editor.getByTestId('chapter-mark');
    await expect(marks).toHaveCount(2);
    await expect(editor.getByTestId('chapter-time')).toHaveText(['00:00:00:00', '00:00:06:00']);
    await screenshotBoth(page, testInfo, 'media-library');
    await page.setViewportSize(SIZES[0]);
    await strip.scrollIntoViewIfNeeded();

    // Add: a double-click at three quarters of the strip is a mark at 9 s (± a frame: a pixel is ~a frame).
    let box = (await strip.boundingBox())!;
    await page.mouse.dblclick(box.x + box.width * 0.75, box.y + box.height / 2);
    await expect(marks).toHaveCount(3);
    const added = Number(await marks.nth(2).getAttribute('data-seconds'));
    expect(Math.abs(added - 9)).toBeLessThanOrEqual(FRAME + 1e-9);
    expect(Math.abs(added * FPS - Math.round(added * FPS))).toBeLessThan(1e-6); // a whole frame
    await editor.getByTestId('chapters-save').click();
    await expect(editor.getByTestId('chapters-save')).toHaveCount(0);
    expect((await chaptersOf(imported!.id)).map((chapter) => chapter.startSeconds)).toEqual([0, 6, added]);

    // Move: the mark at 6 s dragged to a quarter of the strip (3 s).
    box = (await strip.boundingBox())!;
    const from = (await marks.nth(1).boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    for (let step = 1; step <= 8; step++)
      await page.mouse.move(from.x + from.width / 2 + ((box.x + box.width * 0.25 - (from.x + from.width / 2)) * step) / 8, from.y + 10);
    await page.mouse.up();
    const moved = Number(await marks.nth(1).getAttribute('data-seconds'));
    expect(Math.abs(moved - 3)).toBeLessThanOrEqual(FRAME + 1e-9);
    await screenshotBoth(page, testInfo, 'media-library-chapter-moved');
    await page.setViewportSize(SIZES[0]);
    await editor.getByTestId('chapters-save').click();
    await expect(editor.getByTestId('chapters-save')).toHaveCount(0);
    expect(await chaptersOf(imported!.id)).toEqual([
      { title: 'Open', startSeconds: 0 },
      { title: 'Second half', startSeconds: moved },
      { title: 'Chapter 3', startSeconds: added },
    ]);

    // The keyboard: → and ← nudge a focused mark by one frame.
    await marks.nth(1).focus();
    await page.keyboard.press('ArrowRight');
    await expect(marks.nth(1)).toHaveAttribute('data-seconds', String((Math.round(moved * FPS) + 1) / FPS));
    await page.keyboard.press('ArrowLeft');
    await expect(marks.nth(1)).toHaveAttribute('data-seconds', String(moved));

    // Remove: the last mark, from the list under the strip.
    await editor.getByTestId('chapter-remove').nth(2).click();
    await expect(marks).toHaveCount(2);
    await editor.getByTestId('chapters-save').click();
    await expect(editor.getByTestId('chapters-save')).toHaveCount(0);
    expect((await chaptersOf(imported!.id)).map((chapter) => chapter.startSeconds)).toEqual([0, moved]);

    // The engine's refusal is shown with the field it names, and the draft stays to be fixed.
    await editor.getByLabel('Title of chapter 2').fill('x'.repeat(201));
    await editor.getByTestId('chapters-save').click();
    await expect(editor.getByTestId('chapter-error')).toHaveAttribute('data-field', 'chapters.1.title');
    await expect(editor.getByTestId('chapter-error')).toContainText('chapters.1.title');
    await screenshotBoth(page, testInfo, 'media-library-chapter-error');
    await page.setViewportSize(SIZES[0]);
    await editor.getByTestId('chapters-discard').click();
    await expect(editor.getByTestId('chapter-error')).toHaveCount(0);
    expect((await chaptersOf(imported!.id)).map((chapter) => chapter.title)).toEqual(['Open', 'Second half']);

    // --- Rename, then remove the failed file (asked once).
    await row.getByRole('button', { name: 'Rename Morning-Show.mp4' }).click();
    await row.getByTestId('media-rename-input').fill('Morning Show, episode 1');
    await row.getByTestId('media-rename-save').click();
    await expect(dock.getByTestId('media-name').first()).toHaveText('Morning Show, episode 1');
    expect((await list()).find((item) => item.id === imported!.id)!.name).toBe('Morning Show, episode 1');
    await broken.getByRole('button', { name: 'Remove broken.mp4 from the library' }).click();
    await broken.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect(dock.getByTestId('media-row')).toHaveCount(1);
    expect((await list()).map((item) => item.name)).toEqual(['Morning Show, episode 1']);
  } finally {
    rmSync(clipsDir, { recursive: true, force: true });
  }
  // Chromium logs the refused upload of the corrupt file (415) itself; nothing else may be logged.
  expect(consoleErrors.filter((error) => error !== 'Failed to load resource: the server responded with a status of 415 (Unsupported Media Type)')).toEqual([]);
});
