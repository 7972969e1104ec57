import { createL2Snapshot, type OrderId, type Side } from '@x/core';
import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BookListener,
  type BookReject,
  type BookTimeInForce,
  type SelfTradePrevention,
  TickBook,
} from '../src/index.js';

// ---------------------------------------------------------------------------------------------
// A deliberately naive reference book: one array of orders, re-sorted on every query.
// ---------------------------------------------------------------------------------------------
interface RefOrder {
  id: OrderId;
  side: Side;
  price: number;
  lots: number;
  seq: number;
  owner: number;
  postOnly: boolean;
}

type Log = (string | number | boolean)[];

class ReferenceBook {
  orders: RefOrder[] = [];
  log: Log[] = [];
  seq = 0;
  trade = 0;
  constructor(readonly stp: SelfTradePrevention) {}

  private priority(side: Side): RefOrder[] {
    return this.orders
      .filter((o) => o.side === side)
      .sort((a, b) => (side === 'buy' ? b.price - a.price : a.price - b.price) || a.seq - b.seq);
  }

  private crosses(side: Side, limit: number): boolean {
    const best = this.priority(side === 'buy' ? 'sell' : 'buy')[0];
    return best !== undefined && (side === 'buy' ? best.price <= limit : best.price >= limit);
  }

  submit(
    id: OrderId,
    side: Side,
    price: number,
    lots: number,
    tif: BookTimeInForce,
    postOnly: boolean,
    owner: number,
  ): BookReject {
    const market = Number.isNaN(price);
    if (!market && !Number.isSafeInteger(price)) return 'invalid-price';
    if (!Number.isSafeInteger(lots) || lots <= 0) return 'invalid-qty';
    if (this.orders.some((o) => o.id === id)) return 'duplicate-order-id';
    const limit = market ? (side === 'buy' ? Infinity : -Infinity) : price;
    const opp = this.priority(side === 'buy' ? 'sell' : 'buy');
    const crosses = this.crosses(side, limit);
    if (postOnly && crosses) return 'would-cross';
    if (market && opp.length === 0) return 'no-liquidity';
    const stpOn = owner !== 0 && this.stp !== 'none';
    if (tif === 'FOK') {
      let avail = 0;
      for (const o of opp) {
        if (side === 'buy' ? o.price > limit : o.price < limit) break;
        if (stpOn && o.owner === owner) {
          if (this.stp === 'cancel-maker') continue;
          break;
        }
        avail += o.lots;
      }
      if (avail < lots) return 'fok-unfillable';
    }
    const { remaining, stopped } = this.match(id, side, limit, lots, owner);
    if (remaining > 0 && !market && tif === 'GTC' && !stopped) {
      this.orders.push({ id, side, price, lots: remaining, seq: this.seq++, owner, postOnly });
      this.log.push(['add', id, side, price, remaining]);
    }
    return 'ok';
  }

  private match(id: OrderId, side: Side, limit: number, lots: number, owner: number) {
    let remaining = lots;
    const stpOn = owner !== 0 && this.stp !== 'none';
    for (const o of this.priority(side === 'buy' ? 'sell' : 'buy')) {
      if (remaining === 0) break;
      if (side === 'buy' ? o.price > limit : o.price < limit) break;
      if (stpOn && o.owner === owner) {
        if (this.stp === 'cancel-taker') return { remaining, stopped: true };
        this.remove(o);
        this.log.push(['cancel', o.id, o.side, o.price, o.lots]);
        if (this.stp === 'cancel-both') return { remaining, stopped: true };
        continue;
      }
      const q = Math.min(remaining, o.lots);
      o.lots -= q;
      remaining -= q;
      this.log.push(['execute', o.id, id, o.side, o.price, q, o.lots, ++this.trade]);
      if (o.lots === 0) this.remove(o);
    }
    return { remaining, stopped: false };
  }

  private remove(o: RefOrder) {
    this.orders.splice(this.orders.indexOf(o), 1);
  }

