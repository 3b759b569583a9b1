import { describe, expect, it } from 'vitest';
import { chromaOf, lumaOf, rgbaToYuva, rgbaToYuvaAsync } from './color.ts';
import { FramePool, frameLayout } from './frame-pool.ts';

/** Pseudo-random RGBA with a mix of opaque, transparent and partial alpha (text edges). */
function noise(width: number, height: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  let seed = 7;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed >>> 16) & 255;
  };
  for (let p = 0; p < rgba.length; p += 4) {
    rgba.set([next(), next(), next()], p);
    const pick = next() % 4;
    rgba[p + 3] = pick === 0 ? 0 : pick === 1 ? 255 : next();
  }
  return rgba;
}

describe('rgbaToYuva', () => {
  it("gives each pixel lumaOf's value and each 2×2 block chromaOf's of its alpha-weighted mean", () => {
    const rgba = noise(4, 2);
    const layout = frameLayout(4, 2, true);
    const pool = new FramePool(layout, 1);
    const { planes } = pool.acquire()!;
    rgbaToYuva(rgba, 4, 2, layout, planes);
    for (let i = 0; i < 8; i++) expect(planes.y[i]).toBe(lumaOf(rgba[4 * i]!, rgba[4 * i + 1]!, rgba[4 * i + 2]!));
    for (let block = 0; block < 2; block++) {
      const pixels = [0, 1, 4, 5].map((i) => i + 2 * block);
      const alphas = pixels.map((i) => rgba[4 * i + 3]!);
      const sum = alphas.reduce((x, y) => x + y, 0);
      const mean = (channel: number) =>
        sum > 0
          ? pixels.reduce((acc, i, k) => acc + rgba[4 * i + channel]! * alphas[k]!, 0) / sum
          : pixels.reduce((acc, i) => acc + rgba[4 * i + channel]!, 0) / 4;
      const expected = chromaOf(mean(0), mean(1), mean(2));
      expect([planes.u[block], planes.v[block], planes.ac![block]], `block ${block}`).toEqual([expected.u, expected.v, (sum + 2) >> 2]);
    }
    pool.dispose();
  });

  it('converts the same bytes in bands between turns of the event loop (rgbaToYuvaAsync), yielding between them', async () => {
    const width = 320;
    const height = 1080; // 17 bands of 64 rows
    const rgba = noise(width, height);
    const layout = frameLayout(width, height, true);
    const pool = new FramePool(layout, 2);
    const [sync, banded] = [pool.acquire()!, pool.acquire()!];
    rgbaToYuva(rgba, width, height, layout, sync.planes);
    let turns = 0;
    let counting = true;
    const count = (): void => {
      turns++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    await rgbaToYuvaAsync(rgba, width, height, layout, banded.planes);
    counting = false;
    // Other work ran between the bands: the conversion never held the loop for the whole picture.
    expect(turns).toBeGreaterThanOrEqual(Math.ceil(height / 64) - 1);
    for (const plane of ['y', 'u', 'v', 'a', 'ac'] as const) {
      expect(Buffer.from(banded.planes[plane]!).equals(Buffer.from(sync.planes[plane]!)), plane).toBe(true);
    }
    pool.dispose();
  });
});
