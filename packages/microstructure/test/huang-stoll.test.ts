import { readFileSync } from 'node:fs';
import { Rng } from '@x/core';
import { expectClose, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { huangStoll } from '../src/index.js';
import { expectValidationError } from './expect-validation.js';

interface Truth {
  readonly spread: number;
  readonly alpha: number;
  readonly beta: number;
  /** Probability that a trade reverses the previous one's sign. */
  readonly pi: number;
  readonly sigmaV?: number;
  /** Sd of a transitory price-discreteness error η_t (makes e_t MA(1)). */
  readonly sigmaEta?: number;
}

/**
 * The structural model of Huang and Stoll (1997), not its reduced form: the efficient value
 * moves with the surprise in the last trade, V_t = V_{t−1} + α(S/2)(Q_{t−1} − (1 − 2π)Q_{t−2}) + ε_t;
 * the quote midpoint adds inventory, M_t = V_t + β(S/2) Σ_{i<t} Q_i; the trade prints at
 * P_t = M_t + (S/2) Q_t + η_t.
 */
function simulate(truth: Truth, n: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  const half = truth.spread / 2;
  const rho = 1 - 2 * truth.pi;
  const q = new Float64Array(n);
  const p = new Float64Array(n);
  let v = 100;
  let inventory = 0;
  q[0] = rng.bernoulli(0.5) ? 1 : -1;
  for (let t = 0; t < n; t++) {
    if (t > 0) q[t] = rng.bernoulli(truth.pi) ? -q[t - 1]! : q[t - 1]!;
    if (t > 0) {
      const surprise = q[t - 1]! - (t > 1 ? rho * q[t - 2]! : 0);
      v += truth.alpha * half * surprise + rng.normal(0, truth.sigmaV ?? 0.01);
      inventory += q[t - 1]!;
    }
    p[t] =
      v + truth.beta * half * inventory + half * q[t]! + rng.normal(0, truth.sigmaEta ?? 0.004);
  }
  return { p, q };
}

const truth: Truth = { spread: 0.1, alpha: 0.3, beta: 0.2, pi: 0.3 };

describe('huangStoll: parameter recovery on the structural model', () => {
  it('S, alpha, beta, pi and order processing fall in their 99% intervals in >= 95% of 200 seeds (95%: 90-99.5%); J is chi-square', () => {
    const reps = 200;
    const names = [
      'spread',
      'adverseSelection',
      'inventory',
      'reversalProbability',
      'orderProcessing',
    ] as const;
    const truthOf = [truth.spread, truth.alpha, truth.beta, truth.pi, 1 - truth.alpha - truth.beta];
    const hit99 = new Array<number>(5).fill(0);
    const hit95 = new Array<number>(5).fill(0);
    let jRejects = 0;
    for (let seed = 1; seed <= reps; seed++) {
      const { p, q } = simulate(truth, 5000, seed);
      const fit = huangStoll(p, q, { confidence: 0.99 });
      names.forEach((name, i) => {
        const e = fit[name]!;
        if (e.interval[0] <= truthOf[i]! && truthOf[i]! <= e.interval[1]) hit99[i]!++;
        if (Math.abs(e.value - truthOf[i]!) <= 1.96 * e.stdErr) hit95[i]!++;
      });
      expect(fit.jDegreesOfFreedom).toBe(2);
      if (fit.jPValue < 0.05) jRejects++;
      const sum = fit.adverseSelection!.value + fit.inventory!.value + fit.orderProcessing.value;
      expect(sum).toBeCloseTo(1, 12);
    }
    names.forEach((name, i) => {
      expect(hit99[i]! / reps, `99% coverage of ${name}`).toBeGreaterThanOrEqual(0.95);
      expect(hit95[i]! / reps, `95% coverage of ${name}`).toBeGreaterThanOrEqual(0.9);
      expect(hit95[i]! / reps, `95% coverage of ${name}`).toBeLessThanOrEqual(0.995);
    });
    // a correctly specified model rejects at 5% about 5% of the time
    expect(jRejects / reps).toBeLessThanOrEqual(0.1);
  });

  it('exactly identified system (extraLags 0): J = 0 with 0 degrees of freedom, same truth recovered', () => {
    const { p, q } = simulate(truth, 20000, 99);
    const fit = huangStoll(p, q, { extraLags: 0 });
    expect(fit.jStatistic).toBe(0);
    expect(fit.jDegreesOfFreedom).toBe(0);
    expect(Math.abs(fit.adverseSelection!.value - truth.alpha)).toBeLessThan(
      4 * fit.adverseSelection!.stdErr,
    );
  });

  it('two-way model = the special case pi = 1/2: recovers lambda = alpha + beta on uncorrelated trades', () => {
    const t2 = { ...truth, pi: 0.5 };
    let hits = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const { p, q } = simulate(t2, 4000, 500 + seed);
      const fit = huangStoll(p, q, { model: 'two-way', confidence: 0.99 });
      expect(fit.adverseSelection).toBeUndefined();
      const l = fit.adverseSelectionPlusInventory;
      if (l.interval[0] <= 0.5 && 0.5 <= l.interval[1]) hits++;
      expect(fit.adverseSelectionPlusInventory.value + fit.orderProcessing.value).toBeCloseTo(
        1,
        12,
      );
    }
    expect(hits / 100).toBeGreaterThanOrEqual(0.95);
  });

  it('the two-way model on serially correlated trades is rejected by J', () => {
    const { p, q } = simulate(truth, 20000, 7);
    expect(huangStoll(p, q, { model: 'two-way' }).jPValue).toBeLessThan(0.01);
  });

  it('component shares sum to 1 (fast-check over the truth)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.6, noNaN: true }),
        fc.double({ min: 0, max: 0.4, noNaN: true }),
        fc.double({ min: 0.1, max: 0.4, noNaN: true }),
        fc.integer({ min: 1, max: 1e6 }),
        (alpha, beta, pi, seed) => {
          const { p, q } = simulate({ spread: 0.1, alpha, beta, pi }, 800, seed);
          const fit = huangStoll(p, q);
          expect(
            fit.adverseSelection!.value + fit.inventory!.value + fit.orderProcessing.value,
          ).toBeCloseTo(1, 10);
          expect(fit.spread.stdErr).toBeGreaterThan(0);
          expect(fit.jStatistic).toBeGreaterThanOrEqual(0);
          expect(fit.jPValue).toBeGreaterThanOrEqual(0);
          expect(fit.jPValue).toBeLessThanOrEqual(1);
        },
      ),
      fcParams({ numRuns: 40 }),
    );
  });
});

