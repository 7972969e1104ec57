/**
 * Stage 1, @x/sim: a seeded session of CST (2010) order flow, the informed trader switched on
 * midway. The generator takes its informed trader at construction only, so the session is two
 * generators with a state handoff: the second starts at the first one's clock, best bid, spread
 * and per-level queue lengths (orders per level, averaged over the two sides, as the generator's
 * `initialDepth` is symmetric), with the informed trader on. The handoff is approximate in one
 * respect only: the second book is rebuilt with fresh order ids (the venue replay cancels the
 * first book's orders and adds the second's, at the same prices and sizes, within one instant).
 */
import { Instrument } from '@x/core';
import {
  cst2010Rates,
  type FlowEvent,
  type FlowStats,
  type L2Series,
  OrderFlowGenerator,
  type OrderFlowRates,
} from '@x/sim';
import type { DemoConfig } from '../config.js';
import type { Progress } from './progress.js';

/** Trade prints of the session as columns. */
interface TradeTape {
  readonly ts: Float64Array;
  readonly price: Float64Array;
  readonly qty: Float64Array;
  /** +1 buyer-initiated, −1 seller-initiated. */
  readonly sign: Float64Array;
  /** 1 when the informed trader was the aggressor. */
  readonly informed: Uint8Array;
}

/** What the simulation stage hands on. */
export interface Session {
  readonly instrument: Instrument;
  /** Every L3 event and trade print, in time order, prices in the instrument's units. */
  readonly events: readonly FlowEvent<Instrument>[];
  /** Index in `events` of the first event of the second (informed) half. */
  readonly switchIndex: number;
  /** Time of the switch, in ms. */
  readonly switchMs: number;
  /** End of the session, in ms. */
  readonly endMs: number;
  /** The book's top levels after every step that changed them. */
  readonly l2: L2Series;
  readonly trades: TradeTape;
  /** The generators' own counts, per half. */
  readonly stats: readonly [FlowStats, FlowStats];
}

function scaled(r: OrderFlowRates, k: number): OrderFlowRates {
  return { lambda: r.lambda.map((x) => x * k), theta: r.theta.map((x) => x * k), mu: r.mu * k };
}

/** Orders per level counted from each touch, averaged over the two sides (at least 1). */
function depthProfile(gen: OrderFlowGenerator<Instrument>, levels: number): number[] {
  const bid = gen.book.bestBid();
  const ask = gen.book.bestAsk();
  return Array.from({ length: levels }, (_, i) => {
    const b = gen.book.levelOrders('buy', bid - i);
    const a = gen.book.levelOrders('sell', ask + i);
    return Math.max(1, Math.round((a + b) / 2));
  });
}

/**
 * Runs the session.
 * @param cfg - the demo configuration
 * @param progress - where to report progress
 * @returns the recorded session
 */
export function simulate(cfg: DemoConfig, progress: Progress): Session {
  const instrument = Instrument.create({ symbol: 'SIM-USD', tickSize: '0.01', lotSize: '1' });
  const tick = instrument.tickSizeNumber;
  const lot = instrument.lotSizeNumber;
  const rates = scaled({ ...cst2010Rates(cfg.levels), mu: 4 }, cfg.rateScale);
  const L = cfg.levels;
  const events: FlowEvent<Instrument>[] = [];
  const l2 = { ts: [] as number[], cols: [[], [], [], []] as number[][] };
  const tr = {
    ts: [] as number[],
    price: [] as number[],
    qty: [] as number[],
    sign: [] as number[],
  };
  const informed: number[] = [];
  const snap = {
    ts: 0,
    bidPrice: new Float64Array(L),
    bidSize: new Float64Array(L),
    askPrice: new Float64Array(L),
    askSize: new Float64Array(L),
  };
  const record = (gen: OrderFlowGenerator<Instrument>, untilMs: number, half: number) => {
    let n = 0;
    for (const batch of gen.steps()) {
      if (batch.length > 0) {
        for (const e of batch) {
          events.push(e);
          if (e.type === 'trade') {
            tr.ts.push(e.ts);
            tr.price.push(e.price);
            tr.qty.push(e.qty);
            tr.sign.push(e.aggressor === 'buy' ? 1 : -1);
            informed.push(e.informed === true ? 1 : 0);
          }
        }
        gen.book.fillL2(snap, tick, lot);
        const last = l2.ts.length - 1;
        const same =
          last >= 0 &&
          [snap.bidPrice, snap.bidSize, snap.askPrice, snap.askSize].every((a, c) =>
            a.every((v, k) => l2.cols[c]![last * L + k] === v),
          );
        if (!same) {
          l2.ts.push(gen.timeMs);
          for (const [c, a] of [snap.bidPrice, snap.bidSize, snap.askPrice, snap.askSize].entries())
            for (const v of a) l2.cols[c]!.push(v);
        }
      }
      if (++n % 20_000 === 0)
        progress(`half ${half + 1}/2: ${(gen.timeMs / 1000).toFixed(0)} s of market time`);
      if (gen.timeMs >= untilMs) break;
    }
  };
  const calm = new OrderFlowGenerator({ seed: cfg.seed, rates, instrument });
  const switchMs = cfg.halfSeconds * 1000;
  record(calm, switchMs, 0);
  const switchIndex = events.length;
  const bid = calm.book.bestBid();
  const toxic = new OrderFlowGenerator({
    seed: cfg.seed + 1,
    rates,
    instrument,
    startMs: calm.timeMs,
    initialBidTicks: bid,
    initialSpreadTicks: calm.book.bestAsk() - bid,
    initialDepth: depthProfile(calm, L),
    informed: {
      rate: 2 * cfg.rateScale,
      volatilityTicks: 2 * Math.sqrt(cfg.rateScale),
      sizeLots: 2,
    },
  });
  record(toxic, 2 * switchMs, 1);
  const f64 = (a: number[]) => Float64Array.from(a);
  return {
    instrument,
    events,
    switchIndex,
    switchMs: calm.timeMs,
    endMs: toxic.timeMs,
    l2: {
      rows: l2.ts.length,
      levels: L,
      ts: f64(l2.ts),
      bidPrice: f64(l2.cols[0]!),
      bidSize: f64(l2.cols[1]!),
      askPrice: f64(l2.cols[2]!),
      askSize: f64(l2.cols[3]!),
    },
    trades: {
      ts: f64(tr.ts),
      price: f64(tr.price),
      qty: f64(tr.qty),
      sign: f64(tr.sign),
      informed: Uint8Array.from(informed),
    },
    stats: [calm.stats(), toxic.stats()],
  };
}
