import { Instrument } from '@x/core';
import { describe, expect, it } from 'vitest';
import { type EngineEvent, type HistoricalMessage, ReplayVenue } from '../src/index.js';

const XYZ = Instrument.create({ symbol: 'XYZ', tickSize: '0.01', lotSize: '1' });
const msg = (m: Partial<HistoricalMessage> & Pick<HistoricalMessage, 'type' | 'orderId'>) =>
  ({ ts: 0, size: 10, priceTicks: 10000, side: 'buy', ...m }) as HistoricalMessage;

function venue(options: ConstructorParameters<typeof ReplayVenue>[1] = {}) {
  const v = new ReplayVenue(XYZ, options);
  const events: EngineEvent[] = [];
  v.subscribe((e) => events.push(e));
  return {
    v,
    events,
    types: () => events.map((e) => `${e.type}:${'orderId' in e ? e.orderId : ''}`),
  };
}

describe('ReplayVenue', () => {
  it('takes decimal orders, reports like the engine, and fills from the historical flow', () => {
    const { v, events, types } = venue();
    v.apply(msg({ type: 1, orderId: 1, size: 5, priceTicks: 10001, side: 'sell' }));
    const r = v.submit({ orderId: 'a', side: 'buy', type: 'limit', price: '100.01', qty: '8' });
    expect(r.ok).toBe(true);
    expect(r.order).toMatchObject({ status: 'partially-filled' });
    expect(r.order?.cumQty.toString()).toBe('5');
    expect(v.restingQty('a').toString()).toBe('3');
    v.apply(msg({ ts: 1, type: 1, orderId: 2, size: 2, priceTicks: 10001, side: 'sell' }));
    expect(v.getOrder('a')?.status).toBe('partially-filled'); // a historical offer crossed us: 2
    expect(v.getOrder('a')?.cumQty.toString()).toBe('7');
    expect(types()).toEqual(['accepted:a', 'fill:a', 'fill:a']);
    const fill = events[1] as Extract<EngineEvent, { type: 'fill' }>;
    expect(fill).toMatchObject({ liquidity: 'taker', counterpartyOrderId: 'history' });
    expect(fill.price.toString()).toBe('100.01');
    expect(v.amend('a', { qty: '7.5' }).ok).toBe(false); // off the lot grid, by the engine's rule
    expect(v.amend('a', { price: '100.00', qty: '9' }).ok).toBe(true); // back of the 100.00 level
    expect(v.restingQty('a').toString()).toBe('2');
    expect(v.cancel('a').ok).toBe(true);
    expect(v.cancel('a').reason).toBe('order-closed');
    expect(
      v.submit({
        side: 'buy',
        type: 'limit',
        price: '1',
        qty: '1',
        timeInForce: 'GTD',
        expireAtMs: 9,
      }).reason,
    ).toBe('invalid-order');
    expect(v.submit({ side: 'sell', type: 'market', qty: '1' }).order?.status).toBe('rejected'); // no bids
  });

  it('holds stops until the historical last price reaches them; cancels and amends them', () => {
    const { v, types } = venue();
    v.apply(msg({ type: 1, orderId: 1, size: 50, priceTicks: 9990 }));
    v.submit({ orderId: 's', side: 'sell', type: 'stop', stopPrice: '99.95', qty: '5' });
    v.submit({ orderId: 't', side: 'sell', type: 'stop', stopPrice: '99.00', qty: '5' });
    expect(v.amend('t', { stopPrice: '98.00' }).ok).toBe(true);
    expect(v.cancel('t').ok).toBe(true);
    v.apply(msg({ ts: 1, type: 4, orderId: 1, size: 1, priceTicks: 9990 })); // last 99.90
    expect(v.lastPrice()?.toString()).toBe('99.9');
    expect(v.getOrder('s')).toMatchObject({ status: 'filled', triggered: true });
    expect(v.getOrder('s')?.avgPrice?.toString()).toBe('99.9');
    expect(types()).toEqual([
      'accepted:s',
      'accepted:t',
      'amended:t',
      'canceled:t',
      'triggered:s',
      'fill:s',
    ]);
  });

  it('with entry latency the order is accepted on arrival', () => {
    const { v, types } = venue({ entryLatencyMs: 2 });
    v.apply(msg({ type: 1, orderId: 1 }));
    const r = v.submit({ orderId: 'a', side: 'buy', type: 'limit', price: '100', qty: '1' });
    expect(r.events).toEqual([]);
    v.apply(msg({ ts: 2, type: 1, orderId: 2 }));
    expect(types()).toEqual(['accepted:a']);
    expect(v.orders.order('a')?.aheadLots).toBe(10);
  });
});

describe('ReplayVenue and MatchingEngine refuse the same malformed submits the same way', () => {
  it('a non-object request, an unprintable or empty id, a duplicate id: typed rejects, no throw', async () => {
    const { MatchingEngine } = await import('../src/index.js');
    const engine = new MatchingEngine(XYZ);
    const { v } = venue();
    const base = { side: 'buy', type: 'limit', price: '100', qty: '1' } as const;
    const cases: unknown[] = [
      null,
      'not an order',
      { ...base, orderId: Symbol('x') },
      { ...base, orderId: '' },
    ];
    for (const bad of cases) {
      const a = engine.submit(bad as never);
      const b = v.submit(bad as never);
      expect([a.ok, a.reason]).toEqual([false, 'invalid-order']);
      expect([b.ok, b.reason]).toEqual([a.ok, a.reason]);
      if (typeof bad === 'object' && bad !== null) expect(b.orderId).toBe(a.orderId);
    }
    expect(engine.submit({ ...base, orderId: 'd' }).ok).toBe(true);
    expect(v.submit({ ...base, orderId: 'd' }).ok).toBe(true);
    expect(engine.submit({ ...base, orderId: 'd' }).reason).toBe('duplicate-order-id');
    expect(v.submit({ ...base, orderId: 'd' }).reason).toBe('duplicate-order-id');
  });
});
