import {
  applyL2Delta,
  createL2Snapshot,
  Dec,
  Instrument,
  ManualClock,
  validateL2Snapshot,
} from '@x/core';
import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EngineEvent, MatchingEngine, type OrderFilled } from '../src/index.js';

const inst = Instrument.create({
  symbol: 'TEST',
  tickSize: '0.01',
  lotSize: '0.001',
  minQty: '0.001',
  minNotional: '1',
});

function venue(opts: ConstructorParameters<typeof MatchingEngine>[1] = {}) {
  return new MatchingEngine(inst, { clock: new ManualClock(1000), ...opts });
}

const fills = (events: readonly EngineEvent[], orderId?: string) =>
  events.filter(
    (e): e is OrderFilled => e.type === 'fill' && (orderId === undefined || e.orderId === orderId),
  );

describe('MatchingEngine: matching', () => {
  it('fills across levels and counterparties with exact average price and distinct trade ids', () => {
    const v = venue();
    v.submit({ orderId: 'a1', side: 'sell', type: 'limit', price: '100.00', qty: '1' });
    v.submit({ orderId: 'a2', side: 'sell', type: 'limit', price: '100.00', qty: '0.5' });
    v.submit({ orderId: 'a3', side: 'sell', type: 'limit', price: '100.02', qty: '2' });
    const r = v.submit({ orderId: 'b', side: 'buy', type: 'limit', price: '100.02', qty: '2' });
    expect(r.ok).toBe(true);
    const f = fills(r.events, 'b');
    expect(f.map((x) => [x.price.toString(), x.qty.toString(), x.counterpartyOrderId])).toEqual([
      ['100', '1', 'a1'],
      ['100', '0.5', 'a2'],
      ['100.02', '0.5', 'a3'],
    ]);
    expect(new Set(f.map((x) => x.tradeId)).size).toBe(3);
    expect(r.order?.status).toBe('filled');
    // (100*1.5 + 100.02*0.5)/2 = 100.005
    expect(r.order?.avgPrice?.toString()).toBe('100.005');
    expect(v.getOrder('a3')?.status).toBe('partially-filled');
    expect(v.restingQty('a3').toString()).toBe('1.5');
    expect(v.getOrder('a3')?.cumQty.toString()).toBe('0.5');
    // maker and taker fills of one execution share the trade id
    const makerFill = fills(r.events, 'a3')[0]!;
    expect(makerFill.tradeId).toBe(f[2]!.tradeId);
    expect(makerFill.liquidity).toBe('maker');
  });

  it('honours price-time priority and reports queue ahead', () => {
    const v = venue();
    v.submit({ orderId: 'x', side: 'buy', type: 'limit', price: '99', qty: '1' });
    v.submit({ orderId: 'y', side: 'buy', type: 'limit', price: '99', qty: '2' });
    v.submit({ orderId: 'z', side: 'buy', type: 'limit', price: '99.5', qty: '1' });
    expect(v.queueAhead('y')?.toString()).toBe('1');
    expect(v.queueAhead('x')?.toString()).toBe('0');
    const r = v.submit({ side: 'sell', type: 'market', qty: '1.5' });
    expect(
      fills(r.events)
        .filter((x) => x.liquidity === 'maker')
        .map((x) => x.orderId),
    ).toEqual(['z', 'x']);
    expect(v.restingQty('x').toString()).toBe('0.5');
    expect(v.queueAhead('y')?.toString()).toBe('0.5');
  });

  it('IOC cancels the remainder, FOK is all or nothing, post-only never crosses', () => {
    const v = venue();
    v.submit({ orderId: 's', side: 'sell', type: 'limit', price: '10', qty: '1' });
    const ioc = v.submit({ side: 'buy', type: 'limit', price: '10', qty: '3', timeInForce: 'IOC' });
    expect(ioc.order?.status).toBe('canceled');
    expect(ioc.order?.cumQty.toString()).toBe('1');
    const canceled = ioc.events.find((e) => e.type === 'canceled');
    expect(canceled).toMatchObject({ reason: 'ioc-remainder' });
    expect(canceled?.type === 'canceled' && canceled.canceledQty.toString()).toBe('2');
    v.submit({ orderId: 's2', side: 'sell', type: 'limit', price: '10', qty: '1' });
    const fok = v.submit({ side: 'buy', type: 'limit', price: '10', qty: '2', timeInForce: 'FOK' });
    expect(fok.ok).toBe(false);
    expect(fok.reason).toBe('fok-unfillable');
    expect(v.restingQty('s2').toString()).toBe('1');
    const po = v.submit({ side: 'buy', type: 'limit', price: '10', qty: '1', postOnly: true });
    expect(po.reason).toBe('would-cross');
    const po2 = v.submit({ side: 'buy', type: 'limit', price: '9.99', qty: '1', postOnly: true });
    expect(po2.ok).toBe(true);
    expect(v.bestBid()?.toString()).toBe('9.99');
  });

  it('rejects bad input with reason codes and never changes the book', () => {
    const v = venue();
    v.submit({ orderId: 'r', side: 'sell', type: 'limit', price: '50', qty: '1' });
    const before = JSON.stringify(Array.from(v.l2Snapshot(5).askSize));
    const cases: [Parameters<MatchingEngine['submit']>[0], string][] = [
      [{ side: 'buy', type: 'limit', price: '50.001', qty: '1' }, 'off-tick'],
      [{ side: 'buy', type: 'limit', price: '50', qty: '1.0001' }, 'off-lot'],
      [{ side: 'buy', type: 'limit', price: '50', qty: '0' }, 'non-positive-qty'],
      [{ side: 'buy', type: 'limit', price: '-1', qty: '1' }, 'non-positive-price'],
      [{ side: 'buy', type: 'limit', price: '0.01', qty: '1' }, 'below-min-notional'],
      [{ side: 'buy', type: 'limit', qty: '1' }, 'missing-price'],
      [{ side: 'buy', type: 'stop', qty: '1' }, 'missing-stop-price'],
      [{ side: 'buy', type: 'market', price: '50', qty: '1' }, 'unexpected-price'],
      [{ side: 'buy', type: 'limit', price: 'abc', qty: '1' }, 'invalid-order'],
      [{ side: 'up' as 'buy', type: 'limit', price: '50', qty: '1' }, 'invalid-order'],
      [{ orderId: 'r', side: 'buy', type: 'limit', price: '50', qty: '1' }, 'duplicate-order-id'],
      [{ side: 'sell', type: 'market', qty: '1' }, 'no-liquidity'],
    ];
    for (const [req, reason] of cases) {
      const res = v.submit(req);
      expect(res.ok, reason).toBe(false);
      expect(res.reason).toBe(reason);
      expect(res.events).toHaveLength(1);
      expect(res.events[0]!.type).toBe('rejected');
    }
    expect(v.cancel('nope').reason).toBe('unknown-order');
    expect(v.amend('nope', { qty: '1' }).reason).toBe('unknown-order');
    expect(JSON.stringify(Array.from(v.l2Snapshot(5).askSize))).toBe(before);
    // amend of a filled order
    v.submit({ orderId: 'taker', side: 'buy', type: 'limit', price: '50', qty: '1' });
    expect(v.getOrder('r')?.status).toBe('filled');
    expect(v.amend('r', { qty: '2' }).reason).toBe('order-closed');
    expect(v.cancel('r').reason).toBe('order-closed');
  });

  it('amend: size reduction keeps priority, size increase and price change lose it', () => {
    const v = venue();
    v.submit({ orderId: 'a', side: 'buy', type: 'limit', price: '10', qty: '3' });
    v.submit({ orderId: 'b', side: 'buy', type: 'limit', price: '10', qty: '1' });
    const red = v.amend('a', { qty: '2' });
    expect(red.ok).toBe(true);
    expect(red.events.find((e) => e.type === 'modify')).toMatchObject({
      keptPriority: true,
      qty: 2,
    });
    expect(v.queueAhead('a')?.toString()).toBe('0');
    v.amend('a', { qty: '4' });
    expect(v.queueAhead('a')?.toString()).toBe('1');
    v.amend('b', { price: '10.01' });
    expect(v.bestBid()?.toString()).toBe('10.01');
    expect(v.amend('b', { price: '10.01' }).reason).toBe('no-change');
  });

  it('amend to a crossing price trades; amend below filled quantity is rejected', () => {
    const v = venue();
    v.submit({ orderId: 's', side: 'sell', type: 'limit', price: '10.05', qty: '1' });
    v.submit({ orderId: 'b', side: 'buy', type: 'limit', price: '10', qty: '3' });
    const r = v.amend('b', { price: '10.05' });
    expect(fills(r.events, 'b').map((f) => f.qty.toString())).toEqual(['1']);
    expect(v.restingQty('b').toString()).toBe('2');
    expect(v.bestBid()?.toString()).toBe('10.05');
    expect(v.amend('b', { qty: '1' }).reason).toBe('qty-below-filled');
    const ok = v.amend('b', { qty: '1.5' });
    expect(ok.ok).toBe(true);
    expect(v.restingQty('b').toString()).toBe('0.5');
  });

  it('stop and stop-limit orders trigger on the last trade price', () => {
    const v = venue();
    v.submit({ orderId: 'stop', side: 'buy', type: 'stop', stopPrice: '101', qty: '1' });
    v.submit({ orderId: 'a', side: 'sell', type: 'limit', price: '101', qty: '1' });
    v.submit({ orderId: 'a2', side: 'sell', type: 'limit', price: '102', qty: '5' });
    expect(v.getOrder('stop')?.triggered).toBe(false);
    const r = v.submit({ side: 'buy', type: 'limit', price: '101', qty: '1' });
    const types = r.events.map((e) => e.type);
    expect(types).toContain('triggered');
    expect(v.getOrder('stop')?.status).toBe('filled');
    expect(v.getOrder('stop')?.avgPrice?.toString()).toBe('102');
    v.submit({
      orderId: 'sl',
      side: 'sell',
      type: 'stop-limit',
      stopPrice: '100',
      price: '99',
      qty: '1',
    });
    v.submit({ orderId: 'bb', side: 'buy', type: 'limit', price: '100', qty: '1' });
    v.submit({ side: 'sell', type: 'market', qty: '1' });
    expect(v.getOrder('sl')?.status).toBe('new');
    expect(v.getOrder('sl')?.triggered).toBe(true);
    expect(v.bestAsk()?.toString()).toBe('99');
  });

  it('a stop whose condition already holds triggers at entry; forget drops closed orders', () => {
    const v = venue();
    v.submit({ orderId: 'a', side: 'sell', type: 'limit', price: '100', qty: '2' });
    v.submit({ orderId: 'b', side: 'buy', type: 'limit', price: '100', qty: '1' }); // last = 100
    const r = v.submit({ orderId: 's', side: 'buy', type: 'stop', stopPrice: '99', qty: '1' });
    expect(r.events.map((e) => e.type)).toEqual([
      'accepted',
      'triggered',
      'execute',
      'trade',
      'fill',
      'fill',
    ]);
    expect(v.getOrder('s')?.status).toBe('filled');
    expect(v.forget('s')).toBe(true);
    expect(v.forget('s')).toBe(false);
    expect(v.cancel('s').reason).toBe('unknown-order');
    expect(v.forget('a')).toBe(true); // filled too
    v.submit({ orderId: 'c', side: 'sell', type: 'limit', price: '101', qty: '1' });
    expect(v.forget('c')).toBe(false); // open
    expect(v.openOrders().map((o) => o.orderId)).toEqual(['c']);
  });

  it('amends a waiting stop: its stop price, limit price and size', () => {
    const v = venue();
    v.submit({ orderId: 'a', side: 'sell', type: 'limit', price: '100', qty: '5' });
    v.submit({ side: 'buy', type: 'limit', price: '100', qty: '1' }); // last = 100
    v.submit({ orderId: 'st', side: 'buy', type: 'stop', stopPrice: '105', qty: '1' });
    const r1 = v.amend('st', { stopPrice: '106', qty: '2' });
    expect(r1.events[0]).toMatchObject({ type: 'amended', keptPriority: false });
    const am = r1.events[0]!;
    expect(am.type === 'amended' && am.stopPrice?.toString()).toBe('106');
    expect(am.type === 'amended' && am.price).toBeUndefined();
    expect(v.amend('st', { price: '101' }).reason).toBe('unexpected-price');
    expect(v.amend('st', { stopPrice: '106' }).reason).toBe('no-change');
    expect(v.amend('st', { stopPrice: '106.001' }).reason).toBe('off-tick');
    // moving the stop to a price already reached triggers it at once
    const r2 = v.amend('st', { stopPrice: '99' });
    expect(r2.events.map((e) => e.type).slice(0, 2)).toEqual(['amended', 'triggered']);
    expect(v.getOrder('st')?.cumQty.toString()).toBe('2');
    v.submit({
      orderId: 'sl',
      side: 'sell',
      type: 'stop-limit',
      stopPrice: '90',
      price: '89',
      qty: '1',
    });
    expect(v.amend('sl', { price: '88', stopPrice: '89' }).ok).toBe(true);
    expect(v.getOrder('sl')?.price?.toString()).toBe('88');
    expect(v.getOrder('sl')?.stopPrice?.toString()).toBe('89');
    expect(v.amend('a', { stopPrice: '1' }).reason).toBe('unexpected-price');
  });

  it('a triggered post-only stop-limit that would cross is canceled, not matched', () => {
    const v = venue();
    v.submit({ orderId: 'a', side: 'sell', type: 'limit', price: '100', qty: '5' });
    v.submit({
      orderId: 'sl',
      side: 'buy',
      type: 'stop-limit',
      stopPrice: '100',
      price: '100',
      qty: '1',
      postOnly: true,
    });
    const r = v.submit({ side: 'buy', type: 'limit', price: '100', qty: '1' });
    expect(r.events.find((e) => e.type === 'canceled' && e.orderId === 'sl')).toMatchObject({
      reason: 'post-only-would-cross',
    });
    expect(v.restingQty('a').toString()).toBe('4');
  });

  it('self-trade prevention', () => {
    for (const mode of ['cancel-taker', 'cancel-maker', 'cancel-both'] as const) {
      const v = venue({ selfTradePrevention: mode });
      v.submit({ orderId: 'm', owner: 'A', side: 'sell', type: 'limit', price: '10', qty: '1' });
      v.submit({ orderId: 'o', owner: 'B', side: 'sell', type: 'limit', price: '10', qty: '1' });
      const r = v.submit({
        orderId: 't',
        owner: 'A',
        side: 'buy',
        type: 'limit',
        price: '10',
        qty: '2',
      });
      expect(fills(r.events).length, mode).toBe(mode === 'cancel-maker' ? 2 : 0);
      expect(v.getOrder('m')?.status, mode).toBe(mode === 'cancel-taker' ? 'new' : 'canceled');
      expect(v.getOrder('t')?.status, mode).toBe(
        mode === 'cancel-maker' ? 'partially-filled' : 'canceled',
      );
    }
  });

  it('delivers the same events to listeners and returns L2 snapshots', () => {
    const seen: EngineEvent[] = [];
    const v = venue({ onEvent: (e) => seen.push(e) });
    const all: EngineEvent[] = [];
    for (let i = 0; i < 5; i++) {
      all.push(
        ...v.submit({ side: 'buy', type: 'limit', price: Dec(100).minus(i).toString(), qty: '1' })
          .events,
      );
      all.push(
        ...v.submit({ side: 'sell', type: 'limit', price: Dec(101).plus(i).toString(), qty: '2' })
          .events,
      );
    }
    expect(seen).toEqual(all);
    const snap = v.l2Snapshot(3);
    validateL2Snapshot(snap);
    expect(Array.from(snap.bidPrice)).toEqual([100, 99, 98]);
    expect(Array.from(snap.askSize)).toEqual([2, 2, 2]);
    expect(snap.ts).toBe(1000);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: random command sequences through the decimal engine keep the books balanced
// ---------------------------------------------------------------------------------------------
type EngineCmd =
  | { k: 'submit'; req: Parameters<MatchingEngine['submit']>[0] }
  | { k: 'cancel'; pick: number }
  | { k: 'amend'; pick: number; price?: string; qty?: string; stopPrice?: string };

const priceArb = fc.oneof(
  { weight: 9, arbitrary: fc.integer({ min: 996, max: 1004 }).map((c) => (c / 10).toFixed(2)) },
  { weight: 1, arbitrary: fc.constantFrom('100.001', '0', '-5', 'x') },
);
const qtyArb = fc.oneof(
  { weight: 9, arbitrary: fc.integer({ min: 1, max: 3000 }).map((l) => (l / 1000).toString()) },
  { weight: 1, arbitrary: fc.constantFrom('0', '0.0005', '-1') },
);
export const engineCmdArb: fc.Arbitrary<EngineCmd> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({
        side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
        type: fc.constantFrom(
          'limit',
          'limit',
          'limit',
          'market',
          'stop',
          'stop-limit',
        ) as fc.Arbitrary<'limit' | 'market' | 'stop' | 'stop-limit'>,
        price: priceArb,
        stopPrice: priceArb,
        qty: qtyArb,
        tif: fc.constantFrom<'GTC' | 'IOC' | 'FOK' | 'GTD' | undefined>(
          undefined,
          'IOC',
          'FOK',
          'GTD',
        ),
        life: fc.integer({ min: 1, max: 60 }),
        postOnly: fc.boolean(),
        owner: fc.constantFrom<string | undefined>(undefined, 'A', 'B'),
      })
      .map(({ side, type, price, stopPrice, qty, tif, life, postOnly, owner }) => {
        const req: Record<string, unknown> = { side, type, qty };
        if (type === 'limit' || type === 'stop-limit') req.price = price;
        if (type === 'stop' || type === 'stop-limit') req.stopPrice = stopPrice;
        if (tif !== undefined) req.timeInForce = tif;
        if (tif === 'GTD') req.expireAtMs = life; // relative here; made absolute when sent
        if (postOnly && type === 'limit') req.postOnly = true;
        if (owner !== undefined) req.owner = owner;
        return {
          k: 'submit' as const,
          req: req as unknown as Parameters<MatchingEngine['submit']>[0],
        };
      }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('cancel' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        k: fc.constant('amend' as const),
        pick: fc.nat(),
        price: priceArb,
        qty: qtyArb,
        stopPrice: priceArb,
      },
      { requiredKeys: ['k', 'pick'] },
    ),
  },
);

describe('MatchingEngine: properties', () => {
  for (const stp of ['none', 'cancel-maker', 'cancel-taker'] as const) {
    it(`fills balance, never exceed order size, and the book matches open orders (STP ${stp})`, () => {
      fc.assert(
        fc.property(fc.array(engineCmdArb, { minLength: 10, maxLength: 80 }), (cmds) => {
          const clock = new ManualClock(1000);
          const v = venue({ selfTradePrevention: stp, clock });
          const events: EngineEvent[] = [];
          v.subscribe((e) => events.push(e));
          const l2 = createL2Snapshot(50);
          v.subscribeL2(50, (d) => applyL2Delta(l2, d));
          const ids: string[] = [];
          for (const c of cmds) {
            clock.advance(7); // time passes: GTD orders expire along the way
            if (c.k === 'submit') {
              const req =
                c.req.expireAtMs === undefined
                  ? c.req
                  : { ...c.req, expireAtMs: clock.now() + c.req.expireAtMs };
              ids.push(v.submit(req).orderId);
            } else if (ids.length > 0) {
              const id = ids[c.pick % ids.length]!;
              if (c.k === 'cancel') v.cancel(id);
              else {
                const a: { price?: string; qty?: string; stopPrice?: string } = {};
                if (c.price !== undefined) a.price = c.price;
                if (c.qty !== undefined) a.qty = c.qty;
                if (c.stopPrice !== undefined) a.stopPrice = c.stopPrice;
                v.amend(id, a);
              }
            }
            // stops: none left waiting whose condition the last trade already meets
            const last = v.lastPrice();
            if (last !== undefined) {
              for (const o of v.openOrders()) {
                if (o.triggered) continue;
                const met = o.side === 'buy' ? last.gte(o.stopPrice!) : last.lte(o.stopPrice!);
                expect(met, `stop ${o.orderId} should have triggered at ${last}`).toBe(false);
              }
            }
          }
          // every trigger happened at a last price that met the condition
          for (const e of events) {
            if (e.type !== 'triggered') continue;
            const o = v.getOrder(e.orderId)!;
            expect(
              o.side === 'buy' ? e.lastPrice.gte(e.stopPrice) : e.lastPrice.lte(e.stopPrice),
            ).toBe(true);
          }
          const all = fills(events);
          let buy = Dec(0);
          let sell = Dec(0);
          const byTrade = new Map<string, OrderFilled[]>();
          for (const f of all) {
            if (f.side === 'buy') buy = buy.plus(f.qty);
            else sell = sell.plus(f.qty);
            byTrade.set(f.tradeId, [...(byTrade.get(f.tradeId) ?? []), f]);
          }
          expect(buy.eq(sell)).toBe(true);
          for (const pair of byTrade.values()) {
            expect(pair).toHaveLength(2);
            const [x, y] = pair as [OrderFilled, OrderFilled];
            expect(x.side).not.toBe(y.side);
            expect(x.price.eq(y.price) && x.qty.eq(y.qty)).toBe(true);
            expect([x.liquidity, y.liquidity].sort()).toEqual(['maker', 'taker']);
          }
          // per order: cum = Σ fills, cum <= qty, exact average price, open orders rest
          const bidLevels = new Map<string, ReturnType<typeof Dec>>();
          const askLevels = new Map<string, ReturnType<typeof Dec>>();
          for (const id of new Set(ids)) {
            const o = v.getOrder(id);
            if (o === undefined) continue;
            const own = all.filter((f) => f.orderId === id);
            const cum = own.reduce((s, f) => s.plus(f.qty), Dec(0));
            const notional = own.reduce((s, f) => s.plus(f.qty.times(f.price)), Dec(0));
            expect(o.cumQty.eq(cum)).toBe(true);
            expect(o.cumQty.lte(o.qty)).toBe(true);
            expect(o.notional.eq(notional)).toBe(true);
            if (own.length > 0) expect(o.avgPrice?.eq(notional.div(cum))).toBe(true);
            const open = o.status === 'new' || o.status === 'partially-filled';
            if (open && o.triggered) {
              expect(v.restingQty(id).eq(o.qty.minus(o.cumQty))).toBe(true);
              const m = o.side === 'buy' ? bidLevels : askLevels;
              const key = o.price!.toString();
              m.set(key, (m.get(key) ?? Dec(0)).plus(o.leavesQty));
            } else {
              expect(v.restingQty(id).isZero()).toBe(true);
            }
            if (o.status === 'filled') expect(o.cumQty.eq(o.qty)).toBe(true);
          }
          const snap = v.l2Snapshot(50);
          validateL2Snapshot(snap);
          // the L2 delta stream rebuilt the same book
          expect(Array.from(l2.bidPrice)).toEqual(Array.from(snap.bidPrice));
          expect(Array.from(l2.bidSize)).toEqual(Array.from(snap.bidSize));
          expect(Array.from(l2.askPrice)).toEqual(Array.from(snap.askPrice));
          expect(Array.from(l2.askSize)).toEqual(Array.from(snap.askSize));
          const fromSnap = (p: Float64Array, s: Float64Array) => {
            const m = new Map<string, string>();
            for (let i = 0; i < p.length && s[i]! > 0; i++)
              m.set(Dec(p[i]!).toString(), Dec(s[i]!).toString());
            return m;
          };
          const norm = (m: Map<string, ReturnType<typeof Dec>>) =>
            new Map([...m].map(([k, q]) => [k, q.toString()]));
          expect(fromSnap(snap.bidPrice, snap.bidSize)).toEqual(norm(bidLevels));
          expect(fromSnap(snap.askPrice, snap.askSize)).toEqual(norm(askLevels));
        }),
        fcParams({ numRuns: 100 }),
      );
    });
  }
});

describe('MatchingEngine: robustness', () => {
  it('never throws on malformed input: every bad command is a reject', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), (a, b, c) => {
        const v = venue();
        v.submit({ orderId: 'r', side: 'buy', type: 'limit', price: '10', qty: '1' });
        const r1 = v.submit(a as Parameters<MatchingEngine['submit']>[0]);
        const r2 = v.amend('r', b as Parameters<MatchingEngine['amend']>[1]);
        const r3 = v.cancel(c as string);
        const r4 = v.submit({
          side: 'sell',
          type: 'limit',
          price: b as string,
          qty: c as string,
        });
        for (const r of [r1, r2, r3, r4]) {
          if (!r.ok) expect(r.events.map((e) => e.type)).toEqual(['rejected']);
          expect(typeof r.orderId).toBe('string');
          for (const e of r.events) if ('orderId' in e) expect(typeof e.orderId).toBe('string');
        }
        validateL2Snapshot(v.l2Snapshot(5));
      }),
      fcParams({ numRuns: 300 }),
    );
  });

  it('listeners may issue commands: events are delivered in order, after the state is complete', () => {
    const v = venue();
    const seen: string[] = [];
    v.subscribe((e) => {
      seen.push(`${e.type}${'orderId' in e ? `:${e.orderId}` : ''}`);
      // react to a partial fill of 'bid' by canceling the rest (an OCO-style reaction)
      if (e.type === 'fill' && e.orderId === 'bid' && e.status === 'partially-filled') {
        expect(v.getOrder('bid')?.status).toBe('partially-filled');
        v.cancel('bid');
      }
    });
    v.submit({ orderId: 'bid', side: 'buy', type: 'limit', price: '10', qty: '2' });
    const r = v.submit({ orderId: 'mkt', side: 'sell', type: 'market', qty: '0.5' });
    expect(r.events.map((e) => e.type)).toEqual(['accepted', 'execute', 'trade', 'fill', 'fill']);
    expect(v.getOrder('bid')?.status).toBe('canceled');
    expect(seen).toEqual([
      'accepted:bid',
      'add:bid',
      'accepted:mkt',
      'execute',
      'trade',
      'fill:bid',
      'fill:mkt',
      'cancel:bid',
      'canceled:bid',
    ]);
  });
});

