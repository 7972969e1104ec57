/**
 * The vocabulary of contingent order groups: leg and group specifications, policies, the events
 * the {@link OrderManager} consumes, and the commands and notices it returns.
 *
 * @module
 */
import type { Decimal, DecimalLike, OrderType, Side, TimeInForce } from '@x/core';

/**
 * FIX ContingencyType (tag 1385): 1 one-cancels-the-other, 2 one-triggers-the-other,
 * 3 one-updates-the-other with absolute quantity reduction, 4 one-updates-the-other with
 * proportional quantity reduction.
 */
export const ContingencyType = {
  /** One cancels the other (FIX 1385=1). */
  OCO: 1,
  /** One triggers the other (FIX 1385=2). */
  OTO: 2,
  /** One updates the other, absolute quantity reduction (FIX 1385=3). */
  OUO_ABSOLUTE: 3,
  /** One updates the other, proportional quantity reduction (FIX 1385=4). */
  OUO_PROPORTIONAL: 4,
} as const;

/** A FIX ContingencyType value (1 to 4). */
export type ContingencyTypeValue = (typeof ContingencyType)[keyof typeof ContingencyType];

/**
 * What a leg is for.
 * - `entry`: opens (or adds to) the group's position; its fills raise the open remainder R.
 * - `stop`: protective exit; each live stop is sized to cover the whole open remainder R.
 * - `target`: take-profit exit; targets share R by their integer `weight`s (scale-out).
 * - `free`: an independent order linked only by rules (plain OCO/OTO/OUO between orders).
 */
export type LegRole = 'entry' | 'stop' | 'target' | 'free';

/** A state change of one leg that can fire a rule. */
export type LegTrigger = 'accepted' | 'partially-filled' | 'filled' | 'canceled' | 'triggered';

/**
 * What a rule does to its target leg.
 * - `release`: submit a held leg (OTO).
 * - `cancel`: cancel the target (OCO).
 * - `reduce-absolute`: reduce the target's quantity by the trigger leg's newly filled quantity (OUO, FIX 1385=3).
 * - `reduce-proportional`: reduce the target's quantity by the same fraction of its original
 *   quantity as the trigger leg's filled fraction (OUO, FIX 1385=4).
 */
export type RuleAction = 'release' | 'cancel' | 'reduce-absolute' | 'reduce-proportional';

/** An edge of the rule graph: when leg `on` reaches `when`, apply `action` to leg `target`. */
export interface ContingencyRule {
  /** Id of the trigger leg. */
  readonly on: string;
  /** The trigger. `partially-filled` fires on the first fill of any size. */
  readonly when: LegTrigger;
  /** The action. */
  readonly action: RuleAction;
  /** Id of the target leg. */
  readonly target: string;
}

/**
 * A price distance used to anchor exits to the weighted average entry price (re-anchored after
 * every entry fill) or to trail the market.
 * - `price`: an absolute distance in price units.
 * - `ticks`: a whole number of ticks.
 * - `bps`: basis points of the anchor.
 * - `atr`: a multiple of the last volatility input (`atr` of a `market` event).
 */
export type PriceOffset = PriceDistance | TickDistance | BpsDistance | AtrDistance;

/** An absolute distance in price units. */
export interface PriceDistance {
  /** Discriminator. */
  readonly kind: 'price';
  /** The distance, >= 0. */
  readonly value: DecimalLike;
}
/** A distance in ticks. */
export interface TickDistance {
  /** Discriminator. */
  readonly kind: 'ticks';
  /** Number of ticks, >= 0. */
  readonly value: number;
}
/** A distance in basis points of the anchor. */
export interface BpsDistance {
  /** Discriminator. */
  readonly kind: 'bps';
  /** Basis points, >= 0. */
  readonly value: number;
}
/** A multiple of the last volatility input (`atr` of a `market` event). */
export interface AtrDistance {
  /** Discriminator. */
  readonly kind: 'atr';
  /** The multiple, >= 0. */
  readonly multiple: number;
}

/** A trailing stop: follows the market at `distance` once the market has reached `activation`. */
export interface TrailingSpec {
  /** Distance from the best price seen since activation. */
  readonly distance: PriceOffset;
  /** Price the market must reach (in the favourable direction) before trailing starts; immediate when omitted. */
  readonly activation?: DecimalLike;
}

