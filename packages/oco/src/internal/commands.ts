/**
 * Command construction: plain data objects whose prices and quantities are exact decimal strings
 * (spread, `Object.assign`, `structuredClone`, `postMessage`, JSON and `console.log` all see the
 * fields the types describe). Optional fields are absent, not `undefined`, so the objects satisfy
 * `exactOptionalPropertyTypes` consumers. Strings are formatted straight from the integer lots
 * and ticks (no big-decimal arithmetic on the hot path).
 */
import type { ModifyCommand, NativeContingency, SubmitCommand } from '../types.js';
import type { GridCodec } from './units.js';

/** What a submit command is built from: the command's identity fields, and grid units. */
export interface SubmitInit
  extends Pick<
    SubmitCommand,
    'orderId' | 'groupId' | 'legId' | 'role' | 'symbol' | 'side' | 'orderType' | 'timeInForce'
  > {
  readonly expireAtMs: number | null;
  readonly reduceOnly: boolean;
  readonly postOnly: boolean;
  readonly contingency: NativeContingency | undefined;
  readonly codec: GridCodec;
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
    qty: x.codec.formatLots(x.lots),
    timeInForce: x.timeInForce,
    reduceOnly: x.reduceOnly,
    postOnly: x.postOnly,
  };
  if (x.priceTicks !== null) c.price = x.codec.formatTicks(x.priceTicks);
  if (x.stopTicks !== null) c.stopPrice = x.codec.formatTicks(x.stopTicks);
  if (x.expireAtMs !== null) c.expireAtMs = x.expireAtMs;
  if (x.contingency !== undefined) c.contingency = x.contingency;
  return c;
}

/** A modify command. */
export function modifyCommand(
  orderId: string,
  groupId: string,
  codec: GridCodec,
  lots: number,
  openLots: number,
  deltaLots: number,
  priceTicks: number | null,
  stopTicks: number | null,
): ModifyCommand {
  const c: { -readonly [K in keyof ModifyCommand]: ModifyCommand[K] } = {
    type: 'modify',
    orderId,
    groupId,
    qty: codec.formatLots(lots),
    openQty: codec.formatLots(openLots),
    qtyDelta: codec.formatLots(deltaLots),
  };
  if (priceTicks !== null) c.price = codec.formatTicks(priceTicks);
  if (stopTicks !== null) c.stopPrice = codec.formatTicks(stopTicks);
  return c;
}
