import { ValidationError } from '@x/core';
import { expectClose, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BookFeatures, depthImbalance, depthImbalanceBatch } from '../src/index.js';
import { book, bookSpecArb, buildBooks, TICK, toRows } from './books.js';

const b = book(
  0,
  [
    [100, 30],
    [99.99, 10],
    [99.97, 20],
  ],
  [
    [100.02, 10],
    [100.03, 50],
  ],
  5,
);

describe('depth imbalance', () => {
  it('hand-computed: top, k levels, decay and explicit weights', () => {
    expectClose(depthImbalance(b, { levels: 1 }), (30 - 10) / 40);
    expectClose(depthImbalance(b, { levels: 3 }), (60 - 60) / 120);
    const w = [1, Math.exp(-1), Math.exp(-2)];
    const bid = 30 * w[0]! + 10 * w[1]! + 20 * w[2]!;
    const ask = 10 * w[0]! + 50 * w[1]!;
    expectClose(depthImbalance(b, { levels: 3, decay: 1 }), (bid - ask) / (bid + ask), {
      atol: 1e-15,
    });
    expectClose(depthImbalance(b, { weights: [1, 0] }), (30 - 10) / 40);
    expect(depthImbalance(book(0, [[100, 3]], [], 2), { levels: 2 })).toBe(1);
    expect(depthImbalance(book(0, [], [], 2))).toBe(0);
    expect(() => depthImbalance(b, { decay: -1 })).toThrow(ValidationError);
  });

  it('hand-computed decay by price distance from the side best', () => {
    // bids 100 (30), 99.99 (10, 1 tick away), 99.97 (20, 3 ticks); asks 100.02 (10), 100.03 (50, 1 tick)
    const lam = 0.5;
    const bid = 30 + 10 * Math.exp(-lam) + 20 * Math.exp(-3 * lam);
    const ask = 10 + 50 * Math.exp(-lam);
    expectClose(
      depthImbalance(b, { levels: 3, decayPerTick: lam, tickSize: TICK }),
      (bid - ask) / (bid + ask),
      {
        atol: 1e-9,
      },
    );
    expect(() => depthImbalance(b, { decayPerTick: 1 })).toThrow(/tickSize/);
  });

  it('batch names the row and level of a bad size', () => {
    const rows = toRows([b, b, b], 5);
    rows.askSize[2 * 5 + 3] = Number.NaN;
    try {
      depthImbalanceBatch(rows, { levels: 2 });
      expect.unreachable();
    } catch (e) {
      expect(ValidationError.isInstance(e)).toBe(true);
      expect((e as ValidationError).details).toEqual({ row: 2, level: 3 });
    }
  });

  it('batch names the first bad size wherever it is (blocks of four rows, tail levels, zero weights)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 11 }),
        fc.nat(),
        fc.nat(),
        fc.boolean(),
        fc.constantFrom(Number.NaN, -1, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
        fc.constantFrom(1, 2, 5),
        fc.boolean(),
        (nRows, rowSeed, levelSeed, onAsk, bad, k, zeroWeight) => {
          const rows = toRows(
            Array.from({ length: nRows }, () => b),
            5,
          );
          const row = rowSeed % nRows;
          const level = levelSeed % 5;
          (onAsk ? rows.askSize : rows.bidSize)[row * 5 + level] = bad;
          const weights = Array.from({ length: k }, (_, j) => (zeroWeight && j === level ? 0 : 1));
          try {
            depthImbalanceBatch(rows, { levels: k, weights });
            expect.unreachable();
          } catch (e) {
            expect(ValidationError.isInstance(e)).toBe(true);
            expect((e as ValidationError).details).toEqual({ row, level });
            expect(Object.is((e as ValidationError).value, bad)).toBe(true);
          }
        },
      ),
      fcParams(),
    );
  });

  it('streaming BookFeatures equals the batch imbalance, always in [-1, 1]', () => {
    fc.assert(
      fc.property(
        fc.array(bookSpecArb(4, 0), { maxLength: 40 }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.constantFrom(0, 0.7),
        (specs, decay, decayPerTick) => {
          const books = buildBooks(specs, 4);
          const f = new BookFeatures({ tickSize: TICK, levels: 3, decay, decayPerTick });
          const batch = depthImbalanceBatch(toRows(books, 4), {
            levels: 3,
            decay,
            decayPerTick,
            tickSize: TICK,
          });
          books.forEach((x, i) => {
            f.update(x);
            expect(f.imbalance).toBe(batch[i]);
            expect(Math.abs(f.imbalance)).toBeLessThanOrEqual(1);
          });
        },
      ),
      fcParams(),
    );
  });
});

describe('BookFeatures liquidity', () => {
  it('hand-computed band depth and ratios', () => {
    const f = new BookFeatures({ tickSize: TICK, levels: 2, bandTicks: 2 });
    f.update(b);
    // mid 100.01, band [99.99, 100.03]: bids 30 + 10, asks 10 + 50
    expectClose(f.spread, 0.02, { atol: 1e-12 });
    expectClose(f.mid, 100.01, { atol: 1e-12 });
    expect(f.bandDepth).toBe(100);
    expectClose(f.liquidityRatio, 100 / 0.02, { rtol: 1e-9 });
    expect(f.depthPerSpreadTick).toBe(50);
    expectClose(f.imbalanceTop, 0.5);
    f.update(book(1, [[100, 1]], [], 5));
    expect(f.twoSided).toBe(false);
    expect(f.liquidityRatio).toBe(0);
  });

  it('skips invalid books without NaN', () => {
    fc.assert(
      fc.property(fc.array(bookSpecArb(4, 0.4), { maxLength: 40 }), (specs) => {
        const f = new BookFeatures({
          tickSize: TICK,
          levels: 4,
          decay: 0.5,
          decayPerTick: 0.3,
          onInvalid: 'skip',
        });
        for (const x of buildBooks(specs, 4)) {
          f.update(x);
          for (const v of [
            f.imbalance,
            f.imbalanceTop,
            f.spread,
            f.mid,
            f.bandDepth,
            f.liquidityRatio,
            f.depthPerSpreadTick,
          ]) {
            expect(Number.isFinite(v)).toBe(true);
          }
        }
      }),
      fcParams(),
    );
  });
});

describe('huge finite sizes: one behaviour for streaming and batch', () => {
  it('a book whose total size exceeds 1e300 is refused by both, a large valid one accepted by both', () => {
    for (const [q, ok] of [
      [1e308, false],
      [4e299, false],
      [1e299, true],
    ] as const) {
      const b = book(
        0,
        [
          [100, q],
          [99, q],
        ],
        [
          [101, q],
          [102, 1],
        ],
        2,
      );
      const f = new BookFeatures({ tickSize: 0.01, levels: 2 });
      const rows = toRows([b, b, b, b, b], 2);
      if (ok) {
        expect(f.update(b)).toBe(true);
        const batch = depthImbalanceBatch(rows, { levels: 2 });
        expect(Array.from(batch)).toEqual(new Array(5).fill(f.imbalance));
        expect(Number.isFinite(f.imbalance)).toBe(true);
      } else {
        expect(() => f.update(b)).toThrow(/total (book )?size exceeds 1e/);
        expect(() => depthImbalanceBatch(rows, { levels: 2 })).toThrow(
          /total (book )?size exceeds 1e/,
        );
        const skip = new BookFeatures({ tickSize: 0.01, levels: 2, onInvalid: 'skip' });
        expect(skip.update(b)).toBe(false);
        expect(skip.imbalance).toBe(0);
      }
    }
  });
});