/** A break-even move: once the market is `after` in profit, the stop moves to the average entry plus `plusTicks`. */
export interface BreakEvenSpec {
  /** Profit, measured from the average entry, that arms the move. */
  readonly after: PriceOffset;
  /** Ticks beyond the average entry, in the favourable direction (default 0). */
  readonly plusTicks?: number;
}

/** One order of a group. */
export interface LegSpec {
  /** Id, unique within the group. */
  readonly id: string;
  /** What the leg is for. */
  readonly role: LegRole;
  /** Side; entries take the group's side and exits the opposite side, so only `free` legs need it. */
  readonly side?: Side;
  /** Order type; exits anchored by `offset` must be `stop` (stops) or `limit` (targets). */
  readonly type: OrderType;
  /** Quantity for `entry` and `free` legs; exits are sized by the ledger. */
  readonly qty?: DecimalLike;
  /** Limit price (limit and stop-limit), on the tick grid. */
  readonly price?: DecimalLike;
  /** Stop trigger price (stop and stop-limit), on the tick grid. */
  readonly stopPrice?: DecimalLike;
  /** For exits: the price as a distance from the weighted average entry, re-anchored on every entry fill. */
  readonly offset?: PriceOffset;
  /** For targets: integer share of the position (default 1); targets split R by weight. */
  readonly weight?: number;
  /** For stops: trailing behaviour. */
  readonly trailing?: TrailingSpec;
  /** For stops: break-even move. */
  readonly breakEven?: BreakEvenSpec;
  /** Time in force (default GTC), core's `TimeInForce`. */
  readonly timeInForce?: TimeInForce;
  /** Expiry time in milliseconds, required with (and only with) `timeInForce: 'GTD'`. */
  readonly expireAtMs?: number;
  /** Post-only flag passed to the venue. */
  readonly postOnly?: boolean;
}

/**
 * The explicit semantics of a group. Each option is tested.
 */
export interface GroupPolicies {
  /** Release exits on the first entry fill (`partial`) or only when the entry is fully filled (`full`). Default `partial`. */
  readonly otoTrigger: 'partial' | 'full';
  /**
   * What a fill on one exit leg does to its siblings: `reduce` (OUO: every live exit is resized
   * from the ledger, each leg to its own filled + R) or `cancel` (OCO: the first fill cancels the
   * other exits and the filling leg alone carries R). Default `reduce`.
   */
  readonly exitSiblingOnFill: 'reduce' | 'cancel';
  /** When a partly filled entry ends (cancelled, expired): keep the exits sized to the filled quantity, or cancel every leg. Default `keep-filled`. */
  readonly parentCancel: 'keep-filled' | 'cancel-all';
  /** When R is below the venue's minimum quantity or notional: `flag` (cancel exits, report dust) or `close` (cancel exits and send a reduce-only market order for R). Default `flag`. */
  readonly dust: 'flag' | 'close';
  /** Re-submit a stop that the venue cancelled on its own while R > 0 (native OCO venues do this). Default `true`. */
  readonly reprotect: boolean;
  /**
   * A stop whose price is already through the last market price when it is due to be sent:
   * `wait` (hold it, report the position `unprotected`, and send it on the first market event
   * that makes it valid; every market event re-evaluates it) or `send` (send it anyway and let
   * the venue trigger it at once, as venue-native brackets do). Default `wait`.
   */
  readonly stopThroughMarket: 'wait' | 'send';
}

/** A contingent group: its legs, the rules between them and its policies. */
export interface GroupSpec {
  /** Group id, unique in the manager. Order ids are derived from it. */
  readonly id: string;
  /** Instrument symbol; must be one of the manager's instruments. */
  readonly symbol: string;
  /** Side of the position the group opens or protects (`buy` = long). */
  readonly side: Side;
  /** The legs. */
  readonly legs: readonly LegSpec[];
  /** Rules between legs. Exits of a group with an entry are released by the OTO policy unless a rule releases them. */
  readonly rules?: readonly ContingencyRule[];
  /** Policies (defaults in {@link DEFAULT_POLICIES}). */
  readonly policies?: Partial<GroupPolicies>;
  /** An existing position the exits protect (exit-only OCO), on the lot grid. Default 0. */
  readonly position?: DecimalLike;
  /** Average price of `position`, required when `position` > 0 and an exit is anchored by `offset`. */
  readonly positionPrice?: DecimalLike;
  /** The FIX ContingencyType this group was built as, for reporting. */
  readonly contingencyType?: ContingencyTypeValue;
}

