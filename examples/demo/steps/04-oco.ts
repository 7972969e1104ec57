import { Instrument, ManualClock } from '@x/core';
import {
  bracket,
  type OcoCommand,
  type OcoEvent,
  OrderManager,
  type OrderManagerOptions,
  type VenueProfile,
} from '@x/oco';
import { cst2010Rates, type EngineEvent, MatchingEngine, OrderFlowGenerator } from '@x/sim';
import type { DemoStep } from '../step.js';

// The @x/sim engine amends quantity, limit price and a waiting stop's trigger price in place, so a
// trailing stop moves with an amend (no cancel-replace). It refuses GTC on stop orders (they are
// immediate once triggered), so the adapter sends a time in force only for limit orders.
const SIM_VENUE: VenueProfile = {
  name: 'x-sim',
  nativeOco: 'none',
  ocaBlock: false,
  reduceOnly: false,
  postOnly: true,
  amend: 'in-place',
  amendStopPrice: true,
  amendQty: 'total',
  ocoPriceRule: 'none',
};

const step: DemoStep = {
  title: '@x/oco: bracket orders that stay correct under partial fills, on @x/sim order flow',
  run(progress) {
    const inst = Instrument.create({ symbol: 'SIM-USD', tickSize: '0.01', lotSize: '1' });
    const clock = new ManualClock(0);
    const options: OrderManagerOptions = { instruments: [inst], venue: SIM_VENUE };
    const om = new OrderManager(options);
    const log: OcoEvent[] = [];
    const inbox: OcoEvent[] = [];
    const ours = new Set<string>();
    let modifies = 0;
    let stopAmends = 0;
    let reprotects = 0;
    const sentStop = new Map<string, string>();
    const venue = new MatchingEngine(inst, {
      clock,
      selfTradePrevention: 'cancel-taker',
      onEvent: (e: EngineEvent) => {
        if (!('orderId' in e) || !ours.has(e.orderId)) return;
        if (e.type === 'accepted') inbox.push({ type: 'accepted', orderId: e.orderId });
        else if (e.type === 'fill')
          inbox.push({
            type: 'fill',
            orderId: e.orderId,
            tradeId: e.tradeId,
            price: e.price,
            qty: e.qty,
          });
        else if (e.type === 'canceled') inbox.push({ type: 'canceled', orderId: e.orderId });
        else if (e.type === 'triggered') inbox.push({ type: 'triggered', orderId: e.orderId });
        else if (e.type === 'amended')
          inbox.push({ type: 'modified', orderId: e.orderId, qty: e.qty });
        else if (e.type === 'rejected') {
          const kind =
            e.command === 'submit'
              ? 'rejected'
              : e.command === 'cancel'
                ? 'cancel-rejected'
                : 'modify-rejected';
          inbox.push({ type: kind, orderId: e.orderId, reason: e.reason });
        }
      },
    });
    const send = (cmds: readonly OcoCommand[]) => {
      for (const c of cmds) {
        if (c.type === 'submit') {
          ours.add(c.orderId);
          if (c.stopPrice !== undefined) sentStop.set(c.orderId, c.stopPrice.toString());
          if (c.role === 'stop' && Number(c.orderId.split(':')[2]) > 1) reprotects++;
          venue.submit({
            orderId: c.orderId,
            owner: 'oco',
            side: c.side,
            type: c.orderType,
            qty: c.qty,
            ...(c.price === undefined ? {} : { price: c.price }),
            ...(c.stopPrice === undefined ? {} : { stopPrice: c.stopPrice }),
            ...(c.orderType === 'limit' ? { timeInForce: 'GTC' as const } : {}),
          });
        } else if (c.type === 'cancel') venue.cancel(c.orderId);
        else {
          modifies++;
          // the engine refuses a stopPrice on a triggered stop: send it only when it moves
          const stop = c.stopPrice?.toString();
          const moved = stop !== undefined && stop !== sentStop.get(c.orderId);
          if (moved) {
            sentStop.set(c.orderId, stop);
            stopAmends++;
          }
          venue.amend(c.orderId, {
            qty: c.qty,
            ...(c.price === undefined ? {} : { price: c.price }),
            ...(moved ? { stopPrice: stop } : {}),
          });
        }
      }
    };
    const apply = (e: OcoEvent) => {
      log.push(e);
      send(om.apply(e).commands);
    };
    const pump = () => {
      let k = 0;
      for (let e = inbox.shift(); e !== undefined; e = inbox.shift()) {
        apply(e);
        if (++k > 100_000) throw new Error('manager and venue did not settle');
      }
    };

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
    for (const e of log) replay.apply(e);
    const same = JSON.stringify(replay.snapshot()) === JSON.stringify(om.snapshot());
    return [
      `${groups} brackets on ${N.toLocaleString('en-US')} generated L3 events: ${entryLots.toLocaleString('en-US')} lots entered, ${partialEntries} entries only partly filled, ${flat} positions closed flat by their exits`,
      `${modifies} in-place amends (${stopAmends} of them trailing stop prices) and ${reprotects} stop re-submissions kept every exit at its own filled + R; overfill ${overfill} lots`,
      `realised P&L of the exits ${pnl.toFixed(2)}; open groups at the end of the session: ${om.workingGroups()}`,
      `event log of ${log.length.toLocaleString('en-US')} events replayed into a fresh manager: ${same ? 'identical state' : 'STATE DIFFERS'}`,
    ];
  },
};
export default step;
