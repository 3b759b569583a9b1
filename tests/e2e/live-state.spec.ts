// Live state in the UI against a real `studio serve` with a real encode, a real recording in the
// data dir and an SRT output to a real srt-live-transmit listener on loopback: the output cards'
// bytes rise on screen from pushed events (no reload); after Stop no output card, source row or
// button says running; after the next Go Live the cards are live again; a Stop from another client
// (the API) reaches the page the same way. Screenshots at 1280×720 and 1920×1080, live and
// stopped, as artifacts. No console errors.
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { OutputInfo } from '../../src/shared/contract.ts';
import type { SceneInfo, SourceInfo } from '../../src/shared/program.ts';
import { SrtReceiver } from '../support/outputs.ts';
import { freePort } from '../support/ports.ts';
import { callCommand, collectConsoleErrors, expect, test } from './fixtures.ts';

const VIEWPORTS = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
];

/** The card's "Sent" figure: the exact byte count behind the shown one. */
async function sentBytes(page: Page, outputId: number): Promise<number> {
  const sent = page.locator(`[data-testid="output-card"][data-output-id="${outputId}"]`).getByTestId('output-sent');
  return Number(await sent.getAttribute('data-bytes'));
}

const recordedBytes = (folder: string) => readdirSync(folder).reduce((sum, name) => sum + statSync(path.join(folder, name)).size, 0);

/** Every output card, source row and the program's state: none may say running. */
async function shownStates(page: Page): Promise<string[]> {
  const states = await page
    .locator('[data-testid="output-card"], [data-testid="source-row"], [data-testid="program-state"]')
    .evaluateAll((nodes) => nodes.map((node) => (node as unknown as { getAttribute(name: string): string | null }).getAttribute('data-state') ?? ''));
  const pills = await page.locator('[data-testid="output-state"], [data-testid="source-state"]').allTextContents();
  return [...states, ...pills.map((text) => text.trim())];
}

