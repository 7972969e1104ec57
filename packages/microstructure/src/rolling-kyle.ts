/**
 * Rolling Kyle's lambda over the last `window` intervals, O(1) per observation.
 *
 * @module
 */
import { ValidationError } from '@x/core';
import { checkPolicy, type InvalidPolicy } from './internal/book.js';

/** Options of {@link RollingKyleLambda}. */
export interface RollingKyleLambdaOptions {
  /** Intervals in the window (integer >= 3). */
  readonly window: number;
  /** Fit an intercept (default true). */
  readonly intercept?: boolean;
  /**
   * Recompute the running sums from the window every this many observations, which bounds
   * floating-point drift of the add-and-subtract updates (default 4096; cost O(window) each time).
   */
  readonly resyncEvery?: number;
  /** `'throw'` (default) or `'skip'` on a NaN or infinite observation. */
  readonly onInvalid?: InvalidPolicy;
  /** Robust standard error type of {@link RollingKyleLambda.robustStdError} (default `'HC1'`). */
  readonly covType?: 'HC0' | 'HC1';
}

/**
 * Kyle's lambda Δp = α + λ·(signed volume) + ε (Kyle 1985; see {@link kyleLambda} for the
 * conventions: price change in price units, buyer-initiated flow positive, intercept by default)
 * fitted by OLS over a sliding window of the last `window` intervals.
 *
 * Running sums of x, y, x², xy and y², taken about a reference point (the window means at the
 * last resync) to limit cancellation, are updated in O(1) per observation with no allocation;
 * every `resyncEvery` observations they are recomputed from the ring buffer (O(window)) to bound
 * drift. The estimate is the closed-form simple regression: λ = Sxy/Sxx, s² = (Syy − λSxy)/(n − 2)
 * (n − 1 without intercept), plain standard error √(s²/Sxx), t = λ/se, R² = λSxy/Syy (uncentred
 * without intercept). The HC0/HC1 robust standard error comes from running sums of the
 * fourth-order moments (x³, x⁴, x²y, x³y, xy², x²y²) kept the same way; HC2/HC3 need each
 * observation's leverage and are offered by the batch {@link kyleLambda} only.
 *
 * Until the window holds enough observations with variation in both series, the estimates are
 * `undefined` (never NaN). Invalid observations (NaN, ±Infinity) follow `onInvalid`: a
 * `ValidationError` (default) or a skip counted in {@link RollingKyleLambda.skipped}; either way
 * the window is unchanged.
 *
 * @example
 * ```ts
 * import { RollingKyleLambda } from '@x/microstructure';
 * const k = new RollingKyleLambda({ window: 100 });
 * for (let i = 0; i < 500; i++) {
 *   const flow = Math.sin(i * 1.7) * 10;
 *   k.update(0.02 * flow + Math.cos(i * 2.3) * 0.01, flow);
 * }
 * console.log(k.lambda?.toFixed(3), k.robustStdError !== undefined); // 0.020 true
 * ```
 */
export class RollingKyleLambda {
  /** Window length in intervals. */
  readonly window: number;
  /** Observations rejected under the `'skip'` policy. */
  skipped = 0;
  readonly #x: Float64Array;
  readonly #y: Float64Array;
  readonly #in = new Float64Array(2);
  readonly #intercept: boolean;
  readonly #hc1: boolean;
  readonly #resync: number;
  readonly #policy: InvalidPolicy;
  #head = 0;
  #len = 0;
  #since = 0;
  #rx = 0;
  #ry = 0;
  #sx = 0;
  #sy = 0;
  #sxx = 0;
  #sxy = 0;
  #syy = 0;
  /** Higher moments for the robust error, about the same reference: Σx³, Σx⁴, Σx²y, Σx³y, Σxy², Σx²y². */
  readonly #hm = new Float64Array(6);

  /**
   * @param options - window, intercept, resync interval, invalid-input policy
   * @throws `ValidationError` on bad options
   */
  constructor(options: RollingKyleLambdaOptions) {
    const w = options.window;
    if (!(Number.isInteger(w) && w >= 3)) {
      throw new ValidationError('window must be an integer >= 3', { field: 'window', value: w });
    }
    const r = options.resyncEvery ?? 4096;
    if (!(Number.isInteger(r) && r >= 1)) {
      throw new ValidationError('resyncEvery must be an integer >= 1', {
        field: 'resyncEvery',
        value: r,
      });
    }
    this.window = w;
    this.#x = new Float64Array(w);
    this.#y = new Float64Array(w);
    this.#intercept = options.intercept ?? true;
    const cov = options.covType ?? 'HC1';
    if (cov !== 'HC0' && cov !== 'HC1') {
      throw new ValidationError("covType must be 'HC0' or 'HC1'", { field: 'covType', value: cov });
    }
    this.#hc1 = cov === 'HC1';
    this.#resync = r;
    this.#policy = checkPolicy(options.onInvalid);
  }

