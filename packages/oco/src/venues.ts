/**
 * Venue profiles: what a venue supports natively and how the {@link OrderManager} talks to it.
 *
 * The manager uses a venue's native contingency where the profile has one and the group's shape
 * and policies match it (see {@link NativeOcoSupport} for which shapes each kind takes); everything
 * else is emulated locally with the same observable outcome (identical ledgers, see the tests).
 *
 * @module
 */

/**
 * Native contingency support.
 * - `none`: emulate every contingency locally.
 * - `spot-oco`: a native OCO pair (limit + stop) where any fill of the limit leg cancels the stop
 *   leg and a triggered stop cancels the limit leg. A partial fill of the limit therefore leaves
 *   the remainder unprotected; the manager re-protects it with a new stop (policy `reduce`).
 *   Shape: exactly one stop and one target (the venue's list is a pair).
 * - `oca-cancel`: one-cancels-all group (Interactive Brokers `ocaType` 1, "cancel all remaining
 *   orders with block"): the first fill on one order cancels the others (matches policy
 *   `exitSiblingOnFill: 'cancel'`). Shape: any number of stops and targets (at least two exits):
 *   the first exit fill ends every other exit at the venue, and the manager resizes the filler
 *   to carry R, exactly as under emulation.
 * - `oca-reduce`: one-cancels-all group with quantity reduction (`ocaType` 2 with block, 3
 *   without, see {@link VenueProfile.ocaBlock}): when one order executes the fraction φ of its
 *   open quantity, every other order of the group has its open quantity reduced to
 *   ⌊open × (1 − φ)⌋ (matches policy `exitSiblingOnFill: 'reduce'`). Shape: exactly one stop and
 *   one target, and only once no entry order can fill any more: the ledger then keeps both legs at
 *   the same open quantity R, where the proportional reduction equals the ledger's own rule
 *   (open − q for both, in any delivery order). With several targets (whose opens differ) or with
 *   entries still filling (whose upsizes would race the proportional reduction, which does not
 *   commute with a size change) the group is emulated.
 */
export type NativeOcoSupport = 'none' | 'spot-oco' | 'oca-cancel' | 'oca-reduce';

/** What a venue supports and its conventions. */
export interface VenueProfile {
  /** A short name for logs. */
  readonly name: string;
  /** Native contingency support. */
  readonly nativeOco: NativeOcoSupport;
  /**
   * Overfill protection ("block") of a native one-cancels-all group: while one order of the group
   * executes, the venue blocks the others, and the cancel or reduction of the others is applied
   * atomically with the execution, so the group can never overfill. Without block (`ocaType` 3)
   * the venue propagates the reduction after the execution, and another order of the group can
   * execute at its old size meanwhile: the overfill is then bounded by that order's open quantity
   * (at most R). The manager forwards it to the adapter as {@link NativeContingency.block}.
   */
  readonly ocaBlock: boolean;
  /** Whether exits can be sent reduce-only (the venue then never lets them flip the position). */
  readonly reduceOnly: boolean;
  /** Whether post-only is available. */
  readonly postOnly: boolean;
  /**
   * `in-place` amends (keep priority on a size decrease), or `cancel-replace`: the manager cancels
   * and sends the replacement (a new order id) only after the cancel is confirmed, so the two can
   * never both fill (the cancel-replace overfill of naive engines).
   */
  readonly amend: 'in-place' | 'cancel-replace';
  /** Whether a stop's trigger price can be amended in place (otherwise it is cancel-replaced). */
  readonly amendStopPrice: boolean;
  /** Quantity dialect of an amend: the new `total` quantity, or the new `open` (leaves) quantity. */
  readonly amendQty: 'total' | 'open';
  /**
   * Price relationship the venue enforces on a native OCO: for a sell OCO the take-profit must be
   * above the last price and the last price above the stop (mirrored for a buy OCO).
   */
  readonly ocoPriceRule: 'tp-last-stop' | 'none';
}

/** A venue with no native contingency: everything emulated, in-place amends in total quantity. */
export const EMULATED_VENUE: VenueProfile = Object.freeze({
  name: 'emulated',
  nativeOco: 'none',
  ocaBlock: false,
  reduceOnly: false,
  postOnly: true,
  amend: 'in-place',
  amendStopPrice: true,
  amendQty: 'total',
  ocoPriceRule: 'none',
});

/**
 * Modelled on a spot exchange with a native OCO list (limit maker + stop-loss): a partial fill of
 * the limit leg cancels the stop, so the manager must re-protect the remainder. Amends are
 * cancel-replace; no reduce-only.
 */
export const SPOT_OCO_VENUE: VenueProfile = Object.freeze({
  name: 'spot-oco',
  nativeOco: 'spot-oco',
  ocaBlock: false,
  reduceOnly: false,
  postOnly: true,
  amend: 'cancel-replace',
  amendStopPrice: false,
  amendQty: 'total',
  ocoPriceRule: 'tp-last-stop',
});

/**
 * Modelled on a derivatives exchange: reduce-only exits, no native OCO (emulated), in-place
 * amends in total quantity.
 */
export const DERIVATIVES_VENUE: VenueProfile = Object.freeze({
  name: 'derivatives',
  nativeOco: 'none',
  ocaBlock: false,
  reduceOnly: true,
  postOnly: true,
  amend: 'in-place',
  amendStopPrice: true,
  amendQty: 'total',
  ocoPriceRule: 'none',
});

/**
 * A profile modelled on a broker's one-cancels-all groups (Interactive Brokers' `ocaType`).
 * @param kind - `cancel` (type 1: cancel all remaining orders, with block), `reduce-block`
 *   (type 2: remaining orders proportionately reduced in size, with block) or `reduce-no-block`
 *   (type 3: proportionately reduced, without block: a bounded overfill is possible)
 * @returns the profile
 * @example
 * ```ts
 * const ib = brokerOcaVenue('reduce-block');
 * ib.nativeOco; // 'oca-reduce'
 * ib.ocaBlock; // true
 * ```
 */
export function brokerOcaVenue(kind: 'cancel' | 'reduce-block' | 'reduce-no-block'): VenueProfile {
  return Object.freeze({
    name: `broker-oca-${kind}`,
    nativeOco: kind === 'cancel' ? 'oca-cancel' : 'oca-reduce',
    ocaBlock: kind !== 'reduce-no-block',
    reduceOnly: false,
    postOnly: false,
    amend: 'in-place',
    amendStopPrice: true,
    amendQty: 'open',
    ocoPriceRule: 'none',
  } satisfies VenueProfile);
}
