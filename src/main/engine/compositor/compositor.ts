// The program compositor: once per frame tick it turns the on-air scene (or a fade between two)
// into a plan of blend operations over pooled shared frames and hands it to an executor.
// Frames come out in frame order, one per tick: composed, or the last picture repeated when
// the tick was skipped, the executor was busy or the output pool was full (all counted).
import { YUV_BLACK } from './color.ts';
import { CompositorError } from './errors.ts';
import { FramePool, frameLayout } from './frame-pool.ts';
import type { FrameLayout, FrameSlot } from './frame-pool.ts';
import { InlineExecutor, WorkerExecutor } from './executor.ts';
import type { PlanExecutor } from './executor.ts';
import { frameArena } from './frame-arena.ts';
import { MAX_PLAN_OPS, PlanWriter, TARGET_OUTPUT, TARGET_SCRATCH, resolveLayerGeometry } from './plan.ts';
import type { LayerGeometry } from './plan.ts';
import { isUnscaled, resolveScaledGeometry, scaleTableBytes, writeScaleTables } from './scale-tables.ts';
import type { ScaledGeometry } from './scale-tables.ts';
import { SceneSwitcher } from './scene.ts';
import type { Layer, ProgramView, Scene, ScheduledSwitch, SwitchRequest } from './scene.ts';
import { VideoSourceInput } from './sources.ts';
import type { StaticImage, VideoInputOptions, VideoInputStats } from './sources.ts';

/**
 * Receives every frame index exactly once, in order. `frame` holds one reference the receiver
 * must give back with frame.pool.release(frame.index) once written (the encoder writer does
 * that in its write callback). `repeated` = no new picture for n; the last one is handed again
 * (null only if nothing was ever composed).
 */
export type ComposedFrameListener = (frameIndex: number, frame: FrameSlot | null, repeated: boolean) => void;

export interface CompositorOptions {
  width: number;
  height: number;
  onFrame: ComposedFrameListener;
  /** Default: a WorkerExecutor with 2 workers. Pass an InlineExecutor to compose on this thread. */
  executor?: PlanExecutor;
  /** Output pool size; default planSlots + 4 (the encoder writer may hold a few). */
  outputFrames?: number;
  /** Colour under the scene where no opaque full-frame layer covers it; default black. */
  background?: { y: number; u: number; v: number };
  initialSceneId?: string | null;
  startFrame?: number;
  /** Called once per failed plan (a crashed worker); the frame is repeated and counted. */
  onError?: (error: Error) => void;
  /**
   * Called in tick(n) once frame n's scenes are decided (switches applied), before it is composed
   * and before onFrame(n): what frame n shows. The view is reused; read it during the call.
   */
  onView?: (frameIndex: number, view: Readonly<ProgramView>) => void;
}

export interface CompositorStats {
  ticks: number;
  composed: number;
  /** Frames output as repeats, by cause. */
  dropped: { skipped: number; busy: number; poolExhausted: number; failed: number };
  repeatedOutput: number;
  /** Layer draws that found their source without any frame yet (drawn as nothing). */
  missingSourceFrames: number;
  sources: Record<string, VideoInputStats>;
  onAir: string | null;
  nextFrame: number;
}

interface SourceEntry {
  pool: FramePool;
  input: VideoSourceInput | null;
  /** Slot on air for this frame; −1 = no frame yet. */
  current: number;
  /** A paused live input is not advanced: its layers keep showing its last frame. */
  paused: boolean;
}

/**
 * The scale tables of one scaled layer for one geometry and source size, in the frame memory.
 * Made the first time the layer is drawn that way, never per frame; freed once the layer's
 * geometry or scene changed and no plan in flight reads them.
 */
interface ScaleTable {
  offset: number;
  srcWidth: number;
  srcHeight: number;
  geometry: ScaledGeometry;
  /** Plans in flight that read it. */
  readers: number;
  retired: boolean;
}

const sameGeometry = (a: ScaledGeometry, b: ScaledGeometry): boolean =>
  a.width === b.width &&
  a.height === b.height &&
  a.clipLeft === b.clipLeft &&
  a.clipTop === b.clipTop &&
  a.dx === b.dx &&
  a.dy === b.dy &&
  a.w === b.w &&
  a.h === b.h;

