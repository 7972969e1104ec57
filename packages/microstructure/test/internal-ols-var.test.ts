import { readFileSync } from 'node:fs';
import { ValidationError } from '@x/core';
import { expectArraysClose, expectClose } from '@x/test-utils';
import { describe, expect, it } from 'vitest';
import { type CovType, ols, olsCovariance, standardErrors } from '../src/internal/ols.js';
import {
  fitVar,
  maRep,
  orthIrf,
  selectVarOrder,
  type VarTrend,
  varInfoCriteria,
} from '../src/internal/var.js';

interface CovCase {
  params: number[];
  bse: number[];
  tvalues: number[];
  cov: number[];
}
const fx = JSON.parse(
  readFileSync(new URL('./fixtures/ols_var.json', import.meta.url), 'utf8'),
) as {
  ols: ({
    name: string;
    x: number[];
    y: number[];
    k: number;
    hasConstant: boolean;
    rsquared: number;
    ssr: number;
  } & Record<CovType, CovCase>)[];
  var: {
    data: number[];
    rows: number;
    k: number;
    fits: {
      p: number;
      trend: VarTrend;
      params: number[];
      sigma_u: number[];
      sigma_u_mle: number[];
      irfs: number[];
      orth_irfs: number[];
      aic: number;
      bic: number;
      hqic: number;
      fpe: number;
    }[];
    select: {
      maxlags: number;
      aic: number[];
      bic: number[];
      hqic: number[];
      fpe: number[];
      selected: Record<'aic' | 'bic' | 'hqic' | 'fpe', number>;
    };
  };
};

const tol = { atol: 1e-14, rtol: 1e-9 };

describe('internal OLS against statsmodels OLS (fixtures/make_ols_var.py)', () => {
  for (const c of fx.ols) {
    it(`${c.name}: coefficients, R², SSR and every covariance type`, () => {
      const x = Float64Array.from(c.x);
      const y = Float64Array.from(c.y);
      const n = y.length;
      const fit = ols(x, y, n, c.k, { hasConstant: c.hasConstant });
      expectArraysClose(fit.coef, c.nonrobust.params, tol, 'params');
      expectClose(fit.r2, c.rsquared, tol, 'rsquared');
      expectClose(fit.ssr, c.ssr, tol, 'ssr');
      for (const type of ['nonrobust', 'HC0', 'HC1', 'HC2', 'HC3'] as const) {
        const cov = olsCovariance(fit, x, type);
        expectArraysClose(cov, c[type].cov, tol, `${type} cov`);
        const se = standardErrors(cov, c.k);
        expectArraysClose(se, c[type].bse, tol, `${type} bse`);
        expectArraysClose(
          Array.from(fit.coef, (b, i) => b / se[i]!),
          c[type].tvalues,
          tol,
          `${type} t`,
        );
      }
    });
  }

  it('rejects too few rows, NaN, a singular design and a constant y with ValidationError', () => {
    const x = Float64Array.from([1, 1, 1, 2, 1, 3]);
    expect(() => ols(x, Float64Array.from([1, 2, 3]), 3, 3, { hasConstant: true })).toThrow(
      /more observations than regressors/,
    );
    expect(() =>
      ols(x, Float64Array.from([1, Number.NaN, 3]), 3, 2, { hasConstant: true }),
    ).toThrow(/NaN or Infinity/);
    const collinear = Float64Array.from([1, 2, 1, 2, 1, 2]);
    expect(() => ols(collinear, Float64Array.from([1, 2, 3]), 3, 2, { hasConstant: true })).toThrow(
      ValidationError,
    );
    expect(() => ols(collinear, Float64Array.from([1, 2, 3]), 3, 2, { hasConstant: true })).toThrow(
      /singular/,
    );
    expect(() => ols(x, Float64Array.from([2, 2, 2]), 3, 2, { hasConstant: true })).toThrow(
      /zero variance/,
    );
  });
});

describe('internal VAR against statsmodels VAR (fixtures/make_ols_var.py)', () => {
  const data = Float64Array.from(fx.var.data);
  const { rows, k } = fx.var;
  for (const f of fx.var.fits) {
    it(`VAR(${f.p}) trend ${f.trend}: params, sigma_u, irfs, orth irfs, criteria to 1e-9 relative`, () => {
      const fit = fitVar(data, rows, k, f.p, { trend: f.trend });
      expectArraysClose(fit.params, f.params, tol, 'params');
      expectArraysClose(fit.sigmaU, f.sigma_u, tol, 'sigma_u');
      expectArraysClose(fit.sigmaUMle, f.sigma_u_mle, tol, 'sigma_u_mle');
      const phi = maRep(fit, 10);
      expectArraysClose(phi, f.irfs, tol, 'irfs');
      expectArraysClose(orthIrf(fit, phi, 10), f.orth_irfs, tol, 'orth_irfs');
      const ic = varInfoCriteria(fit);
      expectClose(ic.aic, f.aic, tol, 'aic');
      expectClose(ic.bic, f.bic, tol, 'bic');
      expectClose(ic.hqic, f.hqic, tol, 'hqic');
      expectClose(ic.fpe, f.fpe, tol, 'fpe');
    });
  }

  it('select_order: criteria per lag and selected orders', () => {
    const s = selectVarOrder(data, rows, k, fx.var.select.maxlags);
    expectArraysClose(s.aic, fx.var.select.aic, tol, 'aic');
    expectArraysClose(s.bic, fx.var.select.bic, tol, 'bic');
    expectArraysClose(s.hqic, fx.var.select.hqic, tol, 'hqic');
    expectArraysClose(s.fpe, fx.var.select.fpe, tol, 'fpe');
    expect(s.selected).toEqual(fx.var.select.selected);
  });

  it('rejects too few rows and a constant series', () => {
    expect(() => fitVar(data, 5, k, 3)).toThrow(/too few/);
    const flat = Float64Array.from(data);
    for (let t = 0; t < rows; t++) flat[t * k + 1] = 3;
    expect(() => fitVar(flat, rows, k, 2)).toThrow(/singular/);
  });
});
