// The confidence monitor against a real `studio serve` and a real ffmpeg encode, judged by its pixels:
// run 1 airs a red scene, Stop, the colour source turns blue, Go Live again; every frame the monitor's
// <video> presents in run 2 is read back (requestVideoFrameCallback into a canvas), and none is run 1's
// red. A picture that stops says stale and the monitor reopens the feed by itself. Then a break started over the API lights the monitor's SCTE-35 tally from what mpegts.js parsed
// in the TS (data-origin="ts"): OUT with the break's event id, then IN on the early return. No console errors.
import type { BreakPlan } from '../../src/shared/contract.ts';
import type { SceneInfo, SourceInfo } from '../../src/shared/program.ts';
import { callCommand, collectConsoleErrors, expect, test } from './fixtures.ts';

const MONITOR = '[data-testid="confidence-monitor"]';
const FEED_PATH = '/api/v1/monitor/program.ts';
const RUN_1 = { color: '#d02020', label: 'Run 1' };
const RUN_2 = { color: '#2040d0', label: 'Run 2' };

type FrameColour = 'red' | 'blue' | 'other';
// Frame counts below are floors, not rates: a loaded two-core machine presents few frames a second
// in a headless Chromium; what matters is which run's picture they show.

/**
 * Installed in the page: every frame any confidence-monitor <video> presents is drawn into a canvas
 * and its centre classified red / blue / other, into globalThis.__monitorFrames (tagged with which
 * <video> element showed it). Typed loosely: the tests compile without the DOM library.
 */
