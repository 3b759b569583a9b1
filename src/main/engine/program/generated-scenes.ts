// Scenes that are not the creator's: the deck's break slate, the alert's card, the playout's show
// and slate. Each is made of generated sources (a rasterized text) or existing ones, drawn at their
// own size. An overlay scene (a crawl, `overBelow`) airs over whatever the layers below air: the
// pair becomes one compositor scene, a composite, made the first time it airs and made again when
// either part changes.
import type { Compositor, Scene } from '../compositor/index.ts';
import { rasterizeText } from '../compositor/index.ts';
import { ProgramError } from './errors.ts';
import type { GeneratedLayer, GeneratedTextStyle } from './on-air-control.ts';
import { placeStatic, rasterizeFor } from './static-images.ts';

interface GeneratedScene {
  scene: Scene;
  /** Drawn over what the layers below air (a crawl). */
  overBelow: boolean;
}

/** An overlay over a base scene, as one compositor scene. */
export interface CompositeParts {
  overlay: string;
  base: string;
}

export interface GeneratedScenesOptions {
  compositor: Compositor;
  frameSize: { width: number; height: number };
  /** The creator's scene of that id, as made, or undefined. */
  creatorScene: (id: string) => Scene | undefined;
  /** A creator's scene as it airs (frozen inputs show their slates). */
  airedAs: (scene: Scene) => Scene;
  /** Ids reserved for the program itself (the empty scene): never generated. */
  reserved: (id: string) => boolean;
  /** The pictures that may air changed: the audio that follows them looks again. */
  onPicturesChanged: () => void;
  /** A scene appeared or went: who holds what is resolved again. */
  onScenesChanged: () => void;
}

export class GeneratedScenes {
  readonly #options: GeneratedScenesOptions;
  /** Generated sources: id → the latest request, so an older rasterization never wins. */
  readonly #sources = new Map<string, number>();
  #requests = 0;
  readonly #scenes = new Map<string, GeneratedScene>();
  readonly #composites = new Map<string, CompositeParts>();

  constructor(options: GeneratedScenesOptions) {
    this.#options = options;
  }

  hasSource(id: string): boolean {
    return this.#sources.has(id);
  }

  hasScene(id: string): boolean {
    return this.#scenes.has(id);
  }

  /** Program.setGeneratedText, once Program has checked that the id is no creator's source. */
  async setText(sourceId: string, text: string, style: GeneratedTextStyle): Promise<void> {
    const request = ++this.#requests;
    this.#sources.set(sourceId, request);
    const image = await rasterizeFor(sourceId, () =>
      rasterizeText(text, style.width, style.height, { fontSize: style.fontSize, color: style.color, background: style.background }),
    );
    // A later request (or a removal) came meanwhile: it wins.
    if (this.#sources.get(sourceId) !== request) {
      image.pool.dispose();
      return;
    }
    placeStatic(this.#options.compositor, sourceId, image);
  }

  setScene(sceneId: string, layers: GeneratedLayer[], options: { overBelow?: boolean } = {}): void {
    if (this.#options.creatorScene(sceneId) || this.#options.reserved(sceneId))
      throw new ProgramError('CONFLICT', `scene ${sceneId} is the creator's`, { field: 'sceneId' });
    const { width, height } = this.#options.frameSize;
    const scene: Scene = {
      id: sceneId,
      layers: layers.map((layer, index) => ({
        id: `${sceneId}:${index}`,
        sourceId: layer.sourceId,
        // Drawn at the source's own size, clipped to the frame.
        rect: { x: layer.x, y: layer.y, width: Math.max(0, width - layer.x), height: Math.max(0, height - layer.y) },
        opacity: layer.opacity ?? 1,
        visible: true,
      })),
    };
    this.#scenes.set(sceneId, { scene, overBelow: options.overBelow ?? false });
    this.#options.compositor.setScene(scene);
    this.sceneChanged(sceneId);
    this.#options.onScenesChanged();
  }

  /** Removes a generated scene or source of that id (both, when both exist). */
  remove(id: string): void {
    const compositor = this.#options.compositor;
    if (this.#scenes.delete(id)) {
      this.dropComposites(id);
      compositor.removeScene(id);
      this.#options.onScenesChanged();
      this.#options.onPicturesChanged();
    }
    if (this.#sources.delete(id)) compositor.removeSource(id);
  }

  readonly isOverlay = (sceneId: string): boolean => this.#scenes.get(sceneId)?.overBelow === true;
  readonly exists = (sceneId: string): boolean => this.#options.creatorScene(sceneId) !== undefined || this.#scenes.has(sceneId);

  /** The scene of that id, the creator's or a generated one, as made. */
  sceneOf(sceneId: string): Scene | undefined {
    return this.#options.creatorScene(sceneId) ?? this.#scenes.get(sceneId)?.scene;
  }

  /** The parts of a composite scene, or undefined for any other id. */
  compositeOf(sceneId: string): CompositeParts | undefined {
    return this.#composites.get(sceneId);
  }

  /** A scene's pictures changed: the composites made of it are made again, and the mix looked at again. */
  sceneChanged(sceneId: string): void {
    this.#options.onPicturesChanged();
    for (const [id, parts] of this.#composites) if (parts.base === sceneId || parts.overlay === sceneId) this.#build(id, parts);
  }

  /** A scene went: so do the composites made of it. */
  dropComposites(sceneId: string): void {
    for (const [id, parts] of this.#composites) {
      if (parts.base !== sceneId && parts.overlay !== sceneId) continue;
      this.#composites.delete(id);
      this.#options.compositor.removeScene(id);
    }
  }

  /** The compositor scene for `overlay` over `base` (either may be null), made the first time it airs. */
  composition(overlay: string | null, base: string | null): string | null {
    if (overlay === null) return base;
    if (base === null) return overlay;
    const id = `${overlay}@${base}`;
    if (!this.#composites.has(id)) {
      const parts = { overlay, base };
      this.#composites.set(id, parts);
      this.#build(id, parts);
    }
    return id;
  }

  #build(id: string, { overlay, base }: CompositeParts): void {
    const over = this.sceneOf(overlay);
    const below = this.#options.creatorScene(base);
    const baseLayers = below ? this.#options.airedAs(below).layers : (this.#scenes.get(base)?.scene.layers ?? []);
    this.#options.compositor.setScene({ id, layers: [...baseLayers, ...(over?.layers ?? [])] });
  }
}
