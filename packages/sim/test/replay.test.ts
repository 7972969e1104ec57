import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createL2Snapshot, ValidationError } from '@x/core';
import { readLobster } from '@x/data';
import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type HistoricalMessage,
  L3Replay,
  type ReplayTrade,
  VenueBookCheck,
} from '../src/index.js';

const msg = (m: Partial<HistoricalMessage> & Pick<HistoricalMessage, 'type' | 'orderId'>) =>
  ({ ts: 0, size: 10, priceTicks: 100, side: 'buy', ...m }) as HistoricalMessage;

describe('L3Replay', () => {
  it('applies each message type as the venue reported it', () => {
    const trades: ReplayTrade[] = [];
    const halts: number[] = [];
    const r = new L3Replay({ onTrade: (t) => trades.push(t), onHalt: (m) => halts.push(m.ts) });
    r.apply(msg({ type: 1, orderId: 1, size: 10, priceTicks: 100 }));
    r.apply(msg({ type: 1, orderId: 2, size: 5, priceTicks: 100 }));
    r.apply(msg({ type: 1, orderId: 3, size: 7, priceTicks: 101, side: 'sell' }));
    // the venue executes order 2 although order 1 is ahead of it: reduce the named order
    r.apply(msg({ type: 4, orderId: 2, size: 3, priceTicks: 100 }));
    expect(r.book.remainingLots(1)).toBe(10);
    expect(r.book.remainingLots(2)).toBe(2);
    r.apply(msg({ type: 2, orderId: 1, size: 4, priceTicks: 100 }));
    expect(r.book.remainingLots(1)).toBe(6);
    expect(r.book.queuePosition(1)).toBe(0); // a partial cancel keeps priority
    r.apply(msg({ type: 3, orderId: 2, size: 2, priceTicks: 100 }));
    expect(r.book.has(2)).toBe(false);
    r.apply(msg({ type: 5, orderId: 0, size: 9, priceTicks: 101, side: 'sell' }));
    r.apply(msg({ type: 6, orderId: 0, size: 1, priceTicks: 100, side: 'buy' }));
    r.apply({ ts: 1, type: 7, orderId: -1, size: 0, priceTicks: Number.NaN, side: 'sell' });
    expect(r.book.levelLots('sell', 101)).toBe(7); // a hidden execution changes no visible order
    expect(trades.map((t) => [t.kind, t.aggressor, t.lots])).toEqual([
      ['visible', 'sell', 3],
      ['hidden', 'buy', 9],
      ['cross', 'sell', 1],
    ]);
    expect(halts).toEqual([1]);
    expect(r.stats).toMatchObject({
      messages: 9,
      adds: 3,
      cancels: 2,
      executions: 1,
      hiddenExecutions: 1,
      crosses: 1,
      halts: 1,
      unseenOrders: 0,
    });
  });

  it('takes events on orders older than the file from the seeded book, and counts the rest', () => {
    const book = createL2Snapshot(2);
    book.bidPrice.set([1.0, 0.99]);
    book.bidSize.set([300, 100]);
    book.askPrice.set([1.01, 0]);
    book.askSize.set([50, 0]);
    const r = new L3Replay();
    r.seed(book, 0.01);
    expect(r.stats.seededOrders).toBe(3);
    r.apply(msg({ type: 4, orderId: 555, size: 120, priceTicks: 100 }));
    expect(r.book.levelLots('buy', 100)).toBe(180);
    r.apply(msg({ type: 3, orderId: 556, size: 100, priceTicks: 99 }));
    expect(r.book.levels('buy')).toBe(1);
    r.apply(msg({ type: 2, orderId: 557, size: 10, priceTicks: 98 })); // deeper than the seed
    expect(r.stats).toMatchObject({ fromSeed: 2, unseenOrders: 1, unseenLots: 10 });
    expect(() => r.seed(book, 0.01)).toThrow(/seed before/);
  });

  it('refuses a bad message and changes nothing', () => {
    const r = new L3Replay();
    r.apply(msg({ type: 1, orderId: 1, ts: 5 }));
    for (const bad of [
      msg({ type: 8, orderId: 2, ts: 6 }),
      msg({ type: 1, orderId: 2, ts: 6, priceTicks: Number.NaN }),
      msg({ type: 1, orderId: 2, ts: 6, size: 1.5 }),
      msg({ type: 1, orderId: 2, ts: 4 }),
      msg({ type: 1, orderId: 2, ts: 6, side: 'long' as 'buy' }),
    ]) {
      expect(() => r.apply(bad)).toThrow(ValidationError);
    }
    expect(r.stats.messages).toBe(1);
    expect(r.book.size()).toBe(1);
    expect(() => r.apply(msg({ type: 1, orderId: 2, priceTicks: Number.NaN, ts: 6 }))).toThrow(
      /tickSize/,
    );
  });

  it('equals a reference per-order ledger on any message sequence (property)', () => {
    const ev = fc.record({
      type: fc.constantFrom(1, 1, 2, 3, 4, 5),
      id: fc.integer({ min: 1, max: 12 }),
      size: fc.integer({ min: 1, max: 20 }),
      tick: fc.integer({ min: 95, max: 105 }),
    });
    fc.assert(
      fc.property(fc.array(ev, { maxLength: 150 }), (events) => {
        const r = new L3Replay();
        const ref = new Map<number, { side: 'buy' | 'sell'; tick: number; lots: number }>();
        events.forEach((e, i) => {
          const side = e.tick <= 100 ? 'buy' : 'sell';
          const o = ref.get(e.id);
          const tick = e.type === 1 || o === undefined ? e.tick : o.tick;
          const s = e.type === 1 || o === undefined ? side : o.side;
          r.apply({ ts: i, type: e.type, orderId: e.id, size: e.size, priceTicks: tick, side: s });
          if (e.type === 1 && o === undefined) ref.set(e.id, { side: s, tick, lots: e.size });
          else if (o !== undefined && (e.type === 2 || e.type === 4)) {
            o.lots -= Math.min(o.lots, e.size);
            if (o.lots === 0) ref.delete(e.id);
          } else if (o !== undefined && e.type === 3) ref.delete(e.id);
        });
        for (const [id, o] of ref) expect(r.book.remainingLots(id)).toBe(o.lots);
        expect(r.book.size()).toBe(ref.size);
      }),
      fcParams({ numRuns: 300 }),
    );
  });
});

