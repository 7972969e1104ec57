/**
 * The manager's state and the primitive operations every handler shares: emission of commands
 * and notices, order submission, modification and cancellation, ending orders and legs, the rule
 * graph, and the pre-trade checks. The {@link OrderManager} owns one; the handlers and the
 * reconciliation (`reconcile.ts`, `fills.ts`) act through it.
 */
import type { Decimal, Instrument } from '@x/core';
import type { RiskCheck, RiskRequest } from '../risk.js';
import type { GroupPolicies, LegTrigger, OcoCommand, OcoNotice, SubmitCommand } from '../types.js';
import type { VenueProfile } from '../venues.js';
import { modifyCommand, submitCommand } from './commands.js';
import { add, type Exact, mul, ratio, sub, toXDec } from './exact.js';
import { HeldIndex, type HeldState } from './held.js';
import { nativeContingency } from './native.js';
import {
  type CancelIntent,
  type GroupRec,
  isExitRole,
  type LegRec,
  legLimit,
  legStop,
  type MarketRec,
  newOrder,
  type OrderRec,
} from './records.js';
import type { GridCodec } from './units.js';

/** Per-instrument data the manager needs. */
export interface InstrumentInfo {
  /** The grid codec (and the instrument). */
  readonly codec: GridCodec;
  /** The instrument. */
  readonly inst: Instrument;
  /** Smallest order, lots. */
  readonly minLots: number;
  /** The value of one tick·lot of notional (tick size × lot size). */
  readonly tickLot: Decimal;
}

const TRIGGER_BIT: Readonly<Record<LegTrigger, number>> = {
  accepted: 1,
  'partially-filled': 2,
  filled: 4,
  canceled: 8,
  triggered: 16,
};

/** The reason a stop through the market is held back (policy `stopThroughMarket: 'wait'`). */
export const STOP_THROUGH_MARKET = 'stop on the wrong side of the market';

/**
 * Why a group's legs are held back, for the market-data index: a stop held back only because it
 * is through the market clears once the last crosses it (a long group's lowest such stop from
 * below, a short group's highest from above); any other denial may clear on any move.
 */
export function heldState(g: GroupRec): HeldState {
  if (g.phase !== 'working') return HeldIndex.NONE;
  const long = g.side === 'buy';
  let key: number | null = null;
  for (const l of g.legs) {
    if (l.lastDenial === '' || l.phase === 'done') continue;
    if (l.lastDenial !== STOP_THROUGH_MARKET || l.stopTicks === null) return HeldIndex.ANY;
    if (key === null || (long ? l.stopTicks < key : l.stopTicks > key)) key = l.stopTicks;
  }
  if (key === null) return HeldIndex.NONE;
  return HeldIndex.trigger(long ? 'above' : 'below', key);
}

/** Adds `id` to the set under `key` of a map of sets. */
export function addTo(map: Map<string, Set<string>>, key: string, id: string): void {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  set.add(id);
}

/** State, emission and primitive operations of one manager. */
export class ManagerCore {
  readonly groups = new Map<string, GroupRec>();
  readonly orders = new Map<string, OrderRec>();
  market = new Map<string, MarketRec>();
  /** Trade-id index of orders with many fills (derived from `OrderRec.fills`). */
  readonly tradeIndex = new Map<string, Map<string, number>>();
  /** Groups with trailing, break-even or ATR exits, per symbol (derived). */
  readonly reactive = new Map<string, Set<string>>();
  /** Groups with a leg held back by a check, re-evaluated on market data (derived). */
  readonly held = new HeldIndex();
  private cmds: OcoCommand[] | null = null;
  private notes: OcoNotice[] | null = null;

  constructor(
    readonly venue: VenueProfile,
    readonly risk: readonly RiskCheck[],
    readonly defaults: GroupPolicies,
    readonly instruments: ReadonlyMap<string, InstrumentInfo>,
  ) {}

  // ------------------------------------------------------------------------------------------
  // emission

  /** Starts a step. */
  begin(): void {
    this.cmds = null;
    this.notes = null;
  }

  /** The commands emitted since {@link begin} (null when none); they are handed out once. */
  takeCommands(): OcoCommand[] | null {
    const c = this.cmds;
    this.cmds = null;
    return c;
  }

  /** The notices emitted since {@link begin} (null when none); they are handed out once. */
  takeNotices(): OcoNotice[] | null {
    const n = this.notes;
    this.notes = null;
    return n;
  }

  cmd(c: OcoCommand): void {
    if (this.cmds === null) this.cmds = [c];
    else this.cmds.push(c);
  }

  note(n: OcoNotice): void {
    if (this.notes === null) this.notes = [n];
    else this.notes.push(n);
  }

  info(symbol: string): InstrumentInfo {
    return this.instruments.get(symbol)!;
  }

  lastTicks(symbol: string): number | null {
    const m = this.market.get(symbol);
    return m === undefined ? null : m.lastTicks;
  }

