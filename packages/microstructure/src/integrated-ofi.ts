/**
 * Integrated OFI of Cont, Cucuringu & Zhang (2023), "Cross-impact of order flow imbalance in
 * equity markets", Quantitative Finance 23(10), Sec. 2.2: the multi-level OFI of each window is
 * scaled by the window's average depth, ofi^m = OFI^m / Q, and the integrated OFI is
 * w·ofi / ‖w‖₁ with w the first principal component of the scaled multi-level OFI.
 *
 * **No look-ahead.** The weights are fitted by {@link IntegratedOfi.fit} on *training* windows
 * only (past data) and then applied to later windows, in streaming, by
 * {@link IntegratedOfi.apply}. {@link integratedOfiWalkForward} refits on a rolling past window
 * so that every output uses strictly earlier windows.
 *
 * **Conventions.** PCA centres the data (as scikit-learn's `PCA` does) and uses the sample
 * covariance. The component is normalised to unit L1 norm and its sign is fixed so the weights
 * sum to a positive number (OFI at every level then enters with its usual sign when the levels
 * co-move). A window with zero mean depth has scaled OFI 0.
 *
 * @module
 */
import { InvalidStateError, ValidationError } from '@x/core';
import { symmetricEigen } from './internal/linalg.js';

/** The fitted weights of an integrated OFI. */
export interface IntegratedOfiFit {
  /** w, the first principal component normalised to ‖w‖₁ = 1 with Σw > 0. */
  readonly weights: Float64Array;
  /** Share of the total variance explained by the first component. */
  readonly explainedVarianceRatio: number;
  /** Number of training windows used. */
  readonly trainingWindows: number;
}

function checkMatrix(
  samples: ArrayLike<number>,
  rows: number,
  levels: number,
  offset: number,
): void {
  if (!Number.isInteger(offset) || offset < 0) {
    throw new ValidationError('offset must be an integer >= 0', { field: 'offset', value: offset });
  }
  if (!Number.isInteger(levels) || levels < 1) {
    throw new ValidationError('levels must be an integer >= 1', { field: 'levels', value: levels });
  }
  if (!Number.isInteger(rows) || rows < 2) {
    throw new ValidationError('at least 2 training windows are needed', {
      field: 'rows',
      value: rows,
    });
  }
  if (samples.length < offset + rows * levels) {
    throw new ValidationError(`samples must have rows × levels = ${rows * levels} elements`, {
      field: 'samples',
      value: samples.length,
    });
  }
  for (let i = offset; i < offset + rows * levels; i++) {
    if (!Number.isFinite(samples[i])) {
      throw new ValidationError(`samples[${i}] must be finite`, {
        field: `samples[${i}]`,
        value: samples[i],
      });
    }
  }
}

/**
 * Fits the integrated-OFI weights: the first principal component of depth-scaled multi-level
 * OFI (Cont, Cucuringu & Zhang 2023, Sec. 2.2), normalised by its L1 norm, sign fixed so Σw > 0.
 *
 * @param samples - training windows, rows × levels row-major, each row the *scaled* OFI
 *   (OFI^m / average depth, see {@link scaledOfi})
 * @param rows - number of training windows (>= 2)
 * @param levels - M
 * @param offset - index of the first element of the first row (default 0)
 * @returns the weights and the variance share of the first component
 * @throws `ValidationError` on a bad shape, a non-finite sample, or data with no variance
 *
 * @example
 * ```ts
 * // scaled OFI of 4 training windows × 2 levels, row-major
 * const trainingRows = [1, 0.8, -2, -1.8, 0.5, 0.6, -1, -0.7];
 * const fit = fitIntegratedOfi(trainingRows, 4, 2);
 * fit.weights; // ≈ [0.53, 0.47]: both levels load on one factor
 * integratedOfi(fit.weights, [0.4, 0.2]); // ≈ 0.306
 * ```
 */
export function fitIntegratedOfi(
  samples: ArrayLike<number>,
  rows: number,
  levels: number,
  offset = 0,
): IntegratedOfiFit {
  checkMatrix(samples, rows, levels, offset);
  const fit = firstComponent(samples, rows, levels, offset);
  if (fit === null) {
    throw new ValidationError('training OFI has no variance: the first component is undefined', {
      field: 'samples',
    });
  }
  return fit;
}

/**
 * The first principal component of rows × levels finite samples at `offset`, or `null` when
 * they have no variance (the only outcome that is not an error: the caller decides).
 */
