import { Instrument, ManualClock } from '@x/core';
import { bracket, OrderManager } from '@x/oco';
import { MatchingEngine } from '@x/sim';
import { describe, expect, it } from 'vitest';
import { SIM_VENUE_PROFILE, SimOcoSession } from '../src/index.js';

// The README quick start, with the values it states.
describe('README quick start', () => {
  it('runs and produces what the README says', () => {
    const inst = Instrument.create({ symbol: 'XYZ', tickSize: '0.01', lotSize: '1' });
    const engine = new MatchingEngine(inst, { clock: new ManualClock(0) });
    const om = new OrderManager({ instruments: [inst], venue: SIM_VENUE_PROFILE });
    const session = new SimOcoSession(om, engine);
    engine.submit({ side: 'sell', type: 'limit', qty: '4', price: '100' });
    session.apply({
      type: 'create',
      spec: bracket({
        id: 'b',
        symbol: 'XYZ',
        side: 'buy',
        qty: '10',
        entryPrice: '100',
        stop: { offset: { kind: 'ticks', value: 50 } },
        target: { offset: { kind: 'ticks', value: 50 } },
      }),
    });
    session.pump();
    expect(om.ledger('b').openQty.toString()).toBe('4');
    const legs = om.ledger('b').legs;
    expect(legs.map((l) => `${l.id} ${l.orderQty} ${l.stopPrice ?? l.price}`)).toEqual([
      'entry 10 100',
      'stop 4 99.5',
      'target 4 100.5',
    ]);
    // the log rebuilds the manager
    const replay = new OrderManager({ instruments: [inst], venue: SIM_VENUE_PROFILE });
    for (const e of session.log) replay.apply(e);
    expect(JSON.stringify(replay.snapshot())).toBe(JSON.stringify(om.snapshot()));
  });

  it('a time in force the engine cannot take comes back as a rejection', () => {
    const inst = Instrument.create({ symbol: 'XYZ', tickSize: '0.01', lotSize: '1' });
    const engine = new MatchingEngine(inst, { clock: new ManualClock(0) });
    const om = new OrderManager({ instruments: [inst], venue: SIM_VENUE_PROFILE });
    const session = new SimOcoSession(om, engine);
    session.apply({
      type: 'create',
      spec: bracket({
        id: 'd',
        symbol: 'XYZ',
        side: 'buy',
        qty: '1',
        entryPrice: '100',
        timeInForce: 'DAY',
        stop: { price: '99' },
        target: { price: '101' },
      }),
    });
    session.pump();
    expect(om.ledger('d').status).toBe('done');
    expect(engine.openOrders()).toEqual([]);
  });
});
