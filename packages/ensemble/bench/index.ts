/**
 * `pnpm bench` in packages/ensemble: a 5-member linear stacking ensemble (LinearRegression and
 * Ridge at four strengths, Ridge meta-learner, 5-fold out-of-fold stage) on 100,000 x 32,
 * fitted and queried one row at a time, beside scikit-learn 1.2 on the same data in the same run
 * (Debian's /usr/bin/python3; skipped with a message when it is absent).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { type Matrix, tensor } from '@x/core';
import { KFold, LinearRegression, Ridge, StackingRegressor } from '@x/ensemble';
import { machineInfo, sink, sinkTotal, table, timeCalls } from '@x/test-utils/bench';
import { D, data, N } from './data.js';

const PYTHON = '/usr/bin/python3';

function stack(): StackingRegressor {
  return new StackingRegressor({
    estimators: [
      { name: 'ols', create: () => new LinearRegression() },
      ...[0.1, 1, 10, 100].map((alpha) => ({
        name: `ridge${alpha}`,
        create: () => new Ridge({ alpha }),
      })),
    ],
    finalEstimator: () => new Ridge({ alpha: 1 }),
    cv: new KFold({ nSplits: 5 }),
  });
}

console.log(`machine: ${machineInfo()}`);
console.log(
  `load average (1, 5, 15 min): ${os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(', ')} on ${os.cpus().length} cores`,
);
const { x, y } = data();

const fits: number[] = [];
let model = stack();
for (let r = 0; r < 3; r++) {
  model = stack();
  const t0 = process.hrtime.bigint();
  await model.fit(x, y);
  fits.push(Number(process.hrtime.bigint() - t0) / 1e9);
}
fits.sort((a, b) => a - b);
const fitS = fits[1]!;

let row = 0;
const lat = timeCalls(
  () => {
    sink(model.predictRow(x.data, row * D));
    row = (row + 1) % 1000;
  },
  200_000,
  20_000,
);
// allocation check: a plain loop of a million calls, heap read before and after
let acc = 0;
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < 1_000_000; i++) acc += model.predictRow(x.data, (i % 1000) * D);
const heapGrowth = process.memoryUsage().heapUsed - before;
sink(acc);

let peer: { fitSeconds: number; predictUs: number; pred: number[] } | undefined;
if (existsSync(PYTHON)) {
  const dir = mkdtempSync(join(os.tmpdir(), 'ensemble-bench-'));
  try {
    const file = join(dir, 'data.f64');
    const buf = new Float64Array(N * D + N);
    buf.set(x.data);
    buf.set(y, N * D);
    writeFileSync(file, new Uint8Array(buf.buffer));
    const r = spawnSync(
      PYTHON,
      [join(import.meta.dirname, 'sklearn_peer.py'), file, String(N), String(D)],
      {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      },
    );
    if (r.status === 0) peer = JSON.parse(r.stdout);
    else console.log(`scikit-learn peer failed: ${r.stderr.trim().split('\n').at(-1)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  console.log(`scikit-learn peer skipped: ${PYTHON} not found`);
}

let maxDiff = 0;
if (peer) {
  const ours = model.predict(tensor('float64', [1000, D], x.data.slice(0, 1000 * D)) as Matrix);
  for (let i = 0; i < 1000; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i]! - peer.pred[i]!));
}
const predictUs = lat.meanNs / 1000;
console.log(
  `\nstacking 5 linear members (OLS + ridge 0.1/1/10/100), ridge meta-learner, 5-fold OOF, ${N.toLocaleString('en-US')} x ${D}\n`,
);
console.log(
  table(
    ['measure', '@x/ensemble', 'scikit-learn 1.2', 'ratio (sklearn / ours)'],
    [
      [
        'fit, median of 3 (s)',
        fitS,
        peer?.fitSeconds ?? 'n/a',
        peer ? peer.fitSeconds / fitS : 'n/a',
      ],
      [
        'one-row predict, mean (µs)',
        predictUs,
        peer?.predictUs ?? 'n/a',
        peer ? peer.predictUs / predictUs : 'n/a',
      ],
      [
        'one-row predict, p50 / p99 (µs)',
        `${(lat.p50Ns / 1000).toFixed(3)} / ${(lat.p99Ns / 1000).toFixed(3)}`,
        '',
        '',
      ],
    ],
  ),
);
console.log(`\nfit times (s): ${fits.map((f) => f.toFixed(3)).join(', ')}`);
console.log(`heap growth over 1,000,000 predictRow calls: ${(heapGrowth / 1024).toFixed(1)} KiB`);
if (peer)
  console.log(
    `max |prediction difference| vs scikit-learn on 1,000 rows: ${maxDiff.toExponential(2)}`,
  );
console.log(`sink ${sinkTotal().toExponential(3)}`);
