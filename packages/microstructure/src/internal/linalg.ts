/**
 * Small dense decompositions on row-major Float64Arrays, through `ml-matrix`: the symmetric
 * eigen-decomposition (Householder tridiagonalisation + QL, `EigenvalueDecomposition`) and LU
 * solves with partial pivoting (`LuDecomposition`). Sizes here are tens; what this module adds
 * is the row-major layout the kernels use, a fixed ordering of the eigenpairs and a scale-free
 * singularity test.
 *
 * @module
 */
import { EigenvalueDecomposition, LuDecomposition, Matrix } from 'ml-matrix';

/** Smallest |pivot| of U, relative to max |a_ij|, accepted as non-singular. */
const PIVOT_TOL = 1e-13;

function toMatrix(a: Float64Array, rows: number, cols: number): Matrix {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, a[i * cols + j]!);
  return m;
}

/**
 * Eigen-decomposition of a symmetric n×n matrix (`ml-matrix`, `assumeSymmetric`).
 * @returns eigenvalues (descending) and eigenvectors as the columns of `vectors` (row-major)
 */
export function symmetricEigen(
  a: Float64Array,
  n: number,
): { values: Float64Array; vectors: Float64Array } {
  const s = toMatrix(a, n, n);
  // exact symmetry: the decomposition reads one triangle
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) s.set(i, j, s.get(j, i));
  const e = new EigenvalueDecomposition(s, { assumeSymmetric: true });
  const ev = e.realEigenvalues;
  const vec = e.eigenvectorMatrix;
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => ev[y]! - ev[x]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let dst = 0; dst < n; dst++) {
    const src = order[dst]!;
    values[dst] = ev[src]!;
    for (let k = 0; k < n; k++) vectors[k * n + dst] = vec.get(k, src);
  }
  return { values, vectors };
}

/**
 * Solves A X = B for X (A n×n, B n×k, row-major) by LU with partial pivoting (`ml-matrix`).
 * @returns X, or null when A is singular to working precision (a pivot below 1e-13·max|a_ij|)
 */
export function solve(a: Float64Array, b: Float64Array, n: number, k: number): Float64Array | null {
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm = Math.max(norm, Math.abs(a[i]!));
  if (!(norm > 0)) return null;
  const lu = new LuDecomposition(toMatrix(a, n, n));
  const u = lu.upperTriangularMatrix;
  for (let i = 0; i < n; i++) if (!(Math.abs(u.get(i, i)) > PIVOT_TOL * norm)) return null;
  const x = lu.solve(toMatrix(b, n, k));
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out[i * k + j] = x.get(i, j);
  return out;
}
