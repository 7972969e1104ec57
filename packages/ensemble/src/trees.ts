/**
 * An adapter that makes the ml.js family's random forest classifier (`ml-random-forest`, whose
 * trees are `ml-cart`'s) a core `Classifier` member with export and import. For regression see
 * `TreeRegressor` and `ForestRegressor` (tree-regression.ts): ml-random-forest's regressor grows
 * ml-cart 2.1's regression trees, which never make a split into pure children.
 *
 * @module
 */
import {
  type Classifier,
  type ExportableModel,
  type ExportedModel,
  type Matrix,
  type ModelImporter,
  ValidationError,
} from '@x/core';
import { RandomForestClassifier } from 'ml-random-forest';
import { encodeLabels } from './internal/labels.js';
import { assertFitted } from './internal/linalg.js';
import { mlExport, mlReadExport, mlRows as rows } from './internal/ml.js';
import { asMatrix } from './internal/rows.js';

/** Options of {@link ForestClassifier} (ml-random-forest's names). */
export interface ForestOptions {
  /** Trees (default 10). */
  readonly nEstimators?: number;
  /** Features per tree: a fraction in (0, 1] or a count (default 1). */
  readonly maxFeatures?: number;
  /** Bootstrap rows with replacement (default true). */
  readonly replacement?: boolean;
  /** Seed of the row and feature sampling (default 42). */
  readonly seed?: number;
}

const FOREST_CLF = '@x/ensemble:ForestClassifier';

/**
 * A random forest classifier from `ml-random-forest` as a core `Classifier`. Class
 * probabilities are the trees' vote shares, computed here from the per-tree predictions
 * (the library's own `predictProbability` rounds to 1e-6).
 *
 * @example
 * ```ts
 * import { tensor } from '@x/core';
 * import { ForestClassifier } from '@x/ensemble';
 * const x = tensor('float64', [40, 1], Float64Array.from({ length: 40 }, (_, i) => i));
 * const forest = new ForestClassifier({ nEstimators: 15, seed: 3 });
 * forest.fit(x, Int32Array.from({ length: 40 }, (_, i) => (i < 20 ? 4 : 9)));
 * console.log(forest.classes, forest.predict(x)[0]); // Int32Array [4, 9] 4
 * ```
 */
export class ForestClassifier implements Classifier, ExportableModel {
  /** The options given. */
  readonly options: ForestOptions;
  /** Sorted classes seen in `fit`. */
  classes: Int32Array = new Int32Array(0);
  private forest: RandomForestClassifier | undefined;

  /** @param options - ml-random-forest options */
  constructor(options: ForestOptions = {}) {
    this.options = options;
  }

  /** Grows the forest. */
  fit(x: Matrix, y: Int32Array): void {
    const r = rows(x);
    const { classes } = encodeLabels(y, r.length);
    if (classes.length < 2)
      throw new ValidationError('classification needs at least two classes', { field: 'y' });
    const f = new RandomForestClassifier({ ...this.options, noOOB: true } as never);
    f.train(r, Array.from(y));
    this.forest = f;
    this.classes = classes;
  }

  /** Vote shares per class, [samples, classes]. */
  predictProba(x: Matrix): Matrix {
    assertFitted(this.forest !== undefined, 'ForestClassifier');
    const votes = (
      this.forest as unknown as {
        predictionValues(x: number[][]): {
          rows: number;
          columns: number;
          get(i: number, j: number): number;
        };
      }
    ).predictionValues(rows(x));
    const K = this.classes.length;
    const out = new Float64Array(votes.rows * K);
    for (let i = 0; i < votes.rows; i++) {
      for (let t = 0; t < votes.columns; t++) {
        const k = this.classes.indexOf(votes.get(i, t));
        if (k >= 0) out[i * K + k]! += 1 / votes.columns;
      }
    }
    return asMatrix(out, votes.rows, K);
  }

  /** Majority vote per row. */
  predict(x: Matrix): Int32Array {
    assertFitted(this.forest !== undefined, 'ForestClassifier');
    return Int32Array.from(this.forest!.predict(rows(x)));
  }

  /** The forest as config (ml-random-forest's JSON form) plus the classes; no tensors. */
  exportModel(): ExportedModel {
    assertFitted(this.forest !== undefined, 'ForestClassifier');
    return mlExport(FOREST_CLF, { ...this.options }, this.forest!.toJSON(), {
      classes: Array.from(this.classes),
    });
  }

  /** Rebuilds a {@link ForestClassifier} from its export. */
  static readonly importer: ModelImporter<ForestClassifier> = {
    kind: FOREST_CLF,
    importModel(e) {
      const { options, model } = mlReadExport(e, FOREST_CLF);
      const m = new ForestClassifier(options as ForestOptions);
      m.forest = RandomForestClassifier.load(model as never);
      m.classes = Int32Array.from((e.config.classes as number[] | undefined) ?? []);
      return m;
    },
  };
}
