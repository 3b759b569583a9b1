// The Audio Mixer dock against a real `studio serve`: OBS publishes a test pattern with a tone into
// an RTMP source on air; the dock has a strip for it (none for the colour and the text), its meter
// moves, and moving its fader, muting it and lowering the master change the level of the encoded
// program by as much (measured with ffmpeg volumedetect on the program's TS), with nothing restarted.
import type { StreamKeyWithSecret } from '../../src/shared/contract.ts';
import type { AudioSettings, ProgramFormatSettings, SceneInfo, SourceInfo } from '../../src/shared/program.ts';
import type { StatsEvent } from '../../src/shared/stats.ts';
import { muxRateKbps } from '../../src/main/engine/encoder/program-format.ts';
import { faderPositionOf, formatDb } from '../../src/renderer/src/features/mixer/fader.ts';
import { levelOnceSettled, openTsFeed, tsBytesFor, type AudioLevel } from '../support/audio-level.ts';
import { publishTestPattern } from '../support/ingest.ts';
import { callCommand, collectConsoleErrors, expect, test } from './fixtures.ts';

const FORMAT: ProgramFormatSettings = {
  width: 320,
  height: 180,
  frameRate: '30',
  videoBitrateKbps: 300,
  gopFrames: 30,
  x264Preset: 'ultrafast',
  audioBitrateKbps: 96,
  videoEncoder: 'libx264',
};
const STRETCH_BYTES = tsBytesFor(muxRateKbps({ ...FORMAT, frameRate: { num: 30, den: 1 } }), 2);
/** AAC and the measurement move a sine's level by a fraction of a dB; a few dB of slack. */
const TOLERANCE_DB = 2.5;
/** volumedetect reads s16 digital silence as −91 dB. */
const SILENT_BELOW_DB = -80;
const TARGET_DB = -20;

