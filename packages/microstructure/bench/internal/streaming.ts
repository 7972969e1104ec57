/**
 * The streaming part of the microstructure benchmark, shared by `bench/index.ts` and the A/B
 * driver `bench/streaming-ab.ts`: the generated L2 rows, the one reused snapshot the rows are
 * copied into, the timed-run harness (CPU time, GC events, bytes allocated in V8's young
 * generation) and the calculators measured, built from a module namespace so that the same cases
 * run against another checkout's sources.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { L2Rows, L2Snapshot } from '@x/core';
import { cst2010Rates, OrderFlowGenerator } from '@x/sim';
import type * as Lib from '../../src/index.js';

/** The package's public API (this checkout's, or another one's loaded by path). */
export type MicroLib = typeof Lib;

v8.setFlagsFromString('--expose-gc');
/** A forced full GC. */
const gc = vm.runInNewContext('gc') as () => void;

/** Levels per side of the generated books. */
export const N = 10;

let gcCount = 0;
const gcKinds: string[] = [];
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcCount++;
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
    gcKinds.push(
      kind === 1 ? 'minor' : kind === 2 ? 'major' : kind === 4 ? 'incremental' : `kind ${kind}`,
    );
  }
});
obs.observe({ entryTypes: ['gc'] });
const flushObserver = () => new Promise((r) => setTimeout(r, 50));
/** Stops observing GC events (so the process can exit). */
export function stopGcObserver(): void {
  obs.disconnect();
}

/** Generated books with timestamps. */
export type Rows = L2Rows & { ts: Float64Array };

/** `rows` ten-level L2 updates from the @x/sim Cont–Stoikov–Talreja generator (seed 2026). */
export function generate(rows: number): Rows {
  const gen = new OrderFlowGenerator({ seed: 2026, rates: cst2010Rates(N) });
  const out = {
    rows,
    levels: N,
    ts: new Float64Array(rows),
    bidPrice: new Float64Array(rows * N),
    bidSize: new Float64Array(rows * N),
    askPrice: new Float64Array(rows * N),
    askSize: new Float64Array(rows * N),
  };
  let i = 0;
  for (const s of gen.l2Snapshots(N, { count: rows })) {
    out.ts[i] = s.ts;
    out.bidPrice.set(s.bidPrice, i * N);
    out.bidSize.set(s.bidSize, i * N);
    out.askPrice.set(s.askPrice, i * N);
    out.askSize.set(s.askSize, i * N);
    i++;
  }
  return out;
}

const snap: L2Snapshot = {
  ts: 0,
  bidPrice: new Float64Array(N),
  bidSize: new Float64Array(N),
  askPrice: new Float64Array(N),
  askSize: new Float64Array(N),
};
/** Copies row `i` into the one reused snapshot and returns it. */
function load(d: Rows, i: number): L2Snapshot {
  const o = i * N;
  for (let k = 0; k < N; k++) {
    snap.bidPrice[k] = d.bidPrice[o + k]!;
    snap.bidSize[k] = d.bidSize[o + k]!;
    snap.askPrice[k] = d.askPrice[o + k]!;
    snap.askSize[k] = d.askSize[o + k]!;
  }
  snap.ts = d.ts[i]!;
  return snap;
}

/** One timed run. */
export interface RunResult {
  nsPerUpdate: number;
  cpuNsPerUpdate: number;
  gcEvents: number;
  heapDeltaKiB: number;
  /** Bytes allocated in V8's new space per update during the timed loop (exact when gcEvents is 0). */
  bytesPerUpdate: number;
}

/** Bytes in use in V8's young generation (every small allocation lands there first). */
function newSpaceUsed(): number {
  let used = 0;
  for (const sp of v8.getHeapSpaceStatistics()) {
    if (sp.space_name === 'new_space' || sp.space_name === 'new_large_object_space') {
      used += sp.space_used_size;
    }
  }
  return used;
}

