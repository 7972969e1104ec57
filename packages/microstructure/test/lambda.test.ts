import { readFileSync } from 'node:fs';
import { Rng, ValidationError } from '@x/core';
import { expectArraysClose, expectClose } from '@x/test-utils';
import { describe, expect, it } from 'vitest';
import { hasbrouckLambda, kyleLambda, tradeBars } from '../src/index.js';

type Cov = 'nonrobust' | 'HC0' | 'HC1' | 'HC2' | 'HC3';
const fx = JSON.parse(
  readFileSync(new URL('./fixtures/ols_var.json', import.meta.url), 'utf8'),
) as {
  kyle: { dp: number[]; flow: number[] } & Record<
    'const' | 'noconst',
    Record<Cov, { params: number[]; bse: number[]; rsquared: number }>
  >;
};
const tol = { atol: 1e-15, rtol: 1e-9 };

describe('tradeBars', () => {
  it('aggregates signed flows per bar, keeps empty bars and carries the close', () => {
    const b = tradeBars(
      {
        ts: [1000, 1500, 3200, 3900],
        price: [100, 101, 99, 100],
        qty: [2, 1, 4, 1],
        sign: [1, -1, -1, 1],
      },
      1000,
    );
    expect(b.bars).toBe(3);
    expect(Array.from(b.start)).toEqual([1000, 2000, 3000]);
    expect(Array.from(b.close)).toEqual([101, 101, 100]);
    expect(Array.from(b.priceChange)).toEqual([1, 0, -1]);
    expect(Array.from(b.signedVolume)).toEqual([1, 0, -3]);
    expect(Array.from(b.signedDollarVolume)).toEqual([200 - 101, 0, -396 + 100]);
    expectArraysClose(
      b.signedSqrtDollarVolume,
      [Math.sqrt(200) - Math.sqrt(101), 0, -Math.sqrt(396) + 10],
      { rtol: 1e-15 },
    );
    expectArraysClose(b.logReturn, [Math.log(101 / 100), 0, Math.log(100 / 101)], { rtol: 1e-15 });
    expect(Array.from(b.count)).toEqual([2, 0, 2]);
    expect(Array.from(b.volume)).toEqual([3, 0, 5]);
  });

  it('rejects unsorted, NaN, bad signs, unequal columns and µs/ns timestamps', () => {
    const t = { ts: [0, 10], price: [1, 1], qty: [1, 1], sign: [1, -1] };
    expect(() => tradeBars({ ...t, ts: [10, 0] }, 5)).toThrow(/before the previous trade/);
    expect(() => tradeBars({ ...t, price: [1, Number.NaN] }, 5)).toThrow(/price must be finite/);
    expect(() => tradeBars({ ...t, qty: [1, 0] }, 5)).toThrow(/qty must be finite and > 0/);
    expect(() => tradeBars({ ...t, sign: [1, 0] }, 5)).toThrow(/sign must be \+1/);
    expect(() => tradeBars({ ...t, sign: [1] }, 5)).toThrow(/equal lengths/);
    expect(() => tradeBars({ ...t, ts: [0, 1.7e18] }, 1000)).toThrow(/must be in milliseconds/);
  });
});

describe('kyleLambda against statsmodels OLS (fixtures/make_ols_var.py)', () => {
  for (const name of ['const', 'noconst'] as const) {
    for (const cov of ['HC0', 'HC1', 'HC2', 'HC3'] as const) {
      it(`${name}, ${cov}: λ, α, plain and robust standard errors, R²`, () => {
        const fit = kyleLambda(fx.kyle.dp, fx.kyle.flow, {
          intercept: name === 'const',
          covType: cov,
        });
        const ref = fx.kyle[name];
        const k = name === 'const' ? 1 : 0;
        expectClose(fit.lambda, ref[cov].params[k]!, tol, 'lambda');
        if (k === 1) expectClose(fit.intercept, ref[cov].params[0]!, tol, 'intercept');
        expectClose(fit.robustStdError, ref[cov].bse[k]!, tol, 'robust se');
        expectClose(fit.stdError, ref.nonrobust.bse[k]!, tol, 'plain se');
        expectClose(fit.tStat, ref[cov].params[k]! / ref[cov].bse[k]!, tol, 't');
        expectClose(fit.r2, ref[cov].rsquared, tol, 'r2');
        expect(fit.n).toBe(fx.kyle.dp.length);
      });
    }
  }
});

/**
 * Kyle (1985) one-period model per interval: value v ~ N(0, σv²), insider order x = βv with
 * β = σu/σv, noise orders u ~ N(0, σu²), price change λ(x + u) + public news η with λ = σv/(2σu),
 * η heteroskedastic in |u| (so the robust errors matter).
 */
