// Consumer type test for @x/oco: commands carry Decimal prices and quantities.
import { Instrument } from '@x/core';
import { bracket, OrderManager } from '@x/oco';
import { assertNotAny } from './assert.js';

const om = new OrderManager({
  instruments: [Instrument.create({ symbol: 'BTC-USD', tickSize: '0.5', lotSize: '0.001' })],
});
const step = om.apply({
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
assertNotAny(step);
assertNotAny(step.commands);
// @ts-expect-error an unknown event type does not compile
om.apply({ type: 'no-such-event' });
export const used = [step];
