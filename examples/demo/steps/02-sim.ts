import { Instrument, ManualClock } from '@x/core';
import { cst2010Rates, MatchingEngine, OrderFlowGenerator } from '@x/sim';
import type { DemoStep } from '../step.js';

const step: DemoStep = {
  title: '@x/sim: Cont–Stoikov–Talreja order flow with an informed trader, replayed into a venue',
  run(progress) {
    const inst = Instrument.create({ symbol: 'SIM-USD', tickSize: '0.01', lotSize: '1' });
    const clock = new ManualClock(0);
    const venue = new MatchingEngine(inst, { clock });
    const gen = new OrderFlowGenerator({
      seed: 2010,
      rates: cst2010Rates(10),
      instrument: inst,
      informed: { rate: 0.5, volatilityTicks: 0.2 },
    });
    const N = 300_000;
    let n = 0;
    let trades = 0;
    let informedTrades = 0;
    let spreadSum = 0;
    let spreadN = 0;
    let rejects = 0;
    let myOrder: string | undefined;
    let aheadAtEntry = '';
    let maxAhead = 0;
    let firstFillMs = Number.NaN;
    let entryMs = 0;
    for (const e of gen.events({ count: N })) {
      n++;
      clock.set(Math.max(clock.now(), e.ts));
      // replay the generated flow into the venue: adds rest, cancels cancel, takers trade
      let r: ReturnType<MatchingEngine['submit']> | undefined;
      if (e.type === 'add') {
        r = venue.submit({
          orderId: `f${e.orderId}`,
          side: e.side,
          type: 'limit',
          price: e.price,
          qty: e.qty,
        });
      } else if (e.type === 'cancel') {
        r = venue.cancel(`f${e.orderId}`);
      } else if (e.type === 'execute') {
        r = venue.submit({ side: e.side === 'buy' ? 'sell' : 'buy', type: 'market', qty: e.qty });
      } else if (e.type === 'trade') {
        trades++;
        if (e.informed === true) informedTrades++;
      }
      if (r !== undefined && !r.ok) rejects++;
      const bb = venue.bestBid();
      const ba = venue.bestAsk();
      if (bb !== undefined && ba !== undefined) {
        spreadSum += ba.minus(bb).toNumber();
        spreadN++;
      }
      // after a warm-up, join the bid queue with our own order and watch it
      if (n === 20_000 && bb !== undefined) {
        const mine = venue.submit({ orderId: 'me', side: 'buy', type: 'limit', price: bb, qty: 5 });
        myOrder = mine.orderId;
        entryMs = e.ts;
        aheadAtEntry = venue.queueAhead('me')?.toString() ?? '-';
      }
      if (myOrder !== undefined) {
        const ahead = venue.queueAhead(myOrder);
        if (ahead !== undefined) maxAhead = Math.max(maxAhead, ahead.toNumber());
        const o = venue.getOrder(myOrder);
        if (Number.isNaN(firstFillMs) && o?.cumQty.gt(0) === true) firstFillMs = e.ts;
      }
      if (n % 20_000 === 0) progress.update(n / N, 'replaying generated flow');
    }
    progress.update(1);
    const s = gen.stats();
    const me = venue.getOrder('me');
    const lambda1 = s.limitOrders[0]! / (2 * s.elapsedSeconds);
    return [
      `${N.toLocaleString('en-US')} L3 events = ${s.elapsedSeconds.toFixed(0)} s of model time; ${trades.toLocaleString('en-US')} trades, ${((100 * informedTrades) / trades).toFixed(1)}% by the informed trader (known toxicity)`,
      `empirical λ(1) = ${lambda1.toFixed(3)}/s per side vs the paper's 1.85/s; mean spread ${(spreadSum / spreadN).toFixed(4)}`,
      `final mid ${venue
        .bestBid()
        ?.plus(venue.bestAsk() ?? 0)
        .div(2)
        .toString()} vs the hidden efficient price ${inst.ticksToPrice(Math.round(gen.efficientPriceTicks)).toString()} the informed trader trades toward`,
      `our 5-lot bid joined with ${aheadAtEntry} lots ahead (max ${maxAhead}); status ${me?.status}, filled ${me?.cumQty.toString()} at avg ${me?.avgPrice?.toString() ?? '-'}${Number.isNaN(firstFillMs) ? '' : `, first fill ${((firstFillMs - entryMs) / 1000).toFixed(1)} s after joining`}`,
      `venue rejects while replaying (cancels of orders our fills took first): ${rejects}`,
    ];
  },
};
export default step;
