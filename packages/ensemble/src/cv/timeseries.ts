/**
 * Expanding-window time-series splits with scikit-learn 1.2's exact indices.
 *
 * @module
 */
import { assertInteger, ValidationError } from '@x/core';
import type { Split, SplitData, Splitter } from './split.js';

/** Options of {@link TimeSeriesSplit} (scikit-learn's names in camelCase). */
export interface TimeSeriesSplitOptions {
  /** Number of splits, at least 2 (default 5). */
  readonly nSplits?: number;
  /** Keep at most this many of the most recent rows in each train set (default: all). */
  readonly maxTrainSize?: number;
  /** Rows per test set (default `floor(n / (nSplits + 1))`). */
  readonly testSize?: number;
  /** Rows left out between the end of train and the start of test (default 0). */
  readonly gap?: number;
}

/**
 * Time-series cross-validation: test sets are the last `nSplits * testSize` rows cut in
 * consecutive blocks; each train set ends `gap` rows before its test block and, with
 * `maxTrainSize`, keeps only that many of the most recent rows. Identical indices to
 * `sklearn.model_selection.TimeSeriesSplit` 1.2. Test sets do not cover the first rows: out-of-fold
 * predictions exist only for covered rows.
 *
 * @example
 * ```ts
 * import { TimeSeriesSplit } from '@x/ensemble';
 * const splits = new TimeSeriesSplit({ nSplits: 3, gap: 1 }).split({ nSamples: 8 });
 * console.log(Array.from(splits[0]!.train), Array.from(splits[0]!.test)); // [0] [2, 3]
 * ```
 */
export class TimeSeriesSplit implements Splitter {
  /** Number of splits. */
  readonly nSplits: number;
  /** Most recent rows kept in train, when capped. */
  readonly maxTrainSize: number | undefined;
  /** Rows per test set, when fixed. */
  readonly testSize: number | undefined;
  /** Rows skipped between train and test. */
  readonly gap: number;

  /**
   * @param options - splits, caps and gap
   * @throws ValidationError on a non-integer or out-of-range option
   */
  constructor(options: TimeSeriesSplitOptions = {}) {
    this.nSplits = options.nSplits ?? 5;
    this.maxTrainSize = options.maxTrainSize;
    this.testSize = options.testSize;
    this.gap = options.gap ?? 0;
    assertInteger(this.nSplits, 'nSplits', 2);
    assertInteger(this.gap, 'gap', 0);
    if (this.maxTrainSize !== undefined) assertInteger(this.maxTrainSize, 'maxTrainSize', 1);
    if (this.testSize !== undefined) assertInteger(this.testSize, 'testSize', 1);
  }

  /**
   * The splits.
   * @param data - `nSamples`
   * @throws ValidationError when there are too few rows for the splits, test size and gap
   */
  split(data: SplitData): Split[] {
    const n = data.nSamples;
    assertInteger(n, 'nSamples', 0);
    const k = this.nSplits;
    const testSize = this.testSize ?? Math.floor(n / (k + 1));
    if (k + 1 > n) {
      throw new ValidationError(
        `TimeSeriesSplit with nSplits=${k} needs at least ${k + 1} samples`,
        {
          field: 'nSamples',
          value: n,
        },
      );
    }
    if (n - this.gap - testSize * k <= 0) {
      throw new ValidationError(
        `too many splits (${k}) for ${n} samples with testSize=${testSize} and gap=${this.gap}`,
        { field: 'nSamples', value: n },
      );
    }
    const out: Split[] = [];
    for (let s = n - k * testSize; s < n; s += testSize) {
      const trainEnd = s - this.gap;
      const from =
        this.maxTrainSize !== undefined && this.maxTrainSize < trainEnd
          ? trainEnd - this.maxTrainSize
          : 0;
      out.push({ train: range(from, trainEnd), test: range(s, Math.min(n, s + testSize)) });
    }
    return out;
  }
}

function range(from: number, to: number): Int32Array {
  const r = new Int32Array(Math.max(0, to - from));
  for (let i = 0; i < r.length; i++) r[i] = from + i;
  return r;
}