/** The default policies. */
export const DEFAULT_POLICIES: GroupPolicies = Object.freeze({
  otoTrigger: 'partial',
  exitSiblingOnFill: 'reduce',
  parentCancel: 'keep-filled',
  dust: 'flag',
  reprotect: true,
  stopThroughMarket: 'wait',
});

// ---------------------------------------------------------------------------------------------
// Events in

/** A new group (a user intent, recorded in the log like every other event). */
export interface CreateGroupEvent {
  /** Discriminator. */
  readonly type: 'create';
  /** The group. */
  readonly spec: GroupSpec;
}
/** Cancel a group: its entries only (exits keep protecting what was filled) or every leg. */
export interface CancelGroupEvent {
  /** Discriminator. */
  readonly type: 'cancel-group';
  /** Group id. */
  readonly groupId: string;
  /** `entries` (default) or `all`. */
  readonly scope?: 'entries' | 'all';
}
/** Change an entry's total quantity (never below what it has filled). */
export interface AmendEntryEvent {
  /** Discriminator. */
  readonly type: 'amend-entry';
  /** Group id. */
  readonly groupId: string;
  /** Entry leg id. */
  readonly legId: string;
  /** New total quantity. */
  readonly qty: DecimalLike;
}
/** The venue accepted an order. */
export interface AcceptedEvent {
  /** Discriminator. */
  readonly type: 'accepted';
  /** Order id (the manager's client order id). */
  readonly orderId: string;
}
/** The venue rejected a new order. */
export interface RejectedEvent {
  /** Discriminator. */
  readonly type: 'rejected';
  /** Order id. */
  readonly orderId: string;
  /** Venue's reason. */
  readonly reason?: string;
}
/**
 * An execution (FIX ExecType F). The same `(orderId, tradeId)` twice is one fill; the same trade
 * id with a different price or quantity is reported (`trade-conflict`) and ignored.
 */
export interface FillEvent {
  /** Discriminator. */
  readonly type: 'fill';
  /** Order id. */
  readonly orderId: string;
  /** Venue trade id, a non-empty string (required: it is what makes a fill idempotent). */
  readonly tradeId: string;
  /** Execution price, recorded exactly, on or off the tick grid (a midpoint fill is a fact). */
  readonly price: DecimalLike;
  /** Executed quantity, on the lot grid, > 0. */
  readonly qty: DecimalLike;
}
/** The venue busted an execution (FIX ExecType H, trade cancel): the ledger removes it. */
export interface TradeBustEvent {
  /** Discriminator. */
  readonly type: 'trade-bust';
  /** Order id. */
  readonly orderId: string;
  /** The busted fill's trade id. */
  readonly tradeId: string;
}
/** The venue corrected an execution (FIX ExecType G, trade correct): the ledger replaces it. */
export interface TradeCorrectEvent {
  /** Discriminator. */
  readonly type: 'trade-correct';
  /** Order id. */
  readonly orderId: string;
  /** The corrected fill's trade id. */
  readonly tradeId: string;
  /** Corrected price. */
  readonly price: DecimalLike;
  /** Corrected quantity, > 0 (a correction to nothing is a bust). */
  readonly qty: DecimalLike;
}
/**
 * Forget a finished group: its records leave the state and the snapshot (bounded memory for a
 * manager that runs for weeks). Later events for its orders are reported as `unknown-order`.
 */
