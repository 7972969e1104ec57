/**
 * Order entry: a request's fields checked one by one, in the order of core's
 * `Instrument.checkOrder` for the instrument rules, and turned into ticks and lots. Every
 * failure names the field and why. FIX time-in-force rules: see `OrderRequest.timeInForce`.
 */
import {
  DECIMAL_ZERO,
  type DecimalLike,
  type Instrument,
  isTerminalStatus,
  type OrderType,
  type TimeInForce,
} from '@x/core';
import type { AmendRequest, OrderRequest, RejectField, RejectReason } from '../events.js';
import { describeValue, type GridFailure, type GridKind, gridKind, toGridUnits } from './grid.js';
import type { OrderRecord } from './records.js';

/** A refused request: reason, field and message. */
export interface EntryReject {
  readonly reason: RejectReason;
  readonly field: RejectField;
  readonly message: string;
}

/** A validated order in ticks and lots (one object, reused: read it at once). */
export interface CheckedOrder {
  priceTicks: number;
  stopTicks: number;
  lots: number;
  tif: TimeInForce;
  expireAtMs: number;
}

/** An order's fields after a checked amend (one object, reused: read it at once). */
export interface AmendTarget {
  priceTicks: number;
  qtyLots: number;
  stopTicks: number;
}

const CACHE_LIMIT = 8192;
const TIFS = 'GTC, IOC, FOK, GTD, DAY';

/** Map.set that empties the table first when it is full (a crude but allocation-light bound). */
export function cachePut<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.size >= CACHE_LIMIT) map.clear();
  map.set(key, value);
}

export function entryReject(
  reason: RejectReason,
  field: RejectField,
  message: string,
): EntryReject {
  return { reason, field, message };
}

/** Any value as a string id, without throwing (malformed input must still get a reject). */
export function safeId(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    return '[unprintable id]';
  }
}

/** A submit refused before its fields are read, with the id its reject reports. */
export interface IdentityReject extends EntryReject {
  readonly orderId: string;
}

/**
 * The order id a submit will use (`request.orderId`, or a fresh one from `nextId`), or why it is
 * refused before its fields are read: not an object, an id that is not a non-empty string, an id
 * already in use. The one rule for every venue; allocation-free when the request is accepted.
 */
export function submitIdentity(
  request: unknown,
  inUse: { has(id: string): boolean },
  nextId: () => string,
): string | IdentityReject {
  if (typeof request !== 'object' || request === null) {
    const why = `an order request must be an object (got ${describeValue(request)})`;
    return { orderId: nextId(), ...entryReject('invalid-order', 'request', why) };
  }
  const orderId = (request as { readonly orderId?: unknown }).orderId ?? nextId();
  if (typeof orderId !== 'string' || orderId.length === 0) {
    const why = `orderId ${describeValue(orderId)} must be a non-empty string`;
    return { orderId: safeId(orderId), ...entryReject('invalid-order', 'orderId', why) };
  }
  if (inUse.has(orderId)) {
    const why = `orderId '${orderId}' is already in use`;
    return { orderId, ...entryReject('duplicate-order-id', 'orderId', why) };
  }
  return orderId;
}

/**
 * A new venue's record of a checked order: status 'new', nothing filled, out of every heap, and
 * armed at once unless it is a stop (the one constructor for every venue).
 */
export function newOrderRecord(
  orderId: string,
  seq: number,
  r: OrderRequest,
  c: CheckedOrder,
  ownerKey: number,
  expireAtMs: number,
): OrderRecord {
  return {
    orderId,
    seq,
    side: r.side,
    orderType: r.type,
    timeInForce: c.tif,
    postOnly: r.postOnly === true,
    owner: r.owner,
    ownerKey,
    status: 'new',
    priceTicks: c.priceTicks,
    stopTicks: c.stopTicks,
    triggered: !(r.type === 'stop' || r.type === 'stop-limit'),
    qtyLots: c.lots,
    cumLots: 0,
    notional: DECIMAL_ZERO,
    expireAtMs,
    heapPos0: -1,
    heapPos1: -1,
  };
}

/**
 * Why a cancel or amend of `orderId` is refused before its fields are read: no such order, or an
 * order already closed; `undefined` when `rec` is open (the one rule for every venue).
 */
