/**
 * The venue adapter between `@x/oco` and `@x/sim`: {@link SimOcoVenue} turns the
 * `OrderManager`'s commands into `MatchingEngine` calls and the engine's execution reports for
 * those orders into manager events; {@link SimOcoSession} runs the loop (apply an event, send its
 * commands, deliver the venue's answers in order) and keeps the event log that rebuilds the
 * manager.
 *
 * @module
 */
import { ValidationError } from '@x/core';
import {
  EMULATED_VENUE,
  type OcoCommand,
  type OcoEvent,
  type OrderManager,
  type Step,
  type SubmitCommand,
  type VenueProfile,
} from '@x/oco';
import type { AmendRequest, EngineEvent, OrderRequest, TradingVenue } from '@x/sim';

/**
 * The `@x/sim` engine as a venue: no native contingencies (the manager emulates them), in-place
 * amends of quantity, limit price and a waiting stop's trigger price, amends in total quantity,
 * post-only available, no reduce-only.
 */
export const SIM_VENUE_PROFILE: VenueProfile = Object.freeze({ ...EMULATED_VENUE, name: 'x-sim' });

/**
 * The same engine driven as a venue that cannot amend stop prices: the manager moves a stop by
 * safe cancel-replace (for testing that path, or to mimic such a venue).
 */
export const SIM_CANCEL_REPLACE_PROFILE: VenueProfile = Object.freeze({
  ...SIM_VENUE_PROFILE,
  name: 'x-sim-cancel-replace',
  amendStopPrice: false,
});

/** Options of a {@link SimOcoVenue}. */
export interface SimOcoVenueOptions {
  /** The engine `owner` of the manager's orders (self-trade prevention groups by it). Default `'oco'`. */
  readonly owner?: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Time in force of a submit as the engine takes it: the manager's, as FIX defines it (GTC stops
 * and market orders are normal). `DAY` needs the engine's trading-day option, which this adapter
 * does not configure, so a DAY order comes back to the manager as rejected.
 */
function engineTimeInForce(c: SubmitCommand): OrderRequest['timeInForce'] | 'unsupported' {
  const tif = c.timeInForce;
  if (tif === 'DAY') return 'unsupported'; // the engine has no trading-day session
  return tif;
}

/**
 * Translates between one `OrderManager` and one `@x/sim` venue (any `TradingVenue`: the
 * `MatchingEngine`, or a `ReplayVenue` replaying a historical day): {@link SimOcoVenue.send}
 * executes commands; the engine's reports for the manager's orders queue up as events, which
 * {@link SimOcoVenue.next} hands out oldest first.
 *
 * @example
 * ```ts
 * import { bracket, OrderManager } from '@x/oco';
 * import { MatchingEngine } from '@x/sim';
 *
 * const inst = Instrument.create({ symbol: 'XYZ', tickSize: '0.01', lotSize: '1' });
 * const engine = new MatchingEngine(inst, { clock: new ManualClock(0) });
 * engine.submit({ orderId: 'mm', side: 'sell', type: 'limit', price: '100', qty: '5' });
 * const om = new OrderManager({ instruments: [inst], venue: SIM_VENUE_PROFILE });
 * const venue = new SimOcoVenue(engine);
 * const spec = bracket({ id: 'b1', symbol: 'XYZ', side: 'buy', qty: '2', entryPrice: '100',
 *   stop: { offset: { kind: 'ticks', value: 50 } }, target: { offset: { kind: 'ticks', value: 50 } } });
 * venue.send(om.apply({ type: 'create', spec }).commands);
 * for (let e = venue.next(); e !== undefined; e = venue.next()) venue.send(om.apply(e).commands);
 * om.ledger('b1')?.entryFilled; // '2': filled against the resting offer; stop at 99.5, target 100.5 working
 * ```
 */
