/**
 * Stage 5, @x/oco on the @x/sim venue through @x/sim-oco: the session's order flow is replayed
 * into a matching engine (limit orders rest, executions arrive as market orders), and over the
 * held-out part the production model's forecast opens a bracket whenever it is strong enough: a
 * passive entry at the touch (it fills in pieces as market orders arrive), a stop and a target
 * that follow the filled quantity. An entry still working after `entryTtlMs` is cancelled (its
 * exits keep protecting what filled); at the end of the session every group is cancelled and
 * the open position is marked at the mid.
 */
import { ManualClock } from '@x/core';
import { bracket, type OcoEvent, OrderManager, type Step } from '@x/oco';
import { MatchingEngine } from '@x/sim';
import { SIM_VENUE_PROFILE, SimOcoSession } from '@x/sim-oco';
import type { DemoConfig } from '../config.js';
import type { Features } from './features.js';
import type { Models } from './models.js';
import type { Progress } from './progress.js';
import type { Session } from './simulate.js';

/** One fill of our orders. */
interface OurFill {
  readonly ts: number;
  readonly price: number;
  readonly qty: number;
  /** +1 bought, −1 sold. */
  readonly side: 1 | -1;
  readonly role: 'entry' | 'exit';
}

/** What the trading stage hands on. */
export interface Trading {
  readonly groups: number;
  readonly orders: number;
  readonly fills: readonly OurFill[];
  readonly partialEntries: number;
  readonly entryLots: number;
  readonly exitLots: number;
  readonly realisedPnl: number;
  readonly finalPnl: number;
  readonly openQty: number;
  readonly overfill: number;
  /** Time and equity (realised + marked), per held-out window. */
  readonly equityT: Float64Array;
  readonly equity: Float64Array;
}

const QTY = 10;

/**
 * Runs the stage.
 * @param s - the session
 * @param feats - the features (for the window times)
 * @param m - the models' held-out forecasts
 * @param cfg - the demo configuration
 * @param progress - where to report progress
 * @returns orders, fills and P&L
 */
