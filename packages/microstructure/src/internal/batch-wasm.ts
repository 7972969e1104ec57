/**
 * The WebAssembly SIMD kernels of the batch functions (wasm/batch.wat, shipped as base64 in
 * batch-wasm-binary.ts), and the drivers that stream a batch through them in cache-sized chunks:
 * each chunk of rows is copied into the kernel's memory, processed there, and its outputs copied
 * back. The kernels compute the same float64 operations in the same order as the JavaScript
 * kernels, so the results are bit-identical; the drivers return `false` (and the caller runs the
 * JavaScript kernel) when WebAssembly SIMD is unavailable, switched off, or a row is too large.
 *
 * @module
 */
import type { L2Rows } from '@x/core';
import { BATCH_WASM_BASE64 } from './batch-wasm-binary.js';

interface BatchExports {
  ofiRows(
    bp: number,
    bs: number,
    ap: number,
    as: number,
    ts: number,
    hasTs: number,
    lo: number,
    hi: number,
    n: number,
    m: number,
    allowLocked: number,
    stop: number,
    out: number,
    dep: number,
    acc: number,
    st: number,
  ): number;
  imbRows(
    bs: number,
    as: number,
    lo: number,
    hi: number,
    n: number,
    k: number,
    w: number,
    out: number,
  ): number;
}

/** The slice of the WebAssembly JS API used here (the project's lib settings include no DOM types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (d: { initial: number; maximum: number }) => WasmMemory;
}
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
const PAGE = 65536;
/** Bytes of kernel memory a chunk aims at (inputs and outputs stay in the L2 cache). */
const CHUNK_BYTES = 192 * 1024;
/** Largest kernel memory the drivers grow to (rows needing more run in JavaScript). */
const MAX_BYTES = 64 * 1024 * 1024;

interface Kernel {
  k: BatchExports;
  memory: WasmMemory;
}
let kernel: Kernel | null | undefined;

/** Whether the batch functions may use the WebAssembly kernels (tests switch it off to compare). */
export const batchWasm = { enabled: true };

function getKernel(bytes: number): Kernel | null {
  if (!batchWasm.enabled || bytes > MAX_BYTES) return null;
  if (kernel === undefined) {
    kernel = null;
    if (WA !== undefined) {
      try {
        const bin = atob(BATCH_WASM_BASE64);
        const code = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) code[i] = bin.charCodeAt(i);
        if (WA.validate(code)) {
          const memory = new WA.Memory({ initial: 4, maximum: MAX_BYTES / PAGE });
          const inst = new WA.Instance(new WA.Module(code), { env: { memory } });
          kernel = { k: inst.exports as BatchExports, memory };
        }
      } catch {
        kernel = null;
      }
    }
  }
  if (kernel === null) return null;
  const have = kernel.memory.buffer.byteLength;
  if (have < bytes) {
    try {
      kernel.memory.grow(Math.ceil((bytes - have) / PAGE));
    } catch {
      return null; // out of memory: the JavaScript kernel runs instead
    }
  }
  return kernel;
}

/** Whether this runtime runs the batch kernels in WebAssembly SIMD. */
export function batchWasmAvailable(): boolean {
  return getKernel(0) !== null;
}

const align = (x: number): number => (x + 15) & ~15;

/**
 * Depth-mode multi-level OFI of every row through the kernel, into `out` (rows × m), `depth` and
 * `acc`, with the skip policy unless `stop`. Returns the number of skipped rows; with `stop`, the
 * index of the first invalid row as `-(row + 1)` (outputs then partial); `null` when the kernel
 * cannot run (nothing written).
 */
