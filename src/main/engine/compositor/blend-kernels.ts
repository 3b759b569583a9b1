// The blend kernels (blend-kernels.wat) instantiated over the shared frame memory. The module is
// compiled once per thread (new WebAssembly.Module is synchronous: no startup await in workers)
// and instantiated once per memory; calls pass byte offsets into that memory, so nothing on the
// per-frame path builds a view or an object.
import { BLEND_KERNELS_WASM_BASE64 } from './blend-kernels.generated.ts';
import { compileModule, instantiate } from './wasm.ts';
import type { WasmMemory, WasmModule } from './wasm.ts';

/** The exports of blend-kernels.wat. Pointers are byte offsets into the frame memory. */
export interface BlendKernels {
  /** `length` bytes at dst set to value. */
  fill(dst: number, value: number, length: number): void;
  /** A width × rows block copied as it is. */
  copy_rows(dst: number, dstStride: number, src: number, srcStride: number, width: number, rows: number): void;
  /** One plane blended by src's alpha plane (stride srcStride), scaled by opacity < 255. */
  blend_alpha(dst: number, dstStride: number, src: number, srcStride: number, alpha: number, width: number, rows: number, opacity: number): void;
  /** U and V together with the one subsampled alpha they share. */
  blend_alpha_pair(
    dstU: number,
    dstV: number,
    dstStride: number,
    srcU: number,
    srcV: number,
    srcStride: number,
    alpha: number,
    width: number,
    rows: number,
    opacity: number,
  ): void;
  /** One plane blended with one weight a for every sample (constant opacity, fades). */
  blend_constant(dst: number, dstStride: number, src: number, srcStride: number, width: number, rows: number, a: number): void;
  /**
   * Rows [row, row + rows) of a scaled plane (table: a plane table of scale-tables.ts) drawn at
   * dst from the plane at src, by its alpha plane (same stride) when hasAlpha, scaled by opacity.
   * scratch: a source row and 32 bytes (the vertical mix); scaled, scaledAlpha: a destination row
   * each; all this core's own.
   */
  scale_rows(
    dst: number,
    dstStride: number,
    src: number,
    srcStride: number,
    alpha: number,
    hasAlpha: number,
    table: number,
    row: number,
    rows: number,
    scratch: number,
    scaled: number,
    scaledAlpha: number,
    opacity: number,
  ): void;
}

let compiled: WasmModule | null = null;

/** The compiled kernel module of this thread. */
export function blendKernelModule(): WasmModule {
  compiled ??= compileModule(Buffer.from(BLEND_KERNELS_WASM_BASE64, 'base64'));
  return compiled;
}

const instances = new WeakMap<WasmMemory, BlendKernels>();

/** The kernels working on `memory` (one instance per memory and thread). */
export function blendKernels(memory: WasmMemory): BlendKernels {
  let kernels = instances.get(memory);
  if (!kernels) {
    kernels = instantiate(blendKernelModule(), { env: { memory } }) as unknown as BlendKernels;
    instances.set(memory, kernels);
  }
  return kernels;
}