const sharedDir =
  process.env.X_SHARED ?? join(import.meta.dirname, '..', '..', '..', '..', 'shared');
const sample = join(sharedDir, 'data', 'real', 'yilezheng-orderbook-hls');
const messages = join(sample, 'AAPL_2012-06-21_34200000_57600000_message_10.csv');
const orderbook = join(sample, 'AAPL_2012-06-21_34200000_57600000_orderbook_10.csv');
const haveSample = existsSync(messages) && existsSync(orderbook);
if (!haveSample) {
  console.warn(`[skip] the real LOBSTER sample is not at ${sample}: the replay test is skipped`);
}

describe.skipIf(!haveSample)(
  'replay of the real LOBSTER sample (AAPL 2012-06-21, level 10)',
  () => {
    it('reconstructs LOBSTER’s book after every message, and explains every difference', async () => {
      const r = new L3Replay();
      const check = new VenueBookCheck(0.01);
      let rows = 0;
      const unexplainedRows: number[] = [];
      for await (const { message, book } of readLobster(
        { messages, orderbook, levels: 10 },
        { tickSize: '0.01' },
      )) {
        rows++;
        if (rows === 1) {
          r.seed(book, 0.01); // LOBSTER's book after the first message: replay from the second
          check.compare(r.book, book);
          continue;
        }
        r.apply(message);
        if (check.compare(r.book, book) > 0) unexplainedRows.push(rows);
      }
      expect(rows).toBe(999);
      // every level of every book equals LOBSTER's, except at prices that were once deeper than
      // the file's 10 visible levels: there the file omitted events, and the check says so
      expect(unexplainedRows).toEqual([]);
      expect(check.stats.unexplained).toBe(0);
      expect(check.stats.books).toBe(999);
      expect(check.stats.matchingLevels).toBeGreaterThan(17_000);
      expect(check.stats.alwaysVisibleLevels).toBeGreaterThan(5_000); // the strict part is large
      // the differences the file's depth limit causes, counted (documented in the README)
      expect(check.stats.outsideVisibleDepth).toBeGreaterThan(0);
      console.log('LOBSTER replay check', check.stats, 'replay', r.stats);
    });
  },
);
