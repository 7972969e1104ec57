/**
 * The splitter contract shared by every cross-validator of the package, and the checks they
 * share.
 *
 * @module
 */
import { assertInteger, ValidationError } from '@x/core';

/** One train/test split: row indices, each ascending, as scikit-learn returns them. */
export interface Split {
  /** Rows to fit on, ascending. */
  readonly train: Int32Array;
  /** Rows to evaluate on, ascending. */
  readonly test: Int32Array;
}

/** What a splitter may look at: the number of rows and, for stratified splitters, the labels. */
export interface SplitData {
  /** Number of rows. */
  readonly nSamples: number;
  /** Labels (one per row), needed by stratified splitters. */
  readonly y?: ArrayLike<number>;
}

/**
 * A cross-validator: turns a data set's size (and labels) into train/test splits. Every splitter
 * of this package implements it, and so can a user's own.
 */
export interface Splitter {
  /** Number of splits `split` returns. */
  readonly nSplits: number;
  /**
   * The splits, in order.
   * @param data - the number of rows and, when needed, the labels
   * @throws ValidationError when the data do not fit the splitter's parameters
   */
  split(data: SplitData): Split[];
}

/** @internal Checks a row count. */
export function checkSamples(nSamples: number, needed: number, what: string): void {
  assertInteger(nSamples, 'nSamples', 0);
  if (nSamples < needed) {
    throw new ValidationError(`${what} needs at least ${needed} samples, got ${nSamples}`, {
      field: 'nSamples',
      value: nSamples,
    });
  }
}

/** @internal A split from a test mask: test = rows marked `fold`, train = the others. */
export function splitFromFolds(folds: Int32Array, fold: number): Split {
  let nTest = 0;
  for (let i = 0; i < folds.length; i++) if (folds[i] === fold) nTest++;
  const test = new Int32Array(nTest);
  const train = new Int32Array(folds.length - nTest);
  let a = 0;
  let b = 0;
  for (let i = 0; i < folds.length; i++) {
    if (folds[i] === fold) test[a++] = i;
    else train[b++] = i;
  }
  return { train, test };
}

/** @internal Fold sizes of `n` rows in `k` blocks: the first n % k get one extra. */
export function foldSizes(n: number, k: number): Int32Array {
  const s = new Int32Array(k).fill(Math.floor(n / k));
  for (let i = 0; i < n % k; i++) s[i]!++;
  return s;
}
