import { describe, expect, it } from 'vitest';
import {
  applyBounds,
  cropRect,
  hitTest,
  type LayerGeometry,
  moveRect,
  nudge,
  placeLabels,
  reorder,
  resizeRect,
  resolveGeometry,
  snapMove,
  snapResize,
  withCrop,
} from './geometry.ts';

const canvas = { width: 1920, height: 1080 };
const layer = (x: number, y: number, width: number, height: number, crop = { left: 0, right: 0, top: 0, bottom: 0 }): LayerGeometry => ({
  x,
  y,
  width,
  height,
  crop,
});

describe('resolveGeometry', () => {
  it('fills an unsized layer with its cropped source size', () => {
    expect(resolveGeometry({ x: 5, y: 6 }, { width: 640, height: 360 })).toEqual(layer(5, 6, 640, 360));
    expect(resolveGeometry({ x: 0, y: 0, crop: { left: 10, right: 30, top: 0, bottom: 60 } }, { width: 640, height: 360 })).toEqual(
      layer(0, 0, 600, 300, { left: 10, right: 30, top: 0, bottom: 60 }),
    );
    expect(resolveGeometry({ x: 0, y: 0, width: 100, height: 50 }, { width: 640, height: 360 })).toEqual(layer(0, 0, 100, 50));
  });
});

describe('moving and nudging', () => {
  it('moves by the drag, in whole pixels', () => {
    expect(moveRect(layer(10, 20, 100, 50), 30.4, -5.6)).toEqual(layer(40, 14, 100, 50));
  });

  it('nudges 1 px with the arrows and 10 px with Shift; other keys are not a nudge', () => {
    expect(nudge(layer(10, 20, 100, 50), 'ArrowLeft', false)).toEqual(layer(9, 20, 100, 50));
    expect(nudge(layer(10, 20, 100, 50), 'ArrowDown', false)).toEqual(layer(10, 21, 100, 50));
    expect(nudge(layer(10, 20, 100, 50), 'ArrowRight', true)).toEqual(layer(20, 20, 100, 50));
    expect(nudge(layer(10, 20, 100, 50), 'ArrowUp', true)).toEqual(layer(10, 10, 100, 50));
    expect(nudge(layer(10, 20, 100, 50), 'KeyA', false)).toBeNull();
  });
});

describe('resizing', () => {
  const start = layer(100, 100, 400, 200);

  it('a corner keeps the aspect and the opposite corner, following the axis that moved further', () => {
    expect(resizeRect(start, 'se', 200, 10, true)).toMatchObject({ x: 100, y: 100, width: 600, height: 300 });
    expect(resizeRect(start, 'se', 10, 200, true)).toMatchObject({ x: 100, y: 100, width: 800, height: 400 });
    // The top-left handle: the bottom-right corner stays at 500,300.
    expect(resizeRect(start, 'nw', 200, 0, true)).toMatchObject({ x: 300, y: 200, width: 200, height: 100 });
  });

  it('an edge handle with the aspect kept scales the other side too', () => {
    expect(resizeRect(start, 'e', -200, 0, true)).toMatchObject({ x: 100, y: 100, width: 200, height: 100 });
    expect(resizeRect(start, 'n', 0, -100, true)).toMatchObject({ x: 100, y: 0, width: 600, height: 300 });
  });

  it('free (Shift) each axis follows the pointer alone', () => {
    expect(resizeRect(start, 'se', 200, 10, false)).toMatchObject({ x: 100, y: 100, width: 600, height: 210 });
    expect(resizeRect(start, 'w', 50, 999, false)).toMatchObject({ x: 150, y: 100, width: 350, height: 200 });
  });

  it('never flips nor goes below 2 px, and keeps the aspect there', () => {
    expect(resizeRect(start, 'se', -1000, -1000, false)).toMatchObject({ x: 100, y: 100, width: 2, height: 2 });
    expect(resizeRect(start, 'se', -1000, -1000, true)).toMatchObject({ width: 4, height: 2 });
    expect(resizeRect(start, 'nw', 1000, 1000, false)).toMatchObject({ x: 498, y: 298, width: 2, height: 2 });
  });
});

describe('cropping (Alt-drag)', () => {
  const source = { width: 640, height: 360 };

  it('an unscaled layer: the edge moves with the pointer and the crop follows pixel for pixel', () => {
    expect(cropRect(layer(0, 0, 640, 360), 'e', -40, 0, source)).toEqual(layer(0, 0, 600, 360, { left: 0, right: 40, top: 0, bottom: 0 }));
    expect(cropRect(layer(0, 0, 640, 360), 'n', 0, 60, source)).toEqual(layer(0, 60, 640, 300, { left: 0, right: 0, top: 60, bottom: 0 }));
  });

  it('a layer drawn at half size: 10 canvas px crop 20 source px, and the layer keeps its scale', () => {
    expect(cropRect(layer(100, 100, 320, 180), 'w', 10, 0, source)).toEqual(layer(110, 100, 310, 180, { left: 20, right: 0, top: 0, bottom: 0 }));
    expect(cropRect(layer(100, 100, 320, 180), 's', 0, -30, source)).toEqual(layer(100, 100, 320, 150, { left: 0, right: 0, top: 0, bottom: 60 }));
  });

  it('dragging back out uncrops, never below 0, and at least 2 source pixels stay', () => {
    const cropped = layer(0, 0, 600, 360, { left: 0, right: 40, top: 0, bottom: 0 });
    expect(cropRect(cropped, 'e', 100, 0, source)).toEqual(layer(0, 0, 640, 360));
    expect(cropRect(layer(0, 0, 640, 360), 'e', -5000, 0, source).crop.right).toBe(638);
  });
});