export class SimOcoVenue {
  private readonly owner: string;
  private readonly ours = new Set<string>();
  private readonly queue: OcoEvent[] = [];
  private head = 0;
  /** Stop price last sent per order, to count the stop-price moves. */
  private readonly sentStop = new Map<string, string>();
  private readonly unsubscribe: () => void;
  /** Amends that moved a waiting stop's trigger price in place. */
  stopAmends = 0;

  /**
   * @param engine - the venue (the adapter subscribes to its events)
   * @param options - the engine owner of the manager's orders
   */
  constructor(
    readonly engine: TradingVenue,
    options: SimOcoVenueOptions = {},
  ) {
    this.owner = options.owner ?? 'oco';
    this.unsubscribe = engine.subscribe((e) => this.onEngine(e));
  }

  /** Stops listening to the engine. */
  dispose(): void {
    this.unsubscribe();
  }

  /** Whether an engine order id is one of the manager's. @param orderId - the id */
  isOurs(orderId: string): boolean {
    return this.ours.has(orderId);
  }

  /** Number of events waiting. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  /** The oldest waiting event, or undefined. @returns the event */
  next(): OcoEvent | undefined {
    if (this.head >= this.queue.length) return undefined;
    const e = this.queue[this.head++];
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return e;
  }

  /**
   * Executes the manager's commands on the engine, in order.
   * @param commands - from `OrderManager.apply`
   */
  send(commands: readonly OcoCommand[]): void {
    for (const c of commands) {
      if (c.type === 'submit') this.submit(c);
      else if (c.type === 'cancel') this.engine.cancel(c.orderId);
      else {
        const amend: Mutable<AmendRequest> = { qty: c.qty };
        if (c.price !== undefined) amend.price = c.price;
        // the engine takes an unchanged stop price as no change (also on a triggered stop), so
        // the manager's amend goes out as it is; moves are counted for the adapter's stats
        if (c.stopPrice !== undefined) {
          amend.stopPrice = c.stopPrice;
          if (c.stopPrice !== this.sentStop.get(c.orderId)) {
            this.sentStop.set(c.orderId, c.stopPrice);
            this.stopAmends++;
          }
        }
        this.engine.amend(c.orderId, amend);
      }
    }
  }

  private submit(c: SubmitCommand): void {
    this.ours.add(c.orderId);
    const tif = engineTimeInForce(c);
    if (tif === 'unsupported') {
      this.queue.push({
        type: 'rejected',
        orderId: c.orderId,
        reason: `time in force ${c.timeInForce} is not supported for ${c.orderType} orders by the engine`,
      });
      return;
    }
    const req: Mutable<OrderRequest> = {
      orderId: c.orderId,
      owner: this.owner,
      side: c.side,
      type: c.orderType,
      qty: c.qty,
      postOnly: c.postOnly,
    };
    if (c.price !== undefined) req.price = c.price;
    if (c.stopPrice !== undefined) {
      req.stopPrice = c.stopPrice;
      this.sentStop.set(c.orderId, c.stopPrice);
    }
    if (tif !== undefined) req.timeInForce = tif;
    if (c.expireAtMs !== undefined) req.expireAtMs = c.expireAtMs;
    this.engine.submit(req);
  }

  private onEngine(e: EngineEvent): void {
    if (!('orderId' in e) || !this.ours.has(e.orderId)) return;
    const q = this.queue;
    switch (e.type) {
      case 'accepted':
        q.push({ type: 'accepted', orderId: e.orderId });
        break;
      case 'rejected':
        q.push({
          type:
            e.command === 'submit'
              ? 'rejected'
              : e.command === 'cancel'
                ? 'cancel-rejected'
                : 'modify-rejected',
          orderId: e.orderId,
          reason: e.reason,
        });
        break;
      case 'fill':
        q.push({
          type: 'fill',
          orderId: e.orderId,
          tradeId: e.tradeId,
          price: e.price,
          qty: e.qty,
        });
        break;
      case 'canceled':
        if (e.reason === 'expired') q.push({ type: 'expired', orderId: e.orderId });
        else q.push({ type: 'canceled', orderId: e.orderId, reason: e.reason });
        break;
      case 'amended':
        q.push({ type: 'modified', orderId: e.orderId, qty: e.qty });
        break;
      case 'triggered':
        q.push({ type: 'triggered', orderId: e.orderId });
        break;
    }
  }
}

