// A frame plan: the list of blend operations that make one output frame, encoded as int32s in a
// SharedArrayBuffer so the main thread posts workers only (plan slot, band). BlendCore runs a
// plan over one band with the wasm kernels; the worker adapter and the inline executor both use
// it, so both produce the same bytes.
import { blendKernels } from './blend-kernels.ts';
import type { BlendKernels } from './blend-kernels.ts';
import { blendBand, fillBand, mixBand, scaleBand } from './blend.ts';
import { CompositorError } from './errors.ts';
import { frameArena } from './frame-arena.ts';
import type { FrameLayout, PoolDescriptor } from './frame-pool.ts';
import type { ScaledGeometry } from './scale-tables.ts';
import type { WasmMemory } from './wasm.ts';

export const OP_FILL = 1;
export const OP_BLEND = 2;
/** Cross-fade the scratch frame over the output frame. */
export const OP_MIX = 3;
/** Draw a layer scaled to its rect, by the tables of scale-tables.ts. */
export const OP_SCALE = 4;

export const TARGET_OUTPUT = 0;
/** A private, worker-local frame the incoming scene of a fade is composed into. */
export const TARGET_SCRATCH = 1;

// Plan header: output pool id, output slot, op count, reserved.
export const PLAN_HEADER_INTS = 4;
// One op: kind, target, then kind-specific fields:
//   FILL  y, u, v
//   BLEND srcPool, srcSlot, sx, sy, dx, dy, w, h, opacity (0..255)
//   MIX   weight (0..255)
//   SCALE srcPool, srcSlot, table (frame-memory offset), dx, dy, w, h, opacity (0..255)
export const OP_INTS = 12;
export const MAX_PLAN_OPS = 64;
export const PLAN_INTS = PLAN_HEADER_INTS + OP_INTS * MAX_PLAN_OPS;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Pixels removed from each edge of the source before it is drawn (OBS's crop). */
export interface Crop {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The block of the source to draw and where: cropped, clipped to the frame, all even. */
export interface LayerGeometry {
  sx: number;
  sy: number;
  dx: number;
  dy: number;
  w: number;
  h: number;
}

function floorEven(value: number): number {
  return Math.floor(value / 2) * 2;
}

function ceilEven(value: number): number {
  return Math.ceil(value / 2) * 2;
}

/**
 * Where a layer's source lands in the frame. The source's top-left goes to rect (x, y); no
 * scaling: sources arrive at their layer's size (decoders scale, the rasterizer renders at size),
 * and a larger source is clipped to the rect. Crop removes source edges, clipping to the frame
 * removes what falls outside. 4:2:0 has one chroma sample per 2×2 block, so the rect origin is
 * rounded down to even, the left/top crop up to even, and the drawn block's far edges down to
 * even: at most one pixel row or column moves or disappears.
 * Writes into `out` and returns true, or returns false when nothing is visible.
 */
export function resolveLayerGeometry(
  rect: Rect,
  crop: Crop | undefined,
  srcWidth: number,
  srcHeight: number,
  frameWidth: number,
  frameHeight: number,
  out: LayerGeometry,
): boolean {
  const rx = floorEven(rect.x);
  const ry = floorEven(rect.y);
  const cropLeft = ceilEven(Math.max(0, crop?.left ?? 0));
  const cropTop = ceilEven(Math.max(0, crop?.top ?? 0));
  const endX = Math.min(srcWidth, rect.width) - Math.max(0, crop?.right ?? 0);
  const endY = Math.min(srcHeight, rect.height) - Math.max(0, crop?.bottom ?? 0);
  const x0 = Math.max(rx + cropLeft, 0);
  const y0 = Math.max(ry + cropTop, 0);
  const x1 = floorEven(Math.min(rx + endX, frameWidth));
  const y1 = floorEven(Math.min(ry + endY, frameHeight));
  if (x1 <= x0 || y1 <= y0) return false;
  out.sx = x0 - rx;
  out.sy = y0 - ry;
  out.dx = x0;
  out.dy = y0;
  out.w = x1 - x0;
  out.h = y1 - y0;
  return true;
}

/**
 * Splits `height` rows into `count` bands of even height, as equal as possible.
 * Returns band starts and the end, e.g. [0, 540, 1080].
 */
export function bandEdges(height: number, count: number): number[] {
  const pairs = height / 2;
  const edges = [0];
  for (let i = 1; i <= count; i++) edges.push(Math.round((pairs * i) / count) * 2);
  return edges;
}

// Relative cost per pixel of a row, measured roughly on the wasm kernels at 1080p: a memcpy row
// is ~8× cheaper than a SIMD alpha blend of the same row.
const COST_COPY = 1;
const COST_BLEND = 8;
// A scaled row: a vertical mix over the source row and a shuffle per 16 samples, about two blends.
const COST_SCALE = 16;

/**
 * Band edges that give each worker about the same work for this plan, rather than the same
 * number of rows: a lower third lies in the bottom rows only, and an even split would leave it
 * all to one worker. Rows are counted in pairs (4:2:0); `rowCost` is scratch of height/2 entries.
 * Writes count+1 even edges into `edges`.
 */
export function balancedBandEdges(
  ints: Int32Array,
  planSlot: number,
  layout: FrameLayout,
  count: number,
  rowCost: Float64Array,
  edges: Int32Array,
  sourceHasAlpha: (poolId: number) => boolean,
): void {
  const pairs = layout.height / 2;
  rowCost.fill(layout.width * COST_COPY, 0, pairs);
  const base = planSlot * PLAN_INTS;
  const opCount = ints[base + 2]!;
  for (let i = 0; i < opCount; i++) {
    const at = base + PLAN_HEADER_INTS + i * OP_INTS;
    const kind = ints[at]!;
    let from = 0;
    let to = pairs;
    let cost = layout.width * COST_BLEND;
    if (kind === OP_BLEND) {
      from = ints[at + 7]! >> 1;
      to = (ints[at + 7]! + ints[at + 9]!) >> 1;
      const opaque = ints[at + 10]! >= 255 && !sourceHasAlpha(ints[at + 2]!);
      cost = ints[at + 8]! * (opaque ? COST_COPY : COST_BLEND);
    } else if (kind === OP_SCALE) {
      from = ints[at + 6]! >> 1;
      to = (ints[at + 6]! + ints[at + 8]!) >> 1;
      cost = ints[at + 7]! * COST_SCALE;
    } else if (kind === OP_FILL) {
      cost = layout.width * COST_COPY;
    }
    for (let r = from; r < to; r++) rowCost[r] = rowCost[r]! + cost;
  }
  let total = 0;
  for (let r = 0; r < pairs; r++) total += rowCost[r]!;
  edges[0] = 0;
  let band = 1;
  let sum = 0;
  for (let r = 0; r < pairs && band < count; r++) {
    sum += rowCost[r]!;
    while (band < count && sum >= (total * band) / count) edges[band++] = (r + 1) * 2;
  }
  while (band < count) edges[band++] = layout.height;
  edges[count] = layout.height;
}

/** Writes ops into one plan slot of a plan buffer. Reused: reset() before each frame. */
export class PlanWriter {
  readonly ints: Int32Array;
  #base = 0;
  #ops = 0;

  constructor(ints: Int32Array) {
    this.ints = ints;
  }

  reset(planSlot: number, outPool: number, outSlot: number): void {
    this.#base = planSlot * PLAN_INTS;
    this.#ops = 0;
    this.ints[this.#base] = outPool;
    this.ints[this.#base + 1] = outSlot;
    this.ints[this.#base + 2] = 0;
  }

  get opCount(): number {
    return this.#ops;
  }

  #op(kind: number, target: number): number {
    if (this.#ops >= MAX_PLAN_OPS) throw new CompositorError('PLAN_TOO_LARGE', `a frame plan holds at most ${MAX_PLAN_OPS} operations`);
    const at = this.#base + PLAN_HEADER_INTS + this.#ops * OP_INTS;
    this.#ops++;
    this.ints[this.#base + 2] = this.#ops;
    this.ints[at] = kind;
    this.ints[at + 1] = target;
    return at;
  }

  fill(target: number, y: number, u: number, v: number): void {
    const at = this.#op(OP_FILL, target);
    this.ints[at + 2] = y;
    this.ints[at + 3] = u;
    this.ints[at + 4] = v;
  }

  blend(target: number, srcPool: number, srcSlot: number, g: LayerGeometry, opacity: number): void {
    const at = this.#op(OP_BLEND, target);
    const ints = this.ints;
    ints[at + 2] = srcPool;
    ints[at + 3] = srcSlot;
    ints[at + 4] = g.sx;
    ints[at + 5] = g.sy;
    ints[at + 6] = g.dx;
    ints[at + 7] = g.dy;
    ints[at + 8] = g.w;
    ints[at + 9] = g.h;
    ints[at + 10] = opacity;
  }

  /** A layer scaled into g's block of the target by the tables at `table` (scale-tables.ts). */
  scale(target: number, srcPool: number, srcSlot: number, table: number, g: ScaledGeometry, opacity: number): void {
    const at = this.#op(OP_SCALE, target);
    const ints = this.ints;
    ints[at + 2] = srcPool;
    ints[at + 3] = srcSlot;
    ints[at + 4] = table;
    ints[at + 5] = g.dx;
    ints[at + 6] = g.dy;
    ints[at + 7] = g.w;
    ints[at + 8] = g.h;
    ints[at + 9] = opacity;
  }

  mix(weight: number): void {
    const at = this.#op(OP_MIX, TARGET_OUTPUT);
    this.ints[at + 2] = weight;
  }
}

/**
 * The kernels write wherever they are told in the one frame memory, so a block outside its
 * frames would overwrite another pool: refuse it (resolveLayerGeometry never makes one).
 */
function checkGeometry(ints: Int32Array, at: number, src: FrameLayout, dst: FrameLayout): void {
  const sx = ints[at + 4]!;
  const sy = ints[at + 5]!;
  const dx = ints[at + 6]!;
  const dy = ints[at + 7]!;
  const w = ints[at + 8]!;
  const h = ints[at + 9]!;
  if (
    sx < 0 ||
    sy < 0 ||
    dx < 0 ||
    dy < 0 ||
    w < 0 ||
    h < 0 ||
    sx + w > src.width ||
    sy + h > src.height ||
    dx + w > dst.width ||
    dy + h > dst.height ||
    ((sx | sy | dx | dy | w | h) & 1) !== 0
  ) {
    throw new CompositorError(
      'BAD_OPTION',
      `blend of ${w}x${h} from (${sx}, ${sy}) of ${src.width}x${src.height} to (${dx}, ${dy}) of ${dst.width}x${dst.height} is outside a frame or odd`,
    );
  }
}

/** A scaled block must lie inside its output frame, even (the tables were made for its source). */
function checkScaledBlock(ints: Int32Array, at: number, dst: FrameLayout): void {
  const dx = ints[at + 5]!;
  const dy = ints[at + 6]!;
  const w = ints[at + 7]!;
  const h = ints[at + 8]!;
  if (dx < 0 || dy < 0 || w < 0 || h < 0 || dx + w > dst.width || dy + h > dst.height || ((dx | dy | w | h) & 1) !== 0) {
    throw new CompositorError('BAD_OPTION', `scaled block ${w}x${h} at (${dx}, ${dy}) is outside a ${dst.width}x${dst.height} frame or odd`);
  }
}

interface RegisteredPool {
  layout: FrameLayout;
  byteOffset: number;
  count: number;
}

/**
 * Runs plans over bands. Knows pools by id (registered once, not per frame) as ranges of the
 * shared frame memory, and gets one private scratch frame for fades (setScratch): bands of
 * different plans can overlap in time on different workers, so each core composes the incoming
 * scene of a fade into a frame no other core writes.
 */
export class BlendCore {
  readonly #kernels: BlendKernels;
  readonly #pools = new Map<number, RegisteredPool>();
  #scratch = -1;
  #scratchLayout: FrameLayout | null = null;
  /** scaleScratchBytes(output width) of line buffers for scaled layers, this core's own. */
  #scaleScratch = -1;

  /** `memory`: the frame memory the pools live in (a worker gets it from its executor). */
  constructor(memory: WasmMemory = frameArena().memory) {
    this.#kernels = blendKernels(memory);
  }

  /** The scratch frame: `layout.slotBytes` bytes at `byteOffset` that only this core uses. */
  setScratch(byteOffset: number, layout: FrameLayout): void {
    this.#scratch = byteOffset;
    this.#scratchLayout = layout;
  }

  /** The line buffers for scaled layers: scaleScratchBytes(output width) at `byteOffset` that only this core uses. */
  setScaleScratch(byteOffset: number): void {
    this.#scaleScratch = byteOffset;
  }

  register(pool: PoolDescriptor): void {
    this.#pools.set(pool.id, { layout: pool.layout, byteOffset: pool.byteOffset, count: pool.count });
  }

  unregister(poolId: number): void {
    this.#pools.delete(poolId);
  }

  get poolCount(): number {
    return this.#pools.size;
  }

  #pool(id: number): RegisteredPool {
    const pool = this.#pools.get(id);
    if (!pool) throw new CompositorError('UNKNOWN_SOURCE', `pool ${id} is not registered with the blend core`);
    return pool;
  }

  /** Offset of a slot; a bad index would make the kernels write over another pool. */
  #slot(pool: RegisteredPool, index: number): number {
    if (!(index >= 0 && index < pool.count)) throw new CompositorError('BAD_OPTION', `slot ${index} is outside a pool of ${pool.count}`);
    return pool.byteOffset + index * pool.layout.slotBytes;
  }

  #scratchFor(layout: FrameLayout): number {
    const scratch = this.#scratchLayout;
    if (scratch === null || scratch.width !== layout.width || scratch.height !== layout.height) {
      throw new CompositorError('BAD_OPTION', `no ${layout.width}x${layout.height} scratch frame for a fade in this blend core`);
    }
    return this.#scratch;
  }

  /** Runs the plan in `ints` at plan slot `planSlot` over rows [bandY0, bandY1) of its output. */
  runPlan(ints: Int32Array, planSlot: number, bandY0: number, bandY1: number): void {
    const k = this.#kernels;
    const base = planSlot * PLAN_INTS;
    const outPool = this.#pool(ints[base]!);
    const out = this.#slot(outPool, ints[base + 1]!);
    const layout = outPool.layout;
    if (!(bandY0 >= 0 && bandY0 <= bandY1 && bandY1 <= layout.height) || ((bandY0 | bandY1) & 1) !== 0) {
      throw new CompositorError('BAD_OPTION', `band ${bandY0}..${bandY1} is not an even band of a ${layout.height}-row frame`);
    }
    const opCount = ints[base + 2]!;
    for (let i = 0; i < opCount; i++) {
      const at = base + PLAN_HEADER_INTS + i * OP_INTS;
      const kind = ints[at]!;
      const target = ints[at + 1] === TARGET_SCRATCH ? this.#scratchFor(layout) : out;
      if (kind === OP_FILL) {
        fillBand(k, target, layout, bandY0, bandY1, ints[at + 2]!, ints[at + 3]!, ints[at + 4]!);
      } else if (kind === OP_BLEND) {
        const src = this.#pool(ints[at + 2]!);
        checkGeometry(ints, at, src.layout, layout);
        blendBand(
          k,
          target,
          layout,
          this.#slot(src, ints[at + 3]!),
          src.layout,
          ints[at + 4]!,
          ints[at + 5]!,
          ints[at + 6]!,
          ints[at + 7]!,
          ints[at + 8]!,
          ints[at + 9]!,
          ints[at + 10]!,
          bandY0,
          bandY1,
        );
      } else if (kind === OP_SCALE) {
        if (this.#scaleScratch < 0) throw new CompositorError('BAD_OPTION', 'no scale scratch in this blend core');
        const src = this.#pool(ints[at + 2]!);
        checkScaledBlock(ints, at, layout);
        scaleBand(
          k,
          target,
          layout,
          this.#slot(src, ints[at + 3]!),
          src.layout,
          ints[at + 4]! >>> 0,
          ints[at + 5]!,
          ints[at + 6]!,
          ints[at + 7]!,
          ints[at + 8]!,
          ints[at + 9]!,
          bandY0,
          bandY1,
          this.#scaleScratch,
        );
      } else if (kind === OP_MIX) {
        mixBand(k, out, this.#scratchFor(layout), layout, bandY0, bandY1, ints[at + 2]!);
      }
    }
  }
}
