import { readFileSync } from 'node:fs';
import { expectArraysClose, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { Kern } from '../src/internal/kern.js';
import { strided } from '../src/internal/kernels.js';
import { WasmArena } from '../src/internal/wasm.js';
import { KERNELS_WASM_BASE64 } from '../src/internal/wasm-binary.js';

describe('WebAssembly SIMD kernels', () => {
  it('the shipped binary is exactly wasm/kernels.wat compiled (no stale build)', async () => {
    const wabt = await wabtInit();
    const wat = readFileSync(new URL('../wasm/kernels.wat', import.meta.url), 'utf8');
    const mod = wabt.parseWat('kernels.wat', wat, { simd: true });
    const { buffer } = mod.toBinary({});
    expect(Buffer.from(buffer).toString('base64')).toBe(KERNELS_WASM_BASE64);
  });

  it('linear matches the JavaScript kernel for any shape, tails and aliasing included (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 19 }),
        fc.integer({ min: 1, max: 13 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }),
        (rows, inDim, outDim, alias, seed) => {
          const arena = WasmArena.create(
            rows * inDim + outDim * inDim + 2 * rows * outDim + outDim,
            8,
          )!;
          const fill = (a: Float32Array, s: number) => {
            for (let i = 0; i < a.length; i++) a[i] = Math.sin(s + i * 1.7) * 2;
          };
          const x = arena.alloc(rows * inDim);
          const w = arena.alloc(outDim * inDim);
          const b = arena.alloc(outDim);
          const y = arena.alloc(rows * outDim);
          fill(x, seed);
          fill(w, seed + 1);
          fill(b, seed + 2);
          fill(y, seed + 3);
          const yJs = Float32Array.from(y);
          const bias = alias ? y : b;
          const biasJs = alias ? yJs : Float32Array.from(b);
          const n = alias ? 1 : rows;
          const xv = strided(x, 0, inDim);
          const wv = strided(w, 0, inDim);
          new Kern(arena).lin(xv, wv, strided(bias), strided(y, 0, outDim), n, inDim, outDim);
          new Kern(null).lin(xv, wv, strided(biasJs), strided(yJs, 0, outDim), n, inDim, outDim);
          expectArraysClose(y, yJs, { atol: 1e-5, rtol: 1e-5 }, 'linear');
        },
      ),
      fcParams({ numRuns: 60 }),
    );
  });

  it('the LSTM cell (SIMD exp, sigmoid, tanh) matches Math within 2e-7 over the whole range', () => {
    const H = 64;
    const arena = WasmArena.create(4 * H * 2 + 8 * H, 16)!;
    const G = arena.alloc(4 * H);
    const cPrev = arena.alloc(H);
    const C = arena.alloc(H);
    const TC = arena.alloc(H);
    const Hs = arena.alloc(H);
    const Gj = new Float32Array(4 * H);
    const Cj = new Float32Array(H);
    const TCj = new Float32Array(H);
    const Hj = new Float32Array(H);
    for (const scale of [0.01, 1, 5, 30, 200]) {
      for (let i = 0; i < 4 * H; i++) G[i] = Math.sin(i * 12.9898) * scale;
      for (let j = 0; j < H; j++) cPrev[j] = Math.cos(j * 3.1) * scale;
      Gj.set(G);
      const cp = strided(cPrev);
      new Kern(null).cell(strided(Gj), cp, strided(Cj), strided(TCj), strided(Hj), H);
      new Kern(arena).cell(strided(G), cp, strided(C), strided(TC), strided(Hs), H);
      expectArraysClose(G, Gj, { atol: 2e-7 }, `gates at scale ${scale}`);
      expectArraysClose(C, Cj, { atol: 2e-7, rtol: 2e-7 }, `c at scale ${scale}`);
      expectArraysClose(Hs, Hj, { atol: 2e-7 }, `h at scale ${scale}`);
    }
  });

  it('single-query attention matches the JavaScript kernel (strided keys, any n, property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 23 }),
        fc.constantFrom(1, 2, 4),
        fc.constantFrom(4, 8),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 1000 }),
        (n, nh, dh, pad, seed) => {
          const H = nh * dh;
          const stride = H + pad;
          const arena = WasmArena.create(H + 2 * n * stride + 2 * nh * n + 2 * H, 10)!;
          const q = arena.alloc(H);
          const K = arena.alloc(n * stride);
          const V = arena.alloc(n * stride);
          const sc = arena.alloc(nh * n);
          const out = arena.alloc(H);
          for (let i = 0; i < H; i++) q[i] = Math.sin(seed + i) * 3;
          for (let i = 0; i < n * stride; i++) {
            K[i] = Math.cos(seed * 0.3 + i * 0.7) * 3;
            V[i] = Math.sin(seed * 0.1 + i * 1.3);
          }
          const scJs = new Float32Array(nh * n);
          const outJs = new Float32Array(H);
          const scale = 1 / Math.sqrt(dh);
          const [qv, kv, vv] = [strided(q), strided(K, 0, stride), strided(V, 0, stride)];
          new Kern(arena).attend(qv, kv, vv, strided(out), sc, n, nh, dh, scale);
          new Kern(null).attend(qv, kv, vv, strided(outJs), scJs, n, nh, dh, scale);
          expectArraysClose(sc, scJs, { atol: 1e-6 }, 'probabilities');
          expectArraysClose(out, outJs, { atol: 1e-6 }, 'output');
        },
      ),
      fcParams({ numRuns: 60 }),
    );
  });
});
