import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { rasterizeColor, rasterizeImage, rasterizeText, textSvg, wrapText } from './raster.ts';

/** A PNG encoded by sharp from raw pixels: left half opaque red, right half transparent. */
async function halfRedPng(width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width / 2; x++) raw.set([255, 0, 0, 255], (y * width + x) * 4);
  }
  return sharp(raw, { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
}

describe('rasterizing static layers with sharp', () => {
  it('turns a PNG into I420 + alpha with BT.709 limited-range values', async () => {
    const image = await rasterizeImage(await halfRedPng(8, 4), 8, 4, 'fill');
    const { y, u, v, a, ac } = image.pool.slots[0]!.planes;
    expect([image.width, image.height]).toEqual([8, 4]);
    expect([...y.subarray(0, 8)]).toEqual([63, 63, 63, 63, 16, 16, 16, 16]);
    expect([...a!.subarray(0, 8)]).toEqual([255, 255, 255, 255, 0, 0, 0, 0]);
    expect([...u.subarray(0, 4)].slice(0, 2)).toEqual([102, 102]);
    expect([...v.subarray(0, 4)].slice(0, 2)).toEqual([240, 240]);
    expect([...ac!.subarray(0, 4)]).toEqual([255, 255, 0, 0]);
  });

  it('letterboxes with transparency when the image does not fit the layer (contain)', async () => {
    const image = await rasterizeImage(await halfRedPng(8, 4), 8, 8, 'contain');
    const { a } = image.pool.slots[0]!.planes;
    expect(a![0]).toBe(0); // top row: letterbox
    expect(a![4 * 8]).toBe(255); // middle rows: the image
  });

  it('renders SVG text: glyph pixels in the text colour on a transparent ground', async () => {
    const image = await rasterizeText('IIII', 200, 60, { fontSize: 48, color: '#ffffff', fontWeight: 'bold', padding: 10 });
    const { y, a } = image.pool.slots[0]!.planes;
    let solid = 0;
    let clear = 0;
    for (let i = 0; i < a!.length; i++) {
      if (a![i] === 255) {
        solid++;
        expect(y[i]).toBe(235);
      } else if (a![i] === 0) clear++;
    }
    expect(solid).toBeGreaterThan(200);
    expect(clear).toBeGreaterThan(200 * 60 * 0.5);
    expect(a![0]).toBe(0);
  });

  it('draws the text box background and rounds odd sizes up to even', async () => {
    const image = await rasterizeText('Lower third', 301, 81, { background: 'rgba(0,0,255,1)', color: '#fff' });
    expect([image.width, image.height]).toEqual([302, 82]);
    const { y, u, v, a } = image.pool.slots[0]!.planes;
    expect([y[0], u[0], v[0], a![0]]).toEqual([32, 240, 118, 255]);
  });

  it('escapes markup in text', () => {
    expect(textSvg('<b>&"x"', 100, 50)).toContain('&lt;b&gt;&amp;&quot;x&quot;');
  });

  it('rasterizes a colour with its alpha', async () => {
    const image = await rasterizeColor({ r: 0, g: 255, b: 0, alpha: 0.5 }, 4, 2);
    const { y, u, v, a } = image.pool.slots[0]!.planes;
    expect([y[0], u[0], v[0], a![0]]).toEqual([173, 42, 26, 128]);
  });

  it('raises RASTER_FAILED for bytes that are not an image', async () => {
    await expect(rasterizeImage(Buffer.from('not an image'), 4, 4)).rejects.toMatchObject({ code: 'RASTER_FAILED' });
  });
});

describe('wrapping text for a text source (wrap: true)', () => {
  it('breaks at spaces by the estimated glyph width, keeps its own line breaks, and cuts a word longer than a line', () => {
    // 20 px type: 11 px a glyph, so 99 px hold 9 of them.
    expect(wrapText('one two three four', 99, 20)).toEqual(['one two', 'three', 'four']);
    expect(wrapText('first\nsecond line here', 99, 20)).toEqual(['first', 'second', 'line here']);
    expect(wrapText('abcdefghijkl', 55, 20)).toEqual(['abcde', 'fghij', 'kl']);
    expect(wrapText('fits', 1000, 20)).toEqual(['fits']);
  });

  it('draws one <text> per wrapped line, within the padding', () => {
    const wrapped = textSvg('one two three four', 99 + 48, 200, { fontSize: 20, wrap: true, align: 'center', fontFamily: 'DejaVu Serif' });
    expect(wrapped.match(/<text /g)).toHaveLength(3);
    expect(wrapped).toContain('text-anchor="middle"');
    expect(wrapped).toContain('font-family="DejaVu Serif"');
    expect(textSvg('one two three four', 99 + 48, 200, { fontSize: 20 }).match(/<text /g)).toHaveLength(1);
  });
});
