/**
 * Named contingencies as presets over the rule graph and the ledger: OCO, OTO, OUO (absolute and
 * proportional), bracket and multi-leg groups. Each returns a plain {@link GroupSpec} that can be
 * inspected, serialised and passed to the {@link OrderManager} in a `create` event.
 *
 * @module
 */
import {
  assertObject,
  type DecimalLike,
  type OrderType,
  type Side,
  type TimeInForce,
  ValidationError,
} from '@x/core';
import {
  type BreakEvenSpec,
  type ContingencyRule,
  ContingencyType,
  type GroupPolicies,
  type GroupSpec,
  type LegSpec,
  type PriceOffset,
  type TrailingSpec,
} from './types.js';

/** An independent order of an OCO, OTO or OUO between orders. */
export interface OrderLegInput {
  /** Leg id. */
  readonly id: string;
  /** Side. */
  readonly side: Side;
  /** Order type. */
  readonly type: OrderType;
  /** Quantity. */
  readonly qty: DecimalLike;
  /** Limit price. */
  readonly price?: DecimalLike;
  /** Stop price. */
  readonly stopPrice?: DecimalLike;
  /** Time in force. */
  readonly timeInForce?: TimeInForce;
}

function freeLeg(l: OrderLegInput): LegSpec {
  return {
    id: l.id,
    role: 'free',
    side: l.side,
    type: l.type,
    qty: l.qty,
    ...(l.price === undefined ? {} : { price: l.price }),
    ...(l.stopPrice === undefined ? {} : { stopPrice: l.stopPrice }),
    ...(l.timeInForce === undefined ? {} : { timeInForce: l.timeInForce }),
  };
}

/** The ids of a contingency between orders, which needs at least two of them. */
function orderIds(orders: readonly OrderLegInput[], kind: string): string[] {
  if (!Array.isArray(orders) || orders.length < 2) {
    throw new ValidationError(`an ${kind} between orders needs at least two orders`, {
      field: 'orders',
      value: Array.isArray(orders) ? orders.length : orders,
    });
  }
  return orders.map((o) => o.id);
}

function allPairs(
  ids: readonly string[],
  when: ContingencyRule['when'],
  action: ContingencyRule['action'],
): ContingencyRule[] {
  const rules: ContingencyRule[] = [];
  for (const a of ids)
    for (const b of ids) if (a !== b) rules.push({ on: a, when, action, target: b });
  return rules;
}

/**
 * One-cancels-the-other between independent orders (FIX 1385=1): the first fill of any size on
 * one order cancels the others.
 * @param input - group id, symbol and at least two orders
 * @returns the group spec
 * @example
 * ```ts
 * const spec = ocoOrders({ id: 'g', symbol: 'BTC', orders: [
 *   { id: 'buyLow', side: 'buy', type: 'limit', qty: '1', price: '95' },
 *   { id: 'buyBreakout', side: 'buy', type: 'stop', qty: '1', stopPrice: '105' },
 * ] });
 * ```
 */
export function ocoOrders(input: {
  readonly id: string;
  readonly symbol: string;
  readonly orders: readonly OrderLegInput[];
}): GroupSpec {
  const ids = orderIds(input.orders, 'OCO');
  return {
    id: input.id,
    symbol: input.symbol,
    side: input.orders[0]?.side ?? 'buy',
    legs: input.orders.map(freeLeg),
    rules: allPairs(ids, 'partially-filled', 'cancel'),
    contingencyType: ContingencyType.OCO,
  };
}

/**
 * One-triggers-the-other (FIX 1385=2): the child is held until the parent's first fill
 * (`trigger: 'partial'`) or full fill (`'full'`).
 * @param input - group id, symbol, parent, child and trigger
 * @returns the group spec
 */
