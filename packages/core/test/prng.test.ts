import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import { Rng } from '../src/prng.js';
import golden from './fixtures/prng_golden.json' with { type: 'json' };

function draw(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.uint32());
}

describe('Rng', () => {
  it('matches an independent 64-bit reference of splitmix32 seeding + xoroshiro128+', () => {
    // fixtures/make_prng_golden.py reimplements the generator in 64-bit integer arithmetic; a
    // change here breaks every user's reproducibility and needs a major version
    for (const [seed, want] of Object.entries(golden)) {
      expect(draw(Rng.fromSeed(Number(seed)), 8), `seed ${seed}`).toEqual(want.uint32);
      const rng = Rng.fromSeed(Number(seed));
      expect([rng.float(), rng.float(), rng.float(), rng.float()], `seed ${seed}`).toEqual(
        want.float,
      );
    }
  });

  it('reproduces every distribution from a seed (property)', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const a = Rng.fromSeed(seed);
        const b = Rng.fromSeed(seed);
        for (let i = 0; i < 20; i++) {
          expect(a.float()).toBe(b.float());
          expect(a.normal()).toBe(b.normal());
          expect(a.int(-5, 5)).toBe(b.int(-5, 5));
          expect(a.exponential(2)).toBe(b.exponential(2));
          expect(a.poisson(30)).toBe(b.poisson(30));
        }
      }),
      fcParams(),
    );
  });

  it('restores from a saved state and clones exactly', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat(50), (seed, skip) => {
        const rng = Rng.fromSeed(seed);
        draw(rng, skip);
        const saved = rng.state();
        const clone = rng.clone();
        const restored = Rng.fromState(saved);
        const next = draw(rng, 8);
        expect(draw(restored, 8)).toEqual(next);
        expect(draw(clone, 8)).toEqual(next);
      }),
      fcParams(),
    );
  });

  it('split streams are reproducible and do not overlap', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const parent = Rng.fromSeed(seed);
        const c1 = parent.split();
        const c2 = parent.split();
        const p2 = Rng.fromSeed(seed);
        expect(draw(p2.split(), 16)).toEqual(draw(c1.clone(), 16));
        const s1 = new Set(draw(c1, 2000));
        const s2 = draw(c2, 2000);
        const s3 = draw(parent, 2000);
        // 32-bit outputs of independent streams collide about 2000²/2³² ≈ 0.001 times
        expect(s2.filter((x) => s1.has(x)).length).toBeLessThanOrEqual(2);
        expect(s3.filter((x) => s1.has(x)).length).toBeLessThanOrEqual(2);
      }),
      fcParams({ numRuns: 30 }),
    );
  });

  it('split streams are statistically independent: correlation of 100k paired uniforms ≈ 0', () => {
    const parent = Rng.fromSeed(2024);
    const a = parent.split();
    const b = parent.split();
    const n = 100_000;
    let sx = 0;
    let sy = 0;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < n; i++) {
      const x = a.float();
      const y = b.float();
      sx += x;
      sy += y;
      sxy += x * y;
      sxx += x * x;
      syy += y * y;
    }
    const cov = sxy / n - (sx / n) * (sy / n);
    const corr = cov / Math.sqrt((sxx / n - (sx / n) ** 2) * (syy / n - (sy / n) ** 2));
    // sd of the sample correlation is 1/sqrt(n) ≈ 0.0032; 5 sd
    expect(Math.abs(corr)).toBeLessThan(0.016);
  });

  it('nearby seeds give unrelated streams', () => {
    const a = Rng.fromSeed(1).float();
    const b = Rng.fromSeed(2).float();
    expect(Math.abs(a - b)).toBeGreaterThan(1e-6);
  });

  it('distributions have the right moments', () => {
    const rng = Rng.fromSeed(99);
    const n = 200_000;
    const moments = (f: () => number) => {
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const x = f();
        s += x;
        s2 += x * x;
      }
      const m = s / n;
      return [m, s2 / n - m * m] as const;
    };
    const [um, uv] = moments(() => rng.float());
    expect(um).toBeCloseTo(0.5, 2);
    expect(uv).toBeCloseTo(1 / 12, 2);
    const [nm, nv] = moments(() => rng.normal(3, 2));
    expect(Math.abs(nm - 3)).toBeLessThan(5 * Math.sqrt(4 / n));
    expect(Math.abs(nv - 4)).toBeLessThan(0.05);
    const [em, ev] = moments(() => rng.exponential(4));
    expect(Math.abs(em - 0.25)).toBeLessThan(5 * Math.sqrt(1 / 16 / n));
    expect(Math.abs(ev - 1 / 16)).toBeLessThan(0.002);
    for (const lambda of [0.5, 3, 25, 400]) {
      const [pm, pv] = moments(() => rng.poisson(lambda));
      expect(Math.abs(pm - lambda)).toBeLessThan(5 * Math.sqrt(lambda / n));
      expect(Math.abs(pv / lambda - 1)).toBeLessThan(0.03);
    }
  });

  it('int is unbiased over a small range and stays in bounds', () => {
    const rng = Rng.fromSeed(5);
    const counts = new Array(7).fill(0);
    const n = 70_000;
    for (let i = 0; i < n; i++) counts[rng.int(-3, 3) + 3]++;
    // chi-square with 6 dof; 99.9% quantile is 22.46
    const e = n / 7;
    const chi2 = counts.reduce((acc, c) => acc + (c - e) ** 2 / e, 0);
    expect(chi2).toBeLessThan(22.46);
  });

  it('categorical follows its weights', () => {
    const rng = Rng.fromSeed(11);
    const counts = [0, 0, 0];
    const n = 60_000;
    for (let i = 0; i < n; i++) counts[rng.categorical([1, 0, 3])]!++;
    expect(counts[1]).toBe(0);
    expect(Math.abs(counts[0]! / n - 0.25)).toBeLessThan(0.01);
  });

  it('shuffle is a permutation (property)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.integer(), { maxLength: 50 }), (seed, xs) => {
        const shuffled = Rng.fromSeed(seed).shuffle([...xs]);
        expect([...shuffled].sort((a, b) => a - b)).toEqual([...xs].sort((a, b) => a - b));
      }),
      fcParams(),
    );
  });

  it('rejects bad arguments with typed errors', () => {
    expect(() => Rng.fromSeed(1.5)).toThrow(ValidationError);
    expect(() => Rng.fromSeed(Number.NaN)).toThrow(ValidationError);
    expect(() => Rng.fromState([0, 0, 0, 0])).toThrow(ValidationError);
    expect(() => Rng.fromState([1, 2, 3] as never)).toThrow(ValidationError);
    const rng = Rng.fromSeed(1);
    expect(() => rng.int(3, 1)).toThrow(ValidationError);
    expect(() => rng.categorical([0, 0])).toThrow(ValidationError);
    expect(() => rng.categorical([1, -1])).toThrow(ValidationError);
    expect(() => rng.poisson(-1)).toThrow(ValidationError);
  });
});
