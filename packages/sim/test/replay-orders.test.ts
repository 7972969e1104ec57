import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createL2Snapshot, ValidationError } from '@x/core';
import { readLobster } from '@x/data';
import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type HistoricalMessage,
  type ReplayOrderReport,
  ReplayOrders,
  type ReplayTrade,
} from '../src/index.js';

const msg = (m: Partial<HistoricalMessage> & Pick<HistoricalMessage, 'type' | 'orderId'>) =>
  ({ ts: 0, size: 10, priceTicks: 100, side: 'buy', ...m }) as HistoricalMessage;

function recorder() {
  const reports: ReplayOrderReport[] = [];
  const sim = new ReplayOrders({ onReport: (r) => reports.push(r) });
  return { sim, reports, fills: () => reports.filter((r) => r.type === 'fill') };
}

describe('ReplayOrders, L3 queue position', () => {
  it('moves up exactly by the orders ahead; orders behind change nothing', () => {
    const { sim, fills } = recorder();
    expect(sim.queueModelName).toBe('l3-fifo');
    sim.apply(msg({ type: 1, orderId: 1, size: 10 }));
    sim.apply(msg({ type: 1, orderId: 2, size: 20 }));
    expect(sim.submit('me', 'buy', 100, 5)).toBe('ok');
    sim.apply(msg({ type: 1, orderId: 3, size: 7 })); // behind us
    expect(sim.order('me')?.aheadLots).toBe(30);
    sim.apply(msg({ type: 2, orderId: 3, size: 2 })); // a cancel behind us
    expect(sim.order('me')?.aheadLots).toBe(30);
    sim.apply(msg({ type: 2, orderId: 2, size: 5 })); // a cancel ahead of us
    expect(sim.order('me')?.aheadLots).toBe(25);
    sim.apply(msg({ type: 4, orderId: 1, size: 10 })); // an execution ahead: no fill yet
    sim.apply(msg({ type: 3, orderId: 2, size: 15 }));
    expect(sim.order('me')?.aheadLots).toBe(0);
    expect(fills()).toEqual([]);
    sim.apply(msg({ type: 4, orderId: 3, size: 3, ts: 9 })); // the next trade reaches us
    expect(fills()).toEqual([
      {
        type: 'fill',
        ts: 9,
        orderId: 'me',
        priceTicks: 100,
        lots: 3,
        leavesLots: 2,
        liquidity: 'maker',
      },
    ]);
    sim.apply(msg({ type: 5, orderId: 0, size: 4, ts: 9 })); // a hidden execution at our price
    expect(sim.order('me')).toMatchObject({ status: 'filled', filledLots: 5, leavesLots: 0 });
    expect(sim.replay.book.levelLots('buy', 100)).toBe(2); // the historical book is the venue's
  });

  it('fills on a trade through its price and on a historical order that crosses it', () => {
    const { sim, fills } = recorder();
    sim.apply(msg({ type: 1, orderId: 1, size: 10, priceTicks: 99 }));
    sim.submit('bid', 'buy', 100, 8);
    sim.submit('ask', 'sell', 103, 5);
    sim.apply(msg({ type: 4, orderId: 1, size: 6, priceTicks: 99 })); // a sell at 99 went past us
    sim.apply(msg({ type: 1, orderId: 2, size: 3, priceTicks: 102 })); // a bid at 102 crosses 103? no
    sim.apply(msg({ type: 1, orderId: 4, size: 3, priceTicks: 104 })); // a bid at 104 crosses our ask
    expect(fills().map((f) => [f.orderId, f.lots, f.priceTicks])).toEqual([
      ['bid', 6, 100],
      ['ask', 3, 103],
    ]);
  });

  it('market and crossing orders take the historical liquidity and leave the book as it was', () => {
    const { sim, reports } = recorder();
    sim.apply(msg({ type: 1, orderId: 1, size: 10, priceTicks: 101, side: 'sell' }));
    sim.apply(msg({ type: 1, orderId: 2, size: 10, priceTicks: 102, side: 'sell' }));
    sim.apply(msg({ type: 1, orderId: 3, size: 5, priceTicks: 99 }));
    sim.submit('m', 'buy', Number.NaN, 15);
    sim.submit('x', 'buy', 101, 12); // takes 10 at 101, rests 2 at 101 (nothing ahead)
    expect(sim.submit('f', 'buy', 101, 11, 'FOK')).toBe('ok');
    sim.submit('p', 'buy', 101, 1, 'GTC', true);
    sim.submit('i', 'sell', 99, 8, 'IOC');
    expect(reports.filter((r) => r.type !== 'accepted')).toEqual([
      expect.objectContaining({ type: 'fill', orderId: 'm', priceTicks: 101, lots: 10 }),
      expect.objectContaining({ type: 'fill', orderId: 'm', priceTicks: 102, lots: 5 }),
      expect.objectContaining({ type: 'fill', orderId: 'x', priceTicks: 101, lots: 10 }),
      expect.objectContaining({ type: 'rejected', orderId: 'f', reason: 'fok-unfillable' }),
      expect.objectContaining({ type: 'rejected', orderId: 'p', reason: 'would-cross' }),
      expect.objectContaining({ type: 'fill', orderId: 'i', priceTicks: 99, lots: 5 }),
      expect.objectContaining({ type: 'canceled', orderId: 'i', lots: 3, reason: 'unfilled' }),
    ]);
    expect(sim.order('x')).toMatchObject({ status: 'resting', leavesLots: 2, aheadLots: 0 });
    expect(sim.replay.book.levelLots('sell', 101)).toBe(10);
    expect(sim.replay.book.levelLots('buy', 99)).toBe(5);
    expect(sim.stats).toMatchObject({ submitted: 5, rejected: 2, takerLots: 30, canceled: 1 });
  });

  it('refuses bad arguments by TickBook.submit’s rule, and cancels', () => {
    const { sim, reports } = recorder();
    expect(sim.submit('a', 'buy', 100.5, 1)).toBe('invalid-price');
    expect(sim.submit('a', 'buy', 100, 0)).toBe('invalid-qty');
    expect(sim.submit('a', 'up' as 'buy', 100, 1)).toBe('invalid-order');
    expect(sim.submit('a', 'buy', 100, 1, 'GTD' as 'GTC')).toBe('invalid-order');
    expect(sim.cancel('a')).toBe('unknown-order');
    sim.apply(msg({ type: 1, orderId: 1 }));
    expect(sim.submit('a', 'buy', 100, 1)).toBe('ok');
    expect(sim.submit('a', 'buy', 100, 1)).toBe('duplicate-order-id');
    expect(sim.cancel('a')).toBe('ok');
    expect(sim.cancel('a')).toBe('ok'); // sent; the venue refuses it
    expect(reports.slice(1)).toEqual([
      expect.objectContaining({ type: 'canceled', orderId: 'a', lots: 1, reason: 'user' }),
      expect.objectContaining({ type: 'rejected', command: 'cancel', reason: 'unknown-order' }),
    ]);
    expect(() => new ReplayOrders({ entryLatencyMs: -1 })).toThrow(ValidationError);
    expect(() => sim.apply(msg({ type: 1, orderId: 9, ts: -1 }))).toThrow(ValidationError);
  });

  it('amends: a size reduction keeps the place in the queue, a new price goes to the back', () => {
    const { sim, reports } = recorder();
    sim.apply(msg({ type: 1, orderId: 1, size: 10 }));
    sim.submit('me', 'buy', 100, 8);
    sim.apply(msg({ type: 1, orderId: 2, size: 10 }));
    expect(sim.amend('me', 100, 5)).toBe('ok');
    expect(sim.order('me')).toMatchObject({ lots: 5, aheadLots: 10 });
    expect(sim.amend('me', 100, 6)).toBe('ok'); // an increase: behind order 2
    expect(sim.order('me')).toMatchObject({ lots: 6, aheadLots: 20 });
    sim.apply(msg({ type: 1, orderId: 3, size: 4, priceTicks: 102, side: 'sell' }));
    expect(sim.amend('me', 102, 6)).toBe('ok'); // crosses: takes 4 at 102, rests 2 at 102
    expect(sim.order('me')).toMatchObject({ priceTicks: 102, filledLots: 4, aheadLots: 0 });
    expect(sim.amend('me', 102, 4)).toBe('ok'); // not above the filled 4: refused at the venue
    expect(sim.amend('me', Number.NaN, 4)).toBe('invalid-price');
    expect(sim.amend('x', 100, 4)).toBe('unknown-order');
    expect(reports.filter((r) => r.type === 'amended' || r.type === 'rejected')).toEqual([
      expect.objectContaining({ type: 'amended', lots: 5, keptPriority: true }),
      expect.objectContaining({ type: 'amended', lots: 6, keptPriority: false }),
      expect.objectContaining({ type: 'amended', priceTicks: 102, keptPriority: false }),
      expect.objectContaining({ type: 'rejected', command: 'amend', reason: 'invalid-qty' }),
    ]);
  });

  it('entry latency: messages before the order arrives come first (and rest ahead of it)', () => {
    const reports: ReplayOrderReport[] = [];
    const sim = new ReplayOrders({ entryLatencyMs: 5, onReport: (r) => reports.push(r) });
    sim.apply(msg({ type: 1, orderId: 1, ts: 0 }));
    sim.submit('me', 'buy', 100, 1); // sent at 0, arrives at 5
    expect(sim.order('me')?.status).toBe('pending');
    sim.apply(msg({ type: 1, orderId: 2, ts: 4 })); // ahead of us
    sim.apply(msg({ type: 1, orderId: 3, ts: 5 })); // the order arrives first: behind us
    expect(sim.order('me')).toMatchObject({ status: 'resting', aheadLots: 20 });
    expect(reports[0]).toEqual({ type: 'accepted', ts: 5, orderId: 'me' });
    sim.cancel('me'); // sent at 5, arrives at 10
    sim.advanceTo(9);
    expect(sim.order('me')?.status).toBe('resting');
    sim.advanceTo(10);
    expect(sim.order('me')?.status).toBe('canceled');
  });

  it('market-data latency delays the historical trades we see', () => {
    const seen: [number, number][] = [];
    const sim = new ReplayOrders({
      marketDataLatencyMs: 3,
      onTrade: (t) => seen.push([t.ts, sim.time]),
    });
    sim.apply(msg({ type: 1, orderId: 1, ts: 0 }));
    sim.apply(msg({ type: 4, orderId: 1, size: 1, ts: 1 }));
    sim.apply(msg({ type: 5, orderId: 0, size: 1, ts: 2 }));
    expect(seen).toEqual([]);
    sim.apply(msg({ type: 2, orderId: 1, size: 1, ts: 4 }));
    expect(seen).toEqual([[1, 4]]);
    sim.advanceTo(5);
    expect(seen).toEqual([
      [1, 4],
      [2, 5],
    ]);
  });
});