describe('MatchingEngine: listener errors', () => {
  const tag = (e: EngineEvent) => `${e.type}${'orderId' in e ? `:${e.orderId}` : ''}`;

  it('a throwing listener loses no event: every listener gets every event, then the error is rethrown', () => {
    const v = venue();
    const boom = new Error('listener bug');
    const first: string[] = [];
    const second: string[] = [];
    let thrown = 0;
    v.subscribe((e) => {
      first.push(tag(e));
      if (e.type === 'execute') {
        thrown++;
        throw boom;
      }
    });
    v.subscribe((e) => second.push(tag(e)));
    v.submit({ orderId: 'a1', side: 'sell', type: 'limit', price: '10', qty: '1' });
    v.submit({ orderId: 'a2', side: 'sell', type: 'limit', price: '10.01', qty: '1' });
    let caught: unknown;
    let result: unknown;
    try {
      result = v.submit({ orderId: 'b', side: 'buy', type: 'limit', price: '10.01', qty: '1.5' });
    } catch (err) {
      caught = err;
    }
    expect(result).toBeUndefined();
    // two executions, two listener errors: an AggregateError with both, in order
    expect(thrown).toBe(2);
    expect(caught).toBeInstanceOf(AggregateError);
    expect((caught as AggregateError).errors).toEqual([boom, boom]);
    const expected = [
      'accepted:a1',
      'add:a1',
      'accepted:a2',
      'add:a2',
      'accepted:b',
      'execute',
      'trade',
      'fill:a1',
      'fill:b',
      'execute',
      'trade',
      'fill:a2',
      'fill:b',
    ];
    expect(first).toEqual(expected);
    expect(second).toEqual(expected);
    // the engine is consistent and keeps working: the next command's events arrive too
    expect(v.getOrder('b')?.status).toBe('filled');
    expect(v.restingQty('a2').toString()).toBe('0.5');
    expect(v.cancel('a2').ok).toBe(true);
    expect(second.at(-1)).toBe('canceled:a2');
  });

  it('a single listener error is rethrown as is, after the remaining events', () => {
    const v = venue();
    const seen: string[] = [];
    v.subscribe((e) => {
      seen.push(tag(e));
      if (e.type === 'accepted') throw new RangeError('first event fails');
    });
    expect(() =>
      v.submit({ orderId: 'x', side: 'buy', type: 'limit', price: '10', qty: '1' }),
    ).toThrow(RangeError);
    expect(seen).toEqual(['accepted:x', 'add:x']);
    expect(v.getOrder('x')?.status).toBe('new');
  });

  it('onListenerError takes the errors: delivery goes on, commands issued by listeners included', () => {
    const reported: [unknown, string][] = [];
    const v = venue({ onListenerError: (err, e) => reported.push([err, tag(e)]) });
    const seen: string[] = [];
    v.subscribe((e) => {
      // an OCO-style reaction that then fails
      if (e.type === 'fill' && e.orderId === 'bid') {
        v.cancel('bid');
        throw new Error('after cancel');
      }
    });
    v.subscribe((e) => seen.push(tag(e)));
    v.submit({ orderId: 'bid', side: 'buy', type: 'limit', price: '10', qty: '2' });
    const r = v.submit({ orderId: 'mkt', side: 'sell', type: 'market', qty: '0.5' });
    expect(r.ok).toBe(true);
    expect(reported.map(([err, e]) => [(err as Error).message, e])).toEqual([
      ['after cancel', 'fill:bid'],
    ]);
    expect(seen).toEqual([
      'accepted:bid',
      'add:bid',
      'accepted:mkt',
      'execute',
      'trade',
      'fill:bid',
      'fill:mkt',
      'cancel:bid',
      'canceled:bid',
    ]);
    expect(v.getOrder('bid')?.status).toBe('canceled');
  });

  it('an unsubscribe during delivery takes effect from the next event', () => {
    const v = venue();
    const seen: string[] = [];
    const off = v.subscribe((e) => {
      seen.push(tag(e));
      off();
    });
    v.submit({ orderId: 'x', side: 'buy', type: 'limit', price: '10', qty: '1' });
    expect(seen).toEqual(['accepted:x']);
  });
});