export function oto(input: {
  readonly id: string;
  readonly symbol: string;
  readonly parent: OrderLegInput;
  readonly child: OrderLegInput;
  readonly trigger?: 'partial' | 'full';
}): GroupSpec {
  return {
    id: input.id,
    symbol: input.symbol,
    side: input.parent.side,
    legs: [freeLeg(input.parent), freeLeg(input.child)],
    rules: [
      {
        on: input.parent.id,
        when: input.trigger === 'full' ? 'filled' : 'partially-filled',
        action: 'release',
        target: input.child.id,
      },
    ],
    contingencyType: ContingencyType.OTO,
  };
}

/**
 * One-updates-the-other between independent orders: each fill on one order reduces the others,
 * by the same absolute quantity (FIX 1385=3) or by the same fraction of their original quantity
 * (FIX 1385=4, rounded down to the lot so an order is never over-sized).
 * @param input - group id, symbol, orders and reduction mode
 * @returns the group spec
 */
export function ouo(input: {
  readonly id: string;
  readonly symbol: string;
  readonly orders: readonly OrderLegInput[];
  readonly mode: 'absolute' | 'proportional';
}): GroupSpec {
  const ids = orderIds(input.orders, 'OUO');
  return {
    id: input.id,
    symbol: input.symbol,
    side: input.orders[0]?.side ?? 'buy',
    legs: input.orders.map(freeLeg),
    rules: allPairs(
      ids,
      'partially-filled',
      input.mode === 'absolute' ? 'reduce-absolute' : 'reduce-proportional',
    ),
    contingencyType:
      input.mode === 'absolute' ? ContingencyType.OUO_ABSOLUTE : ContingencyType.OUO_PROPORTIONAL,
  };
}

/** A stop of a bracket or multi-leg group: a fixed stop price or an offset from the average entry. */
export interface StopInput {
  /** Fixed stop price. */
  readonly price?: DecimalLike;
  /** Distance below (long) or above (short) the weighted average entry. */
  readonly offset?: PriceOffset;
  /** Trailing behaviour. */
  readonly trailing?: TrailingSpec;
  /** Break-even move. */
  readonly breakEven?: BreakEvenSpec;
}

/** A target of a bracket or multi-leg group: a fixed limit price or an offset from the average entry. */
export interface TargetInput {
  /** Fixed limit price. */
  readonly price?: DecimalLike;
  /** Distance above (long) or below (short) the weighted average entry. */
  readonly offset?: PriceOffset;
  /** Integer share of the position (multi-leg scale-out), default 1. */
  readonly weight?: number;
  /** Post-only. */
  readonly postOnly?: boolean;
}

function stopLeg(id: string, s: StopInput): LegSpec {
  assertObject(s, id);
  return {
    id,
    role: 'stop',
    type: 'stop',
    ...(s.price === undefined ? {} : { stopPrice: s.price }),
    ...(s.offset === undefined ? {} : { offset: s.offset }),
    ...(s.trailing === undefined ? {} : { trailing: s.trailing }),
    ...(s.breakEven === undefined ? {} : { breakEven: s.breakEven }),
  };
}

function targetLeg(id: string, t: TargetInput): LegSpec {
  assertObject(t, id);
  return {
    id,
    role: 'target',
    type: 'limit',
    ...(t.price === undefined ? {} : { price: t.price }),
    ...(t.offset === undefined ? {} : { offset: t.offset }),
    ...(t.weight === undefined ? {} : { weight: t.weight }),
    ...(t.postOnly === undefined ? {} : { postOnly: t.postOnly }),
  };
}

/**
 * OCO exits protecting an existing position: a stop and a take-profit, each sized to the open
 * remainder (the sound OUO rule, or cancel on first fill with policy `exitSiblingOnFill: 'cancel'`).
 * @param input - group id, symbol, position side, quantity and average price, stop and target
 * @returns the group spec
 */
export function ocoExit(input: {
  readonly id: string;
  readonly symbol: string;
  readonly side: Side;
  readonly position: DecimalLike;
  readonly positionPrice?: DecimalLike;
  readonly stop: StopInput;
  readonly target: TargetInput;
  readonly policies?: Partial<GroupPolicies>;
}): GroupSpec {
  return {
    id: input.id,
    symbol: input.symbol,
    side: input.side,
    position: input.position,
    ...(input.positionPrice === undefined ? {} : { positionPrice: input.positionPrice }),
    legs: [stopLeg('stop', input.stop), targetLeg('target', input.target)],
    ...(input.policies === undefined ? {} : { policies: input.policies }),
    contingencyType: ContingencyType.OCO,
  };
}

