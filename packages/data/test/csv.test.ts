import { gzipSync } from 'node:zlib';
import { ValidationError } from '@x/core';
import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { L2BookBuilder, type L2Update, readL2Updates, readTrades } from '../src/index.js';

const buf = (s: string) => [Buffer.from(s)];

describe('readL2Updates', () => {
  it('maps a vendor header, ignores extra columns and converts microseconds', async () => {
    const csv = [
      'exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount',
      'binance,BTCUSDT,1700000000000000,1700000000000100,true,bid,36000.5,1.25',
      'binance,BTCUSDT,1700000000000000,1700000000000100,true,ask,36001,0.5',
      'binance,BTCUSDT,1700000000500000,1700000000500100,false,bid,36000.5,0',
    ].join('\r\n');
    const u = await readL2Updates([gzipSync(csv)], { timeUnit: 'us' }).toArray();
    expect(u).toEqual([
      { ts: 1_700_000_000_000, side: 'buy', price: 36000.5, size: 1.25, snapshot: true },
      { ts: 1_700_000_000_000, side: 'sell', price: 36001, size: 0.5, snapshot: true },
      { ts: 1_700_000_000_500, side: 'buy', price: 36000.5, size: 0, snapshot: false },
    ]);
  });

  it('reads headerless rows in the default order and refuses time going back', async () => {
    const u = await readL2Updates(buf('5,b,10,1,1\n6,s,11,2,0\n')).toArray();
    expect(u.map((x) => [x.side, x.snapshot])).toEqual([
      ['buy', true],
      ['sell', false],
    ]);
    await expect(
      readL2Updates(buf('6,bid,10,1,0\n5,bid,10,1,0\n'), { name: 'l2.csv' }).toArray(),
    ).rejects.toThrow('l2.csv:2:1: timestamp goes back in time');
    await expect(readL2Updates(buf('timestamp,side,size\n1,bid,2\n')).toArray()).rejects.toThrow(
      /header has no price column/,
    );
    await expect(readL2Updates(buf('1,middle,10,1,0\n')).toArray()).rejects.toThrow(
      /side must be one of/,
    );
    await expect(readL2Updates(buf('1,bid,10,-1,0\n')).toArray()).rejects.toThrow(
      /size must be >= 0/,
    );
    await expect(readL2Updates(buf('1,bid,1e400,1,0\n')).toArray()).rejects.toThrow(/out of range/);
  });
});

describe('readTrades', () => {
  it('reads trades with ids and aggressor sides, in seconds', async () => {
    const t = await readTrades(
      buf('time,price,qty,side,trade_id\n1.5,100.25,3,sell,"t-1"\n2,100.5,1,buy,t-2\n'),
      {
        timeUnit: 's',
      },
    ).toArray();
    expect(t).toEqual([
      { ts: 1500, price: 100.25, qty: 3, aggressor: 'sell', tradeId: 't-1' },
      { ts: 2000, price: 100.5, qty: 1, aggressor: 'buy', tradeId: 't-2' },
    ]);
  });

  it('skips and counts malformed rows under the skip policy', async () => {
    const r = readTrades(buf('1,100,1,buy\n2,abc,1,buy\n3,100,0,buy\n4,100,1,buy\n'), {
      onInvalid: 'skip',
    });
    expect((await r.toArray()).map((x) => x.ts)).toEqual([1, 4]);
    expect(r.stats).toMatchObject({ lines: 4, records: 2, skipped: 2 });
    expect(r.stats.firstSkipped?.details).toMatchObject({ line: 2, column: 3 });
    expect(() => readTrades([], { timeUnit: 'min' as 's' })).toThrow(ValidationError);
  });

  it('reads a trade row whatever the numbers look like, or names the line (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            ts: fc.integer({ min: 0, max: 1e12 }),
            price: fc.double({ min: 1e-6, max: 1e9, noNaN: true }),
            qty: fc.double({ min: 1e-9, max: 1e9, noNaN: true }),
            buy: fc.boolean(),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        async (rows) => {
          rows.sort((a, b) => a.ts - b.ts);
          const text = rows
            .map((r) => `${r.ts},${r.price},${r.qty},${r.buy ? 'buy' : 'sell'}`)
            .join('\n');
          const got = await readTrades(buf(text)).toArray();
          expect(got.map((g) => [g.ts, g.price, g.qty, g.aggressor])).toEqual(
            rows.map((r) => [r.ts, r.price, r.qty, r.buy ? 'buy' : 'sell']),
          );
        },
      ),
      fcParams({ numRuns: 200 }),
    );
  });

  it('reads the default layout as the column-mapped path does, values and errors alike (property)', async () => {
    // an extra column named in a header sends rows down the column-mapped path: the default
    // layout's direct path must give the same trades and the same errors at the same columns
    const pick = (xs: string[]) => fc.constantFrom(...xs);
    const row = fc.tuple(
      fc.oneof(fc.integer({ min: 0, max: 50 }).map(String), pick(['', 'x', '-3', '2.5', '1e1'])),
      fc.oneof(
        fc.integer({ min: 1, max: 99_999 }).map((n) => (n / 100).toFixed(2)),
        pick(['0', '-1', ' 7', '1.', '.5', 'abc', '1e2', '1234567890123456']),
      ),
      fc.oneof(fc.integer({ min: 1, max: 500 }).map(String), pick(['0', '0.5', '-2', ''])),
      pick(['buy', 'sell', 'BUY', 'Sell', 'b', 's', ' buy', 'sell ', 'buyy', 'sel', '', 'bid']),
    );
    const read = async (text: string) => {
      const r = readTrades(buf(text), { onInvalid: 'skip' });
      const got = (await r.toArray()).map((t) => [t.ts, t.price, t.qty, t.aggressor]);
      const d = r.stats.firstSkipped?.details;
      return { got, skipped: r.stats.skipped, first: d && [d.line, d.column, d.reason] };
    };
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 12 }), async (rows) => {
        // both with a header (a headerless first row not starting with a digit reads as one)
        const direct = await read(
          `timestamp,price,size,side\n${rows.map((r) => r.join(',')).join('\n')}`,
        );
        const mapped = await read(
          `ts,price,size,side,venue\n${rows.map((r) => `${r.join(',')},x`).join('\n')}`,
        );
        expect(direct).toEqual(mapped);
      }),
      fcParams({ numRuns: 300 }),
    );
  });
});

