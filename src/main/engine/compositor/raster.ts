// Static layers: sharp rasterizes images, colours and SVG text to RGBA once, then they are
// converted once to I420 + alpha (BT.709 limited range, see color.ts). They are redone only
// when the layer changes; per frame they are only blended.
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { rgbaToYuva, rgbaToYuvaAsync } from './color.ts';
import { CompositorError } from './errors.ts';
import { FramePool, frameLayout } from './frame-pool.ts';
import type { Crop } from './plan.ts';
import type { StaticImage } from './sources.ts';
import { errorMessage } from '../errors.ts';
import type { SourceConfig } from '../../../shared/program.ts';

function evenUp(value: number, field: string): number {
  if (!Number.isFinite(value) || value < 1 || value > 8192) throw new CompositorError('BAD_OPTION', `${field} must be 1..8192, got ${value}`, { field });
  const rounded = Math.ceil(value);
  return rounded % 2 === 0 ? rounded : rounded + 1;
}

/** Wraps straight RGBA pixels (width·height·4 bytes) as a static image. Odd sizes must not reach here. */
export function staticImageFromRgba(rgba: Uint8Array, width: number, height: number): StaticImage {
  const image = blankStaticImage(width, height);
  try {
    rgbaToYuva(rgba, width, height, image.layout, image.planes);
  } catch (error) {
    image.discard();
    throw error;
  }
  return image.result;
}

/**
 * staticImageFromRgba converting in bands between turns of the event loop (rgbaToYuvaAsync): what
 * sharp rasterizes while the program runs is converted without holding a frame tick back.
 */
async function staticImageFromRgbaAsync(rgba: Uint8Array, width: number, height: number): Promise<StaticImage> {
  const image = blankStaticImage(width, height);
  try {
    await rgbaToYuvaAsync(rgba, width, height, image.layout, image.planes);
  } catch (error) {
    image.discard();
    throw error;
  }
  return image.result;
}

/** A one-slot pool with alpha for a static image, its slot taken; discard() gives it all back. */
function blankStaticImage(width: number, height: number) {
  const layout = frameLayout(width, height, true);
  const pool = new FramePool(layout, 1);
  const slot = pool.acquire()!;
  return {
    layout,
    planes: slot.planes,
    result: { pool, width, height } satisfies StaticImage,
    discard: (): void => {
      pool.release(slot.index);
      pool.dispose();
    },
  };
}

async function fromSharp(image: Sharp, width: number, height: number, what: string): Promise<StaticImage> {
  try {
    const { data, info } = await image.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.width !== width || info.height !== height || info.channels !== 4) {
      throw new Error(`sharp gave ${info.width}x${info.height}x${info.channels}, expected ${width}x${height}x4`);
    }
    return await staticImageFromRgbaAsync(data, width, height);
  } catch (cause) {
    if (cause instanceof CompositorError) throw cause;
    throw new CompositorError('RASTER_FAILED', `could not rasterize ${what}: ${errorMessage(cause)}`, { cause });
  }
}

export type ImageFit = 'contain' | 'cover' | 'fill';

/**
 * An image file or buffer (PNG, JPEG, WebP, SVG: whatever sharp reads) at the layer's size
 * (rounded up to even). `contain` letterboxes with transparency, `cover` crops, `fill` stretches.
 */
export async function rasterizeImage(input: Buffer | string, width: number, height: number, fit: ImageFit = 'contain'): Promise<StaticImage> {
  const w = evenUp(width, 'width');
  const h = evenUp(height, 'height');
  return fromSharp(sharp(input, { failOn: 'error' }).resize(w, h, { fit, background: { r: 0, g: 0, b: 0, alpha: 0 } }), w, h, 'image');
}

/** A solid colour (any CSS colour sharp accepts, alpha included) at the layer's size. */
export async function rasterizeColor(color: string | { r: number; g: number; b: number; alpha?: number }, width: number, height: number): Promise<StaticImage> {
  const w = evenUp(width, 'width');
  const h = evenUp(height, 'height');
  let image: Sharp;
  try {
    image = sharp({ create: { width: w, height: h, channels: 4, background: color } });
  } catch (cause) {
    throw new CompositorError('RASTER_FAILED', `bad colour ${JSON.stringify(color)}`, { cause, field: 'color' });
  }
  return fromSharp(image, w, h, 'colour');
}

export interface TextStyle {
  fontFamily?: string;
  /** Pixels; default 48. */
  fontSize?: number;
  fontWeight?: string | number;
  /** CSS colour; default white. */
  color?: string;
  /** CSS colour of a box behind the text (e.g. "rgba(0,0,0,0.6)"); default none. */
  background?: string;
  /** Pixels between the box edge and the text; default 24. */
  padding?: number;
  align?: 'left' | 'center' | 'right';
  /** Break lines at spaces to fit the box's width (within the padding); a word longer than a line is cut. */
  wrap?: boolean;
}

/**
 * librsvg does not wrap SVG text, so lines are broken here from an estimate of each glyph's width:
 * AVERAGE_GLYPH_EM of the font size (DejaVu Sans averages about 0.55 em over mixed-case text).
 * An estimate, so a line may end a little short or a little long of the box.
 */
export const AVERAGE_GLYPH_EM = 0.55;

