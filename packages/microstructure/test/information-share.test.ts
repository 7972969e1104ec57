import { expectArraysClose, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { informationShare } from '../src/index.js';
import { expectValidationError } from './expect-validation.js';
import { simulateVecm, type VecmTruth } from './vecm-sim.js';

/**
 * Closed-form bounds for two venues from the simulation's parameters: α⊥ = (α_2, −α_1), and
 * with Ω's standard deviations σ_i and correlation ρ, a venue's share is
 * (ψ_i σ_i + ψ_j ρ σ_j)² / ψΩψ' when it is ordered first and ψ_i² σ_i² (1 − ρ²) / ψΩψ' when second.
 */
function twoVenueTruth(a1: number, a2: number, s1: number, s2: number, rho: number) {
  const psi = [a2, -a1];
  const total =
    psi[0]! ** 2 * s1 ** 2 + psi[1]! ** 2 * s2 ** 2 + 2 * psi[0]! * psi[1]! * rho * s1 * s2;
  const first = (i: number) => {
    const [si, sj] = i === 0 ? [s1, s2] : [s2, s1];
    return (psi[i]! * si + psi[1 - i]! * rho * sj) ** 2 / total;
  };
  const second = (i: number) => (psi[i]! ** 2 * (i === 0 ? s1 : s2) ** 2 * (1 - rho ** 2)) / total;
  const lower = [Math.min(first(0), second(0)), Math.min(first(1), second(1))];
  const upper = [Math.max(first(0), second(0)), Math.max(first(1), second(1))];
  return { lower, upper, component: [a2 / (a2 - a1), -a1 / (a2 - a1)] };
}

function truthOf(a1: number, a2: number, s1: number, s2: number, rho: number): VecmTruth {
  return {
    alpha: [a1, a2],
    chol: [s1, 0, rho * s2, s2 * Math.sqrt(1 - rho * rho)],
    gamma: [0.1, 0.05, -0.05, 0.1],
    lags: 1,
  };
}

describe('informationShare: parameter recovery on two venues sharing an efficient price', () => {
  const [a1, a2, s1, s2, rho] = [-0.15, 0.35, 0.04, 0.05, 0.4];
  const closed = twoVenueTruth(a1, a2, s1, s2, rho);

  it('the closed form is what it should be (bounds ordered, component shares 0.7 / 0.3)', () => {
    expectArraysClose(closed.component, [0.7, 0.3], { atol: 1e-12 });
    for (let i = 0; i < 2; i++) expect(closed.lower[i]).toBeLessThan(closed.upper[i]!);
  });

  it('bounds and component shares fall in their 99% intervals in >= 95% of 200 seeds, 95% intervals in 90-99.5%', () => {
    const reps = 200;
    const hit99 = new Array<number>(6).fill(0);
    const hit95 = new Array<number>(6).fill(0);
    for (let seed = 1; seed <= reps; seed++) {
      const y = simulateVecm(truthOf(a1, a2, s1, s2, rho), 3000, seed);
      const is = informationShare(y, { lags: 1, confidence: 0.99 });
      const est = [...is.lower, ...is.upper, ...is.componentShare];
      const se = [...is.lowerStdErr, ...is.upperStdErr, ...is.componentShareStdErr];
      const truth = [...closed.lower, ...closed.upper, ...closed.component];
      for (let j = 0; j < 6; j++) {
        const z = Math.abs(est[j]! - truth[j]!) / se[j]!;
        if (z <= 2.5758) hit99[j]!++;
        if (z <= 1.96) hit95[j]!++;
      }
      // the reported interval is the same z-interval (clipped to [0, 1])
      expect(is.lowerInterval[0]![0]).toBeCloseTo(
        Math.max(0, is.lower[0]! - 2.5758 * is.lowerStdErr[0]!),
        3,
      );
    }
    for (let j = 0; j < 6; j++) {
      expect(hit99[j]! / reps, `99% coverage of output ${j}`).toBeGreaterThanOrEqual(0.95);
      expect(hit95[j]! / reps, `95% coverage of output ${j}`).toBeGreaterThanOrEqual(0.9);
      expect(hit95[j]! / reps, `95% coverage of output ${j}`).toBeLessThanOrEqual(0.995);
    }
  });

  it('three venues: bounds from all 6 orderings recover the truth within 99% intervals in >= 95% of 100 seeds', () => {
    // α (3 × 2) against venue 0; α⊥ is the cross product of α's columns
    const alpha = [-0.1, -0.05, 0.3, 0.05, 0.1, 0.35];
    const chol = [0.04, 0, 0, 0.01, 0.05, 0, 0.02, 0.01, 0.03];
    const col = (j: number) => [alpha[j]!, alpha[2 + j]!, alpha[4 + j]!];
    const [u, v] = [col(0), col(1)];
    const perp = [
      u[1]! * v[2]! - u[2]! * v[1]!,
      u[2]! * v[0]! - u[0]! * v[2]!,
      u[0]! * v[1]! - u[1]! * v[0]!,
    ];
    const omega = (i: number, j: number) =>
      [0, 1, 2].reduce((s, m) => s + chol[i * 3 + m]! * chol[j * 3 + m]!, 0);
    // brute force over the 6 orderings with a hand-written 3×3 Cholesky
    const lower = [1, 1, 1];
    const upper = [0, 0, 0];
    for (const o of [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ]) {
      const w = (i: number, j: number) => omega(o[i]!, o[j]!);
      const l00 = Math.sqrt(w(0, 0));
      const l10 = w(1, 0) / l00;
      const l20 = w(2, 0) / l00;
      const l11 = Math.sqrt(w(1, 1) - l10 * l10);
      const l21 = (w(2, 1) - l20 * l10) / l11;
      const l22 = Math.sqrt(w(2, 2) - l20 * l20 - l21 * l21);
      const p = o.map((i) => perp[i]!);
      const c = [p[0]! * l00 + p[1]! * l10 + p[2]! * l20, p[1]! * l11 + p[2]! * l21, p[2]! * l22];
      const tot = c[0]! ** 2 + c[1]! ** 2 + c[2]! ** 2;
      o.forEach((venue, j) => {
        lower[venue] = Math.min(lower[venue]!, c[j]! ** 2 / tot);
        upper[venue] = Math.max(upper[venue]!, c[j]! ** 2 / tot);
      });
    }
    const reps = 100;
    let hits = 0;
    let total = 0;
    for (let seed = 1; seed <= reps; seed++) {
      const y = simulateVecm({ alpha, chol }, 4000, 1000 + seed);
      const is = informationShare(y, { lags: 0, confidence: 0.99 });
      for (let i = 0; i < 3; i++) {
        total += 2;
        if (is.lowerInterval[i]![0] <= lower[i]! && lower[i]! <= is.lowerInterval[i]![1]) hits++;
        if (is.upperInterval[i]![0] <= upper[i]! && upper[i]! <= is.upperInterval[i]![1]) hits++;
      }
    }
    expect(hits / total).toBeGreaterThanOrEqual(0.95);
  });
});

describe('informationShare: long-run impact and Johansen mode', () => {
  const [a1, a2, s1, s2, rho] = [-0.15, 0.35, 0.04, 0.05, 0.4];
  const y = simulateVecm(truthOf(a1, a2, s1, s2, rho), 100_000, 42);

  it('psi and the efficient-price variance use Gamma(1) = I - Gamma_1: psi = alpha_perp / (alpha_perp Gamma(1) iota)', () => {
    const g = [0.1, 0.05, -0.05, 0.1];
    const perp = [a2, -a1];
    const gamma1 = [1 - g[0]!, -g[1]!, -g[2]!, 1 - g[3]!];
    const den = perp[0]! * (gamma1[0]! + gamma1[1]!) + perp[1]! * (gamma1[2]! + gamma1[3]!);
    const psi = perp.map((x) => x / den);
    const omega = [s1 * s1, rho * s1 * s2, rho * s1 * s2, s2 * s2];
    const variance =
      psi[0]! ** 2 * omega[0]! + 2 * psi[0]! * psi[1]! * omega[1]! + psi[1]! ** 2 * omega[3]!;
    const is = informationShare(y, { lags: 1 });
    expectArraysClose(is.psi, psi, { rtol: 0.05 }, 'psi');
    expect(Math.abs(is.efficientVariance / variance - 1)).toBeLessThan(0.03);
  });

  it('Johansen-estimated beta gives the same shares as the known beta to within their errors', () => {
    const known = informationShare(y, { lags: 1 });
    const jo = informationShare(y, { lags: 1, cointegration: 'johansen' });
    for (let i = 0; i < 2; i++) {
      expect(Math.abs(jo.lower[i]! - known.lower[i]!)).toBeLessThan(known.lowerStdErr[i]!);
      expect(Math.abs(jo.upper[i]! - known.upper[i]!)).toBeLessThan(known.upperStdErr[i]!);
    }
    expect(Math.abs(jo.vecm.beta[1]! + 1)).toBeLessThan(1e-3);
  });
});

describe('informationShare: invariants (fast-check)', () => {
  it('shares in [0, 1], lower <= upper, sum(lower) <= 1 <= sum(upper), component shares sum to 1', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 3 }),
        fc.array(fc.double({ min: 0.05, max: 0.4, noNaN: true }), { minLength: 6, maxLength: 6 }),
        fc.array(fc.double({ min: -0.8, max: 0.8, noNaN: true }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (k, speeds, corr, seed) => {
          // venue 0 moves towards the others by −speed; venue j towards venue 0 by +speed
          const alpha =
            k === 2
              ? [-speeds[0]!, speeds[1]!]
              : [-speeds[0]!, -speeds[1]!, speeds[2]!, 0, 0, speeds[3]!];
          const chol =
            k === 2
              ? [0.03, 0, corr[0]! * 0.04, 0.04 * Math.sqrt(1 - corr[0]! ** 2)]
              : [0.03, 0, 0, corr[0]! * 0.03, 0.03, 0, corr[1]! * 0.02, corr[2]! * 0.02, 0.03];
          const is = informationShare(simulateVecm({ alpha, chol }, 600, seed), {
            lags: 1,
            cointegrationTest: false,
          });
          let lo = 0;
          let hi = 0;
          let cs = 0;
          for (let i = 0; i < k; i++) {
            expect(is.lower[i]).toBeGreaterThanOrEqual(0);
            expect(is.upper[i]).toBeLessThanOrEqual(1);
            expect(is.lower[i]).toBeLessThanOrEqual(is.upper[i]! + 1e-15);
            expect(is.lowerInterval[i]![0]).toBeLessThanOrEqual(is.lowerInterval[i]![1]);
            lo += is.lower[i]!;
            hi += is.upper[i]!;
            cs += is.componentShare[i]!;
          }
          expect(lo).toBeLessThanOrEqual(1 + 1e-12);
          expect(hi).toBeGreaterThanOrEqual(1 - 1e-12);
          expect(cs).toBeCloseTo(1, 10);
        },
      ),
      fcParams({ numRuns: 40 }),
    );
  });
});

