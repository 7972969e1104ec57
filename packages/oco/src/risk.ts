/**
 * Pluggable pre-trade checks, run by the {@link OrderManager} before every submit and every
 * modify that raises risk. Cancels and pure size reductions of exits are never blocked: they only
 * lower risk, and blocking them would leave an exit larger than the position.
 *
 * @module
 */
import {
  assertOneOf,
  type Decimal,
  type DecimalLike,
  type Instrument,
  type Side,
  toDecimal,
} from '@x/core';
import type { LegRole } from './types.js';

/** What a risk check sees. */
export interface RiskRequest {
  /** A new order or a modify of a working one. */
  readonly kind: 'submit' | 'modify';
  /** Group id. */
  readonly groupId: string;
  /** Leg id. */
  readonly legId: string;
  /** The leg's role (`close` for a dust close-out). */
  readonly role: LegRole | 'close';
  /** The instrument. */
  readonly instrument: Instrument;
  /** Side. */
  readonly side: Side;
  /** Open quantity the order will have. */
  readonly openQty: Decimal;
  /** Limit price, if any. */
  readonly price: Decimal | undefined;
  /** Stop price, if any. */
  readonly stopPrice: Decimal | undefined;
  /** The group's open remainder R now. */
  readonly position: Decimal;
  /** The position if every working entry (with this request) filled: R + Σ entry open. */
  readonly projectedPosition: Decimal;
  /**
   * The net position of all the manager's groups in this symbol (long positive, short negative)
   * if every working entry filled, with this request: the other groups as last reconciled plus
   * this group's projection.
   */
  readonly symbolProjectedPosition: Decimal;
  /**
   * Σ over symbols of |net projected position| × price: the account's gross projected notional
   * (this symbol at the request's price, others at their last market price).
   */
  readonly accountProjectedNotional: Decimal;
  /** The last market price, if any was seen. */
  readonly reference: Decimal | undefined;
}

/** A pre-trade check: returns `null` to allow, or a short reason to deny. A check that throws denies. */
export type RiskCheck = (request: RiskRequest) => string | null;

function isExit(role: RiskRequest['role']): boolean {
  return role === 'stop' || role === 'target' || role === 'close';
}

/** Where a limit applies: one group, every group of the symbol, or the whole account. */
export type RiskScope = 'group' | 'symbol' | 'account';

function scopeOf(
  options: { readonly scope?: RiskScope } | undefined,
  allowed: readonly RiskScope[],
): RiskScope {
  const scope = options?.scope ?? allowed[0]!;
  assertOneOf(scope, allowed, 'scope');
  return scope;
}

/**
 * Denies entries that would take the projected position above `limit`: the group's own
 * (`scope: 'group'`, the default) or the net position of all groups in the symbol
 * (`scope: 'symbol'`), so that two groups cannot together exceed it.
 * @param limit - maximum position quantity
 * @param options - `scope`: `group` (default) or `symbol`
 * @returns the check
 * @example
 * ```ts
 * const perGroup = maxPosition('10');
 * const perSymbol = maxPosition('25', { scope: 'symbol' });
 * ```
 */
export function maxPosition(
  limit: DecimalLike,
  options?: { readonly scope?: RiskScope },
): RiskCheck {
  const max = toDecimal(limit, 'limit');
  const scope = scopeOf(options, ['group', 'symbol']);
  return (r) => {
    if (r.role !== 'entry') return null;
    const p = scope === 'group' ? r.projectedPosition : r.symbolProjectedPosition.abs();
    return p.gt(max)
      ? `projected ${scope === 'group' ? '' : 'symbol '}position ${p.toString()} above ${max.toString()}`
      : null;
  };
}

/**
 * Denies orders whose notional exceeds `limit`: the order's own (open quantity × limit, stop or
 * reference price; `scope: 'group'`, the default) or, for entries, the account's gross projected
 * notional over all symbols (`scope: 'account'`).
 * @param limit - maximum notional
 * @param options - `scope`: `group` (per order, default) or `account`
 * @returns the check
 */
export function maxNotional(
  limit: DecimalLike,
  options?: { readonly scope?: RiskScope },
): RiskCheck {
  const max = toDecimal(limit, 'limit');
  const scope = scopeOf(options, ['group', 'account']);
  return (r) => {
    if (scope === 'account') {
      if (r.role !== 'entry') return null;
      const n = r.accountProjectedNotional;
      return n.gt(max)
        ? `projected account notional ${n.toString()} above ${max.toString()}`
        : null;
    }
    const px = r.price ?? r.stopPrice ?? r.reference;
    if (px === undefined) return null;
    const n = px.times(r.openQty);
    return n.gt(max) ? `notional ${n.toString()} above ${max.toString()}` : null;
  };
}

/**
 * Denies limit and stop prices further than `bps` basis points from the reference price
 * (allowed when no reference has been seen).
 * @param bps - band half-width in basis points
 * @returns the check
 */
export function priceBand(bps: number): RiskCheck {
  const width = toDecimal(bps, 'bps').div(10_000);
  return (r) => {
    if (r.reference === undefined) return null;
    for (const px of [r.price, r.stopPrice]) {
      if (px === undefined) continue;
      const dev = px.minus(r.reference).abs().div(r.reference);
      if (dev.gt(width)) return `price ${px.toString()} outside ${bps} bps of ${r.reference}`;
    }
    return null;
  };
}

/**
 * Denies orders below the instrument's minimum quantity or notional (the notional uses the limit,
 * stop or reference price).
 * @returns the check
 */
export function minOrderSize(): RiskCheck {
  return (r) => {
    const px = r.price ?? r.stopPrice ?? r.reference;
    const v = r.instrument.checkOrder(px, r.openQty);
    return v === 'below-min-qty' || v === 'below-min-notional' ? v : null;
  };
}

/**
 * Denies an exit whose open quantity exceeds the open position (it could flip the position).
 * @returns the check
 */
export function reduceOnlyConsistency(): RiskCheck {
  return (r) =>
    isExit(r.role) && r.openQty.gt(r.position)
      ? `exit ${r.openQty.toString()} above position ${r.position.toString()}`
      : null;
}
