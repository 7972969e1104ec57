/**
 * Stratified K-fold with scikit-learn 1.2's class-to-fold allocation.
 *
 * @module
 */
import { assertInteger, ValidationError } from '@x/core';
import { LegacyMt19937 } from '../internal/mt19937.js';
import type { KFoldOptions } from './kfold.js';
import { type Split, type SplitData, type Splitter, splitFromFolds } from './split.js';

/** Options of {@link StratifiedKFold}. */
export interface StratifiedKFoldOptions extends KFoldOptions {
  /**
   * Accept a class with fewer rows than folds, as scikit-learn does with a warning (default
   * false: such a class throws, since some test folds would lack it).
   */
  readonly allowSmallClasses?: boolean;
}

/**
 * Stratified K-fold: each test fold keeps the class proportions. The algorithm is scikit-learn
 * 1.2's: classes are encoded in order of first appearance, per-fold class counts come from a
 * round-robin deal of the sorted encoded labels, and within a class the rows fill the folds in
 * order (the fold labels shuffled per class with numpy's legacy `RandomState` when `shuffle`).
 * Indices are identical to `sklearn.model_selection.StratifiedKFold`.
 *
 * @example
 * ```ts
 * import { StratifiedKFold } from '@x/ensemble';
 * const y = [0, 0, 0, 1, 1, 1, 0, 1];
 * const splits = new StratifiedKFold({ nSplits: 2 }).split({ nSamples: y.length, y });
 * console.log(Array.from(splits[0]!.test)); // [0, 1, 3, 4]
 * ```
 */
export class StratifiedKFold implements Splitter {
  /** Number of folds. */
  readonly nSplits: number;
  /** Whether the fold labels are shuffled within each class. */
  readonly shuffle: boolean;
  /** The shuffle seed, when given. */
  readonly randomState: number | undefined;
  private readonly allowSmall: boolean;

  /**
   * @param options - folds, shuffle, seed and the small-class policy
   * @throws ValidationError when `nSplits < 2`, or `shuffle` without an integer `randomState`
   */
  constructor(options: StratifiedKFoldOptions = {}) {
    this.nSplits = options.nSplits ?? 5;
    this.shuffle = options.shuffle ?? false;
    this.randomState = options.randomState;
    this.allowSmall = options.allowSmallClasses ?? false;
    assertInteger(this.nSplits, 'nSplits', 2);
    if (this.shuffle) new LegacyMt19937(this.randomState ?? Number.NaN);
  }

  /**
   * The splits.
   * @param data - `nSamples` and the labels `y`
   * @throws ValidationError when `y` is missing or has the wrong length, when every class (or,
   * unless `allowSmallClasses`, any class) has fewer rows than folds, or when there are more
   * folds than rows
   */
  split(data: SplitData): Split[] {
    const y = data.y;
    const n = data.nSamples;
    if (y === undefined || y.length !== n) {
      throw new ValidationError('StratifiedKFold needs labels y, one per sample', { field: 'y' });
    }
    const k = this.nSplits;
    if (n < k) {
      throw new ValidationError(`StratifiedKFold with nSplits=${k} needs at least ${k} samples`, {
        field: 'nSamples',
        value: n,
      });
    }
    const code = new Map<number, number>();
    const enc = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = y[i]!;
      if (!Number.isFinite(v)) throw new ValidationError(`y[${i}] is not finite`, { field: 'y' });
      let c = code.get(v);
      if (c === undefined) {
        c = code.size;
        code.set(v, c);
      }
      enc[i] = c;
    }
    const nClasses = code.size;
    const counts = new Int32Array(nClasses);
    for (let i = 0; i < n; i++) counts[enc[i]!]!++;
    let min = n;
    let max = 0;
    for (const c of counts) {
      min = Math.min(min, c);
      max = Math.max(max, c);
    }
    if (max < k || (!this.allowSmall && min < k)) {
      throw new ValidationError(
        `StratifiedKFold with nSplits=${k}: a class has only ${min} members (every class needs at least nSplits)`,
        { field: 'y', details: { counts: Array.from(counts), nSplits: k } },
      );
    }
    // allocation[f][c]: rows of class c in fold f, dealt round-robin over the sorted labels
    const alloc = new Int32Array(k * nClasses);
    let pos = 0;
    for (let c = 0; c < nClasses; c++) {
      for (let j = 0; j < counts[c]!; j++) {
        alloc[(pos % k) * nClasses + c]!++;
        pos++;
      }
    }
    const rng = this.shuffle ? new LegacyMt19937(this.randomState!) : undefined;
    const folds = new Int32Array(n);
    for (let c = 0; c < nClasses; c++) {
      const forClass = new Int32Array(counts[c]!);
      let at = 0;
      for (let f = 0; f < k; f++)
        for (let j = 0; j < alloc[f * nClasses + c]!; j++) forClass[at++] = f;
      rng?.shuffle(forClass);
      at = 0;
      for (let i = 0; i < n; i++) if (enc[i] === c) folds[i] = forClass[at++]!;
    }
    const out: Split[] = [];
    for (let f = 0; f < k; f++) out.push(splitFromFolds(folds, f));
    return out;
  }
}
