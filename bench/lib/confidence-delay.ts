// How far the confidence monitor runs behind the program, measured end to end: a real `studio serve`
// composes, encodes and serves its TS feed; a real Chromium opens the studio's own UI, whose
// confidence monitor plays that feed in mpegts.js (the very player and settings the UI ships).
//
// The program carries a burnt-in frame counter: a generated clip whose every frame shows its own
// number as a row of black/white bars (two guard bars, then COUNTER_BITS bits), played by the
// playout from a scheduled start. Playout airs an item's first frame on its start frame, exactly
// (tests/integration/playout-schedule.test.ts proves it), so program frame startFrame + k shows k.
// The program's frame clock gives the wall time frame n was composed (a fit over program.status
// polls: frame n is composed at c0 + n / fps). In the page, every frame the monitor's <video>
// presents is read back (requestVideoFrameCallback into a canvas) with its expected display time and
// its counter decoded; its delay is that time less when the program composed startFrame + k.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type { ProgramStatus } from '../../src/shared/program.ts';
import type { MediaItem } from '../../src/shared/media.ts';
import type { ScheduleItem } from '../../src/shared/schedule.ts';
import { tokenCookieName } from '../../src/main/server/auth.ts';
import { startStudio, type RunningStudio } from '../../tests/support/studio-server.ts';
import { round, sleep } from './common.ts';

export interface ConfidenceDelayOptions {
  /** Seconds of counter frames to measure; default 20. */
  seconds?: number;
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
  /** Monitor frames whose counter was read (one figure each). */
  framesMeasured: number;
  /** Program frames of the counter the monitor never presented (a skipped or frozen picture). */
  framesNotShown: number;
  /** Uncertainty of the program's frame clock fit (half its spread over the status polls), ms. */
  clockFitErrorMs: number;
  format: { width: number; height: number; fps: number };
  method: string;
}

/** Bits of the counter: 2^12 frames, over two minutes at 30 fps, so it never wraps in a run. */
const COUNTER_BITS = 12;
/** Bars across the frame: white and black guards (a frame without them is not the counter), then the bits, least first. */
const COUNTER_BARS = COUNTER_BITS + 2;
/** The counter's item starts this long after it is scheduled: the playout pre-rolls 3 s ahead. */
const START_AFTER_MS = 6000;
/** After the measured seconds: time for the monitor to show the last of them. */
const DRAIN_MS = 3000;

/** A clip of `seconds` whose frame k shows k in COUNTER_BARS bars, and a tone (the program wants audio). */
function makeCounterClip(file: string, width: number, height: number, fps: number, seconds: number): void {
  const bar = `floor(X*${COUNTER_BARS}/W)`;
  // Bar 0 white, bar 1 black, bar b ≥ 2 bit (b − 2) of N. Full-range bars survive x264 and scaling.
  const lum = `if(eq(${bar}\\,0)\\,235\\,if(eq(${bar}\\,1)\\,16\\,16+219*mod(floor(N/pow(2\\,${bar}-2))\\,2)))`;
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `color=c=black:s=${width}x${height}:r=${fps}:d=${seconds},format=yuv420p,geq=lum='${lum}':cb=128:cr=128`,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-qp',
    '10',
    '-g',
    String(fps),
    '-c:a',
    'aac',
    '-shortest',
    file,
  ]);
}

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
  /** The counter it shows, or -1 when it shows none (the slate before the item). */
  counter: number;
}

/**
 * Installed in the page: every frame the confidence monitor's <video> presents, its counter read
 * from the middle row of its bars, into globalThis.__presented. Typed loosely: no DOM library here.
 */