export function notOpen(rec: OrderRecord | undefined, orderId: string): EntryReject | undefined {
  if (rec === undefined) {
    return entryReject(
      'unknown-order',
      'orderId',
      `orderId ${describeValue(orderId)}: no such order`,
    );
  }
  if (isTerminalStatus(rec.status)) {
    return entryReject(
      'order-closed',
      'orderId',
      `orderId '${orderId}': the order is ${rec.status}`,
    );
  }
  return undefined;
}

/** One grid (price, stop price or quantity) with a bounded memo of parsed primitive inputs. */
class Grid {
  private readonly kind: GridKind;
  private readonly cache = new Map<string | number, number | GridFailure>();

  constructor(
    readonly field: 'price' | 'stopPrice' | 'qty',
    instrument: Instrument,
  ) {
    this.kind =
      field === 'qty'
        ? gridKind(field, instrument.qtyGrid, 'lot')
        : gridKind(field, instrument.priceGrid, 'tick');
  }

  /** Units, or the reject. */
  parse(value: DecimalLike): number | EntryReject {
    const primitive = typeof value === 'number' || typeof value === 'string';
    let r = primitive ? this.cache.get(value) : undefined;
    if (r === undefined) {
      r = toGridUnits(value, this.kind);
      if (primitive) cachePut(this.cache, value, r);
    }
    return typeof r === 'number' ? r : entryReject(r.reason, this.field, r.message);
  }
}

/** Checks requests against one instrument's rules. */
export class OrderEntry {
  readonly price: Grid;
  readonly stopPrice: Grid;
  readonly qty: Grid;
  /** ceil(minQty / lot): the smallest order in lots. */
  private readonly minLots: number;
  /** ceil(minNotional / (tick × lot)): the smallest priceTicks × lots. */
  private readonly minNotionalUnits: number;
  private readonly target: AmendTarget = {
    priceTicks: Number.NaN,
    qtyLots: 0,
    stopTicks: Number.NaN,
  };
  private readonly checked: CheckedOrder = {
    priceTicks: Number.NaN,
    stopTicks: Number.NaN,
    lots: 0,
    tif: 'GTC',
    expireAtMs: Number.NaN,
  };

  /**
   * @param instrument - the rules
   * @param dayEndMs - the end of the session containing a time, when DAY orders are supported
   */
  constructor(
    private readonly instrument: Instrument,
    private readonly dayEndMs: ((nowMs: number) => number) | undefined,
  ) {
    this.price = new Grid('price', instrument);
    this.stopPrice = new Grid('stopPrice', instrument);
    this.qty = new Grid('qty', instrument);
    this.minLots = instrument.minQty.div(instrument.lotSize).ceil().toNumber();
    this.minNotionalUnits = instrument.minNotional
      .div(instrument.tickSize.times(instrument.lotSize))
      .ceil()
      .toNumber();
  }

  /**
   * Checks a new order's fields (the id is the engine's business) at time `nowMs`.
   * @returns the checked order (a reused object) or the reject
   */
  check(r: OrderRequest, nowMs: number): CheckedOrder | EntryReject {
    if (r.side !== 'buy' && r.side !== 'sell') {
      return entryReject(
        'invalid-order',
        'side',
        `side ${describeValue(r.side)} is not 'buy' or 'sell'`,
      );
    }
    const t = r.type;
    if (t !== 'limit' && t !== 'market' && t !== 'stop' && t !== 'stop-limit') {
      return entryReject(
        'invalid-order',
        'type',
        `type ${describeValue(t)} is not 'limit', 'market', 'stop' or 'stop-limit'`,
      );
    }
    const tif = r.timeInForce ?? (t === 'market' ? 'IOC' : 'GTC');
    const tifReject = this.checkTif(t, tif);
    if (tifReject !== undefined) return tifReject;
    const expireAtMs = this.expiry(r, tif, nowMs);
    if (typeof expireAtMs !== 'number') return expireAtMs;
    const flags = checkFlags(r);
    if (flags !== undefined) return flags;
    const hasLimit = t === 'limit' || t === 'stop-limit';
    const isStop = t === 'stop' || t === 'stop-limit';
    // the order of Instrument.checkOrder: quantity rules, then price rules
    const lots = this.qty.parse(r.qty);
    if (typeof lots !== 'number') return lots;
    if (lots < this.minLots) return this.belowMinQty(lots);
    const priceTicks = this.optionalPrice(this.price, r.price, hasLimit, t);
    if (typeof priceTicks !== 'number') return priceTicks;
    const stopTicks = this.optionalPrice(this.stopPrice, r.stopPrice, isStop, t);
    if (typeof stopTicks !== 'number') return stopTicks;
    if (r.postOnly === true && !hasLimit) {
      return entryReject(
        'invalid-order',
        'postOnly',
        `postOnly: a ${t} order has no limit price to post at`,
      );
    }
    const rule = this.ruleCheck(priceTicks, lots);
    if (rule !== undefined) return rule;
    const c = this.checked;
    c.priceTicks = priceTicks;
    c.stopTicks = stopTicks;
    c.lots = lots;
    c.tif = tif;
    c.expireAtMs = expireAtMs;
    return c;
  }

