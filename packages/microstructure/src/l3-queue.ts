/**
 * Exact queue position from an L3 stream (price-time priority): every order's priority and, for
 * each tracked order, the quantity resting ahead of it at its price and its age.
 *
 * **Exact quantities.** Sizes are kept as integer lots (qty / `lotSize`, as `@x/sim` does), so
 * sums and differences are exact: with fractional sizes such as 1.4 and 1.3 the quantity ahead is
 * the venue's, and "nothing ahead" is exactly 0, not 2.8e-17. A quantity off the lot grid is an
 * invalid event.
 *
 * **The venue decides priority.** A `modify` keeps the order's place exactly when the venue says
 * so (`keptPriority`), whatever the sizes: the tracker does not second-guess the flag with its own
 * copy of the size. A modify that keeps priority must keep the price (else the event is invalid).
 *
 * @module
 */
import {
  ConflictError,
  type L3Event,
  NotFoundError,
  type OrderId,
  type Side,
  ValidationError,
} from '@x/core';
import { checkPolicy, type InvalidPolicy } from './internal/book.js';
import { decimalForms } from './internal/decimal.js';

interface OrderRec {
  side: Side;
  price: number;
  /** Resting quantity in lots (an integer). */
  lots: number;
  seq: number;
  sinceTs: number;
}

interface Tracked {
  id: OrderId;
  /** Lots ahead (an integer). */
  ahead: number;
  /** Lots executed (an integer). */
  filled: number;
}

/** Options of {@link L3QueueTracker}. */
export interface L3QueueTrackerOptions {
  /**
   * `'throw'` (default) or `'skip'` for an invalid event: non-finite or negative fields, a
   * quantity off the lot grid, time going back, an add of an id already resting, a
   * modify/cancel/execute of an unknown id, or a modify that keeps priority but changes price.
   */
  readonly onInvalid?: InvalidPolicy;
  /**
   * The venue's quantity increment (default 1): every quantity is an integer multiple of it, kept
   * internally as an exact integer count of lots.
   */
  readonly lotSize?: number;
}

const key = (side: Side, price: number): number => (side === 'buy' ? price : -price);

/**
 * Exact queue position from an L3 stream (see the module notes). Apply every book event in
 * order; {@link L3QueueTracker.track} an order of ours (before or after its `add`). Conventions:
 * `add` joins the back of its level; `modify` with `keptPriority` keeps the place (and the new
 * size), otherwise the order moves to the back of its (new) level; `cancel` removes the order
 * whatever `qty` says; `execute` reduces the maker by `qty` and removes it at 0. Each event costs
 * O(1) map work plus O(tracked orders).
 *
 * @example
 * ```ts
 * import type { L3Event } from '@x/core';
 *
 * const q = new L3QueueTracker({ lotSize: 0.1 });
 * q.track('my-order');
 * const l3Events: L3Event[] = [
 *   { type: 'add', ts: 1, orderId: 'a', side: 'buy', price: 100, qty: 2 },
 *   { type: 'add', ts: 2, orderId: 'my-order', side: 'buy', price: 100, qty: 1 },
 *   { type: 'execute', ts: 3, makerOrderId: 'a', takerOrderId: 't', side: 'buy', price: 100,
 *     qty: 0.5, tradeId: 1 },
 * ];
 * for (const ev of l3Events) q.apply(ev);
 * q.queueAhead('my-order'); // 1.5: quantity resting ahead of it
 * ```
 */
export class L3QueueTracker {
  /** Accepted events. */
  accepted = 0;
  /** Events dropped under the `'skip'` policy. */
  skipped = 0;
  /** Time of the last accepted event. */
  lastTs = Number.NEGATIVE_INFINITY;
  /** The lot size quantities are counted in. */
  readonly lotSize: number;
  readonly #orders = new Map<OrderId, OrderRec>();
  readonly #levels = new Map<number, number>();
  readonly #tracked: Tracked[] = [];
  readonly #policy: InvalidPolicy;
  // lotSize = #lotUnits / #lotScale exactly when decimal (0: not decimal)
  readonly #lotUnits: number;
  readonly #lotScale: number;
  #seq = 0;

  /**
   * @param options - invalid-event policy and lot size
   * @throws `ValidationError` on a bad option
   */
  constructor(options: L3QueueTrackerOptions = {}) {
    this.#policy = checkPolicy(options.onInvalid);
    const lot = options.lotSize ?? 1;
    if (!(Number.isFinite(lot) && lot > 0)) {
      throw new ValidationError('lotSize must be finite and > 0', { field: 'lotSize', value: lot });
    }
    this.lotSize = lot;
    const form = decimalForms(lot)?.[0];
    this.#lotUnits = form?.units ?? 0;
    this.#lotScale = form?.scale ?? 1;
  }

