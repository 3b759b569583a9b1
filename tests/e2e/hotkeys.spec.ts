// The studio's hotkeys in the real renderer against a real `studio serve`: bound in the Hotkeys
// dialog, they go live, switch scenes (to Program, or to Preview in Studio Mode), take a Transition,
// mute a source and ask before Stop; never while typing in a field; kept across a reload; a key
// also bound on the cue deck is named as a conflict.
import type { SceneInfo, SourceInfo } from '../../src/shared/program.ts';
import { callCommand, collectConsoleErrors, expect, test } from './fixtures.ts';

test('studio hotkeys: bound in the dialog, they go live, switch, transition, mute and ask before Stop', async ({ page, studio }, testInfo) => {
  test.setTimeout(120_000);
  const consoleErrors = collectConsoleErrors(page);
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
  const bars = await call<SourceInfo>('sources.create', { name: 'Bars', config: { kind: 'test_pattern', width: 320, height: 180 } });
  const red = await call<SourceInfo>('sources.create', { name: 'Red', config: { kind: 'color', color: '#ff0000', width: 320, height: 180 } });
  const main = await call<SceneInfo>('scenes.create', { name: 'Main', layers: [{ sourceId: bars.id }] });
  const slate = await call<SceneInfo>('scenes.create', { name: 'Slate', layers: [{ sourceId: red.id }] });
  await call('program.switchScene', { sceneId: main.id });
  const onAir = async () => (await call<{ onAirSceneId: number | null }>('program.status')).onAirSceneId;
  const muted = async () => (await call<SourceInfo[]>('sources.list')).find((s) => s.id === bars.id)?.audio.muted;

  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/');
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');

  // Bind: G Go Live, S Stop, 1 and 2 the scenes, V Studio Mode, T Transition, M mute the bars.
  await page.getByTestId('hotkeys-open').click();
  const dialog = page.getByTestId('hotkeys-dialog');
  await expect(dialog).toBeVisible();
  // Only sources with audio get a mute key: the bars, not the colour.
  await expect(dialog.locator(`[data-action="mute:${bars.id}"]`)).toBeVisible();
  await expect(dialog.locator(`[data-action="mute:${red.id}"]`)).toHaveCount(0);
  const bind = async (action: string, key: string) => {
    await page.getByTestId(`studio-hotkey-${action}`).click();
    await expect(page.getByTestId(`studio-hotkey-${action}`)).toHaveText('Press a key…');
    await page.keyboard.press(key);
    await expect(page.getByTestId(`studio-hotkey-${action}`)).not.toHaveText('Press a key…');
  };
  await bind('goLive', 'g');
  await bind('stop', 's');
  await bind(`scene:${main.id}`, '1');
  await bind(`scene:${slate.id}`, '2');
  await bind('studioMode', 'v');
  await bind('transition', 't');
  await bind(`mute:${bars.id}`, 'm');
  await expect(page.getByTestId(`studio-hotkey-scene:${slate.id}`)).toHaveText('2');
  // F1 is the cue deck's 30 s break: binding it here names the clash.
  await bind('studioMode', 'F1');
  await expect(dialog.locator('[data-action="studioMode"]')).toContainText('also Ad cues: 30 s break');
  await bind('studioMode', 'v');
  await expect(dialog.locator('[data-action="studioMode"]')).not.toContainText('also');
  await page.screenshot({ path: testInfo.outputPath('hotkeys-dialog-1280x720.png') });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: testInfo.outputPath('hotkeys-dialog-1920x1080.png') });
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByTestId('hotkeys-dialog-close').click();
  await expect(dialog).toHaveCount(0);

  // Go Live, and a scene key takes the program there (Studio Mode off).
  await page.keyboard.press('g');
  await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'live');
  await page.keyboard.press('2');
  await expect.poll(onAir).toBe(slate.id);

  // Typed in a field, the same key is text, not a switch.
  const alertText = page.getByTestId('alert-form').getByRole('textbox', { name: 'Alert text' });
  await alertText.fill('');
  await alertText.press('1');
  await expect(alertText).toHaveValue('1');
  await page.waitForTimeout(500);
  expect(await onAir()).toBe(slate.id);
  await alertText.fill('');
  await alertText.blur();

  // Studio Mode by key: 1 puts Main in Preview only; T takes it to Program.
  await page.keyboard.press('v');
  await expect(page.getByTestId('studio-mode-toggle')).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('1');
  await expect(page.locator(`[data-testid="scene-row"][data-scene-id="${main.id}"]`)).toHaveAttribute('data-selected', 'true');
  await page.waitForTimeout(500);
  expect(await onAir()).toBe(slate.id);
  await page.keyboard.press('t');
  await expect.poll(onAir).toBe(main.id);

  // M mutes the bars and unmutes them.
  // The key toggles what the page knows: wait for the page to show each change before the next press.
  const strip = page.locator(`[data-testid="mixer-strip"][data-source-id="${bars.id}"]`);
  await page.keyboard.press('m');
  await expect.poll(muted).toBe(true);
  await expect(strip).toHaveAttribute('data-muted', 'true');
  await page.keyboard.press('m');
  await expect.poll(muted).toBe(false);
  await expect(strip).toHaveAttribute('data-muted', 'false');

  // S asks; staying on air keeps the program running.
  await page.keyboard.press('s');
  await expect(page.getByTestId('program-stop-dialog')).toBeVisible();
  await page.getByTestId('program-stop-cancel').click();
  await expect(page.getByTestId('program-stop-dialog')).toHaveCount(0);
  expect((await call<{ running: boolean }>('program.status')).running).toBe(true);

  // The keys are kept in this browser across a reload.
  await page.reload();
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
  await page.getByTestId('hotkeys-open').click();
  await expect(page.getByTestId(`studio-hotkey-scene:${slate.id}`)).toHaveText('2');
  await page.getByTestId('hotkeys-dialog-close').click();
  await page.keyboard.press('s');
  await page.getByTestId('program-stop-confirm').click();
  await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'stopped');
  expect(consoleErrors).toEqual([]);
});
