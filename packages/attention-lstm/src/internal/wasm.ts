/**
 * The WebAssembly SIMD kernels (wasm/kernels.wat, shipped as base64 in wasm-binary.ts) and a
 * fixed-size arena over their memory. The arena never grows, so float32 views into it stay valid
 * for the life of the model.
 *
 * @module
 */
import { KERNELS_WASM_BASE64 } from './wasm-binary.js';

interface KernelExports {
  linear(
    x: number,
    xS: number,
    rows: number,
    inDim: number,
    w: number,
    outDim: number,
    b: number,
    y: number,
    yS: number,
  ): void;
  lstmCell(
    g: number,
    cPrev: number,
    hasPrev: number,
    c: number,
    tc: number,
    h: number,
    H: number,
  ): void;
  attend(
    q: number,
    K: number,
    kS: number,
    V: number,
    vS: number,
    n: number,
    nh: number,
    dh: number,
    scale: number,
    sc: number,
    out: number,
  ): void;
}

/** The slice of the WebAssembly JS API used here (the project's lib settings include no DOM types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (d: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;
let enabled = true;

/**
 * Turns the WebAssembly SIMD kernels on or off for float32 models and streams created afterwards
 * (on by default where the runtime supports WebAssembly SIMD). Off, everything runs in plain
 * JavaScript; results agree to float32 rounding.
 *
 * @param on - whether new float32 models may use the SIMD kernels
 *
 * @example
 * ```ts
 * useSimdKernels(false); // e.g. to compare against the JavaScript path
 * ```
 */
export function useSimdKernels(on: boolean): void {
  enabled = on;
}

/**
 * Whether this runtime can run the WebAssembly SIMD kernels (regardless of {@link useSimdKernels}).
 * @returns true when the kernels module compiles here
 */
export function simdKernelsAvailable(): boolean {
  return kernelsModule() !== null;
}

function kernelsModule(): object | null {
  if (compiled === undefined) {
    if (WA === undefined) {
      compiled = null;
      return null;
    }
    try {
      const bin = atob(KERNELS_WASM_BASE64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      compiled = WA.validate(bytes) ? new WA.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled ?? null;
}

/** A bump allocator of float32 arrays inside one kernel instance's memory. */
export class WasmArena {
  /** The kernels, bound to this arena's memory. */
  readonly k: KernelExports;
  private readonly buffer: ArrayBuffer;
  private next = 16;
  private readonly limit: number;

  private constructor(memory: { buffer: ArrayBuffer }, k: KernelExports, bytes: number) {
    this.k = k;
    this.buffer = memory.buffer;
    this.limit = bytes;
  }

  /**
   * An arena for at least `floats` float32 values plus `buffers` allocations of alignment slack,
   * or null when WebAssembly SIMD is unavailable or disabled.
   */
  static create(floats: number, buffers: number): WasmArena | null {
    if (!enabled) return null;
    const mod = kernelsModule();
    if (mod === null || WA === undefined) return null;
    const bytes = floats * 4 + buffers * 16 + 64;
    const pages = Math.ceil(bytes / 65536);
    try {
      const memory = new WA.Memory({ initial: pages, maximum: pages });
      const inst = new WA.Instance(mod, { env: { memory } });
      return new WasmArena(memory, inst.exports as unknown as KernelExports, pages * 65536);
    } catch {
      return null;
    }
  }

  /** A zeroed, 16-byte aligned float32 array of n elements in the arena. */
  alloc(n: number): Float32Array {
    const start = this.next;
    const end = start + n * 4;
    if (end > this.limit) throw new RangeError('wasm arena exhausted');
    this.next = (end + 15) & ~15;
    return new Float32Array(this.buffer, start, n);
  }

  /** True when `a` lives in this arena. */
  owns(a: Float32Array | Float64Array): boolean {
    return a.buffer === this.buffer;
  }
}
