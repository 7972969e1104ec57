import { Instrument } from '@x/core';
import { describe, expect, it } from 'vitest';
import { bracket, OrderManager } from '../src/index.js';

// The README quick start, step by step, with the values it states.
describe('README quick start', () => {
  it('runs and produces what the README says', () => {
    const btc = Instrument.create({ symbol: 'BTC-USD', tickSize: '0.5', lotSize: '0.001' });
    const om = new OrderManager({ instruments: [btc] });
    let step = om.apply({
      type: 'create',
      spec: bracket({
        id: 'b1',
        symbol: 'BTC-USD',
        side: 'buy',
        qty: '1',
        entryPrice: '100',
        stop: { offset: { kind: 'ticks', value: 10 } },
        target: { offset: { kind: 'bps', value: 100 } },
      }),
    });
    expect(
      step.commands.map((c) => [
        c.type,
        c.orderId,
        c.type === 'submit' ? `${c.qty}@${c.price}` : '',
      ]),
    ).toEqual([['submit', 'b1:entry:1', '1@100']]);
    om.apply({ type: 'accepted', orderId: 'b1:entry:1' });
    step = om.apply({
      type: 'fill',
      orderId: 'b1:entry:1',
      tradeId: 't1',
      price: '100',
      qty: '0.4',
    });
    expect(
      step.commands.map((c) =>
        c.type === 'submit' ? `${c.legId} ${c.qty}@${c.stopPrice ?? c.price}` : c.type,
      ),
    ).toEqual(['stop 0.4@95', 'target 0.4@101']);
    om.apply({ type: 'accepted', orderId: 'b1:stop:1' });
    om.apply({ type: 'accepted', orderId: 'b1:target:1' });
    step = om.apply({
      type: 'fill',
      orderId: 'b1:entry:1',
      tradeId: 't2',
      price: '99',
      qty: '0.6',
    });
    expect(
      step.commands.map((c) =>
        c.type === 'modify' ? `${c.orderId} ${c.qty}@${c.stopPrice ?? c.price}` : c.type,
      ),
    ).toEqual(['b1:stop:1 1@94', 'b1:target:1 1@100.5']);
    expect(om.ledger('b1').avgEntryPrice?.toString()).toBe('99.4');
  });
});