  /** The order's fields after an amend (a field restating the current value is unchanged), or the reject. */
  amendTarget(rec: OrderRecord, amend: AmendRequest): AmendTarget | EntryReject {
    if (typeof amend !== 'object' || amend === null) {
      const why = `an amend must be an object (got ${describeValue(amend)})`;
      return entryReject('invalid-order', 'request', why);
    }
    let { priceTicks, qtyLots, stopTicks } = rec;
    if (amend.stopPrice !== undefined) {
      if (Number.isNaN(rec.stopTicks)) {
        return entryReject(
          'unexpected-price',
          'stopPrice',
          `a ${rec.orderType} order has no stopPrice`,
        );
      }
      const p = this.stopPrice.parse(amend.stopPrice);
      if (typeof p !== 'number') return p;
      if (rec.triggered && p !== rec.stopTicks) {
        const why = `the stop has triggered: its stopPrice ${this.instrument.ticksToPrice(rec.stopTicks).toString()} can no longer change`;
        return entryReject('unexpected-price', 'stopPrice', why);
      }
      stopTicks = p;
    }
    if (amend.price !== undefined) {
      if (Number.isNaN(rec.priceTicks)) {
        return entryReject(
          'unexpected-price',
          'price',
          `price: a ${rec.orderType} order has no limit price`,
        );
      }
      const p = this.price.parse(amend.price);
      if (typeof p !== 'number') return p;
      priceTicks = p;
    }
    if (amend.qty !== undefined) {
      const q = this.qty.parse(amend.qty);
      if (typeof q !== 'number') return q;
      qtyLots = q;
    }
    if (
      sameUnits(priceTicks, rec.priceTicks) &&
      qtyLots === rec.qtyLots &&
      sameUnits(stopTicks, rec.stopTicks)
    ) {
      return entryReject('no-change', 'amend', 'the amend changes nothing');
    }
    if (qtyLots <= rec.cumLots) {
      const why = `new qty must exceed the filled ${this.instrument.lotsToQty(rec.cumLots).toString()}`;
      return entryReject('qty-below-filled', 'qty', why);
    }
    const rule = this.ruleCheck(priceTicks, qtyLots);
    if (rule !== undefined) return rule;
    const t = this.target;
    t.priceTicks = priceTicks;
    t.qtyLots = qtyLots;
    t.stopTicks = stopTicks;
    return t;
  }

  /** Minimum quantity and notional, as integer tests (exact). NaN price: no notional check. */
  ruleCheck(priceTicks: number, lots: number): EntryReject | undefined {
    // qty >= minQty  <=>  lots >= ceil(minQty / lot);  price × qty >= minNotional  <=>
    // ticks × lots >= ceil(minNotional / (tick × lot)): integer tests, exact
    if (lots < this.minLots) return this.belowMinQty(lots);
    if (Number.isNaN(priceTicks)) return undefined;
    const units = priceTicks * lots;
    const i = this.instrument;
    const below = Number.isSafeInteger(units)
      ? units < this.minNotionalUnits
      : i.ticksToPrice(priceTicks).times(i.lotsToQty(lots)).lt(i.minNotional);
    if (!below) return undefined;
    const notional = i.ticksToPrice(priceTicks).times(i.lotsToQty(lots));
    return entryReject(
      'below-min-notional',
      'qty',
      `price × qty = ${notional.toString()} is below the minimum notional ${i.minNotional.toString()}`,
    );
  }

