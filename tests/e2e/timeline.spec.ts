// The channel timeline against the real engine (#14): media imported with the real ffmpeg/ffprobe,
// dragged from the Media Library dock onto the timeline with the mouse (dnd-kit's pointer sensor),
// a drop onto a fixed item refused and undone with the engine's message, an item trimmed at its
// edge, an item moved by dragging and nudged with the arrow keys, a live block added, breaks at an
// item's chapters, two items selected and deleted; after each edit the guide (GET /iptv/xmltv.xml) says the same as the timeline.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { MediaItem } from '../../src/shared/media.ts';
import type { ScheduleItem } from '../../src/shared/schedule.ts';
import { makeClip } from '../support/media-fixtures.ts';
import { callCommand, collectConsoleErrors, expect, type StudioFixture, test } from './fixtures.ts';

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

/** 6.5 px a second: the snap grid is whole seconds (from 6 px) and a 12 s clip is ~80 px wide. */
const PX_PER_MS = 0.0065;

/** XMLTV's time ("YYYYMMDDhhmmss +0000"), as the guide writes it. */
function xmltvTime(ms: number): string {
  const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)} +0000`;
}

async function guide(studio: StudioFixture): Promise<string> {
  const response = await fetch(`${studio.baseURL}/iptv/xmltv.xml`, { headers: { Authorization: `Bearer ${studio.token}` } });
  expect(response.status).toBe(200);
  return response.text();
}

/** The programme element of `title` in the guide, or null. */
function programme(xml: string, title: string): { start: string; stop: string } | null {
  for (const match of xml.matchAll(/<programme start="([^"]+)" stop="([^"]+)"[^>]*>\s*<title>([^<]*)<\/title>/g)) {
    if (match[3] === title) return { start: match[1]!, stop: match[2]! };
  }
  return null;
}

/** The timeline's view as it draws it, and the screen x of a wall time in the lanes. */
async function view(page: Page) {
  const lanes = page.getByTestId('timeline-lanes');
  const box = (await lanes.boundingBox())!;
  const originMs = Number(await lanes.getAttribute('data-origin-ms'));
  const pxPerMs = Number(await lanes.getAttribute('data-px-per-ms'));
  return { box, originMs, pxPerMs, xAt: (ms: number) => box.x + (ms - originMs) * pxPerMs, y: box.y + 20 };
}

/** Ctrl+wheel zooms to PX_PER_MS (the timeline zooms by e^(−deltaY × 0.002)), then the wheel scrolls `leftMs` to the left edge. */
async function showFrom(page: Page, leftMs: number) {
  const before = await view(page);
  await page.mouse.move(before.box.x + before.box.width / 2, before.y);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -Math.log(PX_PER_MS / before.pxPerMs) / 0.002);
  await page.keyboard.up('Control');
  await expect.poll(async () => (await view(page)).pxPerMs).toBeCloseTo(PX_PER_MS, 6);
  const zoomed = await view(page);
  await page.mouse.wheel(0, (leftMs - zoomed.originMs) * zoomed.pxPerMs);
  await expect.poll(async () => Math.abs((await view(page)).originMs - leftMs)).toBeLessThan(1 / zoomed.pxPerMs);
}

/** A pointer drag as a person makes it: press, a few px to start the drag, then on to the target in steps. */
async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }, beforeRelease?: () => Promise<void>) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 6, from.y + 2, { steps: 2 });
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await beforeRelease?.();
  await page.mouse.up();
}

/** Local HH:MM:SS of an instant, as the page (its time zone) writes it. */
const localTime = (page: Page, iso: string) =>
  page.evaluate((at) => {
    const d = new Date(at);
    return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  }, iso);

test('drag from the library, a refused drop undone with the conflict, trim, move, nudge, a live block, breaks, delete; the guide follows', async ({
  page,
  studio,
}, testInfo) => {
  test.setTimeout(240_000);
  const consoleErrors = collectConsoleErrors(page);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'timeline-e2e-'));
  const chapters = [
    { title: 'Opening', startSeconds: 0 },
    { title: 'Part two', startSeconds: 6 },
  ];
  // The clips first, then the imports: a request must not wait on a connection idle for an encode.
  const files = ['ClipA', 'ClipB', 'ClipC'].map((id) => makeClip(dir, { id, seconds: 12, chapters }));
  const clips: MediaItem[] = [];
  for (const file of files) clips.push(await callCommand<MediaItem>(studio, 'media.import', { path: file }));
  const [clipA, clipB, clipC] = clips as [MediaItem, MediaItem, MediaItem];
  for (const clip of clips) expect(clip.state).toBe('ready');

  // B is fixed a few minutes ahead (edits in the past are refused), on a whole minute.
  const bStartMs = Math.ceil((Date.now() + 6 * 60_000) / 60_000) * 60_000;
  const itemB = await callCommand<ScheduleItem>(studio, 'schedule.add', { mediaId: clipB.id, startAt: new Date(bStartMs).toISOString() });

  await page.setViewportSize(SIZES[0]);
  await page.goto('/');
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
  await showFrom(page, bStartMs - 40_000);
  const itemBlock = (id: number) => page.locator(`[data-testid="timeline-item"][data-item-id="${id}"]`);
  await expect(itemBlock(itemB.id)).toBeVisible();

  // 1. A library row dropped 30 s before B: it lands on a whole second, at the time shown while dragging.
  const rowA = page.getByTestId('media-row').filter({ hasText: clipA.name });
  await rowA.scrollIntoViewIfNeeded();
  const rowBox = (await rowA.boundingBox())!;
  let v = await view(page);
  let shownWhileDragging = '';
  await drag(page, { x: rowBox.x + 40, y: rowBox.y + rowBox.height / 2 }, { x: v.xAt(bStartMs - 30_300), y: v.y }, async () => {
    await expect(page.getByTestId('timeline-drop-preview')).toBeVisible();
    shownWhileDragging = (await page.getByTestId('timeline-drop-time').textContent()) ?? '';
  });
  expect(shownWhileDragging).toMatch(/^\d\d:\d\d:\d\d$/);
  await expect.poll(async () => (await callCommand<ScheduleItem[]>(studio, 'schedule.list', {})).length).toBe(2);
  const listed = await callCommand<ScheduleItem[]>(studio, 'schedule.list', {});
  const itemA = listed.find((item) => item.mediaId === clipA.id)!;
  const aStartMs = Date.parse(itemA.startAt);
  expect(aStartMs % 1000).toBe(0);
  expect(Math.abs(aStartMs - (bStartMs - 30_300))).toBeLessThanOrEqual(1000);
  expect(await localTime(page, itemA.startAt)).toBe(shownWhileDragging);
  await expect(itemBlock(itemA.id)).toHaveAttribute('data-start', new Date(aStartMs).toISOString());
  await expect(page.getByTestId('timeline-refusal')).toHaveCount(0);
  await expect.poll(async () => programme(await guide(studio), itemA.title)?.start).toBe(xmltvTime(aStartMs));

  // 2. C dropped onto B (fixed): refused, undone, and the message names B.
  const rowC = page.getByTestId('media-row').filter({ hasText: clipC.name });
  await rowC.scrollIntoViewIfNeeded();
  const rowCBox = (await rowC.boundingBox())!;
  v = await view(page);
  await drag(page, { x: rowCBox.x + 40, y: rowCBox.y + rowCBox.height / 2 }, { x: v.xAt(bStartMs + 4_000), y: v.y });
  const refusal = page.getByTestId('timeline-refusal');
  await expect(refusal).toBeVisible();
  await expect(refusal).toContainText(itemB.title);
  await expect(page.locator('[data-testid="timeline-item"]').filter({ hasText: clipC.name })).toHaveCount(0);
  expect((await callCommand<ScheduleItem[]>(studio, 'schedule.list', {})).map((item) => item.mediaId).sort()).toEqual([clipA.id, clipB.id].sort());
  expect(programme(await guide(studio), clipC.name)).toBeNull();
  await page.setViewportSize(SIZES[1]);
  await page.screenshot({ path: testInfo.outputPath('timeline-refused-1920x1080.png') });
  await refusal.getByRole('button', { name: 'Dismiss' }).click();
  await page.setViewportSize(SIZES[0]);

  // 3. B's end dragged 4 s earlier: trimmed to the whole second shown, and the guide's stop moves.
  v = await view(page);
  const endHandle = itemBlock(itemB.id).getByTestId('timeline-trim-end');
  const handleBox = (await endHandle.boundingBox())!;
  const from = { x: handleBox.x + handleBox.width / 2, y: handleBox.y + handleBox.height / 2 };
  let shownEnd = '';
  await drag(page, from, { x: from.x - 4_000 * v.pxPerMs, y: from.y }, async () => {
    shownEnd = (await page.getByTestId('timeline-drag-time').textContent()) ?? '';
  });
  await expect
    .poll(async () => (await callCommand<ScheduleItem[]>(studio, 'schedule.list', {})).find((item) => item.id === itemB.id)!.playSeconds)
    .toBeLessThan(itemB.playSeconds - 3);
  const trimmed = (await callCommand<ScheduleItem[]>(studio, 'schedule.list', {})).find((item) => item.id === itemB.id)!;
  const bEndMs = Date.parse(trimmed.startAt) + trimmed.durationSeconds * 1000;
  expect(bEndMs % 1000).toBe(0);
  expect(await localTime(page, new Date(bEndMs).toISOString())).toBe(shownEnd);
  expect(trimmed.startAt).toBe(itemB.startAt);
  await expect.poll(async () => programme(await guide(studio), itemB.title)?.stop).toBe(xmltvTime(bEndMs));

  // 4. A dragged 5 s later by its body, then ←/→ nudge it by the snap unit (a second at this zoom).
  v = await view(page);
  const aBox = (await itemBlock(itemA.id).boundingBox())!;
  const aCentre = { x: aBox.x + aBox.width / 2, y: aBox.y + aBox.height / 2 };
  await drag(page, aCentre, { x: aCentre.x + 5_000 * v.pxPerMs, y: aCentre.y });
  const startOf = async (id: number) => (await callCommand<ScheduleItem[]>(studio, 'schedule.list', {})).find((item) => item.id === id)!.startAt;
  await expect.poll(() => startOf(itemA.id)).toBe(new Date(aStartMs + 5_000).toISOString());
  await expect.poll(async () => programme(await guide(studio), itemA.title)?.start).toBe(xmltvTime(aStartMs + 5_000));
  await itemBlock(itemA.id).click();
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => startOf(itemA.id)).toBe(new Date(aStartMs + 6_000).toISOString());
  await page.keyboard.press('Shift+ArrowLeft');
  await expect.poll(() => startOf(itemA.id)).toBe(new Date(aStartMs - 4_000).toISOString());

  // 5. A live block from the dialog: the scene on air 20 s after B starts, for a minute; drawn as live, and in the guide.
  const scene = await callCommand<{ id: number; name: string }>(studio, 'scenes.create', { name: 'Studio live' });
  await page.getByTestId('timeline-add-live').click();
  await page.getByTestId('live-block-scene').selectOption(String(scene.id));
  const liveStartMs = bStartMs + 20_000;
  const liveStartLocal = await page.evaluate((ms) => {
    const d = new Date(ms);
    const two = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  }, liveStartMs);
  await page.getByTestId('live-block-start').fill(liveStartLocal);
  await page.getByTestId('live-block-minutes').fill('1');
  await page.getByTestId('live-block-add').click();
  await expect(page.getByTestId('live-block-dialog')).toHaveCount(0);
  const live = page.locator('[data-testid="timeline-item"].timeline-item--live');
  await expect(live).toHaveCount(1);
  await expect(live).toHaveAttribute('data-start', new Date(liveStartMs).toISOString());
  await expect.poll(async () => programme(await guide(studio), scene.name)).toEqual({ start: xmltvTime(liveStartMs), stop: xmltvTime(liveStartMs + 60_000) });

  // 6. Breaks at chapters (5 s) on B: its chapter at 6 s (inside its 8 s) makes one break, drawn in the breaks lane.
  await itemBlock(itemB.id).click();
  await expect(page.getByTestId('timeline-selection')).toContainText(itemB.title);
  await page.getByTestId('timeline-breaks-seconds').fill('5');
  await page.getByTestId('timeline-breaks-toggle').check();
  await expect(page.getByTestId('timeline-break')).toHaveCount(1);
  const withBreaks = (await callCommand<ScheduleItem[]>(studio, 'schedule.list', {})).find((item) => item.id === itemB.id)!;
  expect(withBreaks.breaks?.marks.map((mark) => mark.atSeconds)).toEqual([6]);
  await expect
    .poll(async () => programme(await guide(studio), itemB.title)?.stop)
    .toBe(xmltvTime(Date.parse(withBreaks.startAt) + withBreaks.durationSeconds * 1000));

  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.screenshot({ path: testInfo.outputPath(`studio-${size.width}x${size.height}.png`) });
    await page.getByTestId('dock-timeline').screenshot({ path: testInfo.outputPath(`timeline-${size.width}x${size.height}.png`) });
  }

  // 7. A and B selected (Ctrl-click adds), Delete removes both; the guide has neither (the live block stays).
  await itemBlock(itemA.id).click();
  await itemBlock(itemB.id).click({ modifiers: ['Control'] });
  await expect(itemBlock(itemA.id)).toHaveAttribute('aria-pressed', 'true');
  await expect(itemBlock(itemB.id)).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('timeline-item')).toHaveCount(1);
  expect((await callCommand<ScheduleItem[]>(studio, 'schedule.list', {})).map((item) => item.kind)).toEqual(['live']);
  const emptied = await guide(studio);
  expect(programme(emptied, itemA.title)).toBeNull();
  expect(programme(emptied, itemB.title)).toBeNull();

  // 8. Zoomed to frames around the live block's start: the grid is frames and times read HH:MM:SS:FF.
  v = await view(page);
  await page.mouse.move(v.xAt(liveStartMs), v.y);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -Math.log(1 / v.pxPerMs) / 0.002);
  await page.keyboard.up('Control');
  await expect(page.getByTestId('timeline-snap-unit')).toHaveText('Snap 1 frame');
  await expect(page.locator('.timeline-ruler__tick').first()).toHaveText(/^\d\d:\d\d:\d\d:\d\d$/);
  await expect(live).toContainText(/\d\d:\d\d:\d\d:\d\d/);
  await page.getByTestId('dock-timeline').screenshot({ path: testInfo.outputPath('timeline-frames-1920x1080.png') });

  // 9. The Playout switch: on, the engine's playout.status says so and the dock shows it; off again.
  const playoutSwitch = page.getByTestId('playout-switch');
  await expect(playoutSwitch).toHaveAttribute('aria-checked', 'false');
  await playoutSwitch.click();
  await expect(playoutSwitch).toHaveAttribute('aria-checked', 'true');
  expect((await callCommand<{ enabled: boolean }>(studio, 'playout.status')).enabled).toBe(true);
  await expect(page.getByTestId('playout-status')).toContainText('Playout on');
  await playoutSwitch.click();
  await expect(playoutSwitch).toHaveAttribute('aria-checked', 'false');
  expect((await callCommand<{ enabled: boolean }>(studio, 'playout.status')).enabled).toBe(false);
  expect(consoleErrors).toEqual([]);
});

test('a week of items: only the ones in view are drawn, and scrolling reaches the last', async ({ page, studio }) => {
  test.setTimeout(240_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'timeline-week-'));
  const clip = await callCommand<MediaItem>(studio, 'media.import', { path: makeClip(dir, { id: 'Hourly', seconds: 12, chapters: [] }) });
  const firstMs = Math.ceil((Date.now() + 10 * 60_000) / 3_600_000) * 3_600_000;
  const hours = 7 * 24;
  for (let hour = 0; hour < hours; hour++) {
    await callCommand(studio, 'schedule.add', { mediaId: clip.id, startAt: new Date(firstMs + hour * 3_600_000).toISOString() });
  }
  await page.setViewportSize(SIZES[0]);
  await page.goto('/');
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
  // Zoomed all the way out (an hour is a few tens of px), from the first item.
  const start = await view(page);
  await page.mouse.move(start.box.x + start.box.width / 2, start.y);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, 5000);
  await page.keyboard.up('Control');
  const out = await view(page);
  await page.mouse.wheel(0, (firstMs - 30 * 60_000 - out.originMs) * out.pxPerMs);
  const items = page.getByTestId('timeline-item');
  await expect(items.first()).toBeVisible();
  const hoursInView = Math.ceil(out.box.width / (out.pxPerMs * 3_600_000)) + 2;
  const drawnAtStart = await items.count();
  expect(drawnAtStart).toBeGreaterThan(0);
  // Overscan (200 px a side) adds a few hours: still a screenful, not the week.
  expect(drawnAtStart).toBeLessThanOrEqual(hoursInView + Math.ceil(400 / (out.pxPerMs * 3_600_000)));
  // Scroll across the week a screen at a time; the last item comes into view.
  const lastStart = new Date(firstMs + (hours - 1) * 3_600_000).toISOString();
  const last = page.locator(`[data-testid="timeline-item"][data-start="${lastStart}"]`);
  let previousOrigin = (await view(page)).originMs;
  for (let screen = 0; screen < 40 && (await last.count()) === 0; screen++) {
    await page.mouse.wheel(0, out.box.width);
    await expect.poll(async () => (await view(page)).originMs).toBeGreaterThan(previousOrigin);
    previousOrigin = (await view(page)).originMs;
    expect(await items.count()).toBeLessThanOrEqual(hoursInView + Math.ceil(400 / (out.pxPerMs * 3_600_000)));
  }
  await expect(last).toHaveCount(1);
});
