/**
 * The shared-work path for ensembles of built-in linear regressors (LinearRegression and Ridge at
 * any strengths): one pass over the data accumulates least-squares statistics per test fold; a
 * training fold's statistics are the total minus its held-out fold, and one set of statistics
 * serves every member, so K folds and M members cost one Gram pass plus (K + 1)·M small Cholesky
 * solves instead of K·M + M separate fits.
 *
 * @module
 */
import type { Split } from '../cv/split.js';
import { LinearRegression } from '../linear/regression.js';
import { Ridge } from '../linear/ridge.js';
import {
  accumulate,
  addInto,
  columnMeans,
  emptyStats,
  type GramStats,
  type LinearSolution,
  mean,
  solveRidge,
  subtract,
  symmetrize,
} from './gram.js';

/** A built-in linear member's hyper-parameters. */
export interface LinearSpec {
  readonly alpha: number;
  readonly fitIntercept: boolean;
}

/** The spec of a built-in linear model, or `undefined` for any other model. */
export function linearSpecOf(m: unknown): LinearSpec | undefined {
  if (m instanceof Ridge) return { alpha: m.alpha, fitIntercept: m.fitIntercept };
  if (m instanceof LinearRegression) return { alpha: 0, fitIntercept: m.fitIntercept };
  return undefined;
}

/** True when the test folds partition the rows and each train set is the complement of its test set. */
export function isComplementPartition(splits: readonly Split[], n: number): boolean {
  let total = 0;
  for (const s of splits) {
    if (s.train.length + s.test.length !== n) return false;
    total += s.test.length;
  }
  return total === n;
}

/** OOF predictions (row-major [n, members]) and full-data solutions of every member. */
export interface LinearStackResult {
  readonly oof: Float64Array;
  readonly full: LinearSolution[];
}

/**
 * Fits every spec on every training fold and on all rows from shared statistics.
 * @returns the result, or `undefined` when some system is not numerically positive definite
 * (the caller then falls back to fitting each model on its own, where LinearRegression uses QR)
 */
export function fitLinearStack(
  x: Float64Array,
  n: number,
  d: number,
  y: Float64Array,
  splits: readonly Split[],
  specs: readonly LinearSpec[],
): LinearStackResult | undefined {
  const M = specs.length;
  const ref = columnMeans(x, n, d);
  const yRef = mean(y);
  const folds: GramStats[] = splits.map((s) => {
    const st = emptyStats(d);
    accumulate(st, x, y, ref, yRef, s.test, n);
    symmetrize(st);
    return st;
  });
  const total = emptyStats(d);
  for (const f of folds) addInto(total, f);
  const oof = new Float64Array(n * M);
  for (let f = 0; f < splits.length; f++) {
    const train = subtract(total, folds[f]!);
    const test = splits[f]!.test;
    for (let m = 0; m < M; m++) {
      const sol = solveRidge(train, ref, yRef, specs[m]!.alpha, specs[m]!.fitIntercept);
      if (sol === undefined) return undefined;
      const w = sol.coef;
      for (let r = 0; r < test.length; r++) {
        const o = test[r]! * d;
        let s = sol.intercept;
        for (let j = 0; j < d; j++) s += x[o + j]! * w[j]!;
        oof[test[r]! * M + m] = s;
      }
    }
  }
  const full: LinearSolution[] = [];
  for (const spec of specs) {
    const sol = solveRidge(total, ref, yRef, spec.alpha, spec.fitIntercept);
    if (sol === undefined) return undefined;
    full.push(sol);
  }
  return { oof, full };
}
