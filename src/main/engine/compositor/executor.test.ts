import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Compositor } from './compositor.ts';
import { WorkerExecutor, defaultBlendWorkerUrl } from './executor.ts';
import { frameLayout } from './frame-pool.ts';
import { staticImageFromRgba } from './raster.ts';
import { fillPseudoRandom } from '../../../../tests/support/compositor.ts';

const WIDTH = 96;
const HEIGHT = 64;
const FRAMES = 8;

/** Builds the same program on any compositor: live base, logo and lower third with alpha, a fade. */
function program(c: Compositor): () => void {
  const cam = c.openVideoInput('cam', { width: WIDTH, height: HEIGHT, jitterFrames: FRAMES });
  const logo = new Uint8Array(20 * 10 * 4);
  fillPseudoRandom(logo, 11);
  c.setStaticSource('logo', staticImageFromRgba(logo, 20, 10));
  const third = new Uint8Array(WIDTH * 16 * 4);
  fillPseudoRandom(third, 12);
  c.setStaticSource('third', staticImageFromRgba(third, WIDTH, 16));
  c.setScene({
    id: 'live',
    layers: [
      { id: 'cam', sourceId: 'cam', rect: { x: 0, y: 0, width: WIDTH, height: HEIGHT }, opacity: 1, visible: true },
      { id: 'logo', sourceId: 'logo', rect: { x: 71, y: 5, width: 20, height: 10 }, opacity: 0.8, visible: true },
      {
        id: 'third',
        sourceId: 'third',
        rect: { x: 0, y: 44, width: WIDTH, height: 16 },
        crop: { left: 6, top: 0, right: 3, bottom: 2 },
        opacity: 1,
        visible: true,
      },
    ],
  });
  c.setScene({ id: 'slate', layers: [{ id: 'logo', sourceId: 'logo', rect: { x: 30, y: 30, width: 20, height: 10 }, opacity: 1, visible: true }] });
  c.switchScene({ sceneId: 'live' });
  c.switchScene({ sceneId: 'slate', atFrame: 3, transition: { kind: 'fade', frames: 3 } });
  return () => {
    for (let n = 0; n < FRAMES; n++) {
      const slot = cam.acquire()!;
      fillPseudoRandom(slot.i420, 100 + n);
      cam.publish(slot);
    }
  };
}

async function run(c: Compositor, frames: Buffer[]): Promise<Buffer[]> {
  program(c)();
  for (let n = 0; n < FRAMES; n++) {
    c.tick(n);
    // One frame in flight at a time, so no tick is dropped for busy workers.
    while (frames.length <= n) await new Promise((resolve) => setImmediate(resolve));
  }
  await c.close();
  return frames;
}

async function composeInline(): Promise<Buffer[]> {
  const frames: Buffer[] = [];
  const inline = Compositor.inline({
    width: WIDTH,
    height: HEIGHT,
    onFrame: (_n, frame) => {
      frames.push(Buffer.from(frame!.i420));
      frame!.pool.release(frame!.index);
    },
  });
  return run(inline, frames);
}

async function composeInWorkers(workerUrl?: URL): Promise<{ frames: Buffer[]; executor: WorkerExecutor }> {
  const frames: Buffer[] = [];
  const executor = new WorkerExecutor({ layout: frameLayout(WIDTH, HEIGHT), workers: 2, ...(workerUrl ? { workerUrl } : {}) });
  const workers = new Compositor({
    width: WIDTH,
    height: HEIGHT,
    executor,
    onFrame: (n, frame, repeated) => {
      expect([n, repeated]).toEqual([frames.length, false]);
      frames.push(Buffer.from(frame!.i420));
      frame!.pool.release(frame!.index);
    },
  });
  await run(workers, frames);
  return { frames, executor };
}

describe('WorkerExecutor', () => {
  it('composes the same bytes in worker threads (two bands) as inline', async () => {
    const inlineFrames = await composeInline();
    const { frames: workerFrames, executor } = await composeInWorkers();
    expect(executor.stats()).toMatchObject({ workers: 2, runs: FRAMES, failedRuns: 0, workerRestarts: 0 });
    expect(workerFrames.length).toBe(FRAMES);
    for (let n = 0; n < FRAMES; n++) expect(workerFrames[n]!.equals(inlineFrames[n]!), `frame ${n}`).toBe(true);
    // The frames differ from each other (live input changes, fade runs): the comparison means something.
    expect(inlineFrames[0]!.equals(inlineFrames[1]!)).toBe(false);
  });

  it("finds its worker beside the module: the .ts source, or the app bundle's .js", () => {
    expect(defaultBlendWorkerUrl('file:///app/src/main/engine/compositor/executor.ts').href).toBe('file:///app/src/main/engine/compositor/blend-worker.ts');
    expect(defaultBlendWorkerUrl('file:///app/out/main/index.js').href).toBe('file:///app/out/main/blend-worker.js');
  });

  it("the app bundle's worker (out/main/blend-worker.js) composes the same bytes as inline", async () => {
    const bundled = new URL('../../../../out/main/blend-worker.js', import.meta.url);
    if (!existsSync(bundled)) throw new Error(`${bundled.pathname} is missing: npm test runs electron-vite build before the unit tests (or run npm run build)`);
    const inlineFrames = await composeInline();
    const { frames, executor } = await composeInWorkers(bundled);
    expect(executor.stats()).toMatchObject({ runs: FRAMES, failedRuns: 0, workerRestarts: 0 });
    for (let n = 0; n < FRAMES; n++) expect(frames[n]!.equals(inlineFrames[n]!), `frame ${n}`).toBe(true);
  });

  it('reports a band that fails in a worker as a failed run, frees the slot, and closes', async () => {
    const executor = new WorkerExecutor({ layout: frameLayout(8, 8), workers: 2 });
    const results: (Error | null)[] = [];
    executor.onComplete = (_slot, error) => results.push(error);
    const slot = executor.acquirePlanSlot();
    // A plan naming an output pool the workers never saw: each band reports an error.
    executor.plans.set([999, 0, 0, 0], 0);
    executor.run(slot);
    while (results.length < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(results[0]?.message).toMatch(/blend worker failed: pool 999/);
    const next = executor.acquirePlanSlot();
    expect(next).toBeGreaterThanOrEqual(0);
    await executor.close();
    expect(executor.acquirePlanSlot()).toBe(-1);
  });
});
