// How far the confidence monitor runs behind the program, measured end to end: a real `studio serve`
// composes, encodes and serves its TS feed; a real Chromium opens the studio's own UI, whose
// confidence monitor plays that feed in mpegts.js (the very player and settings the UI ships).
//
// The program carries burnt-in marks at known frames: four scenes of one flat colour each, and the
// program cuts to the next (program.switchScene with atFrame) once a second, so frame F of the
// program is the first of colour k. The program's frame clock gives the wall time frame F was composed
// (a fit over program.status polls: frame n is composed at c0 + n / fps). In the page, every frame the
// monitor's <video> presents is read back (requestVideoFrameCallback into a canvas) with its expected
// display time. The delay of a mark is when the monitor first showed colour k less when the program
// composed frame F. Colours cycle over four marks (4 s), so a mark is never mistaken for the one before.
import { chromium, type Browser } from 'playwright-core';
import type { ProgramStatus, SceneInfo, SourceInfo } from '../../src/shared/program.ts';
import { tokenCookieName } from '../../src/main/server/auth.ts';
import { startStudio, type RunningStudio } from '../../tests/support/studio-server.ts';
import { round, sleep } from './common.ts';

export interface ConfidenceDelayOptions {
  /** Marks to measure (one a second); default 20. */
  marks?: number;
  /** Program picture; default 640×360 at 30 fps. */
  width?: number;
  height?: number;
  fps?: number;
  /** Chromium to drive; default STUDIO_CHROMIUM or Debian's /usr/bin/chromium. */
  chromiumPath?: string;
}

export interface ConfidenceDelayResult {
  /** Delay of the confidence monitor behind the program's compositor, per mark, in ms. */
  delayMs: { median: number; p95: number; min: number; max: number };
  marks: number;
  /** Marks the monitor never showed (a frozen or skipped picture); not in the figures. */
  missedMarks: number;
  /** Uncertainty of the program's frame clock fit (half its spread over the status polls), ms. */
  clockFitErrorMs: number;
  format: { width: number; height: number; fps: number };
  method: string;
}

/** The marks' colours, far apart in RGB so an encoded frame is never taken for another. */
const MARK_COLOURS = ['#e02020', '#20c020', '#2040e0', '#f0f0f0'] as const;
const MARK_EVERY_MS = 1000;
/** A mark is scheduled this many frames ahead, so the switch always lands on its exact frame. */
const LEAD_FRAMES = 15;
/** After the last mark: time for the monitor to show it. */
const DRAIN_MS = 5000;

const chromiumArgs = () => [
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
];

