/**
 * Command construction: plain data objects (spread, `Object.assign`, `structuredClone`,
 * `postMessage` and `console.log` all see the fields the types describe). Optional fields are
 * absent, not `undefined`, so the objects satisfy `exactOptionalPropertyTypes` consumers.
 */
import type { Instrument, OrderType, Side, TimeInForce } from '@x/core';
import type { LegRole, ModifyCommand, NativeContingency, SubmitCommand } from '../types.js';

/** What a submit command is built from (grid units). */
export interface SubmitInit {
  readonly orderId: string;
  readonly groupId: string;
  readonly legId: string;
  readonly role: LegRole | 'close';
  readonly symbol: string;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly timeInForce: TimeInForce;
  readonly expireAtMs: number | null;
  readonly reduceOnly: boolean;
  readonly postOnly: boolean;
  readonly contingency: NativeContingency | undefined;
  readonly inst: Instrument;
  readonly lots: number;
  readonly priceTicks: number | null;
  readonly stopTicks: number | null;
}

/** A submit command. */
export function submitCommand(x: SubmitInit): SubmitCommand {
  const c: { -readonly [K in keyof SubmitCommand]: SubmitCommand[K] } = {
    type: 'submit',
    orderId: x.orderId,
    groupId: x.groupId,
    legId: x.legId,
    role: x.role,
    symbol: x.symbol,
    side: x.side,
    orderType: x.orderType,
    qty: x.inst.lotSize.times(x.lots),
    timeInForce: x.timeInForce,
    reduceOnly: x.reduceOnly,
    postOnly: x.postOnly,
  };
  if (x.priceTicks !== null) c.price = x.inst.tickSize.times(x.priceTicks);
  if (x.stopTicks !== null) c.stopPrice = x.inst.tickSize.times(x.stopTicks);
  if (x.expireAtMs !== null) c.expireAtMs = x.expireAtMs;
  if (x.contingency !== undefined) c.contingency = x.contingency;
  return c;
}

/** A modify command. */
export function modifyCommand(
  orderId: string,
  groupId: string,
  inst: Instrument,
  lots: number,
  openLots: number,
  deltaLots: number,
  priceTicks: number | null,
  stopTicks: number | null,
): ModifyCommand {
  const lot = inst.lotSize;
  const c: { -readonly [K in keyof ModifyCommand]: ModifyCommand[K] } = {
    type: 'modify',
    orderId,
    groupId,
    qty: lot.times(lots),
    openQty: lot.times(openLots),
    qtyDelta: lot.times(deltaLots),
  };
  if (priceTicks !== null) c.price = inst.tickSize.times(priceTicks);
  if (stopTicks !== null) c.stopPrice = inst.tickSize.times(stopTicks);
  return c;
}
