// A scene's picture for the Scene/Preview monitor, whether or not it is on air, before Go Live
// too: a light second compositor of its own (inline, on this thread) at the monitor's size
// (640×360 for a 16:9 program) and SCENE_PICTURE_FPS, through the same plan and kernel path as
// the program. It runs only while someone watches that scene, and never touches the program.
//
// What it draws: every layer at its rect, crop, opacity and visibility, scaled by the monitor's
// factor. Static sources (colour, image, text) are rasterized by sharp at that scale. Video
// sources are a still: a media file's frame at its start time and the test pattern's first
// frame (one ffmpeg run per change), an RTMP source a card naming it; their motion is the program's.
// Edits show within a frame: the scene and its sources are compared to what was drawn each tick.
import { execFile } from 'node:child_process';
import { Compositor } from '../compositor/compositor.ts';
import { rasterizeColor, rasterizeImage, rasterizeText, staticImageFromRgba, textSourceStyle } from '../compositor/raster.ts';
import type { Layer, Scene } from '../compositor/scene.ts';
import type { StaticImage } from '../compositor/sources.ts';
import type { SceneInfo, ProgramFormatSettings } from '../../../shared/program.ts';
import type { StoredSource } from '../store/program-repository.ts';
import { MONITOR_KIND_SCENE, monitorSize } from '../../../shared/monitor-frame.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { MonitorFeed, type MonitorSink } from './monitor-feed.ts';
import { MONITOR_MAX_HEIGHT, MONITOR_MAX_WIDTH, nowMs } from './program-monitor.ts';

export const SCENE_PICTURE_FPS = 5;
/** An ffmpeg still that takes longer than this is given up (the layer shows nothing). */
const STILL_TIMEOUT_MS = 10_000;

export interface ScenePictureStore {
  scenes(): SceneInfo[];
  sources(): StoredSource[];
  format(): ProgramFormatSettings;
}

export interface ScenePicturesOptions {
  store: ScenePictureStore;
  ffmpegPath: () => string | null;
  log: Logger;
  fps?: number;
}

const evenScaled = (value: number, scale: number): number => Math.max(2, Math.round((value * scale) / 2) * 2);

/** The scene's layers at monitor scale: rects and crops times `scale`, sources by id. Pure. */
export function scaledScene(scene: SceneInfo, sources: StoredSource[], scale: number): Scene {
  const byId = new Map(sources.map((source) => [source.id, source]));
  const layers: Layer[] = [];
  scene.layers.forEach((layer, index) => {
    const source = byId.get(layer.sourceId);
    if (!source) return;
    const width = layer.width ?? source.config.width;
    const height = layer.height ?? source.config.height;
    const crop = layer.crop;
    layers.push({
      id: `${scene.id}:${index}`,
      sourceId: String(layer.sourceId),
      rect: {
        x: Math.round(layer.x * scale),
        y: Math.round(layer.y * scale),
        width: Math.max(2, Math.round(width * scale)),
        height: Math.max(2, Math.round(height * scale)),
      },
      ...(crop
        ? {
            crop: {
              left: Math.round(crop.left * scale),
              top: Math.round(crop.top * scale),
              right: Math.round(crop.right * scale),
              bottom: Math.round(crop.bottom * scale),
            },
          }
        : {}),
      scaled: true,
      opacity: layer.opacity,
      visible: layer.visible,
    });
  });
  return { id: String(scene.id), layers };
}

/** One frame of a video source as RGBA at width × height, by ffmpeg. */
function ffmpegStill(ffmpegPath: string, input: string[], width: number, height: number): Promise<StaticImage> {
  const args = ['-v', 'error', '-nostdin', ...input, '-frames:v', '1', '-vf', `scale=${width}:${height}`, '-pix_fmt', 'rgba', '-f', 'rawvideo', 'pipe:1'];
  return new Promise((resolve, reject) => {
    execFile(ffmpegPath, args, { encoding: 'buffer', maxBuffer: width * height * 4 + 1024, timeout: STILL_TIMEOUT_MS }, (error, stdout) => {
      if (error) return reject(error);
      if (stdout.length !== width * height * 4) return reject(new Error(`ffmpeg gave ${stdout.length} bytes, expected ${width * height * 4}`));
      resolve(staticImageFromRgba(stdout, width, height));
    });
  });
}

/** One watched scene: its compositor, its feed, its clock. */
class ScenePicture {
  readonly feed: MonitorFeed;
  readonly #sceneId: number;
  readonly #options: ScenePicturesOptions;
  #compositor: Compositor | null = null;
  /** What the compositor was built from; rebuilt when it differs. */
  #drawn = '';
  #building = false;
  #frame = 0;
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(sceneId: number, options: ScenePicturesOptions) {
    this.#sceneId = sceneId;
    this.#options = options;
    this.feed = new MonitorFeed({ width: MONITOR_MAX_WIDTH, height: MONITOR_MAX_HEIGHT, kind: MONITOR_KIND_SCENE });
    this.#timer = setInterval(() => this.#tick(), 1000 / (options.fps ?? SCENE_PICTURE_FPS));
    this.#tick();
  }

