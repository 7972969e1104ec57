/**
 * Benchmark of the econometric estimators of @x/microstructure on 1,000,000 trades from the
 * @x/sim Cont-Stoikov-Talreja generator with an informed trader:
 *
 * 1. rolling Kyle lambda and streaming VPIN (bulk classification with the running σ, and the
 *    tick rule), per-observation cost in ns, with V8 GC events and new-space bytes per update
 *    during the timed loop (0 means no allocation);
 * 2. the VAR(5) fit of (signed trade, log trade-price change) behind the Hasbrouck VAR, against
 *    statsmodels' `VAR(y).fit(5)` run by Debian's /usr/bin/python3 on the same data (written to
 *    a temp binary file) in the same run, A/B interleaved (ours, then one python fit, three
 *    rounds), wall and CPU time (python's `process_time` counts all its BLAS threads); the
 *    coefficients must agree.
 *
 * Run: `pnpm bench` in packages/microstructure (env BENCH_TRADES to change the size).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { cst2010Rates, OrderFlowGenerator } from '@x/sim';
import { machineInfo, sink, sinkTotal, table } from '@x/test-utils/bench';
import { hasbrouckVar, RollingKyleLambda, VpinStream } from '../src/index.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const TRADES = Number(process.env.BENCH_TRADES ?? 1_000_000);
const PY = '/usr/bin/python3';

let gcEvents = 0;
new PerformanceObserver((list) => {
  gcEvents += list.getEntries().length;
}).observe({ entryTypes: ['gc'] });
const settle = () => new Promise((r) => setTimeout(r, 50));

function youngBytes(): number {
  let used = 0;
  for (const s of v8.getHeapSpaceStatistics()) {
    if (s.space_name === 'new_space' || s.space_name === 'new_large_object_space') {
      used += s.space_used_size;
    }
  }
  return used;
}

interface Trades {
  n: number;
  price: Float64Array;
  qty: Float64Array;
  sign: Float64Array;
  informed: number;
}

function generate(n: number): Trades {
  // a higher market-order rate than CST's 0.94/s gives more trades per generated event
  const rates = { ...cst2010Rates(5), mu: 4 };
  const gen = new OrderFlowGenerator({
    seed: 2026,
    rates,
    informed: { rate: 0.5, volatilityTicks: 0.5 },
  });
  const out: Trades = {
    n,
    price: new Float64Array(n),
    qty: new Float64Array(n),
    sign: new Float64Array(n),
    informed: 0,
  };
  let i = 0;
  for (const t of gen.trades({ count: n })) {
    out.price[i] = t.price;
    out.qty[i] = t.qty;
    out.sign[i] = t.aggressor === 'buy' ? 1 : -1;
    if (t.informed === true) out.informed++;
    i++;
  }
  return out;
}

interface Timed {
  ns: number;
  cpuNs: number;
  gcs: number;
  bytes: number;
}

/** Times `body(i)` over i < n after a full warm-up pass on a fresh instance. */
async function timed(make: () => (i: number) => void, n: number): Promise<Timed> {
  const warm = make();
  for (let i = 0; i < n; i++) warm(i);
  const body = make();
  gc();
  await settle();
  const g0 = gcEvents;
  const c0 = process.cpuUsage();
  const a0 = youngBytes();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) body(i);
  const ns = Number(process.hrtime.bigint() - t0);
  const a1 = youngBytes();
  const c1 = process.cpuUsage(c0);
  await settle();
  return {
    ns: ns / n,
    cpuNs: ((c1.user + c1.system) * 1000) / n,
    gcs: gcEvents - g0,
    bytes: (a1 - a0) / n,
  };
}

interface PyVar {
  seconds: number;
  cpuSeconds: number;
  threads: string;
  params: number[];
}

