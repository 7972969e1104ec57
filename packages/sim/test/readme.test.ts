import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Instrument, ManualClock } from '@x/core';
import { describe, expect, it } from 'vitest';
import { BackgroundFlow, cst2010Rates, MatchingEngine, OrderFlowGenerator } from '../src/index.js';

/** The README's text between two marker comments of this file, de-indented. */
function block(begin: string, end: string): string {
  const self = readFileSync(join(import.meta.dirname, 'readme.test.ts'), 'utf8');
  return self
    .slice(self.indexOf(`// ${begin}\n`) + begin.length + 4, self.indexOf(`    // ${end}`))
    .split('\n')
    .map((l) => l.replace(/^ {4}/, ''))
    .join('\n')
    .trim();
}
const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

describe('README quick start', () => {
  it('runs, gives the results its comments state, and is the code the README shows', () => {
    // README-BEGIN
    // a venue for one instrument
    const btc = Instrument.create({ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' });
    const venue = new MatchingEngine(btc, { clock: new ManualClock(0) });
    venue.submit({ orderId: 'ask1', side: 'sell', type: 'limit', price: '100.00', qty: '1' });
    venue.submit({ orderId: 'ask2', side: 'sell', type: 'limit', price: '100.01', qty: '1' });
    const buy = venue.submit({ side: 'buy', type: 'limit', price: '100.01', qty: '1.5' });
    buy.order?.status; // 'filled'
    buy.order?.avgPrice?.toString(); // '100.00333333333333333333333333333333333333333333333'
    buy.events.filter((e) => e.type === 'fill').length; // 4: maker and taker fill of 2 trades
    venue.restingQty('ask2').toString(); // '0.5'

    // a reproducible market: the same seed gives the same stream
    const gen = new OrderFlowGenerator({ seed: 42, rates: cst2010Rates(10) });
    let updates = 0;
    for (const snap of gen.l2Snapshots(10, { count: 1000 })) {
      updates += snap.bidSize[0]! > 0 ? 1 : 0; // one L2Snapshot object, updated in place
    }
    // README-END
    expect(buy.order?.status).toBe('filled');
    expect(buy.order?.avgPrice?.toString()).toBe(
      '100.00333333333333333333333333333333333333333333333',
    );
    expect(buy.events.filter((e) => e.type === 'fill').length).toBe(4);
    expect(venue.restingQty('ask2').toString()).toBe('0.5');
    expect(updates).toBeGreaterThan(900);

    expect(readme).toContain(block('README-BEGIN', 'README-END'));
  });

  it('the background-flow example runs and is the code the README shows', () => {
    const btc = Instrument.create({ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' });
    // FLOW-BEGIN
    const clock = new ManualClock(0);
    const venue = new MatchingEngine(btc, { clock });
    const flow = new BackgroundFlow(venue, { seed: 7, clock, rates: cst2010Rates(10) });
    flow.runFor(600_000); // ten minutes of market
    venue.submit({
      orderId: 'me',
      side: 'buy',
      type: 'limit',
      price: venue.bestBid()!,
      qty: '0.005',
    });
    flow.runFor(60_000); // 'me' may now be partly or fully filled
    // FLOW-END
    expect(clock.now()).toBeGreaterThanOrEqual(660_000);
    expect(venue.getOrder('me')?.status).not.toBe('rejected');
    expect(readme).toContain(block('FLOW-BEGIN', 'FLOW-END'));
  });
});