export interface ForgetGroupEvent {
  /** Discriminator. */
  readonly type: 'forget';
  /** Id of a group that is done. */
  readonly groupId: string;
}
/** The order is cancelled (requested by us, or unsolicited by the venue). */
export interface CanceledEvent {
  /** Discriminator. */
  readonly type: 'canceled';
  /** Order id. */
  readonly orderId: string;
  /** Venue's reason. */
  readonly reason?: string;
}
/**
 * The venue refused a cancel because the order is no longer live (filled or ended: "too late to
 * cancel"). The manager treats the order as ended; fills still in flight are absorbed when they
 * arrive. A refusal for any other reason (throttling) should be retried by the adapter, not fed here.
 */
export interface CancelRejectedEvent {
  /** Discriminator. */
  readonly type: 'cancel-rejected';
  /** Order id. */
  readonly orderId: string;
  /** Venue's reason. */
  readonly reason?: string;
}
/** The order expired (time in force). */
export interface ExpiredEvent {
  /** Discriminator. */
  readonly type: 'expired';
  /** Order id. */
  readonly orderId: string;
}
/** A stop order was triggered (it is now working as a market or limit order). */
export interface TriggeredEvent {
  /** Discriminator. */
  readonly type: 'triggered';
  /** Order id. */
  readonly orderId: string;
}
/** The venue applied a modify. */
export interface ModifiedEvent {
  /** Discriminator. */
  readonly type: 'modified';
  /** Order id. */
  readonly orderId: string;
  /** The order's total quantity now. */
  readonly qty: DecimalLike;
}
/** The venue refused a modify. */
export interface ModifyRejectedEvent {
  /** Discriminator. */
  readonly type: 'modify-rejected';
  /** Order id. */
  readonly orderId: string;
  /** Venue's reason. */
  readonly reason?: string;
}
/** Market data: the last price, and optionally a volatility input for `atr` offsets. */
export interface MarketEvent {
  /** Discriminator. */
  readonly type: 'market';
  /** Instrument symbol. */
  readonly symbol: string;
  /** Last (or reference) price. */
  readonly last: DecimalLike;
  /** Volatility input in price units (such as an ATR). */
  readonly atr?: DecimalLike;
}

/** Everything the {@link OrderManager} consumes. */
export type OcoEvent =
  | CreateGroupEvent
  | CancelGroupEvent
  | AmendEntryEvent
  | AcceptedEvent
  | RejectedEvent
  | FillEvent
  | TradeBustEvent
  | TradeCorrectEvent
  | ForgetGroupEvent
  | CanceledEvent
  | CancelRejectedEvent
  | ExpiredEvent
  | TriggeredEvent
  | ModifiedEvent
  | ModifyRejectedEvent
  | MarketEvent;

// ---------------------------------------------------------------------------------------------
// Commands out

/** A native contingency the venue should apply between orders of the same list. */
export interface NativeContingency {
  /** The venue-side list id (the group id). */
  readonly listId: string;
  /** Venue behaviour requested. */
  readonly kind: 'oco' | 'oca-cancel' | 'oca-reduce';
  /**
   * Overfill protection requested for a one-cancels-all group (the profile's `ocaBlock`). For
   * Interactive Brokers: `oca-cancel` is `ocaType` 1, `oca-reduce` is 2 with block and 3 without.
   */
  readonly block: boolean;
}

/**
 * Submit a new order. Commands are plain data: prices and quantities are exact decimal strings
 * (pass them to `Dec` for arithmetic), so a command clones, serialises and logs as it reads.
 */