function kyleSample(seed: number, n: number, sigmaV: number, sigmaU: number) {
  const rng = Rng.fromSeed(seed);
  const beta = sigmaU / sigmaV;
  const lambda = sigmaV / (2 * sigmaU);
  const dp = new Float64Array(n);
  const flow = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = rng.normal(0, sigmaV);
    const u = rng.normal(0, sigmaU);
    const y = beta * v + u;
    flow[i] = y;
    dp[i] = lambda * y + rng.normal(0, 0.02 * (1 + Math.abs(u) / sigmaU));
  }
  return { dp, flow, lambda };
}

describe('kyleLambda parameter recovery (Kyle-model simulation)', () => {
  it('the robust 95% interval covers the true λ in ~95% of 400 seeds and the 99% one in >= 95%', () => {
    let in95 = 0;
    let in99 = 0;
    const reps = 400;
    for (let s = 0; s < reps; s++) {
      const { dp, flow, lambda } = kyleSample(1000 + s, 400, 0.5, 200);
      const fit = kyleLambda(dp, flow);
      const [a, b] = fit.confidenceInterval(0.95);
      const [c, d] = fit.confidenceInterval(0.99);
      if (a <= lambda && lambda <= b) in95++;
      if (c <= lambda && lambda <= d) in99++;
    }
    // 95% nominal: within 2.5 binomial standard errors (1.1%) of 0.95
    expect(in95 / reps).toBeGreaterThan(0.95 - 2.5 * Math.sqrt((0.95 * 0.05) / reps));
    expect(in99 / reps).toBeGreaterThanOrEqual(0.95);
  });

  it('rejects unsigned flow, prices passed as changes, NaN, too few and constant series', () => {
    const flow = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const dp = flow.map((f) => 0.1 * f + 100);
    expect(() => kyleLambda(dp, flow)).toThrow(/must be signed/);
    const signed = flow.map((f, i) => (i % 2 ? f : -f));
    expect(() => kyleLambda(dp, signed)).toThrow(/not price levels/);
    expect(() => kyleLambda([0.1, Number.NaN, 0.2], [1, -1, 2])).toThrow(/NaN or infinite/);
    expect(() => kyleLambda([0.1, 0.2], [1, -1])).toThrow(/at least 3/);
    expect(() => kyleLambda([0.1, -0.2, 0.3, 0], [-1, -1, -1, -1])).toThrow(ValidationError);
    expect(() => kyleLambda([0.1, -0.2, 0.3, 0], [-1, -1, -1, -1])).toThrow(/singular/);
    expect(() => kyleLambda([0.1, 0.1, 0.1], [1, -1, 2])).toThrow(/zero variance/);
    expect(() => kyleLambda([0.1, -0.1, 0.1], [1, -1, 2], { covType: 'HC9' as 'HC0' })).toThrow(
      /covType/,
    );
  });
});

describe('hasbrouckLambda (AFML §19.3.3)', () => {
  it('recovers λ from signed log returns on signed √(dollar volume), inside its interval in >= 95% of seeds at 99%', () => {
    let in99 = 0;
    const reps = 200;
    const lambda = 3e-6;
    for (let s = 0; s < reps; s++) {
      const rng = Rng.fromSeed(77 + s);
      const n = 300;
      const x = new Float64Array(n);
      const r = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        x[i] = rng.normal(0, 400);
        r[i] = lambda * x[i]! + rng.normal(0, 5e-4);
      }
      const fit = hasbrouckLambda(r, x, { covType: 'HC3' });
      const [lo, hi] = fit.confidenceInterval(0.99);
      if (lo <= lambda && lambda <= hi) in99++;
    }
    expect(in99 / reps).toBeGreaterThanOrEqual(0.95);
  });

  it('is estimated on bars from trades, signed log return, positive for buy pressure', () => {
    const rng = Rng.fromSeed(5);
    const n = 20_000;
    const ts = new Float64Array(n);
    const price = new Float64Array(n);
    const qty = new Float64Array(n);
    const sign = new Float64Array(n);
    let logp = Math.log(50);
    for (let i = 0; i < n; i++) {
      ts[i] = i * 50;
      sign[i] = rng.bernoulli(0.5) ? 1 : -1;
      qty[i] = 1 + rng.int(0, 100);
      logp += 2e-6 * sign[i]! * Math.sqrt(Math.exp(logp) * qty[i]!) + rng.normal(0, 1e-5);
      price[i] = Math.exp(logp);
    }
    const bars = tradeBars({ ts, price, qty, sign }, 5_000);
    const fit = hasbrouckLambda(bars.logReturn, bars.signedSqrtDollarVolume);
    const [lo, hi] = fit.confidenceInterval(0.99);
    expect(lo).toBeLessThan(2e-6);
    expect(hi).toBeGreaterThan(2e-6);
    expect(fit.tStat).toBeGreaterThan(10);
  });

  it('rejects prices passed as log returns', () => {
    expect(() => hasbrouckLambda([100, 101, 99], [1, -1, 2])).toThrow(/not log returns/);
  });
});
