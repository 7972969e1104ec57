/**
 * Combinatorial purged cross-validation (López de Prado, Advances in Financial Machine Learning,
 * 2018, ch. 12): every choice of `k` test groups out of `N`, purged and embargoed, and the
 * backtest paths that the splits' test groups assemble into.
 *
 * @module
 */
import { assertInteger, ValidationError } from '@x/core';
import {
  type CheckedTimes,
  checkEmbargo,
  checkTimes,
  keptRows,
  type LabelTimes,
  purgeAround,
} from './purged.js';
import { foldSizes, type Split, type SplitData, type Splitter } from './split.js';

/** Options of {@link CombinatorialPurgedKFold}. */
export interface CombinatorialPurgedKFoldOptions extends LabelTimes {
  /** Number of contiguous groups `N`, at least 2 (default 6). */
  readonly nGroups?: number;
  /** Test groups per split `k`, in [1, N) (default 2). */
  readonly nTestGroups?: number;
  /** Embargo fraction: `h = floor(n * pctEmbargo)` rows after each test group (default 0). */
  readonly pctEmbargo?: number;
}

/** A CPCV split: the train and test rows plus which groups are tested. */
export interface CombinatorialSplit extends Split {
  /** The test groups, ascending. */
  readonly groups: Int32Array;
}

/**
 * Combinatorial purged K-fold (CPCV, AFML ch. 12.4). The time-sorted rows are cut into `N`
 * contiguous groups (sized as {@link KFold}'s folds); each of the `C(N, k)` splits tests `k`
 * groups, in lexicographic order of the group combinations, and trains on the rest after purging
 * and embargoing around every test group with {@link PurgedKFold}'s closed-interval rule.
 *
 * Each group is tested in `C(N-1, k-1)` splits, so the splits' test predictions assemble into
 * `φ = k/N · C(N, k) = C(N-1, k-1)` complete backtest paths ({@link CombinatorialPurgedKFold.paths}).
 *
 * @example
 * ```ts
 * import { CombinatorialPurgedKFold } from '@x/ensemble';
 * const t1 = Array.from({ length: 60 }, (_, i) => i + 3);
 * const cv = new CombinatorialPurgedKFold({ nGroups: 6, nTestGroups: 2, t1, pctEmbargo: 0.01 });
 * console.log(cv.nSplits, cv.nPaths); // 15 5
 * ```
 */
export class CombinatorialPurgedKFold implements Splitter {
  /** Number of groups `N`. */
  readonly nGroups: number;
  /** Test groups per split `k`. */
  readonly nTestGroups: number;
  /** Embargo fraction. */
  readonly pctEmbargo: number;
  /** Number of splits, `C(N, k)`. */
  readonly nSplits: number;
  /** Number of backtest paths, `C(N-1, k-1)`. */
  readonly nPaths: number;
  private readonly times: CheckedTimes;
  private readonly combos: number[][];

  /**
   * @param options - groups, test groups per split, label times and embargo
   * @throws ValidationError on unsorted times, `k` outside [1, N), or fewer rows than groups
   */
  constructor(options: CombinatorialPurgedKFoldOptions) {
    this.nGroups = options.nGroups ?? 6;
    this.nTestGroups = options.nTestGroups ?? 2;
    this.pctEmbargo = options.pctEmbargo ?? 0;
    assertInteger(this.nGroups, 'nGroups', 2);
    assertInteger(this.nTestGroups, 'nTestGroups', 1);
    if (this.nTestGroups >= this.nGroups) {
      throw new ValidationError('nTestGroups must be smaller than nGroups', {
        field: 'nTestGroups',
        value: this.nTestGroups,
      });
    }
    checkEmbargo(this.pctEmbargo);
    this.times = checkTimes(options);
    if (this.times.t0.length < this.nGroups) {
      throw new ValidationError(
        `CPCV with nGroups=${this.nGroups} needs at least ${this.nGroups} samples`,
        {
          field: 't1',
          value: this.times.t0.length,
        },
      );
    }
    this.combos = combinations(this.nGroups, this.nTestGroups);
    this.nSplits = this.combos.length;
    this.nPaths = (this.nSplits * this.nTestGroups) / this.nGroups;
  }

  /**
   * The splits, one per combination of test groups in lexicographic order.
   * @param data - `nSamples`, equal to the number of label times
   * @throws ValidationError when `nSamples` differs from the label times' length
   */
  split(data: SplitData): CombinatorialSplit[] {
    const n = this.times.t0.length;
    if (data.nSamples !== n) {
      throw new ValidationError(`CPCV was given ${n} label times but ${data.nSamples} samples`, {
        field: 'nSamples',
        value: data.nSamples,
      });
    }
    const h = Math.floor(n * this.pctEmbargo);
    const bounds = this.groupBounds();
    return this.combos.map((combo) => {
      const isTest = new Uint8Array(n);
      const drop = new Uint8Array(n);
      for (const g of combo) {
        isTest.fill(1, bounds[g]!, bounds[g + 1]!);
        purgeAround(this.times, bounds[g]!, bounds[g + 1]!, h, drop);
      }
      let m = 0;
      for (let i = 0; i < n; i++) m += isTest[i]!;
      const test = new Int32Array(m);
      m = 0;
      for (let i = 0; i < n; i++) if (isTest[i]) test[m++] = i;
      return { train: keptRows(isTest, drop), test, groups: Int32Array.from(combo) };
    });
  }

  /** Row bounds of the groups: group g is rows [bounds[g], bounds[g+1]). */
  groupBounds(): Int32Array {
    const sizes = foldSizes(this.times.t0.length, this.nGroups);
    const b = new Int32Array(this.nGroups + 1);
    for (let g = 0; g < this.nGroups; g++) b[g + 1] = b[g]! + sizes[g]!;
    return b;
  }

  /**
   * The backtest paths: `paths[p][g]` is the split whose test predictions on group `g` belong to
   * path `p`. Path `p` takes, for every group, the `p`-th split (in split order) that tests it,
   * so every path covers all rows once and every split's test groups are used exactly once.
   */
  paths(): Int32Array[] {
    const out = Array.from({ length: this.nPaths }, () => new Int32Array(this.nGroups));
    const seen = new Int32Array(this.nGroups);
    this.combos.forEach((combo, s) => {
      for (const g of combo) out[seen[g]!++]![g] = s;
    });
    return out;
  }
}

function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const c = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    out.push(c.slice());
    let i = k - 1;
    while (i >= 0 && c[i] === n - k + i) i--;
    if (i < 0) return out;
    c[i]!++;
    for (let j = i + 1; j < k; j++) c[j] = c[j - 1]! + 1;
  }
}