async function call<T>(studio: RunningStudio, name: string, args: unknown = {}): Promise<T> {
  const { status, body } = await studio.command<{ result?: T; error?: unknown }>(name, args);
  if (status !== 200) throw new Error(`${name}: ${status} ${JSON.stringify(body.error)}`);
  return body.result as T;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface PresentedFrame {
  /** Epoch ms the frame was expected on screen. */
  displayedAt: number;
  /** Index into MARK_COLOURS, or -1 for none. */
  colour: number;
}

/**
 * Installed in the page: every frame the confidence monitor's <video> presents, classified by its
 * centre's colour against the marks', into globalThis.__presented. Typed loosely: no DOM library here.
 */
function installSampler(colours: string[]): void {
  // biome-ignore lint/suspicious/noExplicitAny: the page's DOM, untyped in the bench's compile
  const page = globalThis as any;
  const references = colours.map((hex) => [1, 3, 5].map((at) => Number.parseInt(hex.slice(at, at + 2), 16)));
  page.__presented = [];
  const canvas = page.document.createElement('canvas');
  canvas.width = 16;
  canvas.height = 9;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  const seen = new WeakSet();
  page.setInterval(() => {
    const video = page.document.querySelector('[data-testid="confidence-monitor"]');
    if (!video || seen.has(video)) return;
    seen.add(video);
    const onFrame = (_now: number, metadata: { expectedDisplayTime: number }) => {
      context.drawImage(video, 0, 0, 16, 9);
      const { data } = context.getImageData(4, 2, 8, 5);
      const mean = [0, 0, 0];
      for (let i = 0; i < data.length; i += 4) for (let c = 0; c < 3; c++) mean[c] = (mean[c] ?? 0) + data[i + c] / (data.length / 4);
      let colour = -1;
      references.forEach((reference: number[], index: number) => {
        if (reference.every((value, c) => Math.abs(value - mean[c]!) < 48)) colour = index;
      });
      page.__presented.push({ displayedAt: page.performance.timeOrigin + metadata.expectedDisplayTime, colour });
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }, 20);
}

function presented(): PresentedFrame[] {
  return (globalThis as unknown as { __presented: PresentedFrame[] }).__presented;
}

/**
 * The program's frame clock: frame n is composed at c0 + n·frameMs. Each status poll sent at s and
 * answered at r read lastFrame = f, so c0 lies in (s − (f+1)·frameMs, r − f·frameMs]; c0 is the middle of
 * those intervals' median bounds (robust to a late tick or a slow reply).
 */
class FrameClock {
  readonly #lower: number[] = [];
  readonly #upper: number[] = [];
  readonly frameMs: number;
  constructor(frameMs: number) {
    this.frameMs = frameMs;
  }
  add(sentAt: number, answeredAt: number, frame: number): void {
    this.#lower.push(sentAt - (frame + 1) * this.frameMs);
    this.#upper.push(answeredAt - frame * this.frameMs);
  }
  #bounds(): [number, number] {
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    return [median(this.#lower), median(this.#upper)];
  }
  composedAt(frame: number): number {
    const [lower, upper] = this.#bounds();
    return (lower + upper) / 2 + frame * this.frameMs;
  }
  errorMs(): number {
    const [lower, upper] = this.#bounds();
    return Math.abs(upper - lower) / 2;
  }
}

export async function measureConfidenceDelay(options: ConfidenceDelayOptions = {}): Promise<ConfidenceDelayResult> {
  const markCount = options.marks ?? 20;
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const fps = options.fps ?? 30;
  const executablePath = options.chromiumPath ?? process.env.STUDIO_CHROMIUM ?? '/usr/bin/chromium';

  const studio = await startStudio();
  let browser: Browser | null = null;
  try {
    await call(studio, 'program.setFormat', {
      width,
      height,
      frameRate: String(fps),
      videoBitrateKbps: 1500,
      gopFrames: fps,
      x264Preset: 'ultrafast',
      audioBitrateKbps: 96,
      videoEncoder: 'libx264',
    });
    const scenes: number[] = [];
    for (const [index, color] of MARK_COLOURS.entries()) {
      const source = await call<SourceInfo>(studio, 'sources.create', { name: `Mark ${index}`, config: { kind: 'color', color, width, height } });
      scenes.push((await call<SceneInfo>(studio, 'scenes.create', { name: `Mark ${index}`, layers: [{ sourceId: source.id }] })).id);
    }

    browser = await chromium.launch({ executablePath, args: chromiumArgs() });
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    await context.addCookies([{ name: tokenCookieName(studio.port), value: studio.token, url: studio.url, httpOnly: true, sameSite: 'Strict' }]);
    const page = await context.newPage();
    await page.goto(studio.url);
    // The right monitor opens on the composed Program picture; the encoded output is its other view.
    await page.getByTestId('program-view-encoded').click();
    await page.evaluate(installSampler, [...MARK_COLOURS]);

    await call(studio, 'program.switchScene', { sceneId: scenes[MARK_COLOURS.length - 1] });
    await call(studio, 'program.start');
    // The monitor plays: frames of the last colour (the scene on air at start) are presented.
    const playDeadline = Date.now() + 60_000;
    while (!(await page.evaluate(presented)).some((f) => f.colour === MARK_COLOURS.length - 1)) {
      if (Date.now() > playDeadline) throw new Error('the confidence monitor did not play within 60 s');
      await sleep(200);
    }

    const clock = new FrameClock(1000 / fps);
    const pollStatus = async (): Promise<ProgramStatus> => {
      const sentAt = Date.now();
      const status = await call<ProgramStatus>(studio, 'program.status');
      clock.add(sentAt, Date.now(), status.frame);
      return status;
    };
    let polling = true;
    const poller = (async () => {
      while (polling) {
        await pollStatus();
        await sleep(50);
      }
    })();

    const marks: Array<{ colour: number; frame: number }> = [];
    for (let k = 0; k < markCount; k++) {
      const colour = k % MARK_COLOURS.length;
      const frame = (await pollStatus()).frame + LEAD_FRAMES;
      await call(studio, 'program.switchScene', { sceneId: scenes[colour], atFrame: frame });
      marks.push({ colour, frame });
      await sleep(MARK_EVERY_MS);
    }
    await sleep(DRAIN_MS);
    polling = false;
    await poller;

    const frames = await page.evaluate(presented);
    const delays: number[] = [];
    for (const mark of marks) {
      const composedAt = clock.composedAt(mark.frame);
      // Never before the program composed it (less the fit's error); the same colour's previous mark is 4 s earlier.
      const shown = frames.find((f) => f.colour === mark.colour && f.displayedAt >= composedAt - clock.errorMs() - 5);
      if (shown && shown.displayedAt < composedAt + MARK_EVERY_MS * (MARK_COLOURS.length - 1)) delays.push(shown.displayedAt - composedAt);
    }
    if (delays.length === 0) throw new Error('the confidence monitor showed none of the marks');
    const sorted = [...delays].sort((a, b) => a - b);
    return {
      delayMs: { median: round(percentile(sorted, 50), 1), p95: round(percentile(sorted, 95), 1), min: round(sorted[0]!, 1), max: round(sorted.at(-1)!, 1) },
      marks: markCount,
      missedMarks: markCount - delays.length,
      clockFitErrorMs: round(clock.errorMs(), 1),
      format: { width, height, fps },
      method:
        'program cuts between four flat-colour scenes at known frames (atFrame) once a second; delay = when the UI confidence monitor (mpegts.js over /api/v1/monitor/program.ts) first presents that colour (requestVideoFrameCallback expectedDisplayTime) − when the program composed that frame (frame clock fitted to program.status polls)',
    };
  } finally {
    await browser?.close();
    await call(studio, 'program.stop').catch(() => {});
    await studio.stop();
  }
}
