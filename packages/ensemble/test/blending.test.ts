import { type Matrix, tensor, ValidationError } from '@x/core';
import { expectArraysClose, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlendingRegressor } from '../src/blending.js';
import { projectSimplex, simplexLeastSquares } from '../src/internal/simplex.js';
import { LinearRegression } from '../src/linear/regression.js';
import type { RegressorMember } from '../src/members.js';

/** A member that predicts a fixed column of x (so its holdout predictions are known). */
function column(j: number): RegressorMember {
  return {
    name: `col${j}`,
    create: () => ({
      fit() {},
      predict: (x: Matrix) => Float64Array.from({ length: x.shape[0]! }, (_, i) => x.get(i, j)),
    }),
  };
}

describe('BlendingRegressor', () => {
  it('recovers the convex combination that generated the target', async () => {
    const n = 200;
    const x = tensor(
      'float64',
      [n, 3],
      Float64Array.from({ length: 3 * n }, (_, k) => Math.sin(k * 1.7) + Math.cos(k * 0.3)),
    );
    const y = Float64Array.from(
      { length: n },
      (_, i) => 0.2 * x.get(i, 0) + 0.5 * x.get(i, 1) + 0.3 * x.get(i, 2),
    );
    const blend = new BlendingRegressor({ estimators: [column(0), column(1), column(2)] });
    await blend.fit(x, y);
    expectArraysClose(blend.weights, [0.2, 0.5, 0.3], { atol: 1e-9 });
    expectArraysClose(blend.predict(x), y, { atol: 1e-9 });
  });

  it('puts zero weight on a useless member and keeps weights on the simplex', async () => {
    const n = 100;
    const x = tensor(
      'float64',
      [n, 2],
      Float64Array.from({ length: 2 * n }, (_, k) => (k % 2 ? -1 : 1) * (k / 10)),
    );
    const y = Float64Array.from({ length: n }, (_, i) => x.get(i, 0));
    const blend = new BlendingRegressor({
      estimators: [column(0), column(1), { name: 'ols', create: () => new LinearRegression() }],
    });
    await blend.fit(x, y);
    expect(blend.weights[1]).toBe(0);
    expect(Math.abs(blend.weights.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
  });

  it('simplex least squares satisfies the KKT conditions (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 40, maxLength: 40 }),
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 10, maxLength: 10 }),
        (p, t) => {
          const n = 10;
          const M = 4;
          const G = new Float64Array(M * M);
          const b = new Float64Array(M);
          for (let k = 0; k < M; k++) {
            for (let i = 0; i < n; i++) b[k]! += p[i * M + k]! * t[i]!;
            for (let j = 0; j < M; j++)
              for (let i = 0; i < n; i++) G[k * M + j]! += p[i * M + k]! * p[i * M + j]!;
          }
          for (let k = 0; k < M; k++) G[k * M + k]! += 1e-3; // strongly convex
          const w = simplexLeastSquares(G, b, M);
          const grad = Array.from({ length: M }, (_, k) => {
            let g = -b[k]!;
            for (let j = 0; j < M; j++) g += G[k * M + j]! * w[j]!;
            return g;
          });
          const active = grad.filter((_, k) => w[k]! > 1e-9);
          const mu = Math.min(...grad);
          for (const g of active) expect(Math.abs(g - mu)).toBeLessThan(1e-6 * (1 + Math.abs(mu)));
          expect(Math.abs(w.reduce((a, c) => a + c, 0) - 1)).toBeLessThan(1e-12);
          for (const v of w) expect(v).toBeGreaterThanOrEqual(0);
        },
      ),
      fcParams(),
    );
  });

  it('projects onto the simplex (closed form)', () => {
    const v = new Float64Array([0.5, 0.5, 0.5]);
    projectSimplex(v);
    expectArraysClose(v, [1 / 3, 1 / 3, 1 / 3], { atol: 1e-15 });
    const u = new Float64Array([2, 0, -1]);
    projectSimplex(u);
    expect(Array.from(u)).toEqual([1, 0, 0]);
  });

  it('throws typed errors on a bad holdout', async () => {
    expect(() => new BlendingRegressor({ estimators: [column(0)], holdoutFraction: 1 })).toThrow(
      ValidationError,
    );
    const x = tensor('float64', [3, 1], new Float64Array(3));
    await expect(
      new BlendingRegressor({ estimators: [column(0)], holdoutFraction: 0.1 }).fit(
        x,
        new Float64Array(3),
      ),
    ).rejects.toThrow(ValidationError);
  });
});