  #tick(): void {
    if (this.#building) return;
    const { store } = this.#options;
    const scene = store.scenes().find((s) => s.id === this.#sceneId);
    if (!scene) return;
    const format = store.format();
    const sources = store.sources().filter((source) => scene.layers.some((layer) => layer.sourceId === source.id));
    const signature = JSON.stringify([format.width, format.height, scene.layers, sources.map((s) => [s.id, s.config])]);
    if (signature !== this.#drawn) {
      this.#building = true;
      this.#build(scene, sources, format)
        .then(() => {
          this.#drawn = signature;
        })
        .catch((error: unknown) => this.#options.log.warn(`scene ${this.#sceneId} picture: ${errorMessage(error)}`))
        .finally(() => {
          this.#building = false;
        });
      return;
    }
    this.#compositor?.tick(this.#frame++);
  }

  async #build(scene: SceneInfo, sources: StoredSource[], format: ProgramFormatSettings): Promise<void> {
    const size = monitorSize(format.width, format.height, MONITOR_MAX_WIDTH, MONITOR_MAX_HEIGHT);
    const scale = size.width / format.width;
    const previous = this.#compositor;
    const compositor = Compositor.inline({
      width: size.width,
      height: size.height,
      onFrame: (n, frame) => {
        if (!frame) return;
        this.feed.publish(frame.pool.layout, frame.pool.slotOffset(frame.index), n, nowMs());
        frame.pool.release(frame.index);
      },
      onError: (error) => this.#options.log.warn(`scene ${this.#sceneId} picture: ${errorMessage(error)}`),
    });
    try {
      for (const source of sources) {
        const image = await this.#rasterize(source, scale);
        if (image) compositor.setStaticSource(String(source.id), image);
      }
      compositor.setScene(scaledScene(scene, sources, scale));
      compositor.switchScene({ sceneId: String(scene.id) });
    } catch (error) {
      await compositor.close();
      throw error;
    }
    this.#compositor = compositor;
    this.feed.resize(size.width, size.height);
    await previous?.close();
  }

  async #rasterize(source: StoredSource, scale: number): Promise<StaticImage | null> {
    const config = source.config;
    const width = evenScaled(config.width, scale);
    const height = evenScaled(config.height, scale);
    const ffmpeg = this.#options.ffmpegPath();
    try {
      switch (config.kind) {
        case 'color':
          return await rasterizeColor(config.color, width, height);
        case 'image':
          return await rasterizeImage(config.path, width, height);
        case 'text':
          return await rasterizeText(config.text, width, height, textSourceStyle(config, scale));
        case 'rtmp':
          // Not its slate: a preview saying "Stand by" reads as a camera that is down. Its live
          // picture is in Program; here it is a card naming the input.
          return await rasterizeText(`${source.name}\nlive input`, width, height, {
            fontSize: Math.max(8, 40 * scale),
            color: '#9aa4b2',
            background: '#202020',
          });
        case 'test_pattern':
          return ffmpeg ? await ffmpegStill(ffmpeg, ['-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=1`], width, height) : null;
        case 'media':
          return ffmpeg ? await ffmpegStill(ffmpeg, ['-ss', String(config.startSeconds ?? 0), '-i', config.path], width, height) : null;
      }
    } catch (error) {
      // One source that cannot be drawn leaves its layers empty, as in the program.
      this.#options.log.warn(`scene picture: source ${source.id} not drawn: ${errorMessage(error)}`);
      return null;
    }
  }

  close(): void {
    clearInterval(this.#timer);
    this.feed.close();
    const compositor = this.#compositor;
    this.#compositor = null;
    void compositor?.close();
  }
}

/** Scene pictures by scene id, made for the first viewer of a scene and closed after its last. */
export class ScenePictures {
  readonly #options: ScenePicturesOptions;
  readonly #pictures = new Map<number, ScenePicture>();

  constructor(options: ScenePicturesOptions) {
    this.#options = options;
  }

  get watchedScenes(): number[] {
    return [...this.#pictures.keys()];
  }

  /** A viewer of scene `sceneId`; null when too many watch it. The function returned detaches it. */
  attach(sceneId: number, sink: MonitorSink): (() => void) | null {
    let picture = this.#pictures.get(sceneId);
    if (!picture) {
      picture = new ScenePicture(sceneId, this.#options);
      this.#pictures.set(sceneId, picture);
    }
    const detach = picture.feed.attach(sink);
    const watched = picture;
    if (!detach) return null;
    return () => {
      detach();
      if (!watched.feed.watched && this.#pictures.get(sceneId) === watched) {
        this.#pictures.delete(sceneId);
        watched.close();
      }
    };
  }

  close(): void {
    for (const picture of this.#pictures.values()) picture.close();
    this.#pictures.clear();
  }
}
