/**
 * Exit sizing: the ledger rule (each live stop at its own filled + R, targets sharing R by
 * weight) and the OTO release of exits as a decision table. Pure functions over integers.
 */
import type { GroupPolicies } from '../types.js';
import { type Exact, toXDec } from './exact.js';

/** ⌊a × b / c⌋ for non-negative integers, exact beyond 2^53. */
export function mulDivFloor(a: number, b: number, c: number): number {
  const p = a * b;
  if (Number.isSafeInteger(p)) return Math.floor(p / c);
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/**
 * Target i's planned share of the position `pos` (cumulative-weight floor split: the shares of
 * all targets sum to exactly `pos`).
 * @param cumBefore - Σ weights of the targets before this one
 * @param weight - this target's weight
 * @param totalWeight - Σ weights of all targets
 * @param pos - the position, lots
 */
export function plannedShare(
  cumBefore: number,
  weight: number,
  totalWeight: number,
  pos: number,
): number {
  return (
    mulDivFloor(cumBefore + weight, pos, totalWeight) - mulDivFloor(cumBefore, pos, totalWeight)
  );
}

/** What the OTO policy does with a group's exits now. */
type ExitRelease = 'wait' | 'release' | 'drop';

/** Why exits are dropped (for the `unprotected` notice's reason). */
export type DropCause = 'group-cancelled' | 'parent-cancel-all' | 'entry-ended-unfilled' | null;

/** The inputs of the OTO decision. */
export interface ReleaseInputs {
  /** The user cancelled every leg. */
  readonly cancelledAll: boolean;
  /** No entry order is working or held any more. */
  readonly entriesOver: boolean;
  /** Σ entry filled reached Σ entry quantity. */
  readonly fullyFilled: boolean;
  /** Some entry quantity filled. */
  readonly anyFilled: boolean;
}

/**
 * The OTO release of exits, as a decision table (first matching row wins):
 *
 * | cancelled all | entries over | fully filled | any filled | otoTrigger | parentCancel | → |
 * | --- | --- | --- | --- | --- | --- | --- |
 * | yes | | | | | | drop (group cancelled) |
 * | | yes | no | yes | | cancel-all | drop (policy cancel-all) |
 * | | | | yes | partial | | release |
 * | | | yes | | full | | release |
 * | | yes | | yes | | keep-filled | release (sized to what filled) |
 * | | yes | | no | | | drop (nothing filled) |
 * | otherwise | | | | | | wait |
 *
 * @returns the decision and, for a drop, its cause
 */
export function exitRelease(
  x: ReleaseInputs,
  pol: Pick<GroupPolicies, 'otoTrigger' | 'parentCancel'>,
): ReleaseOutcome {
  return releaseOf(x.cancelledAll, x.entriesOver, x.fullyFilled, x.anyFilled, pol);
}

/** The outcome of the OTO decision. */
export interface ReleaseOutcome {
  readonly decision: ExitRelease;
  readonly cause: DropCause;
}

const WAIT: ReleaseOutcome = Object.freeze({ decision: 'wait', cause: null });
const RELEASE: ReleaseOutcome = Object.freeze({ decision: 'release', cause: null });
const DROP_CANCELLED: ReleaseOutcome = Object.freeze({
  decision: 'drop',
  cause: 'group-cancelled',
});
const DROP_POLICY: ReleaseOutcome = Object.freeze({ decision: 'drop', cause: 'parent-cancel-all' });
const DROP_UNFILLED: ReleaseOutcome = Object.freeze({
  decision: 'drop',
  cause: 'entry-ended-unfilled',
});

/** {@link exitRelease} with positional inputs (the hot path: no allocation). */
export function releaseOf(
  cancelledAll: boolean,
  entriesOver: boolean,
  fullyFilled: boolean,
  anyFilled: boolean,
  pol: Pick<GroupPolicies, 'otoTrigger' | 'parentCancel'>,
): ReleaseOutcome {
  if (cancelledAll) return DROP_CANCELLED;
  if (entriesOver && !fullyFilled && anyFilled && pol.parentCancel === 'cancel-all')
    return DROP_POLICY;
  if (pol.otoTrigger === 'partial' ? anyFilled : fullyFilled) return RELEASE;
  if (entriesOver) return anyFilled ? RELEASE : DROP_UNFILLED;
  return WAIT;
}

/** The reason text of an `unprotected` notice for a drop cause. */
export function dropReason(cause: Exclude<DropCause, null>): string {
  switch (cause) {
    case 'group-cancelled':
      return 'group cancelled (scope all)';
    case 'parent-cancel-all':
      return 'parent cancelled, policy cancel-all';
    default:
      return 'entry ended unfilled';
  }
}

/**
 * Whether an open remainder is dust: below the minimum lots, or worth less than the minimum
 * notional at the average entry.
 * @param rp - R, lots (> 0)
 * @param minLots - the instrument's minimum order in lots
 * @param minNotional - the minimum notional (price units), zero for none
 * @param tickLot - tick size × lot size
 * @param notional - position notional, tick·lots
 * @param pos - position, lots
 */
export function isDust(
  rp: number,
  minLots: number,
  minNotional: { isZero(): boolean; toString(): string },
  tickLot: { toString(): string },
  notional: Exact,
  pos: number,
): boolean {
  if (rp < minLots) return true;
  if (minNotional.isZero() || pos <= 0) return false;
  // notional of R at the average entry: rp × (N / pos) × tick × lot
  return toXDec(notional).times(rp).times(tickLot.toString()).div(pos).lt(minNotional.toString());
}
