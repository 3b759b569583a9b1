// Plan executors: where a frame plan's pixels are computed. InlineExecutor runs the plan on the
// calling thread (tests, fallback). WorkerExecutor splits each frame into horizontal bands, one
// per worker, over the shared frame memory: a worker gets the memory once, pools once each as
// (id, byte offset, layout, count), and a run posts only (plan slot, band rows, sequence number).
// Both keep a fixed number of plan slots: when all are busy the caller drops the frame, it never
// queues behind them (piscina's bounded queue, with "full" meaning drop-and-count for frames).
import { Worker } from 'node:worker_threads';
import { CompositorError } from './errors.ts';
import { frameArena } from './frame-arena.ts';
import type { FrameArena } from './frame-arena.ts';
import type { FrameLayout, PoolDescriptor } from './frame-pool.ts';
import type { WasmMemory } from './wasm.ts';
import { BlendCore, PLAN_INTS, balancedBandEdges, bandEdges } from './plan.ts';
import { scaleScratchBytes } from './scale-tables.ts';

export type PlanCompletion = (planSlot: number, error: Error | null) => void;

export interface PlanExecutor {
  /** Int32 plan storage, PLAN_INTS per plan slot, shared with the workers. */
  readonly plans: Int32Array;
  /** Plans that can be in flight at once. */
  readonly planSlots: number;
  /** Called once per run, when every band is done (or the run failed). */
  onComplete: PlanCompletion;
  register(pool: PoolDescriptor): void;
  unregister(poolId: number): void;
  /** A free plan slot, or −1 when every slot is in flight (the caller drops the frame). */
  acquirePlanSlot(): number;
  /** Runs the plan in `planSlot`; the slot is free again when onComplete has been called. */
  run(planSlot: number): void;
  /** Gives back a slot acquired but not run. */
  releasePlanSlot(planSlot: number): void;
  close(): Promise<void>;
}

function allocatePlans(planSlots: number): Int32Array {
  if (!Number.isInteger(planSlots) || planSlots < 1 || planSlots > 64) {
    throw new CompositorError('BAD_OPTION', `planSlots must be 1..64, got ${planSlots}`, { field: 'planSlots' });
  }
  return new Int32Array(new SharedArrayBuffer(planSlots * PLAN_INTS * Int32Array.BYTES_PER_ELEMENT));
}

const noCompletion: PlanCompletion = () => {};

/** Runs plans synchronously on this thread; onComplete is called before run() returns. */
export class InlineExecutor implements PlanExecutor {
  readonly plans: Int32Array;
  readonly planSlots: number;
  onComplete: PlanCompletion = noCompletion;
  readonly core = new BlendCore();
  readonly #height: number;
  readonly #bandRows: number[];
  readonly #busy: Uint8Array;
  readonly #arena: FrameArena;
  /** The core's scratch frame (fades) and its scale line buffers after it, in the frame memory; freed by close(). */
  readonly #scratch: number;
  #closed = false;