/** Warms up, then times one fresh instance of `make` over `rows` updates. */
export async function run(
  name: string,
  make: () => (i: number) => void,
  rows: number,
  quiet = false,
): Promise<RunResult> {
  // warm-up: one instance over all rows, so that the JIT has seen every rare path (buffer
  // growth, periodic resync, burst ends, ...) and optimised code is stable; then a fresh instance
  // for the timed run over the same rows. The figures are steady state: a deoptimisation on a
  // path first met during the timed run would run unoptimised code for a while, and unoptimised
  // code boxes doubles (transient garbage that is the JIT's, not the algorithm's).
  const warm = make();
  for (let i = 0; i < rows; i++) warm(i);
  // then a second instance over the first rows: a calculator's first update takes paths (sizing
  // itself from the first book) that optimised code compiled after it has no feedback for, so a
  // fresh instance deoptimises them once; this second instance pays that, and V8 reoptimises
  // with the feedback, before the timed instance starts (a real stream creates its calculators
  // once, so this is a start-up cost, not a per-update one)
  const warm2 = make();
  for (let i = 0; i < Math.min(rows, 100_000); i++) warm2(i);
  const body = make();
  gc();
  await flushObserver();
  const heap0 = process.memoryUsage().heapUsed;
  const gc0 = gcCount;
  const c0 = process.cpuUsage();
  const a0 = newSpaceUsed();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rows; i++) body(i);
  const ns = Number(process.hrtime.bigint() - t0);
  const c1 = process.cpuUsage(c0);
  const a1 = newSpaceUsed();
  await flushObserver();
  const gcs = gcCount - gc0;
  const kinds = gcKinds.slice(gc0);
  gc();
  const heap1 = process.memoryUsage().heapUsed;
  if (!quiet) {
    process.stdout.write(`  ${name}: done${gcs > 0 ? ` (GC: ${kinds.join(', ')})` : ''}\n`);
  }
  return {
    nsPerUpdate: ns / rows,
    cpuNsPerUpdate: ((c1.user + c1.system) * 1000) / rows,
    gcEvents: gcs,
    heapDeltaKiB: (heap1 - heap0) / 1024,
    bytesPerUpdate: (a1 - a0) / rows,
  };
}

/** What the full feature set needs fitted beforehand (on the first 20% of the rows). */
export interface Trained {
  model: ReturnType<MicroLib['fitStoikovMicroPrice']>;
  iofi: InstanceType<MicroLib['IntegratedOfi']>;
}

/** Fits the Stoikov model and the integrated-OFI weights on the first 20% of the rows. */
export function train(lib: MicroLib, data: Rows): Trained {
  const rowsTrain = Math.floor(data.rows / 5);
  const q = {
    bidPrice: new Float64Array(rowsTrain),
    bidSize: new Float64Array(rowsTrain),
    askPrice: new Float64Array(rowsTrain),
    askSize: new Float64Array(rowsTrain),
  };
  for (let i = 0; i < rowsTrain; i++) {
    q.bidPrice[i] = data.bidPrice[i * N]!;
    q.bidSize[i] = data.bidSize[i * N]!;
    q.askPrice[i] = data.askPrice[i * N]!;
    q.askSize[i] = data.askSize[i * N]!;
  }
  const model = lib.fitStoikovMicroPrice(q, {
    tickSize: 1,
    imbalanceBuckets: 5,
    spreadStates: 3,
  });
  const batch = lib.multiLevelOfiBatch(
    {
      rows: rowsTrain,
      levels: N,
      ts: data.ts.subarray(0, rowsTrain),
      bidPrice: data.bidPrice.subarray(0, rowsTrain * N),
      bidSize: data.bidSize.subarray(0, rowsTrain * N),
      askPrice: data.askPrice.subarray(0, rowsTrain * N),
      askSize: data.askSize.subarray(0, rowsTrain * N),
    },
    { levels: N },
  );
  const winRows = Math.floor(rowsTrain / 100);
  const scaled = new Float64Array(winRows * N);
  for (let w = 0; w < winRows; w++) {
    let depth = 0;
    for (let r = w * 100; r < (w + 1) * 100; r++) {
      depth += batch.depth[r]!;
      for (let k = 0; k < N; k++) scaled[w * N + k]! += batch.ofi[r * N + k]!;
    }
    depth /= 100;
    for (let k = 0; k < N; k++) scaled[w * N + k] = depth > 0 ? scaled[w * N + k]! / depth : 0;
  }
  return { model, iofi: new lib.IntegratedOfi(N).fit(scaled, winRows) };
}

/**
 * Results are consumed into a typed accumulator (a double passed to a sink from a large closure
 * would be boxed by V8: allocation in the bench, not in the library); read it once per run, a
 * NaN anywhere makes it NaN.
 */