/** Options of a {@link SimOcoSession}. */
export interface SimOcoSessionOptions extends SimOcoVenueOptions {
  /** Upper bound on events delivered by one {@link SimOcoSession.pump} (a livelock guard). Default 100,000. */
  readonly maxEvents?: number;
}

/**
 * A manager connected to an engine: events applied through the session are logged (the log
 * replayed into a fresh manager rebuilds it), their commands are sent, and
 * {@link SimOcoSession.pump} delivers the engine's answers until the two agree.
 *
 * @example
 * ```ts
 * import { bracket, OrderManager } from '@x/oco';
 * import { MatchingEngine } from '@x/sim';
 *
 * const inst = Instrument.create({ symbol: 'XYZ', tickSize: '0.01', lotSize: '1' });
 * const engine = new MatchingEngine(inst, { clock: new ManualClock(0) });
 * const om = new OrderManager({ instruments: [inst], venue: SIM_VENUE_PROFILE });
 * const session = new SimOcoSession(om, engine);
 * session.apply({ type: 'create', spec: bracket({ id: 'b1', symbol: 'XYZ', side: 'buy', qty: '2',
 *   entryPrice: '100', stop: { offset: { kind: 'ticks', value: 50 } },
 *   target: { offset: { kind: 'ticks', value: 50 } } }) });
 * session.pump(); // the entry now rests in the engine's book
 * engine.restingQty('b1:entry:1').toString(); // '2'
 * ```
 */
export class SimOcoSession {
  /** The adapter. */
  readonly venue: SimOcoVenue;
  private readonly events: OcoEvent[] = [];
  private readonly maxEvents: number;

  /**
   * @param manager - the order manager (created with {@link SIM_VENUE_PROFILE} or a variant)
   * @param engine - the venue: a `MatchingEngine`, a `ReplayVenue` or any `TradingVenue`
   * @param options - engine owner and the pump guard
   */
  constructor(
    readonly manager: OrderManager,
    engine: TradingVenue,
    options: SimOcoSessionOptions = {},
  ) {
    this.venue = new SimOcoVenue(engine, options);
    this.maxEvents = options.maxEvents ?? 100_000;
  }

  /** Every event applied, in order. */
  get log(): readonly OcoEvent[] {
    return this.events;
  }

  /**
   * Applies an event to the manager, logs it and sends its commands.
   * @param event - a user intent, market data or a venue event
   * @returns the manager's step
   */
  apply(event: OcoEvent): Step {
    const s = this.manager.apply(event);
    this.events.push(event);
    this.venue.send(s.commands);
    return s;
  }

  /**
   * Sends the engine's last trade price to the manager as market data (when there is one).
   * @returns the step, or undefined when the engine has not traded
   */
  market(): Step | undefined {
    const last = this.venue.engine.lastPrice();
    if (last === undefined) return undefined;
    return this.apply({ type: 'market', symbol: this.venue.engine.instrument.symbol, last });
  }

  /**
   * Delivers the engine's queued answers until none is left.
   * @param after - called after each delivered event (invariant checks)
   * @returns the number of events delivered
   * @throws `ValidationError` when more than `maxEvents` are delivered (the two never settle)
   */
  pump(after?: (event: OcoEvent, step: Step) => void): number {
    let n = 0;
    for (let e = this.venue.next(); e !== undefined; e = this.venue.next()) {
      if (++n > this.maxEvents) {
        throw new ValidationError('the manager and the engine did not settle', {
          field: 'maxEvents',
          value: this.maxEvents,
        });
      }
      const s = this.apply(e);
      after?.(e, s);
    }
    return n;
  }
}
