import {
  AttentionLstm,
  AttentionLstmStream,
  evaluateLoss,
  trainAttentionLstm,
} from '@x/attention-lstm';
import { type Tensor, tensor } from '@x/core';
import { cst2010Rates, OrderFlowGenerator } from '@x/sim';
import type { DemoStep } from '../step.js';

const FEATURES = 6;
const WINDOW = 20;
const HORIZON = 10;

/** Order-book features per L2 update: mid change, spread, level-1 and depth-3 imbalance, log sizes. */
function bookFeatures(n: number): { f: Float64Array; mid: Float64Array } {
  const gen = new OrderFlowGenerator({ seed: 11, rates: cst2010Rates(5) });
  const f = new Float64Array(n * FEATURES);
  const mid = new Float64Array(n);
  let i = 0;
  let prevMid = Number.NaN;
  for (const s of gen.l2Snapshots(5, { count: n })) {
    const b = s.bidPrice[0]!;
    const a = s.askPrice[0]!;
    const m = b > 0 && a > 0 ? (a + b) / 2 : prevMid;
    mid[i] = m;
    const bs = s.bidSize[0]!;
    const as = s.askSize[0]!;
    let b3 = 0;
    let a3 = 0;
    for (let k = 0; k < 3; k++) {
      b3 += s.bidSize[k]!;
      a3 += s.askSize[k]!;
    }
    const o = i * FEATURES;
    f[o] = Number.isNaN(prevMid) ? 0 : m - prevMid;
    f[o + 1] = b > 0 && a > 0 ? a - b : 0;
    f[o + 2] = bs + as > 0 ? (bs - as) / (bs + as) : 0;
    f[o + 3] = b3 + a3 > 0 ? (b3 - a3) / (b3 + a3) : 0;
    f[o + 4] = Math.log1p(bs);
    f[o + 5] = Math.log1p(as);
    prevMid = m;
    i++;
  }
  // Standardise each feature (statistics of the whole run: fine for a demo).
  for (let k = 0; k < FEATURES; k++) {
    let s1 = 0;
    let s2 = 0;
    for (let t = 0; t < n; t++) {
      s1 += f[t * FEATURES + k]!;
      s2 += f[t * FEATURES + k]! ** 2;
    }
    const mean = s1 / n;
    const sd = Math.sqrt(Math.max(s2 / n - mean * mean, 1e-12));
    for (let t = 0; t < n; t++) f[t * FEATURES + k] = (f[t * FEATURES + k]! - mean) / sd;
  }
  return { f, mid };
}

function windows(f: Float64Array, mid: Float64Array, from: number, to: number, scale: number) {
  const n = to - from;
  const x = new Float32Array(n * WINDOW * FEATURES);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const end = from + i + WINDOW; // exclusive
    x.set(f.subarray((end - WINDOW) * FEATURES, end * FEATURES), i * WINDOW * FEATURES);
    y[i] = (mid[end - 1 + HORIZON]! - mid[end - 1]!) / scale;
  }
  return { x: tensor('float32', [n, WINDOW, FEATURES], x) as Tensor, y };
}

const step: DemoStep = {
  title:
    '@x/attention-lstm: an attention-LSTM learns the next mid-price move from a simulated book',
  run(progress) {
    const n = 3000;
    const { f, mid } = bookFeatures(n);
    let s2 = 0;
    for (let t = 0; t + HORIZON < n; t++) s2 += (mid[t + HORIZON]! - mid[t]!) ** 2;
    const scale = Math.sqrt(s2 / (n - HORIZON));
    const last = n - WINDOW - HORIZON;
    const split = Math.floor(last * 0.75);
    const valStart = Math.floor(last * 0.6);
    const train = windows(f, mid, 0, valStart, scale);
    const validation = windows(f, mid, valStart, split, scale);
    const test = windows(f, mid, split, last, scale);
    const model = AttentionLstm.create({
      inputSize: FEATURES,
      hiddenSize: 16,
      numHeads: 4,
      causal: true,
      attentionWindow: WINDOW,
      seed: 3,
      init: 'xavier-uniform',
    });
    const epochs = 8;
    const before = evaluateLoss(model, test.x, test.y);
    const report = trainAttentionLstm(model, train, {
      epochs,
      batchSize: 32,
      optimizer: { type: 'adam', lr: 1e-3 },
      clipNorm: 1,
      loss: 'mse',
      validation,
      earlyStopping: { patience: 3 },
      onProgress: (p) =>
        progress.update(
          (p.epoch + (p.step + 1) / p.stepsPerEpoch) / epochs,
          `epoch ${p.epoch + 1}, loss ${p.loss.toFixed(3)}`,
        ),
    });
    progress.update(1);
    const after = evaluateLoss(model, test.x, test.y);
    let zero = 0;
    for (let i = 0; i < test.y.length; i++) zero += test.y[i]! ** 2;
    zero /= test.y.length;
    // Stream the test period tick by tick, as live inference would.
    const stream = new AttentionLstmStream(model);
    let hits = 0;
    let count = 0;
    const t0 = process.hrtime.bigint();
    for (let t = 0; t < n - HORIZON; t++) {
      const yhat = stream.step(f.subarray(t * FEATURES, (t + 1) * FEATURES))[0]!;
      if (t >= split + WINDOW) {
        const move = mid[t + HORIZON]! - mid[t]!;
        if (move !== 0) {
          count++;
          if (Math.sign(move) === Math.sign(yhat)) hits++;
        }
      }
    }
    const perStepUs = Number(process.hrtime.bigint() - t0) / 1000 / (n - HORIZON);
    const e = report.epochs.at(-1)!;
    return [
      `${n.toLocaleString('en-US')} L2 updates from the CST (2010) simulator -> ${train.y.length} training / ${validation.y.length} validation / ${test.y.length} test windows of ${WINDOW} steps x ${FEATURES} features`,
      `model: 1 LSTM layer (hidden 16), 4-head causal attention, ${model.parameterCount} parameters; ${report.epochs.length} epochs, stop: ${report.stopReason}, ${e.sequencesPerSecond.toFixed(0)} sequences/s`,
      `test MSE of the ${HORIZON}-update mid move (in units of its sd): ${before.toFixed(3)} untrained -> ${after.toFixed(3)} trained (a zero forecast scores ${zero.toFixed(3)}: most of the move is noise)`,
      `health: grad norm ${e.meanGradNorm.toFixed(3)}, saturated gates ${(e.saturatedGateFraction * 100).toFixed(1)}%, dead units ${(e.deadUnitFraction * 100).toFixed(0)}%, ${report.events.length} events`,
      `streamed ${(n - HORIZON).toLocaleString('en-US')} ticks one at a time (cached keys/values): ${perStepUs.toFixed(1)} µs per tick, direction hit rate ${count > 0 ? ((hits / count) * 100).toFixed(1) : 'n/a'}% over ${count} non-zero moves`,
    ];
  },
};
export default step;
