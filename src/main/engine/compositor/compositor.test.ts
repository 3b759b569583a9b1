import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { rgbToYuv } from './color.ts';
import { Compositor } from './compositor.ts';
import type { ComposedFrameListener } from './compositor.ts';
import { InlineExecutor } from './executor.ts';
import type { PlanCompletion, PlanExecutor } from './executor.ts';
import { FramePool, frameLayout } from './frame-pool.ts';
import type { FrameSlot, PoolDescriptor } from './frame-pool.ts';
import { BlendCore, PLAN_INTS, PlanWriter, balancedBandEdges, bandEdges, resolveLayerGeometry } from './plan.ts';
import type { Crop, LayerGeometry, Rect } from './plan.ts';
import { staticImageFromRgba } from './raster.ts';
import type { Layer } from './scene.ts';
import { fillPseudoRandom, firstDifference, referenceCompose } from '../../../../tests/support/compositor.ts';
import type { ReferenceLayer } from '../../../../tests/support/compositor.ts';

interface Captured {
  n: number;
  repeated: boolean;
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
  slot: FrameSlot | null;
}

/** A sink that copies each frame and releases it, as an encoder writer would after writing. */
function capture(into: Captured[], release = true): ComposedFrameListener {
  return (n, frame, repeated) => {
    into.push({
      n,
      repeated,
      y: frame ? frame.planes.y.slice() : new Uint8Array(),
      u: frame ? frame.planes.u.slice() : new Uint8Array(),
      v: frame ? frame.planes.v.slice() : new Uint8Array(),
      slot: frame,
    });
    if (frame && release) frame.pool.release(frame.index);
  };
}

function solidRgba(width: number, height: number, r: number, g: number, b: number, a: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < rgba.length; i += 4) rgba.set([r, g, b, a], i);
  return rgba;
}