/**
 * A bracket: an entry (limit, or market when `entryPrice` is omitted) that triggers a stop and a
 * take-profit (OTO), which then protect the filled quantity as an OUO/OCO pair.
 * @param input - group id, symbol, side, quantity, entry price, stop, target and policies
 * @returns the group spec (legs `entry`, `stop`, `target`)
 * @example
 * ```ts
 * const spec = bracket({ id: 'b1', symbol: 'BTC', side: 'buy', qty: '1', entryPrice: '100',
 *   stop: { offset: { kind: 'ticks', value: 10 } }, target: { offset: { kind: 'bps', value: 100 } } });
 * ```
 */
export function bracket(input: {
  readonly id: string;
  readonly symbol: string;
  readonly side: Side;
  readonly qty: DecimalLike;
  readonly entryPrice?: DecimalLike;
  readonly stop: StopInput;
  readonly target: TargetInput;
  readonly policies?: Partial<GroupPolicies>;
  readonly timeInForce?: TimeInForce;
}): GroupSpec {
  return multiLeg({
    id: input.id,
    symbol: input.symbol,
    side: input.side,
    entries: [
      {
        qty: input.qty,
        ...(input.entryPrice === undefined ? {} : { price: input.entryPrice }),
        ...(input.timeInForce === undefined ? {} : { timeInForce: input.timeInForce }),
      },
    ],
    stops: [input.stop],
    targets: [input.target],
    ...(input.policies === undefined ? {} : { policies: input.policies }),
  });
}

/**
 * A multi-leg group: several entries scaling in (all working at once, or each released by the
 * previous one's full fill with `scaleIn: 'sequential'`), stops covering the whole remainder and
 * several targets scaling out by weight. Leg ids: `entry` (or `entry1`, `entry2`...), `stop`
 * (`stop1`...), `target` (`target1`...).
 * @param input - group id, symbol, side, entries, stops, targets and policies
 * @returns the group spec
 */
export function multiLeg(input: {
  readonly id: string;
  readonly symbol: string;
  readonly side: Side;
  readonly entries: readonly {
    readonly qty: DecimalLike;
    readonly price?: DecimalLike;
    readonly timeInForce?: TimeInForce;
  }[];
  readonly stops: readonly StopInput[];
  readonly targets: readonly TargetInput[];
  readonly scaleIn?: 'parallel' | 'sequential';
  readonly policies?: Partial<GroupPolicies>;
}): GroupSpec {
  const name = (base: string, i: number, n: number) => (n === 1 ? base : `${base}${i + 1}`);
  const legs: LegSpec[] = [];
  const rules: ContingencyRule[] = [];
  input.entries.forEach((e, i) => {
    const id = name('entry', i, input.entries.length);
    legs.push({
      id,
      role: 'entry',
      type: e.price === undefined ? 'market' : 'limit',
      qty: e.qty,
      ...(e.price === undefined ? {} : { price: e.price }),
      ...(e.timeInForce === undefined ? {} : { timeInForce: e.timeInForce }),
    });
    if (input.scaleIn === 'sequential' && i > 0) {
      rules.push({
        on: name('entry', i - 1, input.entries.length),
        when: 'filled',
        action: 'release',
        target: id,
      });
    }
  });
  input.stops.forEach((s, i) => {
    legs.push(stopLeg(name('stop', i, input.stops.length), s));
  });
  input.targets.forEach((t, i) => {
    legs.push(targetLeg(name('target', i, input.targets.length), t));
  });
  return {
    id: input.id,
    symbol: input.symbol,
    side: input.side,
    legs,
    rules,
    ...(input.policies === undefined ? {} : { policies: input.policies }),
    contingencyType: ContingencyType.OTO,
  };
}
