/**
 * Command objects whose decimal fields are computed on access from the integer lots and ticks
 * the manager works in: an adapter pays only for the fields it reads, and the hot path allocates
 * one small object per command instead of several big decimals. `toJSON` gives the plain form.
 */
import type { Decimal, Instrument, OrderType, Side, TimeInForce } from '@x/core';
import type { LegRole, ModifyCommand, NativeContingency, SubmitCommand } from '../types.js';

export class LazySubmit implements SubmitCommand {
  readonly type = 'submit' as const;
  constructor(
    readonly orderId: string,
    readonly groupId: string,
    readonly legId: string,
    readonly role: LegRole | 'close',
    readonly symbol: string,
    readonly side: Side,
    readonly orderType: OrderType,
    readonly timeInForce: TimeInForce,
    readonly reduceOnly: boolean,
    readonly postOnly: boolean,
    readonly contingency: NativeContingency | undefined,
    private readonly inst: Instrument,
    private readonly lots: number,
    private readonly priceTicks: number | null,
    private readonly stopTicks: number | null,
  ) {}
  get qty(): Decimal {
    return this.inst.lotSize.times(this.lots);
  }
  get price(): Decimal | undefined {
    return this.priceTicks === null ? undefined : this.inst.tickSize.times(this.priceTicks);
  }
  get stopPrice(): Decimal | undefined {
    return this.stopTicks === null ? undefined : this.inst.tickSize.times(this.stopTicks);
  }
  toJSON(): Record<string, unknown> {
    return {
      type: this.type,
      orderId: this.orderId,
      groupId: this.groupId,
      legId: this.legId,
      role: this.role,
      symbol: this.symbol,
      side: this.side,
      orderType: this.orderType,
      qty: this.qty,
      price: this.price,
      stopPrice: this.stopPrice,
      timeInForce: this.timeInForce,
      reduceOnly: this.reduceOnly,
      postOnly: this.postOnly,
      contingency: this.contingency,
    };
  }
}

export class LazyModify implements ModifyCommand {
  readonly type = 'modify' as const;
  constructor(
    readonly orderId: string,
    readonly groupId: string,
    private readonly inst: Instrument,
    private readonly lots: number,
    private readonly openLots: number,
    private readonly deltaLots: number,
    private readonly priceTicks: number | null,
    private readonly stopTicks: number | null,
  ) {}
  get qty(): Decimal {
    return this.inst.lotSize.times(this.lots);
  }
  get openQty(): Decimal {
    return this.inst.lotSize.times(this.openLots);
  }
  get qtyDelta(): Decimal {
    return this.inst.lotSize.times(this.deltaLots);
  }
  get price(): Decimal | undefined {
    return this.priceTicks === null ? undefined : this.inst.tickSize.times(this.priceTicks);
  }
  get stopPrice(): Decimal | undefined {
    return this.stopTicks === null ? undefined : this.inst.tickSize.times(this.stopTicks);
  }
  toJSON(): Record<string, unknown> {
    return {
      type: this.type,
      orderId: this.orderId,
      groupId: this.groupId,
      qty: this.qty,
      openQty: this.openQty,
      qtyDelta: this.qtyDelta,
      price: this.price,
      stopPrice: this.stopPrice,
    };
  }
}
