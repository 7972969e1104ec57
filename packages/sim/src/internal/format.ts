/**
 * Ticks and lots back to exact decimals (memoised: decimals are immutable, so sharing them is
 * safe) and the engine's report objects built from order records.
 */
import {
  DECIMAL_ZERO,
  type Decimal,
  type Instrument,
  isTerminalStatus,
  type Liquidity,
} from '@x/core';
import type { OrderAccepted, OrderAmended, OrderFilled, OrderView } from '../events.js';
import { cachePut } from './order-entry.js';
import type { OrderRecord } from './records.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class Formatter {
  private readonly tick: Decimal;
  private readonly lot: Decimal;
  private readonly priceCache = new Map<number, Decimal>();
  private readonly qtyCache = new Map<number, Decimal>();

  constructor(instrument: Instrument) {
    this.tick = instrument.tickSize;
    this.lot = instrument.lotSize;
  }

  /** `ticks × tickSize`, exact. */
  price(ticks: number): Decimal {
    let d = this.priceCache.get(ticks);
    if (d === undefined) {
      d = this.tick.times(ticks);
      cachePut(this.priceCache, ticks, d);
    }
    return d;
  }

  /** `lots × lotSize`, exact. */
  qty(lots: number): Decimal {
    let d = this.qtyCache.get(lots);
    if (d === undefined) {
      d = this.lot.times(lots);
      cachePut(this.qtyCache, lots, d);
    }
    return d;
  }

  accepted(rec: OrderRecord, ts: number): OrderAccepted {
    const e: Mutable<OrderAccepted> = {
      type: 'accepted',
      ts,
      orderId: rec.orderId,
      side: rec.side,
      orderType: rec.orderType,
      qty: this.qty(rec.qtyLots),
      timeInForce: rec.timeInForce,
    };
    if (!Number.isNaN(rec.priceTicks)) e.price = this.price(rec.priceTicks);
    if (!Number.isNaN(rec.stopTicks)) e.stopPrice = this.price(rec.stopTicks);
    if (!Number.isNaN(rec.expireAtMs)) e.expireAtMs = rec.expireAtMs;
    return e;
  }

  amended(rec: OrderRecord, keptPriority: boolean, ts: number): OrderAmended {
    const e: Mutable<OrderAmended> = {
      type: 'amended',
      ts,
      orderId: rec.orderId,
      qty: this.qty(rec.qtyLots),
      leavesQty: this.qty(rec.qtyLots - rec.cumLots),
      keptPriority,
    };
    if (!Number.isNaN(rec.priceTicks)) e.price = this.price(rec.priceTicks);
    if (!Number.isNaN(rec.stopTicks) && !rec.triggered) e.stopPrice = this.price(rec.stopTicks);
    return e;
  }

  /** Records a fill on `rec` and returns its report. */
  fill(
    rec: OrderRecord,
    ts: number,
    tradeId: string,
    price: Decimal,
    lots: number,
    liquidity: Liquidity,
    counterparty: string,
    leavesLots: number,
  ): OrderFilled {
    const qty = this.qty(lots);
    rec.cumLots += lots;
    rec.notional = rec.notional.plus(price.times(qty));
    const cum = this.qty(rec.cumLots);
    rec.status = rec.cumLots === rec.qtyLots ? 'filled' : 'partially-filled';
    return {
      type: 'fill',
      ts,
      orderId: rec.orderId,
      tradeId,
      side: rec.side,
      price,
      qty,
      liquidity,
      counterpartyOrderId: counterparty,
      cumQty: cum,
      leavesQty: this.qty(leavesLots),
      avgPrice: rec.notional.div(cum),
      status: rec.status,
    };
  }

  view(rec: OrderRecord): OrderView {
    const cum = this.qty(rec.cumLots);
    const open = !isTerminalStatus(rec.status);
    return {
      orderId: rec.orderId,
      side: rec.side,
      orderType: rec.orderType,
      timeInForce: rec.timeInForce,
      status: rec.status,
      price: Number.isNaN(rec.priceTicks) ? undefined : this.price(rec.priceTicks),
      stopPrice: Number.isNaN(rec.stopTicks) ? undefined : this.price(rec.stopTicks),
      triggered: rec.triggered,
      qty: this.qty(rec.qtyLots),
      cumQty: cum,
      leavesQty: open ? this.qty(rec.qtyLots - rec.cumLots) : DECIMAL_ZERO,
      avgPrice: rec.cumLots === 0 ? undefined : rec.notional.div(cum),
      notional: rec.notional,
      owner: rec.owner,
      expireAtMs: Number.isNaN(rec.expireAtMs) ? undefined : rec.expireAtMs,
    };
  }
}
