/**
 * An adapter between the OrderManager and the @x/sim MatchingEngine: commands become engine
 * calls, execution reports become manager events (queued, delivered in order). The engine amends
 * a waiting stop's trigger price in place (`amend(id, { stopPrice })`), so the profile says
 * `amendStopPrice: true`; {@link SIM_CANCEL_REPLACE_PROFILE} keeps the safe cancel-replace path
 * exercised against the same engine. The engine refuses GTC (and GTD) on market and stop orders
 * (`invalid-order`: they are immediate once triggered), so the adapter sends no time in force for
 * them.
 */
import type { Instrument } from '@x/core';
import { ManualClock } from '@x/core';
import { type EngineEvent, MatchingEngine } from '@x/sim';
import type { OcoCommand, OcoEvent, VenueProfile } from '../../src/index.js';
import { OrderManager } from '../../src/index.js';

export const SIM_PROFILE: VenueProfile = Object.freeze({
  name: 'x-sim',
  nativeOco: 'none',
  ocaBlock: false,
  reduceOnly: false,
  postOnly: true,
  amend: 'in-place',
  amendStopPrice: true,
  amendQty: 'total',
  ocoPriceRule: 'none',
});

/** The same engine driven as a venue that cannot amend stop prices: the manager cancel-replaces. */
export const SIM_CANCEL_REPLACE_PROFILE: VenueProfile = Object.freeze({
  ...SIM_PROFILE,
  name: 'x-sim-cancel-replace',
  amendStopPrice: false,
});

export class SimVenue {
  readonly engine: MatchingEngine;
  readonly om: OrderManager;
  readonly inbox: OcoEvent[] = [];
  readonly log: OcoEvent[] = [];
  readonly ours = new Set<string>();
  /** Engine truth: Σ fills of our orders, lots, by order id. */
  readonly engineFilled = new Map<string, number>();
  /** Stop price last sent per order (an amend carries `stopPrice` only when it changes). */
  private readonly sentStop = new Map<string, string>();
  /** Amends that moved a stop's trigger price in place. */
  stopAmends = 0;
  constructor(
    readonly inst: Instrument,
    readonly profile: VenueProfile = SIM_PROFILE,
  ) {
    this.engine = new MatchingEngine(inst, {
      clock: new ManualClock(0),
      onEvent: (e) => this.onEngine(e),
      selfTradePrevention: 'cancel-taker',
    });
    this.om = new OrderManager({ instruments: [inst], venue: profile });
  }

  private onEngine(e: EngineEvent): void {
    if (!('orderId' in e) || !this.ours.has(e.orderId)) return;
    switch (e.type) {
      case 'accepted':
        this.inbox.push({ type: 'accepted', orderId: e.orderId });
        break;
      case 'rejected':
        if (e.command === 'submit')
          this.inbox.push({ type: 'rejected', orderId: e.orderId, reason: e.reason });
        else if (e.command === 'cancel')
          this.inbox.push({ type: 'cancel-rejected', orderId: e.orderId, reason: e.reason });
        else this.inbox.push({ type: 'modify-rejected', orderId: e.orderId, reason: e.reason });
        break;
      case 'fill':
        this.engineFilled.set(
          e.orderId,
          (this.engineFilled.get(e.orderId) ?? 0) + this.inst.qtyToLots(e.qty),
        );
        this.inbox.push({
          type: 'fill',
          orderId: e.orderId,
          tradeId: e.tradeId,
          price: e.price,
          qty: e.qty,
        });
        break;
      case 'canceled':
        this.inbox.push({ type: 'canceled', orderId: e.orderId, reason: e.reason });
        break;
      case 'amended':
        this.inbox.push({ type: 'modified', orderId: e.orderId, qty: e.qty });
        break;
      case 'triggered':
        this.inbox.push({ type: 'triggered', orderId: e.orderId });
        break;
    }
  }

  private send(cmds: readonly OcoCommand[]): void {
    for (const c of cmds) {
      if (c.type === 'submit') {
        this.ours.add(c.orderId);
        if (c.stopPrice !== undefined) this.sentStop.set(c.orderId, c.stopPrice.toString());
        this.engine.submit({
          orderId: c.orderId,
          owner: 'oco',
          side: c.side,
          type: c.orderType,
          qty: c.qty,
          ...(c.price === undefined ? {} : { price: c.price }),
          ...(c.stopPrice === undefined ? {} : { stopPrice: c.stopPrice }),
          // the engine's market and stop orders are immediate once live (its stops wait for the trigger)
          ...(c.orderType === 'market' || c.orderType === 'stop'
            ? {}
            : {
                timeInForce:
                  c.timeInForce === 'IOC' || c.timeInForce === 'FOK' ? c.timeInForce : 'GTC',
              }),
          postOnly: c.postOnly,
        });
      } else if (c.type === 'cancel') this.engine.cancel(c.orderId);
      else {
        // the engine refuses a stopPrice on a triggered stop: send it only when it moves
        const stop = c.stopPrice?.toString();
        const moved = stop !== undefined && stop !== this.sentStop.get(c.orderId);
        if (moved) {
          this.sentStop.set(c.orderId, stop);
          this.stopAmends++;
        }
        this.engine.amend(c.orderId, {
          qty: c.qty,
          ...(c.price === undefined ? {} : { price: c.price }),
          ...(moved ? { stopPrice: stop } : {}),
        });
      }
    }
  }

  /** Applies an event to the manager and sends its commands. */
  apply(e: OcoEvent): void {
    const s = this.om.apply(e);
    this.log.push(e);
    this.send(s.commands);
  }

  /** Delivers queued engine reports until none are left. */
  pump(after?: () => void): void {
    for (let guard = 0; guard < 100_000; guard++) {
      const e = this.inbox.shift();
      if (e === undefined) return;
      this.apply(e);
      after?.();
    }
    throw new Error('pump did not converge');
  }

  /** Another trader's order (never ours). */
  other(side: 'buy' | 'sell', type: 'limit' | 'market', qty: string, price?: string): void {
    // no owner: street orders trade with each other (self-trade prevention is for our orders)
    this.engine.submit({
      side,
      type,
      qty,
      ...(price === undefined ? {} : { price }),
    });
    const last = this.engine.lastPrice();
    if (last !== undefined) this.apply({ type: 'market', symbol: this.inst.symbol, last });
    this.pump();
  }
}
