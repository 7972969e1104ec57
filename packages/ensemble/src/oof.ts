/**
 * Out-of-fold predictions: every row predicted by a model that did not see it, under any
 * splitter.
 *
 * @module
 */
import {
  type Classifier,
  type Matrix,
  type Regressor,
  UnsupportedError,
  ValidationError,
} from '@x/core';
import type { NdArray } from 'ndarray';
import { type MemberSpec, memberSpecOf } from './builtin.js';
import type { Split, Splitter } from './cv/split.js';
import { type FitExecutor, type FoldJob, type FoldOutput, inlineExecutor } from './executor.js';
import { builtinOf } from './internal/builtins.js';
import { encodeLabels } from './internal/labels.js';
import { sampleCount } from './internal/rows.js';
import type { ClassifierMember, Member, RegressorMember } from './members.js';

/** A sample-first input: a matrix, or a [samples, ...] tensor for sequence models. */
export type SampleArray = NdArray<Float64Array> | NdArray<Float32Array>;

/** Out-of-fold predictions of one regressor. */
export interface OofPredictions {
  /** One prediction per row; `NaN` for rows no test fold covered. */
  readonly predictions: Float64Array;
  /** The covered rows, ascending (all rows for a partitioning splitter such as KFold). */
  readonly covered: Int32Array;
}

/** Options of {@link crossValPredict} and {@link crossValPredictProba}. */
export interface CrossValOptions {
  /**
   * Where the fold fits run (default {@link inlineExecutor}, the calling thread). A `WorkerPool`
   * from `@x/ensemble/workers` fits folds in parallel; it needs a member from `builtinMember`.
   */
  readonly executor?: FitExecutor;
}

/** Out-of-fold class probabilities of one classifier. */
export interface OofProbabilities {
  /** [samples, classes] in the order of `classes`; `NaN` rows where no test fold covered. */
  readonly proba: Float64Array;
  /** The classes of the whole `y`, sorted. */
  readonly classes: Int32Array;
  /** The covered rows, ascending. */
  readonly covered: Int32Array;
}

/**
 * @internal The test folds' coverage: each row in at most one test fold.
 * @throws ValidationError when test folds overlap (CPCV: use its backtest paths instead)
 */
export function coverage(splits: readonly { test: Int32Array }[], n: number): Int32Array {
  const seen = new Uint8Array(n);
  let count = 0;
  for (const s of splits) {
    for (const r of s.test) {
      if (seen[r]) {
        throw new ValidationError(
          `row ${r} is in more than one test fold: out-of-fold predictions need disjoint test folds`,
          { field: 'cv' },
        );
      }
      seen[r] = 1;
      count++;
    }
  }
  const covered = new Int32Array(count);
  let k = 0;
  for (let i = 0; i < n; i++) if (seen[i]) covered[k++] = i;
  return covered;
}

/**
 * Out-of-fold predictions of a regressor (scikit-learn's `cross_val_predict`): for each split a
 * fresh model is fitted on the train rows and predicts the test rows. Unlike scikit-learn,
 * splitters whose test folds do not cover every row (TimeSeriesSplit, purged splitters with
 * uneven coverage) are accepted: uncovered rows get `NaN` and are left out of `covered`, and
 * ensembles train their meta stage on the covered rows only.
 *
 * @param member - a member (from `builtinMember` to fit on workers), or a factory of fresh, unfitted regressors
 * @param x - inputs, samples first
 * @param y - targets
 * @param cv - the splitter
 * @param options - the executor
 * @returns predictions and covered rows
 * @throws ValidationError on mismatched lengths or overlapping test folds
 * @throws UnsupportedError when the executor runs elsewhere and the member is a closure
 *
 * @example
 * ```ts
 * import { tensor } from '@x/core';
 * import { crossValPredict, KFold, Ridge } from '@x/ensemble';
 * const x = tensor('float64', [6, 1], new Float64Array([0, 1, 2, 3, 4, 5]));
 * const y = new Float64Array([0, 2, 4, 6, 8, 10]);
 * const oof = await crossValPredict(() => new Ridge({ alpha: 0 }), x, y, new KFold({ nSplits: 3 }));
 * console.log(oof.predictions); // [0, 2, 4, 6, 8, 10] up to rounding: a line extrapolates exactly
 * ```
 */
export async function crossValPredict<X extends SampleArray = Matrix>(
  member: RegressorMember<X> | (() => Regressor<X>),
  x: X,
  y: Float64Array,
  cv: Splitter,
  options: CrossValOptions = {},
): Promise<OofPredictions> {
  const n = sampleCount(x);
  if (y.length !== n)
    throw new ValidationError(`y has ${y.length} values for ${n} samples`, { field: 'y' });
  const splits = cv.split({ nSamples: n, y });
  const covered = coverage(splits, n);
  const m = typeof member === 'function' ? { name: 'member', create: member } : member;
  const r = await fitMembers(
    [m],
    'regression',
    x,
    y,
    new Int32Array(0),
    splits,
    options.executor,
    false,
  );
  return { predictions: r.oof[0]!, covered };
}

