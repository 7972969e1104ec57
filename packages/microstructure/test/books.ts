/**
 * Test helpers: random L2 books on a tick grid, optionally corrupted, for property tests.
 */
import type { L2Snapshot } from '@x/core';
import fc from 'fast-check';

export const TICK = 0.01;

/** A book spec on integer ticks. */
export interface BookSpec {
  readonly dt: number;
  readonly bidBest: number;
  readonly spread: number;
  readonly nb: number;
  readonly na: number;
  readonly bidGaps: readonly number[];
  readonly askGaps: readonly number[];
  readonly bidSizes: readonly number[];
  readonly askSizes: readonly number[];
  readonly corrupt: Corruption;
}

type Corruption = 'none' | 'nan' | 'neg' | 'cross' | 'tsback' | 'levels' | 'inf' | 'unsorted';

export function bookSpecArb(levels: number, corruptRate = 0.25): fc.Arbitrary<BookSpec> {
  const arr = (a: fc.Arbitrary<number>) => fc.array(a, { minLength: levels, maxLength: levels });
  const bad: Corruption[] = ['nan', 'neg', 'cross', 'tsback', 'levels', 'inf', 'unsorted'];
  return fc.record({
    dt: fc.integer({ min: 0, max: 50 }),
    bidBest: fc.integer({ min: 9990, max: 10010 }),
    spread: fc.integer({ min: 1, max: 3 }),
    nb: fc.integer({ min: 0, max: levels }),
    na: fc.integer({ min: 0, max: levels }),
    bidGaps: arr(fc.integer({ min: 1, max: 3 })),
    askGaps: arr(fc.integer({ min: 1, max: 3 })),
    bidSizes: arr(fc.integer({ min: 1, max: 20 })),
    askSizes: arr(fc.integer({ min: 1, max: 20 })),
    corrupt: fc
      .double({ min: 0, max: 1, noNaN: true })
      .chain((u) => (u < corruptRate ? fc.constantFrom(...bad) : fc.constant<Corruption>('none'))),
  });
}

/** Builds the books of a stream of specs (each a fresh snapshot). */
export function buildBooks(specs: readonly BookSpec[], levels: number): L2Snapshot[] {
  let ts = 1000;
  return specs.map((s) => {
    ts += s.dt;
    let n = levels;
    if (s.corrupt === 'levels') n = levels + 1;
    const b: L2Snapshot = {
      ts: s.corrupt === 'tsback' ? ts - 100 : ts,
      bidPrice: new Float64Array(n),
      bidSize: new Float64Array(n),
      askPrice: new Float64Array(n),
      askSize: new Float64Array(n),
    };
    let p = s.bidBest;
    for (let i = 0; i < s.nb; i++) {
      if (i > 0) p -= s.bidGaps[i]!;
      b.bidPrice[i] = Math.round(p) * TICK;
      b.bidSize[i] = s.bidSizes[i]!;
    }
    p = s.bidBest + s.spread;
    for (let i = 0; i < s.na; i++) {
      if (i > 0) p += s.askGaps[i]!;
      b.askPrice[i] = Math.round(p) * TICK;
      b.askSize[i] = s.askSizes[i]!;
    }
    switch (s.corrupt) {
      case 'nan':
        b.bidSize[0] = Number.NaN;
        break;
      case 'inf':
        b.askPrice[0] = Number.POSITIVE_INFINITY;
        b.askSize[0] = 1;
        break;
      case 'neg':
        b.askSize[levels - 1] = -1;
        break;
      case 'cross':
        b.bidPrice[0] = (s.bidBest + 10) * TICK;
        b.bidSize[0] = 1;
        b.askPrice[0] = s.bidBest * TICK;
        b.askSize[0] = 1;
        for (let i = 1; i < levels; i++) {
          b.bidSize[i] = 0;
          b.askSize[i] = 0;
        }
        break;
      case 'unsorted':
        b.bidPrice[0] = 50;
        b.bidPrice[1] = 60;
        b.bidSize[0] = 1;
        b.bidSize[1] = 1;
        break;
      default:
        break;
    }
    return b;
  });
}

/** Packs books of equal length into flat rows (books of another length make the shape invalid, so callers filter). */
export function toRows(books: readonly L2Snapshot[], levels: number) {
  const r = books.length;
  const out = {
    rows: r,
    levels,
    ts: new Float64Array(r),
    bidPrice: new Float64Array(r * levels),
    bidSize: new Float64Array(r * levels),
    askPrice: new Float64Array(r * levels),
    askSize: new Float64Array(r * levels),
  };
  books.forEach((b, i) => {
    out.ts[i] = b.ts;
    out.bidPrice.set(b.bidPrice.subarray(0, levels), i * levels);
    out.bidSize.set(b.bidSize.subarray(0, levels), i * levels);
    out.askPrice.set(b.askPrice.subarray(0, levels), i * levels);
    out.askSize.set(b.askSize.subarray(0, levels), i * levels);
  });
  return out;
}

/** A book from plain arrays. */
export function book(
  ts: number,
  bids: readonly (readonly [number, number])[],
  asks: readonly (readonly [number, number])[],
  levels: number,
): L2Snapshot {
  const b: L2Snapshot = {
    ts,
    bidPrice: new Float64Array(levels),
    bidSize: new Float64Array(levels),
    askPrice: new Float64Array(levels),
    askSize: new Float64Array(levels),
  };
  bids.forEach(([p, q], i) => {
    b.bidPrice[i] = p;
    b.bidSize[i] = q;
  });
  asks.forEach(([p, q], i) => {
    b.askPrice[i] = p;
    b.askSize[i] = q;
  });
  return b;
}
