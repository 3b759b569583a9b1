// Audio Monitoring in the mixer dock against a real `studio serve`: a test pattern's 440 Hz tone
// on air; the strip's headphones start monitoring it in this page (WebAudio), and what the page
// sends to its speakers carries the tone (an AnalyserNode spliced in front of the page's audio
// output by an init script: the app has no test hook). "Monitor Only (mute output)" mutes the
// source on the program (the strip's and the master's meters fall silent) while the headphones
// still play it; "Monitor Off" silences the headphones and puts the source back on the program.
import type { ProgramFormatSettings, SceneInfo, SourceInfo } from '../../src/shared/program.ts';
import { callCommand, collectConsoleErrors, expect, test } from './fixtures.ts';

const FORMAT: ProgramFormatSettings = {
  width: 320,
  height: 180,
  frameRate: '30',
  videoBitrateKbps: 300,
  gopFrames: 30,
  x264Preset: 'ultrafast',
  audioBitrateKbps: 64,
  videoEncoder: 'libx264',
};
const TONE_HZ = 440;

/** The few Web Audio names the page-side functions use, typed loosely: the tests compile without the DOM library. */
interface Analyser {
  fftSize: number;
  context: { sampleRate: number; state: string };
  getFloatTimeDomainData(into: Float32Array): void;
}
interface PageAudio {
  /** Set by this spec's init script: an AnalyserNode in front of every connection to an AudioContext's output. */
  __speakerTaps?: Analyser[];
  AudioNode: { prototype: { connect: (this: { context: { createAnalyser(): Analyser } }, target: unknown, ...rest: unknown[]) => unknown } };
  AudioDestinationNode: abstract new () => unknown;
}

/** What reaches the page's speakers now (all taps summed): the frequency by zero crossings and the RMS, over 8192 samples. */
async function speakers(page: import('@playwright/test').Page): Promise<{ hz: number; rms: number; taps: number; state: string }> {
  return page.evaluate(() => {
    const taps = (globalThis as unknown as PageAudio).__speakerTaps ?? [];
    if (taps.length === 0) return { hz: 0, rms: 0, taps: 0, state: 'none' };
    const sum = new Float32Array(taps[0]!.fftSize);
    const one = new Float32Array(taps[0]!.fftSize);
    for (const tap of taps) {
      tap.getFloatTimeDomainData(one);
      for (let i = 0; i < sum.length; i++) sum[i]! += one[i]!;
    }
    // The period is the median distance between upward zero crossings: a gap in the window (the
    // jitter buffer ran dry for a moment on a loaded machine) makes a few long distances, not a
    // lower frequency, as a plain count of crossings over the window would.
    const upward: number[] = [];
    let energy = 0;
    for (let i = 0; i < sum.length; i++) {
      energy += sum[i]! * sum[i]!;
      if (i > 0 && sum[i - 1]! < 0 && sum[i]! >= 0) upward.push(i);
    }
    const periods = upward.slice(1).map((at, i) => at - upward[i]!);
    periods.sort((a, b) => a - b);
    const period = periods.length > 0 ? periods[Math.floor(periods.length / 2)]! : 0;
    const context = taps[0]!.context;
    // A suspended context plays nothing (its analysers keep their last block).
    const rms = context.state === 'running' ? Math.sqrt(energy / sum.length) : 0;
    return { hz: period > 0 ? context.sampleRate / period : 0, rms, taps: taps.length, state: context.state };
  });
}

/**
 * Whether the speakers carry the tone: a window with its frequency (±5 %) at a level well above
 * silence. Polled: on a loaded machine one 170 ms window may hold a gap (an underrun of the
 * jitter buffer), the next one does not.
 */
async function toneHeard(page: import('@playwright/test').Page): Promise<string> {
  const { hz, rms, state } = await speakers(page);
  return state === 'running' && rms > 0.02 && Math.abs(hz - TONE_HZ) < TONE_HZ * 0.05 ? 'the tone' : `${hz.toFixed(0)} Hz at RMS ${rms.toFixed(4)}, ${state}`;
}

