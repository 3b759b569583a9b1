// The few WebAssembly APIs the compositor uses, typed here: TypeScript declares WebAssembly only
// in its DOM lib, which the node tsconfig leaves out. Node 24 and Electron both provide them.

/** A WebAssembly.Memory; ours is always shared, so `buffer` is a SharedArrayBuffer. */
export interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
  /** Adds `pages` of 64 KiB; returns the previous size in pages. Throws RangeError past the maximum. */
  grow(pages: number): number;
}

/** A compiled WebAssembly.Module (opaque). */
export interface WasmModule {
  readonly __wasmModule: unique symbol;
}

interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
}

const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export function sharedMemory(initialPages: number, maximumPages: number): WasmMemory {
  return new wasm.Memory({ initial: initialPages, maximum: maximumPages, shared: true });
}

/** Compiles synchronously (fine for a module of a few KiB; no await at a worker's start). */
export function compileModule(bytes: Uint8Array): WasmModule {
  return new wasm.Module(bytes);
}

export function instantiate(module: WasmModule, imports: Record<string, Record<string, unknown>>): Record<string, unknown> {
  return new wasm.Instance(module, imports).exports;
}
