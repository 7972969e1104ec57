/** Drives an OrderManager against the ModelVenue and records the event log. */
import type { Instrument } from '@x/core';
import {
  bracket,
  EMULATED_VENUE,
  type OcoCommand,
  type OcoEvent,
  type OcoNotice,
  OrderManager,
  type OrderManagerOptions,
  type VenueProfile,
} from '../../src/index.js';
import { ModelVenue } from './model-venue.js';

export class Harness {
  readonly om: OrderManager;
  readonly venue: ModelVenue;
  readonly log: OcoEvent[] = [];
  readonly commands: OcoCommand[] = [];
  readonly notices: OcoNotice[] = [];

  constructor(
    readonly inst: Instrument,
    readonly profile: VenueProfile = EMULATED_VENUE,
    readonly extra: Partial<OrderManagerOptions> = {},
    base: ReadonlyMap<string, number> = new Map(),
  ) {
    this.om = new OrderManager({ instruments: [inst], venue: profile, ...extra });
    this.venue = new ModelVenue(inst, profile, base);
  }

  get options(): OrderManagerOptions {
    return { instruments: [this.inst], venue: this.profile, ...this.extra };
  }

  apply(e: OcoEvent): readonly OcoCommand[] {
    const s = this.om.apply(e);
    this.log.push(e);
    for (const c of s.commands) this.commands.push(c);
    for (const n of s.notices) this.notices.push(n);
    this.venue.send(s.commands);
    return s.commands;
  }

  /** Delivers the i-th pending venue event. */
  deliver(i = 0): void {
    const [e] = this.venue.outbox.splice(i, 1);
    if (e !== undefined) this.apply(e);
  }

  /** Runs the venue and delivers everything in order until nothing is pending. */
  settle(): void {
    for (let guard = 0; guard < 10_000; guard++) {
      this.venue.processAll();
      if (this.venue.outbox.length === 0) return;
      this.deliver(0);
    }
    throw new Error('settle did not converge');
  }

  order(groupId: string, legId: string) {
    const l = this.om.ledger(groupId).legs.find((x) => x.id === legId);
    if (l === undefined || l.orderId === null) return undefined;
    return this.venue.orders.get(l.orderId);
  }

  noticesOf<T extends OcoNotice['type']>(type: T): Extract<OcoNotice, { type: T }>[] {
    return this.notices.filter((n) => n.type === type) as Extract<OcoNotice, { type: T }>[];
  }
}

/** Creates the standard long bracket 'b' on XYZ (10 @ 100, stop 95, target 110) and settles it. */
export function longBracket(h: Harness, extra: Partial<Parameters<typeof bracket>[0]> = {}) {
  h.apply({
    type: 'create',
    spec: bracket({
      id: 'b',
      symbol: 'XYZ',
      side: 'buy',
      qty: '10',
      entryPrice: '100',
      stop: { price: '95' },
      target: { price: '110' },
      ...extra,
    }),
  });
  h.settle();
}
