/**
 * The test bench around the shipped adapter: a `SimOcoSession` (manager + engine) plus the
 * street's orders and the engine's own record of our fills, for the invariant checks.
 */
import type { Instrument } from '@x/core';
import { ManualClock } from '@x/core';
import { type OcoEvent, OrderManager, type VenueProfile } from '@x/oco';
import { MatchingEngine } from '@x/sim';
import { SIM_VENUE_PROFILE, SimOcoSession } from '../../src/index.js';

export class SimVenue {
  readonly engine: MatchingEngine;
  readonly om: OrderManager;
  readonly session: SimOcoSession;
  /** Engine truth: Σ fills of our orders, lots, by order id. */
  readonly engineFilled = new Map<string, number>();
  constructor(
    readonly inst: Instrument,
    readonly profile: VenueProfile = SIM_VENUE_PROFILE,
  ) {
    this.engine = new MatchingEngine(inst, {
      clock: new ManualClock(0),
      selfTradePrevention: 'cancel-taker',
    });
    this.engine.subscribe((e) => {
      if (e.type === 'fill' && this.session.venue.isOurs(e.orderId)) {
        const q = this.inst.qtyToLots(e.qty);
        this.engineFilled.set(e.orderId, (this.engineFilled.get(e.orderId) ?? 0) + q);
      }
    });
    this.om = new OrderManager({ instruments: [inst], venue: profile });
    this.session = new SimOcoSession(this.om, this.engine);
  }

  get log(): readonly OcoEvent[] {
    return this.session.log;
  }

  get stopAmends(): number {
    return this.session.venue.stopAmends;
  }

  apply(e: OcoEvent): void {
    this.session.apply(e);
  }

  pump(after?: () => void): void {
    this.session.pump(after === undefined ? undefined : () => after());
  }

  /** Another trader's order (never ours). */
  other(side: 'buy' | 'sell', type: 'limit' | 'market', qty: string, price?: string): void {
    // no owner: street orders trade with each other (self-trade prevention is for our orders)
    this.engine.submit(price === undefined ? { side, type, qty } : { side, type, qty, price });
    this.session.market();
    this.pump();
  }
}
