// Static pictures: a rasterizing failure names its source; a picture the compositor refuses gives
// its frame memory back instead of leaking it.
import { afterEach, describe, expect, it } from 'vitest';
import { Compositor, rasterizeColor } from '../compositor/index.ts';
import { placeStatic, rasterizeFor } from './static-images.ts';

const compositors: Compositor[] = [];
afterEach(async () => {
  for (const compositor of compositors.splice(0)) await compositor.close();
});

/** Luma of the first pixel of each frame the compositor made. */
let lumaOut: number[] = [];

function compositor(): Compositor {
  const made = Compositor.inline({
    width: 64,
    height: 36,
    onFrame: (_n, frame) => {
      lumaOut.push(frame ? frame.i420[0]! : -1);
      frame?.pool.release(frame.index);
    },
  });
  lumaOut = [];
  compositors.push(made);
  return made;
}

describe('rasterizeFor', () => {
  it('answers the picture that was made', async () => {
    const image = await rasterizeFor('logo', () => rasterizeColor('#ff0000', 16, 8));
    expect([image.width, image.height]).toEqual([16, 8]);
    image.pool.dispose();
  });

  it('turns a failure into SOURCE_FAILED (a client error) naming the source, with the cause kept', async () => {
    const cause = new Error('input file is missing');
    const failure = rasterizeFor('lower-third', async () => {
      throw cause;
    });
    await expect(failure).rejects.toMatchObject({
      name: 'ProgramError',
      code: 'SOURCE_FAILED',
      apiCode: 'BAD_ARGUMENT',
      field: 'id',
      message: 'source lower-third: cannot rasterize: input file is missing',
      cause,
    });
  });

  it('names the source for a real rasterizer refusal too (a colour sharp cannot read)', async () => {
    await expect(rasterizeFor('bg', () => rasterizeColor('not-a-colour', 16, 8))).rejects.toMatchObject({
      code: 'SOURCE_FAILED',
      message: expect.stringMatching(/^source bg: /),
    });
  });
});

describe('placeStatic', () => {
  it('hands the picture to the compositor, which then owns it', async () => {
    const target = compositor();
    const image = await rasterizeColor('#00ff00', 64, 36);
    placeStatic(target, 'green', image);
    expect(image.pool.disposed).toBe(false);
    // A scene showing it composes green, not the black background.
    target.setScene({ id: 's', layers: [{ id: 's:0', sourceId: 'green', rect: { x: 0, y: 0, width: 64, height: 36 }, opacity: 1, visible: true }] });
    target.switchScene({ sceneId: 's' });
    target.tick(0, false);
    await expect.poll(() => lumaOut.length).toBe(1);
    expect(lumaOut[0]).toBeGreaterThan(100);
  });

  it('a picture the compositor refuses (closed) has its frame memory given back, and the error goes on', async () => {
    const target = compositor();
    await target.close();
    const image = await rasterizeColor('#0000ff', 64, 36);
    expect(() => placeStatic(target, 'blue', image)).toThrow(expect.objectContaining({ code: 'CLOSED' }));
    expect(image.pool.disposed).toBe(true);
  });

  it("a picture that is not the creator's alone is refused and disposed", async () => {
    const target = compositor();
    const image = await rasterizeColor('#0000ff', 64, 36);
    image.pool.retain(0);
    expect(() => placeStatic(target, 'shared', image)).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    expect(image.pool.disposed).toBe(true);
  });
});
