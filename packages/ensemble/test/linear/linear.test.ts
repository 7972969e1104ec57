import { InvalidStateError, tensor, ValidationError } from '@x/core';
import { expectArraysClose, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogisticRegression } from '../../src/linear/logistic.js';
import { LinearRegression } from '../../src/linear/regression.js';
import { Ridge } from '../../src/linear/ridge.js';
import { fixture } from '../fixtures/index.js';

interface Fx {
  X: number[];
  n: number;
  d: number;
  y: number[];
  regression: {
    model: 'LinearRegression' | 'Ridge';
    alpha?: number;
    fitIntercept: boolean;
    coef: number[];
    intercept: number;
    pred: number[];
  }[];
  ridgeDefault: { coef: number[]; intercept: number };
  logistic: {
    case: string;
    C: number;
    fitIntercept: boolean;
    y: number[];
    classes: number[];
    coef: number[];
    intercept: number[];
    proba: number[];
    pred: number[];
  }[];
}
const fx = fixture<Fx>('linear.json');
const X = tensor('float64', [fx.n, fx.d], Float64Array.from(fx.X));
const y = Float64Array.from(fx.y);
const head = tensor('float64', [5, fx.d], Float64Array.from(fx.X.slice(0, 5 * fx.d)));
const TOL = { atol: 1e-6, rtol: 1e-6 };

describe('LinearRegression and Ridge against scikit-learn 1.2', () => {
  it.each(fx.regression.map((c) => [c.model, c.alpha ?? '-', c.fitIntercept, c] as const))(
    '%s alpha=%s fitIntercept=%s',
    (_m, _a, _f, c) => {
      const m =
        c.model === 'Ridge'
          ? new Ridge({ alpha: c.alpha!, fitIntercept: c.fitIntercept })
          : new LinearRegression({ fitIntercept: c.fitIntercept });
      m.fit(X, y);
      expectArraysClose(m.coef, c.coef, TOL, 'coef');
      expectArraysClose([m.intercept], [c.intercept], TOL, 'intercept');
      expectArraysClose(m.predict(head), c.pred, TOL, 'predict');
      const row = Float64Array.from(fx.X.slice(0, fx.d));
      expectArraysClose([m.predictRow(row)], [c.pred[0]!], TOL, 'predictRow');
    },
  );

  it("Ridge's defaults (alpha=1, intercept) match Ridge()", () => {
    const m = new Ridge();
    m.fit(X, y);
    expectArraysClose(m.coef, fx.ridgeDefault.coef, TOL);
    expectArraysClose([m.intercept], [fx.ridgeDefault.intercept], TOL);
  });

  it('recovers known coefficients from noiseless data (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 3, maxLength: 3 }),
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.integer({ min: 1, max: 1000 }),
        (w, b, seed) => {
          let s = seed;
          const rnd = () => {
            s = (s * 16807) % 2147483647;
            return s / 2147483647 - 0.5;
          };
          const n = 30;
          const xs = new Float64Array(n * 3).map(() => rnd() * 4);
          const ys = new Float64Array(n).map(
            (_, i) => b + w[0]! * xs[i * 3]! + w[1]! * xs[i * 3 + 1]! + w[2]! * xs[i * 3 + 2]!,
          );
          const m = new LinearRegression();
          m.fit(tensor('float64', [n, 3], xs), ys);
          expectArraysClose(m.coef, w, { atol: 1e-8 });
          const r = new Ridge({ alpha: 0 });
          r.fit(tensor('float64', [n, 3], xs), ys);
          expectArraysClose(r.coef, w, { atol: 1e-8 });
        },
      ),
      fcParams(),
    );
  });

  it('throws typed errors: collinear design, bad alpha, width mismatch, unfitted, non-finite', () => {
    const col = tensor('float64', [4, 2], new Float64Array([1, 2, 2, 4, 3, 6, 4, 8]));
    expect(() => new LinearRegression().fit(col, new Float64Array(4))).toThrow(ValidationError);
    expect(() => new Ridge({ alpha: 0 }).fit(col, new Float64Array(4))).toThrow(ValidationError);
    expect(() => new Ridge({ alpha: -1 })).toThrow(ValidationError);
    expect(() => new Ridge().predict(head)).toThrow(InvalidStateError);
    const m = new Ridge();
    m.fit(X, y);
    expect(() => m.predict(tensor('float64', [1, 2], new Float64Array(2)))).toThrow(
      ValidationError,
    );
    const bad = Float64Array.from(fx.X);
    bad[7] = Number.NaN;
    expect(() => m.fit(tensor('float64', [fx.n, fx.d], bad), y)).toThrow(/non-finite/);
    expect(() => m.fit(X, y.subarray(1))).toThrow(ValidationError);
  });

  it('export and import round-trip exactly; a wrong kind or shape is refused', () => {
    const lr = new LinearRegression();
    lr.fit(X, y);
    const back = LinearRegression.importer.importModel(lr.exportModel());
    expect(Array.from(back.predict(X))).toEqual(Array.from(lr.predict(X)));
    const r = new Ridge({ alpha: 3 });
    r.fit(X, y);
    const rb = Ridge.importer.importModel(r.exportModel());
    expect(rb.alpha).toBe(3);
    expect(Array.from(rb.predict(X))).toEqual(Array.from(r.predict(X)));
    expect(() => Ridge.importer.importModel(lr.exportModel())).toThrow(ValidationError);
    const e = r.exportModel();
    expect(() =>
      Ridge.importer.importModel({ ...e, config: { ...e.config, nFeatures: 4 } }),
    ).toThrow(ValidationError);
  });
});

describe('LogisticRegression against scikit-learn 1.2', () => {
  it.each(fx.logistic.map((c) => [c.case, c.C, c.fitIntercept, c] as const))(
    '%s C=%f fitIntercept=%s',
    (_c, _C, _f, c) => {
      const m = new LogisticRegression({ C: c.C, fitIntercept: c.fitIntercept });
      m.fit(X, Int32Array.from(c.y));
      expect(m.converged).toBe(true);
      expect(Array.from(m.classes)).toEqual(c.classes);
      expectArraysClose(m.coef, c.coef, TOL, 'coef');
      expectArraysClose(m.intercept, c.intercept, TOL, 'intercept');
      const x10 = tensor('float64', [10, fx.d], Float64Array.from(fx.X.slice(0, 10 * fx.d)));
      expectArraysClose(m.predictProba(x10).data, c.proba, TOL, 'proba');
      expect(Array.from(m.predict(X))).toEqual(c.pred);
    },
  );

  it('probabilities are rows summing to one and export round-trips exactly', () => {
    const c = fx.logistic.find((k) => k.case === 'multinomial')!;
    const m = new LogisticRegression();
    m.fit(X, Int32Array.from(c.y));
    const p = m.predictProba(X);
    for (let i = 0; i < fx.n; i++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += p.data[i * 4 + k]!;
      expect(Math.abs(s - 1)).toBeLessThan(1e-12);
    }
    const back = LogisticRegression.importer.importModel(m.exportModel());
    expect(Array.from(back.predictProba(X).data)).toEqual(Array.from(p.data));
  });

  it('throws typed errors: one class, non-integer labels, bad C', () => {
    expect(() => new LogisticRegression().fit(X, new Int32Array(fx.n))).toThrow(ValidationError);
    expect(() =>
      new LogisticRegression().fit(X, new Float64Array(fx.n).fill(0.5) as never),
    ).toThrow(ValidationError);
    expect(() => new LogisticRegression({ C: 0 })).toThrow(ValidationError);
    expect(() => new LogisticRegression().predict(X)).toThrow(InvalidStateError);
  });
});
