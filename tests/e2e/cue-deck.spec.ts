// The ad-cue deck in the real renderer against a real `studio serve` with a running program (a
// test pattern source in a scene): breaks from the buttons and from hotkeys, the armed countdown and
// the time left as the engine reports them, refusals shown with the engine's message, Cancel and
// Return now, hotkeys that stay quiet while typing, the as-run table and its CSV export, and the
// emergency alert panel.
import { readFile } from 'node:fs/promises';
import { AS_RUN_CSV_COLUMNS, type AsRunRow, type CueState } from '../../src/shared/cues.ts';
import type { SceneInfo, SourceInfo } from '../../src/shared/program.ts';
import { callCommand, expect, test } from './fixtures.ts';

test('cue breaks from the deck and its hotkeys, see refusals, cancel, return, and export the as-run log', async ({ page, studio }) => {
  test.setTimeout(180_000);
  const call = <T>(name: string, args: unknown = {}) => callCommand<T>(studio, name, args);

  await call('program.setFormat', {
    width: 320,
    height: 180,
    frameRate: '30',
    videoBitrateKbps: 400,
    gopFrames: 30,
    x264Preset: 'ultrafast',
    audioBitrateKbps: 96,
    videoEncoder: 'libx264',
  });
  const pattern = await call<SourceInfo>('sources.create', { name: 'Bars', config: { kind: 'test_pattern', width: 320, height: 180 } });
  await call<SceneInfo>('scenes.create', { name: 'Main', layers: [{ sourceId: pattern.id }] });
  // A long preroll keeps each break armed long enough to see its refusal before it goes on air
  // (a refusal goes away once the break moves on), however slow the machine.
  await call('cues.setSettings', { prerollSeconds: 10 });

  await page.goto('/');
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');

  const status = page.getByTestId('cue-status');
  const refusal = page.getByTestId('cue-deck-refusal');
  const deck = page.getByTestId('cue-deck');

  // Stopped: the deck says why and its break buttons are off; a hotkey still asks the engine,
  // whose refusal shows at the deck.
  await expect(status).toHaveAttribute('data-phase', 'blocked');
  await expect(page.getByTestId('cue-status-reason')).toContainText('Program stopped');
  await expect(page.getByTestId('cue-deck-break30')).toBeDisabled();
  await expect(page.getByTestId('cue-deck-break30-key')).toHaveText('F1');
  await page.locator('body').press('F1');
  await expect(refusal).toContainText('not running');

  await page.getByTestId('program-go-live').click();
  await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'live');
  await expect(status).toHaveAttribute('data-phase', 'idle');
  await expect(page.getByTestId('cue-deck-break30')).toBeEnabled();

  // 30 s from the button: armed and counting to the splice, then on break with the time left.
  await page.getByTestId('cue-deck-break30').click();
  await expect(status).toHaveAttribute('data-phase', 'armed');
  await expect(page.getByTestId('cue-status-figure')).toContainText(/Break in \d+\.\d s/);
  const firstEventId = Number(await status.getAttribute('data-event-id'));
  expect(firstEventId).toBeGreaterThan(0);
  await expect(page.getByTestId('cue-status-duration')).toHaveText('30 s');
  await expect(page.getByTestId('cue-deck-cancel')).toBeEnabled();
  await expect(page.getByTestId('cue-deck-returnNow')).toBeDisabled();

  // A second break while one is armed: the engine refuses it, naming the armed event.
  await page.getByTestId('cue-deck-break60').click();
  await expect(refusal).toContainText('60 s break refused');
  await expect(refusal).toContainText(String(firstEventId));
  await expect(status).toHaveAttribute('data-event-id', String(firstEventId));

  await expect(status).toHaveAttribute('data-phase', 'onBreak', { timeout: 30_000 });
  await expect(page.getByTestId('cue-status-figure')).toContainText(/\d:\d\d left/);
  await expect(page.getByTestId('cue-status-progress')).toBeVisible();
  await expect(page.getByTestId('cue-deck-returnNow')).toBeEnabled();
  await expect(page.getByTestId('cue-deck-cancel')).toBeDisabled();

  await page.getByTestId('cue-deck-returnNow').click();
  await expect(status).toHaveAttribute('data-phase', 'idle', { timeout: 20_000 });
  await expect(page.getByTestId('cue-status-last')).toContainText(`#${firstEventId}`);
  await expect(page.getByTestId('cue-status-last')).toContainText('returned early');

  // Hotkeys never fire while typing: F1 pressed in a text field, and "F1" typed there, cue nothing.
  const field = page.getByTestId('alert-text-input');
  await field.click();
  await field.press('F1');
  await field.pressSequentially('F1');
  await expect(field).toHaveValue('F1');
  // Outside a field, F1 fires: had the field's F1 cued a break, this one would be refused as a second break.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('F1');
  await expect(status).toHaveAttribute('data-phase', 'armed');
  await expect(status).toHaveAttribute('data-event-id', String(firstEventId + 1));
  await expect(refusal).toHaveCount(0);

  // Cancel before the splice: nothing airs, the break ends cancelled.
  await page.getByTestId('cue-deck-cancel').click();
  await expect(status).toHaveAttribute('data-phase', 'idle');
  await expect(page.getByTestId('cue-status-last')).toContainText('cancelled');

  // A hotkey set in the settings by pressing it: Ctrl+K for the 90 s break.
  await page.getByTestId('cue-deck-open-settings').click();
  const settings = page.getByTestId('cue-settings');
  await settings.getByTestId('hotkey-capture-break90').click();
  await page.keyboard.press('Control+KeyK');
  await expect(settings.getByTestId('hotkey-capture-break90')).toHaveText('Ctrl+K');
  // The capture took the key: no break was cued by it.
  await expect(status).toHaveAttribute('data-phase', 'idle');
  await settings.getByTestId('cue-settings-save').click();
  await expect(settings.getByTestId('cue-settings-saved')).toBeVisible();
  expect((await call<{ hotkeys: Record<string, string | null> }>('cues.getSettings')).hotkeys.break90).toBe('Ctrl+KeyK');
  await settings.getByTestId('cue-settings-close').click();
  await expect(page.getByTestId('cue-deck-break90-key')).toHaveText('Ctrl+K');
  await page.keyboard.press('Control+KeyK');
  await expect(status).toHaveAttribute('data-phase', 'armed');
  await expect(status).toHaveAttribute('data-event-id', String(firstEventId + 2));
  await page.keyboard.press('F10');
  await expect(status).toHaveAttribute('data-phase', 'idle');

  // The as-run table: newest first, each break with its outcome; live while it is open.
  await page.getByTestId('cue-deck-open-as-run').click();
  const rows = page.getByTestId('as-run-row');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toHaveAttribute('data-event-id', String(firstEventId + 2));
  await expect(rows.nth(0)).toHaveAttribute('data-outcome', 'cancelled');
  await expect(rows.nth(1)).toHaveAttribute('data-outcome', 'cancelled');
  await expect(rows.nth(2)).toHaveAttribute('data-event-id', String(firstEventId));
  await expect(rows.nth(2)).toHaveAttribute('data-outcome', 'returned_early');
  await expect(rows.nth(2).getByTestId('as-run-outcome')).toHaveText('returned early');
  await page.keyboard.press('F2');
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(0)).toHaveAttribute('data-outcome', 'pending');
  await page.keyboard.press('F10');
  await expect(rows.nth(0)).toHaveAttribute('data-outcome', 'cancelled');

  // Export CSV: the header, then one line per break, as the engine's log has them.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('as-run-export').click()]);
  expect(download.suggestedFilename()).toMatch(/^as-run-\d{8}-\d{6}\.csv$/);
  const csv = await readFile((await download.path())!, 'utf8');
  const lines = csv.trimEnd().split('\r\n');
  expect(lines[0]).toBe(AS_RUN_CSV_COLUMNS.join(','));
  expect(lines).toHaveLength(5);
  const logged = await call<AsRunRow[]>('cues.asRun', { limit: 10 });
  for (const row of logged) {
    const line = lines.find((l) => l.startsWith(`${row.eventId},`));
    expect(line, `a CSV line for event ${row.eventId}`).toBeDefined();
    expect(line).toContain(`,${row.outcome},`);
    expect(line).toContain(`,${row.plannedSpliceFrame},`);
  }
  await page.getByTestId('as-run-dialog-close').click();

  // The emergency alert: a bad duration is refused at its field; then an alert airs with its time
  // left, holds breaks off, and ends by hand.
  const alertText = page.getByTestId('alert-text-input');
  await alertText.fill('Severe weather warning: stay indoors.');
  await page.getByTestId('alert-style').selectOption('crawl');
  await page.getByTestId('alert-duration').fill('0');
  await page.getByTestId('alert-start').click();
  await expect(page.getByTestId('alert-error-durationSeconds')).toBeVisible();
  await page.getByTestId('alert-duration').fill('60');
  await page.getByTestId('alert-start').click();
  await expect(page.getByTestId('alert-state')).toHaveAttribute('data-active', 'true');
  await expect(page.getByTestId('alert-text')).toHaveText('Severe weather warning: stay indoors.');
  await expect(page.getByTestId('alert-time-left')).toContainText(/\d:\d\d left/);
  await expect(page.getByTestId('cue-status-reason')).toContainText('emergency alert');
  await expect(page.getByTestId('cue-deck-break30')).toBeDisabled();
  await page.getByTestId('alert-stop').click();
  await expect(page.getByTestId('alert-form')).toBeVisible();
  await expect(status).toHaveAttribute('data-phase', 'idle');
  await expect(page.getByTestId('cue-deck-break30')).toBeEnabled();

  // Stopping the program leaves the deck off again, with why.
  await page.getByTestId('program-stop').click();
  await page.getByTestId('program-stop-confirm').click();
  await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'stopped');
  await expect(status).toHaveAttribute('data-phase', 'blocked');
  await expect(deck.getByTestId('cue-deck-break30')).toBeDisabled();
  expect((await call<CueState>('cues.status')).programRunning).toBe(false);
});