  // ------------------------------------------------------------------------------------------
  // orders

  submit(g: GroupRec, i: number, lots: number): void {
    const l = g.legs[i]!;
    l.ordersSent++;
    const id = `${g.id}:${l.id}:${l.ordersSent}`;
    const exit = isExitRole(l.role);
    const o = newOrder(id, g, i, lots, legLimit(l), legStop(l));
    this.orders.set(id, o);
    l.orderId = id;
    l.phase = 'working';
    g.liveOrders++;
    if (g.phase === 'done') g.phase = 'working';
    const info = this.info(g.symbol);
    const c: SubmitCommand = submitCommand({
      orderId: id,
      groupId: g.id,
      legId: l.id,
      role: l.role,
      symbol: g.symbol,
      side: l.side,
      orderType: l.orderType,
      timeInForce: l.timeInForce,
      expireAtMs: l.expireAtMs,
      reduceOnly: exit && this.venue.reduceOnly,
      postOnly: l.postOnly && this.venue.postOnly,
      contingency: exit && l.role !== 'close' ? nativeContingency(this.venue, g) : undefined,
      codec: info.codec,
      lots,
      priceTicks: o.priceTicks,
      stopTicks: o.stopTicks,
    });
    this.cmd(c);
  }

  cancel(g: GroupRec, o: OrderRec, intent: Exclude<CancelIntent, 'none'>): void {
    o.cancelIntent = intent;
    this.cmd({ type: 'cancel', orderId: o.id, groupId: g.id });
  }

  modify(g: GroupRec, o: OrderRec, qty: number, price: number | null, stop: number | null): void {
    const codec = this.info(g.symbol).codec;
    const delta = qty - o.qty;
    o.qty = qty;
    if (o.priceTicks !== null) o.priceTicks = price;
    if (o.stopTicks !== null) o.stopTicks = stop;
    if (o.pendingModifies === null) o.pendingModifies = [o.priceTicks, o.stopTicks];
    else o.pendingModifies.push(o.priceTicks, o.stopTicks);
    this.cmd(
      modifyCommand(o.id, g.id, codec, qty, qty - o.filled, delta, o.priceTicks, o.stopTicks),
    );
  }

  endOrder(g: GroupRec, o: OrderRec, how: string): void {
    if (o.phase === 'done') return;
    o.phase = 'done';
    o.endedAs = how;
    g.liveOrders--;
  }

  /** Ends an order that the venue has finished (filled, or too late to cancel). */
  finishOrderFilled(g: GroupRec, o: OrderRec): void {
    this.endOrder(g, o, 'filled');
    const l = g.legs[o.legIndex]!;
    if (l.orderId !== o.id) return;
    l.orderId = null;
    if (l.phase === 'working') l.phase = isExitRole(l.role) || l.filled < l.qty ? 'idle' : 'done';
  }

  // ------------------------------------------------------------------------------------------
  // legs and the rule graph

  /** Fires a trigger once; returns whether a rule acted on it. */
  fire(g: GroupRec, leg: number, when: LegTrigger): boolean {
    const l = g.legs[leg]!;
    const bit = TRIGGER_BIT[when];
    if ((l.fired & bit) !== 0) return false;
    l.fired |= bit;
    let acted = false;
    for (const r of g.rules) {
      if (r.onLeg !== leg || r.when !== when) continue;
      acted = true;
      const t = g.legs[r.targetLeg]!;
      if (r.action === 'release') {
        if (t.phase === 'held') t.phase = g.cancelScope !== 'none' ? 'done' : 'idle';
      } else if (r.action === 'cancel') this.finishLeg(g, r.targetLeg);
    }
    return acted;
  }

  /** Ends a leg for good: cancels its working order (final) and marks it done. */
  finishLeg(g: GroupRec, leg: number, fireCanceled = true): void {
    const l = g.legs[leg]!;
    if (l.phase === 'done') return;
    if (l.orderId !== null) {
      const o = this.orders.get(l.orderId)!;
      if (o.phase !== 'done') {
        if (o.cancelIntent === 'none') this.cancel(g, o, 'final');
        else o.cancelIntent = 'final';
      }
    }
    l.phase = 'done';
    if (fireCanceled) this.fire(g, leg, 'canceled');
  }

  // ------------------------------------------------------------------------------------------
  // checks

  deny(g: GroupRec, l: LegRec, reason: string): void {
    if (l.lastDenial === reason) return;
    l.lastDenial = reason;
    this.note({ type: 'risk-denied', groupId: g.id, legId: l.id, reason });
  }