function firstComponent(
  samples: ArrayLike<number>,
  rows: number,
  m: number,
  offset: number,
): IntegratedOfiFit | null {
  const mean = new Float64Array(m);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < m; k++) mean[k]! += samples[offset + r * m + k]!;
  }
  for (let k = 0; k < m; k++) mean[k]! /= rows;
  const cov = new Float64Array(m * m);
  for (let r = 0; r < rows; r++) {
    const o = offset + r * m;
    for (let i = 0; i < m; i++) {
      const di = samples[o + i]! - mean[i]!;
      for (let j = i; j < m; j++) cov[i * m + j]! += di * (samples[o + j]! - mean[j]!);
    }
  }
  let trace = 0;
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) {
      cov[i * m + j]! /= rows - 1;
      cov[j * m + i] = cov[i * m + j]!;
    }
    trace += cov[i * m + i]!;
  }
  if (!Number.isFinite(trace)) {
    throw new ValidationError('the covariance of the training OFI overflows', {
      field: 'samples',
    });
  }
  if (!(trace > 0)) return null;
  const { values, vectors } = symmetricEigen(cov, m);
  const w = new Float64Array(m);
  let l1 = 0;
  let sum = 0;
  for (let k = 0; k < m; k++) {
    w[k] = vectors[k * m]!;
    l1 += Math.abs(w[k]!);
    sum += w[k]!;
  }
  const s = (sum < 0 ? -1 : 1) / l1;
  for (let k = 0; k < m; k++) w[k]! *= s;
  return { weights: w, explainedVarianceRatio: values[0]! / trace, trainingWindows: rows };
}

/**
 * Depth-scaled OFI of one window, ofi^m = OFI^m / Q (0 when Q = 0), written into `out`.
 * @param ofi - per-level OFI of the window (e.g. {@link OfiWindow.completed})
 * @param depth - the window's average depth Q (e.g. {@link OfiWindow.completedDepth}), >= 0
 * @param out - destination, at least as long as `ofi`
 * @returns `out`
 * @throws `ValidationError` when depth is negative or not finite
 */
export function scaledOfi(
  ofi: ArrayLike<number>,
  depth: number,
  out: Float64Array = new Float64Array(ofi.length),
): Float64Array {
  if (!(depth >= 0) || depth === Number.POSITIVE_INFINITY) {
    throw new ValidationError('depth must be finite and >= 0', { field: 'depth', value: depth });
  }
  const inv = depth > 0 ? 1 / depth : 0;
  for (let k = 0; k < ofi.length; k++) {
    const x = ofi[k]! * inv;
    if (!Number.isFinite(x)) {
      throw new ValidationError(`ofi[${k}] / depth must be finite`, {
        field: `ofi[${k}]`,
        value: ofi[k],
      });
    }
    out[k] = x;
  }
  return out;
}

/**
 * The integrated OFI w·x of one window's scaled OFI x (weights already L1-normalised).
 * O(M), allocation-free.
 * @param weights - fitted weights
 * @param scaled - the window's scaled OFI, at least `weights.length` long
 * @returns the integrated OFI
 * @throws `ValidationError` when the result is not finite (a non-finite input, a short `scaled`)
 */
export function integratedOfi(weights: ArrayLike<number>, scaled: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < weights.length; k++) s += weights[k]! * scaled[k]!;
  if (!Number.isFinite(s)) {
    throw new ValidationError(
      'weights and scaled OFI must be finite, scaled at least as long as weights',
      { field: 'scaled', value: scaled.length },
    );
  }
  return s;
}

/**
 * Streaming integrated OFI: fit once on training windows, then apply to each new window.
 *
 * @example
 * ```ts
 * const trainScaled = [1, 0.8, -2, -1.8, 0.5, 0.6, -1, -0.7]; // 4 windows × 2 levels
 * const iofi = new IntegratedOfi(2).fit(trainScaled, 4);
 * // then per completed window of an OfiWindow: iofi.apply(win.completed, win.completedDepth)
 * iofi.apply([40, 20], 100); // ≈ 0.306: raw OFI [40, 20] over an average depth of 100
 * ```
 */
export class IntegratedOfi {
  /** M. */
  readonly levels: number;
  #fit: IntegratedOfiFit | null = null;

  /**
   * @param levels - M, the number of OFI levels
   * @throws `ValidationError` when levels is not a positive integer
   */
  constructor(levels: number) {
    if (!Number.isInteger(levels) || levels < 1) {
      throw new ValidationError('levels must be an integer >= 1', {
        field: 'levels',
        value: levels,
      });
    }
    this.levels = levels;
  }