function installFrameSampler(selector: string): void {
  // biome-ignore lint/suspicious/noExplicitAny: the page's DOM, untyped in the tests' compile
  const page = globalThis as any;
  page.__monitorFrames = [] as Array<{ element: number; colour: string }>;
  const seen = new WeakMap<object, number>();
  const canvas = page.document.createElement('canvas');
  canvas.width = 32;
  canvas.height = 18;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  const watch = (video: { requestVideoFrameCallback(cb: () => void): void }, element: number) => {
    const onFrame = () => {
      if (!page.document.contains(video)) return;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      // The centre 8×6 of the 32×18 sample: away from the burnt-in label in the top-left corner.
      const { data } = context.getImageData(12, 6, 8, 6);
      let r = 0;
      let g = 0;
      let b = 0;
      for (let i = 0; i < data.length; i += 4) {
        r += data[i];
        g += data[i + 1];
        b += data[i + 2];
      }
      const n = data.length / 4;
      r /= n;
      g /= n;
      b /= n;
      const colour = r > 140 && g < 100 && b < 100 ? 'red' : b > 140 && r < 100 && g < 120 ? 'blue' : 'other';
      page.__monitorFrames.push({ element, colour });
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  };
  let elements = 0;
  page.setInterval(() => {
    const video = page.document.querySelector(selector);
    if (video && !seen.has(video)) {
      elements += 1;
      seen.set(video, elements);
      watch(video, elements);
    }
  }, 20);
}

function framesSeen(): Array<{ element: number; colour: FrameColour }> {
  return (globalThis as unknown as { __monitorFrames: Array<{ element: number; colour: FrameColour }> }).__monitorFrames;
}

test('after Stop and Go Live the confidence monitor shows the new run, never the earlier one, and its SCTE-35 tally comes from the TS', async ({
  page,
  studio,
}, testInfo) => {
  test.setTimeout(360_000);
  const consoleErrors = collectConsoleErrors(page);
  let feedRequests = 0;
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === FEED_PATH) feedRequests += 1;
  });

  await callCommand(studio, 'program.setFormat', {
    width: 320,
    height: 180,
    frameRate: '30',
    videoBitrateKbps: 600,
    gopFrames: 30,
    x264Preset: 'ultrafast',
    audioBitrateKbps: 96,
    videoEncoder: 'libx264',
  });
  const background = await callCommand<SourceInfo>(studio, 'sources.create', {
    name: 'Run colour',
    config: { kind: 'color', color: RUN_1.color, width: 320, height: 180 },
  });
  const label = await callCommand<SourceInfo>(studio, 'sources.create', {
    name: 'Run label',
    config: { kind: 'text', text: RUN_1.label, fontSize: 24, color: '#ffffff', width: 120, height: 36 },
  });
  await callCommand<SceneInfo>(studio, 'scenes.create', {
    name: 'Main',
    layers: [{ sourceId: background.id }, { sourceId: label.id, x: 8, y: 8 }],
  });

  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/');
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
  // The right monitor opens on the composed Program picture; the encoded output is its other view.
  await page.getByTestId('program-view-encoded').click();
  await expect(page.getByTestId('program-stopped')).toContainText('Program stopped');
  await page.evaluate(installFrameSampler, MONITOR);

  // Run 1: the monitor shows red.
  await page.getByTestId('program-go-live').click();
  await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'live');
  const monitor = page.getByTestId('confidence-monitor');
  await expect(monitor).toHaveAttribute('data-source', 'ts');
  await expect.poll(async () => (await page.evaluate(framesSeen)).filter((f) => f.colour === 'red').length, { timeout: 90_000 }).toBeGreaterThan(10);
  await expect(monitor).toHaveAttribute('data-state', 'playing');
  await page.screenshot({ path: testInfo.outputPath('confidence-run-1-1280x720.png') });

  // Stop; while stopped the run's colour and label change.
  await page.getByTestId('program-stop').click();
  await page.getByTestId('program-stop-confirm').click(); // Stop asks first while live
  await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'stopped');
  await expect(page.locator(MONITOR)).toHaveCount(0);
  const firstRun = await page.evaluate(framesSeen);
  const firstRunElements = new Set(firstRun.map((f) => f.element));
  expect(firstRunElements.size).toBe(1);
  await callCommand(studio, 'sources.update', { id: background.id, config: { kind: 'color', color: RUN_2.color, width: 320, height: 180 } });
  await callCommand(studio, 'sources.update', {
    id: label.id,
    config: { kind: 'text', text: RUN_2.label, fontSize: 24, color: '#ffffff', width: 120, height: 36 },
  });

  // Run 2: a new <video>, whose every presented frame is blue or not yet a picture, never run 1's red.
  await page.getByTestId('program-go-live').click();
  await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'live');
  const secondRunFrames = async () => (await page.evaluate(framesSeen)).filter((f) => !firstRunElements.has(f.element));
  await expect.poll(async () => (await secondRunFrames()).filter((f) => f.colour === 'blue').length, { timeout: 90_000 }).toBeGreaterThan(20);
  await expect(monitor).toHaveAttribute('data-state', 'playing');
  const secondRun = await secondRunFrames();
  expect(secondRun.filter((f) => f.colour === 'red')).toEqual([]);
  expect(new Set(secondRun.map((f) => f.element)).size).toBe(1);
  await page.screenshot({ path: testInfo.outputPath('confidence-run-2-1280x720.png') });

  // A picture that stops (here the <video> paused in the page, as a stalled feed would leave it) says
  // stale, then the monitor opens the feed afresh by itself (a new request) and plays the live run again.
  const requestsBeforeStall = feedRequests;
  await monitor.evaluate((video) => (video as unknown as { pause(): void }).pause());
  await expect(monitor).toHaveAttribute('data-state', 'stale');
  await expect(page.getByTestId('confidence-stale')).toBeVisible();
  await expect.poll(() => feedRequests, { timeout: 30_000 }).toBeGreaterThan(requestsBeforeStall);
  await expect(monitor).toHaveAttribute('data-state', 'playing', { timeout: 60_000 });
  await expect(page.getByTestId('confidence-stale')).toHaveCount(0);
  const afterReopen = (await secondRunFrames()).length;
  await expect
    .poll(async () => (await secondRunFrames()).slice(afterReopen).filter((f) => f.colour === 'blue').length, { timeout: 60_000 })
    .toBeGreaterThan(10);
  expect((await secondRunFrames()).filter((f) => f.colour === 'red')).toEqual([]);

  // A break over the API: the cue-out goes out on the SCTE-35 PID from splice − 4 s; the monitor's
  // tally lights from mpegts.js's SCTE35_METADATA_ARRIVED with the break's event id.
  const tally = page.getByTestId('cue-tally');
  await expect(tally).toHaveAttribute('data-origin', 'ts');
  await expect(tally).toHaveAttribute('data-lit', 'false');
  const plan = await callCommand<BreakPlan>(studio, 'cues.startBreak', { durationSeconds: 60, prerollSeconds: 8 });
  await expect(tally).toHaveAttribute('data-lit', 'true', { timeout: 30_000 });
  await expect(tally).toHaveAttribute('data-event-id', String(plan.eventId));
  await expect(tally).toContainText('CUE OUT');
  await expect(tally).toContainText(`#${plan.eventId}`);
  await expect(tally).toContainText(/splice in \d+\.\d s|at splice|past splice/);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: testInfo.outputPath('confidence-tally-out-1920x1080.png') });
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.screenshot({ path: testInfo.outputPath('confidence-tally-out-1280x720.png') });

  // Return early: the cue-in lights IN.
  await expect.poll(async () => (await callCommand<{ phase?: string }>(studio, 'cues.status')).phase, { timeout: 30_000 }).toBe('onBreak');
  await callCommand(studio, 'cues.returnNow');
  await expect(tally).toContainText('CUE IN', { timeout: 30_000 });
  await expect(tally).toHaveAttribute('data-event-id', String(plan.eventId));

  // The HLS view's tally says whose word it is: the engine's, not its player's.
  await page.getByTestId('confidence-source-hls').click();
  await expect(page.getByTestId('cue-tally')).toHaveAttribute('data-origin', 'engine');
  await expect(page.getByTestId('cue-tally')).toContainText(/engine/i);

  await page.getByTestId('program-stop').click();
  await page.getByTestId('program-stop-confirm').click();
  await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'stopped');
  expect(consoleErrors).toEqual([]);
});