  /**
   * Quantity → integer lots, or NaN when off the lot grid or beyond exact integers. A decimal lot
   * size takes the quantity as the decimal n·lotSize exactly (n·units / scale must give it back).
   */
  #lots(qty: number): number {
    if (this.#lotUnits > 0) {
      const n = Math.round((qty * this.#lotScale) / this.#lotUnits);
      return Number.isSafeInteger(n) && this.#qty(n) === qty ? n : Number.NaN;
    }
    const x = qty / this.lotSize;
    const n = Math.round(x);
    if (!Number.isSafeInteger(n) || Math.abs(x - n) > 1e-9 * Math.max(1, n)) return Number.NaN;
    return n;
  }

  /** Integer lots → quantity: the double nearest the decimal n·lotSize. */
  #qty(lots: number): number {
    if (this.#lotUnits > 0) {
      const u = lots * this.#lotUnits;
      if (Number.isSafeInteger(u)) return u / this.#lotScale;
    }
    return lots * this.lotSize;
  }

  /**
   * Starts tracking an order (resting now, or to be added later).
   * @param orderId - the order's id
   */
  track(orderId: OrderId): void {
    if (this.#find(orderId) !== undefined) return;
    const t: Tracked = { id: orderId, ahead: 0, filled: 0 };
    const o = this.#orders.get(orderId);
    if (o !== undefined) t.ahead = this.#aheadByScan(o);
    this.#tracked.push(t);
  }

  /**
   * Stops tracking an order.
   * @param orderId - the order's id
   */
  untrack(orderId: OrderId): void {
    const i = this.#tracked.findIndex((t) => t.id === orderId);
    if (i >= 0) this.#tracked.splice(i, 1);
  }

  /**
   * Quantity resting ahead of a tracked order at its price.
   * @param orderId - a tracked order
   * @returns the quantity ahead (exactly 0 at the front)
   * @throws `NotFoundError` when the order is not tracked or not resting
   */
  queueAhead(orderId: OrderId): number {
    const t = this.#find(orderId);
    if (t === undefined || !this.#orders.has(orderId))
      throw new NotFoundError('order', String(orderId));
    return this.#qty(t.ahead);
  }

  /**
   * Quantity of a tracked order executed so far.
   * @param orderId - a tracked order
   * @returns the executed quantity
   * @throws `NotFoundError` when the order is not tracked
   */
  executedQty(orderId: OrderId): number {
    const t = this.#find(orderId);
    if (t === undefined) throw new NotFoundError('order', String(orderId));
    return this.#qty(t.filled);
  }

  /**
   * Time since the order took its current queue place (its add, or its last modify that lost
   * priority).
   * @param orderId - a resting order
   * @param nowMs - the current time in ms, not before that place was taken (default: the last
   *   event's time)
   * @returns the age in ms
   * @throws `NotFoundError` when the order is not resting; `ValidationError` when `nowMs` is not
   *   finite or is before the order took its place
   */
  queueAge(orderId: OrderId, nowMs = this.lastTs): number {
    const o = this.#orders.get(orderId);
    if (o === undefined) throw new NotFoundError('order', String(orderId));
    if (!(Number.isFinite(nowMs) && nowMs >= o.sinceTs)) {
      throw new ValidationError('nowMs must be finite and not before the order took its place', {
        field: 'nowMs',
        value: nowMs,
      });
    }
    return nowMs - o.sinceTs;
  }

  /**
   * Total resting quantity at a price.
   * @param side - the side
   * @param price - the price
   * @returns the quantity (0 for an empty level)
   */
  levelQty(side: Side, price: number): number {
    return this.#qty(this.#levels.get(key(side, price)) ?? 0);
  }

  /**
   * Whether an order is resting.
   * @param orderId - the order's id
   * @returns true when resting
   */
  has(orderId: OrderId): boolean {
    return this.#orders.has(orderId);
  }

  /**
   * Applies one L3 event.
   * @param ev - the event
   * @returns true when applied, false when skipped under the `'skip'` policy
   * @throws `ValidationError`, `NotFoundError` or `ConflictError` for an invalid
   *   event under the `'throw'` policy (state unchanged)
   */
  apply(ev: L3Event): boolean {
    const err = this.#check(ev);
    if (err !== null) {
      if (this.#policy === 'throw') throw err;
      this.skipped++;
      return false;
    }
    const lots = this.#lots(ev.qty);
    this.lastTs = ev.ts;
    this.accepted++;
    switch (ev.type) {
      case 'add': {
        const o: OrderRec = {
          side: ev.side,
          price: ev.price,
          lots,
          seq: this.#seq++,
          sinceTs: ev.ts,
        };
        const t = this.#find(ev.orderId);
        if (t !== undefined) t.ahead = this.#levelLots(ev.side, ev.price);
        this.#orders.set(ev.orderId, o);
        this.#levelAdd(o.side, o.price, o.lots);
        return true;
      }
      case 'cancel': {
        const o = this.#orders.get(ev.orderId) as OrderRec;
        this.#remove(ev.orderId, o);
        return true;
      }
      case 'execute': {
        const o = this.#orders.get(ev.makerOrderId) as OrderRec;
        const q = Math.min(lots, o.lots);
        this.#adjustBehind(o, -q);
        this.#levelAdd(o.side, o.price, -q);
        const self = this.#find(ev.makerOrderId);
        if (self !== undefined) self.filled += q;
        o.lots -= q;
        if (o.lots === 0) this.#orders.delete(ev.makerOrderId);
        return true;
      }
      case 'modify': {
        const o = this.#orders.get(ev.orderId) as OrderRec;
        if (lots === 0) {
          this.#remove(ev.orderId, o);
          return true;
        }
        if (ev.keptPriority) {
          // the venue's word: the place is kept, the orders behind see the size change
          this.#adjustBehind(o, lots - o.lots);
          this.#levelAdd(o.side, o.price, lots - o.lots);
          o.lots = lots;
          return true;
        }
        this.#adjustBehind(o, -o.lots);
        this.#levelAdd(o.side, o.price, -o.lots);
        const self = this.#find(ev.orderId);
        if (self !== undefined) self.ahead = this.#levelLots(ev.side, ev.price);
        o.price = ev.price;
        o.lots = lots;
        o.side = ev.side;
        o.seq = this.#seq++;
        o.sinceTs = ev.ts;
        this.#levelAdd(o.side, o.price, o.lots);
        return true;
      }
    }
  }

  #remove(id: OrderId, o: OrderRec): void {
    this.#adjustBehind(o, -o.lots);
    this.#levelAdd(o.side, o.price, -o.lots);
    this.#orders.delete(id);
  }

  #check(ev: L3Event): Error | null {
    if (!Number.isFinite(ev.ts) || ev.ts < this.lastTs) {
      return new ValidationError('event ts is not finite or goes back in time', {
        field: 'ts',
        value: ev.ts,
      });
    }
    if (!(Number.isFinite(ev.price) && ev.price > 0)) {
      return new ValidationError('event price must be finite and > 0', {
        field: 'price',
        value: ev.price,
      });
    }
    if (!(Number.isFinite(ev.qty) && ev.qty >= 0) || (ev.type === 'add' && ev.qty === 0)) {
      return new ValidationError('event qty must be finite and >= 0 (> 0 for an add)', {
        field: 'qty',
        value: ev.qty,
      });
    }
    if (Number.isNaN(this.#lots(ev.qty))) {
      return new ValidationError(
        `event qty ${ev.qty} is not a multiple of lotSize ${this.lotSize}`,
        {
          field: 'qty',
          value: ev.qty,
          details: { lotSize: this.lotSize },
        },
      );
    }
    if (ev.side !== 'buy' && ev.side !== 'sell') {
      return new ValidationError("side must be 'buy' or 'sell'", { field: 'side', value: ev.side });
    }
    const id = ev.type === 'execute' ? ev.makerOrderId : ev.orderId;
    const o = this.#orders.get(id);
    if (ev.type === 'add') {
      if (o !== undefined) return new ConflictError(`order ${String(id)} is already resting`);
    } else if (o === undefined) {
      return new NotFoundError('order', String(id));
    } else if (
      (ev.type !== 'modify' || ev.keptPriority) &&
      (o.side !== ev.side || o.price !== ev.price)
    ) {
      return new ValidationError(
        ev.type === 'modify'
          ? `a modify of order ${String(id)} that keeps priority cannot change its side or price`
          : `event side/price do not match order ${String(id)}`,
        {
          field: 'price',
          value: ev.price,
          details: { restingPrice: o.price, restingSide: o.side },
        },
      );
    }
    return null;
  }

  #find(id: OrderId): Tracked | undefined {
    const ts = this.#tracked;
    for (let i = 0; i < ts.length; i++) if (ts[i]!.id === id) return ts[i];
    return undefined;
  }

  /** Adds `delta` lots to the quantity ahead of every tracked order behind `o` at its level. */
  #adjustBehind(o: OrderRec, delta: number): void {
    const ts = this.#tracked;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i]!;
      const mine = this.#orders.get(t.id);
      if (
        mine !== undefined &&
        mine !== o &&
        mine.side === o.side &&
        mine.price === o.price &&
        o.seq < mine.seq
      ) {
        t.ahead += delta;
      }
    }
  }

  #levelLots(side: Side, price: number): number {
    return this.#levels.get(key(side, price)) ?? 0;
  }

  #levelAdd(side: Side, price: number, lots: number): void {
    const k = key(side, price);
    const v = (this.#levels.get(k) ?? 0) + lots;
    if (v === 0) this.#levels.delete(k);
    else this.#levels.set(k, v);
  }

  #aheadByScan(mine: OrderRec): number {
    let a = 0;
    for (const o of this.#orders.values()) {
      if (o.side === mine.side && o.price === mine.price && o.seq < mine.seq) a += o.lots;
    }
    return a;
  }
}