const open: Compositor[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

function inline(width: number, height: number, sink: ComposedFrameListener, bands = 1): Compositor {
  const compositor = Compositor.inline({ width, height, onFrame: sink, bands });
  open.push(compositor);
  return compositor;
}

function layer(id: string, sourceId: string, rect: Rect, extra: Partial<Layer> = {}): Layer {
  return { id, sourceId, rect, opacity: 1, visible: true, ...extra };
}

describe('resolveLayerGeometry', () => {
  const g: LayerGeometry = { sx: 0, sy: 0, dx: 0, dy: 0, w: 0, h: 0 };
  it('clips a layer hanging off the top-left corner', () => {
    expect(resolveLayerGeometry({ x: -10, y: -4, width: 20, height: 10 }, undefined, 20, 10, 64, 48, g)).toBe(true);
    expect(g).toEqual({ sx: 10, sy: 4, dx: 0, dy: 0, w: 10, h: 6 });
  });
  it('clips at the bottom-right frame edge', () => {
    expect(resolveLayerGeometry({ x: 60, y: 40, width: 20, height: 20 }, undefined, 20, 20, 64, 48, g)).toBe(true);
    expect(g).toEqual({ sx: 0, sy: 0, dx: 60, dy: 40, w: 4, h: 8 });
  });
  it('applies crop from every edge and moves the drawn block by the left/top crop', () => {
    const crop: Crop = { left: 4, top: 2, right: 6, bottom: 8 };
    expect(resolveLayerGeometry({ x: 10, y: 10, width: 20, height: 20 }, crop, 20, 20, 64, 48, g)).toBe(true);
    expect(g).toEqual({ sx: 4, sy: 2, dx: 14, dy: 12, w: 10, h: 10 });
  });
  it('snaps odd origins and crops to even so chroma stays aligned', () => {
    expect(resolveLayerGeometry({ x: 11, y: 7, width: 9, height: 9 }, { left: 1, top: 1, right: 1, bottom: 0 }, 10, 10, 64, 48, g)).toBe(true);
    expect(g).toEqual({ sx: 2, sy: 2, dx: 12, dy: 8, w: 6, h: 6 });
  });
  it('says nothing is visible when crop or clipping leave nothing', () => {
    expect(resolveLayerGeometry({ x: 0, y: 0, width: 10, height: 10 }, { left: 6, top: 0, right: 6, bottom: 0 }, 10, 10, 64, 48, g)).toBe(false);
    expect(resolveLayerGeometry({ x: 64, y: 0, width: 10, height: 10 }, undefined, 10, 10, 64, 48, g)).toBe(false);
    expect(resolveLayerGeometry({ x: -10, y: 0, width: 10, height: 10 }, undefined, 10, 10, 64, 48, g)).toBe(false);
  });
  it('splits frames into even bands', () => {
    expect(bandEdges(1080, 2)).toEqual([0, 540, 1080]);
    expect(bandEdges(1080, 4)).toEqual([0, 270, 540, 810, 1080].map((v) => Math.round(v / 2) * 2));
    expect(bandEdges(10, 3).every((e) => e % 2 === 0)).toBe(true);
  });
});

describe('FramePool', () => {
  it('hands out every slot once, counts a full pool, and reuses released slots', () => {
    const pool = new FramePool(frameLayout(4, 4), 2);
    const a = pool.acquire();
    const b = pool.acquire();
    expect(a && b && a.index !== b.index).toBe(true);
    expect(pool.acquire()).toBeNull();
    expect(pool.acquire()).toBeNull();
    expect(pool.stats()).toEqual({ count: 2, inUse: 2, acquired: 2, exhausted: 2 });
    pool.retain(a!.index);
    pool.release(a!.index);
    expect(pool.acquire()).toBeNull();
    pool.release(a!.index);
    expect(pool.acquire()).toBe(a);
    expect(() => pool.release(b!.index) === undefined && pool.release(b!.index)).toThrow(/free slot/);
  });
  it('lays out I420 like ffmpeg yuv420p, and views share the one frame memory', () => {
    const pool = new FramePool(frameLayout(8, 4, true), 2);
    expect(pool.layout.i420Bytes).toBe(8 * 4 * 1.5);
    const slot = pool.slots[1]!;
    expect(slot.planes.y.buffer).toBe(pool.buffer);
    slot.planes.u[0] = 77;
    expect(slot.i420[32]).toBe(77);
    expect(slot.i420.byteOffset).toBe(pool.byteOffset + pool.layout.slotBytes);
    expect(pool.byteOffset % 64).toBe(0);
    expect(() => frameLayout(7, 4)).toThrow(/even/);
  });
});

interface LayerCase {
  live: boolean;
  srcW: number;
  srcH: number;
  rect: Rect;
  crop: Crop;
  opacity: number;
  visible: boolean;
  seed: number;
}

const evenSize = fc.integer({ min: 1, max: 14 }).map((k) => 2 * k);
const layerCase: fc.Arbitrary<LayerCase> = fc.record({
  live: fc.boolean(),
  srcW: evenSize,
  srcH: evenSize,
  rect: fc.record({
    x: fc.integer({ min: -20, max: 40 }),
    y: fc.integer({ min: -20, max: 40 }),
    width: fc.integer({ min: 1, max: 32 }),
    height: fc.integer({ min: 1, max: 32 }),
  }),
  crop: fc.record({
    left: fc.integer({ min: 0, max: 7 }),
    top: fc.integer({ min: 0, max: 7 }),
    right: fc.integer({ min: 0, max: 7 }),
    bottom: fc.integer({ min: 0, max: 7 }),
  }),
  opacity: fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
  visible: fc.boolean(),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
});

describe('Compositor against the reference compositor', () => {
  it('matches a pixel-by-pixel reference for random layers, crops, clips, opacities and band splits (property)', () => {
    fc.assert(
      fc.property(evenSize, evenSize, fc.array(layerCase, { maxLength: 4 }), fc.integer({ min: 1, max: 4 }), (width, height, cases, bands) => {
        const frames: Captured[] = [];
        const compositor = Compositor.inline({ width: width * 2, height: height * 2, onFrame: capture(frames), bands });
        try {
          const W = width * 2;
          const H = height * 2;
          const reference: ReferenceLayer[] = [];
          const layers: Layer[] = [];
          cases.forEach((c, i) => {
            const id = `s${i}`;
            if (c.live) {
              const input = compositor.openVideoInput(id, { width: c.srcW, height: c.srcH });
              const slot = input.acquire()!;
              fillPseudoRandom(slot.i420, c.seed);
              input.publish(slot);
              reference.push({ planes: slot.planes, width: c.srcW, height: c.srcH, rect: c.rect, crop: c.crop, opacity: c.opacity, visible: c.visible });
            } else {
              const rgba = new Uint8Array(c.srcW * c.srcH * 4);
              fillPseudoRandom(rgba, c.seed);
              // Some fully transparent and fully opaque pixels, as real logos have.
              for (let p = 3; p < rgba.length; p += 16) rgba[p] = 0;
              for (let p = 7; p < rgba.length; p += 16) rgba[p] = 255;
              const image = staticImageFromRgba(rgba, c.srcW, c.srcH);
              reference.push({
                planes: image.pool.slots[0]!.planes,
                width: c.srcW,
                height: c.srcH,
                rect: c.rect,
                crop: c.crop,
                opacity: c.opacity,
                visible: c.visible,
              });
              compositor.setStaticSource(id, image);
            }
            layers.push(layer(`l${i}`, id, c.rect, { crop: c.crop, opacity: c.opacity, visible: c.visible }));
          });
          compositor.setScene({ id: 'main', layers });
          compositor.switchScene({ sceneId: 'main' });
          compositor.tick(0);
          expect(frames.length).toBe(1);
          const expected = referenceCompose(W, H, reference);
          expect(firstDifference(frames[0]!.y, expected.y)).toBe(-1);
          expect(firstDifference(frames[0]!.u, expected.u)).toBe(-1);
          expect(firstDifference(frames[0]!.v, expected.v)).toBe(-1);
        } finally {
          void compositor.close();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('draws an opaque full-frame live base as an exact copy and skips what lies under it', () => {
    const frames: Captured[] = [];
    const c = inline(16, 8, capture(frames));
    const under = c.openVideoInput('under', { width: 16, height: 8 });
    const base = c.openVideoInput('base', { width: 16, height: 8 });
    const u = under.acquire()!;
    u.i420.fill(200);
    under.publish(u);
    const b = base.acquire()!;
    fillPseudoRandom(b.i420, 42);
    const expected = b.i420.slice();
    base.publish(b);
    c.setScene({ id: 's', layers: [layer('u', 'under', { x: 0, y: 0, width: 16, height: 8 }), layer('b', 'base', { x: 0, y: 0, width: 16, height: 8 })] });
    c.switchScene({ sceneId: 's' });
    c.tick(0);
    expect(Buffer.concat([frames[0]!.y, frames[0]!.u, frames[0]!.v]).equals(expected)).toBe(true);
  });

  it('leaves the frame untouched at opacity 0 and invisible, and fully covers at opacity 1 with alpha 255', () => {
    const frames: Captured[] = [];
    const c = inline(8, 8, capture(frames));
    c.setStaticSource('white', staticImageFromRgba(solidRgba(4, 4, 255, 255, 255, 255), 4, 4));
    const at = { x: 2, y: 2, width: 4, height: 4 };
    c.setScene({ id: 'zero', layers: [layer('w', 'white', at, { opacity: 0 })] });
    c.setScene({ id: 'hidden', layers: [layer('w', 'white', at, { visible: false })] });
    c.setScene({ id: 'one', layers: [layer('w', 'white', at, { opacity: 1 })] });
    c.setScene({ id: 'half', layers: [layer('w', 'white', at, { opacity: 0.5 })] });
    for (const [n, scene] of ['zero', 'hidden', 'one', 'half'].entries()) {
      c.switchScene({ sceneId: scene });
      c.tick(n);
    }
    expect(frames[0]!.y.every((v) => v === 16)).toBe(true);
    expect(frames[1]!.y.every((v) => v === 16)).toBe(true);
    expect(frames[2]!.y[2 * 8 + 2]).toBe(235);
    expect(frames[2]!.y[1 * 8 + 1]).toBe(16);
    expect(frames[2]!.y.filter((v) => v === 235).length).toBe(16);
    // 0.5 → opacity 128: (235·128 + 16·127) / 255 = 125.93 → 126
    expect(frames[3]!.y[2 * 8 + 2]).toBe(126);
    expect(frames[3]!.u[1 * 4 + 1]).toBe(128);
  });
});

describe('scene switches', () => {
  function twoColourCompositor(frames: Captured[]): Compositor {
    const c = inline(8, 4, capture(frames));
    c.setStaticSource('a', staticImageFromRgba(solidRgba(8, 4, 0, 0, 0, 255), 8, 4)); // Y 16
    c.setStaticSource('b', staticImageFromRgba(solidRgba(8, 4, 255, 255, 255, 255), 8, 4)); // Y 235
    const full = { x: 0, y: 0, width: 8, height: 4 };
    c.setScene({ id: 'A', layers: [layer('a', 'a', full)] });
    c.setScene({ id: 'B', layers: [layer('b', 'b', full)] });
    c.switchScene({ sceneId: 'A' });
    return c;
  }

  it('cuts at exactly the frame given in advance', () => {
    const frames: Captured[] = [];
    const c = twoColourCompositor(frames);
    c.switchScene({ sceneId: 'B', atFrame: 5 });
    for (let n = 0; n < 8; n++) c.tick(n);
    expect(frames.map((f) => f.y[0])).toEqual([16, 16, 16, 16, 16, 235, 235, 235]);
    expect(c.stats().onAir).toBe('B');
  });

  it('fades over N frames: weight (k+1)/N, the midpoint exactly half, the last frame all new', () => {
    const frames: Captured[] = [];
    const c = twoColourCompositor(frames);
    c.switchScene({ sceneId: 'B', atFrame: 3, transition: { kind: 'fade', frames: 4 } });
    for (let n = 0; n < 9; n++) c.tick(n);
    const mix = (w: number): number => Math.round((235 * w + 16 * (255 - w)) / 255);
    expect(frames.map((f) => f.y[0])).toEqual([16, 16, 16, mix(64), mix(128), mix(191), 235, 235, 235]);
    expect(frames[4]!.y[0]).toBe(126); // 2/4 of the way: (235·128 + 16·127)/255
    expect(frames[4]!.u.every((v) => v === 128)).toBe(true);
  });

  it('fades to black: the old scene out over the first half, the background alone in the middle, the new scene in over the second', () => {
    const frames: Captured[] = [];
    const c = inline(8, 4, capture(frames));
    c.setStaticSource('grey', staticImageFromRgba(solidRgba(8, 4, 128, 128, 128, 255), 8, 4));
    c.setStaticSource('white', staticImageFromRgba(solidRgba(8, 4, 255, 255, 255, 255), 8, 4)); // Y 235
    const full = { x: 0, y: 0, width: 8, height: 4 };
    c.setScene({ id: 'A', layers: [layer('grey', 'grey', full)] });
    c.setScene({ id: 'B', layers: [layer('white', 'white', full)] });
    c.switchScene({ sceneId: 'A' });
    c.switchScene({ sceneId: 'B', atFrame: 2, transition: { kind: 'fadeToBlack', frames: 4 } });
    for (let n = 0; n < 8; n++) c.tick(n);
    const grey = frames[0]!.y[0]!;
    expect(grey).toBeGreaterThan(100);
    const over = (y: number, w: number): number => Math.round((y * w + 16 * (255 - w)) / 255);
    // t = 1/4: grey at 1 − 2t = 1/2; t = 2/4: black; t = 3/4: white at 2t − 1 = 1/2; t = 1: white alone.
    expect(frames.map((f) => f.y[0])).toEqual([grey, grey, over(grey, 128), 16, over(235, 128), 235, 235, 235]);
    expect(frames[3]!.u.every((v) => v === 128) && frames[3]!.y.every((v) => v === 16)).toBe(true);
    expect(c.stats().onAir).toBe('B');
  });

  it('refuses a fade to black of no frames, naming the field', () => {
    const c = twoColourCompositor([]);
    expect(() => c.switchScene({ sceneId: 'B', transition: { kind: 'fadeToBlack', frames: 0 } })).toThrow(
      expect.objectContaining({ field: 'transition.frames' }),
    );
  });

  it('holds a T-bar mix where the hand leaves it, lets go back to the scene on air, and a switch that falls due ends it', () => {
    const frames: Captured[] = [];
    const c = twoColourCompositor(frames);
    const mix = (w: number): number => Math.round((235 * w + 16 * (255 - w)) / 255);
    c.tick(0);
    c.setManualMix('B', 64);
    c.tick(1);
    c.tick(2); // held: the same mix, not a fade running on
    c.setManualMix('B', 191);
    c.tick(3);
    c.setManualMix(null, 0);
    c.tick(4);
    c.setManualMix('B', 128);
    c.switchScene({ sceneId: 'B', atFrame: 6 });
    c.tick(5);
    c.tick(6);
    c.tick(7);
    expect(frames.map((f) => f.y[0])).toEqual([16, mix(64), mix(64), mix(191), 16, mix(128), 235, 235]);
    expect(c.switcher.manualTarget).toBeNull();
    // A T-bar towards a scene that is then removed lets go.
    c.setScene({ id: 'C', layers: [] });
    c.setManualMix('C', 100);
    c.removeScene('C');
    expect(c.switcher.manualTarget).toBeNull();
    expect(() => c.setManualMix('nope', 10)).toThrow(/no scene/);
    expect(() => c.setManualMix('B', 256)).toThrow(expect.objectContaining({ field: 'position' }));
  });

  it('switches on the next frame when no frame is given, and refuses a frame already composed', () => {
    const frames: Captured[] = [];
    const c = twoColourCompositor(frames);
    c.tick(0);
    c.tick(1);
    c.switchScene({ sceneId: 'B' });
    c.tick(2);
    expect(frames.map((f) => f.y[0])).toEqual([16, 16, 235]);
    expect(() => c.switchScene({ sceneId: 'A', atFrame: 2 })).toThrow(/already composed/);
    expect(() => c.switchScene({ sceneId: 'nope' })).toThrow(/no scene/);
  });

  it('completes a running fade when the next switch falls due, and cancels a pending switch', () => {
    const frames: Captured[] = [];
    const c = twoColourCompositor(frames);
    c.switchScene({ sceneId: 'B', atFrame: 1, transition: { kind: 'fade', frames: 10 } });
    c.switchScene({ sceneId: 'A', atFrame: 3 });
    const cancelled = c.switchScene({ sceneId: 'B', atFrame: 5 });
    expect(c.cancelSwitch(cancelled.id)).toBe(true);
    for (let n = 0; n < 6; n++) c.tick(n);
    expect(frames.map((f) => f.y[0]!)).toEqual([16, frames[1]!.y[0], frames[2]!.y[0], 16, 16, 16]);
    expect(frames[1]!.y[0]).toBeGreaterThan(16);
  });
});

describe('late sources, drops and output order', () => {
  it('repeats a live source that has no new frame, and counts it', () => {
    const frames: Captured[] = [];
    const c = inline(4, 4, capture(frames));
    const input = c.openVideoInput('cam', { width: 4, height: 4, jitterFrames: 2 });
    c.setScene({ id: 's', layers: [layer('cam', 'cam', { x: 0, y: 0, width: 4, height: 4 })] });
    c.switchScene({ sceneId: 's' });
    const publish = (value: number): void => {
      const slot = input.acquire()!;
      slot.i420.fill(value);
      input.publish(slot);
    };
    c.tick(0); // nothing yet: background, counted as missing
    publish(50);
    c.tick(1);
    c.tick(2); // late: repeats 50
    publish(60);
    publish(70);
    publish(80); // jitter buffer of 2: 60 is dropped
    c.tick(3);
    c.tick(4);
    c.tick(5);
    expect(frames.map((f) => f.y[0])).toEqual([16, 50, 50, 70, 80, 80]);
    const stats = c.stats();
    expect(stats.sources.cam).toMatchObject({ published: 4, repeated: 2, consecutiveRepeats: 1, overflowed: 1 });
    expect(stats.missingSourceFrames).toBe(1);
    // Every slot is free again except the frame on air.
    expect(input.pool.stats().inUse).toBe(1);
  });

  it('a paused live input keeps its last frame on its layers and its queue waits; resumed, it goes on from the next frame', () => {
    const frames: Captured[] = [];
    const c = inline(4, 4, capture(frames));
    const input = c.openVideoInput('cam', { width: 4, height: 4, jitterFrames: 3, whenFull: 'pause' });
    c.setScene({ id: 's', layers: [layer('cam', 'cam', { x: 0, y: 0, width: 4, height: 4 })] });
    c.switchScene({ sceneId: 's' });
    const publish = (value: number): void => {
      const slot = input.acquire()!;
      slot.i420.fill(value);
      input.publish(slot);
    };
    publish(50);
    c.tick(0);
    publish(60);
    publish(70);
    expect(c.setPaused('cam', true)).toBe(true);
    c.tick(1);
    c.tick(2);
    expect(c.setPaused('cam', false)).toBe(true);
    c.tick(3);
    c.tick(4);
    expect(frames.map((f) => f.y[0])).toEqual([50, 50, 50, 60, 70]);
    expect(c.setPaused('nothing', true)).toBe(false);
  });

  it('drops a frame when the output pool is exhausted, hands the last picture again, and counts it', () => {
    const frames: Captured[] = [];
    const c = Compositor.inline({ width: 4, height: 4, onFrame: capture(frames, false), outputFrames: 3 });
    open.push(c);
    for (let n = 0; n < 5; n++) c.tick(n);
    // The sink never releases: 3 slots, the compositor keeps one reference on the last.
    expect(frames.map((f) => f.repeated)).toEqual([false, false, false, true, true]);
    expect(frames[3]!.slot).toBe(frames[2]!.slot);
    expect(c.stats().dropped.poolExhausted).toBe(2);
    expect(c.output.stats().exhausted).toBe(2);
    expect(c.stats().repeatedOutput).toBe(2);
  });

  it('counts skipped ticks and delivers them as repeats', () => {
    const frames: Captured[] = [];
    const c = inline(4, 4, capture(frames));
    c.tick(0);
    c.tick(1, true);
    c.tick(2);
    expect(frames.map((f) => [f.n, f.repeated])).toEqual([
      [0, false],
      [1, true],
      [2, false],
    ]);
    expect(c.stats().dropped.skipped).toBe(1);
  });

  it('drops (never queues) when every plan slot is busy, and still delivers frames in order', () => {
    const frames: Captured[] = [];
    const executor = new ManualExecutor(frameLayout(4, 4), 2);
    const c = new Compositor({ width: 4, height: 4, executor, onFrame: capture(frames) });
    open.push(c);
    expect(c.tick(0)).toBe(true);
    expect(c.tick(1)).toBe(true);
    expect(c.tick(2)).toBe(false); // both slots busy
    expect(frames).toEqual([]);
    executor.finish(1); // out of order: frame 1 waits for frame 0
    expect(frames).toEqual([]);
    executor.finish(0);
    expect(frames.map((f) => [f.n, f.repeated])).toEqual([
      [0, false],
      [1, false],
      [2, true],
    ]);
    expect(c.stats().dropped.busy).toBe(1);
    expect(c.stats().composed).toBe(2);
  });

  it('reports a failed plan, repeats the last picture, and frees its buffers', () => {
    const frames: Captured[] = [];
    const errors: Error[] = [];
    const executor = new ManualExecutor(frameLayout(4, 4), 2);
    const c = new Compositor({ width: 4, height: 4, executor, onFrame: capture(frames), onError: (e) => errors.push(e) });
    open.push(c);
    c.tick(0);
    executor.finish(executor.lastRun);
    c.tick(1);
    executor.finish(executor.lastRun, new Error('worker crashed'));
    expect(frames.map((f) => f.repeated)).toEqual([false, true]);
    expect(errors.map((e) => e.message)).toEqual(['worker crashed']);
    expect(c.output.stats().inUse).toBe(1); // only the last picture, kept for repeats
  });
});

/** Runs plans when the test says so, to make busy workers and out-of-order completion happen. */
class ManualExecutor implements PlanExecutor {
  readonly plans: Int32Array;
  readonly planSlots: number;
  onComplete: PlanCompletion = () => {};
  readonly #inline: InlineExecutor;
  readonly #busy: boolean[];
  constructor(layout: ReturnType<typeof frameLayout>, planSlots: number) {
    this.#inline = new InlineExecutor({ layout, planSlots });
    this.plans = this.#inline.plans;
    this.planSlots = planSlots;
    this.#busy = new Array<boolean>(planSlots).fill(false);
  }
  register(pool: PoolDescriptor): void {
    this.#inline.register(pool);
  }
  unregister(poolId: number): void {
    this.#inline.unregister(poolId);
  }
  acquirePlanSlot(): number {
    const slot = this.#busy.indexOf(false);
    if (slot >= 0) this.#busy[slot] = true;
    return slot;
  }
  releasePlanSlot(planSlot: number): void {
    this.#busy[planSlot] = false;
  }
  lastRun = -1;
  run(planSlot: number): void {
    this.lastRun = planSlot;
  }
  finish(planSlot: number, error: Error | null = null): void {
    if (!error) this.#inline.core.runPlan(this.plans, planSlot, 0, 4);
    this.#busy[planSlot] = false;
    this.onComplete(planSlot, error);
  }
  async close(): Promise<void> {}
}

describe('balancedBandEdges', () => {
  it('splits by work, so a lower third is shared between workers instead of falling to one', () => {
    const layout = frameLayout(1920, 1080);
    const ints = new Int32Array(PLAN_INTS);
    const writer = new PlanWriter(ints);
    writer.reset(0, 1, 0);
    writer.blend(0, 2, 0, { sx: 0, sy: 0, dx: 0, dy: 0, w: 1920, h: 1080 }, 255); // opaque base: a copy
    writer.blend(0, 3, 0, { sx: 0, sy: 0, dx: 0, dy: 800, w: 1920, h: 200 }, 255); // lower third with alpha
    const edges = new Int32Array(3);
    balancedBandEdges(ints, 0, layout, 2, new Float64Array(540), edges, (pool) => pool === 3);
    expect(edges[0]).toBe(0);
    expect(edges[2]).toBe(1080);
    expect(edges[1]! % 2).toBe(0);
    expect(edges[1]).toBeGreaterThan(800);
    expect(edges[1]).toBeLessThan(1000);
    const four = new Int32Array(5);
    balancedBandEdges(ints, 0, layout, 4, new Float64Array(540), four, (pool) => pool === 3);
    expect([...four].every((e, i) => i === 0 || e >= four[i - 1]!)).toBe(true);
    expect(four[4]).toBe(1080);
  });
});

describe('BlendCore', () => {
  it('runs the same plan band by band or whole to the same bytes', () => {
    const layout = frameLayout(32, 20);
    const outWhole = new FramePool(layout, 1);
    const outBands = new FramePool(layout, 1);
    const src = new FramePool(frameLayout(12, 10, true), 1);
    fillPseudoRandom(src.slots[0]!.bytes, 7);
    const plans = new Int32Array(1024);
    const core = new BlendCore();
    for (const p of [outWhole, outBands, src]) core.register(p);
    const run = (out: FramePool, bands: number[]): void => {
      plans.set([out.id, 0, 2, 0, 1, 0, 16, 128, 128, 0, 0, 0, 0, 0, 0, 0, 2, 0, src.id, 0, 0, 0, 10, 4, 12, 10, 200]);
      for (let i = 0; i + 1 < bands.length; i++) core.runPlan(plans, 0, bands[i]!, bands[i + 1]!);
    };
    run(outWhole, [0, 20]);
    run(outBands, [0, 2, 6, 14, 20]);
    expect(outWhole.slots[0]!.i420.equals(outBands.slots[0]!.i420)).toBe(true);
    expect(outWhole.slots[0]!.planes.y[4 * 32 + 10]).not.toBe(16);
  });
});

describe('colour of static layers', () => {
  it('converts primaries to BT.709 limited range', () => {
    expect(rgbToYuv(255, 255, 255)).toEqual({ y: 235, u: 128, v: 128 });
    expect(rgbToYuv(0, 0, 0)).toEqual({ y: 16, u: 128, v: 128 });
    expect(rgbToYuv(255, 0, 0)).toEqual({ y: 63, u: 102, v: 240 });
    expect(rgbToYuv(0, 255, 0)).toEqual({ y: 173, u: 42, v: 26 });
    expect(rgbToYuv(0, 0, 255)).toEqual({ y: 32, u: 240, v: 118 });
  });

  it('takes chroma from the opaque pixels of a 2×2 block and alpha as its mean', () => {
    const rgba = new Uint8Array([255, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    const image = staticImageFromRgba(rgba, 2, 2);
    const planes = image.pool.slots[0]!.planes;
    expect([...planes.a!]).toEqual([255, 0, 0, 1]);
    expect(planes.ac![0]).toBe(64);
    // Nearly all the weight is the red pixel: chroma stays close to pure red, not darkened.
    expect(planes.v[0]).toBeGreaterThan(235);
  });
});