  private belowMinQty(lots: number): EntryReject {
    const i = this.instrument;
    return entryReject(
      'below-min-qty',
      'qty',
      `qty ${i.lotsToQty(lots).toString()} is below the minimum ${i.minQty.toString()}`,
    );
  }

  private checkTif(t: OrderType, tif: TimeInForce): EntryReject | undefined {
    if (tif !== 'GTC' && tif !== 'IOC' && tif !== 'FOK' && tif !== 'GTD' && tif !== 'DAY') {
      return entryReject(
        'invalid-order',
        'timeInForce',
        `timeInForce ${describeValue(tif)} is not one of ${TIFS}`,
      );
    }
    if (tif === 'GTD' && t === 'market') {
      return entryReject(
        'invalid-order',
        'timeInForce',
        'timeInForce GTD needs an order that waits (limit, stop, stop-limit): a market order trades at once',
      );
    }
    if (tif === 'DAY' && this.dayEndMs === undefined) {
      return entryReject(
        'invalid-order',
        'timeInForce',
        'timeInForce DAY needs the session end: create the engine with the dayEndMs option (or use GTD)',
      );
    }
    return undefined;
  }

  /** NaN (no expiry), the expiry time, or the reject. */
  private expiry(r: OrderRequest, tif: TimeInForce, nowMs: number): number | EntryReject {
    const x = r.expireAtMs;
    if (tif === 'GTD') {
      if (typeof x !== 'number' || !Number.isFinite(x) || x <= nowMs) {
        return entryReject(
          'invalid-order',
          'expireAtMs',
          `expireAtMs ${describeValue(x)} must be a finite time after now (${nowMs}) for a GTD order`,
        );
      }
      return x;
    }
    if (x !== undefined) {
      return entryReject(
        'invalid-order',
        'expireAtMs',
        `expireAtMs is for GTD orders only (timeInForce ${tif})`,
      );
    }
    if (tif === 'DAY' && r.type !== 'market' && this.dayEndMs !== undefined) {
      const end = this.dayEndMs(nowMs);
      if (typeof end !== 'number' || !Number.isFinite(end) || end <= nowMs) {
        return entryReject(
          'invalid-order',
          'timeInForce',
          `timeInForce DAY: the dayEndMs option gave ${describeValue(end)}, not a time after now (${nowMs})`,
        );
      }
      return end;
    }
    return Number.NaN;
  }

  /** The price in ticks (NaN when the order type takes none), or the reject. */
  private optionalPrice(
    grid: Grid,
    value: DecimalLike | undefined,
    wanted: boolean,
    t: OrderType,
  ): number | EntryReject {
    if (!wanted) {
      if (value === undefined) return Number.NaN;
      return entryReject('unexpected-price', grid.field, `a ${t} order takes no ${grid.field}`);
    }
    if (value === undefined) {
      return grid.field === 'price'
        ? entryReject('missing-price', 'price', `a ${t} order needs a price`)
        : entryReject('missing-stop-price', 'stopPrice', `a ${t} order needs a stopPrice`);
    }
    return grid.parse(value);
  }
}

function checkFlags(r: OrderRequest): EntryReject | undefined {
  if (r.owner !== undefined && typeof r.owner !== 'string') {
    return entryReject('invalid-order', 'owner', `owner ${describeValue(r.owner)} is not a string`);
  }
  if (r.postOnly !== undefined && typeof r.postOnly !== 'boolean') {
    return entryReject(
      'invalid-order',
      'postOnly',
      `postOnly ${describeValue(r.postOnly)} is not a boolean`,
    );
  }
  if (r.selfTradeExempt !== undefined && typeof r.selfTradeExempt !== 'boolean') {
    return entryReject(
      'invalid-order',
      'selfTradeExempt',
      `selfTradeExempt ${describeValue(r.selfTradeExempt)} is not a boolean`,
    );
  }
  return undefined;
}

/** Equal ticks, or both absent (NaN). */
function sameUnits(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}
