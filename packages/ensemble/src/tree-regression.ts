/**
 * Regression trees and forests over ml.js's `ml-cart`: trees grown as scikit-learn 1.2's
 * `DecisionTreeRegressor` grows them (see the class notes), stored and evaluated as ml-cart
 * `DecisionTreeRegression` models, as core `Regressor` members with exact export and import.
 *
 * @module
 */
import {
  assertInRange,
  assertInteger,
  type ExportableModel,
  type ExportedModel,
  type JsonObject,
  type Matrix,
  type ModelImporter,
  type Regressor,
  Rng,
  ValidationError,
} from '@x/core';
import { type CartLimits, type CartNode, growCart } from './internal/cart.js';
import { assertFitted } from './internal/linalg.js';
import { mlExport, mlReadExport, mlRows } from './internal/ml.js';
import { type CartRegressionTree, DecisionTreeRegression } from './internal/ml-cart.js';
import { checkTargets, dense } from './internal/rows.js';

/** Options of {@link TreeRegressor} (scikit-learn's names in camelCase). */
export interface TreeRegressorOptions {
  /** Maximum depth (default unlimited: grow until leaves are pure or too small). */
  readonly maxDepth?: number;
  /** Fewest samples a node needs to be split (default 2). */
  readonly minSamplesSplit?: number;
  /** Fewest samples each child of a split must keep (default 1). */
  readonly minSamplesLeaf?: number;
}

/** Options of {@link ForestRegressor}: the tree options plus the bagging. */
export interface ForestRegressorOptions extends TreeRegressorOptions {
  /** Trees (default 100, as scikit-learn). */
  readonly nEstimators?: number;
  /** Features examined per split: a fraction in (0, 1] or a count >= 1 (default 1: all). */
  readonly maxFeatures?: number;
  /** Bootstrap rows with replacement for each tree (default true); false gives every tree all rows. */
  readonly bootstrap?: boolean;
  /** Seed of core's `Rng` for the bootstrap rows and feature draws (default 42). */
  readonly seed?: number;
}

/** One node of a fitted tree, in pre-order (a node, its left subtree, its right subtree). */
export interface TreeNodeInfo {
  /** Split feature, or -1 for a leaf. */
  readonly feature: number;
  /** Rows with `x[feature] <= threshold` go left (0 for a leaf). */
  readonly threshold: number;
  /** Training rows that reached the node. */
  readonly samples: number;
  /** Mean target of those rows (the prediction, at a leaf). */
  readonly value: number;
}

function limitsOf(o: TreeRegressorOptions, maxFeatures: number): CartLimits {
  const maxDepth = o.maxDepth ?? Number.POSITIVE_INFINITY;
  if (maxDepth !== Number.POSITIVE_INFINITY) assertInteger(maxDepth, 'maxDepth', 1);
  const minSamplesSplit = o.minSamplesSplit ?? 2;
  assertInteger(minSamplesSplit, 'minSamplesSplit', 2);
  const minSamplesLeaf = o.minSamplesLeaf ?? 1;
  assertInteger(minSamplesLeaf, 'minSamplesLeaf', 1);
  return { maxDepth, minSamplesSplit, minSamplesLeaf, maxFeatures };
}

type CartModel = { options: JsonObject; root: CartNode; name: 'DTRegression' };

function cartModel(root: CartNode, limits: CartLimits): CartModel {
  const maxDepth = Number.isFinite(limits.maxDepth) ? limits.maxDepth : null;
  return {
    options: {
      kind: 'regression',
      gainFunction: 'regression',
      splitFunction: 'mean',
      minNumSamples: limits.minSamplesSplit - 1,
      maxDepth,
    },
    root,
    name: 'DTRegression',
  };
}

function loadCart(model: unknown, kind: string): CartRegressionTree {
  const m = model as { name?: unknown; root?: unknown } | null;
  if (
    m === null ||
    typeof m !== 'object' ||
    m.name !== 'DTRegression' ||
    typeof m.root !== 'object'
  )
    throw new ValidationError(`${kind} export holds no ml-cart regression tree`, {
      field: 'config',
    });
  return DecisionTreeRegression.load(m as object);
}

function checkWidth(x: Matrix, d: number, kind: string): void {
  if (x.shape.length !== 2 || x.shape[1] !== d) {
    throw new ValidationError(
      `${kind} was fitted on ${d} features, got shape [${x.shape.join(', ')}]`,
      {
        field: 'x',
      },
    );
  }
}

function preorder(root: CartNode): TreeNodeInfo[] {
  const out: TreeNodeInfo[] = [];
  const walk = (nd: CartNode): void => {
    const split = nd.left !== undefined && nd.right !== undefined;
    out.push({
      feature: split ? nd.splitColumn! : -1,
      threshold: split ? nd.threshold! : 0,
      samples: nd.numberSamples,
      value: nd.value,
    });
    if (split) {
      walk(nd.left!);
      walk(nd.right!);
    }
  };
  walk(root);
  return out;
}

