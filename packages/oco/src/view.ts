/**
 * Read-only views of the manager's state, in exact decimals. These are what the public API
 * returns; the stored records themselves stay internal.
 *
 * @module
 */
import type { Decimal } from '@x/core';
import type { LegRole } from './types.js';

/**
 * A leg's lifecycle: `held` (waiting for a rule or the OTO policy), `idle` (no working order),
 * `active` (one working order), `done`.
 */
export type LegState = 'held' | 'idle' | 'active' | 'done';

/** One leg in a {@link GroupLedger}. */
export interface LegLedger {
  /** Leg id. */
  readonly id: string;
  /** Role. */
  readonly role: LegRole | 'close';
  /** State. */
  readonly state: LegState;
  /** Filled over all the leg's orders. */
  readonly filled: Decimal;
  /** The working order's id, or null. */
  readonly orderId: string | null;
  /** The working order's commanded total quantity. */
  readonly orderQty: Decimal | null;
  /** The working order's limit price. */
  readonly price: Decimal | null;
  /** The working order's stop price. */
  readonly stopPrice: Decimal | null;
}

/** A read-only view of a group's ledger, in decimals. */
export interface GroupLedger {
  /** Group id. */
  readonly groupId: string;
  /** `working` or `done`. */
  readonly status: 'working' | 'done';
  /** Σ entry filled (plus the pre-existing position). */
  readonly entryFilled: Decimal;
  /** Weighted average entry price, or undefined before the first entry fill. */
  readonly avgEntryPrice: Decimal | undefined;
  /** Σ exit filled. */
  readonly exitFilled: Decimal;
  /** Weighted average exit price, or undefined before the first exit fill. */
  readonly avgExitPrice: Decimal | undefined;
  /** The open remainder R = entry filled − exit filled (negative after a position overfill). */
  readonly openQty: Decimal;
  /**
   * The remainder last reported `unprotected` and still without a working stop, or zero when the
   * position is covered (or flat).
   */
  readonly unprotectedQty: Decimal;
  /** Per leg: id, role, state, filled quantity and the current order's id, quantity and prices. */
  readonly legs: readonly LegLedger[];
}