export function trade(
  s: Session,
  feats: Features,
  m: Models,
  cfg: DemoConfig,
  progress: Progress,
): Trading {
  const inst = s.instrument;
  const clock = new ManualClock(0);
  const om = new OrderManager({ instruments: [inst], venue: SIM_VENUE_PROFILE });
  const venue = new MatchingEngine(inst, { clock, selfTradePrevention: 'cancel-taker' });
  const session = new SimOcoSession(om, venue);
  const fills: OurFill[] = [];
  const sideOf = new Map<string, 1 | -1>();
  const entryOrders = new Set<string>();
  let orders = 0;
  const onCommands = (st: Step) => {
    for (const c of st.commands) {
      if (c.type !== 'submit') continue;
      orders++;
      if (c.role === 'entry') entryOrders.add(c.orderId);
    }
  };
  const onStep = (f: OcoEvent, st: Step) => {
    onCommands(st);
    if (f.type !== 'fill') return;
    const group = f.orderId.split(':')[0]!;
    const dir = sideOf.get(group) ?? 1;
    const isEntry = entryOrders.has(f.orderId);
    fills.push({
      ts: clock.now(),
      price: Number(f.price.toString()),
      qty: Number(f.qty.toString()),
      side: isEntry ? dir : (-dir as 1 | -1),
      role: isEntry ? 'entry' : 'exit',
    });
  };
  const apply = (e: OcoEvent) => onStep(e, session.apply(e));
  const pump = () => session.pump(onStep);

  const decisions = m.testWindow;
  const threshold = cfg.signalThreshold * m.scaleTicks;
  const nTest = decisions.length;
  const equityT = new Float64Array(nTest);
  const equity = new Float64Array(nTest);
  let d = 0; // next decision
  let groups = 0;
  let entryDeadline = Number.POSITIVE_INFINITY;
  let current: string | undefined;
  const live = new Set<string>();
  const pnl = (mid: number) => {
    let total = 0;
    for (const id of om.groupIds()) {
      const l = om.ledger(id);
      const dir = sideOf.get(id)!;
      const entry = l.avgEntryPrice?.toNumber();
      if (entry === undefined) continue;
      if (l.avgExitPrice !== undefined)
        total += dir * l.exitFilled.toNumber() * (l.avgExitPrice.toNumber() - entry);
      total += dir * l.openQty.toNumber() * (mid - entry);
    }
    return total;
  };
  const decide = () => {
    const now = clock.now();
    if (current !== undefined && now >= entryDeadline) {
      apply({ type: 'cancel-group', groupId: current, scope: 'entries' });
      entryDeadline = Number.POSITIVE_INFINITY;
      pump();
    }
    if (current !== undefined && om.ledger(current).status === 'done') current = undefined;
    const bb = venue.bestBid();
    const ba = venue.bestAsk();
    const p = m.prediction[d]!;
    if (current === undefined && Math.abs(p) >= threshold && bb !== undefined && ba !== undefined) {
      const long = p > 0;
      const id = `g${groups++}`;
      sideOf.set(id, long ? 1 : -1);
      apply({
        type: 'create',
        spec: bracket({
          id,
          symbol: inst.symbol,
          side: long ? 'buy' : 'sell',
          qty: QTY,
          entryPrice: long ? bb : ba,
          stop: { offset: { kind: 'ticks', value: 4 } },
          target: { offset: { kind: 'ticks', value: 4 } },
        }),
      });
      current = id;
      entryDeadline = now + cfg.entryTtlMs;
      pump();
    }
    const mid = feats.mid[decisions[d]!]!;
    equityT[d] = now;
    equity[d] = pnl(mid);
    d++;
  };

  let phase = 'a';
  for (let i = 0; i < s.events.length; i++) {
    const e = s.events[i]!;
    if (i === s.switchIndex) {
      // the handoff: the first generator's book leaves, the second's arrives (same instant)
      for (const id of live) venue.cancel(id);
      live.clear();
      phase = 'b';
      pump();
    }
    while (d < nTest && feats.t[decisions[d]!]! <= e.ts) {
      clock.set(Math.max(clock.now(), feats.t[decisions[d]!]!));
      decide();
    }
    clock.set(Math.max(clock.now(), e.ts));
    if (e.type === 'add') {
      const id = `${phase}${e.orderId}`;
      live.add(id);
      venue.submit({ orderId: id, side: e.side, type: 'limit', price: e.price, qty: e.qty });
    } else if (e.type === 'cancel') {
      const id = `${phase}${e.orderId}`;
      live.delete(id);
      venue.cancel(id);
    } else if (e.type === 'execute') {
      venue.submit({ side: e.side === 'buy' ? 'sell' : 'buy', type: 'market', qty: e.qty });
    } else continue;
    pump();
    if (i % 50 === 0) {
      const st = session.market();
      if (st !== undefined) onCommands(st);
      pump();
    }
    if (i % 50_000 === 0) progress(`replayed ${i}/${s.events.length} events, ${groups} brackets`);
  }
  while (d < nTest) decide();
  for (const id of om.groupIds()) apply({ type: 'cancel-group', groupId: id, scope: 'all' });
  pump();

  let partialEntries = 0;
  let entryLots = 0;
  let exitLots = 0;
  let realised = 0;
  let openQty = 0;
  let overfill = 0;
  for (const id of om.groupIds()) {
    const l = om.ledger(id);
    const entry = l.entryFilled.toNumber();
    entryLots += entry;
    exitLots += l.exitFilled.toNumber();
    if (entry > 0 && entry < QTY) partialEntries++;
    if (l.openQty.isNegative()) overfill += -l.openQty.toNumber();
    openQty += sideOf.get(id)! * l.openQty.toNumber();
    if (l.avgExitPrice !== undefined && l.avgEntryPrice !== undefined)
      realised +=
        sideOf.get(id)! *
        l.exitFilled.toNumber() *
        (l.avgExitPrice.toNumber() - l.avgEntryPrice.toNumber());
  }
  const finalMid = feats.mid[feats.windows - 1]!;
  return {
    groups,
    orders,
    fills,
    partialEntries,
    entryLots,
    exitLots,
    realisedPnl: realised,
    finalPnl: pnl(finalMid),
    openQty,
    overfill,
    equityT,
    equity,
  };
}
