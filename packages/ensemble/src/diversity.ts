/**
 * Ensemble diversity: Kuncheva and Whitaker's pairwise measures for classifiers and the
 * correlation of out-of-fold errors for regressors.
 *
 * @module
 */
import { ValidationError } from '@x/core';

/** Kuncheva-Whitaker measures of one pair of classifiers (Machine Learning 51, 2003, Table 1). */
export interface PairDiversity {
  /** Index of the first member. */
  readonly i: number;
  /** Index of the second member (`j > i`). */
  readonly j: number;
  /** Yule's Q: `(N11 N00 - N01 N10) / (N11 N00 + N01 N10)`; 0 for independent, negative for diverse. */
  readonly q: number;
  /** Correlation ρ of the correct/incorrect indicators. */
  readonly correlation: number;
  /** Disagreement: share of rows where exactly one is correct, `(N01 + N10) / N`. */
  readonly disagreement: number;
  /** Double fault: share of rows where both are wrong, `N00 / N`. */
  readonly doubleFault: number;
}

/** Means over pairs of the Kuncheva-Whitaker measures. */
export interface DiversitySummary {
  /** Mean Yule's Q. */
  readonly q: number;
  /** Mean correlation ρ. */
  readonly correlation: number;
  /** Mean disagreement. */
  readonly disagreement: number;
  /** Mean double fault. */
  readonly doubleFault: number;
}

/** Pairwise measures and their averages over all pairs. */
export interface ClassifierDiversity {
  /** One entry per pair i < j. */
  readonly pairs: readonly PairDiversity[];
  /** Mean over pairs of each measure (NaN entries, from a degenerate pair, are skipped). */
  readonly mean: DiversitySummary;
}

/**
 * Kuncheva-Whitaker pairwise diversity of classifiers from their (out-of-fold) predictions.
 * For a pair, N11 counts rows both classify correctly, N00 both wrongly, N10 and N01 one of them.
 * Q and ρ are NaN when their denominator is 0 (a member always right or always wrong).
 *
 * @param y - true labels
 * @param predictions - one label array per member
 * @returns pairwise measures and their means
 * @throws ValidationError on fewer than two members or mismatched lengths
 *
 * @example
 * ```ts
 * import { classifierDiversity } from '@x/ensemble';
 * const y = [0, 1, 0, 1];
 * const d = classifierDiversity(y, [[0, 1, 1, 1], [0, 0, 0, 1]]);
 * console.log(d.pairs[0]!.disagreement, d.pairs[0]!.doubleFault); // 0.5 0
 * ```
 */
export function classifierDiversity(
  y: ArrayLike<number>,
  predictions: readonly ArrayLike<number>[],
): ClassifierDiversity {
  const M = predictions.length;
  const n = y.length;
  if (M < 2)
    throw new ValidationError('diversity needs at least two members', { field: 'predictions' });
  for (const p of predictions) {
    if (p.length !== n)
      throw new ValidationError(`a member has ${p.length} predictions for ${n} labels`, {
        field: 'predictions',
      });
  }
  if (n === 0) throw new ValidationError('diversity needs at least one row', { field: 'y' });
  const pairs: PairDiversity[] = [];
  for (let i = 0; i < M; i++) {
    for (let j = i + 1; j < M; j++) {
      let n11 = 0;
      let n00 = 0;
      let n10 = 0;
      let n01 = 0;
      for (let r = 0; r < n; r++) {
        const a = predictions[i]![r] === y[r];
        const b = predictions[j]![r] === y[r];
        if (a && b) n11++;
        else if (!a && !b) n00++;
        else if (a) n10++;
        else n01++;
      }
      const num = n11 * n00 - n01 * n10;
      const qDen = n11 * n00 + n01 * n10;
      const rDen = Math.sqrt((n11 + n10) * (n01 + n00) * (n11 + n01) * (n10 + n00));
      pairs.push({
        i,
        j,
        q: qDen === 0 ? Number.NaN : num / qDen,
        correlation: rDen === 0 ? Number.NaN : num / rDen,
        disagreement: (n01 + n10) / n,
        doubleFault: n00 / n,
      });
    }
  }
  const avg = (f: (p: PairDiversity) => number) => {
    let s = 0;
    let c = 0;
    for (const p of pairs) {
      const v = f(p);
      if (!Number.isNaN(v)) {
        s += v;
        c++;
      }
    }
    return c === 0 ? Number.NaN : s / c;
  };
  return {
    pairs,
    mean: {
      q: avg((p) => p.q),
      correlation: avg((p) => p.correlation),
      disagreement: avg((p) => p.disagreement),
      doubleFault: avg((p) => p.doubleFault),
    },
  };
}

/** Error correlation of regressors. */
export interface RegressorDiversity {
  /** Pearson correlation of the members' errors, row-major [members, members]. */
  readonly correlation: Float64Array;
  /** Mean off-diagonal correlation: near 1 means the members err together and combining gains little. */
  readonly meanCorrelation: number;
}

/**
 * Correlation matrix of regressors' out-of-fold errors `y - ŷ_k`.
 *
 * @param y - targets
 * @param predictions - row-major [rows, members] (as `StackingRegressor.oofPredictions`); NaN rows are skipped
 * @param nMembers - number of members
 * @returns the correlation matrix and its mean off-diagonal entry
 * @throws ValidationError on mismatched sizes, fewer than two members or two usable rows
 *
 * @example
 * ```ts
 * import { regressorDiversity } from '@x/ensemble';
 * const d = regressorDiversity([0, 0, 0, 0], [1, 2, -1, -2, 1, 2, -1, -2], 2);
 * console.log(d.meanCorrelation); // 1: the errors are proportional
 * ```
 */
export function regressorDiversity(
  y: ArrayLike<number>,
  predictions: ArrayLike<number>,
  nMembers: number,
): RegressorDiversity {
  const n = y.length;
  const M = nMembers;
  if (M < 2 || predictions.length !== n * M) {
    throw new ValidationError(`predictions must be rows x members with at least two members`, {
      field: 'predictions',
    });
  }
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    let ok = Number.isFinite(y[i]!);
    for (let k = 0; k < M; k++) ok &&= Number.isFinite(predictions[i * M + k]!);
    if (ok) rows.push(i);
  }
  if (rows.length < 2)
    throw new ValidationError('diversity needs at least two rows with predictions', {
      field: 'predictions',
    });
  const m = rows.length;
  const e = new Float64Array(m * M);
  const mean = new Float64Array(M);
  rows.forEach((i, r) => {
    for (let k = 0; k < M; k++) {
      e[r * M + k] = y[i]! - predictions[i * M + k]!;
      mean[k]! += e[r * M + k]! / m;
    }
  });
  const cov = new Float64Array(M * M);
  for (let r = 0; r < m; r++) {
    for (let a = 0; a < M; a++)
      for (let b = a; b < M; b++)
        cov[a * M + b]! += (e[r * M + a]! - mean[a]!) * (e[r * M + b]! - mean[b]!);
  }
  const corr = new Float64Array(M * M);
  let s = 0;
  let c = 0;
  for (let a = 0; a < M; a++) {
    for (let b = a; b < M; b++) {
      const den = Math.sqrt(cov[a * M + a]! * cov[b * M + b]!);
      const v = a === b ? 1 : den === 0 ? Number.NaN : cov[a * M + b]! / den;
      corr[a * M + b] = v;
      corr[b * M + a] = v;
      if (a !== b && !Number.isNaN(v)) {
        s += v;
        c++;
      }
    }
  }
  return { correlation: corr, meanCorrelation: c === 0 ? Number.NaN : s / c };
}
