import { readFileSync } from 'node:fs';
import type { L2Rows } from '@x/core';
import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { depthImbalanceBatch, multiLevelOfiBatch } from '../src/index.js';
import { batchWasm, batchWasmAvailable } from '../src/internal/batch-wasm.js';
import { BATCH_WASM_BASE64 } from '../src/internal/batch-wasm-binary.js';

/** Odd values that hit every branch of the book rule and of the size checks. */
const ODD = [
  0,
  -0,
  -1,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1e300,
  6e299,
];

/** A batch of mostly valid books (ties between rows included), with corrupted cells. */
function makeRows(
  r: number,
  n: number,
  seed: number,
  corrupt: number,
  withTs: boolean,
): L2Rows & { ts?: Float64Array } {
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const bp = new Float64Array(r * n);
  const bs = new Float64Array(r * n);
  const ap = new Float64Array(r * n);
  const as = new Float64Array(r * n);
  const ts = new Float64Array(r);
  let t = 0;
  for (let i = 0; i < r; i++) {
    const mid = 100 + Math.floor(rnd() * 3);
    const usedB = Math.floor(rnd() * (n + 1));
    const usedA = Math.floor(rnd() * (n + 1));
    for (let k = 0; k < n; k++) {
      const o = i * n + k;
      bp[o] = mid - 1 - k;
      ap[o] = mid + k + (rnd() < 0.1 ? 0 : 1); // sometimes locked at the mid
      bs[o] = k < usedB ? 1 + Math.floor(rnd() * 4) : 0;
      as[o] = k < usedA ? 1 + Math.floor(rnd() * 4) : 0;
    }
    t += rnd() < 0.05 ? -1 : rnd() < 0.5 ? 0 : 1;
    ts[i] = rnd() < 0.01 ? ODD[Math.floor(rnd() * ODD.length)]! : t;
    if (rnd() < corrupt) {
      const arr = [bp, bs, ap, as][Math.floor(rnd() * 4)]!;
      const o = i * n + Math.floor(rnd() * n);
      arr[o] =
        rnd() < 0.7 ? ODD[Math.floor(rnd() * ODD.length)]! : arr[o]! + (rnd() < 0.5 ? 1 : -1);
    }
  }
  return {
    rows: r,
    levels: n,
    bidPrice: bp,
    bidSize: bs,
    askPrice: ap,
    askSize: as,
    ...(withTs ? { ts } : {}),
  };
}

/** Runs `f` with the kernel on and off; both outcomes (value or error) for comparison. */
function both<T>(f: () => T): [unknown, unknown] {
  const run = (on: boolean) => {
    batchWasm.enabled = on;
    try {
      return { ok: f() };
    } catch (e) {
      const v = e as {
        name: string;
        message: string;
        field?: string;
        value?: unknown;
        details?: unknown;
      };
      return { error: [v.name, v.message, v.field, v.value, v.details] };
    } finally {
      batchWasm.enabled = true;
    }
  };
  return [run(true), run(false)];
}

/** Exact equality of typed arrays, the sign of zero and NaN included (through the bytes). */
function bits(x: unknown): unknown {
  if (x instanceof Float64Array || x instanceof Uint8Array) {
    return Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('hex');
  }
  if (x !== null && typeof x === 'object') {
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, bits(v)]));
  }
  return x;
}