/** Writes the data once; returns a function that runs one statsmodels fit in a fresh python. */
function pythonVar(
  data: Float64Array,
  rows: number,
): { run: () => PyVar | string; done: () => void } | string {
  if (!existsSync(PY)) return `${PY} not found: statsmodels comparison skipped`;
  const dir = mkdtempSync(join(tmpdir(), 'msest-bench-'));
  const file = join(dir, 'y.bin');
  writeFileSync(file, Buffer.from(data.buffer, data.byteOffset, rows * 2 * 8));
  const script = [
    'import sys, time, json, os, numpy as np',
    'from statsmodels.tsa.api import VAR',
    `y = np.fromfile(${JSON.stringify(file)}, dtype="<f8").reshape(-1, 2)`,
    'm = VAR(y)',
    't = time.perf_counter(); c = time.process_time()',
    'r = m.fit(5, trend="c")',
    'dt = time.perf_counter() - t; dc = time.process_time() - c',
    'th = os.environ.get("OPENBLAS_NUM_THREADS", "default")',
    'print(json.dumps({"seconds": dt, "cpuSeconds": dc, "threads": th, "params": r.params.ravel().tolist()}))',
  ].join('\n');
  return {
    run: () => {
      const res = spawnSync(PY, ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 26 });
      if (res.status !== 0) return `statsmodels failed: ${res.stderr.trim().split('\n').pop()}`;
      return JSON.parse(res.stdout) as PyVar;
    },
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function main(): Promise<void> {
  console.log(`@x/microstructure estimators benchmark — ${machineInfo()}`);
  const load = () =>
    os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  console.log(
    `load average at start: ${load()} (shared machine: wall time is inflated, CPU time shown beside it)`,
  );
  console.log(
    `generating ${TRADES.toLocaleString('en-US')} trades with @x/sim (CST rates, μ = 4/s, informed trader, seed 2026)...`,
  );
  const tg = Date.now();
  const tr = generate(TRADES);
  console.log(
    `  generated in ${((Date.now() - tg) / 1000).toFixed(1)} s (${tr.informed.toLocaleString('en-US')} informed)`,
  );
  const n = tr.n;
  // per-trade series: Δp, signed volume, log price change
  const dp = new Float64Array(n);
  const flow = new Float64Array(n);
  const y = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    dp[i] = i > 0 ? tr.price[i]! - tr.price[i - 1]! : 0;
    flow[i] = tr.sign[i]! * tr.qty[i]!;
    y[2 * i] = tr.sign[i]!;
    y[2 * i + 1] = i > 0 ? Math.log(tr.price[i]! / tr.price[i - 1]!) : 0;
  }

  const rows: (string | number)[][] = [];
  const kyle = await timed(() => {
    const k = new RollingKyleLambda({ window: 1000 });
    return (i) => {
      k.update(dp[i]!, flow[i]!);
      if (i === n - 1) sink(k.lambda ?? 0);
    };
  }, n);
  rows.push([
    'rolling Kyle lambda (window 1000), update',
    kyle.ns,
    kyle.cpuNs,
    kyle.gcs,
    kyle.bytes,
  ]);
  const kyleRead = await timed(() => {
    const k = new RollingKyleLambda({ window: 1000 });
    return (i) => {
      k.update(dp[i]!, flow[i]!);
      sink(k.lambda ?? 0);
      sink(k.stdError ?? 0);
    };
  }, n);
  rows.push([
    '  same, reading λ and se every update',
    kyleRead.ns,
    kyleRead.cpuNs,
    kyleRead.gcs,
    kyleRead.bytes,
  ]);
  for (const classification of ['bvc-normal', 'tick', 'bvc-t'] as const) {
    const v = await timed(() => {
      const s = new VpinStream({ bucketVolume: 50, window: 50, classification });
      return (i) => {
        s.update(tr.price[i]!, tr.qty[i]!);
        if (i === n - 1) sink(s.vpin ?? 0);
      };
    }, n);
    rows.push([
      `streaming VPIN (${classification}, V = 50, n = 50), update`,
      v.ns,
      v.cpuNs,
      v.gcs,
      v.bytes,
    ]);
  }
  console.log(
    table(['per observation', 'ns (wall)', 'ns (CPU)', 'GC events', 'bytes/update'], rows),
  );
  console.log('goal: < 200 ns and no allocation per update (GC events 0, bytes/update ≈ 0)\n');

  // VAR(5): best of 3 after a warm-up
  const ret = new Float64Array(n);
  const sgn = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    sgn[i] = y[2 * i]!;
    ret[i] = y[2 * i + 1]!;
  }
  hasbrouckVar(ret.subarray(0, 20_000), sgn.subarray(0, 20_000), { lags: 5 }); // warm-up
  let fit = hasbrouckVar(ret, sgn, { lags: 5 });
  const py = pythonVar(y, n);
  // A/B interleaved: ours, then one statsmodels fit in a fresh python, three rounds; best of each
  let best = Number.POSITIVE_INFINITY;
  let bestCpu = Number.POSITIVE_INFINITY;
  let pyBest: PyVar | undefined;
  let pyError = typeof py === 'string' ? py : undefined;
  for (let k = 0; k < 3; k++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    fit = hasbrouckVar(ret, sgn, { lags: 5 });
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
    const c1 = process.cpuUsage(c0);
    bestCpu = Math.min(bestCpu, (c1.user + c1.system) / 1e6);
    sink(fit.permanentImpact);
    if (typeof py !== 'string' && pyError === undefined) {
      const r = py.run();
      if (typeof r === 'string') pyError = r;
      else if (pyBest === undefined) pyBest = r;
      else {
        pyBest = {
          ...r,
          seconds: Math.min(r.seconds, pyBest.seconds),
          cpuSeconds: Math.min(r.cpuSeconds, pyBest.cpuSeconds),
        };
      }
    }
  }
  if (typeof py !== 'string') py.done();
  console.log(
    `VAR(5) on ${n.toLocaleString('en-US')} bivariate observations (signed trade, log price change), A/B interleaved, best of 3:`,
  );
  console.log(
    `  @x/microstructure hasbrouckVar (VAR fit + structural form + IRF + impact se): ${(best * 1000).toFixed(0)} ms wall, ${(bestCpu * 1000).toFixed(0)} ms CPU`,
  );
  if (pyBest === undefined) {
    console.log(`  ${pyError ?? 'statsmodels comparison skipped'}`);
  } else {
    let worst = 0;
    const p = fit.reducedForm.params;
    for (let i = 0; i < p.length; i++) {
      worst = Math.max(
        worst,
        Math.abs(p[i]! - pyBest.params[i]!) / Math.max(Math.abs(pyBest.params[i]!), 1e-300),
      );
    }
    console.log(
      `  statsmodels 0.13 VAR(y).fit(5) (Debian /usr/bin/python3, same data; BLAS threads ${pyBest.threads}): ${(pyBest.seconds * 1000).toFixed(0)} ms wall, ${(pyBest.cpuSeconds * 1000).toFixed(0)} ms CPU (all threads)`,
    );
    console.log(
      `  ratio statsmodels / ours: ${(pyBest.seconds / best).toFixed(1)}x wall, ${(pyBest.cpuSeconds / bestCpu).toFixed(1)}x CPU; worst relative difference of the coefficients: ${worst.toExponential(2)}`,
    );
    if (!(worst < 1e-8)) throw new Error('VAR coefficients disagree with statsmodels');
  }
  console.log(
    `  permanent impact ± se: ${fit.permanentImpact.toExponential(3)} ± ${fit.permanentImpactStdError.toExponential(2)} (log points per unit trade innovation)`,
  );
  console.log(`load average at end: ${load()}; sink ${sinkTotal().toExponential(3)}`);
}

await main();