const TREE_KIND = '@x/ensemble:TreeRegressor';
const FOREST_KIND = '@x/ensemble:ForestRegressor';

/**
 * A regression tree (Breiman et al. 1984, CART) grown as scikit-learn 1.2's
 * `DecisionTreeRegressor(criterion='squared_error', splitter='best')`: depth first, each split
 * the one that most reduces the squared error, threshold at the midpoint of consecutive distinct
 * values, `x <= threshold` to the left, leaves predicting their mean. The fitted tree is an
 * ml-cart `DecisionTreeRegression`, which predicts and serialises it; ml-cart's own regression
 * growth is not used, because ml-cart 2.1 keeps the children's squared error as the split's
 * "gain" and never makes a split into pure children. On float32-representable data (scikit-learn
 * reads X as float32) the tree equals scikit-learn's, thresholds and leaf values to rounding;
 * among exactly tied splits, the first feature in column order wins.
 *
 * @example
 * ```ts
 * import { tensor } from '@x/core';
 * import { TreeRegressor } from '@x/ensemble';
 * const x = tensor('float64', [6, 1], new Float64Array([0, 1, 2, 3, 4, 5]));
 * const tree = new TreeRegressor();
 * tree.fit(x, new Float64Array([1, 1, 1, 7, 7, 7]));
 * console.log(tree.predict(x), tree.nodes()[0]); // [1, 1, 1, 7, 7, 7] { feature: 0, threshold: 2.5, samples: 6, value: 4 }
 * ```
 */
export class TreeRegressor implements Regressor, ExportableModel {
  /** The options given. */
  readonly options: TreeRegressorOptions;
  private readonly limits: CartLimits;
  private model: CartModel | undefined;
  private tree: CartRegressionTree | undefined;
  private nFeatures = 0;

  /**
   * @param options - growth limits
   * @throws ValidationError on a non-integer or too-small limit
   */
  constructor(options: TreeRegressorOptions = {}) {
    this.options = options;
    this.limits = limitsOf(options, Number.POSITIVE_INFINITY);
  }

  /**
   * Grows the tree.
   * @param x - [samples, features]
   * @param y - targets
   * @throws ValidationError on non-finite data or mismatched lengths
   */
  fit(x: Matrix, y: Float64Array): void {
    const { data, n, d } = dense(x);
    checkTargets(y, n);
    if (n === 0) throw new ValidationError('a tree needs at least one sample', { field: 'x' });
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const root = growCart(data, d, y, rows, { ...this.limits, maxFeatures: d }, undefined);
    this.model = cartModel(root, this.limits);
    this.tree = DecisionTreeRegression.load(this.model);
    this.nFeatures = d;
  }

  /**
   * The tree's predictions (ml-cart's evaluation).
   * @param x - [samples, features]
   * @throws InvalidStateError before `fit`; ValidationError on a width mismatch
   */
  predict(x: Matrix): Float64Array {
    assertFitted(this.tree !== undefined, 'TreeRegressor');
    checkWidth(x, this.nFeatures, 'TreeRegressor');
    return Float64Array.from(this.tree!.predict(mlRows(x)));
  }

  /**
   * The fitted tree's nodes in pre-order.
   * @throws InvalidStateError before `fit`
   */
  nodes(): TreeNodeInfo[] {
    assertFitted(this.model !== undefined, 'TreeRegressor');
    return preorder(this.model!.root);
  }

  /** The tree as config (ml-cart's JSON form, options, width); no tensors. */
  exportModel(): ExportedModel {
    assertFitted(this.model !== undefined, 'TreeRegressor');
    return mlExport(TREE_KIND, { ...this.options }, this.model, { nFeatures: this.nFeatures });
  }

  /** Rebuilds a {@link TreeRegressor} from its export. */
  static readonly importer: ModelImporter<TreeRegressor> = {
    kind: TREE_KIND,
    importModel(e) {
      const { options, model } = mlReadExport(e, TREE_KIND);
      const m = new TreeRegressor(options as TreeRegressorOptions);
      m.tree = loadCart(model, TREE_KIND);
      m.model = JSON.parse(JSON.stringify(model)) as CartModel;
      m.nFeatures = widthOf(e);
      return m;
    },
  };
}

function widthOf(e: ExportedModel): number {
  const d = e.config.nFeatures;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1)
    throw new ValidationError(`${e.kind} export lacks its feature count`, { field: 'config' });
  return d;
}

