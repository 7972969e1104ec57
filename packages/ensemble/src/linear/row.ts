/**
 * The one-row prediction contract that lets an ensemble predict a single observation without
 * allocating. Core's `Regressor` predicts a whole matrix; this adds the per-row path.
 *
 * @module
 */

/**
 * A regressor that can predict one row in place: the ensemble's fast path uses it when every
 * member (and the meta-learner) provides it.
 */
export interface RowRegressor {
  /**
   * The prediction for the features `row[offset .. offset + nFeatures)`.
   * @param row - features, row-major
   * @param offset - index of the row's first feature
   */
  predictRow(row: ArrayLike<number>, offset?: number): number;
}

/** True when `m` implements {@link RowRegressor}. */
export function isRowRegressor(m: unknown): m is RowRegressor {
  return typeof (m as RowRegressor | null)?.predictRow === 'function';
}
