// Scaled static layers are rasterized by sharp at their own size, once per size: the view comes
// after the layer was first drawn (through the scale kernel meanwhile), shows the cropped part at
// the layer's size, is shared by layers of the same size, and goes when no layer needs it or its
// source changes.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Compositor, rgbToYuv } from '../compositor/index.ts';
import type { Layer } from '../compositor/index.ts';
import { consoleLogger } from '../log.ts';
import { StaticViews } from './static-views.ts';
import type { StaticSpec } from './static-views.ts';

const compositors: Compositor[] = [];
afterEach(async () => {
  for (const compositor of compositors.splice(0)) await compositor.close();
});

let assets: string;
let halves: string;
beforeAll(async () => {
  assets = mkdtempSync(path.join(os.tmpdir(), 'studio-views-'));
  halves = path.join(assets, 'halves.png');
  // 64x36: red left half, blue right half.
  const blue = await sharp({ create: { width: 32, height: 36, channels: 4, background: '#0000ff' } })
    .png()
    .toBuffer();
  await sharp({ create: { width: 64, height: 36, channels: 4, background: '#ff0000' } })
    .composite([{ input: blue, left: 32, top: 0 }])
    .png()
    .toFile(halves);
  return () => rmSync(assets, { recursive: true, force: true });
});

interface Frame {
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
}

function setup(): { compositor: Compositor; views: StaticViews; frames: Frame[]; ready: string[] } {
  const frames: Frame[] = [];
  const compositor = Compositor.inline({
    width: 128,
    height: 72,
    onFrame: (_n, frame) => {
      if (frame) frames.push({ y: frame.planes.y.slice(), u: frame.planes.u.slice(), v: frame.planes.v.slice() });
      frame?.pool.release(frame.index);
    },
  });
  compositors.push(compositor);
  const ready: string[] = [];
  const views = new StaticViews({ compositor, logger: consoleLogger('error'), onReady: (id) => ready.push(id) });
  return { compositor, views, frames, ready };
}

const layer = (sourceId: string, width: number, height: number, crop?: Layer['crop']): Layer => ({
  id: `l-${width}x${height}`,
  sourceId,
  rect: { x: 0, y: 0, width, height },
  ...(crop ? { crop } : {}),
  opacity: 1,
  visible: true,
  scaled: true,
});

describe('StaticViews', () => {
  it('draws a scaled image layer from its source until its view is rasterized, then from the view: the cropped part at the layer size', async () => {
    const { compositor, views, frames, ready } = setup();
    const spec: StaticSpec = { id: 'img', kind: 'image', path: halves, width: 64, height: 36 };
    views.setSpec(spec);
    const wanted = layer('img', 100, 50, { left: 32, top: 0, right: 0, bottom: 0 });
    expect(views.layerFor(wanted)).toBe(wanted); // not yet: drawn through the scale kernel
    expect(views.layerFor(wanted)).toBe(wanted); // asked once, not again
    await expect.poll(() => ready, { timeout: 10_000 }).toEqual(['img']);
    const drawn = views.layerFor(wanted);
    expect(drawn.sourceId).toBe('img@100x50/32,0,0,0');
    expect(drawn.crop).toBeUndefined();
    expect(drawn.rect).toEqual(wanted.rect);
    expect(views.readyCount).toBe(1);
    compositor.setScene({ id: 's', layers: [drawn] });
    compositor.switchScene({ sceneId: 's' });
    compositor.tick(0);
    // All of the 100x50 rect is the blue half; outside it, black.
    const blue = rgbToYuv(0, 0, 255);
    const at = (x: number, y: number) => [frames[0]!.y[y * 128 + x]!, frames[0]!.u[(y >> 1) * 64 + (x >> 1)]!, frames[0]!.v[(y >> 1) * 64 + (x >> 1)]!];
    for (const [x, y] of [
      [0, 0],
      [50, 25],
      [98, 48],
    ] as const) {
      const [yy, u, v] = at(x, y);
      expect(Math.abs(yy! - blue.y) + Math.abs(u! - blue.u) + Math.abs(v! - blue.v), `(${x}, ${y})`).toBeLessThanOrEqual(6);
    }
    expect(at(110, 60)).toEqual([16, 128, 128]);
  });

  it('needs no view at 1:1, shares one view between layers of one size, and frees views no layer needs', async () => {
    const { compositor, views, ready } = setup();
    views.setSpec({ id: 'red', kind: 'color', color: '#ff0000', width: 64, height: 36 });
    const own = layer('red', 64, 36);
    expect(views.layerFor(own)).toBe(own);
    const big = layer('red', 120, 70);
    const twin = { ...layer('red', 120, 70), id: 'twin' };
    views.layerFor(big);
    views.layerFor(twin);
    await expect.poll(() => ready.length, { timeout: 10_000 }).toBe(1);
    expect(views.layerFor(twin).sourceId).toBe(views.layerFor(big).sourceId);
    expect(views.readyCount).toBe(1);
    views.sweep([own, big]);
    expect(views.readyCount).toBe(1);
    views.sweep([own]);
    expect(views.readyCount).toBe(0);
    // Gone from the compositor too.
    expect(compositor.removeSource('red@120x70/0,0,0,0')).toBe(false);
  });

  it('throws away a view rasterized for a source that changed meanwhile', async () => {
    const { compositor, views, ready } = setup();
    views.setSpec({ id: 'txt', kind: 'text', text: 'Old', width: 64, height: 36 });
    views.layerFor(layer('txt', 128, 72));
    views.setSpec({ id: 'txt', kind: 'text', text: 'New', width: 64, height: 36 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(ready).toEqual([]);
    expect(views.readyCount).toBe(0);
    expect(compositor.removeSource('txt@128x72/0,0,0,0')).toBe(false);
    // The new text's view, asked for after the change, is the one that arrives (once).
    views.layerFor(layer('txt', 128, 72));
    await expect.poll(() => ready, { timeout: 10_000 }).toEqual(['txt']);
    expect(views.readyCount).toBe(1);
  });
});