export interface SubmitCommand {
  /** Discriminator. */
  readonly type: 'submit';
  /** Client order id. */
  readonly orderId: string;
  /** Group id. */
  readonly groupId: string;
  /** Leg id. */
  readonly legId: string;
  /** The leg's role. */
  readonly role: LegRole | 'close';
  /** Instrument symbol. */
  readonly symbol: string;
  /** Side. */
  readonly side: Side;
  /** Order type. */
  readonly orderType: OrderType;
  /** Total quantity, an exact decimal string (plain notation, on the lot grid). */
  readonly qty: string;
  /** Limit price, an exact decimal string (absent for market and stop orders). */
  readonly price?: string;
  /** Stop trigger price, an exact decimal string (absent unless stop or stop-limit). */
  readonly stopPrice?: string;
  /** Time in force, core's `TimeInForce`. */
  readonly timeInForce: TimeInForce;
  /** Expiry in milliseconds, present with (and only with) `timeInForce: 'GTD'`. */
  readonly expireAtMs?: number;
  /** Reduce-only flag (exits on venues that support it). */
  readonly reduceOnly: boolean;
  /** Post-only flag. */
  readonly postOnly: boolean;
  /** Native contingency, present when the venue profile handles it natively. */
  readonly contingency?: NativeContingency;
}
/** Cancel an order. */
export interface CancelCommand {
  /** Discriminator. */
  readonly type: 'cancel';
  /** Client order id. */
  readonly orderId: string;
  /** Group id. */
  readonly groupId: string;
}
/**
 * Modify an order. `qty` is the new total (including what has filled, FIX OrderQty semantics) and
 * `qtyDelta` the change of that total. `openQty` is the new open quantity as the manager knows it:
 * with fills in flight it is stale, so an adapter for a venue that amends open (leaves) quantity
 * must send the venue's current open quantity plus `qtyDelta`, which is exact whatever is in
 * flight. Under a cancel-replace venue profile the manager sends a cancel (and later a submit)
 * instead.
 */
export interface ModifyCommand {
  /** Discriminator. */
  readonly type: 'modify';
  /** Client order id. */
  readonly orderId: string;
  /** Group id. */
  readonly groupId: string;
  /** New total quantity, an exact decimal string. */
  readonly qty: string;
  /** New open quantity (total minus filled, as the manager knows it; stale with fills in flight). */
  readonly openQty: string;
  /** Change of the total quantity (negative for a reduction): race-free for open-quantity venues. */
  readonly qtyDelta: string;
  /** The limit price (present for limit and stop-limit orders; unchanged or new). */
  readonly price?: string;
  /** The stop price (present for stop and stop-limit orders; unchanged or new). */
  readonly stopPrice?: string;
}
/** Everything the manager asks the venue to do. */
export type OcoCommand = SubmitCommand | CancelCommand | ModifyCommand;

/** A report the caller should log or alert on; none of them needs an answer. */
export type OcoNotice =
  | {
      /** A pre-trade check denied a submit or modify; the group stays in a safe state. */
      readonly type: 'risk-denied';
      /** Group id. */
      readonly groupId: string;
      /** Leg id. */
      readonly legId: string;
      /** Why. */
      readonly reason: string;
    }
  | {
      /** More was filled than commanded: on one order (`orderId`) or across the position (R < 0). */
      readonly type: 'overfill';
      /** Group id. */
      readonly groupId: string;
      /** The order, for an order overfill. */
      readonly orderId: string | undefined;
      /** The excess quantity. */
      readonly qty: Decimal;
    }
  | {
      /** The open remainder is below the venue's minimum quantity or notional. */
      readonly type: 'dust';
      /** Group id. */
      readonly groupId: string;
      /** The remainder. */
      readonly qty: Decimal;
    }
  | {
      /** An open position has no working stop and none can be sent. */
      readonly type: 'unprotected';
      /** Group id. */
      readonly groupId: string;
      /** The remainder. */
      readonly qty: Decimal;
      /** Why. */
      readonly reason: string;
    }
  | {
      /**
       * A fill reused a trade id with a different price or quantity, or a bust or correction
       * named a trade the order does not have: the event was ignored.
       */
      readonly type: 'trade-conflict';
      /** Group id. */
      readonly groupId: string;
      /** The order. */
      readonly orderId: string;
      /** The trade id. */
      readonly tradeId: string;
      /** Why. */
      readonly reason: string;
    }
  | {
      /** An event named an order the manager does not know; it was ignored. */
      readonly type: 'unknown-order';
      /** The order id. */
      readonly orderId: string;
    }
  | {
      /** A group reached a terminal state. */
      readonly type: 'group-done';
      /** Group id. */
      readonly groupId: string;
      /** The open remainder left (0 when flat). */
      readonly openQty: Decimal;
    };

/** The result of one event: commands for the venue and notices for the caller. */
export interface Step {
  /** Commands, in the order they must be sent. */
  readonly commands: readonly OcoCommand[];
  /** Notices. */
  readonly notices: readonly OcoNotice[];
}