  /**
   * Adds one interval.
   * @param priceChange - Δp of the interval
   * @param signedVolume - buyer-initiated minus seller-initiated volume of the interval
   * @returns true when accepted, false when skipped under the `'skip'` policy
   * @throws `ValidationError` on a non-finite value under the `'throw'` policy
   */
  update(priceChange: number, signedVolume: number): boolean {
    // kept small so that V8 inlines it into the caller's loop: the two doubles then never cross
    // a call boundary (which would box them); the work happens in #push, on the scratch
    if (!(priceChange - priceChange === 0 && signedVolume - signedVolume === 0)) {
      return this.#invalid(priceChange, signedVolume);
    }
    this.#in[0] = signedVolume;
    this.#in[1] = priceChange;
    this.#push();
    return true;
  }

  #invalid(priceChange: number, signedVolume: number): boolean {
    if (this.#policy === 'throw') {
      throw new ValidationError('priceChange and signedVolume must be finite', {
        field: priceChange - priceChange === 0 ? 'signedVolume' : 'priceChange',
        value: priceChange - priceChange === 0 ? signedVolume : priceChange,
      });
    }
    this.skipped++;
    return false;
  }

  #push(): void {
    const x = this.#in[0]!;
    const y = this.#in[1]!;
    if (this.#len === 0 && this.#intercept) {
      this.#rx = x;
      this.#ry = y;
    }
    const w = this.window;
    if (this.#len === w) {
      const h = this.#head;
      const ox = this.#x[h]! - this.#rx;
      const oy = this.#y[h]! - this.#ry;
      this.#sx -= ox;
      this.#sy -= oy;
      this.#sxx -= ox * ox;
      this.#sxy -= ox * oy;
      this.#syy -= oy * oy;
      this.#moments(ox, oy, -1);
      this.#x[h] = x;
      this.#y[h] = y;
      this.#head = h + 1 === w ? 0 : h + 1;
    } else {
      const i = this.#head + this.#len;
      this.#x[i] = x;
      this.#y[i] = y;
      this.#len++;
    }
    const dx = x - this.#rx;
    const dy = y - this.#ry;
    this.#sx += dx;
    this.#sy += dy;
    this.#sxx += dx * dx;
    this.#sxy += dx * dy;
    this.#syy += dy * dy;
    this.#moments(dx, dy, 1);
    if (++this.#since >= this.#resync) this.#recompute();
  }

  /** Observations in the window. */
  get count(): number {
    return this.#len;
  }

  /** Whether the window has enough observations with variation to give an estimate. */
  get ready(): boolean {
    // relative thresholds: a constant series cancels to rounding noise, not to exactly 0
    return (
      this.#len > (this.#intercept ? 2 : 1) &&
      this.#sxxC() > 1e-12 * this.#sxx &&
      this.#syyC() > 1e-12 * this.#syy
    );
  }

  /** λ, or `undefined` until {@link RollingKyleLambda.ready}. */
  get lambda(): number | undefined {
    return this.ready ? this.#sxyC() / this.#sxxC() : undefined;
  }

  /** The intercept α (0 without intercept), or `undefined` until ready. */
  get intercept(): number | undefined {
    if (!this.ready) return undefined;
    if (!this.#intercept) return 0;
    const n = this.#len;
    const b = this.#sxyC() / this.#sxxC();
    return this.#ry + this.#sy / n - b * (this.#rx + this.#sx / n);
  }

  /** Plain OLS standard error of λ, or `undefined` until ready. */
  get stdError(): number | undefined {
    if (!this.ready) return undefined;
    const sxx = this.#sxxC();
    const sxy = this.#sxyC();
    const ssr = Math.max(this.#syyC() - (sxy * sxy) / sxx, 0);
    const df = this.#len - (this.#intercept ? 2 : 1);
    return Math.sqrt(ssr / df / sxx);
  }

  /** λ / stdError (±Infinity for an exact fit), or `undefined` until ready. */
  get tStat(): number | undefined {
    const se = this.stdError;
    if (se === undefined) return undefined;
    return this.#sxyC() / this.#sxxC() / se;
  }

  /** R² of the window (centred with intercept, uncentred without), or `undefined` until ready. */
  get r2(): number | undefined {
    if (!this.ready) return undefined;
    const sxy = this.#sxyC();
    return Math.min(1, (sxy * sxy) / (this.#sxxC() * this.#syyC()));
  }

  /**
   * Heteroskedasticity-robust standard error of λ, HC0 or HC1 (`covType`, statsmodels' names):
   * √(Σ uᵢ²eᵢ²) / Sxx with uᵢ the centred (or, without intercept, raw) flow and eᵢ the residual,
   * times √(n/(n − k)) for HC1; from running fourth-order moments, O(1). `undefined` until ready.
   */
  get robustStdError(): number | undefined {
    if (!this.ready) return undefined;
    const n = this.#len;
    const b = this.#sxyC() / this.#sxxC();
    const hm = this.#hm;
    const x3 = hm[0]!;
    const x4 = hm[1]!;
    const x2y = hm[2]!;
    const x3y = hm[3]!;
    const xy2 = hm[4]!;
    const x2y2 = hm[5]!;
    const sx = this.#sx;
    const sy = this.#sy;
    const sxx = this.#sxx;
    const sxy = this.#sxy;
    const syy = this.#syy;
    // central moments about the window means (mx, my) from the moments about the reference
    const mx = this.#intercept ? sx / n : 0;
    const my = this.#intercept ? sy / n : 0;
    const u4 = x4 - 4 * mx * x3 + 6 * mx * mx * sxx - 4 * mx ** 3 * sx + n * mx ** 4;
    const u3v =
      x3y -
      my * x3 -
      3 * mx * x2y +
      3 * mx * my * sxx +
      3 * mx * mx * sxy -
      3 * mx * mx * my * sx -
      mx ** 3 * sy +
      n * mx ** 3 * my;
    const u2v2 =
      x2y2 -
      2 * my * x2y +
      my * my * sxx -
      2 * mx * xy2 +
      4 * mx * my * sxy -
      2 * mx * my * my * sx +
      mx * mx * syy -
      2 * mx * mx * my * sy +
      n * mx * mx * my * my;
    const meat = Math.max(u2v2 - 2 * b * u3v + b * b * u4, 0);
    const k = this.#intercept ? 2 : 1;
    const f = this.#hc1 ? n / (n - k) : 1;
    return Math.sqrt(meat * f) / this.#sxxC();
  }

  #moments(dx: number, dy: number, sign: number): void {
    const hm = this.#hm;
    const x2 = dx * dx;
    hm[0]! += sign * x2 * dx;
    hm[1]! += sign * x2 * x2;
    hm[2]! += sign * x2 * dy;
    hm[3]! += sign * x2 * dx * dy;
    hm[4]! += sign * dx * dy * dy;
    hm[5]! += sign * x2 * dy * dy;
  }

  /** Clears the window (options and the skipped count are kept). */
  reset(): void {
    this.#head = 0;
    this.#len = 0;
    this.#since = 0;
    this.#rx = 0;
    this.#ry = 0;
    this.#sx = 0;
    this.#sy = 0;
    this.#sxx = 0;
    this.#sxy = 0;
    this.#syy = 0;
    this.#hm.fill(0);
  }

  // centred (intercept) or raw (no intercept, reference 0) second moments
  #sxxC(): number {
    return this.#intercept ? this.#sxx - (this.#sx * this.#sx) / this.#len : this.#sxx;
  }
  #sxyC(): number {
    return this.#intercept ? this.#sxy - (this.#sx * this.#sy) / this.#len : this.#sxy;
  }
  #syyC(): number {
    return this.#intercept ? this.#syy - (this.#sy * this.#sy) / this.#len : this.#syy;
  }

  #recompute(): void {
    this.#since = 0;
    const n = this.#len;
    const w = this.window;
    if (this.#intercept) {
      let mx = 0;
      let my = 0;
      for (let k = 0; k < n; k++) {
        mx += this.#x[k]!;
        my += this.#y[k]!;
      }
      this.#rx = mx / n;
      this.#ry = my / n;
    }
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    let syy = 0;
    for (let k = 0; k < n; k++) {
      const i = (this.#head + k) % w;
      const dx = this.#x[i]! - this.#rx;
      const dy = this.#y[i]! - this.#ry;
      sx += dx;
      sy += dy;
      sxx += dx * dx;
      sxy += dx * dy;
      syy += dy * dy;
    }
    this.#sx = sx;
    this.#sy = sy;
    this.#sxx = sxx;
    this.#sxy = sxy;
    this.#syy = syy;
    const hm = this.#hm;
    hm.fill(0);
    for (let k = 0; k < n; k++) {
      const i = (this.#head + k) % w;
      this.#moments(this.#x[i]! - this.#rx, this.#y[i]! - this.#ry, 1);
    }
  }
}
