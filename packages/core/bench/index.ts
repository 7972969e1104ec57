/**
 * @x/core micro-benchmarks: the PRNG against Math.random (the peer every user already has) and
 * L2 delta application. Run with `pnpm bench` in this package.
 */
import { machineInfo, sink, sinkTotal, table, timeOnce } from '@x/test-utils/bench';
import { applyL2Delta, createL2Snapshot, Rng, roundToStep } from '../src/index.js';

const N = 5_000_000;
console.log(`@x/core benchmarks on ${machineInfo()}\n`);

function nsPer(n: number, fn: () => void): number {
  fn(); // warm up
  return timeOnce(fn) / n;
}

const rng = Rng.fromSeed(1);
const rows: (string | number)[][] = [];
const mathRandom = nsPer(N, () => {
  let s = 0;
  for (let i = 0; i < N; i++) s += Math.random();
  sink(s);
});
const rngFloat = nsPer(N, () => {
  let s = 0;
  for (let i = 0; i < N; i++) s += rng.float();
  sink(s);
});
const rngNormal = nsPer(N, () => {
  let s = 0;
  for (let i = 0; i < N; i++) s += rng.normal();
  sink(s);
});
const rngExp = nsPer(N, () => {
  let s = 0;
  for (let i = 0; i < N; i++) s += rng.exponential(2);
  sink(s);
});
rows.push(['Math.random() (peer, unseeded)', mathRandom, 1]);
rows.push(['Rng.float()', rngFloat, rngFloat / mathRandom]);
rows.push(['Rng.normal()', rngNormal, rngNormal / mathRandom]);
rows.push(['Rng.exponential()', rngExp, rngExp / mathRandom]);

const book = createL2Snapshot(10);
const M = 2_000_000;
const deltaNs = nsPer(M, () => {
  let ts = 0;
  for (let i = 0; i < M; i++) {
    const k = i % 20;
    const side = (i & 1) === 0 ? 'buy' : 'sell';
    const price = side === 'buy' ? 100 - k * 0.01 : 100.01 + k * 0.01;
    applyL2Delta(book, { ts: ++ts, side, price, size: (i * 7) % 5 });
  }
  sink(book.bidSize[0]!);
});
rows.push(['applyL2Delta, 10 levels', deltaNs, deltaNs / mathRandom]);

const R = 200_000;
const roundNs = nsPer(R, () => {
  let s = 0;
  for (let i = 0; i < R; i++) s += roundToStep(100 + i * 0.0013, '0.01', 'floor').toNumber();
  sink(s);
});
rows.push(['roundToStep (decimal.js)', roundNs, roundNs / mathRandom]);

console.log(table(['operation', 'ns/op', 'x Math.random'], rows));
console.log(`\n(checksum ${sinkTotal().toFixed(3)})`);
