/**
 * Small dense linear algebra on row-major Float64Arrays: symmetric eigen-decomposition (cyclic
 * Jacobi) and LU solves. Sizes here are tens, so clarity beats blocking.
 *
 * @module
 */

/**
 * Eigen-decomposition of a symmetric n×n matrix by cyclic Jacobi rotations.
 * @returns eigenvalues (descending) and eigenvectors as the columns of `vectors` (row-major)
 */
export function symmetricEigen(
  a: Float64Array,
  n: number,
): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let scale = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const x = m[i * n + j] * m[i * n + j];
        if (i !== j) off += x;
        scale += x;
      }
    }
    if (off <= 1e-30 * scale || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0) continue;
        const app = m[p * n + p];
        const aqq = m[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => m[y * n + y] - m[x * n + x]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = m[src * n + src];
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src];
  });
  return { values, vectors };
}

/**
 * Solves A X = B for X (A n×n, B n×k, row-major) by LU with partial pivoting.
 * @returns X, or null when A is singular to working precision
 */
export function solve(a: Float64Array, b: Float64Array, n: number, k: number): Float64Array | null {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm = Math.max(norm, Math.abs(m[i]));
  for (let col = 0; col < n; col++) {
    let piv = col;
    let best = Math.abs(m[col * n + col]);
    for (let r = col + 1; r < n; r++) {
      const v = Math.abs(m[r * n + col]);
      if (v > best) {
        best = v;
        piv = r;
      }
    }
    if (!(best > 1e-13 * norm)) return null;
    if (piv !== col) {
      for (let j = 0; j < n; j++) {
        const t = m[col * n + j];
        m[col * n + j] = m[piv * n + j];
        m[piv * n + j] = t;
      }
      for (let j = 0; j < k; j++) {
        const t = x[col * k + j];
        x[col * k + j] = x[piv * k + j];
        x[piv * k + j] = t;
      }
    }
    const d = m[col * n + col];
    for (let r = col + 1; r < n; r++) {
      const f = m[r * n + col] / d;
      if (f === 0) continue;
      for (let j = col; j < n; j++) m[r * n + j] -= f * m[col * n + j];
      for (let j = 0; j < k; j++) x[r * k + j] -= f * x[col * k + j];
    }
  }
  for (let col = n - 1; col >= 0; col--) {
    const d = m[col * n + col];
    for (let j = 0; j < k; j++) {
      let s = x[col * k + j];
      for (let c = col + 1; c < n; c++) s -= m[col * n + c] * x[c * k + j];
      x[col * k + j] = s / d;
    }
  }
  return x;
}
