// The program's decoding sources at their seam: a real compositor (inline) and mixer, real ffmpeg
// decoders, and a real RTMP ingest object (not listening: nobody publishes, so a live source waits).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AudioMixer } from '../audio/index.ts';
import { Compositor, FRAME_RATES } from '../compositor/index.ts';
import { frameArena } from '../compositor/frame-arena.ts';
import { resolveFfmpegBinaries } from '../encoder/ffmpeg-binaries.ts';
import { RtmpIngest } from '../ingest/rtmp-ingest.ts';
import { Logger } from '../log.ts';
import type { SourceStatus } from '../sources/decoder-source.ts';
import { DecodedSources } from './decoded-sources.ts';

const ffmpeg = resolveFfmpegBinaries().ffmpeg.path;
const RATE = FRAME_RATES['25'];
const SAMPLES_PER_FRAME = 48_000 / 25;
const logger = new Logger({ sink: () => {}, level: 'error' });

let work: string;
let compositor: Compositor;
let mixer: AudioMixer;
let sources: DecodedSources;
let fallbackChanges: string[];
let statuses: SourceStatus[];

beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'decoded-sources-test-'));
  compositor = Compositor.inline({ width: 160, height: 90, onFrame: (_n, frame) => frame?.pool.release(frame.index) });
  mixer = new AudioMixer({ maxSamplesPerFrame: SAMPLES_PER_FRAME });
  fallbackChanges = [];
  statuses = [];
  const ingest = new RtmpIngest({ storeDir: path.join(work, 'ingest'), streamKeys: { findByKey: () => undefined }, logger, port: 1935 });
  sources = new DecodedSources({
    compositor,
    mixer,
    frameRate: RATE,
    maxSamplesPerFrame: SAMPLES_PER_FRAME,
    ffmpegPath: ffmpeg,
    logger,
    live: ingest,
    onSourceStatus: (status) => statuses.push(status),
    onFallbackChange: (id) => fallbackChanges.push(id),
  });
});

afterEach(async () => {
  for (const id of sources.ids()) await sources.remove(id);
  await compositor.close();
  rmSync(work, { recursive: true, force: true });
});

describe('DecodedSources', () => {
  it('an RTMP source nobody publishes waits, with its slate on air from the start', async () => {
    await sources.add({ id: 'cam', kind: 'rtmp', streamKeyId: 1, width: 160, height: 90, fallback: { text: 'Back soon' } });
    expect(sources.has('cam')).toBe(true);
    expect(sources.onAir('cam')).toBe('cam#fallback');
    expect(fallbackChanges).toEqual(['cam']);
    await expect.poll(() => sources.status('cam')?.state, { timeout: 10_000 }).toBe('waiting');
    // Ticks without a picture keep the slate: no redraw asked for.
    for (let i = 0; i < 5; i++) sources.tick();
    expect(fallbackChanges).toEqual(['cam']);
    expect(compositor.stats().sources).toHaveProperty('cam');
  });

  it('a test pattern decodes into its compositor input and its PCM moves into the mixer on each tick; no slate', async () => {
    await sources.add({ id: 'bars', kind: 'test_pattern', toneHz: 1000, width: 160, height: 90 });
    expect(sources.onAir('bars')).toBe('bars');
    expect(fallbackChanges).toEqual([]);
    await expect.poll(() => sources.status('bars')?.state, { timeout: 10_000 }).toBe('running');
    expect(statuses.some((status) => status.id === 'bars' && status.state === 'running')).toBe(true);
    await expect
      .poll(
        () => {
          sources.tick();
          return mixer.stats().sources.bars?.received ?? 0;
        },
        { timeout: 10_000, interval: 40 },
      )
      .toBeGreaterThan(0);
    // The tone is in the mix; muted, it is not.
    const out = new Int16Array(SAMPLES_PER_FRAME * 2);
    mixer.mix(SAMPLES_PER_FRAME, out);
    expect(out.some((sample) => Math.abs(sample) > 100)).toBe(true);
    expect(sources.setAudio('bars', 0, true)).toBe(true);
    sources.tick();
    mixer.mix(SAMPLES_PER_FRAME, out);
    expect(out.every((sample) => sample === 0)).toBe(true);
  });

  it('remove stops the decoder and frees its inputs; a second remove, or an unknown id, answers false', async () => {
    await sources.add({ id: 'bars', kind: 'test_pattern', width: 160, height: 90 });
    await sources.add({ id: 'cam', kind: 'rtmp', streamKeyId: 2, width: 160, height: 90 });
    expect(sources.ids().sort()).toEqual(['bars', 'cam']);
    expect(
      sources
        .statuses()
        .map((status) => status.id)
        .sort(),
    ).toEqual(['bars', 'cam']);
    expect(await sources.remove('cam')).toBe(true);
    expect(await sources.remove('cam')).toBe(false);
    expect(await sources.remove('nothing')).toBe(false);
    expect(sources.has('cam')).toBe(false);
    expect(sources.onAir('cam')).toBe('cam');
    expect(sources.status('cam')).toBeUndefined();
    expect(compositor.stats().sources).not.toHaveProperty('cam');
    expect(mixer.stats().sources).not.toHaveProperty('cam');
    expect(sources.setAudio('cam', 0, false)).toBe(false);
    expect(sources.ids()).toEqual(['bars']);
  });
});

describe('DecodedSources without an ingest', () => {
  // A program run without an ingest (`studio serve --rtmp-port 0`) refuses an RTMP source each time
  // a client adds one; each refusal used to leave the source's input pool and slate allocated.
  it('an RTMP source it cannot read is refused, and gives back all the frame memory it took (its input and its slate)', async () => {
    const alone = new DecodedSources({
      compositor,
      mixer,
      frameRate: RATE,
      maxSamplesPerFrame: SAMPLES_PER_FRAME,
      ffmpegPath: ffmpeg,
      logger,
      onFallbackChange: () => {},
    });
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    await settle();
    const usedBefore = frameArena().stats().usedBytes;
    for (let i = 0; i < 3; i++) {
      await expect(alone.add({ id: `cam${i}`, kind: 'rtmp', streamKeyId: 1, width: 1280, height: 720 })).rejects.toMatchObject({ code: 'NO_LIVE_INPUT' });
      expect(alone.has(`cam${i}`)).toBe(false);
      expect(compositor.stats().sources).not.toHaveProperty(`cam${i}`);
    }
    expect(mixer.stats().sources).toEqual({});
    await expect
      .poll(async () => {
        await settle();
        return frameArena().stats().usedBytes;
      })
      .toBe(usedBefore);
  });
});