describe('informationShare and fitVecm: degenerate input gets a ValidationError', () => {
  const good = simulateVecm(truthOf(-0.15, 0.35, 0.04, 0.05, 0.4), 500, 7);
  const cases: [string, () => unknown][] = [
    ['one venue', () => informationShare([good[0]!])],
    ['unequal lengths', () => informationShare([good[0]!, good[1]!.subarray(1)])],
    [
      'too few observations',
      () => informationShare([good[0]!.subarray(0, 8), good[1]!.subarray(0, 8)]),
    ],
    [
      'NaN price',
      () =>
        informationShare([
          good[0]!,
          Float64Array.from(good[1]!, (v, i) => (i === 50 ? Number.NaN : v)),
        ]),
    ],
    [
      'a venue that never moves',
      () => informationShare([good[0]!, new Float64Array(500).fill(100)]),
    ],
    ['identical venues (singular design)', () => informationShare([good[0]!, good[0]!])],
    ['confidence out of range', () => informationShare(good, { confidence: 1 })],
    ['negative lags', () => informationShare(good, { lags: -1 })],
    [
      'two independent random walks (not cointegrated)',
      () => informationShare(simulateVecm({ alpha: [0, 0], chol: [0.04, 0, 0, 0.05] }, 2000, 3)),
    ],
  ];
  for (const [name, f] of cases) {
    it(name, () => expectValidationError(f));
  }
});