describe('MatchingEngine: instrument rules', () => {
  it('rejects exactly what Instrument.checkOrder rejects (integer shortcuts are exact)', () => {
    const steps = ['0.01', '0.05', '0.25', '1', '0.001', '5'];
    fc.assert(
      fc.property(
        fc.constantFrom(...steps),
        fc.constantFrom(...steps),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: -5, max: 20_000 }),
        fc.integer({ min: -5, max: 2_000 }),
        fc.integer({ min: 1, max: 4 }),
        (tick, lot, minQtyLots, minNotional, priceUnits, qtyUnits, denom) => {
          const inst = Instrument.create({
            symbol: 'R',
            tickSize: tick,
            lotSize: lot,
            minQty: Dec(lot).times(minQtyLots).div(2).toString(),
            minNotional: Dec(minNotional).div(10).toString(),
          });
          // prices and quantities on and off the grid
          const price = Dec(tick).times(priceUnits).div(denom).toString();
          const qty = Dec(lot).times(qtyUnits).div(denom).toString();
          const v = new MatchingEngine(inst, { clock: new ManualClock(0) });
          const r = v.submit({ side: 'buy', type: 'limit', price, qty });
          const expected = inst.checkOrder(price, qty);
          if (expected === null) expect(r.ok).toBe(true);
          else expect(r.reason).toBe(expected);
        },
      ),
      fcParams({ numRuns: 500 }),
    );
  });
});