  cancel(id: OrderId): BookReject {
    const o = this.orders.find((x) => x.id === id);
    if (o === undefined) return 'unknown-order';
    this.remove(o);
    this.log.push(['cancel', o.id, o.side, o.price, o.lots]);
    return 'ok';
  }

  amend(id: OrderId, price: number, lots: number): BookReject {
    const o = this.orders.find((x) => x.id === id);
    if (o === undefined) return 'unknown-order';
    if (!Number.isSafeInteger(price)) return 'invalid-price';
    if (!Number.isSafeInteger(lots) || lots <= 0) return 'invalid-qty';
    if (price === o.price && lots === o.lots) return 'no-change';
    if (price === o.price && lots < o.lots) {
      o.lots = lots;
      this.log.push(['modify', id, o.side, price, lots, true]);
      return 'ok';
    }
    const crosses = this.crosses(o.side, price);
    if (crosses && o.postOnly) return 'would-cross';
    if (!crosses) {
      o.price = price;
      o.lots = lots;
      o.seq = this.seq++;
      this.log.push(['modify', id, o.side, price, lots, false]);
      return 'ok';
    }
    this.remove(o);
    this.log.push(['cancel', id, o.side, o.price, o.lots]);
    const { remaining, stopped } = this.match(id, o.side, price, lots, o.owner);
    if (remaining > 0 && !stopped) {
      this.orders.push({ ...o, price, lots: remaining, seq: this.seq++ });
      this.log.push(['add', id, o.side, price, remaining]);
    }
    return 'ok';
  }

  /** per side, levels best first, each level's queue as [id, lots] */
  state(): [number, [OrderId, number][]][][] {
    return (['buy', 'sell'] as const).map((side) => {
      const levels: [number, [OrderId, number][]][] = [];
      for (const o of this.priority(side)) {
        const last = levels[levels.length - 1];
        if (last !== undefined && last[0] === o.price) last[1].push([o.id, o.lots]);
        else levels.push([o.price, [[o.id, o.lots]]]);
      }
      return levels;
    });
  }
}

function recorder(log: Log[]): BookListener {
  return {
    onAdd: (id, side, p, l) => log.push(['add', id, side, p, l]),
    onCancel: (id, side, p, l) => log.push(['cancel', id, side, p, l]),
    onModify: (id, side, p, l, k) => log.push(['modify', id, side, p, l, k]),
    onExecute: (m, t, side, p, l, left, tid) => log.push(['execute', m, t, side, p, l, left, tid]),
  };
}

function bookState(book: TickBook): [number, [OrderId, number][]][][] {
  return (['buy', 'sell'] as const).map((side) => {
    const levels: [number, [OrderId, number][]][] = [];
    for (let r = 0; r < book.levels(side); r++) {
      const p = book.levelPrice(side, r);
      const q: [OrderId, number][] = [];
      book.forEachOrderAt(side, p, (id, lots) => q.push([id, lots]));
      levels.push([p, q]);
    }
    return levels;
  });
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------
type Cmd =
  | {
      k: 'submit';
      id: number;
      side: Side;
      price: number;
      lots: number;
      tif: BookTimeInForce;
      postOnly: boolean;
      owner: number;
    }
  | { k: 'cancel'; id: number }
  | { k: 'amend'; id: number; dp: number; lots: number }; // amend: deltas of price and size

export const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      k: fc.constant('submit' as const),
      id: fc.integer({ min: 1, max: 25 }),
      side: fc.constantFrom<Side>('buy', 'sell'),
      price: fc.oneof(
        { weight: 9, arbitrary: fc.integer({ min: 95, max: 105 }) },
        { weight: 1, arbitrary: fc.constantFrom(Number.NaN, 100.5) },
      ),
      lots: fc.oneof(
        { weight: 9, arbitrary: fc.integer({ min: 1, max: 8 }) },
        { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5) },
      ),
      tif: fc.constantFrom<BookTimeInForce>('GTC', 'GTC', 'IOC', 'FOK'),
      postOnly: fc.boolean(),
      owner: fc.integer({ min: 0, max: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('cancel' as const),
      id: fc.integer({ min: 1, max: 25 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('amend' as const),
      id: fc.integer({ min: 1, max: 25 }),
      dp: fc.oneof(
        { weight: 3, arbitrary: fc.constant(0) },
        { weight: 2, arbitrary: fc.integer({ min: -3, max: 3 }) },
      ),
      lots: fc.integer({ min: -4, max: 4 }),
    }),
  },
);

