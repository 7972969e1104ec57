/**
 * Venue profiles: what a venue supports natively and how the {@link OrderManager} talks to it.
 *
 * The manager uses a venue's native contingency where the profile has one and the group's shape
 * and policies match it (one stop and one target); everything else is emulated locally with the
 * same observable outcome (identical ledgers, see the tests).
 *
 * @module
 */

/**
 * Native contingency support.
 * - `none`: emulate every contingency locally.
 * - `spot-oco`: a native OCO pair (limit + stop) where any fill of the limit leg cancels the stop
 *   leg and a triggered stop cancels the limit leg. A partial fill of the limit therefore leaves
 *   the remainder unprotected; the manager re-protects it with a new stop (policy `reduce`).
 * - `oca-cancel`: one-cancels-all group: the first fill on one order cancels the others
 *   (matches policy `exitSiblingOnFill: 'cancel'`).
 * - `oca-reduce`: one-cancels-all group with quantity reduction: a fill of q on one order reduces
 *   every other order of the group by q (matches policy `exitSiblingOnFill: 'reduce'`).
 */
export type NativeOcoSupport = 'none' | 'spot-oco' | 'oca-cancel' | 'oca-reduce';

/** What a venue supports and its conventions. */
export interface VenueProfile {
  /** A short name for logs. */
  readonly name: string;
  /** Native contingency support. */
  readonly nativeOco: NativeOcoSupport;
  /**
   * Whether the venue blocks overfills inside a native group (no two orders of the group can
   * together fill more than the group's quantity). Broker OCA groups offer it as an option.
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
 * A profile modelled on a broker's one-cancels-all groups.
 * @param kind - `cancel` (type 1: cancel the others, with block), `reduce-block` (type 2: reduce
 *   the others, with overfill protection) or `reduce-no-block` (type 3: reduce, no overfill protection)
 * @returns the profile
 * @example
 * ```ts
 * const ib = brokerOcaVenue('reduce-block');
 * ib.nativeOco; // 'oca-reduce'
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