describe('MatchingEngine: good-till-date orders', () => {
  it('a GTD order rests until the clock reaches its expiry, then expires', () => {
    const clock = new ManualClock(1000);
    const v = new MatchingEngine(inst, { clock });
    const seen: EngineEvent[] = [];
    v.subscribe((e) => seen.push(e));
    const r = v.submit({
      orderId: 'g',
      side: 'buy',
      type: 'limit',
      price: '10',
      qty: '2',
      timeInForce: 'GTD',
      expireAtMs: 5000,
    });
    expect(r.events[0]).toMatchObject({ type: 'accepted', timeInForce: 'GTD', expireAtMs: 5000 });
    expect(v.getOrder('g')?.expireAtMs).toBe(5000);
    v.submit({ side: 'sell', type: 'market', qty: '0.5' }); // partial fill before expiry
    clock.set(4999);
    expect(v.expireOrders()).toEqual([]);
    clock.set(5000);
    const ex = v.expireOrders();
    expect(ex.map((e) => e.type)).toEqual(['cancel', 'canceled']);
    expect(ex[1]).toMatchObject({ type: 'canceled', orderId: 'g', reason: 'expired' });
    expect(ex[1]!.type === 'canceled' && ex[1]!.canceledQty.toString()).toBe('1.5');
    expect(v.getOrder('g')?.status).toBe('expired');
    expect(v.getOrder('g')?.cumQty.toString()).toBe('0.5');
    expect(v.bestBid()).toBeUndefined();
    expect(seen.slice(-2)).toEqual(ex);
    expect(v.amend('g', { qty: '3' }).reason).toBe('order-closed');
  });

  it('any command first expires due orders, stops included; bad GTD requests are rejected', () => {
    const clock = new ManualClock(0);
    const v = new MatchingEngine(inst, { clock });
    v.submit({
      orderId: 's',
      side: 'sell',
      type: 'stop-limit',
      stopPrice: '9',
      price: '9',
      qty: '1',
      timeInForce: 'GTD',
      expireAtMs: 10,
    });
    clock.set(10);
    const r = v.submit({ orderId: 'x', side: 'buy', type: 'limit', price: '8', qty: '1' });
    expect(r.events.map((e) => e.type)).toEqual(['canceled', 'accepted', 'add']);
    expect(v.getOrder('s')?.status).toBe('expired');
    const bad: Parameters<MatchingEngine['submit']>[0][] = [
      { side: 'buy', type: 'limit', price: '8', qty: '1', timeInForce: 'GTD' },
      { side: 'buy', type: 'limit', price: '8', qty: '1', timeInForce: 'GTD', expireAtMs: 10 },
      { side: 'buy', type: 'market', qty: '1', timeInForce: 'GTD', expireAtMs: 99 },
      { side: 'buy', type: 'limit', price: '8', qty: '1', expireAtMs: 99 },
    ];
    for (const b of bad) expect(v.submit(b).reason).toBe('invalid-order');
    // a GTD order that fills at once never expires later
    v.submit({ orderId: 'a', side: 'sell', type: 'limit', price: '8', qty: '1' });
    expect(v.getOrder('x')?.status).toBe('filled');
    clock.set(1000);
    expect(v.expireOrders()).toEqual([]);
  });
});