/**
 * Out-of-fold class probabilities of a classifier (`cross_val_predict(method='predict_proba')`).
 * Columns follow the classes of the whole `y`; a class missing from a fold's training rows gets
 * probability 0 there, as scikit-learn does.
 *
 * @param member - a member (from `builtinMember` to fit on workers), or a factory of fresh, unfitted classifiers
 * @param x - inputs, samples first
 * @param y - integer labels
 * @param cv - the splitter (StratifiedKFold keeps every class in every fold)
 * @param options - the executor
 * @returns probabilities, classes and covered rows
 * @throws ValidationError on mismatched lengths or overlapping test folds
 * @throws UnsupportedError when the executor runs elsewhere and the member is a closure
 *
 * @example
 * ```ts
 * import { tensor } from '@x/core';
 * import { crossValPredictProba, LogisticRegression, StratifiedKFold } from '@x/ensemble';
 * const x = tensor('float64', [8, 1], new Float64Array([-3, -2, -1, -0.5, 0.5, 1, 2, 3]));
 * const y = new Int32Array([0, 0, 0, 1, 0, 1, 1, 1]);
 * const oof = await crossValPredictProba(() => new LogisticRegression(), x, y, new StratifiedKFold({ nSplits: 2 }));
 * console.log(oof.classes, oof.proba.length); // Int32Array [0, 1] 16
 * ```
 */
export async function crossValPredictProba<X extends SampleArray = Matrix>(
  member: ClassifierMember<X> | (() => Classifier<X>),
  x: X,
  y: Int32Array,
  cv: Splitter,
  options: CrossValOptions = {},
): Promise<OofProbabilities> {
  const n = sampleCount(x);
  const { classes } = encodeLabels(y, n);
  const splits = cv.split({ nSamples: n, y });
  const covered = coverage(splits, n);
  const m = typeof member === 'function' ? { name: 'member', create: member } : member;
  const r = await fitMembers([m], 'proba', x, y, classes, splits, options.executor, false);
  return { proba: r.oof[0]!, classes, covered };
}

/** @internal What {@link fitMembers} returns. */
export interface FittedMembers<M> {
  /** Each member fitted on all rows (empty unless `refit`). */
  readonly models: M[];
  /** Each member's OOF predictions: [samples] or [samples, classes], NaN where uncovered. */
  readonly oof: Float64Array[];
}

/**
 * @internal Every member's full refit (when `refit`) and its fit on every split, as one batch
 * of independent jobs on `executor`; models that come back exported are imported here.
 */
export async function fitMembers<M extends Regressor<X> | Classifier<X>, X extends SampleArray>(
  members: readonly Member<M>[],
  mode: 'regression' | 'proba',
  x: X,
  y: Float64Array | Int32Array,
  classes: Int32Array,
  splits: readonly Split[],
  executor: FitExecutor = inlineExecutor,
  refit = true,
): Promise<FittedMembers<M>> {
  const jobs: FoldJob[] = [];
  const none = new Int32Array(0);
  members.forEach((_, m) => {
    if (refit) jobs.push({ member: m, train: undefined, test: none, keepModel: true });
    for (const s of splits)
      jobs.push({ member: m, train: s.train, test: s.test, keepModel: false });
  });
  const specs = members.map((m) => memberSpecOf(m));
  const outputs = await executor.run({ mode, members, specs, x, y, classes, jobs });
  const n = sampleCount(x);
  const width = mode === 'proba' ? classes.length : 1;
  const oof = members.map(() => new Float64Array(n * width).fill(Number.NaN));
  const models: M[] = [];
  jobs.forEach((job, k) => {
    const out = outputs[k]!;
    if (job.keepModel) {
      models.push(
        (out.model ?? importOutput(out.exported, specs[job.member], members[job.member]!)) as M,
      );
      return;
    }
    const dst = oof[job.member]!;
    for (let r = 0; r < job.test.length; r++) {
      const o = job.test[r]! * width;
      for (let c = 0; c < width; c++) dst[o + c] = out.predictions[r * width + c]!;
    }
  });
  return { models, oof };
}

function importOutput(
  exported: FoldOutput['exported'],
  spec: MemberSpec | undefined,
  member: Member<unknown>,
): unknown {
  const b = spec === undefined ? undefined : builtinOf(spec.kind);
  if (exported === undefined || b === undefined) {
    throw new UnsupportedError(
      `the executor returned no model for member '${member.name}' that this thread can rebuild`,
      { details: { member: member.name } },
    );
  }
  return b.importModel(exported);
}