test('a time_signal break (a segmentation_duration, which mpegts.js alone cannot parse) lights the tally from the TS, and the monitor keeps its feed', async ({
  page,
  studio,
}, testInfo) => {
  test.setTimeout(240_000);
  const consoleErrors = collectConsoleErrors(page);
  let feedRequests = 0;
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === FEED_PATH) feedRequests += 1;
  });
  await callCommand(studio, 'program.setFormat', {
    width: 320,
    height: 180,
    frameRate: '30',
    videoBitrateKbps: 600,
    gopFrames: 30,
    x264Preset: 'ultrafast',
    audioBitrateKbps: 96,
    videoEncoder: 'libx264',
  });
  const background = await callCommand<SourceInfo>(studio, 'sources.create', {
    name: 'Colour',
    config: { kind: 'color', color: RUN_2.color, width: 320, height: 180 },
  });
  await callCommand<SceneInfo>(studio, 'scenes.create', { name: 'Main', layers: [{ sourceId: background.id }] });
  await callCommand(studio, 'cues.setSettings', { signalStyle: 'time_signal_placement_opportunity' });

  await page.goto('/');
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
  await page.getByTestId('program-view-encoded').click();
  await page.getByTestId('program-go-live').click();
  await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'live');
  const monitor = page.getByTestId('confidence-monitor');
  await expect(monitor).toHaveAttribute('data-state', 'playing', { timeout: 90_000 });
  const requestsBeforeBreak = feedRequests;

  const plan = await callCommand<BreakPlan>(studio, 'cues.startBreak', { durationSeconds: 60, prerollSeconds: 8 });
  const tally = page.getByTestId('cue-tally');
  await expect(tally).toHaveAttribute('data-lit', 'true', { timeout: 30_000 });
  await expect(tally).toHaveAttribute('data-origin', 'ts');
  await expect(tally).toHaveAttribute('data-event-id', String(plan.eventId));
  await expect(tally).toContainText('CUE OUT');
  await page.screenshot({ path: testInfo.outputPath('confidence-time-signal-tally-1280x720.png') });
  // Through the splice: the copies went out and the monitor never lost its feed.
  await expect.poll(async () => (await callCommand<{ phase?: string }>(studio, 'cues.status')).phase, { timeout: 30_000 }).toBe('onBreak');
  await expect(monitor).toHaveAttribute('data-state', 'playing');
  expect(feedRequests).toBe(requestsBeforeBreak);

  await page.getByTestId('program-stop').click();
  await page.getByTestId('program-stop-confirm').click();
  await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'stopped');
  expect(consoleErrors).toEqual([]);
});
