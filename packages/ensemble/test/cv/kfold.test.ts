import { ValidationError } from '@x/core';
import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KFold } from '../../src/cv/kfold.js';
import { StratifiedKFold } from '../../src/cv/stratified.js';
import { TimeSeriesSplit } from '../../src/cv/timeseries.js';
import { fixture } from '../fixtures/index.js';
import { asLists, expectDisjointTests, expectWellFormed } from './helpers.js';

interface Fx {
  kfold: {
    n: number;
    nSplits: number;
    shuffle: boolean;
    randomState?: number;
    splits: number[][][];
  }[];
  stratified: {
    labels: string;
    y: number[];
    nSplits: number;
    shuffle: boolean;
    small: boolean;
    randomState?: number;
    splits: number[][][];
  }[];
  timeseries: {
    n: number;
    nSplits: number;
    gap: number;
    testSize: number | null;
    maxTrainSize: number | null;
    splits: number[][][];
  }[];
}
const fx = fixture<Fx>('splits.json');

describe('KFold', () => {
  it.each(fx.kfold.map((c) => [c.n, c.nSplits, c.randomState ?? 'none', c] as const))(
    'n=%i nSplits=%i seed=%s equals sklearn 1.2',
    (_n, _k, _s, c) => {
      const opts = c.shuffle
        ? { nSplits: c.nSplits, shuffle: true, randomState: c.randomState! }
        : { nSplits: c.nSplits };
      expect(asLists(new KFold(opts).split({ nSamples: c.n }))).toEqual(c.splits);
    },
  );

  it('partitions the rows into disjoint test folds (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 10 }),
        fc.integer({ min: 0, max: 60 }),
        fc.boolean(),
        fc.nat(),
        (k, extra, shuffle, seed) => {
          const n = k + extra;
          const splits = new KFold({ nSplits: k, shuffle, randomState: seed }).split({
            nSamples: n,
          });
          expect(splits).toHaveLength(k);
          expectWellFormed(splits, n);
          expectDisjointTests(splits, n, true);
          for (const s of splits) expect(s.train.length + s.test.length).toBe(n);
        },
      ),
      fcParams(),
    );
  });

  it('throws typed errors on bad input', () => {
    expect(() => new KFold({ nSplits: 1 })).toThrow(ValidationError);
    expect(() => new KFold({ shuffle: true })).toThrow(/randomState/);
    expect(() => new KFold({ nSplits: 5 }).split({ nSamples: 4 })).toThrow(ValidationError);
  });
});

describe('StratifiedKFold', () => {
  it.each(fx.stratified.map((c) => [c.labels, c.nSplits, c.randomState ?? 'none', c] as const))(
    '%s nSplits=%i seed=%s equals sklearn 1.2',
    (_l, _k, _s, c) => {
      const cv = new StratifiedKFold({
        nSplits: c.nSplits,
        allowSmallClasses: c.small,
        ...(c.shuffle ? { shuffle: true, randomState: c.randomState! } : {}),
      });
      expect(asLists(cv.split({ nSamples: c.y.length, y: c.y }))).toEqual(c.splits);
    },
  );

  it('keeps every class in every test fold within one row of its share (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 20, maxLength: 80 }),
        fc.boolean(),
        fc.nat(),
        (k, y, shuffle, seed) => {
          const counts = new Map<number, number>();
          for (const v of y) counts.set(v, (counts.get(v) ?? 0) + 1);
          if (Math.min(...counts.values()) < k) return;
          const splits = new StratifiedKFold({ nSplits: k, shuffle, randomState: seed }).split({
            nSamples: y.length,
            y,
          });
          expectWellFormed(splits, y.length);
          expectDisjointTests(splits, y.length, true);
          for (const [c, total] of counts) {
            for (const s of splits) {
              const inFold = Array.from(s.test).filter((r) => y[r] === c).length;
              expect(Math.abs(inFold - total / k)).toBeLessThanOrEqual(1);
            }
          }
        },
      ),
      fcParams(),
    );
  });

  it('throws typed errors: missing labels, a class smaller than the folds, too few rows', () => {
    const cv = new StratifiedKFold({ nSplits: 3 });
    expect(() => cv.split({ nSamples: 6 })).toThrow(ValidationError);
    expect(() => cv.split({ nSamples: 7, y: [0, 0, 0, 1, 1, 1, 2] })).toThrow(/only 1 members/);
    expect(() => cv.split({ nSamples: 2, y: [0, 1] })).toThrow(ValidationError);
    expect(() => cv.split({ nSamples: 3, y: [0, Number.NaN, 1] })).toThrow(ValidationError);
  });
});

describe('TimeSeriesSplit', () => {
  it.each(
    fx.timeseries.map(
      (c) => [c.n, c.nSplits, c.gap, c.testSize ?? 'auto', c.maxTrainSize ?? 'all', c] as const,
    ),
  )(
    'n=%i nSplits=%i gap=%i testSize=%s maxTrainSize=%s equals sklearn 1.2',
    (_n, _k, _g, _t, _m, c) => {
      const cv = new TimeSeriesSplit({
        nSplits: c.nSplits,
        gap: c.gap,
        ...(c.testSize === null ? {} : { testSize: c.testSize }),
        ...(c.maxTrainSize === null ? {} : { maxTrainSize: c.maxTrainSize }),
      });
      expect(asLists(cv.split({ nSamples: c.n }))).toEqual(c.splits);
    },
  );

  it('trains only on the past, gap rows before each test block (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 40, max: 80 }),
        (k, gap, n) => {
          const splits = new TimeSeriesSplit({ nSplits: k, gap }).split({ nSamples: n });
          expectWellFormed(splits, n);
          expectDisjointTests(splits, n, false);
          for (const s of splits) expect(s.train.at(-1)! + gap).toBeLessThan(s.test[0]!);
        },
      ),
      fcParams(),
    );
  });

  it('throws typed errors when the rows cannot hold the splits', () => {
    expect(() => new TimeSeriesSplit({ nSplits: 5 }).split({ nSamples: 5 })).toThrow(
      ValidationError,
    );
    expect(() => new TimeSeriesSplit({ nSplits: 3, testSize: 3 }).split({ nSamples: 9 })).toThrow(
      ValidationError,
    );
    expect(() => new TimeSeriesSplit({ gap: -1 })).toThrow(ValidationError);
  });
});
