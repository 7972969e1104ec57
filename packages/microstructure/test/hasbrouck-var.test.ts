import { readFileSync } from 'node:fs';
import { Rng } from '@x/core';
import { expectArraysClose, expectClose } from '@x/test-utils';
import { describe, expect, it } from 'vitest';
import { hasbrouckVar } from '../src/index.js';

const fx = JSON.parse(
  readFileSync(new URL('./fixtures/ols_var.json', import.meta.url), 'utf8'),
) as {
  hasbrouck: {
    x: number[];
    r: number[];
    p: number;
    params: number[];
    sigma_u: number[];
    irfs: number[];
    impulse: number[];
    permanent: number;
    b0_ols: number;
    permanent_se: number;
  };
};
const tol = { atol: 1e-14, rtol: 1e-9 };

describe('hasbrouckVar against statsmodels VAR on (trades, returns) (fixtures/make_ols_var.py)', () => {
  const h = fx.hasbrouck;
  const fit = hasbrouckVar(h.r, h.x, { lags: h.p, horizon: 20 });
  it('reduced form: params, sigma_u and MA matrices to 1e-9 relative', () => {
    expectArraysClose(fit.reducedForm.params, h.params, tol, 'params');
    expectArraysClose(fit.reducedForm.sigmaU, h.sigma_u, tol, 'sigma_u');
    expectArraysClose(fit.reducedForm.irfs, h.irfs, tol, 'irfs');
  });
  it('impulse response to a unit trade innovation = orth_irfs[:, r, x] / P[x, x], long run = (I − A(1))⁻¹', () => {
    expectArraysClose(fit.impulse, h.impulse, tol, 'impulse');
    expectClose(fit.permanentImpact, h.permanent, tol, 'permanent');
    expectClose(fit.cumulativeImpulse[20]!, h.permanent, { rtol: 1e-6 }, 'cumulative at 20');
  });
  it('permanent-impact standard error = statsmodels lr_effect_cov part + structural OLS b0 part', () => {
    expectClose(fit.returnEquation.contemporaneousTrade, h.b0_ols, tol, 'b0 = structural OLS');
    expectClose(fit.permanentImpactStdError, h.permanent_se, { atol: 0, rtol: 1e-9 }, 'se');
    const [lo, hi] = fit.permanentImpactInterval(0.95);
    expectClose((hi - lo) / 2, 1.959963984540054 * h.permanent_se, { atol: 0, rtol: 1e-9 }, 'ci');
    expect(() => fit.permanentImpactInterval(1)).toThrow(/level/);
  });
  it('structural return equation with the contemporaneous trade equals the OLS of r on x_t and lags', () => {
    // b0 = Σ_rx / Σ_xx and r_t − b0·x_t is explained by the lags only
    const s = fit.reducedForm.sigmaU;
    expectClose(fit.returnEquation.contemporaneousTrade, s[2]! / s[0]!, tol, 'b0');
    expect(fit.returnEquation.contemporaneousTrade).toBeGreaterThan(0.015);
    expect(fit.tradeCorrelatedShare).toBeGreaterThan(0);
    expect(fit.tradeCorrelatedShare).toBeLessThanOrEqual(1);
  });
  it('lag order by AIC/BIC through statsmodels select_order', () => {
    const a = hasbrouckVar(h.r, h.x, { lags: 'bic', maxLags: 6 });
    expect(a.lagSelection?.bic.length).toBe(7);
    expect(a.lags).toBeGreaterThanOrEqual(1);
  });
});

