/**
 * Purged K-fold with embargo (López de Prado, Advances in Financial Machine Learning, 2018,
 * ch. 7): training rows whose label interval overlaps a test interval are dropped, and so are
 * the rows right after each test block.
 *
 * @module
 */
import { assertInteger, ValidationError } from '@x/core';
import { foldSizes, type Split, type SplitData, type Splitter } from './split.js';

/**
 * Each observation's label interval: it starts at `t0[i]` (when its features are known) and ends
 * at `t1[i]` (when its label is known). Times are any increasing numbers (epoch ms, bar index).
 */
export interface LabelTimes {
  /** Start times, non-decreasing (rows sorted by time). Defaults to the row index. */
  readonly t0?: ArrayLike<number>;
  /** Label end times, `t1[i] >= t0[i]`. */
  readonly t1: ArrayLike<number>;
}

/** Options of {@link PurgedKFold}. */
export interface PurgedKFoldOptions extends LabelTimes {
  /** Number of contiguous test blocks, at least 2 (default 5). */
  readonly nSplits?: number;
  /** Embargo as a fraction of the rows: `h = floor(n * pctEmbargo)` rows after each test block (default 0). */
  readonly pctEmbargo?: number;
}

/** @internal Validated label times as float arrays. */
export interface CheckedTimes {
  readonly t0: Float64Array;
  readonly t1: Float64Array;
}

/** @internal Validates label times: finite, `t0` non-decreasing, `t1 >= t0`. */
export function checkTimes(times: LabelTimes): CheckedTimes {
  const n = times.t1.length;
  const t1 = Float64Array.from(times.t1);
  const t0 =
    times.t0 === undefined
      ? Float64Array.from({ length: n }, (_, i) => i)
      : Float64Array.from(times.t0);
  if (t0.length !== n) {
    throw new ValidationError(`t0 has ${t0.length} times, t1 has ${n}`, { field: 't0' });
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(t0[i]!) || !Number.isFinite(t1[i]!)) {
      throw new ValidationError(`label time ${i} is not finite`, { field: 't1', value: i });
    }
    if (i > 0 && t0[i]! < t0[i - 1]!) {
      throw new ValidationError(`t0 must be sorted (non-decreasing): t0[${i}] < t0[${i - 1}]`, {
        field: 't0',
        value: i,
      });
    }
    if (t1[i]! < t0[i]!) {
      throw new ValidationError(`t1[${i}] is before t0[${i}]`, { field: 't1', value: i });
    }
  }
  return { t0, t1 };
}

/**
 * @internal Marks for purging every row whose label interval [t0, t1] meets the closed interval
 * [start, embargoEnd], where `embargoEnd` is `end` moved forward over the `h` rows that start
 * after `end` (the embargo). Rows already marked stay marked.
 */
export function purgeAround(
  times: CheckedTimes,
  from: number,
  to: number,
  h: number,
  drop: Uint8Array,
): void {
  const { t0, t1 } = times;
  const n = t0.length;
  const start = t0[from]!;
  let end = Number.NEGATIVE_INFINITY;
  for (let i = from; i < to; i++) end = Math.max(end, t1[i]!);
  let j = to;
  while (j < n && t0[j]! <= end) j++;
  if (h > 0 && j < n) end = t0[Math.min(n - 1, j + h - 1)]!;
  for (let i = 0; i < n; i++) if (t1[i]! >= start && t0[i]! <= end) drop[i] = 1;
}

/**
 * @internal The train rows: not test, not dropped.
 */
export function keptRows(test: Uint8Array, drop: Uint8Array): Int32Array {
  let m = 0;
  for (let i = 0; i < test.length; i++) if (!test[i] && !drop[i]) m++;
  const out = new Int32Array(m);
  m = 0;
  for (let i = 0; i < test.length; i++) if (!test[i] && !drop[i]) out[m++] = i;
  return out;
}

/**
 * Purged K-fold with embargo (AFML ch. 7, snippets 7.1-7.3). Test folds are contiguous blocks of
 * the time-sorted rows, sized as {@link KFold}'s. A test block covers the time interval from its
 * first start `t0` to its last label end `max t1`; the embargo extends that end over the next
 * `h = floor(n * pctEmbargo)` rows that start after it.
 *
 * Boundary rule: intervals are closed. A training row is purged when `t1 >= testStart` and
 * `t0 <= testEnd` (after embargo), so a label that ends exactly when the test block starts is
 * purged. This follows snippet 7.1 (`getTrainTimes`, which compares with `<=`); the book's
 * `PurgedKFold` class (snippet 7.3) keeps such a row (`t1 <= t0` of the test). Closed intervals
 * are the conservative choice: a shared timestamp is shared information.
 *
 * @example
 * ```ts
 * import { PurgedKFold } from '@x/ensemble';
 * // labels that look 2 rows ahead: row i's label ends at i + 2
 * const t1 = Array.from({ length: 10 }, (_, i) => i + 2);
 * const cv = new PurgedKFold({ nSplits: 2, t1, pctEmbargo: 0.1 });
 * const [first] = cv.split({ nSamples: 10 });
 * console.log(Array.from(first!.train)); // [8, 9]: rows up to 6 overlap the test labels, row 7 is embargoed
 * ```
 */
export class PurgedKFold implements Splitter {
  /** Number of folds. */
  readonly nSplits: number;
  /** Embargo fraction. */
  readonly pctEmbargo: number;
  private readonly times: CheckedTimes;

  /**
   * @param options - folds, label times and embargo
   * @throws ValidationError on unsorted or non-finite times, `t1 < t0`, or a bad option
   */
  constructor(options: PurgedKFoldOptions) {
    this.nSplits = options.nSplits ?? 5;
    this.pctEmbargo = options.pctEmbargo ?? 0;
    assertInteger(this.nSplits, 'nSplits', 2);
    checkEmbargo(this.pctEmbargo);
    this.times = checkTimes(options);
    if (this.times.t0.length < this.nSplits) {
      throw new ValidationError(
        `PurgedKFold with nSplits=${this.nSplits} needs at least ${this.nSplits} samples`,
        {
          field: 't1',
          value: this.times.t0.length,
        },
      );
    }
  }

  /**
   * The splits.
   * @param data - `nSamples`, equal to the number of label times
   * @throws ValidationError when `nSamples` differs from the label times' length
   */
  split(data: SplitData): Split[] {
    const n = this.times.t0.length;
    if (data.nSamples !== n) {
      throw new ValidationError(
        `PurgedKFold was given ${n} label times but ${data.nSamples} samples`,
        {
          field: 'nSamples',
          value: data.nSamples,
        },
      );
    }
    const h = Math.floor(n * this.pctEmbargo);
    const sizes = foldSizes(n, this.nSplits);
    const out: Split[] = [];
    let from = 0;
    for (let f = 0; f < this.nSplits; f++) {
      const to = from + sizes[f]!;
      const isTest = new Uint8Array(n).fill(0, 0, n);
      isTest.fill(1, from, to);
      const drop = new Uint8Array(n);
      purgeAround(this.times, from, to, h, drop);
      const test = new Int32Array(to - from);
      for (let i = 0; i < test.length; i++) test[i] = from + i;
      out.push({ train: keptRows(isTest, drop), test });
      from = to;
    }
    return out;
  }
}

/** @internal Checks an embargo fraction. */
export function checkEmbargo(p: number): void {
  if (!(p >= 0 && p < 1)) {
    throw new ValidationError('pctEmbargo must be in [0, 1)', { field: 'pctEmbargo', value: p });
  }
}
