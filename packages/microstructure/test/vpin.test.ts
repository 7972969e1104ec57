import { Rng, ValidationError } from '@x/core';
import { expectArraysClose, expectClose, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VpinStream, vpin } from '../src/index.js';

describe('VPIN buckets', () => {
  it('splits a straddling observation and spills the excess into the next buckets (tick rule)', () => {
    // V = 10. obs1 (no tick yet): 2 buy / 2 sell; obs2 up-tick 8 buys: 6 close bucket 1
    // (|8 − 2| / 10 = 0.6), 2 spill; obs3 down-tick 25 sells: 8 close bucket 2 (0.6), 10 fill
    // bucket 3 (1), 7 spill; obs4 zero tick (sell as before) 3: bucket 4 (1).
    const s = vpin([100, 101, 100, 100], [4, 8, 25, 3], {
      bucketVolume: 10,
      window: 2,
      classification: 'tick',
    });
    expect(s.buckets).toBe(4);
    expectArraysClose(s.bucketImbalance, [0.6, 0.6, 1, 1], { atol: 1e-15 });
    expect(Array.from(s.bucketEnd)).toEqual([1, 2, 2, 3]);
    expectArraysClose(s.vpin, [0.6, 0.8, 1], { atol: 1e-15 });
  });

  it('bulk classification: V_B = V·Φ(ΔP/σ) and the Student-t variant', () => {
    const n = new VpinStream({ bucketVolume: 100, window: 1, sigma: 0.5 });
    n.update(10, 0);
    n.update(10.5, 100); // ΔP/σ = 1: buys Φ(1)·100
    const phi1 = 0.8413447460685429;
    expectClose(n.vpin as number, Math.abs(2 * phi1 - 1), { rtol: 1e-13 });
    const t = new VpinStream({
      bucketVolume: 100,
      window: 1,
      sigma: 0.5,
      classification: 'bvc-t',
      df: 3,
    });
    t.update(10, 0);
    t.update(10.5, 100);
    const t3 = 0.8044988905221148; // scipy.stats.t.cdf(1, 3)
    expectClose(t.vpin as number, Math.abs(2 * t3 - 1), { rtol: 1e-12 });
  });

  it('the batch equals the stream when σ is given, and uses the full-sample σ otherwise', () => {
    const rng = Rng.fromSeed(3);
    const price: number[] = [];
    const volume: number[] = [];
    let p = 50;
    for (let i = 0; i < 5000; i++) {
      p += rng.normal(0, 0.02);
      price.push(p);
      volume.push(1 + rng.int(0, 40));
    }
    const opts = { bucketVolume: 300, window: 25, sigma: 0.02 } as const;
    const batch = vpin(price, volume, opts);
    const st = new VpinStream(opts);
    const values: number[] = [];
    let seen = 0;
    for (let i = 0; i < price.length; i++) {
      st.update(price[i]!, volume[i]!);
      if (st.buckets > seen && st.vpin !== undefined) values.push(st.vpin);
      seen = st.buckets;
    }
    // the stream exposes only the last VPIN per observation; every bucket here closes alone
    expect(batch.vpin.length).toBe(values.length);
    expectArraysClose(batch.vpin, values, { atol: 1e-15 });
    const auto = vpin(price, volume, { bucketVolume: 300, window: 25 });
    expect(auto.sigma).toBeGreaterThan(0.018);
    expect(auto.sigma).toBeLessThan(0.022);
  });

  it('CDF of VPIN and toxicity alerts', () => {
    const st = new VpinStream({
      bucketVolume: 10,
      window: 5,
      classification: 'tick',
      cdfBins: 100,
    });
    expect(st.cdf()).toBeUndefined();
    expect(st.toxic()).toBe(false);
    let p = 100;
    const rng = Rng.fromSeed(8);
    for (let i = 0; i < 4000; i++) {
      p += rng.bernoulli(0.5) ? 0.01 : -0.01;
      st.update(p, 3);
    }
    // a one-sided run
    for (let i = 0; i < 60; i++) {
      p += 0.01;
      st.update(p, 3);
    }
    expect(st.vpin).toBe(1);
    expect(st.cdf(1)).toBe(1);
    expect(st.cdf(0)).toBeLessThan(0.05);
    expect(st.toxic(0.9)).toBe(true);
    const c = [0.1, 0.3, 0.5, 0.7, 0.9].map((v) => st.cdf(v) as number);
    for (let i = 1; i < c.length; i++) expect(c[i]).toBeGreaterThanOrEqual(c[i - 1]!);
  });
});