describe('batch WebAssembly SIMD kernels', () => {
  afterEach(() => {
    batchWasm.enabled = true;
  });

  it('run in this runtime (so the properties below compare two different kernels)', () => {
    expect(batchWasmAvailable()).toBe(true);
  });

  it('the shipped binary is exactly wasm/batch.wat assembled (no stale build)', async () => {
    const wabt = await wabtInit();
    const wat = readFileSync(new URL('../wasm/batch.wat', import.meta.url), 'utf8');
    const mod = wabt.parseWat('batch.wat', wat, { simd: true, bulk_memory: true });
    const { buffer } = mod.toBinary({});
    expect(Buffer.from(buffer).toString('base64')).toBe(BATCH_WASM_BASE64);
  });

  it('multi-level OFI: WebAssembly == JavaScript bit for bit, skips and first errors included (property)', () => {
    const seen = { errors: 0, nonzero: 0, skips: 0 };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.constantFrom(0, 0.05, 0.3),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom('skip' as const, 'throw' as const),
        (r, n, mRaw, seed, corrupt, withTs, allowLocked, onInvalid) => {
          const rows = makeRows(r, n, seed, corrupt, withTs);
          const levels = Math.min(mRaw, n);
          const [a, b] = both(() => multiLevelOfiBatch(rows, { levels, allowLocked, onInvalid }));
          expect(bits(a)).toEqual(bits(b));
          const res = (a as { ok?: { ofi: Float64Array; skipped: number } }).ok;
          if (res === undefined) seen.errors++;
          else {
            if (res.ofi.some((e) => e !== 0)) seen.nonzero++;
            if (res.skipped > 0) seen.skips++;
          }
        },
      ),
      fcParams({ numRuns: 300 }),
    );
    // the cases compared were not all trivial
    expect(Math.min(seen.errors, seen.nonzero, seen.skips)).toBeGreaterThan(0);
  });

  it('multi-level OFI: the same over many chunks (the previous row carried across)', () => {
    for (const [n, m, seed] of <[number, number, number][]>[
      [10, 10, 1],
      [7, 3, 2],
      [1, 1, 3],
      [40, 25, 4],
    ]) {
      const rows = makeRows(9001, n, seed, 0.03, true);
      for (const onInvalid of ['skip', 'throw'] as const) {
        const [a, b] = both(() => multiLevelOfiBatch(rows, { levels: m, onInvalid }));
        expect(bits(a)).toEqual(bits(b));
      }
      const [a, b] = both(() => multiLevelOfiBatch(rows, { levels: m, onInvalid: 'skip' }));
      expect((a as { ok: { skipped: number } }).ok.skipped).toBeGreaterThan(0);
      expect(bits(a)).toEqual(bits(b));
    }
  });

  it('depth imbalance: WebAssembly == JavaScript bit for bit, first errors included (property)', () => {
    const seen = { errors: 0, nonzero: 0 };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.constantFrom(0, 0.02, 0.3),
        fc.constantFrom('equal', 'decay', 'zeros', 'huge'),
        (r, n, levels, seed, corrupt, kind) => {
          const rows = makeRows(r, n, seed, corrupt, false);
          const weights = Array.from({ length: levels }, (_, j) =>
            kind === 'equal'
              ? 1
              : kind === 'decay'
                ? Math.exp(-0.3 * j)
                : kind === 'zeros'
                  ? j % 2
                  : 1e299,
          );
          const [a, b] = both(() => depthImbalanceBatch(rows, { levels, weights }));
          expect(bits(a)).toEqual(bits(b));
          const res = (a as { ok?: Float64Array }).ok;
          if (res === undefined) seen.errors++;
          else if (res.some((x) => x !== 0)) seen.nonzero++;
        },
      ),
      fcParams({ numRuns: 300 }),
    );
    expect(Math.min(seen.errors, seen.nonzero)).toBeGreaterThan(0);
  });

  it('very long rows: OFI falls back to the JavaScript kernel (too large for the kernel memory), both stay exact', () => {
    const n = 300_000;
    const rows = makeRows(2, n, 7, 0, true);
    rows.bidPrice.copyWithin(n, 0, n); // the same prices in both rows
    rows.askPrice.copyWithin(n, 0, n);
    rows.bidSize.fill(0);
    rows.askSize.fill(0);
    rows.bidSize[0] = 2;
    rows.bidSize[n] = 3; // row 1: one more lot at the best bid
    rows.askSize[0] = rows.askSize[n] = 1;
    const r = multiLevelOfiBatch(rows, { levels: 2 });
    expect(Array.from(r.ofi)).toEqual([0, 0, 1, 0]);
    expect(Array.from(depthImbalanceBatch(rows, { levels: 1 }))).toEqual([1 / 3, 0.5]);
  });

  it('depth imbalance: the same over many chunks, odd row counts included', () => {
    for (const [r, n, seed] of <[number, number, number][]>[
      [20001, 10, 5],
      [9999, 3, 6],
    ]) {
      const clean = makeRows(r, n, seed, 0, false);
      const [a, b] = both(() => depthImbalanceBatch(clean, { levels: 5, decay: 0.2 }));
      expect((a as { ok: Float64Array }).ok.length).toBe(r);
      expect(bits(a)).toEqual(bits(b));
      const dirty = makeRows(r, n, seed, 0.001, false);
      const [c, d] = both(() => depthImbalanceBatch(dirty, { levels: 5 }));
      expect((c as { error: unknown[] }).error[0]).toBe('ValidationError');
      expect(bits(c)).toEqual(bits(d));
    }
  });
});