export function run(cmds: Cmd[], stp: SelfTradePrevention) {
  const ref = new ReferenceBook(stp);
  const log: Log[] = [];
  const raised = new Map<OrderId, number>(); // size added by accepted amends, per order
  const book = new TickBook({
    listener: recorder(log),
    selfTradePrevention: stp,
    initialCapacity: 2,
  });
  for (const c of cmds) {
    let a: BookReject;
    let b: BookReject;
    if (c.k === 'submit') {
      a = book.submit(c.id, c.side, c.price, c.lots, c.tif, c.postOnly, c.owner);
      b = ref.submit(c.id, c.side, c.price, c.lots, c.tif, c.postOnly, c.owner);
    } else if (c.k === 'cancel') {
      a = book.cancel(c.id);
      b = ref.cancel(c.id);
    } else {
      const o = book.order(c.id);
      const price = (o?.priceTicks ?? 100) + c.dp;
      const lots = (o?.lots ?? 0) + c.lots; // a change relative to the current size
      a = book.amend(c.id, price, lots);
      b = ref.amend(c.id, price, lots);
      if (a === 'ok' && o !== undefined && lots > o.lots) {
        raised.set(c.id, (raised.get(c.id) ?? 0) + lots - o.lots);
      }
    }
    expect(a).toBe(b);
  }
  return { ref, book, log, raised };
}

describe('TickBook against a naive reference book', () => {
  for (const stp of ['none', 'cancel-taker', 'cancel-maker', 'cancel-both'] as const) {
    it(`identical events and books on random command sequences (STP ${stp})`, () => {
      fc.assert(
        fc.property(fc.array(cmdArb, { minLength: 20, maxLength: 120 }), (cmds) => {
          const { ref, book, log } = run(cmds, stp);
          expect(log).toEqual(ref.log);
          expect(bookState(book)).toEqual(ref.state());
          // queue-ahead and remaining quantity agree with the reference queues
          for (const side of ref.state()) {
            for (const [, queue] of side) {
              let ahead = 0;
              for (const [id, lots] of queue) {
                expect(book.queueAheadLots(id)).toBe(ahead);
                expect(book.remainingLots(id)).toBe(lots);
                ahead += lots;
              }
            }
          }
        }),
        fcParams({ numRuns: 150 }),
      );
    });
  }

  it('conservation: buy fills equal sell fills, no order fills beyond its size', () => {
    fc.assert(
      fc.property(fc.array(cmdArb, { minLength: 20, maxLength: 150 }), (raw) => {
        // unique ids: submit i gets id 1000 + i; cancels and amends target earlier submits
        const ids: number[] = [];
        const cmds = raw.map((c, i): Cmd => {
          if (c.k === 'submit') {
            ids.push(1000 + i);
            return { ...c, id: 1000 + i };
          }
          return { ...c, id: ids.length === 0 ? 0 : ids[c.id % ids.length]! };
        });
        const { log, book, raised } = run(cmds, 'none');
        const size = new Map<OrderId, number>();
        for (const c of cmds) {
          if (c.k === 'submit' && Number.isSafeInteger(c.lots) && c.lots > 0)
            size.set(c.id, c.lots);
        }
        for (const [id, r] of raised) size.set(id, (size.get(id) ?? 0) + r);
        const filled = new Map<OrderId, number>();
        let buy = 0;
        let sell = 0;
        for (const e of log) {
          if (e[0] !== 'execute') continue;
          const [, maker, taker, makerSide, , q] = e as [
            string,
            number,
            number,
            Side,
            number,
            number,
          ];
          if (makerSide === 'buy') buy += q;
          else sell += q;
          filled.set(maker, (filled.get(maker) ?? 0) + q);
          filled.set(taker, (filled.get(taker) ?? 0) + q);
        }
        // every execution is one buy fill and one sell fill of the same quantity
        let takerBuy = 0;
        let takerSell = 0;
        for (const e of log) {
          if (e[0] !== 'execute') continue;
          if (e[3] === 'buy') takerSell += e[5] as number;
          else takerBuy += e[5] as number;
        }
        expect(buy + takerBuy).toBe(sell + takerSell);
        for (const [id, f] of filled) {
          expect(f).toBeGreaterThan(0);
          expect(f).toBeLessThanOrEqual(size.get(id) ?? 0);
          expect(f + book.remainingLots(id)).toBeLessThanOrEqual(size.get(id) ?? 0);
        }
      }),
      fcParams({ numRuns: 150 }),
    );
  });
});