describe('L2BookBuilder', () => {
  it('equals a reference map book after any update sequence (property)', () => {
    const update = fc.record({
      buy: fc.boolean(),
      tick: fc.integer({ min: 1, max: 60 }),
      size: fc.integer({ min: 0, max: 3 }),
      snapshot: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(update, { maxLength: 120 }), (ups) => {
        const book = new L2BookBuilder();
        const ref = { buy: new Map<number, number>(), sell: new Map<number, number>() };
        let inSnap = false;
        ups.forEach((u, i) => {
          const side = u.buy ? 'buy' : 'sell';
          const price = u.buy ? u.tick : 100 + u.tick;
          const x: L2Update = { ts: i, side, price, size: u.size, snapshot: u.snapshot };
          book.apply(x);
          if (u.snapshot && !inSnap) {
            ref.buy.clear();
            ref.sell.clear();
          }
          inSnap = u.snapshot;
          if (u.size === 0) ref[side].delete(price);
          else ref[side].set(price, u.size);
        });
        const snap = book.snapshot(5);
        const top = (m: Map<number, number>, desc: boolean) =>
          [...m.entries()].sort((a, b) => (desc ? b[0] - a[0] : a[0] - b[0])).slice(0, 5);
        const pad = (l: [number, number][]) => [...l, ...Array(5 - l.length).fill([0, 0])];
        expect(Array.from(snap.bidPrice, (p, i) => [p, snap.bidSize[i]])).toEqual(
          pad(top(ref.buy, true)),
        );
        expect(Array.from(snap.askPrice, (p, i) => [p, snap.askSize[i]])).toEqual(
          pad(top(ref.sell, false)),
        );
        expect(book.depth).toEqual({ bids: ref.buy.size, asks: ref.sell.size });
      }),
      fcParams({ numRuns: 500 }),
    );
  });

  it('refuses bad updates and leaves the book unchanged', () => {
    const book = new L2BookBuilder();
    book.apply({ ts: 5, side: 'buy', price: 10, size: 1, snapshot: false });
    expect(() => book.apply({ ts: 4, side: 'buy', price: 11, size: 1, snapshot: false })).toThrow(
      /before/,
    );
    expect(() =>
      book.apply({ ts: 6, side: 'buy', price: Number.NaN, size: 1, snapshot: false }),
    ).toThrow(/price/);
    expect(() => book.apply({ ts: 6, side: 'buy', price: 11, size: -1, snapshot: false })).toThrow(
      /size/,
    );
    expect(Array.from(book.snapshot(2).bidPrice)).toEqual([10, 0]);
    expect(book.ts).toBe(5);
  });
});
