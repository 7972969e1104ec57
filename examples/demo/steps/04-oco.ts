import { Instrument, ManualClock } from '@x/core';
import { bracket, OrderManager, type OrderManagerOptions } from '@x/oco';
import { cst2010Rates, MatchingEngine, OrderFlowGenerator } from '@x/sim';
import { SIM_VENUE_PROFILE, SimOcoSession } from '@x/sim-oco';
import type { DemoStep } from '../step.js';

// @x/sim-oco connects the manager to the engine: commands become engine calls, the engine's
// reports for our orders come back as manager events (it also carries the engine's time-in-force
// and stop-amend workarounds, so nothing here has to know them).
const step: DemoStep = {
  title: '@x/oco: bracket orders that stay correct under partial fills, on @x/sim order flow',
  run(progress) {
    const inst = Instrument.create({ symbol: 'SIM-USD', tickSize: '0.01', lotSize: '1' });
    const clock = new ManualClock(0);
    const options: OrderManagerOptions = { instruments: [inst], venue: SIM_VENUE_PROFILE };
    const om = new OrderManager(options);
    const venue = new MatchingEngine(inst, { clock, selfTradePrevention: 'cancel-taker' });
    const session = new SimOcoSession(om, venue);
    let modifies = 0;
    let reprotects = 0;
    const count = (s: ReturnType<typeof session.apply>) => {
      for (const c of s.commands) {
        if (c.type === 'modify') modifies++;
        else if (c.type === 'submit' && c.role === 'stop' && Number(c.orderId.split(':')[2]) > 1)
          reprotects++;
      }
    };
    const apply = (e: Parameters<typeof session.apply>[0]) => count(session.apply(e));
    const pump = () => session.pump((_e, s) => count(s));

    const gen = new OrderFlowGenerator({ seed: 7, rates: cst2010Rates(10), instrument: inst });
    const N = 150_000;
    let n = 0;
    let groups = 0;
    for (const e of gen.events({ count: N })) {
      n++;
      clock.set(Math.max(clock.now(), e.ts));
      if (e.type === 'add')
        venue.submit({
          orderId: `f${e.orderId}`,
          side: e.side,
          type: 'limit',
          price: e.price,
          qty: e.qty,
        });
      else if (e.type === 'cancel') venue.cancel(`f${e.orderId}`);
      else if (e.type === 'execute')
        venue.submit({ side: e.side === 'buy' ? 'sell' : 'buy', type: 'market', qty: e.qty });
      else continue;
      pump();
      const last = venue.lastPrice();
      if (n % 50 === 0 && last !== undefined) apply({ type: 'market', symbol: inst.symbol, last });
      // every 2,500 events, join the best bid (or offer) with a 20-lot bracket
      const bb = venue.bestBid();
      const ba = venue.bestAsk();
      if (n % 2_500 === 0 && bb !== undefined && ba !== undefined) {
        const long = groups % 2 === 0;
        apply({
          type: 'create',
          spec: bracket({
            id: `b${groups++}`,
            symbol: inst.symbol,
            side: long ? 'buy' : 'sell',
            qty: 20,
            entryPrice: long ? bb : ba,
            stop: {
              offset: { kind: 'ticks', value: 4 },
              trailing: {
                distance: { kind: 'ticks', value: 4 },
                activation: long ? ba.plus('0.03') : bb.minus('0.03'),
              },
            },
            target: { offset: { kind: 'ticks', value: 6 } },
          }),
        });
      }
      pump();
      if (n % 10_000 === 0) progress.update(n / N, 'brackets on generated flow');
    }
    // end of session: cancel what is left and let it settle
    for (const id of om.groupIds()) apply({ type: 'cancel-group', groupId: id, scope: 'all' });
    pump();
    progress.update(1);

    let partialEntries = 0;
    let flat = 0;
    let pnl = 0;
    let entryLots = 0;
    let overfill = 0;
    for (const id of om.groupIds()) {
      const l = om.ledger(id);
      const entry = l.entryFilled.toNumber();
      entryLots += entry;
      if (entry > 0 && entry < 20) partialEntries++;
      if (entry > 0 && l.openQty.isZero()) flat++;
      if (l.openQty.isNegative()) overfill += -l.openQty.toNumber();
      if (l.avgExitPrice !== undefined && l.avgEntryPrice !== undefined) {
        const sign = Number(id.slice(1)) % 2 === 0 ? 1 : -1; // even groups are long
        pnl +=
          sign * l.exitFilled.toNumber() * (l.avgExitPrice.toNumber() - l.avgEntryPrice.toNumber());
      }
    }
    const replay = new OrderManager(options);
    for (const e of session.log) replay.apply(e);
    const stopAmends = session.venue.stopAmends;
    const same = JSON.stringify(replay.snapshot()) === JSON.stringify(om.snapshot());
    return [
      `${groups} brackets on ${N.toLocaleString('en-US')} generated L3 events: ${entryLots.toLocaleString('en-US')} lots entered, ${partialEntries} entries only partly filled, ${flat} positions closed flat by their exits`,
      `${modifies} in-place amends (${stopAmends} of them trailing stop prices) and ${reprotects} stop re-submissions kept every exit at its own filled + R; overfill ${overfill} lots`,
      `realised P&L of the exits ${pnl.toFixed(2)}; open groups at the end of the session: ${om.workingGroups()}`,
      `event log of ${session.log.length.toLocaleString('en-US')} events replayed into a fresh manager: ${same ? 'identical state' : 'STATE DIFFERS'}`,
    ];
  },
};
export default step;