/** The lines of `text` (its own \n kept) broken at spaces so each is at most `maxWidth` pixels wide by the estimate. */
export function wrapText(text: string, maxWidth: number, fontSize: number): string[] {
  const perLine = Math.max(1, Math.floor(maxWidth / (fontSize * AVERAGE_GLYPH_EM)));
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/)) {
      let rest = word;
      while (rest.length > perLine) {
        if (line) lines.push(line);
        line = '';
        lines.push(rest.slice(0, perLine));
        rest = rest.slice(perLine);
      }
      if (!line) line = rest;
      else if (line.length + 1 + rest.length <= perLine) line = `${line} ${rest}`;
      else {
        lines.push(line);
        line = rest;
      }
    }
    lines.push(line);
  }
  return lines;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/**
 * A layer's view of a static source: the source's cropped part drawn at the layer's size
 * (width × height, even), so a scaled static layer is rasterized at its own size, not scaled per frame.
 */
export interface RasterView {
  crop: Crop;
  width: number;
  height: number;
}

/** The SVG a text layer is drawn from: one line per \n, vertically centred in the box; `view`: its cropped part at another size. */
export function textSvg(text: string, width: number, height: number, style: TextStyle = {}, view?: RasterView): string {
  const fontSize = style.fontSize ?? 48;
  const padding = style.padding ?? 24;
  const align = style.align ?? 'left';
  const anchor = align === 'left' ? 'start' : align === 'center' ? 'middle' : 'end';
  const x = align === 'left' ? padding : align === 'center' ? width / 2 : width - padding;
  const lines = style.wrap ? wrapText(text, width - 2 * padding, fontSize) : text.split('\n');
  const lineHeight = fontSize * 1.2;
  const firstBaseline = height / 2 - ((lines.length - 1) * lineHeight) / 2 + fontSize * 0.35;
  const font = escapeXml(style.fontFamily ?? 'DejaVu Sans, Arial, sans-serif');
  const fill = escapeXml(style.color ?? '#ffffff');
  const weight = escapeXml(String(style.fontWeight ?? 'normal'));
  const box = style.background ? `<rect width="${width}" height="${height}" fill="${escapeXml(style.background)}"/>` : '';
  const tspans = lines
    .map((line, i) => `<text x="${x}" y="${(firstBaseline + i * lineHeight).toFixed(1)}" text-anchor="${anchor}">${escapeXml(line)}</text>`)
    .join('');
  // A view shows the cropped part of the same drawing, stretched to its size (as a scaled layer).
  const frame = view
    ? `width="${view.width}" height="${view.height}" viewBox="${view.crop.left} ${view.crop.top} ${width - view.crop.left - view.crop.right} ${height - view.crop.top - view.crop.bottom}" preserveAspectRatio="none"`
    : `width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" ${frame}>` +
    `${box}<g font-family="${font}" font-size="${fontSize}" font-weight="${weight}" fill="${fill}">${tspans}</g></svg>`
  );
}

/**
 * A text source's look (its stored config) as a TextStyle, drawn at `scale` of its size: 1 on air,
 * less in the scene picture. One mapping, so the preview and the program draw the same text.
 */
export function textSourceStyle(config: Extract<SourceConfig, { kind: 'text' }>, scale = 1): TextStyle {
  return {
    fontSize: Math.max(6, config.fontSize * scale),
    color: config.color,
    ...(scale === 1 ? {} : { padding: 24 * scale }),
    ...(config.background ? { background: config.background } : {}),
    ...(config.fontFamily ? { fontFamily: config.fontFamily } : {}),
    ...(config.align ? { align: config.align } : {}),
    ...(config.wrap ? { wrap: true } : {}),
  };
}

/** Text rendered by sharp (librsvg) from textSvg; call again to restyle. `view`: the cropped part at the layer's size. */
export async function rasterizeText(text: string, width: number, height: number, style: TextStyle = {}, view?: RasterView): Promise<StaticImage> {
  const w = evenUp(width, 'width');
  const h = evenUp(height, 'height');
  const outW = view ? evenUp(view.width, 'width') : w;
  const outH = view ? evenUp(view.height, 'height') : h;
  const svg = textSvg(text, w, h, style, view ? { crop: view.crop, width: outW, height: outH } : undefined);
  return fromSharp(sharp(Buffer.from(svg)).resize(outW, outH, { fit: 'fill' }), outW, outH, 'text');
}

/**
 * An image as rasterizeImage draws it at width × height, then its cropped part resized by sharp
 * to the view's size: what a scaled image layer shows, made once per size.
 */
export async function rasterizeImageView(
  input: Buffer | string,
  width: number,
  height: number,
  view: RasterView,
  fit: ImageFit = 'contain',
): Promise<StaticImage> {
  const w = evenUp(width, 'width');
  const h = evenUp(height, 'height');
  const outW = evenUp(view.width, 'width');
  const outH = evenUp(view.height, 'height');
  let source: Buffer;
  try {
    source = await sharp(input, { failOn: 'error' })
      .resize(w, h, { fit, background: { r: 0, g: 0, b: 0, alpha: 0 } })
      .ensureAlpha()
      .raw()
      .toBuffer();
  } catch (cause) {
    throw new CompositorError('RASTER_FAILED', `could not rasterize image: ${errorMessage(cause)}`, { cause });
  }
  const { left, top, right, bottom } = view.crop;
  const part = sharp(source, { raw: { width: w, height: h, channels: 4 } })
    .extract({ left, top, width: w - left - right, height: h - top - bottom })
    .resize(outW, outH, { fit: 'fill' });
  return fromSharp(part, outW, outH, 'image');
}
