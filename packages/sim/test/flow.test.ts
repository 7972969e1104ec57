import { Instrument, ManualClock, ValidationError } from '@x/core';
import { describe, expect, it } from 'vitest';
import { BackgroundFlow, cst2010Rates, type EngineEvent, MatchingEngine } from '../src/index.js';

const unit = Instrument.create({ symbol: 'U', tickSize: '1', lotSize: '1' });

function setup(seed: number, levels = 5) {
  const clock = new ManualClock(0);
  const engine = new MatchingEngine(unit, { clock });
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  const flow = new BackgroundFlow(engine, { seed, clock, rates: cst2010Rates(levels) });
  return { clock, engine, events, flow };
}

/** CST's estimators on the engine's L3 stream (all orders are flow orders here). */
function measure(events: readonly EngineEvent[], K: number) {
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  const limits = new Float64Array(K + 1);
  const cancels = new Float64Array(K + 1);
  const exposure = new Float64Array(K + 1);
  const takers = new Set<string>();
  let tPrev = 0;
  let refBid = Number.NaN;
  let refAsk = Number.NaN;
  const bump = (m: Map<number, number>, p: number, d: number) => {
    const n = (m.get(p) ?? 0) + d;
    if (n === 0) m.delete(p);
    else m.set(p, n);
  };
  for (const e of events) {
    const t = e.ts / 1000;
    if (t > tPrev) {
      const dt = t - tPrev;
      for (const [p, n] of bids) exposure[Math.min(K, refAsk - p - 1)]! += n * dt;
      for (const [p, n] of asks) exposure[Math.min(K, p - refBid - 1)]! += n * dt;
      tPrev = t;
    }
    if (e.type === 'add') {
      if (t > 0)
        limits[Math.min(K, (e.side === 'buy' ? refAsk - e.price : e.price - refBid) - 1)]!++;
      bump(e.side === 'buy' ? bids : asks, e.price, 1);
    } else if (e.type === 'cancel') {
      cancels[Math.min(K, (e.side === 'buy' ? refAsk - e.price : e.price - refBid) - 1)]!++;
      bump(e.side === 'buy' ? bids : asks, e.price, -1);
    } else if (e.type === 'execute') {
      takers.add(e.takerOrderId);
      bump(e.side === 'buy' ? bids : asks, e.price, -1);
    } else continue;
    if (bids.size > 0) refBid = Math.max(...bids.keys());
    if (asks.size > 0) refAsk = Math.min(...asks.keys());
  }
  return { T: tPrev, limits, cancels, exposure, markets: takers.size };
}

const z = (observed: number, expected: number) => (observed - expected) / Math.sqrt(expected);

describe('BackgroundFlow', () => {
  it('runs the CST model inside the engine: empirical rates match the configured ones', () => {
    const K = 5;
    const rates = cst2010Rates(K);
    const { flow, events } = setup(31, K);
    for (let i = 0; i < 60_000; i++) flow.step();
    const m = measure(events, K);
    const skipped = flow.stats().skippedMarketOrders;
    expect(m.T).toBeGreaterThan(2000);
    for (let i = 0; i < K; i++) {
      expect(Math.abs(z(m.limits[i]!, 2 * rates.lambda[i]! * m.T)), `λ(${i + 1})`).toBeLessThan(
        4.5,
      );
      expect(
        Math.abs(z(m.cancels[i]!, rates.theta[i]! * m.exposure[i]!)),
        `θ(${i + 1})`,
      ).toBeLessThan(4.5);
    }
    expect(Math.abs(z(m.markets + skipped, 2 * rates.mu * m.T))).toBeLessThan(4.5);
  });

  it('trades with your orders but never cancels them; its bookkeeping matches the engine', () => {
    const { flow, engine } = setup(5);
    const mine: string[] = [];
    for (let round = 0; round < 40; round++) {
      const bid = flow.bestBidTicks();
      const ask = flow.bestAskTicks();
      if (!Number.isNaN(bid)) {
        const id = `me-b${round}`;
        engine.submit({ orderId: id, side: 'buy', type: 'limit', price: bid, qty: 2, owner: 'me' });
        mine.push(id);
      }
      if (!Number.isNaN(ask)) {
        const id = `me-a${round}`;
        engine.submit({
          orderId: id,
          side: 'sell',
          type: 'limit',
          price: ask,
          qty: 2,
          owner: 'me',
        });
        mine.push(id);
      }
      flow.runFor(30_000);
      // the flow's view of its own resting orders equals the engine's
      const flowOpen = engine.openOrders().filter((o) => o.owner === 'flow').length;
      expect(flow.stats().restingOrders).toBe(flowOpen);
    }
    let filled = 0;
    for (const id of mine) {
      const o = engine.getOrder(id)!;
      expect(o.status === 'canceled' || o.status === 'expired').toBe(false);
      if (o.cumQty.gt(0)) filled++;
    }
    expect(filled).toBeGreaterThan(10);
    // closed flow orders were forgotten: the engine keeps only open ones and ours
    const known = [...Array(flow.stats().steps + 1000).keys()].filter(
      (i) => engine.getOrder(`F${i + 1}`) !== undefined,
    ).length;
    expect(known).toBe(flow.stats().restingOrders);
  });

  it('is reproducible from its seed', () => {
    const run = (seed: number) => {
      const { flow, events } = setup(seed);
      for (let i = 0; i < 3000; i++) flow.step();
      return events;
    };
    expect(run(9)).toEqual(run(9));
    expect(run(9)).not.toEqual(run(10));
  });

  it('validates its configuration', () => {
    const clock = new ManualClock(0);
    const engine = new MatchingEngine(unit, { clock });
    expect(() => new BackgroundFlow(engine, { seed: 1, clock, orderSizeLots: 0 })).toThrow(
      ValidationError,
    );
    expect(
      () =>
        new BackgroundFlow(engine, { seed: 1, clock, rates: { lambda: [1], theta: [], mu: 1 } }),
    ).toThrow(ValidationError);
    const flow = new BackgroundFlow(engine, { seed: 1, clock });
    expect(() => flow.runFor(-1)).toThrow(ValidationError);
  });
});