test('the mixer dock: one strip per source with sound, meters moving, fader, mute and master measured in the output', async ({ page, studio }) => {
  test.setTimeout(180_000);
  const errors = collectConsoleErrors(page);
  await callCommand(studio, 'program.setFormat', FORMAT);
  const key = await callCommand<StreamKeyWithSecret>(studio, 'streamKeys.create', { name: 'OBS' });
  const camera = await callCommand<SourceInfo>(studio, 'sources.create', {
    name: 'Camera',
    config: { kind: 'rtmp', streamKeyId: key.id, width: 320, height: 180 },
  });
  const backdrop = await callCommand<SourceInfo>(studio, 'sources.create', {
    name: 'Backdrop',
    config: { kind: 'color', color: '#203040', width: 64, height: 36 },
  });
  const title = await callCommand<SourceInfo>(studio, 'sources.create', { name: 'Title', config: { kind: 'text', text: 'Live', width: 128, height: 36 } });
  await callCommand<SceneInfo>(studio, 'scenes.create', {
    name: 'Main',
    layers: [{ sourceId: camera.id }, { sourceId: backdrop.id, x: 8, y: 8 }, { sourceId: title.id, x: 8, y: 140 }],
  });

  const publisher = publishTestPattern(`rtmp://127.0.0.1:${studio.rtmpPort}/live/${key.key}`, { seconds: 170, size: '320x180' });
  let feed: Awaited<ReturnType<typeof openTsFeed>> | null = null;
  try {
    await expect.poll(async () => (await callCommand<unknown[]>(studio, 'ingest.list')).length, { timeout: 15_000 }).toBe(1);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto('/');
    await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');

    // One strip, for the source with sound; the master strip; no audio controls left in the Sources dock.
    const dock = page.getByTestId('dock-mixer');
    await expect(dock.getByRole('heading', { name: 'Audio Mixer' })).toBeVisible();
    const strip = dock.getByTestId('mixer-strip');
    await expect(strip).toHaveCount(1);
    await expect(strip).toHaveAttribute('data-source-id', String(camera.id));
    await expect(strip).toContainText('Camera');
    await expect(strip.getByTestId('mixer-db')).toHaveText('0.0 dB');
    const master = dock.getByTestId('mixer-master');
    await expect(master).toContainText('Master');
    await expect(master.getByTestId('mixer-db')).toHaveText('0.0 dB');
    await expect(page.getByTestId('source-row')).toHaveCount(3);
    await expect(page.getByTestId('dock-sources').locator('input[type="range"]')).toHaveCount(0);
    await expect(page.getByTestId('dock-sources').getByRole('button', { name: /mute/i })).toHaveCount(0);

    await page.getByTestId('program-go-live').click();
    await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'live');
    await expect(page.locator(`[data-testid="source-row"][data-source-id="${camera.id}"]`)).toHaveAttribute('data-state', 'running', { timeout: 30_000 });

    // The tone (ffmpeg's sine, −18 dBFS peak) lights the strip's meter and the master's, held peak shown.
    const peakOf = async (meter: ReturnType<typeof strip.getByTestId>) => Number.parseFloat((await meter.getAttribute('data-peak-db')) ?? 'NaN');
    await expect.poll(() => peakOf(strip.getByTestId('mixer-meter')), { timeout: 30_000 }).toBeGreaterThan(-30);
    await expect.poll(() => peakOf(master.getByTestId('mixer-meter')), { timeout: 15_000 }).toBeGreaterThan(-30);

    feed = await openTsFeed(studio.baseURL, studio.token);
    const unity = await levelOnceSettled(feed, STRETCH_BYTES, (level) => level.meanDb > -40);
    expect(unity.meanDb).toBeGreaterThan(-40);
    const decodedBefore = await framesDecoded(studio, camera.id);

    // Drag the fader's thumb from unity to where −20 dB sits on the travel.
    const fader = strip.getByTestId('mixer-fader');
    const box = (await fader.boundingBox())!;
    // Chromium's range thumb travels between half a thumb from either end.
    const thumb = 16;
    const xAt = (position: number) => box.x + thumb / 2 + position * (box.width - thumb);
    await page.mouse.move(xAt(faderPositionOf(0)), box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(xAt(faderPositionOf(-10)), box.y + box.height / 2, { steps: 5 });
    await page.mouse.move(xAt(faderPositionOf(TARGET_DB)), box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    // Where the hand stopped is what the engine has, and what the strip shows.
    const gainOf = async () => (await callCommand<SourceInfo[]>(studio, 'sources.list')).find((s) => s.id === camera.id)!.audio.gainDb;
    await expect.poll(gainOf, { timeout: 10_000 }).not.toBe(0);
    await expect.poll(async () => formatDb(await gainOf()) === (await strip.getByTestId('mixer-db').textContent()), { timeout: 10_000 }).toBe(true);
    const gainDb = await gainOf();
    expect(Math.abs(gainDb - TARGET_DB)).toBeLessThan(3);
    await expect(strip.getByTestId('mixer-db')).toHaveText(formatDb(gainDb));
    await expect(fader).toHaveAttribute('aria-valuetext', formatDb(gainDb));

    const lowered = await levelOnceSettled(feed, STRETCH_BYTES, near(unity.meanDb + gainDb));
    expect(lowered.meanDb - unity.meanDb).toBeGreaterThan(gainDb - TOLERANCE_DB);
    expect(lowered.meanDb - unity.meanDb).toBeLessThan(gainDb + TOLERANCE_DB);
    // Nothing restarted: the same decoder kept counting (a new one would start again from 0).
    expect(await framesDecoded(studio, camera.id)).toBeGreaterThan(decodedBefore);
    await expect.poll(() => peakOf(strip.getByTestId('mixer-meter')), { timeout: 10_000 }).toBeLessThan(-30);

    // Mute: silence in the output; unmute: back at the fader's level.
    await strip.getByTestId('mixer-mute').click();
    await expect(strip.getByTestId('mixer-mute')).toHaveAttribute('aria-pressed', 'true');
    await expect(strip).toHaveAttribute('data-muted', 'true');
    const muted = await levelOnceSettled(feed, STRETCH_BYTES, (level) => level.meanDb < SILENT_BELOW_DB);
    expect(muted.meanDb).toBeLessThan(SILENT_BELOW_DB);
    expect((await callCommand<SourceInfo[]>(studio, 'sources.list')).find((s) => s.id === camera.id)!.audio).toEqual({ gainDb, muted: true });
    await strip.getByTestId('mixer-mute').click();
    await expect(strip.getByTestId('mixer-mute')).toHaveAttribute('aria-pressed', 'false');
    await levelOnceSettled(feed, STRETCH_BYTES, near(unity.meanDb + gainDb));

    // The master fader by keyboard: two PageDowns are −12 dB on the whole mix.
    const masterFader = master.getByTestId('mixer-fader');
    await masterFader.focus();
    await page.keyboard.press('PageDown');
    await page.keyboard.press('PageDown');
    await expect(master.getByTestId('mixer-db')).toHaveText('-12.0 dB');
    await expect.poll(() => callCommand<AudioSettings>(studio, 'audio.getMaster')).toEqual({ gainDb: -12, muted: false });
    const throughMaster = await levelOnceSettled(feed, STRETCH_BYTES, near(unity.meanDb + gainDb - 12));
    expect(throughMaster.meanDb - unity.meanDb).toBeGreaterThan(gainDb - 12 - TOLERANCE_DB);
    expect(throughMaster.meanDb - unity.meanDb).toBeLessThan(gainDb - 12 + TOLERANCE_DB);

    await masterFader.blur();
    // Artifacts, looked at by a person: the dock on air at the two sizes the layout must hold.
    for (const viewport of [
      { width: 1280, height: 720 },
      { width: 1920, height: 1080 },
    ]) {
      await page.setViewportSize(viewport);
      await expect.poll(() => peakOf(strip.getByTestId('mixer-meter')), { timeout: 10_000 }).toBeGreaterThan(-60);
      await page.screenshot({ path: test.info().outputPath(`studio-${viewport.width}x${viewport.height}.png`) });
      await dock.screenshot({ path: test.info().outputPath(`audio-mixer-${viewport.width}x${viewport.height}.png`) });
    }
    // Stopped: no readings come, and the meters fall empty instead of freezing on the last level.
    await callCommand(studio, 'program.stop');
    await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'stopped');
    await expect(strip.getByTestId('mixer-meter')).toHaveAttribute('data-peak-db', 'silent', { timeout: 10_000 });
    await expect(master.getByTestId('mixer-meter')).toHaveAttribute('data-peak-db', 'silent');
    expect(errors).toEqual([]);
  } finally {
    feed?.close();
    await publisher.stop('test over');
  }
});

function near(expectedDb: number) {
  return (level: AudioLevel) => Math.abs(level.meanDb - expectedDb) <= TOLERANCE_DB;
}

async function framesDecoded(studio: { baseURL: string; token: string }, sourceId: number): Promise<number> {
  const stats = await callCommand<StatsEvent | null>(studio, 'stats.get');
  return stats?.sources.find((source) => source.id === String(sourceId))?.framesDecoded ?? -1;
}
