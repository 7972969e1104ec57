/**
 * Well-conditioned solves over ml-matrix: Cholesky for symmetric positive-definite systems and
 * Householder QR for least squares. Nothing here forms an inverse.
 *
 * @module
 */
import { InvalidStateError, ValidationError } from '@x/core';
import { CholeskyDecomposition, Matrix as MlMatrix, QrDecomposition } from 'ml-matrix';

/**
 * Solves `A x = b` for a symmetric positive-definite `A` (row-major, `p x p`) by Cholesky. Only
 * the upper triangle of `A` is read (rounding may leave the two halves unequal in the last bit).
 * @returns the solution, or `undefined` when `A` is not numerically positive definite
 */
export function choleskySolve(
  a: Float64Array,
  b: Float64Array,
  p: number,
): Float64Array | undefined {
  const m = new MlMatrix(p, p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) m.set(i, j, i <= j ? a[i * p + j]! : a[j * p + i]!);
  const chol = new CholeskyDecomposition(m);
  if (!chol.isPositiveDefinite()) return undefined;
  const l = chol.lowerTriangularMatrix;
  // a pivot ratio this small means cond(A) beyond ~1e14: the solve would be noise
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (let i = 0; i < p; i++) {
    const v = Math.abs(l.get(i, i));
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (p > 0 && !(lo > hi * 1e-7)) return undefined;
  const rhs = new MlMatrix(p, 1);
  for (let i = 0; i < p; i++) rhs.set(i, 0, b[i]!);
  const x = chol.solve(rhs);
  const out = new Float64Array(p);
  for (let i = 0; i < p; i++) out[i] = x.get(i, 0);
  return out;
}

/**
 * Least squares `min ||A x - b||` by Householder QR (`A` row-major `n x p`, `n >= p`).
 * @throws ValidationError when `A` does not have full column rank
 */
export function qrLeastSquares(
  a: Float64Array,
  b: Float64Array,
  n: number,
  p: number,
): Float64Array {
  if (n < p) {
    throw new ValidationError(
      `least squares needs at least as many rows (${n}) as columns (${p})`,
      { field: 'x' },
    );
  }
  const m = new MlMatrix(n, p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) m.set(i, j, a[i * p + j]!);
  const qr = new QrDecomposition(m);
  if (!qr.isFullRank()) {
    throw new ValidationError(
      'the design matrix does not have full column rank (collinear features)',
      {
        field: 'x',
      },
    );
  }
  const rhs = new MlMatrix(n, 1);
  for (let i = 0; i < n; i++) rhs.set(i, 0, b[i]!);
  const x = qr.solve(rhs);
  const out = new Float64Array(p);
  for (let i = 0; i < p; i++) out[i] = x.get(i, 0);
  return out;
}

/** Throws when a model is used before `fit`. */
export function assertFitted(fitted: boolean, what: string): void {
  if (!fitted) throw new InvalidStateError(`${what} is not fitted: call fit first`);
}