test('output figures rise on screen while live; after Stop nothing shows running; the next Go Live is live again', async ({ page, studio }, testInfo) => {
  test.setTimeout(180_000);
  const consoleErrors = collectConsoleErrors(page);
  let navigations = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations++;
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
  const bars = await callCommand<SourceInfo>(studio, 'sources.create', { name: 'Bars', config: { kind: 'test_pattern', width: 320, height: 180 } });
  await callCommand<SceneInfo>(studio, 'scenes.create', { name: 'Main', layers: [{ sourceId: bars.id }] });
  const folder = path.join(studio.dataDir, 'recordings');
  mkdirSync(folder);
  const archive = await callCommand<OutputInfo>(studio, 'outputs.create', {
    settings: { kind: 'recording', name: 'Archive', folder, fileNamePattern: 'archive-%H%M%S.ts' },
  });

  const srtPort = await freePort('udp');
  const receiver = new SrtReceiver({ mode: 'listener', port: srtPort });
  const distributor = await callCommand<OutputInfo>(studio, 'outputs.create', {
    settings: { kind: 'srt', name: 'Distributor', url: `srt://127.0.0.1:${srtPort}`, mode: 'caller', latencyMs: 200 },
  });
  try {
    await runTheShow();
  } finally {
    await receiver.stop();
  }

  async function runTheShow(): Promise<void> {
    await page.setViewportSize(VIEWPORTS[0]!);
    await page.goto('/');
    await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
    const card = page.locator(`[data-testid="output-card"][data-output-id="${archive.id}"]`);
    const sourceRow = page.locator(`[data-testid="source-row"][data-source-id="${bars.id}"]`);
    await expect(card).toHaveAttribute('data-state', 'idle');
    const loadedNavigations = navigations;

    // Started with the program off air: its file is open, nothing to send; the card says so.
    await card.getByTestId('output-start').click();
    await expect(card).toHaveAttribute('data-state', 'ready');
    const srtCard = page.locator(`[data-testid="output-card"][data-output-id="${distributor.id}"]`);
    await srtCard.getByTestId('output-start').click();
    await expect(srtCard).toHaveAttribute('data-state', /^(starting|ready)$/);

    await page.getByTestId('program-go-live').click();
    await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'live');
    await expect(card).toHaveAttribute('data-state', 'running', { timeout: 20_000 });
    await expect(sourceRow).toHaveAttribute('data-state', 'running', { timeout: 20_000 });

    // The bytes figure rises on screen without a reload: read it twice, the second larger.
    await expect.poll(() => sentBytes(page, archive.id), { timeout: 30_000 }).toBeGreaterThan(0);
    const first = await sentBytes(page, archive.id);
    await expect.poll(() => sentBytes(page, archive.id), { timeout: 30_000 }).toBeGreaterThan(first);
    const second = await sentBytes(page, archive.id);
    // Real figures: what the card shows is already in the file (the file only grows), and the rate is measured.
    expect(recordedBytes(folder)).toBeGreaterThanOrEqual(second);
    await expect.poll(async () => Number(await card.getByTestId('output-bitrate').getAttribute('data-kbps')), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(navigations).toBe(loadedNavigations);
    // The SRT card too, and the listener has what it counts.
    await expect(srtCard).toHaveAttribute('data-state', 'running', { timeout: 20_000 });
    const srtFirst = await sentBytes(page, distributor.id);
    await expect.poll(() => sentBytes(page, distributor.id), { timeout: 30_000 }).toBeGreaterThan(srtFirst);
    await expect.poll(() => receiver.bytes().length, { timeout: 15_000 }).toBeGreaterThan(0);

    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: testInfo.outputPath(`live-${viewport.width}x${viewport.height}.png`) });
    }
    await page.setViewportSize(VIEWPORTS[0]!);

    // Stop (confirmed): the program, the output card and the source row all say they are not running.
    await page.getByTestId('program-stop').click();
    await page.getByTestId('program-stop-confirm').click();
    await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'stopped');
    await expect(page.getByTestId('program-go-live')).toBeEnabled();
    await expect(page.getByTestId('program-stop')).toHaveCount(0);
    await expect(card).toHaveAttribute('data-state', 'stopped');
    await expect(card.getByTestId('output-state')).toHaveText('stopped');
    await expect(card.getByTestId('output-bitrate')).toHaveText('—');
    await expect(srtCard).toHaveAttribute('data-state', 'stopped');
    await expect(sourceRow).toHaveAttribute('data-state', 'idle');
    await expect(page.getByTestId('preview-output')).toHaveCount(0);
    // Whatever the engine still pushes after the stop leaves it so.
    await page.waitForTimeout(2500);
    const afterStop = await shownStates(page);
    expect(afterStop.length).toBeGreaterThanOrEqual(7);
    expect(afterStop.filter((state) => /running|live/.test(state))).toEqual([]);
    const sentAtStop = await sentBytes(page, archive.id);
    expect(sentAtStop).toBeGreaterThanOrEqual(second);

    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: testInfo.outputPath(`stopped-${viewport.width}x${viewport.height}.png`) });
    }
    await page.setViewportSize(VIEWPORTS[0]!);

    // The next Go Live: the output the operator started runs again (a new file) and its bytes rise again.
    await page.getByTestId('program-go-live').click();
    await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'live');
    await expect(card).toHaveAttribute('data-state', 'running', { timeout: 20_000 });
    await expect(sourceRow).toHaveAttribute('data-state', 'running', { timeout: 20_000 });
    await expect.poll(() => sentBytes(page, archive.id), { timeout: 30_000 }).toBeGreaterThan(sentAtStop);
    const third = await sentBytes(page, archive.id);
    await expect.poll(() => sentBytes(page, archive.id), { timeout: 30_000 }).toBeGreaterThan(third);
    expect(readdirSync(folder)).toHaveLength(2);
    const srtAtRestart = await sentBytes(page, distributor.id);
    await expect(srtCard).toHaveAttribute('data-state', 'running', { timeout: 20_000 });
    await expect.poll(() => sentBytes(page, distributor.id), { timeout: 30_000 }).toBeGreaterThan(srtAtRestart);

    // Stopped by another client (the API): the button, the cards and the source row follow the pushed events.
    await callCommand(studio, 'program.stop');
    await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'stopped');
    await expect(page.getByTestId('program-go-live')).toBeEnabled();
    await expect(card).toHaveAttribute('data-state', 'stopped');
    await expect(srtCard).toHaveAttribute('data-state', 'stopped');
    await expect(sourceRow).toHaveAttribute('data-state', 'idle');
    expect((await shownStates(page)).filter((state) => /running|live/.test(state))).toEqual([]);
    expect(navigations).toBe(loadedNavigations);

    expect(consoleErrors).toEqual([]);
  }
});
