import { assertInteger } from '@x/core';
/**
 * K-fold cross-validation with scikit-learn 1.2's exact splits.
 *
 * @module
 */
import { LegacyMt19937 } from '../internal/mt19937.js';
import {
  checkSamples,
  foldSizes,
  type Split,
  type SplitData,
  type Splitter,
  splitFromFolds,
} from './split.js';

/** Options of {@link KFold} (scikit-learn's names in camelCase). */
export interface KFoldOptions {
  /** Number of folds, at least 2 (default 5). */
  readonly nSplits?: number;
  /** Shuffle the rows before cutting folds (default false). */
  readonly shuffle?: boolean;
  /** Seed of numpy's legacy `RandomState`, an integer in [0, 2^32 - 1]; used when `shuffle`. */
  readonly randomState?: number;
}

/**
 * K-fold: `nSplits` contiguous test folds over the (optionally shuffled) rows, the first
 * `n % nSplits` one row larger, each split's train the complement. Indices are identical to
 * `sklearn.model_selection.KFold` 1.2, including `shuffle=True` with an integer `random_state`
 * (numpy's legacy MT19937 `RandomState.shuffle` is reproduced). Test and train indices are
 * returned ascending, as scikit-learn returns them.
 *
 * @example
 * ```ts
 * import { KFold } from '@x/ensemble';
 * const cv = new KFold({ nSplits: 3, shuffle: true, randomState: 0 });
 * const splits = cv.split({ nSamples: 10 });
 * console.log(Array.from(splits[0]!.test)); // [2, 4, 8, 9], as sklearn
 * ```
 */
export class KFold implements Splitter {
  /** Number of folds. */
  readonly nSplits: number;
  /** Whether rows are shuffled first. */
  readonly shuffle: boolean;
  /** The shuffle seed, when given. */
  readonly randomState: number | undefined;

  /**
   * @param options - folds, shuffle and seed
   * @throws ValidationError when `nSplits < 2`, or `shuffle` without an integer `randomState`
   */
  constructor(options: KFoldOptions = {}) {
    this.nSplits = options.nSplits ?? 5;
    this.shuffle = options.shuffle ?? false;
    this.randomState = options.randomState;
    assertInteger(this.nSplits, 'nSplits', 2);
    if (this.shuffle) new LegacyMt19937(this.randomState ?? Number.NaN); // validates the seed
  }

  /**
   * The splits.
   * @param data - `nSamples`, at least `nSplits`
   * @throws ValidationError when there are fewer rows than folds
   */
  split(data: SplitData): Split[] {
    const n = data.nSamples;
    checkSamples(n, this.nSplits, `KFold with nSplits=${this.nSplits}`);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (this.shuffle) new LegacyMt19937(this.randomState!).shuffle(order);
    const folds = new Int32Array(n);
    const sizes = foldSizes(n, this.nSplits);
    let at = 0;
    for (let f = 0; f < this.nSplits; f++) {
      for (let j = 0; j < sizes[f]!; j++) folds[order[at++]!] = f;
    }
    const out: Split[] = [];
    for (let f = 0; f < this.nSplits; f++) out.push(splitFromFolds(folds, f));
    return out;
  }
}
