/**
 * `pnpm bench` in packages/ensemble, part 2: the stacking workload (LinearRegression and
 * Ridge at four strengths, Ridge meta-learner, 5-fold out-of-fold stage, 100,000 x 32) with every
 * member and fold fitted separately, on the calling thread and on a `WorkerPool`, interleaved
 * A/B. The two must agree bit for bit (asserted). Wall time and process CPU time (all threads,
 * `process.cpuUsage`) are reported with the load average, since the pool can only win when cores
 * are free. The shared-Gram path (the default for all-linear members) is timed beside them.
 */
import os from 'node:os';
import { type Matrix, tensor } from '@x/core';
import { builtinMember, KFold, StackingRegressor } from '@x/ensemble';
import { WorkerPool } from '@x/ensemble/workers';
import { machineInfo, table } from '@x/test-utils/bench';
import { D, data, N } from './data.js';

const ROUNDS = 2;

function stack(executor: WorkerPool | undefined, shareLinearWork: boolean): StackingRegressor {
  return new StackingRegressor({
    estimators: [
      builtinMember('ols', 'LinearRegression'),
      ...[0.1, 1, 10, 100].map((alpha) => builtinMember(`ridge${alpha}`, 'Ridge', { alpha })),
    ],
    finalEstimator: () => builtinMember('meta', 'Ridge', { alpha: 1 }).create(),
    cv: new KFold({ nSplits: 5 }),
    shareLinearWork,
    ...(executor ? { executor } : {}),
  });
}

async function timed(m: StackingRegressor, x: Matrix, y: Float64Array) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await m.fit(x, y);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6, model: m };
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const load = () =>
  os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(', ');

console.log(`machine: ${machineInfo()}`);
console.log(`load average (1, 5, 15 min) before: ${load()} on ${os.cpus().length} cores`);
const { x, y } = data();
const threads = Math.max(2, os.availableParallelism() - 1);
const pool = new WorkerPool({ threads });
const probe = x.data.subarray(0, 1000 * D);
const probeX = tensor('float64', [1000, D], probe) as Matrix;
type Run = { wall: number; cpu: number };
const runs: { single: Run[]; pool: Run[]; shared: Run[] } = { single: [], pool: [], shared: [] };
let identical = true;
try {
  // warm the workers (thread start, module load, JIT) on a small slice
  const few = 5_000;
  await stack(pool, false).fit(
    tensor('float64', [few, D], x.data.subarray(0, few * D)) as Matrix,
    y.subarray(0, few),
  );
  for (let r = 0; r < ROUNDS; r++) {
    const a = await timed(stack(undefined, false), x, y);
    const b = await timed(stack(pool, false), x, y);
    const s = await timed(stack(undefined, true), x, y);
    runs.single.push(a);
    runs.pool.push(b);
    runs.shared.push(s);
    const pa = a.model.predict(probeX);
    const pb = b.model.predict(probeX);
    const oa = a.model.oofPredictions;
    const ob = b.model.oofPredictions;
    for (let i = 0; i < oa.length; i++) if (!Object.is(oa[i], ob[i])) identical = false;
    for (let i = 0; i < pa.length; i++) if (!Object.is(pa[i], pb[i])) identical = false;
    for (const v of pb) if (!Number.isFinite(v)) throw new Error('non-finite prediction');
  }
} finally {
  await pool.destroy();
}
if (!identical) throw new Error('pool and single-thread results differ');

const row = (label: string, v: Run[]) => [
  label,
  mean(runs.single.map((r) => r.wall)) / mean(v.map((r) => r.wall)),
  mean(v.map((r) => r.wall)),
  mean(v.map((r) => r.cpu)),
];
console.log(
  `\nstacking 5 linear members, ridge meta, 5-fold OOF, ${N.toLocaleString('en-US')} x ${D}: ` +
    `30 separate fits (5 refits + 25 folds), mean of ${ROUNDS} interleaved rounds\n`,
);
console.log(
  table(
    ['executor', 'speed-up vs one thread (wall)', 'wall (s)', 'CPU, all threads (s)'],
    [
      row('calling thread', runs.single),
      row(`WorkerPool, ${threads} threads`, runs.pool),
      row('shared Gram path (default, one thread)', runs.shared),
    ],
  ),
);
console.log('\npool and single-thread OOF predictions and predictions: identical bit for bit');
console.log(`load average (1, 5, 15 min) after: ${load()}`);
