/**
 * Growing a regression tree as scikit-learn 1.2's `DecisionTreeRegressor` does (criterion
 * `squared_error`, splitter `best`, depth first), written as ml-cart's node form so ml-cart
 * predicts with it and stores it. ml-cart 2.1's own regression growth is not used: it keeps the
 * within-split squared error as the node's "gain" and refuses to split unless that error is
 * positive, so a split into pure children (a clean step) is never made.
 *
 * The rules copied from scikit-learn: candidate thresholds lie between consecutive distinct
 * feature values (values closer than 1e-7 count as equal), at the midpoint `a/2 + b/2` (or `a`
 * when the midpoint rounds to `b`); the best split maximises `S_l²/n_l + S_r²/n_r` (the proxy of
 * the impurity decrease), the first strictly better candidate winning; a node is a leaf at
 * `maxDepth`, below `minSamplesSplit` or `2·minSamplesLeaf` samples, at impurity <= machine
 * epsilon, or when every feature is constant; rows go left when `x <= threshold`. ml-cart sends
 * rows left when `x < splitValue`, so `splitValue` is stored as the next double above the
 * threshold, which is the same rule exactly.
 *
 * @module
 */
import type { Rng } from '@x/core';

const FEATURE_THRESHOLD = 1e-7;
const EPSILON = 2 ** -52;

/** Growth limits, scikit-learn's meanings. */
export interface CartLimits {
  readonly maxDepth: number;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  /** Features examined per split (all of them for a single tree). */
  readonly maxFeatures: number;
}

/** A node in ml-cart's JSON form, plus scikit-learn's threshold and the node's sample count. */
export interface CartNode {
  /** Leaf value (the mean target); present on leaves only, as ml-cart reads it. */
  distribution?: number;
  /** ml-cart's split: rows with `x[splitColumn] < splitValue` go left. */
  splitValue?: number;
  splitColumn?: number;
  /** scikit-learn's threshold (`x <= threshold` goes left). */
  threshold?: number;
  /** Impurity decrease proxy of the split (ml-cart's `gain` slot). */
  gain?: number;
  numberSamples: number;
  /** Mean target of the node (leaves and splits alike). */
  value: number;
  left?: CartNode;
  right?: CartNode;
}

/** The next double above `t` (`x < nextUp(t)` exactly when `x <= t`). */
export function nextUp(t: number): number {
  if (t === 0) return Number.MIN_VALUE;
  const b = new Float64Array([t]);
  const u = new BigInt64Array(b.buffer);
  u[0] = t > 0 ? u[0]! + 1n : u[0]! - 1n;
  return b[0]!;
}

interface Best {
  feature: number;
  threshold: number;
  pos: number;
  proxy: number;
}

/**
 * Grows the tree over rows `rows` of the row-major `x` (`n × d`).
 * @param rng - draws the feature order per split when `maxFeatures < d` (the visiting order is
 *   0..d-1 otherwise, which only matters for exact ties)
 */
export function growCart(
  x: Float64Array,
  d: number,
  y: Float64Array,
  rows: Int32Array,
  limits: CartLimits,
  rng: Rng | undefined,
): CartNode {
  const keys = new Float64Array(rows.length);
  const order = new Int32Array(rows.length);
  const features = Int32Array.from({ length: d }, (_, j) => j);

  const node = (idx: Int32Array, depth: number): CartNode => {
    const n = idx.length;
    let sum = 0;
    let sq = 0;
    for (let k = 0; k < n; k++) {
      const v = y[idx[k]!]!;
      sum += v;
      sq += v * v;
    }
    const value = sum / n;
    const impurity = sq / n - value * value;
    const leaf: CartNode = { distribution: value, value, numberSamples: n };
    if (
      depth >= limits.maxDepth ||
      n < limits.minSamplesSplit ||
      n < 2 * limits.minSamplesLeaf ||
      impurity <= EPSILON
    )
      return leaf;
    const best = bestSplit(idx, sum);
    if (best === undefined) return leaf;
    const left: number[] = [];
    const right: number[] = [];
    for (let k = 0; k < n; k++) {
      const r = idx[k]!;
      (x[r * d + best.feature]! <= best.threshold ? left : right).push(r);
    }
    return {
      splitValue: nextUp(best.threshold),
      splitColumn: best.feature,
      threshold: best.threshold,
      gain: best.proxy,
      numberSamples: n,
      value,
      left: node(Int32Array.from(left), depth + 1),
      right: node(Int32Array.from(right), depth + 1),
    };
  };

  const bestSplit = (idx: Int32Array, total: number): Best | undefined => {
    const n = idx.length;
    const leafMin = limits.minSamplesLeaf;
    let best: Best | undefined;
    let visited = 0;
    // Fisher-Yates draw of the features to visit, as scikit-learn samples features without
    // replacement and keeps drawing past constant ones
    for (let f = 0; f < d && visited < limits.maxFeatures; f++) {
      if (rng !== undefined && limits.maxFeatures < d) {
        const j = rng.int(f, d - 1);
        const t = features[f]!;
        features[f] = features[j]!;
        features[j] = t;
      }
      const feat = features[f]!;
      for (let k = 0; k < n; k++) {
        order[k] = k;
        keys[k] = x[idx[k]! * d + feat]!;
      }
      const ord = order.subarray(0, n).sort((a, b) => keys[a]! - keys[b]! || a - b);
      if (keys[ord[n - 1]!]! <= keys[ord[0]!]! + FEATURE_THRESHOLD) continue; // constant here
      visited++;
      let sumLeft = 0;
      let p = 0;
      while (p < n) {
        while (p + 1 < n && keys[ord[p + 1]!]! <= keys[ord[p]!]! + FEATURE_THRESHOLD) {
          sumLeft += y[idx[ord[p]!]!]!;
          p++;
        }
        sumLeft += y[idx[ord[p]!]!]!;
        p++;
        if (p >= n) break;
        if (p < leafMin || n - p < leafMin) continue;
        const sumRight = total - sumLeft;
        const proxy = (sumLeft * sumLeft) / p + (sumRight * sumRight) / (n - p);
        if (best === undefined || proxy > best.proxy) {
          const a = keys[ord[p - 1]!]!;
          const b = keys[ord[p]!]!;
          let threshold = a / 2 + b / 2;
          if (threshold === b || !Number.isFinite(threshold)) threshold = a;
          best = { feature: feat, threshold, pos: p, proxy };
        }
      }
    }
    return best;
  };

  return node(rows, 0);
}