test('audio monitoring: the headphones play a source pre-fader; Monitor Only mutes it on the program, not in the headphones', async ({ page, studio }) => {
  test.setTimeout(240_000);
  const errors = collectConsoleErrors(page);
  await page.addInitScript(() => {
    const audio = globalThis as unknown as PageAudio;
    const connect = audio.AudioNode.prototype.connect;
    audio.__speakerTaps = [];
    audio.AudioNode.prototype.connect = function (this: { context: { createAnalyser(): Analyser } }, target: unknown, ...rest: unknown[]) {
      if (target instanceof audio.AudioDestinationNode) {
        const analyser = this.context.createAnalyser();
        analyser.fftSize = 8192;
        connect.call(this, analyser);
        audio.__speakerTaps!.push(analyser);
        return connect.call(analyser as unknown as { context: { createAnalyser(): Analyser } }, target);
      }
      return connect.call(this, target, ...rest);
    };
  });

  await callCommand(studio, 'program.setFormat', FORMAT);
  const tone = await callCommand<SourceInfo>(studio, 'sources.create', {
    name: 'Tone',
    config: { kind: 'test_pattern', toneHz: TONE_HZ, width: 320, height: 180 },
  });
  await callCommand<SceneInfo>(studio, 'scenes.create', { name: 'Main', layers: [{ sourceId: tone.id }] });
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/');
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
  await page.getByTestId('program-go-live').click();
  await expect(page.getByTestId('program-state')).toHaveAttribute('data-state', 'live');

  const dock = page.getByTestId('dock-mixer');
  const strip = dock.getByTestId('mixer-strip');
  await expect(strip).toHaveAttribute('data-source-id', String(tone.id));
  const master = dock.getByTestId('mixer-master');
  const peakOf = async (meter: ReturnType<typeof strip.getByTestId>) => {
    const value = await meter.getAttribute('data-peak-db');
    return value === 'silent' ? -Infinity : Number.parseFloat(value ?? 'NaN');
  };
  await expect.poll(() => peakOf(master.getByTestId('mixer-meter')), { timeout: 30_000 }).toBeGreaterThan(-30);

  // Off at first, named as OBS names it; the page plays nothing.
  const monitor = strip.getByTestId('mixer-monitor');
  await expect(monitor).toHaveAttribute('data-monitor', 'off');
  await expect(monitor).toHaveAttribute('aria-pressed', 'false');
  await expect(monitor).toHaveAttribute('title', /^Monitor Off · click for Monitor and Output$/);
  expect((await speakers(page)).taps).toBe(0);

  // A click: Monitor and Output. The tone reaches the page's speakers.
  await monitor.click();
  await expect(monitor).toHaveAttribute('data-monitor', 'monitor-and-output');
  await expect(monitor).toHaveAttribute('aria-pressed', 'true');
  await expect(monitor).toHaveAttribute('data-monitor-state', 'playing', { timeout: 15_000 });
  await expect.poll(() => toneHeard(page), { timeout: 15_000 }).toBe('the tone');
  // The program is unchanged: the source stays unmuted and on the master meter.
  await expect(strip.getByTestId('mixer-mute')).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(() => peakOf(master.getByTestId('mixer-meter'))).toBeGreaterThan(-30);
  await dock.screenshot({ path: test.info().outputPath('audio-monitor-1280x720-monitoring.png') });

  // The menu: OBS's three choices, the current one checked.
  await strip.getByTestId('mixer-monitor-menu').click();
  const menu = strip.getByRole('menu', { name: 'Audio Monitoring of Tone' });
  await expect(menu.getByRole('menuitemradio')).toHaveText(['Monitor Off', 'Monitor Only (mute output)', 'Monitor and Output']);
  await expect(menu.getByRole('menuitemradio', { name: 'Monitor and Output' })).toHaveAttribute('aria-checked', 'true');
  await page.screenshot({ path: test.info().outputPath('audio-monitor-1280x720-menu.png') });
  await dock.screenshot({ path: test.info().outputPath('audio-monitor-dock-1280x720-menu.png') });

  // Monitor Only: muted on the program (its mute, the engine's, the meters), still in the headphones.
  await menu.getByRole('menuitemradio', { name: 'Monitor Only (mute output)' }).click();
  await expect(menu).toHaveCount(0);
  await expect(monitor).toHaveAttribute('data-monitor', 'monitor-only');
  await expect(strip.getByTestId('mixer-mute')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(async () => (await callCommand<SourceInfo[]>(studio, 'sources.list')).find((s) => s.id === tone.id)!.audio.muted).toBe(true);
  await expect.poll(() => peakOf(master.getByTestId('mixer-meter')), { timeout: 15_000 }).toBeLessThan(-60);
  await expect.poll(() => peakOf(strip.getByTestId('mixer-meter')), { timeout: 15_000 }).toBeLessThan(-60);
  const packetsBefore = Number(await monitor.getAttribute('data-monitor-packets'));
  await expect.poll(async () => Number(await monitor.getAttribute('data-monitor-packets'))).toBeGreaterThan(packetsBefore + 10);
  await expect.poll(() => toneHeard(page), { timeout: 15_000 }).toBe('the tone');
  await dock.screenshot({ path: test.info().outputPath('audio-monitor-1280x720-monitor-only.png') });

  // Monitor Off (the headphones' click): silence in the page; the source is back on the program.
  await expect(monitor).toHaveAttribute('title', /^Monitor Only \(mute output\): playing in this page · click for Monitor Off$/);
  await monitor.click();
  await expect(monitor).toHaveAttribute('data-monitor', 'off');
  await expect(strip.getByTestId('mixer-mute')).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(async () => (await speakers(page)).rms, { timeout: 10_000 }).toBeLessThan(0.001);
  await expect.poll(() => peakOf(master.getByTestId('mixer-meter')), { timeout: 15_000 }).toBeGreaterThan(-30);
  // The next click comes back to the last mode used.
  await expect(monitor).toHaveAttribute('title', /click for Monitor Only \(mute output\)$/);
  expect(errors).toEqual([]);
});