describe('VPIN is in [0, 1] by construction (adversarial input)', () => {
  it('every VPIN and bucket imbalance is finite and in [0, 1], and volume is conserved', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.oneof(
              fc.double({ min: -1e300, max: 1e300, noNaN: true }),
              fc.constantFrom(0, 1, 1 + 2 ** -52, -5e-324, 5e-324),
            ),
            // volume as a multiple of V (up to 50 buckets at once), plus denormal and tiny ones
            fc.oneof(
              fc.double({ min: 0, max: 50, noNaN: true }),
              fc.constantFrom(0, 5e-324, 1e-300, 1, 1 - 2 ** -53),
            ),
          ),
          { minLength: 1, maxLength: 300 },
        ),
        fc.double({ min: 1e-200, max: 1e200, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        fc.constantFrom('bvc-normal', 'bvc-t', 'tick') as fc.Arbitrary<
          'bvc-normal' | 'bvc-t' | 'tick'
        >,
        (obs, V, window, classification) => {
          const st = new VpinStream({ bucketVolume: V, window, classification });
          let total = 0;
          for (const [p, m] of obs) {
            const q = m * V;
            st.update(p, q);
            total += q;
            const v = st.vpin;
            if (v !== undefined) {
              expect(v).toBeGreaterThanOrEqual(0);
              expect(v).toBeLessThanOrEqual(1);
            }
            const oi = st.lastBucketImbalance;
            if (oi !== undefined) {
              expect(oi).toBeGreaterThanOrEqual(0);
              expect(oi).toBeLessThanOrEqual(1);
            }
          }
          expect(st.buckets).toBeLessThanOrEqual(Math.floor((total / V) * (1 + 1e-9)) + 1);
          expect(st.buckets).toBeGreaterThanOrEqual(Math.floor((total / V) * (1 - 1e-9)) - 1);
        },
      ),
      fcParams(),
    );
  });
});

/**
 * Trades of a day with an information event: with probability `informed` a trade is an informed
 * buy (the event is good news), otherwise a noise trade of random side; each trade moves the
 * price by its side times a tick plus noise.
 */
function tape(seed: number, informed: number, n: number) {
  const rng = Rng.fromSeed(seed);
  const price = new Float64Array(n);
  const volume = new Float64Array(n);
  let p = 100;
  for (let i = 0; i < n; i++) {
    const side = rng.float() < informed ? 1 : rng.bernoulli(0.5) ? 1 : -1;
    p += 0.01 * side + rng.normal(0, 0.005);
    price[i] = p;
    volume[i] = 1 + rng.int(0, 9);
  }
  return { price, volume };
}

describe('VPIN rises with the share of informed trades', () => {
  it('mean VPIN is increasing in the informed share, under all three classifications', () => {
    for (const classification of ['bvc-normal', 'bvc-t', 'tick'] as const) {
      const means = [0, 0.1, 0.2, 0.4].map((share) => {
        const { price, volume } = tape(42, share, 20_000);
        const s = vpin(price, volume, { bucketVolume: 200, window: 20, classification });
        return s.vpin.reduce((a, b) => a + b, 0) / s.vpin.length;
      });
      for (let i = 1; i < means.length; i++) expect(means[i]).toBeGreaterThan(means[i - 1]!);
    }
  });
});

describe('VPIN errors and onInvalid', () => {
  it('rejects bad options and inputs with ValidationError', () => {
    expect(() => new VpinStream({ bucketVolume: 0, window: 5 })).toThrow(/bucketVolume/);
    expect(() => new VpinStream({ bucketVolume: 1, window: 0 })).toThrow(/window/);
    expect(
      () => new VpinStream({ bucketVolume: 1, window: 2, classification: 'lee' as 'tick' }),
    ).toThrow(/classification/);
    expect(() => new VpinStream({ bucketVolume: 1, window: 2, df: -1 })).toThrow(/df/);
    const st = new VpinStream({ bucketVolume: 1, window: 2 });
    expect(() => st.update(Number.NaN, 1)).toThrow(/price must be finite/);
    expect(() => st.update(1, -1)).toThrow(/unsigned/);
    expect(() => st.update(1, 1e9)).toThrow(/wrong unit/);
    expect(() => vpin([1, 2], [1], { bucketVolume: 1, window: 1 })).toThrow(/equal lengths/);
    expect(() => vpin([1], [1], { bucketVolume: 1, window: 1 })).toThrow(/at least 2/);
    expect(() => vpin([1, 1, 1], [1, 1, 1], { bucketVolume: 1, window: 1 })).toThrow(
      /never change/,
    );
    expect(() => vpin([1, Number.NaN], [1, 1], { bucketVolume: 1, window: 1 })).toThrow(
      ValidationError,
    );
  });

  it("'skip' counts an invalid observation and leaves the state unchanged", () => {
    const st = new VpinStream({
      bucketVolume: 5,
      window: 1,
      classification: 'tick',
      onInvalid: 'skip',
    });
    st.update(10, 3);
    expect(st.update(Number.NaN, 3)).toBe(false);
    expect(st.update(11, Number.NaN)).toBe(false);
    expect(st.skipped).toBe(2);
    st.update(11, 2);
    expect(st.buckets).toBe(1);
    expectClose(st.vpin as number, Math.abs(1.5 + 2 - 1.5) / 5, { atol: 1e-15 });
  });
});