/**
 * A random forest regressor (Breiman 2001): {@link TreeRegressor} trees, each grown on a
 * bootstrap sample of the rows (drawn with core's seeded `Rng`, duplicates kept as rows) and
 * examining a random subset of `maxFeatures` features at each split; the prediction is the mean
 * of the trees'. The same seed gives the same forest; the draws are not scikit-learn's, so the
 * forest matches `RandomForestRegressor` in kind, not tree for tree.
 *
 * @example
 * ```ts
 * import { tensor } from '@x/core';
 * import { ForestRegressor } from '@x/ensemble';
 * const n = 80;
 * const x = tensor('float64', [n, 2], Float64Array.from({ length: 2 * n }, (_, k) => Math.sin(k * 1.3)));
 * const y = Float64Array.from({ length: n }, (_, i) => (x.get(i, 0) > 0 ? 3 : -3));
 * const forest = new ForestRegressor({ nEstimators: 20, maxFeatures: 0.5, seed: 1 });
 * forest.fit(x, y);
 * console.log(forest.predict(x).every((p, i) => Math.sign(p) === Math.sign(y[i]))); // true
 * ```
 */
export class ForestRegressor implements Regressor, ExportableModel {
  /** The options given. */
  readonly options: ForestRegressorOptions;
  private readonly limits: CartLimits;
  private models: CartModel[] = [];
  private trees: CartRegressionTree[] = [];
  private nFeatures = 0;

  /**
   * @param options - tree limits, tree count, feature fraction, bootstrap, seed
   * @throws ValidationError on an out-of-range option
   */
  constructor(options: ForestRegressorOptions = {}) {
    this.options = options;
    this.limits = limitsOf(options, 0);
    assertInteger(options.nEstimators ?? 100, 'nEstimators', 1);
    const f = options.maxFeatures ?? 1;
    if (f > 1) assertInteger(f, 'maxFeatures', 1);
    else assertInRange(f, 'maxFeatures', 0, 1, { minExclusive: true });
    assertInteger(options.seed ?? 42, 'seed', 0);
  }

  /**
   * Grows the trees.
   * @param x - [samples, features]
   * @param y - targets
   * @throws ValidationError on non-finite data or mismatched lengths
   */
  fit(x: Matrix, y: Float64Array): void {
    const { data, n, d } = dense(x);
    checkTargets(y, n);
    if (n === 0) throw new ValidationError('a forest needs at least one sample', { field: 'x' });
    const f = this.options.maxFeatures ?? 1;
    const maxFeatures = f > 1 ? Math.min(d, f) : Math.max(1, Math.floor(f * d));
    const limits = { ...this.limits, maxFeatures };
    const rng = Rng.fromSeed(this.options.seed ?? 42);
    const all = Int32Array.from({ length: n }, (_, i) => i);
    const models: CartModel[] = [];
    for (let t = 0; t < (this.options.nEstimators ?? 100); t++) {
      const rows =
        this.options.bootstrap === false
          ? all
          : Int32Array.from({ length: n }, () => rng.int(0, n - 1));
      models.push(cartModel(growCart(data, d, y, rows, limits, rng), limits));
    }
    this.models = models;
    this.trees = models.map((m) => DecisionTreeRegression.load(m));
    this.nFeatures = d;
  }

  /**
   * The mean of the trees' predictions, summed in tree order.
   * @param x - [samples, features]
   * @throws InvalidStateError before `fit`; ValidationError on a width mismatch
   */
  predict(x: Matrix): Float64Array {
    assertFitted(this.trees.length > 0, 'ForestRegressor');
    checkWidth(x, this.nFeatures, 'ForestRegressor');
    const r = mlRows(x);
    const out = new Float64Array(r.length);
    for (const tree of this.trees) {
      const p = tree.predict(r);
      for (let i = 0; i < out.length; i++) out[i]! += p[i]!;
    }
    for (let i = 0; i < out.length; i++) out[i]! /= this.trees.length;
    return out;
  }

  /** The number of fitted trees. */
  get treeCount(): number {
    return this.trees.length;
  }

  /** The forest as config (every tree in ml-cart's JSON form, options, width); no tensors. */
  exportModel(): ExportedModel {
    assertFitted(this.trees.length > 0, 'ForestRegressor');
    return mlExport(FOREST_KIND, { ...this.options }, this.models, { nFeatures: this.nFeatures });
  }

  /** Rebuilds a {@link ForestRegressor} from its export. */
  static readonly importer: ModelImporter<ForestRegressor> = {
    kind: FOREST_KIND,
    importModel(e) {
      const { options, model } = mlReadExport(e, FOREST_KIND);
      if (!Array.isArray(model) || model.length === 0)
        throw new ValidationError(`${FOREST_KIND} export holds no trees`, { field: 'config' });
      const m = new ForestRegressor(options as ForestRegressorOptions);
      m.trees = model.map((t) => loadCart(t, FOREST_KIND));
      m.models = JSON.parse(JSON.stringify(model)) as CartModel[];
      m.nFeatures = widthOf(e);
      return m;
    },
  };
}
