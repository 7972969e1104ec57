/**
 * Training losses (batch means, PyTorch `MSELoss`, `HuberLoss` with δ = 1, `CrossEntropyLoss`),
 * their gradients with respect to the head output, target validation, and the loss of the
 * constant mean predictor used as a baseline by the health monitor.
 *
 * @module
 */
import { ValidationError } from '@x/core';
import type { FArray } from './internal/kernels.js';

/** Training loss. `'huber'` uses δ = 1 (PyTorch `HuberLoss` default); all are batch means. */
export type LossKind = 'mse' | 'huber' | 'cross-entropy';

/** Every {@link LossKind}. */
export const LOSS_KINDS: readonly LossKind[] = ['mse', 'huber', 'cross-entropy'];

/**
 * Targets: `Float64Array` of `batch × outputSize` values for regression losses, `Int32Array` of
 * `batch` class indices in [0, outputSize) for cross-entropy.
 */
export type Targets = Float64Array | Int32Array;

/**
 * The loss of sample b's outputs `out[outOff .. outOff + O)` times `scale`, and (when `dOut` is
 * given) its gradient w.r.t. those outputs, also times `scale`.
 * @internal
 */
export function sampleLoss(
  kind: LossKind,
  out: FArray,
  outOff: number,
  O: number,
  y: Targets,
  b: number,
  scale: number,
  dOut: Float64Array | null,
): number {
  if (kind === 'cross-entropy') {
    const label = (y as Int32Array)[b]!;
    let mx = Number.NEGATIVE_INFINITY;
    for (let o = 0; o < O; o++) if (out[outOff + o]! > mx) mx = out[outOff + o]!;
    let sum = 0;
    for (let o = 0; o < O; o++) sum += Math.exp(out[outOff + o]! - mx);
    const lse = mx + Math.log(sum);
    if (dOut !== null) {
      for (let o = 0; o < O; o++) {
        dOut[o] = (Math.exp(out[outOff + o]! - lse) - (o === label ? 1 : 0)) * scale;
      }
    }
    return (lse - out[outOff + label]!) * scale;
  }
  let loss = 0;
  for (let o = 0; o < O; o++) {
    const d = out[outOff + o]! - y[b * O + o]!;
    if (kind === 'mse') {
      loss += d * d;
      if (dOut !== null) dOut[o] = 2 * d * scale;
    } else {
      const a = Math.abs(d);
      loss += a < 1 ? 0.5 * d * d : a - 0.5;
      if (dOut !== null) dOut[o] = (a < 1 ? d : Math.sign(d)) * scale;
    }
  }
  return loss * scale;
}

/** The factor that turns a sum of per-sample losses over n samples into the batch mean. */
export function lossScale(kind: LossKind, n: number, O: number): number {
  return kind === 'cross-entropy' ? 1 / n : 1 / (n * O);
}

/**
 * The batch-mean loss of outputs `out` (`B × O`) against `y`.
 * @internal
 */
export function meanLoss(kind: LossKind, out: FArray, B: number, O: number, y: Targets): number {
  const scale = lossScale(kind, B, O);
  let total = 0;
  for (let b = 0; b < B; b++) total += sampleLoss(kind, out, b * O, O, y, b, scale, null);
  return total;
}

/**
 * The loss of the best constant predictor that ignores the input: per output the target mean
 * (MSE), the target median (Huber, near enough), or the class frequencies (cross-entropy).
 * A trained model whose loss is far above it has learned less than nothing.
 * @internal
 */
export function baselineLoss(kind: LossKind, y: Targets, B: number, O: number): number {
  if (kind === 'cross-entropy') {
    const counts = new Float64Array(O);
    for (let b = 0; b < B; b++) counts[y[b]!]!++;
    let h = 0;
    for (let o = 0; o < O; o++)
      if (counts[o]! > 0) h -= (counts[o]! / B) * Math.log(counts[o]! / B);
    return h;
  }
  const centre = new Float64Array(O);
  for (let o = 0; o < O; o++) {
    const col = Float64Array.from({ length: B }, (_, b) => y[b * O + o]!);
    if (kind === 'mse') {
      let s = 0;
      for (let b = 0; b < B; b++) s += col[b]!;
      centre[o] = s / B;
    } else {
      col.sort();
      centre[o] = B % 2 === 1 ? col[(B - 1) / 2]! : (col[B / 2 - 1]! + col[B / 2]!) / 2;
    }
  }
  const out = new Float64Array(B * O);
  for (let b = 0; b < B; b++) for (let o = 0; o < O; o++) out[b * O + o] = centre[o]!;
  return meanLoss(kind, out, B, O, y);
}

/**
 * Checks targets against the loss and the model's output size.
 * @throws `ValidationError` (from `@x/core`) naming the problem
 * @internal
 */
export function checkTargets(O: number, kind: LossKind, y: Targets, batch: number): void {
  if (kind === 'cross-entropy') {
    if (!(y instanceof Int32Array) || y.length !== batch) {
      throw new ValidationError(
        `tensor 'target' must be an Int32Array of ${batch} class indices for cross-entropy`,
        { field: 'target', details: { expected: [batch] } },
      );
    }
    for (let i = 0; i < batch; i++) {
      if (y[i]! < 0 || y[i]! >= O) {
        throw new ValidationError(`target class ${y[i]} at [${i}] is outside [0, ${O})`, {
          field: 'target',
          value: y[i],
        });
      }
    }
    return;
  }
  if (!(y instanceof Float64Array) || y.length !== batch * O) {
    throw new ValidationError(
      `tensor 'target' must be a Float64Array of shape [${batch}, ${O}] for ${kind}`,
      { field: 'target', details: { expected: [batch, O] } },
    );
  }
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i]!)) {
      throw new ValidationError(`tensor 'target' has a non-finite value at [${i}]`, {
        field: 'target',
        value: y[i],
      });
    }
  }
}