function installSampler(bars: number): void {
  // biome-ignore lint/suspicious/noExplicitAny: the page's DOM, untyped in the bench's compile
  const page = globalThis as any;
  page.__presented = [];
  const canvas = page.document.createElement('canvas');
  canvas.width = bars * 8;
  canvas.height = 8;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  const seen = new WeakSet();
  page.setInterval(() => {
    const video = page.document.querySelector('[data-testid="confidence-monitor"]');
    if (!video || seen.has(video)) return;
    seen.add(video);
    const onFrame = (_now: number, metadata: { expectedDisplayTime: number }) => {
      context.drawImage(video, 0, 0, bars * 8, 8);
      const { data } = context.getImageData(0, 4, bars * 8, 1);
      // Each bar's centre: bright (> 190), dark (< 60), or neither (not the counter).
      const level = (bar: number): number => {
        const value = data[(bar * 8 + 4) * 4];
        return value > 190 ? 1 : value < 60 ? 0 : -1;
      };
      let counter = level(0) === 1 && level(1) === 0 ? 0 : -1;
      for (let bit = 0; counter >= 0 && bit < bars - 2; bit++) {
        const value = level(bit + 2);
        if (value < 0) counter = -1;
        else counter += value * 2 ** bit;
      }
      page.__presented.push({ displayedAt: page.performance.timeOrigin + metadata.expectedDisplayTime, counter });
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
  const seconds = options.seconds ?? 20;
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const fps = options.fps ?? 30;
  const executablePath = options.chromiumPath ?? process.env.STUDIO_CHROMIUM ?? '/usr/bin/chromium';

  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-confidence-'));
  const studio = await startStudio();
  let browser: Browser | null = null;
  try {
    const clipSeconds = seconds + Math.ceil(DRAIN_MS / 1000) + 2;
    const clip = path.join(dir, 'counter.mp4');
    makeCounterClip(clip, width, height, fps, clipSeconds);
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
    const media = await call<MediaItem>(studio, 'media.import', { path: clip });
    if (media.state !== 'ready') throw new Error(`the counter clip did not import: ${media.reason}`);
    await call(studio, 'playout.setEnabled', { enabled: true });

    browser = await chromium.launch({ executablePath, args: chromiumArgs() });
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    await context.addCookies([{ name: tokenCookieName(studio.port), value: studio.token, url: studio.url, httpOnly: true, sameSite: 'Strict' }]);
    const page = await context.newPage();
    await page.goto(studio.url);
    // The right monitor opens on the composed Program picture; the encoded output is its other view.
    await page.getByTestId('program-view-encoded').click();
    await page.evaluate(installSampler, COUNTER_BARS);

    await call(studio, 'program.start');
    // The monitor plays (the playout's slate, before the counter) before the counter is scheduled.
    const playDeadline = Date.now() + 60_000;
    while ((await page.evaluate(presented)).length === 0) {
      if (Date.now() > playDeadline) throw new Error('the confidence monitor did not play within 60 s');
      await sleep(200);
    }
    const item = await call<ScheduleItem>(studio, 'schedule.add', { mediaId: media.id, startAt: new Date(Date.now() + START_AFTER_MS).toISOString() });

    const clock = new FrameClock(1000 / fps);
    const pollStatus = async (): Promise<void> => {
      const sentAt = Date.now();
      const status = await call<ProgramStatus>(studio, 'program.status');
      clock.add(sentAt, Date.now(), status.frame);
    };
    let startFrame: number | null = null;
    const measureUntil = Date.parse(item.startAt) + seconds * 1000 + DRAIN_MS;
    while (Date.now() < measureUntil) {
      await pollStatus();
      if (startFrame === null) {
        const listed = await call<ScheduleItem[]>(studio, 'schedule.list', {});
        startFrame = listed.find((each) => each.id === item.id)?.startFrame ?? null;
      }
      await sleep(50);
    }
    if (startFrame === null) throw new Error('the playout never planned the counter item (no startFrame in schedule.list)');

    const counted = (await page.evaluate(presented)).filter((frame) => frame.counter >= 0 && frame.counter < seconds * fps);
    // A frame presented again (a repeat) is counted once: its first presentation is its delay.
    const firstShown = new Map<number, number>();
    for (const frame of counted) if (!firstShown.has(frame.counter)) firstShown.set(frame.counter, frame.displayedAt);
    const delays = [...firstShown].map(([counter, displayedAt]) => displayedAt - clock.composedAt(startFrame + counter));
    if (delays.length === 0) throw new Error('the confidence monitor showed none of the counter frames');
    const sorted = [...delays].sort((a, b) => a - b);
    return {
      delayMs: { median: round(percentile(sorted, 50), 1), p95: round(percentile(sorted, 95), 1), min: round(sorted[0]!, 1), max: round(sorted.at(-1)!, 1) },
      framesMeasured: delays.length,
      framesNotShown: seconds * fps - delays.length,
      clockFitErrorMs: round(clock.errorMs(), 1),
      format: { width, height, fps },
      method:
        'a burnt-in frame counter (bars) in a clip the playout airs from its scheduled start frame; delay = when the UI confidence monitor (mpegts.js over /api/v1/monitor/program.ts) first presents counter k (requestVideoFrameCallback expectedDisplayTime) − when the program composed frame startFrame + k (frame clock fitted to program.status polls)',
    };
  } finally {
    await browser?.close();
    await call(studio, 'program.stop').catch(() => {});
    await studio.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
