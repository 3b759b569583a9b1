// Scaled static layers (image, colour, text) are not scaled per frame: each size a layer shows a
// static source at (with its crop) is rasterized once by sharp, as a source of its own (a
// "view"), and the layer draws it 1:1. Until a view is ready the layer is drawn from the source
// itself through the compositor's scale kernel, so a resize on air never shows a gap; once it
// is ready the scenes showing the source are set again. Views no scene shows any more are freed.
import { rasterizeColor, rasterizeImageView, rasterizeText } from '../compositor/index.ts';
import type { Compositor, Crop, Layer, StaticImage } from '../compositor/index.ts';
import type { Logger } from '../log.ts';
import type { SourceSpec } from './program.ts';
import { placeStatic, rasterizeFor } from './static-images.ts';

export type StaticSpec = Extract<SourceSpec, { kind: 'image' | 'color' | 'text' }>;

interface View {
  sourceId: string;
  ready: boolean;
}

const floorEven = (value: number): number => Math.floor(value / 2) * 2;

function edges(crop: Crop | undefined): Crop {
  return { left: crop?.left ?? 0, top: crop?.top ?? 0, right: crop?.right ?? 0, bottom: crop?.bottom ?? 0 };
}

/** The layer's size as the compositor draws it (even, at least 2). */
function layerSize(layer: Layer): { width: number; height: number } {
  return { width: Math.max(2, floorEven(layer.rect.width)), height: Math.max(2, floorEven(layer.rect.height)) };
}

export class StaticViews {
  readonly #compositor: Compositor;
  readonly #log: Logger;
  /** Called when a view of the source became ready: its scenes should be set again. */
  readonly #onReady: (sourceId: string) => void;
  readonly #specs = new Map<string, StaticSpec>();
  /** Bumped when a source changes or goes: a rasterization started before is thrown away. */
  readonly #generations = new Map<string, number>();
  readonly #views = new Map<string, View>();

  constructor(options: { compositor: Compositor; logger: Logger; onReady: (sourceId: string) => void }) {
    this.#compositor = options.compositor;
    this.#log = options.logger;
    this.#onReady = options.onReady;
  }

  setSpec(spec: StaticSpec): void {
    this.removeSource(spec.id);
    this.#specs.set(spec.id, spec);
  }

  /** The source went (or changes): its views go with it. */
  removeSource(sourceId: string): void {
    this.#specs.delete(sourceId);
    this.#generations.set(sourceId, (this.#generations.get(sourceId) ?? 0) + 1);
    for (const [key, view] of this.#views) {
      if (view.sourceId !== sourceId) continue;
      this.#views.delete(key);
      if (view.ready) this.#compositor.removeSource(key);
    }
  }

  /** The compositor source id of the view a scaled static layer needs, or null when it draws its source 1:1. */
  #viewKey(layer: Layer, spec: StaticSpec): string | null {
    const { width, height } = layerSize(layer);
    const c = edges(layer.crop);
    if (c.left + c.right >= spec.width || c.top + c.bottom >= spec.height) return null;
    if (width === spec.width - c.left - c.right && height === spec.height - c.top - c.bottom && c.left % 2 === 0 && c.top % 2 === 0) return null;
    return `${spec.id}@${width}x${height}/${c.left},${c.top},${c.right},${c.bottom}`;
  }

  /** The layer as drawn: its view when one is ready, else the layer itself (and its view is asked for). */
  layerFor(layer: Layer): Layer {
    if (!layer.scaled) return layer;
    const spec = this.#specs.get(layer.sourceId);
    if (!spec) return layer;
    const key = this.#viewKey(layer, spec);
    if (key === null) return layer;
    const view = this.#views.get(key);
    if (view?.ready) {
      const { crop: _crop, ...rest } = layer;
      return { ...rest, sourceId: key };
    }
    if (!view) this.#rasterize(key, spec, layer);
    return layer;
  }

  #rasterize(key: string, spec: StaticSpec, layer: Layer): void {
    const view: View = { sourceId: spec.id, ready: false };
    this.#views.set(key, view);
    const generation = this.#generations.get(spec.id) ?? 0;
    const { width, height } = layerSize(layer);
    const target = { crop: edges(layer.crop), width, height };
    void rasterizeFor(spec.id, () => this.#make(spec, target))
      .then((image) => {
        // The source changed or the view went unused while sharp worked: nothing shows it.
        if (this.#views.get(key) !== view || (this.#generations.get(spec.id) ?? 0) !== generation) {
          image.pool.dispose();
          return;
        }
        placeStatic(this.#compositor, key, image);
        view.ready = true;
        this.#onReady(spec.id);
      })
      .catch((error: unknown) => {
        // The layer keeps being drawn from its source through the scale kernel.
        this.#log.warn(`source ${spec.id}: no ${width}x${height} rasterization; drawn scaled per frame`, { error });
      });
  }

  #make(spec: StaticSpec, view: { crop: Crop; width: number; height: number }): Promise<StaticImage> {
    switch (spec.kind) {
      case 'image':
        return rasterizeImageView(spec.path, spec.width, spec.height, view);
      case 'color':
        return rasterizeColor(spec.color, view.width, view.height);
      case 'text':
        return rasterizeText(spec.text, spec.width, spec.height, spec.style, view);
    }
  }

  /** Frees the views no layer of `layers` needs (scenes were set or removed). */
  sweep(layers: Iterable<Layer>): void {
    if (this.#views.size === 0) return;
    const wanted = new Set<string>();
    for (const layer of layers) {
      const spec = layer.scaled ? this.#specs.get(layer.sourceId) : undefined;
      const key = spec ? this.#viewKey(layer, spec) : null;
      if (key !== null) wanted.add(key);
    }
    for (const [key, view] of this.#views) {
      if (wanted.has(key)) continue;
      this.#views.delete(key);
      if (view.ready) this.#compositor.removeSource(key);
    }
  }

  /** Views rasterized and in the compositor (tests). */
  get readyCount(): number {
    let count = 0;
    for (const view of this.#views.values()) if (view.ready) count++;
    return count;
  }
}