export function ofiRowsWasm(
  rows: L2Rows,
  m: number,
  allowLocked: boolean,
  stop: boolean,
  out: Float64Array,
  depth: Float64Array,
  acc: Uint8Array,
): number | null {
  const { rows: r, levels: n, bidPrice, bidSize, askPrice, askSize, ts } = rows;
  const rowBytes = 32 * n + 8 + 8 * m + 8 + 1;
  const c = Math.max(16, Math.min(r, Math.floor(CHUNK_BYTES / rowBytes)));
  const region = align((c + 1) * n * 8 + 16);
  const base = 16;
  const tsOff = base + 4 * region;
  const outOff = tsOff + align(c * 8);
  const depOff = outOff + align(c * m * 8);
  const accOff = depOff + align(c * 8);
  const stOff = accOff + align(c);
  const kn = getKernel(stOff + 16);
  if (kn === null) return null;
  const k = kn.k;
  const buf = kn.memory.buffer;
  const f64 = new Float64Array(buf);
  const u8 = new Uint8Array(buf);
  const i32 = new Int32Array(buf);
  const srcs = [bidPrice, bidSize, askPrice, askSize];
  f64[stOff >> 3] = Number.NEGATIVE_INFINITY;
  i32[(stOff >> 2) + 2] = -1;
  i32[(stOff >> 2) + 3] = 0;
  for (let c0 = 0; c0 < r; c0 += c) {
    const len = Math.min(c, r - c0);
    for (let s = 0; s < 4; s++) {
      f64.set(srcs[s]!.subarray(c0 * n, (c0 + len) * n), ((base + s * region) >> 3) + n);
    }
    if (ts !== undefined) f64.set(ts.subarray(c0, c0 + len), tsOff >> 3);
    const end = k.ofiRows(
      base,
      base + region,
      base + 2 * region,
      base + 3 * region,
      tsOff,
      ts === undefined ? 0 : 1,
      1,
      len + 1,
      n,
      m,
      allowLocked ? 1 : 0,
      stop ? 1 : 0,
      outOff,
      depOff,
      accOff,
      stOff,
    );
    const done = end - 1;
    out.set(f64.subarray(outOff >> 3, (outOff >> 3) + done * m), c0 * m);
    depth.set(f64.subarray(depOff >> 3, (depOff >> 3) + done), c0);
    acc.set(u8.subarray(accOff, accOff + done), c0);
    if (done < len) return -(c0 + done + 1);
    // the previous accepted row moves to row 0 of each region for the next chunk
    const p = i32[(stOff >> 2) + 2]!;
    if (p > 0) {
      for (let s = 0; s < 4; s++) {
        const b = (base + s * region) >> 3;
        f64.copyWithin(b, b + p * n, b + (p + 1) * n);
      }
      i32[(stOff >> 2) + 2] = 0;
    }
  }
  return i32[(stOff >> 2) + 3]!;
}

/**
 * Sizes-only depth imbalance of every row through the kernel, into `out`. Rows the kernel flags
 * (and the last rows of a chunk, beyond a multiple of four) are computed by `exact(row)`, the JavaScript row function,
 * which throws the row's error. Returns false when the kernel cannot run (nothing written).
 */
export function imbalanceRowsWasm(
  bs: Float64Array,
  as: Float64Array,
  r: number,
  n: number,
  w: Float64Array,
  k: number,
  out: Float64Array,
  exact: (row: number) => number,
): boolean {
  const c = Math.max(4, Math.min(r, Math.floor(CHUNK_BYTES / (16 * n + 8)))) & ~3;
  const wOff = 16;
  const region = align(c * n * 8 + 16);
  const bsOff = wOff + align(k * 8);
  const asOff = bsOff + region;
  const outOff = asOff + region;
  const kn = getKernel(outOff + c * 8 + 16);
  if (kn === null) return false;
  const kr = kn.k;
  const f64 = new Float64Array(kn.memory.buffer);
  f64.set(w.subarray(0, k), wOff >> 3);
  const o = outOff >> 3;
  for (let c0 = 0; c0 < r; c0 += c) {
    const len = Math.min(c, r - c0);
    f64.set(bs.subarray(c0 * n, (c0 + len) * n), bsOff >> 3);
    f64.set(as.subarray(c0 * n, (c0 + len) * n), asOff >> 3);
    const quads = len & ~3;
    let lo = 0;
    while (lo < quads) {
      const s = kr.imbRows(bsOff, asOff, lo, quads, n, k, wOff, outOff);
      if (s >= quads) break;
      for (let q = s; q < s + 4; q++) f64[o + q] = exact(c0 + q);
      lo = s + 4;
    }
    for (let q = quads; q < len; q++) f64[o + q] = exact(c0 + q);
    out.set(f64.subarray(o, o + len), c0);
  }
  return true;
}