const ENTRY_WAITING = 0;
const ENTRY_DONE = 1;
const ENTRY_DROPPED = 2;
/** Frames that may wait in output order behind one unfinished plan before it is given up. */
const ORDER_CAPACITY = 1024;

export class Compositor {
  readonly layout: FrameLayout;
  readonly output: FramePool;
  readonly executor: PlanExecutor;
  readonly switcher: SceneSwitcher;
  readonly #onFrame: ComposedFrameListener;
  readonly #onError: (error: Error) => void;
  readonly #onView: ((frameIndex: number, view: Readonly<ProgramView>) => void) | undefined;
  readonly #background: { y: number; u: number; v: number };
  readonly #scenes = new Map<string, Scene>();
  readonly #sources = new Map<string, SourceEntry>();
  readonly #writer: PlanWriter;
  readonly #view: ProgramView = { from: null, to: null, weight: 0 };
  readonly #geometry: LayerGeometry = { sx: 0, sy: 0, dx: 0, dy: 0, w: 0, h: 0 };
  readonly #scaled: ScaledGeometry = { width: 0, height: 0, clipLeft: 0, clipTop: 0, dx: 0, dy: 0, w: 0, h: 0 };
  /** The unscaled rect a 1:1 scaled layer is drawn through (a plain blend). */
  readonly #plainRect = { x: 0, y: 0, width: 0, height: 0 };
  readonly #scaleTables = new Map<Layer, ScaleTable>();
  // Scale tables each plan in flight reads: released when the plan completes.
  readonly #retainedTables: ScaleTable[][];
  readonly #retainedTableCount: Int32Array;
  // Source frames each plan in flight reads: released when the plan completes.
  readonly #retainedPools: FramePool[][];
  readonly #retainedSlots: Int32Array[];
  readonly #retainedCount: Int32Array;
  /** Output slot of a plan whose frame was given up (order ring overflow), per plan slot. */
  readonly #abandoned: Int32Array;
  // Output order: a ring of frame entries, delivered from the head as they finish.
  readonly #orderFrame = new Float64Array(ORDER_CAPACITY);
  readonly #orderSlot = new Int32Array(ORDER_CAPACITY);
  readonly #orderPlan = new Int32Array(ORDER_CAPACITY);
  readonly #orderState = new Uint8Array(ORDER_CAPACITY);
  #orderHead = 0;
  #orderLength = 0;
  #lastDelivered = -1;
  #closed = false;
  #ticks = 0;
  #composed = 0;
  #skipped = 0;
  #busy = 0;
  #poolExhausted = 0;
  #failed = 0;
  #repeatedOutput = 0;
  #missing = 0;

  constructor(options: CompositorOptions) {
    this.layout = frameLayout(options.width, options.height);
    this.executor = options.executor ?? new WorkerExecutor({ layout: this.layout });
    this.output = new FramePool(this.layout, options.outputFrames ?? this.executor.planSlots + 4);
    this.switcher = new SceneSwitcher(options.initialSceneId ?? null, options.startFrame ?? 0);
    this.#onFrame = options.onFrame;
    this.#onError = options.onError ?? (() => {});
    this.#onView = options.onView;
    this.#background = options.background ?? YUV_BLACK;
    this.#writer = new PlanWriter(this.executor.plans);
    this.#retainedPools = [];
    this.#retainedSlots = [];
    for (let s = 0; s < this.executor.planSlots; s++) {
      this.#retainedPools.push(new Array<FramePool>(MAX_PLAN_OPS));
      this.#retainedSlots.push(new Int32Array(MAX_PLAN_OPS));
    }
    this.#retainedCount = new Int32Array(this.executor.planSlots);
    this.#retainedTables = [];
    for (let s = 0; s < this.executor.planSlots; s++) this.#retainedTables.push(new Array<ScaleTable>(MAX_PLAN_OPS));
    this.#retainedTableCount = new Int32Array(this.executor.planSlots);
    this.#abandoned = new Int32Array(this.executor.planSlots).fill(-1);
    this.executor.onComplete = (planSlot, error) => this.#complete(planSlot, error);
    this.executor.register(this.output);
  }

