/**
 * Dynamic weighting: member weights that follow recent out-of-sample performance, updated online
 * as outcomes arrive.
 *
 * @module
 */
import { assertPositive, ValidationError } from '@x/core';

/** Options of {@link DynamicWeights}. */
export interface DynamicWeightsOptions {
  /** Number of members. */
  readonly nMembers: number;
  /** Half-life of the exponentially weighted loss, in observations (default 50). */
  readonly halfLife?: number;
  /**
   * `'squared-error'` (default): loss `(y - ŷ_k)²`, weights `∝ 1 / EWMA loss` (inverse-MSE).
   * `'log-score'`: loss `-lpd_k`, weights `∝ exp(-discounted cumulative loss / temperature)`
   * (exponential weights; with temperature 1 this is Bayesian updating with forgetting).
   */
  readonly score?: 'squared-error' | 'log-score';
  /** Temperature of the log-score weights (default 1). */
  readonly temperature?: number;
}

/**
 * Online member weights from exponentially weighted recent losses. Each {@link DynamicWeights.update}
 * takes one outcome's per-member loss inputs and updates in O(members) with no allocation; the
 * weights use only outcomes seen so far, so combining today's forecasts with the current weights
 * is out of sample. With squared error the weights are inverse EWMA-MSE (Bates and Granger
 * 1969's inverse-variance combination made adaptive); with the log score they are exponential
 * weights on the discounted cumulative log loss `Σ_s a^(t-s) (-lpd_s)` (Vovk's aggregating rule
 * with discounting; `a = 2^(-1/halfLife)`).
 *
 * @example
 * ```ts
 * import { DynamicWeights } from '@x/ensemble';
 * const dw = new DynamicWeights({ nMembers: 2, halfLife: 10 });
 * for (let t = 0; t < 100; t++) dw.update(0, [0.1, 1]); // member 0 errs by 0.1, member 1 by 1
 * console.log(dw.weights[0]! > 0.95); // true
 * ```
 */
export class DynamicWeights {
  /** Current weights on the simplex (equal until the first update). */
  readonly weights: Float64Array;
  /** Outcomes seen. */
  count = 0;
  private readonly loss: Float64Array;
  private readonly decay: number;
  private readonly score: 'squared-error' | 'log-score';
  private readonly temperature: number;

  /**
   * @param options - members, half-life, score and temperature
   * @throws ValidationError on a bad option
   */
  constructor(options: DynamicWeightsOptions) {
    const M = options.nMembers;
    if (!Number.isInteger(M) || M < 1)
      throw new ValidationError('nMembers must be a positive integer', { field: 'nMembers' });
    const h = options.halfLife ?? 50;
    assertPositive(h, 'halfLife');
    this.decay = 0.5 ** (1 / h);
    this.score = options.score ?? 'squared-error';
    this.temperature = options.temperature ?? 1;
    assertPositive(this.temperature, 'temperature');
    this.weights = new Float64Array(M).fill(1 / M);
    this.loss = new Float64Array(M);
  }

  /**
   * Records one outcome.
   * @param y - the outcome (ignored for `'log-score'`)
   * @param values - per member: the point forecast (`'squared-error'`) or the log predictive density of `y` (`'log-score'`)
   * @throws ValidationError on a wrong length or a non-finite value; nothing changes then
   */
  update(y: number, values: ArrayLike<number>): void {
    const M = this.weights.length;
    if (values.length !== M)
      throw new ValidationError(`expected ${M} values, got ${values.length}`, { field: 'values' });
    for (let k = 0; k < M; k++) {
      if (!Number.isFinite(values[k]!))
        throw new ValidationError(`values[${k}] is not finite`, { field: 'values' });
    }
    if (!Number.isFinite(y)) throw new ValidationError('y is not finite', { field: 'y' });
    const a = this.decay;
    const first = this.count === 0;
    for (let k = 0; k < M; k++) {
      const l = this.score === 'squared-error' ? (y - values[k]!) ** 2 : -values[k]!;
      this.loss[k] = first ? l : a * this.loss[k]! + (1 - a) * l;
    }
    this.count++;
    this.recompute();
  }

  /**
   * The combined forecast `Σ w_k ŷ_k` with the current weights.
   * @param forecasts - one forecast per member
   */
  combine(forecasts: ArrayLike<number>): number {
    let s = 0;
    for (let k = 0; k < this.weights.length; k++) s += this.weights[k]! * forecasts[k]!;
    return s;
  }

  private recompute(): void {
    const M = this.weights.length;
    let s = 0;
    if (this.score === 'squared-error') {
      let floor = Number.POSITIVE_INFINITY;
      for (let k = 0; k < M; k++) if (this.loss[k]! > 0) floor = Math.min(floor, this.loss[k]!);
      const eps = Number.isFinite(floor) ? floor * 1e-12 : 1;
      for (let k = 0; k < M; k++) {
        this.weights[k] = 1 / Math.max(this.loss[k]!, eps);
        s += this.weights[k]!;
      }
    } else {
      // the EWMA times the discounted count is the discounted cumulative loss
      const mass = (1 - this.decay ** this.count) / (1 - this.decay);
      let mn = Number.POSITIVE_INFINITY;
      for (let k = 0; k < M; k++) mn = Math.min(mn, this.loss[k]!);
      for (let k = 0; k < M; k++) {
        this.weights[k] = Math.exp((-(this.loss[k]! - mn) * mass) / this.temperature);
        s += this.weights[k]!;
      }
    }
    for (let k = 0; k < M; k++) this.weights[k]! /= s;
  }
}
