// Scaled layers through the whole compositor (scene → plan → BlendCore → scale kernel): the
// output against the pixel reference, inline and on the blend workers, and the life of the scale
// tables (made once per geometry, gone with the layer, never leaked).
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Compositor } from './compositor.ts';
import type { ComposedFrameListener } from './compositor.ts';
import { WorkerExecutor } from './executor.ts';
import { frameArena } from './frame-arena.ts';
import { frameLayout, planesAt } from './frame-pool.ts';
import type { FramePlanes } from './frame-pool.ts';
import type { Crop, Rect } from './plan.ts';
import { staticImageFromRgba } from './raster.ts';
import type { Layer } from './scene.ts';
import { fillPseudoRandom, firstDifference } from '../../../../tests/support/compositor.ts';
import { referenceDrawScaled } from '../../../../tests/support/scale.ts';
import type { ReferenceScaledLayer } from '../../../../tests/support/scale.ts';

const open: Compositor[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

interface Frame {
  n: number;
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
}

function capture(into: Frame[]): ComposedFrameListener {
  return (n, frame) => {
    if (frame) {
      into.push({ n, y: frame.planes.y.slice(), u: frame.planes.u.slice(), v: frame.planes.v.slice() });
      frame.pool.release(frame.index);
    }
  };
}

function blackFrame(width: number, height: number): FramePlanes {
  const planes = planesAt(new ArrayBuffer(frameLayout(width, height).slotBytes), 0, frameLayout(width, height));
  planes.y.fill(16);
  planes.u.fill(128);
  planes.v.fill(128);
  return planes;
}

function expectFrame(frame: Frame, expected: FramePlanes, what: string): void {
  for (const plane of ['y', 'u', 'v'] as const) {
    const at = firstDifference(frame[plane], expected[plane]);
    expect(at, `${what}: plane ${plane} differs first at ${at} (${frame[plane][at]} vs ${expected[plane][at]})`).toBe(-1);
  }
}

function scaledLayer(id: string, sourceId: string, rect: Rect, extra: Partial<Layer> = {}): Layer {
  return { id, sourceId, rect, opacity: 1, visible: true, scaled: true, ...extra };
}

interface LayerCase {
  live: boolean;
  srcW: number;
  srcH: number;
  rect: Rect;
  crop: Crop;
  opacity: number;
  seed: number;
}

const evenSize = (max: number): fc.Arbitrary<number> => fc.integer({ min: 1, max: max / 2 }).map((k) => 2 * k);
const layerCase: fc.Arbitrary<LayerCase> = fc.record({
  live: fc.boolean(),
  srcW: evenSize(40),
  srcH: evenSize(30),
  rect: fc.record({
    x: fc.integer({ min: -20, max: 50 }),
    y: fc.integer({ min: -20, max: 40 }),
    width: fc.integer({ min: 1, max: 70 }),
    height: fc.integer({ min: 1, max: 50 }),
  }),
  crop: fc.record({ left: fc.nat(6), top: fc.nat(6), right: fc.nat(6), bottom: fc.nat(6) }),
  opacity: fc.oneof(fc.constant(1), fc.double({ min: 0.01, max: 1, noNaN: true })),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
});

/** Sets up the cases as sources and one scene; returns the reference frame. */
function stage(compositor: Compositor, width: number, height: number, cases: LayerCase[]): FramePlanes {
  const expected = blackFrame(width, height);
  const layers: Layer[] = [];
  cases.forEach((c, i) => {
    const id = `s${i}`;
    let planes: FramePlanes;
    if (c.live) {
      const input = compositor.openVideoInput(id, { width: c.srcW, height: c.srcH });
      const slot = input.acquire()!;
      fillPseudoRandom(slot.i420, c.seed);
      input.publish(slot);
      planes = slot.planes;
    } else {
      const rgba = new Uint8Array(c.srcW * c.srcH * 4);
      fillPseudoRandom(rgba, c.seed);
      const image = staticImageFromRgba(rgba, c.srcW, c.srcH);
      planes = image.pool.slots[0]!.planes;
      compositor.setStaticSource(id, image);
    }
    const opacity = c.opacity >= 1 ? 255 : Math.round(c.opacity * 255);
    const crop = c.crop;
    if (crop.left + crop.right < c.srcW && crop.top + crop.bottom < c.srcH && opacity > 0) {
      const reference: ReferenceScaledLayer = { planes, width: c.srcW, height: c.srcH, rect: c.rect, crop, opacity };
      referenceDrawScaled(expected, width, height, reference);
    }
    layers.push(scaledLayer(`l${i}`, id, c.rect, { crop, opacity: c.opacity }));
  });
  compositor.setScene({ id: 'main', layers });
  compositor.switchScene({ sceneId: 'main' });
  return expected;
}

describe('scaled layers in the compositor', () => {
  it('match the pixel reference for random sources, rects, crops and opacities, over bands (property)', () => {
    fc.assert(
      fc.property(
        evenSize(64),
        evenSize(48),
        fc.array(layerCase, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 4 }),
        (width, height, cases, bands) => {
          const frames: Frame[] = [];
          const compositor = Compositor.inline({ width, height, onFrame: capture(frames), bands });
          try {
            const expected = stage(compositor, width, height, cases);
            compositor.tick(0);
            expect(frames.length).toBe(1);
            expectFrame(frames[0]!, expected, JSON.stringify({ width, height, cases }));
          } finally {
            void compositor.close();
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  it('gives the same bytes on the blend workers as the reference (1080p: a 1920x1080 source at 960x540, a 1280x720 one at 1920x1080 under it)', async () => {
    const frames: Frame[] = [];
    const layout = frameLayout(1920, 1080);
    const compositor = new Compositor({ width: 1920, height: 1080, onFrame: capture(frames), executor: new WorkerExecutor({ layout, workers: 2 }) });
    open.push(compositor);
    const expected = stage(compositor, 1920, 1080, [
      {
        live: true,
        srcW: 1280,
        srcH: 720,
        rect: { x: 0, y: 0, width: 1920, height: 1080 },
        crop: { left: 0, top: 0, right: 0, bottom: 0 },
        opacity: 1,
        seed: 3,
      },
      {
        live: true,
        srcW: 1920,
        srcH: 1080,
        rect: { x: 900, y: 480, width: 960, height: 540 },
        crop: { left: 0, top: 0, right: 0, bottom: 0 },
        opacity: 1,
        seed: 4,
      },
      {
        live: false,
        srcW: 400,
        srcH: 100,
        rect: { x: 100, y: 900, width: 600, height: 150 },
        crop: { left: 10, top: 3, right: 5, bottom: 0 },
        opacity: 0.8,
        seed: 5,
      },
    ]);
    compositor.tick(0);
    await expect.poll(() => frames.length, { timeout: 10_000 }).toBe(1);
    expectFrame(frames[0]!, expected, 'workers');
  });

  it('draws a 1:1 scaled layer with an even crop as the plain blend (the cropped part at the rect)', () => {
    const frames: Frame[] = [];
    const compositor = Compositor.inline({ width: 32, height: 24, onFrame: capture(frames) });
    open.push(compositor);
    const expected = stage(compositor, 32, 24, [
      { live: true, srcW: 20, srcH: 16, rect: { x: 4, y: 2, width: 14, height: 10 }, crop: { left: 4, top: 2, right: 2, bottom: 4 }, opacity: 1, seed: 9 },
    ]);
    compositor.tick(0);
    expectFrame(frames[0]!, expected, '1:1');
    // The plain path made no tables.
    expect(compositor.scaleTableCount).toBe(0);
  });

  it('keeps tables read by plans in flight on the workers until they finish, and leaks none over resizes on air', async () => {
    const before = frameArena().stats().ranges;
    const frames: Frame[] = [];
    const layout = frameLayout(320, 180);
    const compositor = new Compositor({
      width: 320,
      height: 180,
      onFrame: capture(frames),
      executor: new WorkerExecutor({ layout, workers: 2, planSlots: 4 }),
    });
    const input = compositor.openVideoInput('camera', { width: 640, height: 360 });
    for (const slot of input.pool.slots) fillPseudoRandom(slot.i420, 5 + slot.index);
    compositor.setScene({ id: 'a', layers: [scaledLayer('l', 'camera', { x: 0, y: 0, width: 320, height: 180 })] });
    compositor.switchScene({ sceneId: 'a' });
    // Each frame a new size, set while the plans of the frames before may still run on the workers.
    for (let n = 0; n < 40; n++) {
      const slot = input.acquire();
      if (slot) input.publish(slot);
      compositor.setScene({ id: 'a', layers: [scaledLayer('l', 'camera', { x: n, y: n, width: 100 + 5 * n, height: 60 + 3 * n })] });
      compositor.tick(n);
    }
    // Every frame index comes out once, composed or (plan slots busy) repeated.
    await expect.poll(() => frames.length, { timeout: 10_000 }).toBe(40);
    expect(compositor.stats().dropped.failed).toBe(0);
    // Only the newest layer can hold tables (older ones were retired as their scene was replaced).
    expect(compositor.scaleTableCount).toBeLessThanOrEqual(1);
    await compositor.close();
    await expect.poll(() => frameArena().stats().ranges, { timeout: 5_000 }).toBe(before);
  });

  it('makes a layer its tables once, again only when its rect changes, and frees them with its scene', () => {
    const frames: Frame[] = [];
    const compositor = Compositor.inline({ width: 64, height: 48, onFrame: capture(frames) });
    open.push(compositor);
    const before = frameArena().stats().ranges;
    const input = compositor.openVideoInput('camera', { width: 32, height: 24 });
    const slot = input.acquire()!;
    fillPseudoRandom(slot.i420, 1);
    input.publish(slot);
    const ranges = (): number => frameArena().stats().ranges;
    const withInput = ranges();
    compositor.setScene({ id: 'a', layers: [scaledLayer('l', 'camera', { x: 0, y: 0, width: 48, height: 36 })] });
    compositor.switchScene({ sceneId: 'a' });
    for (let n = 0; n < 5; n++) compositor.tick(n);
    expect(compositor.scaleTableCount).toBe(1);
    expect(ranges()).toBe(withInput + 1);
    // Resized: one new table block, the old one freed (nothing in flight on the inline executor).
    compositor.setScene({ id: 'a', layers: [scaledLayer('l', 'camera', { x: 0, y: 0, width: 20, height: 14 })] });
    for (let n = 5; n < 10; n++) compositor.tick(n);
    expect(compositor.scaleTableCount).toBe(1);
    expect(ranges()).toBe(withInput + 1);
    expect(frames.length).toBe(10);
    compositor.removeScene('a');
    expect(compositor.scaleTableCount).toBe(0);
    expect(ranges()).toBe(withInput);
    expect(withInput).toBeGreaterThan(before);
  });
});
