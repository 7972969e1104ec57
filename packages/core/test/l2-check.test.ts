import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import {
  checkL2Book,
  checkL2Row,
  checkL2Rows,
  L2Check,
  type L2Rows,
  l2CheckError,
  l2CheckMessage,
} from '../src/l2-check.js';
import {
  createL2Snapshot,
  L2_MAX_BOOK_SIZE,
  type L2Snapshot,
  validateL2Snapshot,
} from '../src/market.js';

const special = fc.constantFrom(
  0,
  -0,
  -1,
  1,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1e308,
);
const value = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 12 }) },
  { weight: 1, arbitrary: special },
);

/** Books near validity: sorted sides with a few corruptions, so both outcomes are common. */
const bookArb = fc
  .tuple(
    fc.integer({ min: 1, max: 4 }),
    fc.array(value, { minLength: 16, maxLength: 16 }),
    fc.boolean(),
  )
  .map(([n, v, sorted]) => {
    const b = createL2Snapshot(n);
    for (let i = 0; i < n; i++) {
      b.bidPrice[i] = sorted ? 100 - i - (v[i]! === 7 ? 1 : 0) : 100 - v[i]!;
      b.bidSize[i] = v[4 + i]!;
      b.askPrice[i] = sorted ? 101 + i + v[8 + i]! * 0 : 100 + v[8 + i]!;
      b.askSize[i] = v[12 + i]!;
    }
    return b;
  });

function validates(b: L2Snapshot, allowLocked: boolean): boolean {
  try {
    validateL2Snapshot(b, { allowLocked });
    return true;
  } catch {
    return false;
  }
}

describe('checkL2Book', () => {
  it('accepts exactly the books validateL2Snapshot accepts (property)', () => {
    let valid = 0;
    fc.assert(
      fc.property(bookArb, fc.boolean(), (b, allowLocked) => {
        const code = checkL2Book(b, b.bidPrice.length, allowLocked);
        expect(code === L2Check.ok).toBe(validates(b, allowLocked));
        if (code === L2Check.ok) valid++;
        else {
          const e = l2CheckError(code, b, b.bidPrice.length, allowLocked);
          expect(ValidationError.isInstance(e)).toBe(true);
          expect(e.details.check).toBe(code);
        }
      }),
      fcParams({ numRuns: 3000 }),
    );
    expect(valid).toBeGreaterThan(100); // the generator reaches both outcomes
  });

  it('names each reason', () => {
    const b = createL2Snapshot(2);
    b.bidPrice.set([99, 98]);
    b.bidSize.set([1, 1]);
    b.askPrice.set([101, 102]);
    b.askSize.set([1, 1]);
    expect(checkL2Book(b, 2, false)).toBe(L2Check.ok);
    expect(checkL2Book(b, 3, false)).toBe(L2Check.levels);
    b.bidPrice[1] = 99.5;
    expect(checkL2Book(b, 2, false)).toBe(L2Check.bidSide);
    b.bidPrice[1] = 98;
    b.askSize[0] = Number.NaN;
    expect(checkL2Book(b, 2, false)).toBe(L2Check.askSide);
    b.askSize[0] = 1;
    b.askPrice[0] = 99;
    expect(checkL2Book(b, 2, false)).toBe(L2Check.locked);
    expect(checkL2Book(b, 2, true)).toBe(L2Check.ok);
    b.askPrice[0] = 98.5;
    expect(checkL2Book(b, 2, true)).toBe(L2Check.crossed);
    expect(l2CheckMessage(L2Check.crossed)).toBe('crossed book');
    expect(l2CheckError(L2Check.crossed, b, 2, true).message).toMatch(/crossed book: best bid 99/);
    expect(l2CheckError(L2Check.levels, b, 3, true).field).toBe('levels');
  });

  it('refuses a book whose total size exceeds L2_MAX_BOOK_SIZE, as validateL2Snapshot does', () => {
    const b = createL2Snapshot(2);
    b.bidPrice.set([99, 98]);
    b.askPrice.set([101, 102]);
    // each size finite and the sides valid: only the total breaks the rule
    for (const [q, ok] of [
      [1e308, false],
      [3e299, false],
      [2.5e299, true],
    ] as const) {
      b.bidSize.set([q, q]);
      b.askSize.set([q, q]);
      expect(checkL2Book(b, 2, false)).toBe(ok ? L2Check.ok : L2Check.size);
      expect(validates(b, false)).toBe(ok);
      if (!ok) {
        const e = l2CheckError(L2Check.size, b, 2, false);
        expect(e.field).toBe('size');
        expect(e.message).toMatch(/total size .* exceeds 1e\+300/);
        expect(e.details.maxBookSize).toBe(L2_MAX_BOOK_SIZE);
      }
    }
    expect(l2CheckMessage(L2Check.size)).toBe('total book size exceeds 1e+300');
  });
});

describe('checkL2Row over a flat batch', () => {
  it('gives the same code for each row as checkL2Book on that row (property)', () => {
    fc.assert(
      fc.property(fc.array(bookArb, { minLength: 1, maxLength: 8 }), fc.boolean(), (books, lk) => {
        const n = books[0]!.bidPrice.length;
        const same = books.filter((b) => b.bidPrice.length === n);
        const flat = (f: 'bidPrice' | 'bidSize' | 'askPrice' | 'askSize') => {
          const a = new Float64Array(same.length * n);
          for (let r = 0; r < same.length; r++) a.set(same[r]![f], r * n);
          return a;
        };
        const rows: L2Rows = {
          rows: same.length,
          levels: n,
          bidPrice: flat('bidPrice'),
          bidSize: flat('bidSize'),
          askPrice: flat('askPrice'),
          askSize: flat('askSize'),
        };
        checkL2Rows(rows);
        same.forEach((b, r) => {
          expect(checkL2Row(rows, r, lk)).toBe(checkL2Book(b, n, lk));
        });
      }),
      fcParams({ numRuns: 500 }),
    );
  });

  it('checks the shape of a batch with typed errors', () => {
    const ok = new Float64Array(4);
    const rows = { rows: 2, levels: 2, bidPrice: ok, bidSize: ok, askPrice: ok, askSize: ok };
    expect(() => checkL2Rows(rows)).not.toThrow();
    expect(() => checkL2Rows({ ...rows, rows: 1.5 })).toThrow(/rows must be an integer/);
    expect(() => checkL2Rows({ ...rows, levels: 0 })).toThrow(/levels must be an integer >= 1/);
    expect(() => checkL2Rows({ ...rows, askSize: new Float64Array(3) })).toThrow(/askSize/);
    expect(() => checkL2Rows({ ...rows, ts: new Float64Array(1) })).toThrow(/ts must be/);
  });
});
