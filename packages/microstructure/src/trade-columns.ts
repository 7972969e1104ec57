/**
 * The one columnar trade type of the package's trade-based estimators ({@link tradeBars},
 * {@link tradeSpreads}).
 *
 * @module
 */

/**
 * Trades as columns, in time order: row i is one print. The optional columns are optional
 * where a function can do without them; `Required<TradeColumns>` where it cannot.
 */
export interface TradeColumns {
  /**
   * Timestamps, finite and non-decreasing, in the unit the function states (milliseconds for
   * {@link tradeBars}; any unit for {@link tradeSpreads}, whose horizons use the same one).
   */
  readonly ts: ArrayLike<number>;
  /** Trade prices, finite and > 0. */
  readonly price: ArrayLike<number>;
  /** Quantities, finite and > 0 (size-weighted means weight equally when absent). */
  readonly qty?: ArrayLike<number>;
  /**
   * Aggressor sign: +1 buyer-initiated, −1 seller-initiated. Where it may be absent the
   * function says how it classifies trades instead (for {@link tradeSpreads}, Lee and Ready
   * 1991).
   */
  readonly sign?: ArrayLike<number>;
}