/** One level of bids: historical adds, cancels and aggressors, with our order inserted once. */
type Op =
  | { readonly kind: 'add'; readonly size: number }
  | {
      readonly kind: 'cancel';
      readonly pick: number;
      readonly whole: boolean;
      readonly size: number;
    }
  | { readonly kind: 'sell'; readonly pct: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), size: fc.integer({ min: 1, max: 50 }) }),
  fc.record({
    kind: fc.constant('cancel' as const),
    pick: fc.nat(),
    whole: fc.boolean(),
    size: fc.integer({ min: 1, max: 50 }),
  }),
  fc.record({
    kind: fc.constant('sell' as const),
    pct: fc.integer({ min: 0, max: 100 }),
  }),
);

describe('ReplayOrders on a synthetic FIFO stream', () => {
  it('fills our order exactly when the orders ahead of it are gone (property)', () => {
    let filledRuns = 0;
    fc.assert(
      fc.property(
        fc.array(opArb, { minLength: 1, maxLength: 80 }),
        fc.nat(),
        fc.integer({ min: 1, max: 60 }),
        (ops, insertAt, myLots) => {
          const sim = new ReplayOrders();
          const at = insertAt % ops.length;
          // the reference: one FIFO queue with our order in it; the historical stream is the
          // same queue without us (our fills change nothing in it: no market impact)
          const queue: { id: number | 'me'; lots: number }[] = [];
          let nextId = 1;
          let myFilled = 0;
          let ts = 0;
          ops.forEach((op, i) => {
            if (i === at) {
              sim.submit('me', 'buy', 100, myLots);
              queue.push({ id: 'me', lots: myLots });
            }
            ts++;
            const hist = queue.filter((q) => q.id !== 'me');
            if (op.kind === 'add') {
              const id = nextId++;
              sim.apply({ ts, type: 1, orderId: id, size: op.size, priceTicks: 100, side: 'buy' });
              queue.push({ id, lots: op.size });
            } else if (op.kind === 'cancel' && hist.length > 0) {
              const o = hist[op.pick % hist.length]!;
              const size = op.whole ? o.lots : Math.min(op.size, o.lots);
              sim.apply({
                ts,
                type: op.whole ? 3 : 2,
                orderId: o.id as number,
                size,
                priceTicks: 100,
                side: 'buy',
              });
              o.lots -= size;
            } else if (op.kind === 'sell') {
              const q = Math.floor((op.pct / 100) * hist.reduce((a, o) => a + o.lots, 0));
              // the same aggressor on the queue with us in it gives us what passes the orders ahead
              const mine = queue.findIndex((o) => o.id === 'me');
              if (mine >= 0) {
                const ahead = queue.slice(0, mine).reduce((a, o) => a + o.lots, 0);
                const x = Math.min(queue[mine]!.lots, Math.max(0, q - ahead));
                myFilled += x;
                queue[mine]!.lots -= x;
              }
              // the historical venue executes its own queue in FIFO order
              let h = q;
              for (const o of hist) {
                if (h === 0) break;
                const x = Math.min(h, o.lots);
                sim.apply({
                  ts,
                  type: 4,
                  orderId: o.id as number,
                  size: x,
                  priceTicks: 100,
                  side: 'buy',
                });
                o.lots -= x;
                h -= x;
              }
            }
            for (let k = queue.length - 1; k >= 0; k--)
              if (queue[k]!.lots === 0) queue.splice(k, 1);
            if (i >= at) {
              const mine = queue.findIndex((q) => q.id === 'me');
              const ahead = mine < 0 ? 0 : queue.slice(0, mine).reduce((a, q) => a + q.lots, 0);
              const view = sim.order('me')!;
              expect(view.filledLots).toBe(myFilled);
              expect(view.aheadLots).toBe(ahead);
            }
          });
          if (myFilled > 0) filledRuns++;
          expect(sim.replay.book.levelLots('buy', 100)).toBe(
            queue.filter((q) => q.id !== 'me').reduce((a, q) => a + q.lots, 0),
          );
        },
      ),
      fcParams({ numRuns: 300 }),
    );
    expect(filledRuns).toBeGreaterThan(30); // the property saw fills, not only waiting orders
  });
});