  /**
   * Price relationships and the pluggable checks; returns the denial or null.
   * @param ctx - the request's open lots, the group's R and Σ entry open (with this request)
   */
  check(
    g: GroupRec,
    l: LegRec,
    kind: 'submit' | 'modify',
    openLots: number,
    r: number,
    entriesOpen: number,
  ): string | null {
    const last = this.lastTicks(g.symbol);
    const long = g.side === 'buy';
    if (
      l.role === 'stop' &&
      last !== null &&
      l.stopTicks !== null &&
      (long ? l.stopTicks >= last : l.stopTicks <= last) &&
      !(kind === 'submit' && g.policies.stopThroughMarket === 'send')
    ) {
      this.deny(g, l, STOP_THROUGH_MARKET);
      return STOP_THROUGH_MARKET;
    }
    if (this.risk.length === 0) {
      l.lastDenial = '';
      return null;
    }
    const req = this.riskRequest(g, l, kind, openLots, r, entriesOpen, last);
    for (const c of this.risk) {
      let reason: string | null;
      try {
        reason = c(req);
      } catch (e) {
        // a failing check must not leave the group half-updated: it denies
        reason = `risk check failed: ${e instanceof Error ? e.message : String(e)}`;
      }
      if (reason !== null) {
        this.deny(g, l, reason);
        return reason;
      }
    }
    l.lastDenial = '';
    return null;
  }

  private riskRequest(
    g: GroupRec,
    l: LegRec,
    kind: 'submit' | 'modify',
    openLots: number,
    r: number,
    entriesOpen: number,
    last: number | null,
  ): RiskRequest {
    const inst = this.info(g.symbol).inst;
    const lot = inst.lotSize;
    const tick = inst.tickSize;
    const own = Math.max(0, r) + (l.role === 'entry' ? entriesOpen : 0);
    const sign = g.side === 'buy' ? 1 : -1;
    const ref = l.priceTicks ?? l.stopTicks ?? last ?? 0;
    // the other groups as last reconciled, and this group with this request
    const mine = this.groupExposure.get(g.id);
    let symbolLots = sign * own;
    let account = tick.times(0);
    for (const [sym, e] of this.exposure) {
      let lots = e.lots;
      let notional = e.notional;
      if (sym === g.symbol) {
        if (mine !== undefined) {
          lots -= mine.lots;
          notional = sub(notional, mul(mine.lots, mine.refTicks));
        }
        symbolLots += lots;
        notional = add(notional, mul(sign * own, ref));
      }
      const i2 = this.info(sym).inst;
      account = account.plus(
        i2.lotSize.times(i2.tickSize).times(toXDec(notional).abs().toString()),
      );
    }
    if (!this.exposure.has(g.symbol)) {
      account = account.plus(lot.times(tick).times(Math.abs(own * ref)));
    }
    return {
      kind,
      groupId: g.id,
      legId: l.id,
      role: l.role,
      instrument: inst,
      side: l.side,
      openQty: lot.times(openLots),
      price: l.priceTicks === null ? undefined : tick.times(l.priceTicks),
      stopPrice: l.stopTicks === null ? undefined : tick.times(l.stopTicks),
      position: lot.times(Math.max(0, r)),
      projectedPosition: lot.times(own),
      symbolProjectedPosition: lot.times(symbolLots),
      accountProjectedNotional: account,
      reference: last === null ? undefined : tick.times(last),
    };
  }

  /**
   * Projected exposure per symbol (Σ of the groups' last contributions): signed lots, and signed
   * notional in tick·lots (each group at its reference price). Derived state, kept only when
   * the manager has risk checks.
   */
  readonly exposure = new Map<string, { lots: number; notional: Exact }>();
  /** Each group's last contribution to {@link exposure}. */
  readonly groupExposure = new Map<string, { lots: number; refTicks: number }>();

  /**
   * Records a group's projected exposure: `lots` (R + Σ entry open) signed by side, at the
   * reference price `refTicks` (the entry's price, else the average entry, else the market).
   */
  setExposure(g: GroupRec, lots: number, refTicks: number): void {
    const signed = g.side === 'buy' ? lots : -lots;
    const prev = this.groupExposure.get(g.id);
    if (prev !== undefined && prev.lots === signed && prev.refTicks === refTicks) return;
    const agg = this.exposure.get(g.symbol) ?? { lots: 0, notional: 0 };
    if (prev !== undefined) {
      agg.lots -= prev.lots;
      agg.notional = sub(agg.notional, mul(prev.lots, prev.refTicks));
    }
    agg.lots += signed;
    agg.notional = add(agg.notional, mul(signed, refTicks));
    this.exposure.set(g.symbol, agg);
    if (signed === 0) this.groupExposure.delete(g.id);
    else this.groupExposure.set(g.id, { lots: signed, refTicks });
  }

  /** The reference price of a group's exposure, ticks. */
  exposureRef(g: GroupRec): number {
    for (const l of g.legs) if (l.role === 'entry' && l.priceTicks !== null) return l.priceTicks;
    const pos = g.position + g.entryFilled;
    if (pos > 0) return Math.round(ratio(add(g.positionNotional, g.entryNotional), pos));
    return this.lastTicks(g.symbol) ?? 0;
  }
}
