import { Instrument, ManualClock } from '@x/core';
import { BackgroundFlow, cst2010Rates, MatchingEngine, OrderFlowGenerator } from '@x/sim';
import type { DemoStep } from '../step.js';

const step: DemoStep = {
  title: '@x/sim: Cont–Stoikov–Talreja order flow with an informed trader, and a venue that fills',
  run(progress) {
    const inst = Instrument.create({ symbol: 'SIM-USD', tickSize: '0.01', lotSize: '1' });

    // 1. a reproducible market-data stream with known toxicity
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
    for (const e of gen.events({ count: N })) {
      if (e.type === 'trade') {
        trades++;
        if (e.informed === true) informedTrades++;
      }
      if (++n % 30_000 === 0) progress.update((0.6 * n) / N, 'generating L3 events');
    }
    const s = gen.stats();
    const lambda1 = s.limitOrders[0]! / (2 * s.elapsedSeconds);
    const mid = (gen.book.bestBid() + gen.book.bestAsk()) / 2;

    // 2. a venue with live CST background flow: our bid queues, then gets filled
    const clock = new ManualClock(0);
    const venue = new MatchingEngine(inst, { clock });
    const flow = new BackgroundFlow(venue, { seed: 7, clock, rates: cst2010Rates(10) });
    flow.runFor(600_000); // ten minutes of market first
    const bid = venue.bestBid()!;
    venue.submit({ orderId: 'me', side: 'buy', type: 'limit', price: bid, qty: 5 });
    const aheadAtEntry = venue.queueAhead('me')?.toString() ?? '-';
    const joinedMs = clock.now();
    let firstFillMs = Number.NaN;
    let partials = 0;
    venue.subscribe((e) => {
      if (e.type !== 'fill' || e.orderId !== 'me') return;
      if (Number.isNaN(firstFillMs)) firstFillMs = e.ts;
      partials++;
    });
    let minutes = 0;
    while (venue.getOrder('me')?.status !== 'filled' && minutes < 120) {
      flow.runFor(60_000);
      minutes++;
      progress.update(0.6 + (0.4 * minutes) / 120, 'our bid in a live market');
    }
    progress.update(1);
    const me = venue.getOrder('me')!;
    const fs = flow.stats();
    return [
      `${N.toLocaleString('en-US')} L3 events = ${s.elapsedSeconds.toFixed(0)} s of model time; ${trades.toLocaleString('en-US')} trades, ${((100 * informedTrades) / trades).toFixed(1)}% by the informed trader (known toxicity)`,
      `empirical λ(1) = ${lambda1.toFixed(3)}/s per side vs the paper's 1.85/s; final mid ${(mid / 100).toFixed(3)} vs the hidden efficient price ${(gen.efficientPriceTicks / 100).toFixed(3)} the informed trader trades toward`,
      `venue with background flow: ${fs.limitOrders.toLocaleString('en-US')} limit orders, ${fs.cancels.toLocaleString('en-US')} cancels, ${fs.marketOrders.toLocaleString('en-US')} market orders so far`,
      `our 5-lot bid at ${bid.toString()} joined behind ${aheadAtEntry} lots; ${me.status} in ${partials} fill(s) at avg ${me.avgPrice?.toString() ?? '-'}, first fill ${((firstFillMs - joinedMs) / 1000).toFixed(1)} s after joining`,
    ];
  },
};
export default step;
