/**
 * @x/oco on a replayed historical market: the same adapter and session, driven by a ReplayVenue
 * instead of the MatchingEngine, with the bracket filled from the historical flow.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Instrument } from '@x/core';
import { readLobster } from '@x/data';
import { bracket, OrderManager } from '@x/oco';
import { type HistoricalMessage, ReplayVenue } from '@x/sim';
import { describe, expect, it } from 'vitest';
import { SIM_VENUE_PROFILE, SimOcoSession } from '../src/index.js';

const XYZ = Instrument.create({ symbol: 'XYZ', tickSize: '0.01', lotSize: '1' });

function session(inst: Instrument) {
  const venue = new ReplayVenue(inst);
  const om = new OrderManager({ instruments: [inst], venue: SIM_VENUE_PROFILE });
  const s = new SimOcoSession(om, venue);
  let ts = 0;
  const feed = (m: Omit<HistoricalMessage, 'ts'>) => {
    venue.apply({ ts: ts++, ...m });
    s.pump();
    s.market();
    s.pump();
  };
  return { venue, om, s, feed };
}

describe('a bracket on a replayed market', () => {
  it('fills partially, then fully, from the historical flow (synthetic L3 stream)', () => {
    const { venue, om, s, feed } = session(XYZ);
    feed({ type: 1, orderId: 1, size: 50, priceTicks: 9999, side: 'buy' });
    feed({ type: 1, orderId: 2, size: 50, priceTicks: 10001, side: 'sell' });
    s.apply({
      type: 'create',
      spec: bracket({
        id: 'b1',
        symbol: 'XYZ',
        side: 'buy',
        qty: '10',
        entryPrice: '100.00',
        stop: { offset: { kind: 'ticks', value: 50 } },
        target: { offset: { kind: 'ticks', value: 50 } },
      }),
    });
    s.pump();
    expect(venue.restingQty('b1:entry:1').toString()).toBe('10'); // first in the queue at 100.00
    feed({ type: 1, orderId: 3, size: 20, priceTicks: 10000, side: 'buy' }); // behind the entry
    feed({ type: 4, orderId: 3, size: 4, priceTicks: 10000, side: 'buy' }); // a sell reaches us
    let g = om.ledger('b1')!;
    expect(g.entryFilled.toString()).toBe('4');
    expect(g.status).toBe('working');
    feed({ type: 4, orderId: 3, size: 10, priceTicks: 10000, side: 'buy' });
    g = om.ledger('b1')!;
    expect(g.entryFilled.toString()).toBe('10');
    expect(g.avgEntryPrice?.toString()).toBe('100');
    // the target rests at 100.50: a historical offer joins behind it, then buyers arrive
    feed({ type: 1, orderId: 5, size: 30, priceTicks: 10050, side: 'sell' });
    feed({ type: 4, orderId: 5, size: 3, priceTicks: 10050, side: 'sell' });
    g = om.ledger('b1')!;
    expect(g.exitFilled.toString()).toBe('3');
    expect(g.openQty.toString()).toBe('7');
    feed({ type: 4, orderId: 5, size: 20, priceTicks: 10050, side: 'sell' });
    g = om.ledger('b1')!;
    expect(g.exitFilled.toString()).toBe('10');
    expect(g.avgExitPrice?.toString()).toBe('100.5');
    expect(g.status).toBe('done'); // the stop was canceled: one cancels the other
    // our fills never changed the historical book
    expect(venue.orders.replay.book.levelLots('sell', 10050)).toBe(7);
    expect(venue.orders.replay.book.levelLots('buy', 10000)).toBe(6);
  });

  it('the stop triggers on the historical last trade price and takes historical liquidity', () => {
    const { om, s, feed } = session(XYZ);
    feed({ type: 1, orderId: 1, size: 50, priceTicks: 9999, side: 'buy' });
    feed({ type: 1, orderId: 2, size: 50, priceTicks: 10001, side: 'sell' });
    s.apply({
      type: 'create',
      spec: bracket({
        id: 'b2',
        symbol: 'XYZ',
        side: 'buy',
        qty: '5',
        entryPrice: '100.01', // crosses: takes 5 of order 2
        stop: { offset: { kind: 'ticks', value: 2 } },
        target: { offset: { kind: 'ticks', value: 50 } },
      }),
    });
    s.pump();
    expect(om.ledger('b2')?.entryFilled.toString()).toBe('5');
    feed({ type: 1, orderId: 3, size: 40, priceTicks: 9998, side: 'buy' });
    feed({ type: 3, orderId: 1, size: 50, priceTicks: 9999, side: 'buy' });
    feed({ type: 4, orderId: 3, size: 1, priceTicks: 9998, side: 'buy' }); // trades at 99.98 <= 99.99
    const g = om.ledger('b2')!;
    expect(g.exitFilled.toString()).toBe('5');
    expect(g.avgExitPrice?.toString()).toBe('99.98');
    expect(g.status).toBe('done');
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
    `[skip] the real LOBSTER sample is not at ${sample}: the oco replay test is skipped`,
  );
}

describe.skipIf(!haveSample)('a bracket on the real replayed day (AAPL 2012-06-21)', () => {
  it('fills from the historical flow, with the ledger equal to the venue’s fills', async () => {
    const AAPL = Instrument.create({ symbol: 'AAPL', tickSize: '0.01', lotSize: '1' });
    const venue = new ReplayVenue(AAPL);
    const om = new OrderManager({ instruments: [AAPL], venue: SIM_VENUE_PROFILE });
    const s = new SimOcoSession(om, venue);
    let venueFills = 0;
    venue.subscribe((e) => {
      if (e.type === 'fill') venueFills += Number(e.qty.toString());
    });
    let rows = 0;
    for await (const { message, book } of readLobster(
      { messages, orderbook, levels: 10 },
      { tickSize: '0.01' },
    )) {
      if (++rows === 1) {
        venue.seed(book);
        continue;
      }
      venue.apply(message);
      if (rows === 2) {
        const bid = venue.orders.replay.book.bestBid();
        s.apply({
          type: 'create',
          spec: bracket({
            id: 'aapl',
            symbol: 'AAPL',
            side: 'buy',
            qty: '100',
            entryPrice: (bid / 100).toFixed(2),
            stop: { offset: { kind: 'ticks', value: 5 } },
            target: { offset: { kind: 'ticks', value: 5 } },
          }),
        });
      }
      s.pump();
      s.market();
      s.pump();
    }
    const g = om.ledger('aapl')!;
    expect(Number(g.entryFilled.toString())).toBeGreaterThan(0);
    expect(Number(g.exitFilled.toString())).toBeLessThanOrEqual(Number(g.entryFilled.toString()));
    expect(Number(g.entryFilled.toString()) + Number(g.exitFilled.toString())).toBe(venueFills);
    console.log('bracket on AAPL 2012-06-21', {
      status: g.status,
      entryFilled: g.entryFilled.toString(),
      avgEntry: g.avgEntryPrice?.toString(),
      exitFilled: g.exitFilled.toString(),
      avgExit: g.avgExitPrice?.toString(),
      legs: g.legs.map((l) => `${l.role}:${l.state}:${l.filled.toString()}`),
    });
  });
});