  /** Composes on this thread; the same bytes as the workers (tests, machines without workers). */
  static inline(options: Omit<CompositorOptions, 'executor'> & { bands?: number; planSlots?: number }): Compositor {
    const layout = frameLayout(options.width, options.height);
    const executor = new InlineExecutor({ layout, bands: options.bands ?? 1, planSlots: options.planSlots ?? 2 });
    return new Compositor({ ...options, executor });
  }

  // --- scenes -------------------------------------------------------------

  /** Adds or replaces a scene; changes show from the next frame composed. */
  setScene(scene: Scene): void {
    this.#scenes.set(scene.id, scene);
    this.#retireUnusedTables();
  }

  removeScene(sceneId: string): boolean {
    const removed = this.#scenes.delete(sceneId);
    if (removed) this.#retireUnusedTables();
    // A T-bar taking to a scene that is gone lets go (it would mix towards an empty frame).
    if (removed && this.switcher.manualTarget === sceneId) this.switcher.setManualMix(null, 0);
    return removed;
  }

  /** Switch now (next frame) or at an exact frame index, by cut or fade. */
  switchScene(request: SwitchRequest): ScheduledSwitch {
    if (!this.#scenes.has(request.sceneId)) throw new CompositorError('UNKNOWN_SCENE', `no scene ${request.sceneId}`, { field: 'sceneId' });
    return this.switcher.schedule(request);
  }

  cancelSwitch(id: number): boolean {
    return this.switcher.cancel(id);
  }

  /** The T-bar: `to` mixed over the scene on air at weight/255 from the next frame; null lets go. */
  setManualMix(to: string | null, weight: number): void {
    if (to !== null && !this.#scenes.has(to)) throw new CompositorError('UNKNOWN_SCENE', `no scene ${to}`, { field: 'sceneId' });
    this.switcher.setManualMix(to, weight);
  }

  // --- sources ------------------------------------------------------------

  /**
   * Sets or replaces a static layer's picture; the old one is freed once no plan reads it.
   * The compositor owns the image's pool from here on (removeSource and close dispose it).
   */
  setStaticSource(sourceId: string, image: StaticImage): void {
    this.#assertOpen();
    if (image.pool.count !== 1 || image.pool.refCount(0) !== 1) {
      throw new CompositorError('BAD_OPTION', 'a static image is one frame, held only by its creator');
    }
    this.removeSource(sourceId);
    this.executor.register(image.pool);
    this.#sources.set(sourceId, { pool: image.pool, input: null, current: 0, paused: false });
  }

  /** A live input for a decoder; see VideoSourceInput. */
  openVideoInput(sourceId: string, options: VideoInputOptions): VideoSourceInput {
    this.#assertOpen();
    this.removeSource(sourceId);
    const input = new VideoSourceInput(sourceId, { readers: this.executor.planSlots, ...options });
    this.executor.register(input.pool);
    this.#sources.set(sourceId, { pool: input.pool, input, current: -1, paused: false });
    return input;
  }

  /**
   * Pauses or resumes a live input from the next tick: paused, it is not advanced, so its layers
   * keep its last frame (a 'pause' input's decoder then waits on its full buffer, and resumes on
   * the exact frame it stopped at). False when there is no such live input.
   */
  setPaused(sourceId: string, paused: boolean): boolean {
    const entry = this.#sources.get(sourceId);
    if (!entry?.input) return false;
    entry.paused = paused;
    return true;
  }

  /** The scene `sceneId` as set, or undefined. */
  scene(sceneId: string): Scene | undefined {
    return this.#scenes.get(sceneId);
  }

  removeSource(sourceId: string): boolean {
    const entry = this.#sources.get(sourceId);
    if (!entry) return false;
    this.#sources.delete(sourceId);
    if (entry.input) entry.input.close();
    else entry.pool.release(0);
    const pool = entry.pool;
    // Once no plan reads it: the workers forget it and its frame memory goes to the next pool.
    void pool.whenIdle().then(() => {
      this.executor.unregister(pool.id);
      pool.dispose();
    });
    return true;
  }

  // --- the frame tick -----------------------------------------------------

  /**
   * Frame n: takes each live input's next frame, applies due scene switches, then composes,
   * unless `skip` (the clock is behind), in which case frame n goes out as a repeat.
   * Call it for every n in order. Returns true when a composition was started.
   */
  tick(n: number, skip = false): boolean {
    this.#assertOpen();
    this.#ticks++;
    for (const entry of this.#sources.values()) if (entry.input && !entry.paused) entry.current = entry.input.advance();
    const view = this.#view;
    this.switcher.advance(n, view);
    this.#onView?.(n, view);
    if (skip) {
      this.#skipped++;
      this.#pushDropped(n);
      return false;
    }
    const planSlot = this.executor.acquirePlanSlot();
    if (planSlot < 0) {
      this.#busy++;
      this.#pushDropped(n);
      return false;
    }
    const out = this.output.acquire();
    if (!out) {
      this.executor.releasePlanSlot(planSlot);
      this.#poolExhausted++;
      this.#pushDropped(n);
      return false;
    }
    const writer = this.#writer;
    writer.reset(planSlot, this.output.id, out.index);
    this.#retainedCount[planSlot] = 0;
    this.#retainedTableCount[planSlot] = 0;
    try {
      this.#drawScene(view.from, TARGET_OUTPUT, planSlot);
      if (view.to !== null) {
        this.#drawScene(view.to, TARGET_SCRATCH, planSlot);
        writer.mix(view.weight);
      }
    } catch (error) {
      this.#releaseRetained(planSlot);
      this.output.release(out.index);
      this.executor.releasePlanSlot(planSlot);
      this.#failed++;
      this.#pushDropped(n);
      this.#onError(error instanceof Error ? error : new Error(String(error)));
      return false;
    }
    this.#push(n, out.index, planSlot, ENTRY_WAITING);
    this.executor.run(planSlot);
    return true;
  }

  #drawScene(sceneId: string | null, target: number, planSlot: number): void {
    const writer = this.#writer;
    const scene = sceneId === null ? undefined : this.#scenes.get(sceneId);
    const layers = scene ? scene.layers : [];
    const g = this.#geometry;
    const { width, height } = this.layout;
    // Start at the topmost opaque layer that covers the whole frame: nothing under it shows.
    let start = -1;
    for (let i = layers.length - 1; i >= 0; i--) {
      const layer = layers[i]!;
      if (!layer.visible || layer.opacity < 1) continue;
      const entry = this.#sources.get(layer.sourceId);
      if (!entry || entry.current < 0 || entry.pool.layout.alpha) continue;
      const srcWidth = entry.pool.layout.width;
      const srcHeight = entry.pool.layout.height;
      if (layer.scaled) {
        const sg = this.#scaled;
        if (!resolveScaledGeometry(layer.rect, layer.crop, srcWidth, srcHeight, width, height, sg)) continue;
        if (sg.dx === 0 && sg.dy === 0 && sg.w === width && sg.h === height) {
          start = i;
          break;
        }
        continue;
      }
      if (!resolveLayerGeometry(layer.rect, layer.crop, srcWidth, srcHeight, width, height, g)) continue;
      if (g.dx === 0 && g.dy === 0 && g.w === width && g.h === height) {
        start = i;
        break;
      }
    }
    if (start < 0) {
      writer.fill(target, this.#background.y, this.#background.u, this.#background.v);
      start = 0;
    }
    for (let i = start; i < layers.length; i++) {
      const layer = layers[i]!;
      if (!layer.visible || !(layer.opacity > 0)) continue;
      const entry = this.#sources.get(layer.sourceId);
      if (!entry || entry.current < 0) {
        this.#missing++;
        continue;
      }
      const layout = entry.pool.layout;
      const opacity = layer.opacity >= 1 ? 255 : Math.round(layer.opacity * 255);
      if (opacity === 0) continue;
      let rect = layer.rect;
      if (layer.scaled) {
        const sg = this.#scaled;
        if (!resolveScaledGeometry(layer.rect, layer.crop, layout.width, layout.height, width, height, sg)) continue;
        if (!isUnscaled(sg, layer.crop, layout.width, layout.height)) {
          const table = this.#scaleTable(layer, layout.width, layout.height, sg);
          writer.scale(target, entry.pool.id, entry.current, table.offset, sg, opacity);
          this.#retain(planSlot, entry.pool, entry.current);
          this.#retainTable(planSlot, table);
          continue;
        }
        // The cropped part at its own size: the source's top-left sits the crop away from the rect's.
        const plain = this.#plainRect;
        plain.x = Math.floor(layer.rect.x / 2) * 2 - (layer.crop?.left ?? 0);
        plain.y = Math.floor(layer.rect.y / 2) * 2 - (layer.crop?.top ?? 0);
        plain.width = layout.width;
        plain.height = layout.height;
        rect = plain;
      }
      if (!resolveLayerGeometry(rect, layer.crop, layout.width, layout.height, width, height, g)) continue;
      writer.blend(target, entry.pool.id, entry.current, g, opacity);
      this.#retain(planSlot, entry.pool, entry.current);
    }
  }

  /** The tables for `layer` drawn at `g` from a source of this size: the ones made before, or new ones. */
  #scaleTable(layer: Layer, srcWidth: number, srcHeight: number, g: ScaledGeometry): ScaleTable {
    const known = this.#scaleTables.get(layer);
    if (known && known.srcWidth === srcWidth && known.srcHeight === srcHeight && sameGeometry(known.geometry, g)) return known;
    if (known) this.#retireTable(layer, known);
    const arena = frameArena();
    const offset = arena.allocate(scaleTableBytes(g, layer.crop, srcWidth, srcHeight));
    writeScaleTables(arena.memory, offset, g, layer.crop, srcWidth, srcHeight);
    const table: ScaleTable = { offset, srcWidth, srcHeight, geometry: { ...g }, readers: 0, retired: false };
    this.#scaleTables.set(layer, table);
    return table;
  }

  #retireTable(layer: Layer, table: ScaleTable): void {
    this.#scaleTables.delete(layer);
    table.retired = true;
    if (table.readers === 0) frameArena().free(table.offset);
  }

  /** Tables of layers no scene holds any more go (once the plans reading them are done). */
  #retireUnusedTables(): void {
    if (this.#scaleTables.size === 0) return;
    const inUse = new Set<Layer>();
    for (const scene of this.#scenes.values()) for (const layer of scene.layers) inUse.add(layer);
    for (const [layer, table] of this.#scaleTables) if (!inUse.has(layer)) this.#retireTable(layer, table);
  }

  #retainTable(planSlot: number, table: ScaleTable): void {
    table.readers++;
    this.#retainedTables[planSlot]![this.#retainedTableCount[planSlot]!] = table;
    this.#retainedTableCount[planSlot] = this.#retainedTableCount[planSlot]! + 1;
  }

  /** Scale tables held in the compositor's frame memory (tests: none may leak). */
  get scaleTableCount(): number {
    return this.#scaleTables.size;
  }

  #retain(planSlot: number, pool: FramePool, slot: number): void {
    const count = this.#retainedCount[planSlot]!;
    pool.retain(slot);
    this.#retainedPools[planSlot]![count] = pool;
    this.#retainedSlots[planSlot]![count] = slot;
    this.#retainedCount[planSlot] = count + 1;
  }

  #releaseRetained(planSlot: number): void {
    const pools = this.#retainedPools[planSlot]!;
    const slots = this.#retainedSlots[planSlot]!;
    for (let i = 0; i < this.#retainedCount[planSlot]!; i++) pools[i]!.release(slots[i]!);
    this.#retainedCount[planSlot] = 0;
    const tables = this.#retainedTables[planSlot]!;
    for (let i = 0; i < this.#retainedTableCount[planSlot]!; i++) {
      const table = tables[i]!;
      if (--table.readers === 0 && table.retired) frameArena().free(table.offset);
    }
    this.#retainedTableCount[planSlot] = 0;
  }

  #complete(planSlot: number, error: Error | null): void {
    this.#releaseRetained(planSlot);
    const abandoned = this.#abandoned[planSlot]!;
    if (abandoned >= 0) {
      this.#abandoned[planSlot] = -1;
      this.output.release(abandoned);
      return;
    }
    for (let k = 0; k < this.#orderLength; k++) {
      const at = (this.#orderHead + k) % ORDER_CAPACITY;
      if (this.#orderState[at] !== ENTRY_WAITING || this.#orderPlan[at] !== planSlot) continue;
      if (error) {
        this.output.release(this.#orderSlot[at]!);
        this.#orderState[at] = ENTRY_DROPPED;
        this.#failed++;
        this.#onError(error);
      } else {
        this.#orderState[at] = ENTRY_DONE;
        this.#composed++;
      }
      break;
    }
    this.#flush();
  }

  #push(n: number, outSlot: number, planSlot: number, state: number): void {
    if (this.#orderLength === ORDER_CAPACITY) {
      // ORDER_CAPACITY frames (over 30 s at 30 fps) behind one unfinished plan: the workers are stuck. Keep time moving.
      this.#deliverHead();
    }
    const at = (this.#orderHead + this.#orderLength) % ORDER_CAPACITY;
    this.#orderFrame[at] = n;
    this.#orderSlot[at] = outSlot;
    this.#orderPlan[at] = planSlot;
    this.#orderState[at] = state;
    this.#orderLength++;
  }

  #pushDropped(n: number): void {
    this.#push(n, -1, -1, ENTRY_DROPPED);
    this.#flush();
  }

  #flush(): void {
    while (this.#orderLength > 0 && this.#orderState[this.#orderHead] !== ENTRY_WAITING) this.#deliverHead();
  }

  #deliverHead(): void {
    const at = this.#orderHead;
    const n = this.#orderFrame[at]!;
    const state = this.#orderState[at];
    const slot = this.#orderSlot[at]!;
    this.#orderHead = (at + 1) % ORDER_CAPACITY;
    this.#orderLength--;
    if (state === ENTRY_DONE) {
      // The receiver gets the acquire reference; the compositor keeps one for repeats.
      this.output.retain(slot);
      if (this.#lastDelivered >= 0) this.output.release(this.#lastDelivered);
      this.#lastDelivered = slot;
      this.#onFrame(n, this.output.slots[slot]!, false);
      return;
    }
    if (state === ENTRY_WAITING) {
      // Only when the order ring overflowed: that plan's frame is abandoned, freed when it completes.
      this.#abandoned[this.#orderPlan[at]!] = slot;
      this.#failed++;
    }
    this.#repeatedOutput++;
    if (this.#lastDelivered >= 0) {
      this.output.retain(this.#lastDelivered);
      this.#onFrame(n, this.output.slots[this.#lastDelivered]!, true);
    } else {
      this.#onFrame(n, null, true);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new CompositorError('CLOSED', 'the compositor is closed');
  }

  stats(): CompositorStats {
    const sources: Record<string, VideoInputStats> = {};
    for (const [id, entry] of this.#sources) if (entry.input) sources[id] = entry.input.stats();
    return {
      ticks: this.#ticks,
      composed: this.#composed,
      dropped: { skipped: this.#skipped, busy: this.#busy, poolExhausted: this.#poolExhausted, failed: this.#failed },
      repeatedOutput: this.#repeatedOutput,
      missingSourceFrames: this.#missing,
      sources,
      onAir: this.switcher.current,
      nextFrame: this.switcher.nextFrame,
    };
  }

  /**
   * Stops the executor (workers get a grace period) and frees every source. The output frames'
   * memory is given back once the sink has released the frames it still holds.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.executor.close();
    for (const [layer, table] of [...this.#scaleTables]) this.#retireTable(layer, table);
    for (const id of [...this.#sources.keys()]) this.removeSource(id);
    if (this.#lastDelivered >= 0) this.output.release(this.#lastDelivered);
    this.#lastDelivered = -1;
    this.output.dispose();
  }
}