const sharedDir =
  process.env.X_SHARED ?? join(import.meta.dirname, '..', '..', '..', '..', 'shared');
const sample = join(sharedDir, 'data', 'real', 'yilezheng-orderbook-hls');
const messages = join(sample, 'AAPL_2012-06-21_34200000_57600000_message_10.csv');
const orderbook = join(sample, 'AAPL_2012-06-21_34200000_57600000_orderbook_10.csv');
const haveSample = existsSync(messages) && existsSync(orderbook);
if (!haveSample) {
  console.warn(
    `[skip] the real LOBSTER sample is not at ${sample}: its ReplayOrders test is skipped`,
  );
}

describe.skipIf(!haveSample)('ReplayOrders on the real LOBSTER sample (AAPL 2012-06-21)', () => {
  it('our orders fill from the historical flow and never change the replayed book', async () => {
    const plain = new ReplayOrders();
    const trades: ReplayTrade[] = [];
    const reports: ReplayOrderReport[] = [];
    const sim = new ReplayOrders({
      onReport: (r) => reports.push(r),
      onTrade: (t) => trades.push(t),
    });
    const a = createL2Snapshot(10);
    const b = createL2Snapshot(10);
    let rows = 0;
    for await (const { message, book } of readLobster(
      { messages, orderbook, levels: 10 },
      { tickSize: '0.01' },
    )) {
      if (++rows === 1) {
        plain.seed(book, 0.01);
        sim.seed(book, 0.01);
        continue;
      }
      plain.apply(message);
      sim.apply(message);
      if (rows === 2) {
        // one lot at the best bid and ask, at the back of their queues
        sim.submit('bid', 'buy', sim.replay.book.bestBid(), 100);
        sim.submit('ask', 'sell', sim.replay.book.bestAsk(), 100);
      }
      expect(sim.replay.book.fillL2(a)).toEqual(plain.replay.book.fillL2(b));
    }
    const fills = reports.filter((r) => r.type === 'fill');
    expect(fills.length).toBeGreaterThan(0);
    for (const f of fills) expect(f.liquidity).toBe('maker');
    const filled = fills.reduce((s, f) => s + f.lots, 0);
    expect(filled).toBe(sim.stats.makerLots);
    expect(trades.length).toBe(sim.replay.stats.executions + sim.replay.stats.hiddenExecutions);
    console.log('ReplayOrders on AAPL', sim.stats, {
      bid: sim.order('bid'),
      ask: sim.order('ask'),
    });
  });
});