describe('TickBook basics', () => {
  it('reports level ranks, L2 levels and rejects without side effects', () => {
    const book = new TickBook();
    expect(book.submit('a', 'buy', 100, 3)).toBe('ok');
    expect(book.submit('b', 'buy', 98, 1)).toBe('ok');
    expect(book.submit('c', 'sell', 103, 2)).toBe('ok');
    expect(book.levelRank('buy', 100)).toBe(0);
    expect(book.levelRank('buy', 99)).toBe(1);
    expect(book.levelRank('buy', 98)).toBe(1);
    expect(book.levelRank('buy', 97)).toBe(2);
    expect(book.levelRank('sell', 104)).toBe(1);
    expect(book.submit('a', 'sell', 110, 1)).toBe('duplicate-order-id');
    expect(book.submit('d', 'buy', 100.5, 1)).toBe('invalid-price');
    expect(book.submit('d', 'buy', 100, 0)).toBe('invalid-qty');
    expect(book.submit('d', 'buy', 103, 1, 'GTC', true)).toBe('would-cross');
    expect(book.submit('d', 'sell', Number.NaN, 10, 'FOK')).toBe('fok-unfillable');
    expect(book.submit('d', 'up' as Side, 100, 1)).toBe('invalid-order');
    expect(book.submit('d', 'buy', 100, 1, 'GTD' as BookTimeInForce)).toBe('invalid-order');
    const snap = book.fillL2(createL2Snapshot(3), 0.01, 0.001);
    expect(Array.from(snap.bidPrice)).toEqual([1, 0.98, 0]);
    expect(Array.from(snap.bidSize)).toEqual([0.003, 0.001, 0]);
    expect(Array.from(snap.askPrice)).toEqual([1.03, 0, 0]);
    expect(book.size()).toBe(3);
    book.clear();
    expect(book.size()).toBe(0);
    expect(Number.isNaN(book.bestBid())).toBe(true);
  });

  it('grows its pools and keeps working after many orders', () => {
    const book = new TickBook({ initialCapacity: 1 });
    for (let i = 0; i < 5000; i++)
      book.submit(i, i % 2 ? 'buy' : 'sell', i % 2 ? 100 - (i % 300) : 101 + (i % 300), 1);
    expect(book.size()).toBe(5000);
    expect(book.levels('buy')).toBe(150);
    expect(book.submit('sweep', 'buy', Number.NaN, 2500)).toBe('ok');
    expect(book.outcome.filledLots).toBe(2500);
    expect(book.sideLots('sell')).toBe(0);
  });
});

describe('TickBook time priority', () => {
  it('stamps orders as they join a queue; a size reduction keeps the stamp, an increase does not', () => {
    const book = new TickBook();
    expect(book.lastTimePriority()).toBe(0);
    book.submit('a', 'buy', 100, 5);
    book.submit('b', 'buy', 100, 5);
    const a = book.timePriority('a');
    expect(a).toBeLessThan(book.timePriority('b'));
    book.amend('a', 100, 3);
    expect(book.timePriority('a')).toBe(a);
    book.amend('a', 100, 4);
    expect(book.timePriority('a')).toBeGreaterThan(book.timePriority('b'));
    expect(book.timePriority('a')).toBe(book.lastTimePriority());
    expect(book.timePriority('zz')).toBeNaN();
  });
});
