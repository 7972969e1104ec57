/**
 * The spread estimators on real data: the LOBSTER AAPL sample (shared material, never
 * committed). Skipped, with a message, where the sample is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { huangStoll, rollSpread, tradeSpreads } from '../src/index.js';

const shared = process.env.X_SHARED ?? join(import.meta.dirname, '..', '..', '..', '..', 'shared');
const dir = join(shared, 'data', 'real', 'yilezheng-orderbook-hls');
const stem = 'AAPL_2012-06-21_34200000_57600000';
const present = existsSync(join(dir, `${stem}_message_10.csv`));
if (!present) console.warn(`spreads-lobster.test.ts: ${dir} not found, real-data checks skipped`);

function load() {
  const rows = (f: string) =>
    readFileSync(join(dir, f), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(',').map(Number));
  const msg = rows(`${stem}_message_10.csv`);
  const book = rows(`${stem}_orderbook_10.csv`);
  // quote i = the book after message i, stamped with message i's time
  const quotes = {
    ts: msg.map((m) => m[0]!),
    askPrice: book.map((b) => b[0]! / 1e4),
    bidPrice: book.map((b) => b[2]! / 1e4),
  };
  // visible executions (type 4); LOBSTER's direction is the resting order's side, so the
  // aggressor is its opposite
  const exec = msg.filter((m) => m[1] === 4);
  const trades = {
    ts: exec.map((m) => m[0]!),
    price: exec.map((m) => m[4]! / 1e4),
    qty: exec.map((m) => m[3]!),
    sign: exec.map((m) => -m[5]!),
  };
  return { quotes, trades };
}

describe.skipIf(!present)('spreads on the real LOBSTER AAPL sample', () => {
  const { quotes, trades } = present ? load() : { quotes: undefined, trades: undefined };
  // the quote prevailing for a trade is the book before its message (the book after it carries
  // the same timestamp): a 1 ns quote lag
  const opts = { horizons: [1, 5], quoteLag: 1e-9 };

  it('a visible execution is at or through the touch: effective >= quoted, and the quote rule signs every trade as LOBSTER does', () => {
    const s = tradeSpreads(trades!, quotes!, opts);
    expect(s.matched).toBe(trades!.ts.length);
    expect(s.effective.mean).toBeGreaterThanOrEqual(s.quoted.mean - 1e-9);
    expect(s.quoted.mean).toBeGreaterThan(0);
    const unsigned = tradeSpreads(
      { ts: trades!.ts, price: trades!.price, qty: trades!.qty },
      quotes!,
      opts,
    );
    expect(unsigned.effective.mean).toBeCloseTo(s.effective.mean, 12);
    expect(unsigned.horizons[1]!.priceImpact!.mean).toBeCloseTo(
      s.horizons[1]!.priceImpact!.mean,
      12,
    );
    // every trade is more than 1 s before the sample's last message: effective = realized + impact
    const h = s.horizons[0]!;
    expect(h.realized!.count).toBe(s.effective.count);
    expect(h.realized!.mean + h.priceImpact!.mean).toBeCloseTo(s.effective.mean, 12);
  });

  it('Roll and Huang-Stoll give typed results (no NaN) on 159 real trades', () => {
    const roll = rollSpread(trades!.price);
    expect(Number.isFinite(roll.autocovariance)).toBe(true);
    const hs = huangStoll(trades!.price, trades!.sign, { model: 'two-way', extraLags: 0 });
    expect(Number.isFinite(hs.spread.value)).toBe(true);
    expect(hs.adverseSelectionPlusInventory.value + hs.orderProcessing.value).toBeCloseTo(1, 12);
  });
});
