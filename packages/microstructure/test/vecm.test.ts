import { readFileSync } from 'node:fs';
import { expectArraysClose } from '@x/test-utils';
import { describe, expect, it } from 'vitest';
import { fitVecm } from '../src/index.js';
import { expectValidationError } from './expect-validation.js';
import { simulateVecm } from './vecm-sim.js';

interface Params {
  alpha: number[][];
  gamma: number[][];
  const: number[];
  sigma_u: number[][];
  beta?: number[][];
  eigenvalues?: number[];
}
interface Case {
  seed: number;
  k: number;
  lags: number;
  deterministic: 'co' | 'n';
  y: number[][];
  johansen: Params;
  knownBeta: Params;
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/vecm.json', import.meta.url), 'utf8'),
) as { cases: Case[] };
const flat = (m: number[][]) => m.flat();
const tol = { atol: 1e-12, rtol: 1e-8 };

describe('fitVecm against statsmodels VECM (test/fixtures/make_vecm.py)', () => {
  for (const c of fixture.cases) {
    const label = `seed ${c.seed}, K=${c.k}, lags=${c.lags}, ${c.deterministic}`;
    it(`Johansen ML: alpha, beta, gamma, const, sigma_u, eigenvalues (${label})`, () => {
      const fit = fitVecm(c.y, {
        lags: c.lags,
        deterministic: c.deterministic,
        cointegration: 'johansen',
      });
      const j = c.johansen;
      // without an intercept Johansen's S11 is the uncentred moment of price levels (~1e4 with
      // a spread of ~1e-2), so both implementations lose about 8 digits there
      const t = c.deterministic === 'n' ? { atol: 1e-12, rtol: 1e-6 } : tol;
      expectArraysClose(fit.alpha, flat(j.alpha), t, 'alpha');
      expectArraysClose(fit.beta, flat(j.beta!), t, 'beta');
      expectArraysClose(fit.gamma, flat(j.gamma), t, 'gamma');
      expectArraysClose(fit.constant, j.const, t, 'const');
      expectArraysClose(fit.sigmaU, flat(j.sigma_u), t, 'sigma_u');
      expectArraysClose(fit.eigenvalues, j.eigenvalues!, t, 'eigenvalues');
      expect(fit.nobs).toBe(c.y[0]!.length - c.lags - 1);
    });
    it(`known beta = (1, -1)': OLS alpha, gamma, const, sigma_u (${label})`, () => {
      const fit = fitVecm(c.y, { lags: c.lags, deterministic: c.deterministic });
      const j = c.knownBeta;
      expectArraysClose(fit.alpha, flat(j.alpha), tol, 'alpha');
      expectArraysClose(fit.gamma, flat(j.gamma), tol, 'gamma');
      expectArraysClose(fit.constant, j.const, tol, 'const');
      expectArraysClose(fit.sigmaU, flat(j.sigma_u), tol, 'sigma_u');
    });
  }
});

describe('fitVecm: degenerate input gets a ValidationError', () => {
  const y = simulateVecm({ alpha: [-0.2, 0.3], chol: [0.03, 0, 0.01, 0.04] }, 400, 2);
  const cases: [string, () => unknown][] = [
    ['one venue', () => fitVecm([y[0]!])],
    ['seven venues', () => fitVecm(Array.from({ length: 7 }, () => y[0]!))],
    ['fractional lags', () => fitVecm(y, { lags: 1.5 })],
    ['unknown deterministic term', () => fitVecm(y, { deterministic: 'ci' as 'co' })],
    ['base venue out of range', () => fitVecm(y, { base: 2 })],
    [
      'too few observations for the lags',
      () => fitVecm([y[0]!.subarray(0, 30), y[1]!.subarray(0, 30)], { lags: 10 }),
    ],
    [
      'infinite price',
      () =>
        fitVecm([
          y[0]!,
          Float64Array.from(y[1]!, (v, i) => (i === 7 ? Number.POSITIVE_INFINITY : v)),
        ]),
    ],
    [
      'a venue that is an exact copy of another plus a constant',
      () => fitVecm([y[0]!, Float64Array.from(y[0]!, (v) => v + 0.01)]),
    ],
    [
      'independent random walks',
      () => fitVecm(simulateVecm({ alpha: [0, 0], chol: [0.03, 0, 0, 0.04] }, 3000, 4)),
    ],
  ];
  for (const [name, f] of cases) {
    it(name, () => expectValidationError(f));
  }

  it('the trace test can be switched off, and the statistic is reported', () => {
    const rw = simulateVecm({ alpha: [0, 0], chol: [0.03, 0, 0, 0.04] }, 3000, 4);
    const fit = fitVecm(rw, { cointegrationTest: false });
    expect(fit.traceStatistic).toBeLessThan(fit.traceCritical[1]);
    expect(fitVecm(y).traceStatistic).toBeGreaterThan(fitVecm(y).traceCritical[2]);
  });
});