  /** `bands` > 1 runs the plan band by band, as the workers would (tests compare the two). */
  constructor(options: { layout: FrameLayout; planSlots?: number; bands?: number }) {
    this.planSlots = options.planSlots ?? 2;
    this.plans = allocatePlans(this.planSlots);
    this.#height = options.layout.height;
    this.#bandRows = bandEdges(this.#height, options.bands ?? 1);
    this.#busy = new Uint8Array(this.planSlots);
    this.#arena = frameArena();
    this.#scratch = this.#arena.allocate(options.layout.slotBytes + scaleScratchBytes(options.layout.width));
    this.core.setScratch(this.#scratch, options.layout);
    this.core.setScaleScratch(this.#scratch + options.layout.slotBytes);
  }

  register(pool: PoolDescriptor): void {
    this.core.register(pool);
  }

  unregister(poolId: number): void {
    this.core.unregister(poolId);
  }

  acquirePlanSlot(): number {
    if (this.#closed) return -1;
    const slot = this.#busy.indexOf(0);
    if (slot >= 0) this.#busy[slot] = 1;
    return slot;
  }

  releasePlanSlot(planSlot: number): void {
    this.#busy[planSlot] = 0;
  }

  run(planSlot: number): void {
    if (this.#closed) {
      this.#busy[planSlot] = 0;
      this.onComplete(planSlot, new CompositorError('CLOSED', 'the inline executor is closed'));
      return;
    }
    let error: Error | null = null;
    try {
      for (let i = 0; i + 1 < this.#bandRows.length; i++) this.core.runPlan(this.plans, planSlot, this.#bandRows[i]!, this.#bandRows[i + 1]!);
    } catch (cause) {
      error = cause instanceof Error ? cause : new Error(String(cause));
    }
    this.#busy[planSlot] = 0;
    this.onComplete(planSlot, error);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#arena.free(this.#scratch);
  }
}

/** What a blend worker starts with: the plans, the frame memory, and its own scratch frame. */
export interface BlendWorkerData {
  plans: SharedArrayBuffer;
  memory: WasmMemory;
  /** Byte offset of this worker's scratch frame (layout.slotBytes bytes) in the memory. */
  scratch: number;
  /** Byte offset of this worker's scale line buffers (scaleScratchBytes(layout.width)). */
  scaleScratch: number;
  layout: FrameLayout;
}

/** Messages to a blend worker. `run` is a plain array: [planSlot, bandY0, bandY1, seq]. */
export type BlendWorkerMessage =
  | { type: 'register'; pool: PoolDescriptor }
  | { type: 'unregister'; poolId: number }
  | { type: 'close' }
  | [number, number, number, number];

/** Replies: the seq of a finished band, or a failure. */
export type BlendWorkerReply = number | { type: 'error'; seq: number; message: string };

/**
 * The blend worker's script. Run from source (Node's type stripping: `studio serve`, tests) it is
 * blend-worker.ts beside this file; in the app bundle this module lives in out/main/index.js and
 * electron.vite.config.ts builds the worker as its own entry, out/main/blend-worker.js.
 */
export function defaultBlendWorkerUrl(moduleUrl: string = import.meta.url): URL {
  return new URL(moduleUrl.endsWith('.ts') ? './blend-worker.ts' : './blend-worker.js', moduleUrl);
}

export interface WorkerExecutorOptions {
  layout: FrameLayout;
  /** Worker threads; default 2 (one band each). */
  workers?: number;
  /** Plans in flight at once; default 2 (one composing, one queued behind it). */
  planSlots?: number;
  /** Split each frame by estimated work (default) instead of into equal row counts. */
  balanceBands?: boolean;
  /** Grace period for close() before the workers are terminated. */
  closeTimeoutMs?: number;
  /** Override for tests; default the blend worker next to this module (see defaultBlendWorkerUrl). */
  workerUrl?: URL;
}

export interface WorkerExecutorStats {
  workers: number;
  runs: number;
  failedRuns: number;
  workerRestarts: number;
}

interface WorkerSlot {
  worker: Worker;
  index: number;
}

export class WorkerExecutor implements PlanExecutor {
  readonly plans: Int32Array;
  readonly planSlots: number;
  onComplete: PlanCompletion = noCompletion;
  readonly #edges: number[];
  readonly #workers: WorkerSlot[] = [];
  readonly #pools = new Map<number, PoolDescriptor>();
  /** Bands still running per plan slot; 0 = free, −1 = acquired but not run yet. */
  readonly #pending: Int32Array;
  readonly #seq: Float64Array;
  readonly #runMessages: [number, number, number, number][][];
  readonly #workerUrl: URL;
  readonly #closeTimeoutMs: number;
  readonly #layout: FrameLayout;
  readonly #balance: boolean;
  readonly #rowCost: Float64Array;
  readonly #bandScratch: Int32Array;
  readonly #hasAlpha = (poolId: number): boolean => this.#pools.get(poolId)?.layout.alpha ?? true;
  readonly #arena: FrameArena;
  /** One scratch frame per worker (fades), consecutive in the frame memory, then each worker's scale line buffers; freed by close(). */
  readonly #scratch: number;
  readonly #workerTotal: number;
  #nextSeq = 1;
  #closed = false;
  #runs = 0;
  #failedRuns = 0;
  #restarts = 0;

  constructor(options: WorkerExecutorOptions) {
    const workers = options.workers ?? 2;
    if (!Number.isInteger(workers) || workers < 1 || workers > 32) {
      throw new CompositorError('BAD_OPTION', `workers must be 1..32, got ${workers}`, { field: 'workers' });
    }
    this.planSlots = options.planSlots ?? 2;
    this.plans = allocatePlans(this.planSlots);
    this.#edges = bandEdges(options.layout.height, workers);
    this.#layout = options.layout;
    this.#balance = options.balanceBands ?? true;
    this.#rowCost = new Float64Array(options.layout.height / 2);
    this.#bandScratch = new Int32Array(workers + 1);
    this.#pending = new Int32Array(this.planSlots);
    this.#seq = new Float64Array(this.planSlots);
    this.#workerUrl = options.workerUrl ?? defaultBlendWorkerUrl();
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 2000;
    this.#arena = frameArena();
    this.#workerTotal = workers;
    this.#scratch = this.#arena.allocate((options.layout.slotBytes + scaleScratchBytes(options.layout.width)) * workers);
    this.#runMessages = [];
    for (let s = 0; s < this.planSlots; s++) {
      const perWorker: [number, number, number, number][] = [];
      for (let w = 0; w < workers; w++) perWorker.push([s, this.#edges[w]!, this.#edges[w + 1]!, 0]);
      this.#runMessages.push(perWorker);
    }
    for (let w = 0; w < workers; w++) this.#workers.push({ worker: this.#spawn(w), index: w });
  }

  #spawn(index: number): Worker {
    const workerData: BlendWorkerData = {
      plans: this.plans.buffer as SharedArrayBuffer,
      memory: this.#arena.memory,
      scratch: this.#scratch + index * this.#layout.slotBytes,
      scaleScratch: this.#scratch + this.#workerTotal * this.#layout.slotBytes + index * scaleScratchBytes(this.#layout.width),
      layout: this.#layout,
    };
    const worker = new Worker(this.#workerUrl, { workerData, name: `blend-${index}` });
    worker.on('message', (reply: BlendWorkerReply) => this.#onReply(reply));
    worker.on('error', (error) => this.#onWorkerFailure(index, worker, error));
    worker.on('exit', (code) => {
      if (!this.#closed) this.#onWorkerFailure(index, worker, new Error(`blend worker ${index} exited with code ${code}`));
    });
    for (const pool of this.#pools.values()) worker.postMessage({ type: 'register', pool } satisfies BlendWorkerMessage);
    return worker;
  }

  #slotOfSeq(seq: number): number {
    for (let s = 0; s < this.planSlots; s++) if (this.#seq[s] === seq && this.#pending[s]! > 0) return s;
    return -1;
  }

  #onReply(reply: BlendWorkerReply): void {
    if (this.#closed) return; // close() fails what is still in flight once the workers are gone
    if (typeof reply === 'number') {
      const slot = this.#slotOfSeq(reply);
      if (slot < 0) return; // a band of a run already failed and completed
      if (--this.#pending[slot]! === 0) this.onComplete(slot, null);
      return;
    }
    const slot = this.#slotOfSeq(reply.seq);
    if (slot < 0) return;
    this.#fail(slot, new CompositorError('WORKER_FAILED', `blend worker failed: ${reply.message}`));
  }

  #fail(slot: number, error: Error): void {
    this.#pending[slot] = 0;
    this.#seq[slot] = 0;
    this.#failedRuns++;
    this.onComplete(slot, error);
  }

  #onWorkerFailure(index: number, worker: Worker, cause: unknown): void {
    const entry = this.#workers[index];
    if (!entry || entry.worker !== worker || this.#closed) return;
    const error = new CompositorError('WORKER_FAILED', `blend worker ${index} failed`, { cause });
    // Its bands will never report: fail every run in flight, then replace the worker.
    for (let s = 0; s < this.planSlots; s++) if (this.#pending[s]! > 0) this.#fail(s, error);
    void worker.terminate();
    this.#restarts++;
    entry.worker = this.#spawn(index);
  }

  get workerCount(): number {
    return this.#workers.length;
  }

  register(pool: PoolDescriptor): void {
    if (this.#closed) throw new CompositorError('CLOSED', 'the blend workers are closed');
    const descriptor: PoolDescriptor = { id: pool.id, byteOffset: pool.byteOffset, layout: pool.layout, count: pool.count };
    this.#pools.set(pool.id, descriptor);
    for (const { worker } of this.#workers) worker.postMessage({ type: 'register', pool: descriptor } satisfies BlendWorkerMessage);
  }

  /** Call only when no plan in flight reads the pool (the compositor holds references until then). */
  unregister(poolId: number): void {
    if (!this.#pools.delete(poolId) || this.#closed) return;
    for (const { worker } of this.#workers) worker.postMessage({ type: 'unregister', poolId } satisfies BlendWorkerMessage);
  }

  acquirePlanSlot(): number {
    if (this.#closed) return -1;
    for (let s = 0; s < this.planSlots; s++) {
      if (this.#pending[s] === 0) {
        this.#pending[s] = -1;
        return s;
      }
    }
    return -1;
  }

  releasePlanSlot(planSlot: number): void {
    if (this.#pending[planSlot] === -1) this.#pending[planSlot] = 0;
  }

  run(planSlot: number): void {
    if (this.#closed) {
      this.#pending[planSlot] = 0;
      this.onComplete(planSlot, new CompositorError('CLOSED', 'the blend workers are closed'));
      return;
    }
    const seq = this.#nextSeq++;
    this.#seq[planSlot] = seq;
    this.#pending[planSlot] = this.#workers.length;
    this.#runs++;
    const messages = this.#runMessages[planSlot]!;
    const workers = this.#workers.length;
    if (this.#balance) balancedBandEdges(this.plans, planSlot, this.#layout, workers, this.#rowCost, this.#bandScratch, this.#hasAlpha);
    for (let w = 0; w < workers; w++) {
      const message = messages[w]!;
      if (this.#balance) {
        message[1] = this.#bandScratch[w]!;
        message[2] = this.#bandScratch[w + 1]!;
      }
      message[3] = seq;
      this.#workers[w]!.worker.postMessage(message);
    }
  }

  stats(): WorkerExecutorStats {
    return { workers: this.#workers.length, runs: this.#runs, failedRuns: this.#failedRuns, workerRestarts: this.#restarts };
  }

  /**
   * Asks the workers to finish, then terminates those still alive after the grace period. Runs
   * still in flight fail with CLOSED only once no worker runs any more: until then a worker may
   * still touch the frames they hold, and those frames' memory must not be handed on.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(
      this.#workers.map(async ({ worker }) => {
        const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        worker.postMessage({ type: 'close' } satisfies BlendWorkerMessage);
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timedOut = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), this.#closeTimeoutMs);
        });
        const late = await Promise.race([exited.then(() => false), timedOut]);
        clearTimeout(timer);
        if (late) await worker.terminate();
      }),
    );
    const closed = new CompositorError('CLOSED', 'the blend workers are closed');
    for (let s = 0; s < this.planSlots; s++) if (this.#pending[s]! > 0) this.#fail(s, closed);
    this.#arena.free(this.#scratch);
  }
}
