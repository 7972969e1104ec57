import { ValidationError } from '@x/core';
import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CombinatorialPurgedKFold } from '../../src/cv/combinatorial.js';
import { PurgedKFold } from '../../src/cv/purged.js';
import type { Split } from '../../src/cv/split.js';
import { fixture } from '../fixtures/index.js';
import { asLists, expectDisjointTests, expectWellFormed } from './helpers.js';

interface Fx {
  purged: {
    labels: string;
    t0: number[];
    t1: number[];
    nSplits: number;
    pctEmbargo: number;
    splits: number[][][];
  }[];
  cpcv: {
    labels: string;
    t0: number[];
    t1: number[];
    nGroups: number;
    nTestGroups: number;
    pctEmbargo: number;
    splits: { groups: number[]; train: number[]; test: number[] }[];
  }[];
}
const fx = fixture<Fx>('splits.json');

/** No train row's label interval meets a test block's [start, end + embargo] (closed). */
function expectPurged(s: Split, t0: number[], t1: number[], h: number): void {
  const n = t0.length;
  // contiguous test blocks
  const blocks: [number, number][] = [];
  for (let i = 0; i < s.test.length; i++) {
    if (i === 0 || s.test[i] !== s.test[i - 1]! + 1) blocks.push([s.test[i]!, s.test[i]! + 1]);
    else blocks.at(-1)![1]++;
  }
  for (const [a, b] of blocks) {
    const start = t0[a]!;
    let end = Math.max(...t1.slice(a, b));
    const next = t0.findIndex((t) => t > end);
    if (h > 0 && next >= 0) end = t0[Math.min(n - 1, next + h - 1)]!;
    for (const r of s.train) expect(t1[r]! >= start && t0[r]! <= end).toBe(false);
  }
}

const labelTimes = fc
  .record({
    n: fc.integer({ min: 12, max: 60 }),
    steps: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 60, maxLength: 60 }),
    spans: fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 60, maxLength: 60 }),
  })
  .map(({ n, steps, spans }) => {
    const t0: number[] = [];
    let t = 0;
    for (let i = 0; i < n; i++) {
      t += steps[i]!;
      t0.push(t);
    }
    return { t0, t1: t0.map((v, i) => v + spans[i]!) };
  });

describe('PurgedKFold', () => {
  it.each(fx.purged.map((c) => [c.labels, c.t0.length, c.nSplits, c.pctEmbargo, c] as const))(
    '%s n=%i nSplits=%i pctEmbargo=%f equals the AFML 7.1/7.2 reference',
    (_l, _n, _k, _p, c) => {
      const cv = new PurgedKFold({
        nSplits: c.nSplits,
        t0: c.t0,
        t1: c.t1,
        pctEmbargo: c.pctEmbargo,
      });
      expect(asLists(cv.split({ nSamples: c.t0.length }))).toEqual(c.splits);
    },
  );

  it('purged train sets hold no row overlapping a test interval or its embargo (property)', () => {
    fc.assert(
      fc.property(
        labelTimes,
        fc.integer({ min: 2, max: 6 }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        ({ t0, t1 }, k, pct) => {
          const splits = new PurgedKFold({ nSplits: k, t0, t1, pctEmbargo: pct }).split({
            nSamples: t0.length,
          });
          expectWellFormed(splits, t0.length);
          expectDisjointTests(splits, t0.length, true);
          for (const s of splits) expectPurged(s, t0, t1, Math.floor(t0.length * pct));
        },
      ),
      fcParams(),
    );
  });

  it('purges a label ending exactly at the test start (closed-interval boundary rule)', () => {
    // row 4's label ends at t=5, the start of the second test block
    const t1 = [0, 1, 2, 3, 5, 5, 6, 7, 8, 9];
    const [, second] = new PurgedKFold({ nSplits: 2, t1 }).split({ nSamples: 10 });
    expect(Array.from(second!.train)).toEqual([0, 1, 2, 3]);
  });

  it('throws typed errors: unsorted times, t1 before t0, wrong length, too few rows', () => {
    expect(() => new PurgedKFold({ t0: [0, 2, 1], t1: [3, 3, 3], nSplits: 2 })).toThrow(/sorted/);
    expect(() => new PurgedKFold({ t0: [0, 1, 2], t1: [0, 0, 2], nSplits: 2 })).toThrow(
      ValidationError,
    );
    expect(() => new PurgedKFold({ t1: [0, 1], nSplits: 3 })).toThrow(ValidationError);
    expect(() => new PurgedKFold({ t1: [0, Number.NaN, 2], nSplits: 2 })).toThrow(ValidationError);
    expect(() => new PurgedKFold({ t1: [0, 1, 2], pctEmbargo: 1 })).toThrow(ValidationError);
    expect(() => new PurgedKFold({ t1: [0, 1, 2], nSplits: 2 }).split({ nSamples: 4 })).toThrow(
      ValidationError,
    );
  });
});

describe('CombinatorialPurgedKFold', () => {
  it.each(
    fx.cpcv.map((c) => [c.labels, c.t0.length, c.nGroups, c.nTestGroups, c.pctEmbargo, c] as const),
  )('%s n=%i N=%i k=%i pctEmbargo=%f equals the AFML reference', (_l, _n, _N, _k, _p, c) => {
    const cv = new CombinatorialPurgedKFold({ ...c });
    const got = cv.split({ nSamples: c.t0.length });
    expect(
      got.map((s) => ({
        groups: Array.from(s.groups),
        train: Array.from(s.train),
        test: Array.from(s.test),
      })),
    ).toEqual(c.splits);
  });

  it('builds C(N-1, k-1) paths that each cover every group once with every split used once (property)', () => {
    fc.assert(
      fc.property(
        labelTimes,
        fc.integer({ min: 3, max: 7 }),
        fc.integer({ min: 1, max: 3 }),
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        ({ t0, t1 }, N, k, pct) => {
          if (k >= N) return;
          const cv = new CombinatorialPurgedKFold({
            nGroups: N,
            nTestGroups: k,
            t0,
            t1,
            pctEmbargo: pct,
          });
          const splits = cv.split({ nSamples: t0.length });
          expectWellFormed(splits, t0.length);
          for (const s of splits) expectPurged(s, t0, t1, Math.floor(t0.length * pct));
          const paths = cv.paths();
          expect(paths).toHaveLength(cv.nPaths);
          const used = new Map<string, number>();
          for (const p of paths) {
            for (let g = 0; g < N; g++) {
              expect(Array.from(splits[p[g]!]!.groups)).toContain(g);
              const key = `${p[g]}:${g}`;
              used.set(key, (used.get(key) ?? 0) + 1);
            }
          }
          expect(used.size).toBe(splits.length * k);
          for (const v of used.values()) expect(v).toBe(1);
        },
      ),
      fcParams(),
    );
  });

  it('counts splits and paths as the book: N=6, k=2 gives 15 splits and 5 paths', () => {
    const cv = new CombinatorialPurgedKFold({ t1: Array.from({ length: 30 }, (_, i) => i) });
    expect([cv.nSplits, cv.nPaths]).toEqual([15, 5]);
  });

  it('throws typed errors on k >= N and too few rows', () => {
    expect(
      () => new CombinatorialPurgedKFold({ t1: [0, 1, 2, 3], nGroups: 3, nTestGroups: 3 }),
    ).toThrow(ValidationError);
    expect(() => new CombinatorialPurgedKFold({ t1: [0, 1, 2], nGroups: 4 })).toThrow(
      ValidationError,
    );
  });
});
