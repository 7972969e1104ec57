/**
 * Stage 3, @x/attention-lstm and @x/ensemble: an attention-LSTM and two linear members predict
 * the next window's mid move from the last `steps` windows of features; a ridge meta-learner
 * stacks their purged out-of-fold predictions. The last part of the session is held out and
 * scored against naive baselines, whatever the scores are.
 */
import { type Matrix, tensor } from '@x/core';
import { LinearRegression, PurgedKFold, Ridge, StackingRegressor } from '@x/ensemble';
import type { DemoConfig } from '../config.js';
import { FEATURE_NAMES, type Features } from './features.js';
import { LstmOnRows } from './lstm-member.js';
import type { Progress } from './progress.js';

const F = FEATURE_NAMES.length;

/** Scores of one predictor on the held-out part. */
interface HoldoutScore {
  readonly name: string;
  readonly mse: number;
  /** 1 − SSE / Σy²: the gain over always forecasting no move (the zero forecast scores 0). */
  readonly r2VsZero: number;
  /** Share of non-zero moves whose sign was forecast right. */
  readonly hitRate: number;
}

/** What the model stage hands on. */
export interface Models {
  readonly stack: StackingRegressor;
  readonly names: readonly string[];
  /** Out-of-fold R² per member and fold, `[member][fold]`. */
  readonly foldR2: readonly (readonly number[])[];
  /** Meta-learner weights per member, and its intercept. */
  readonly weights: readonly number[];
  readonly intercept: number;
  readonly holdout: readonly HoldoutScore[];
  /** Window index of each held-out sample's decision time. */
  readonly testWindow: Int32Array;
  /** The ensemble's held-out forecasts and the outcomes, in ticks. */
  readonly prediction: Float64Array;
  readonly outcome: Float64Array;
  /** Held-out inputs, one row per sample (for serving in the registry stage). */
  readonly xTest: Matrix;
  /** The label's scale: one unit of the models' output is this many ticks. */
  readonly scaleTicks: number;
  readonly trainSamples: number;
  readonly purgedRows: number;
}

function r2(y: ArrayLike<number>, p: ArrayLike<number>, rows: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < rows.length; k++) m += y[rows[k]!]! / rows.length;
  let sse = 0;
  let sst = 0;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    sse += (y[i]! - p[i]!) ** 2;
    sst += (y[i]! - m) ** 2;
  }
  return 1 - sse / sst;
}

function score(name: string, y: Float64Array, p: Float64Array): HoldoutScore {
  let sse = 0;
  let ss0 = 0;
  let hits = 0;
  let moves = 0;
  for (let i = 0; i < y.length; i++) {
    sse += (y[i]! - p[i]!) ** 2;
    ss0 += y[i]! ** 2;
    if (y[i] !== 0) {
      moves++;
      if (Math.sign(y[i]!) === Math.sign(p[i]!)) hits++;
    }
  }
  return { name, mse: sse / y.length, r2VsZero: 1 - sse / ss0, hitRate: hits / Math.max(1, moves) };
}

/**
 * Fits and scores the models.
 * @param feats - the features
 * @param cfg - the demo configuration
 * @param progress - where to report progress
 * @returns the fitted ensemble and its scores
 */
export async function fitModels(
  feats: Features,
  cfg: DemoConfig,
  progress: Progress,
): Promise<Models> {
  const S = cfg.steps;
  // sample i decides at the end of window e = S − 1 + i, label: mid[e + 1] − mid[e]
  const n = feats.windows - S;
  const move = (e: number) => (feats.mid[e + 1]! - feats.mid[e]!) / feats.tick;
  const nTrain = Math.floor(n * cfg.trainFraction);
  let sd = 0;
  for (let i = 0; i < nTrain; i++) sd += move(S - 1 + i) ** 2 / nTrain;
  sd = Math.sqrt(sd) || 1;
  const rows = (from: number, to: number) => {
    const x = new Float64Array((to - from) * S * F);
    const y = new Float64Array(to - from);
    for (let i = from; i < to; i++) {
      const e = S - 1 + i;
      x.set(feats.x.subarray((e - S + 1) * F, (e + 1) * F), (i - from) * S * F);
      y[i - from] = move(e) / sd;
    }
    return { x: tensor('float64', [to - from, S * F], x) as Matrix, y };
  };
  const train = rows(0, nTrain);
  const testFrom = nTrain + 1; // one sample's gap: no training label reaches into the test part
  const test = rows(testFrom, n);
  const t1 = Array.from({ length: nTrain }, (_, i) => i + 1);
  const cv = new PurgedKFold({ nSplits: cfg.folds, t1, pctEmbargo: 0.01 });
  let fits = 0;
  const stack = new StackingRegressor({
    estimators: [
      {
        name: 'attention-lstm',
        create: () => {
          progress(`attention-LSTM fit ${++fits}/${cfg.folds + 1}`);
          return new LstmOnRows({ steps: S, features: F, epochs: cfg.lstmEpochs, seed: cfg.seed });
        },
      },
      { name: 'ols', create: () => new LinearRegression() },
      { name: 'ridge', create: () => new Ridge({ alpha: 50 }) },
    ],
    finalEstimator: () => new Ridge({ alpha: 1 }),
    cv,
  });
  await stack.fit(train.x, train.y);
  const splits = cv.split({ nSamples: nTrain });
  const M = stack.names.length;
  const foldR2 = stack.names.map((_, k) => {
    const col = Float64Array.from({ length: nTrain }, (_, i) => stack.oofPredictions[i * M + k]!);
    return splits.map((s) => r2(train.y, col, s.test));
  });
  const meta = stack.finalEstimator as Ridge;
  const prediction = stack.predict(test.x);
  const holdout: HoldoutScore[] = [score('ensemble', test.y, prediction)];
  stack.estimators.forEach((m, k) => {
    holdout.push(score(stack.names[k]!, test.y, m.predict(test.x)));
  });
  // naive baselines: no move, and the last window's move persisting
  holdout.push(score('zero (no move)', test.y, new Float64Array(test.y.length)));
  const persist = Float64Array.from(
    { length: test.y.length },
    (_, j) => move(S - 2 + testFrom + j) / sd,
  );
  holdout.push(score('persistence', test.y, persist));
  const purgedRows = splits.reduce((a, s) => a + (nTrain - s.test.length - s.train.length), 0);
  return {
    stack,
    names: stack.names,
    foldR2,
    weights: Array.from(meta.coef),
    intercept: meta.intercept,
    holdout,
    testWindow: Int32Array.from({ length: n - testFrom }, (_, j) => S - 1 + testFrom + j),
    prediction: prediction.map((v) => v * sd),
    outcome: test.y.map((v) => v * sd),
    xTest: test.x,
    scaleTicks: sd,
    trainSamples: nTrain,
    purgedRows,
  };
}