export const acc = new Float64Array(2);

/** The last instances the full-set case built (for queries after the timed run). */
export interface FullSetParts {
  surv: InstanceType<MicroLib['TopOfBookSurvival']>;
  twap: InstanceType<MicroLib['RollingTwap']>;
  bursts: InstanceType<MicroLib['CancelBurstDetector']>;
}

/** A named streaming case: `make` builds fresh calculators and returns the per-update body. */
export type Case = readonly [name: string, make: () => (i: number) => void];

/**
 * The streaming cases, in report order: the copy baseline, multi-level OFI, the full feature
 * set, then each calculator alone (each fed by its own small loop: a composed loop as large as
 * the full set may exceed V8's inlining budget, and a double passed to a call that is not inlined
 * is boxed).
 */
export function streamingCases(
  lib: MicroLib,
  data: Rows,
  t: Trained,
  parts: FullSetParts[] = [],
): Case[] {
  const { model, iofi } = t;
  return [
    [
      'copy baseline',
      () => (i) => {
        acc[0]! += load(data, i).bidSize[0]!;
      },
    ],
    [
      'multi-level OFI (10 levels)',
      () => {
        const ofi = new lib.MultiLevelOfi({ levels: N });
        return (i) => {
          ofi.update(load(data, i));
          acc[0]! += ofi.last[0]!;
        };
      },
    ],
    [
      'full feature set',
      () => {
        const ofi2 = new lib.MultiLevelOfi({ levels: N });
        const win = new lib.OfiWindow({ levels: N, events: 100 });
        const feats = new lib.BookFeatures({ tickSize: 1, levels: N, decay: 0.3, bandTicks: 5 });
        const mp = new lib.MicroPriceTracker({ model, horizons: [1, 10, 100] });
        const surv = new lib.TopOfBookSurvival();
        const twap = new lib.RollingTwap({ windowMs: 60_000 });
        const bursts = new lib.CancelBurstDetector({ levels: N, tauMs: 1000 });
        parts.push({ surv, twap, bursts });
        return (i: number) => {
          const b = load(data, i);
          ofi2.update(b);
          if (win.addFrom(ofi2) > 0) {
            acc[1]! += iofi.apply(win.completed, win.completedDepth);
          }
          feats.update(b);
          mp.update(b);
          surv.update(b);
          twap.updateMid(b);
          // cancels read off the L2 books: depth decreases at an unchanged price
          bursts.onBook(b);
          acc[0]! +=
            ofi2.last[0]! + feats.imbalance + feats.liquidityRatio + mp.price + mp.momentumEwma[2]!;
        };
      },
    ],
    [
      'MultiLevelOfi + OfiWindow.addFrom',
      () => {
        const o = new lib.MultiLevelOfi({ levels: N });
        const w = new lib.OfiWindow({ levels: N, events: 100 });
        return (i) => {
          const b = load(data, i);
          if (o.update(b)) w.addFrom(o);
        };
      },
    ],
    [
      'MultiLevelOfi + OfiWindow(100 ms)',
      () => {
        const o = new lib.MultiLevelOfi({ levels: N });
        const w = new lib.OfiWindow({ levels: N, ms: 100 });
        return (i) => {
          const b = load(data, i);
          if (o.update(b)) w.addFrom(o);
        };
      },
    ],
    [
      'BookFeatures',
      () => {
        const f = new lib.BookFeatures({ tickSize: 1, levels: N, decay: 0.3 });
        return (i) => {
          f.update(load(data, i));
        };
      },
    ],
    [
      'MicroPriceTracker (Stoikov)',
      () => {
        const f = new lib.MicroPriceTracker({ model, horizons: [1, 10, 100] });
        return (i) => {
          f.update(load(data, i));
        };
      },
    ],
    [
      'TopOfBookSurvival',
      () => {
        const f = new lib.TopOfBookSurvival();
        return (i) => {
          f.update(load(data, i));
        };
      },
    ],
    [
      'RollingTwap.updateMid',
      () => {
        const f = new lib.RollingTwap({ windowMs: 60_000 });
        return (i) => {
          f.updateMid(load(data, i));
        };
      },
    ],
    [
      'CancelBurstDetector.onBook',
      () => {
        const f = new lib.CancelBurstDetector({ levels: N });
        return (i) => {
          f.onBook(load(data, i));
        };
      },
    ],
  ];
}