  /**
   * Fits the weights on training windows (see {@link fitIntegratedOfi}).
   * @param scaledRows - rows × levels of scaled OFI from the training period only
   * @param rows - number of training windows
   * @returns this
   * @throws `ValidationError` on bad training data
   */
  fit(scaledRows: ArrayLike<number>, rows: number): this {
    this.#fit = fitIntegratedOfi(scaledRows, rows, this.levels);
    return this;
  }

  /** The fitted weights and statistics, or null before {@link IntegratedOfi.fit}. */
  get fitted(): IntegratedOfiFit | null {
    return this.#fit;
  }

  /**
   * Integrated OFI of one window from its raw per-level OFI and average depth.
   * @param ofi - per-level OFI of the window
   * @param depth - average depth over the window (>= 0; 0 gives 0)
   * @returns Σ w_m · OFI^m / depth
   * @throws `InvalidStateError` before `fit`; `ValidationError` on non-finite input
   */
  apply(ofi: ArrayLike<number>, depth: number): number {
    const f = this.#fit;
    if (f === null)
      throw new InvalidStateError('IntegratedOfi.apply before fit', { state: 'unfitted' });
    if (!(depth >= 0) || depth === Number.POSITIVE_INFINITY || ofi.length < this.levels) {
      throw new ValidationError('depth must be finite and >= 0 and ofi must have M levels', {
        field: 'depth',
        value: depth,
      });
    }
    if (depth === 0) return 0;
    const x = integratedOfi(f.weights, ofi) / depth;
    if (!Number.isFinite(x)) throw new ValidationError('ofi must be finite', { field: 'ofi' });
    return x;
  }
}

/** Result of {@link integratedOfiWalkForward}. */
export interface IntegratedOfiWalkForward {
  /** Integrated OFI per window (0 where `valid` is 0). */
  readonly values: Float64Array;
  /** 1 where a fit on the previous `train` windows existed, else 0. */
  readonly valid: Uint8Array;
}

/**
 * Out-of-sample integrated OFI: window t uses weights fitted on windows [t − train, t) only.
 * @param scaled - rows × levels scaled OFI
 * @param rows - number of windows
 * @param levels - M
 * @param train - training windows per fit (>= 2)
 * @param refitEvery - refit every this many windows (default 1)
 * @returns the values and validity mask; `valid` is 0 where no fit exists: before `train`
 *   windows, and where the training windows have no variance (then until the next refit)
 * @throws `ValidationError` on bad shapes or arguments, or a non-finite sample anywhere (an
 *   error, not a window without variance)
 */
export function integratedOfiWalkForward(
  scaled: Float64Array,
  rows: number,
  levels: number,
  train: number,
  refitEvery = 1,
): IntegratedOfiWalkForward {
  if (!Number.isInteger(rows) || rows < 0) {
    throw new ValidationError('rows must be an integer >= 0', { field: 'rows', value: rows });
  }
  if (!Number.isInteger(levels) || levels < 1) {
    throw new ValidationError('levels must be an integer >= 1', { field: 'levels', value: levels });
  }
  if (!Number.isInteger(train) || train < 2) {
    throw new ValidationError('train must be an integer >= 2', { field: 'train', value: train });
  }
  if (!Number.isInteger(refitEvery) || refitEvery < 1) {
    throw new ValidationError('refitEvery must be an integer >= 1', {
      field: 'refitEvery',
      value: refitEvery,
    });
  }
  if (!(scaled instanceof Float64Array) || scaled.length < rows * levels) {
    throw new ValidationError('scaled must be a Float64Array of at least rows × levels', {
      field: 'scaled',
      value: scaled?.length,
    });
  }
  // every window is checked up front: a non-finite sample is an error, never "no variance"
  for (let i = 0; i < rows * levels; i++) {
    if (!Number.isFinite(scaled[i])) {
      throw new ValidationError(`scaled[${i}] (window ${Math.floor(i / levels)}) must be finite`, {
        field: `scaled[${i}]`,
        value: scaled[i],
        details: { window: Math.floor(i / levels) },
      });
    }
  }
  const values = new Float64Array(rows);
  const valid = new Uint8Array(rows);
  let w: Float64Array | null = null;
  for (let t = train; t < rows; t++) {
    if (w === null || (t - train) % refitEvery === 0) {
      // null: no variance in this training window, so no output for window t
      w = firstComponent(scaled, train, levels, (t - train) * levels)?.weights ?? null;
    }
    if (w === null) continue;
    const x = integratedOfi(w, scaled.subarray(t * levels, (t + 1) * levels));
    if (!Number.isFinite(x)) {
      throw new ValidationError(`the integrated OFI of window ${t} overflows`, {
        field: 'scaled',
        details: { window: t },
      });
    }
    values[t] = x;
    valid[t] = 1;
  }
  return { values, valid };
}