/** Hasbrouck's structural model with known coefficients, permanent impact known in closed form. */
function simulate(seed: number, n: number, signs = false) {
  const rng = Rng.fromSeed(seed);
  const b0 = 0.02;
  const b1 = 0.006;
  const a1 = -0.15;
  const d1 = 0.3; // trade sign persistence through x_t = d1·x_{t−1} + v2
  const x = new Float64Array(n);
  const r = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const xp = t > 0 ? x[t - 1]! : 0;
    // Gaussian x, or ±1 signs with E[x_t | x_{t−1}] = d1·x_{t−1} (homoskedastic innovation)
    x[t] = signs ? (rng.float() < (1 + d1 * xp) / 2 ? 1 : -1) : d1 * xp + rng.normal(0, 1);
    r[t] = b0 * x[t]! + b1 * xp + a1 * (t > 0 ? r[t - 1]! : 0) + rng.normal(0, 0.01);
  }
  // long run: r(1 − a1 L) = (b0 + b1 L) x, x = v2/(1 − d1 L) ⇒ Σ response = (b0 + b1)/((1 − a1)(1 − d1))
  return { x, r, truth: (b0 + b1) / ((1 - a1) * (1 - d1)) };
}

describe('hasbrouckVar parameter recovery', () => {
  it('recovers the permanent impact of the structural model within 3% across seeds', () => {
    for (let s = 0; s < 10; s++) {
      const { x, r, truth } = simulate(300 + s, 20_000);
      const fit = hasbrouckVar(r, x, { lags: 3 });
      expect(Math.abs(fit.permanentImpact - truth) / truth).toBeLessThan(0.03);
      expect(fit.returnEquation.contemporaneousTrade).toBeCloseTo(0.02, 3);
    }
  });

  // n = 5000 trades, 400 seeds per case. Measured: Gaussian x with p = 1, 95.5% of the 95%
  // intervals cover the truth, z = (θ̂ − θ)/se has mean −0.06, sd 1.01; ±1 signs with p = 2
  // (one lag too many), 95.5%, z mean −0.03, sd 1.00. Asserted: coverage within 2.5 binomial sd
  // of 95% (both ways) and sd(z) within 10% of 1.
  it.each([
    ['Gaussian trades, p = 1', false, 1, 7000],
    ['±1 trade signs, p = 2', true, 2, 8000],
  ])('permanent-impact interval coverage near 0.95 over 400 seeds: %s', (_, signs, lags, base) => {
    const reps = 400;
    let covered = 0;
    let zSum = 0;
    let zSq = 0;
    for (let s = 0; s < reps; s++) {
      const { x, r, truth } = simulate(base + s, 5000, signs);
      const fit = hasbrouckVar(r, x, { lags });
      const [lo, hi] = fit.permanentImpactInterval(0.95);
      if (lo <= truth && truth <= hi) covered++;
      const z = (fit.permanentImpact - truth) / fit.permanentImpactStdError;
      zSum += z;
      zSq += z * z;
    }
    const band = 2.5 * Math.sqrt((0.95 * 0.05) / reps);
    expect(Math.abs(covered / reps - 0.95)).toBeLessThanOrEqual(band);
    const sd = Math.sqrt(zSq / reps - (zSum / reps) ** 2);
    expect(Math.abs(sd - 1)).toBeLessThan(0.1);
  });

  it('rejects unsigned trades, prices instead of returns, NaN, unequal lengths and too few rows', () => {
    const { x, r } = simulate(1, 200);
    expect(() => hasbrouckVar(r, Array.from(x, Math.abs))).toThrow(/must be signed/);
    expect(() =>
      hasbrouckVar(
        Array.from(r, (v) => 100 + v),
        x,
      ),
    ).toThrow(/not returns/);
    const bad = Float64Array.from(r);
    bad[7] = Number.NaN;
    expect(() => hasbrouckVar(bad, x)).toThrow(/NaN or infinite/);
    expect(() => hasbrouckVar(r.subarray(0, 10), x)).toThrow(/equal lengths/);
    expect(() => hasbrouckVar(r.subarray(0, 10), x.subarray(0, 10), { lags: 5 })).toThrow(
      /too few/,
    );
    expect(() => hasbrouckVar(r, x, { lags: 0 })).toThrow(/lags/);
  });
});