describe('crop typed in Edit Transform', () => {
  it('keeps the scale and the top-left corner: the size follows the crop', () => {
    const start = layer(150, 100, 120, 60); // an 80×40 source at 1.5×
    expect(withCrop(start, { left: 0, right: 40, top: 0, bottom: 0 }, { width: 80, height: 40 })).toEqual(
      layer(150, 100, 60, 60, { left: 0, right: 40, top: 0, bottom: 0 }),
    );
    expect(
      withCrop(layer(0, 0, 60, 60, { left: 0, right: 40, top: 0, bottom: 0 }), { left: 0, right: 0, top: 10, bottom: 0 }, { width: 80, height: 40 }),
    ).toEqual(layer(0, 0, 120, 45, { left: 0, right: 0, top: 10, bottom: 0 }));
  });
});

describe('snapping', () => {
  it('a moved layer snaps its edges to the canvas edges within the threshold, with a guide', () => {
    const { rect, guides } = snapMove(layer(5, 1000 - 3, 200, 80), canvas, [], 8);
    expect(rect).toMatchObject({ x: 0, y: 1000 });
    expect(guides).toEqual([
      { axis: 'x', at: 0 },
      { axis: 'y', at: 1080 },
    ]);
  });

  it('its centre snaps to the canvas centre', () => {
    const { rect, guides } = snapMove(layer(855, 300, 200, 100), canvas, [], 8);
    expect(rect.x).toBe(860);
    expect(guides).toEqual([{ axis: 'x', at: 960 }]);
  });

  it('its edges snap to other layers’ edges, the nearest winning', () => {
    const other = layer(400, 400, 300, 200);
    const { rect, guides } = snapMove(layer(703, 598, 100, 100), canvas, [other], 8);
    // Left to the other's right (700), top to the other's bottom (600).
    expect(rect).toMatchObject({ x: 700, y: 600 });
    expect(guides).toEqual([
      { axis: 'x', at: 700 },
      { axis: 'y', at: 600 },
    ]);
  });

  it('nothing within the threshold: no snap and no guide', () => {
    expect(snapMove(layer(300, 300, 100, 100), canvas, [], 8)).toEqual({ rect: layer(300, 300, 100, 100), guides: [] });
  });

  it('a resize snaps the moving edge; free, each axis on its own', () => {
    const start = layer(100, 100, 400, 200);
    const resized = resizeRect(start, 'se', 1415, 775, false); // right edge at 1915, bottom at 1075
    const { rect, guides } = snapResize(start, resized, 'se', false, canvas, [], 8);
    expect(rect).toEqual(layer(100, 100, 1820, 980));
    expect(guides).toEqual([
      { axis: 'x', at: 1920 },
      { axis: 'y', at: 1080 },
    ]);
  });

  it('a resize with the aspect kept snaps one edge and the other follows the aspect', () => {
    const start = layer(0, 0, 400, 200);
    const resized = resizeRect(start, 'e', 555, 0, true); // right edge at 955: near the centre line
    const { rect, guides } = snapResize(start, resized, 'e', true, canvas, [], 8);
    expect(rect).toEqual(layer(0, 0, 960, 480));
    expect(guides).toEqual([{ axis: 'x', at: 960 }]);
  });
});

describe('bounds (Edit Transform)', () => {
  const source = { width: 640, height: 480 }; // 4:3 into a 16:9 box
  const box = { x: 0, y: 0, width: 1920, height: 1080 };

  it('stretch fills the box exactly, uncropped', () => {
    expect(applyBounds('stretch', source, box)).toEqual(layer(0, 0, 1920, 1080));
  });

  it('fit shows the whole source inside the box, centred, aspect kept', () => {
    expect(applyBounds('fit', source, box)).toEqual(layer(240, 0, 1440, 1080));
  });

  it('fill covers the box, aspect kept, cropping the overflow evenly', () => {
    // 3x scale: 640 wide becomes 1920, 480 high becomes 1440; 1080/3 = 360 source rows kept, 120 cut.
    expect(applyBounds('fill', source, box)).toEqual(layer(0, 0, 1920, 1080, { left: 0, right: 0, top: 60, bottom: 60 }));
  });

  it('a box of the same aspect: fit and fill agree, uncropped', () => {
    const wide = { width: 1280, height: 720 };
    expect(applyBounds('fit', wide, box)).toEqual(layer(0, 0, 1920, 1080));
    expect(applyBounds('fill', wide, box)).toEqual(layer(0, 0, 1920, 1080));
  });
});

describe('hit test, labels, order', () => {
  it('picks the topmost layer under the point and skips hidden ones', () => {
    const rects = [layer(0, 0, 100, 100), layer(50, 50, 100, 100), null];
    expect(hitTest(rects, 60, 60)).toBe(1);
    expect(hitTest(rects, 10, 10)).toBe(0);
    expect(hitTest(rects, 500, 500)).toBe(-1);
  });

  it('names of layers at the same corner are stacked, not drawn over each other', () => {
    const rects = [layer(0, 0, 400, 300), layer(0, 0, 200, 100), layer(300, 200, 50, 50)];
    const positions = placeLabels(rects, [80, 80, 40], 16);
    // The top layer keeps its corner; the one below moves down a row; a layer elsewhere stays.
    expect(positions[1]).toEqual({ x: 0, y: 0 });
    expect(positions[0]).toEqual({ x: 0, y: 16 });
    expect(positions[2]).toEqual({ x: 300, y: 200 });
  });

  it('reorders a layer up or down the bottom-first list', () => {
    expect(reorder(['a', 'b', 'c'], 0, 2)).toEqual(['b', 'c', 'a']);
    expect(reorder(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'c', 'b']);
    expect(reorder(['a', 'b', 'c'], 2, 3)).toEqual(['a', 'b', 'c']);
  });
});
