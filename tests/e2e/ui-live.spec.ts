// The live panels against a real `studio serve`: an RTMP test pattern in, Go Live from the UI, the
// confidence monitor playing the encoded program, the cue tally lighting for an injected SCTE-35
// cue, stats coloured by the thresholds, and an output refused with its field shown at the input.
import type { StreamKeyWithSecret } from '../../src/shared/contract.ts';
import type { ProgramStatus, SceneInfo, SourceInfo } from '../../src/shared/program.ts';
import { publishTestPattern } from '../support/ingest.ts';
import { buildCueOut, encodeSection } from '../../src/main/engine/scte35/index.ts';
import { expect, test } from './fixtures.ts';

const EVENT_ID = 7301;
const PTS_HZ = 90_000;

test('go live, watch the confidence monitor, see the cue tally and the stats, and get a field error on an output', async ({ page, studio }) => {
  test.setTimeout(150_000);
  // hls.js used to add <track src="data:,WEBVTT">, refused by the page's media-src: no CSP violation
  // and no uncaught error may reach the console while the monitor plays.
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));

  async function call<T>(name: string, args: unknown = {}): Promise<T> {
    const response = await fetch(`${studio.baseURL}/api/v1/commands/${name}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${studio.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(args),
    });
    const body = (await response.json()) as { result?: T; error?: unknown };
    if (!response.ok) throw new Error(`${name}: ${response.status} ${JSON.stringify(body.error)}`);
    return body.result as T;
  }

  await call('program.setFormat', {
    width: 320,
    height: 180,
    frameRate: '30',
    videoBitrateKbps: 500,
    gopFrames: 30,
    x264Preset: 'ultrafast',
    audioBitrateKbps: 96,
    videoEncoder: 'libx264',
  });
  const key = await call<StreamKeyWithSecret>('streamKeys.create', { name: 'OBS' });
  const camera = await call<SourceInfo>('sources.create', { name: 'Camera', config: { kind: 'rtmp', streamKeyId: key.id, width: 320, height: 180 } });
  const scene = await call<SceneInfo>('scenes.create', { name: 'Main', layers: [{ sourceId: camera.id }] });

  const publisher = publishTestPattern(`rtmp://127.0.0.1:${studio.rtmpPort}/live/${key.key}`, { seconds: 120, size: '320x180' });
  try {
    await expect.poll(async () => (await call<unknown[]>('ingest.list')).length, { timeout: 15_000 }).toBe(1);

    await page.goto('/');
    await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
    // The right monitor opens on the composed Program picture; the encoded output is its other view.
    await page.getByTestId('program-view-encoded').click();
    await expect(page.getByTestId('program-stopped')).toContainText('Program stopped');
    await expect(page.getByTestId('scene-row')).toHaveAttribute('data-scene-id', String(scene.id));

    await page.getByTestId('program-go-live').click();
    await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'live');
    await expect(page.getByTestId('scene-row')).toHaveAttribute('data-on-air', 'true');
    await expect(page.getByTestId('source-row').first()).toHaveAttribute('data-state', 'running', { timeout: 20_000 });

    // The confidence monitor plays the built-in preview HLS: its clock moves on.
    // Functions, not strings: the page's CSP forbids eval. Typed loosely: tests compile without the DOM library.
    const currentTimeAbove = ([selector, seconds]: [string, number]) => {
      const video = (globalThis as unknown as { document: { querySelector(s: string): { currentTime: number } | null } }).document.querySelector(selector);
      return video !== null && video.currentTime > seconds;
    };
    const monitor = '[data-testid="confidence-monitor"]';
    await page.waitForFunction(currentTimeAbove, [monitor, 0.5] as [string, number], { timeout: 40_000 });
    const playedAt = await page.getByTestId('confidence-monitor').evaluate((video) => (video as unknown as { currentTime: number }).currentTime);
    await page.waitForFunction(currentTimeAbove, [monitor, playedAt + 1] as [string, number], { timeout: 15_000 });
    await expect(page.getByTestId('confidence-monitor')).toHaveAttribute('data-state', 'playing');

    // A cue out five seconds ahead, on an IDR: its copies go out from splice − 4 s and light the tally.
    await expect(page.getByTestId('cue-tally')).toHaveAttribute('data-lit', 'false');
    const status = await call<ProgramStatus>('program.status');
    const { pts } = await call<{ pts: number | null }>('program.ptsOfFrame', { frame: status.nextIdrFrames[0]! + 150 });
    expect(pts).not.toBeNull();
    const section = Buffer.from(encodeSection(buildCueOut({ eventId: EVENT_ID, ptsTime: pts!, durationTicks: 30 * PTS_HZ, autoReturn: true }))).toString(
      'base64',
    );
    await call('scte35.inject', { section });
    const tally = page.getByTestId('cue-tally');
    await expect(tally).toHaveAttribute('data-lit', 'true', { timeout: 15_000 });
    await expect(tally).toHaveAttribute('data-event-id', String(EVENT_ID));
    await expect(tally).toContainText(`#${EVENT_ID}`);
    await expect(tally).toContainText('OUT');
    // The preview playlist carries the cue as EXT-X-DATERANGE; hls.js used to make a metadata track for it
    // (the data:,WEBVTT source). Wait until the monitor has played past a reload of that playlist.
    await expect
      .poll(
        async () =>
          (await (await fetch(`${studio.baseURL}/preview/program/index.m3u8`, { headers: { Authorization: `Bearer ${studio.token}` } })).text()).includes(
            '#EXT-X-DATERANGE',
          ),
        {
          timeout: 30_000,
        },
      )
      .toBe(true);
    const cueListedAt = await page.getByTestId('confidence-monitor').evaluate((video) => (video as unknown as { currentTime: number }).currentTime);
    await page.waitForFunction(currentTimeAbove, [monitor, cueListedAt + 4] as [string, number], { timeout: 30_000 });

    // Stats: the program's frame rate near its 30 fps target, coloured by OBS's thresholds.
    const fps = page.getByTestId('stat-fps');
    await expect(fps).toHaveAttribute('data-level', /^(ok|warning|danger)$/);
    await expect.poll(async () => Number(await page.getByTestId('stat-fps-value').textContent()), { timeout: 15_000 }).toBeGreaterThan(24);
    expect(Number(await page.getByTestId('stat-fps-value').textContent())).toBeLessThanOrEqual(31);
    await expect(page.getByTestId('stat-dropped')).toHaveAttribute('data-level', /^(ok|warning|danger)$/);
    await expect(page.getByTestId('stat-host-cpu')).toContainText('%');

    // An SRT output with a latency out of range: the engine's refusal shows under the latency input.
    await page.getByTestId('output-add-toggle').click();
    const form = page.getByTestId('output-form');
    await form.getByTestId('output-url').fill('srt://127.0.0.1:9000');
    await form.getByTestId('output-latency').fill('5');
    await form.getByTestId('output-create').click();
    const latencyError = form.getByTestId('output-error-latencyMs');
    await expect(latencyError).toContainText('must be between 20 and 8000 ms');
    const describedBy = await form.getByTestId('output-latency').getAttribute('aria-describedby');
    expect(describedBy).toBe(await latencyError.getAttribute('id'));
    await expect(form.getByTestId('output-latency')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByTestId('output-card')).toHaveCount(0);

    // Stop asks first while live: Escape keeps the program on air; Tab to "Stop program" and Enter stops it.
    await page.getByTestId('program-stop').click();
    await expect(page.getByTestId('program-stop-dialog')).toBeVisible();
    await expect(page.getByTestId('program-stop-cancel')).toBeFocused();
    // Artifacts, not assertions: the dialog over the studio at the two sizes the layout must hold.
    for (const viewport of [
      { width: 1280, height: 720 },
      { width: 1920, height: 1080 },
    ]) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: test.info().outputPath(`stop-dialog-${viewport.width}x${viewport.height}.png`) });
    }
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('program-stop-dialog')).toHaveCount(0);
    await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'live');
    await page.getByTestId('program-stop').click();
    await page.keyboard.press('Tab');
    await expect(page.getByTestId('program-stop-confirm')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'stopped');
    await expect(page.getByTestId('program-stopped')).toContainText('Program stopped');
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  } finally {
    await publisher.stop('test over');
  }
});
