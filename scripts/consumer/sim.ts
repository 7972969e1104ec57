// Consumer type test for @x/sim: fill prices are Decimals.
import { type Decimal, Instrument } from '@x/core';
import { MatchingEngine } from '@x/sim';
import { assertNotAny } from './assert.js';

const venue = new MatchingEngine(
  Instrument.create({ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' }),
);
venue.submit({ orderId: 'ask1', side: 'sell', type: 'limit', price: '100.00', qty: '1' });
const r = venue.submit({ side: 'buy', type: 'limit', price: '100.00', qty: '0.5' });
const avg = r.order?.avgPrice;
assertNotAny(avg);
const exact: Decimal | undefined = avg;
// @ts-expect-error an average price is a Decimal, not a number
const asNumber: number | undefined = avg;
// @ts-expect-error the side is 'buy' | 'sell'
venue.submit({ side: 'long', type: 'limit', price: '100.00', qty: '1' });
export const used = [exact, asNumber];