describe('huangStoll: degenerate input gets a ValidationError', () => {
  const { p, q } = simulate(truth, 400, 1);
  const cases: [string, () => unknown][] = [
    ['unequal lengths', () => huangStoll(p, q.subarray(1))],
    ['too few trades', () => huangStoll(p.subarray(0, 20), q.subarray(0, 20))],
    [
      'NaN price',
      () =>
        huangStoll(
          Float64Array.from(p, (v, i) => (i === 9 ? Number.NaN : v)),
          q,
        ),
    ],
    [
      'a sign outside {-1, 0, 1}',
      () =>
        huangStoll(
          p,
          Float64Array.from(q, (v, i) => (i === 3 ? 2 : v)),
        ),
    ],
    ['constant prices', () => huangStoll(new Float64Array(400).fill(100), q)],
    ['constant trade signs (singular design)', () => huangStoll(p, new Float64Array(400).fill(1))],
    [
      'serially uncorrelated signs for the three-way model',
      () => {
        // alternating blocks with exactly zero first-order sign autocovariance
        const s = Float64Array.from({ length: 400 }, (_, i) => [1, 1, -1, -1][i % 4] as number);
        return huangStoll(p, s, { extraLags: 0 });
      },
    ],
    ['confidence out of range', () => huangStoll(p, q, { confidence: 0 })],
  ];
  for (const [name, f] of cases) {
    it(name, () => expectValidationError(f));
  }
});

describe('huangStoll against statsmodels OLS (exactly identified systems, test/fixtures/make_huang_stoll.py)', () => {
  interface Case {
    seed: number;
    price: number[];
    sides: number[];
    twoWay: { spread: number; spreadStdErr: number; lambda: number };
    threeWay: { spread: number; pi: number; alpha: number; lambda: number };
  }
  const fixture = JSON.parse(
    readFileSync(new URL('./fixtures/huang_stoll.json', import.meta.url), 'utf8'),
  ) as { cases: Case[] };
  const tol = { atol: 1e-12, rtol: 1e-9 };
  for (const c of fixture.cases) {
    it(`two-way = OLS of dP on [Q_t, Q_t-1] with Newey-West(1) errors (seed ${c.seed})`, () => {
      const fit = huangStoll(c.price, c.sides, { model: 'two-way', extraLags: 0, hacLags: 1 });
      expectClose(fit.spread.value, c.twoWay.spread, tol, 'S');
      expectClose(fit.spread.stdErr, c.twoWay.spreadStdErr, tol, 'SE(S)');
      expectClose(fit.adverseSelectionPlusInventory.value, c.twoWay.lambda, tol, 'lambda');
    });
    it(`three-way = OLS of eqs. 14 and 16 equation by equation (seed ${c.seed})`, () => {
      const fit = huangStoll(c.price, c.sides, { extraLags: 0 });
      expectClose(fit.spread.value, c.threeWay.spread, tol, 'S');
      expectClose(fit.reversalProbability!.value, c.threeWay.pi, tol, 'pi');
      expectClose(fit.adverseSelection!.value, c.threeWay.alpha, tol, 'alpha');
      expectClose(fit.adverseSelectionPlusInventory.value, c.threeWay.lambda, tol, 'lambda');
    });
  }
});
