/**
 * The manager's stored state: one record per group, leg and order, in integer grid units (lots
 * and ticks; notionals as exact {@link Exact} tick·lots), with the lifecycle of each in one
 * {@link Phase} vocabulary. These records are internal: the public API shows them through the
 * read-only views of `view.ts`, and snapshots serialise them through `snapshot.ts`.
 */
import type { OrderType, Side, TimeInForce } from '@x/core';
import type { GroupPolicies, LegRole, LegTrigger, RuleAction } from '../types.js';
import type { Exact } from './exact.js';

/**
 * Where a group, leg or order is in its life:
 * - `held`: a leg waiting for a rule or the OTO policy to release it;
 * - `pending`: an order sent, not yet acknowledged;
 * - `idle`: a leg with no working order (it may send one);
 * - `working`: a group still acting, a leg with one working order, an acknowledged order;
 * - `done`: terminal (a late fill can bring a group back to `working`).
 */
type Phase = 'held' | 'pending' | 'idle' | 'working' | 'done';
/** Phases of a group. */
type GroupPhase = Extract<Phase, 'working' | 'done'>;
/** Phases of a leg. */
type LegPhase = Extract<Phase, 'held' | 'idle' | 'working' | 'done'>;
/** Phases of an order. */
export type OrderPhase = Extract<Phase, 'pending' | 'working' | 'done'>;

/** Why the manager is cancelling an order: `none`, `resize` (re-arm the leg after), `final`. */
export type CancelIntent = 'none' | 'resize' | 'final';
/** What the user cancelled: nothing, the entries, or every leg. */
export type CancelScope = 'none' | 'entries' | 'all';
/** The group's exits as one native venue list: not used, intact, or broken (emulated from then on). */
export type NativeListState = 'none' | 'intact' | 'broken';

/** An offset as stored: ticks, basis points or an ATR multiple, as an exact decimal string. */
export interface OffsetRec {
  /** Unit of `amount` (price offsets are stored converted to ticks). */
  readonly kind: 'ticks' | 'bps' | 'atr';
  /** The amount, a decimal string. */
  readonly amount: string;
}

/** Trailing parameters. */
interface TrailingRec {
  /** Distance from the best price. */
  readonly distance: OffsetRec;
  /** Activation price in ticks, or null for immediate. */
  readonly activationTicks: number | null;
}

/** Break-even parameters. */
interface BreakEvenRec {
  /** Profit that arms the move. */
  readonly after: OffsetRec;
  /** Ticks beyond the average entry. */
  readonly plusTicks: number;
}

/** Market state of one symbol, in ticks (doubles: market data may be off the grid). */
export interface MarketRec {
  /** Last price, ticks. */
  lastTicks: number | null;
  /** Volatility input, ticks. */
  atrTicks: number | null;
}

/** A rule between two legs (by index). */
export interface RuleRec {
  /** Trigger leg index. */
  readonly onLeg: number;
  /** The trigger. */
  readonly when: LegTrigger;
  /** The action. */
  readonly action: RuleAction;
  /** Target leg index. */
  readonly targetLeg: number;
}

/** One execution of an order, as recorded (for idempotence, conflicts, busts and corrections). */
export interface FillRec {
  /** The venue's trade id. */
  readonly tradeId: string;
  /** Quantity, lots. */
  lots: number;
  /** Price, exact ticks (fractional for an off-grid execution). */
  priceTicks: Exact;
  /** Busted (FIX ExecType H): no longer counted. */
  busted: boolean;
}

/** One order as the manager knows it. */
export interface OrderRec {
  /** Client order id. */
  readonly id: string;
  /** Group id. */
  readonly groupId: string;
  /** Leg index in the group. */
  readonly legIndex: number;
  /** Commanded total quantity, lots. */
  qty: number;
  /** Quantity last confirmed by the venue (submit or modify ack), lots. */
  ackedQty: number;
  /** Limit price the venue last confirmed, ticks. */
  ackedPriceTicks: number | null;
  /** Stop price the venue last confirmed, ticks. */
  ackedStopTicks: number | null;
  /** Modifies in flight, oldest first, as flat `[priceTicks, stopTicks]` pairs (null: none). */
  pendingModifies: (number | null)[] | null;
  /** Filled quantity, lots. */
  filled: number;
  /** Σ price × qty of fills, tick·lots. */
  notional: Exact;
  /** Commanded limit price, ticks. */
  priceTicks: number | null;
  /** Commanded stop price, ticks. */
  stopTicks: number | null;
  /** Lifecycle. */
  phase: OrderPhase;
  /** Why we are cancelling it. */
  cancelIntent: CancelIntent;
  /** The venue cancels it natively (a native contingency fired); our own cancel is sent too. */
  venueCancels: boolean;
  /** Stop triggered. */
  triggered: boolean;
  /** The venue refused a modify: change it by cancel-replace from now on. */
  cancelReplaceOnly: boolean;
  /** Overfill already reported, lots. */
  overfillReported: number;
  /** Its executions. */
  fills: FillRec[];
  /** How it ended ('' while live). */
  endedAs: string;
}

/** One leg as the manager knows it. */
export interface LegRec {
  /** Leg id. */
  readonly id: string;
  /** Role (plus the internal `close` leg of the dust policy). */
  readonly role: LegRole | 'close';
  /** Side. */
  readonly side: Side;
  /** Order type. */
  readonly orderType: OrderType;
  /** Time in force. */
  readonly timeInForce: TimeInForce;
  /** Expiry (GTD), ms, or null. */
  readonly expireAtMs: number | null;
  /** Post-only. */
  readonly postOnly: boolean;
  /** Target total quantity (entries and free legs), lots. */
  qty: number;
  /** Original quantity (for proportional reduction), lots. */
  readonly originalQty: number;
  /** Desired limit price, ticks. */
  priceTicks: number | null;
  /** Desired stop price, ticks. */
  stopTicks: number | null;
  /** Anchor offset. */
  readonly offset: OffsetRec | null;
  /** Target weight (integer parts). */
  readonly weight: number;
  /** Trailing parameters. */
  readonly trailing: TrailingRec | null;
  /** Break-even parameters. */
  readonly breakEven: BreakEvenRec | null;
  /** Lifecycle. */
  phase: LegPhase;
  /** Current order id. */
  orderId: string | null;
  /** Orders submitted so far. */
  ordersSent: number;
  /** Filled over all its orders, lots. */
  filled: number;
  /** Notional over all its orders, tick·lots. */
  notional: Exact;
  /** Triggers already fired (bit mask). */
  fired: number;
  /** Trailing active. */
  trailingActive: boolean;
  /** Best price since trailing activation, ticks. */
  bestTicks: number | null;
  /** Break-even move done. */
  breakEvenDone: boolean;
  /** Last denial reported ('' when none). */
  lastDenial: string;
}

/** One group as the manager knows it. */
export interface GroupRec {
  /** Group id. */
  readonly id: string;
  /** Symbol. */
  readonly symbol: string;
  /** Position side (`buy` = long). */
  readonly side: Side;
  /** Legs. */
  readonly legs: LegRec[];
  /** Rules. */
  readonly rules: readonly RuleRec[];
  /** Policies. */
  readonly policies: GroupPolicies;
  /** Pre-existing position, lots. */
  readonly position: number;
  /** Notional of the pre-existing position, tick·lots. */
  readonly positionNotional: Exact;
  /** Σ entry filled, lots. */
  entryFilled: number;
  /** Σ entry notional. */
  entryNotional: Exact;
  /** Σ exit filled, lots. */
  exitFilled: number;
  /** Σ exit notional. */
  exitNotional: Exact;
  /** Lifecycle. */
  phase: GroupPhase;
  /** What the user cancelled. */
  cancelScope: CancelScope;
  /** Native list state. */
  nativeList: NativeListState;
  /** The exit leg that carries R alone (OCO winner, or a triggered stop), -1 none. */
  winnerLeg: number;
  /** Position overfill reported, lots. */
  overfillReported: number;
  /** Dust remainder reported (0 none). */
  dustReported: number;
  /** Unprotected remainder reported (0 none). */
  unprotectedReported: number;
  /** Non-terminal orders. */
  liveOrders: number;
  /** Has entry legs. */
  readonly hasEntries: boolean;
}

/** Whether a role is an exit. */
export function isExitRole(role: LegRole | 'close'): boolean {
  return role === 'stop' || role === 'target' || role === 'close';
}

/** The fields a new leg is built from; everything else starts empty. */
export type LegInit = Readonly<
  Pick<
    LegRec,
    | 'id'
    | 'role'
    | 'side'
    | 'orderType'
    | 'timeInForce'
    | 'expireAtMs'
    | 'postOnly'
    | 'qty'
    | 'priceTicks'
    | 'stopTicks'
    | 'offset'
    | 'weight'
    | 'trailing'
    | 'breakEven'
  >
>;

/** The one constructor of a leg record. */
export function newLeg(init: LegInit): LegRec {
  return {
    id: init.id,
    role: init.role,
    side: init.side,
    orderType: init.orderType,
    timeInForce: init.timeInForce,
    expireAtMs: init.expireAtMs,
    postOnly: init.postOnly,
    qty: init.qty,
    originalQty: init.qty,
    priceTicks: init.priceTicks,
    stopTicks: init.stopTicks,
    offset: init.offset,
    weight: init.weight,
    trailing: init.trailing,
    breakEven: init.breakEven,
    phase: 'idle',
    orderId: null,
    ordersSent: 0,
    filled: 0,
    notional: 0,
    fired: 0,
    trailingActive: false,
    bestTicks: null,
    breakEvenDone: false,
    lastDenial: '',
  };
}

/** The dust policy's close-out leg: a market order for R. */
export function closeLeg(g: GroupRec): LegRec {
  return newLeg({
    id: '__close',
    role: 'close',
    side: g.side === 'buy' ? 'sell' : 'buy',
    orderType: 'market',
    timeInForce: 'IOC',
    expireAtMs: null,
    postOnly: false,
    qty: 0,
    priceTicks: null,
    stopTicks: null,
    offset: null,
    weight: 1,
    trailing: null,
    breakEven: null,
  });
}

/** A new order record for leg `legIndex` of group `g`. */
export function newOrder(
  id: string,
  g: GroupRec,
  legIndex: number,
  lots: number,
  priceTicks: number | null,
  stopTicks: number | null,
): OrderRec {
  return {
    id,
    groupId: g.id,
    legIndex,
    qty: lots,
    ackedQty: lots,
    ackedPriceTicks: priceTicks,
    ackedStopTicks: stopTicks,
    pendingModifies: null,
    filled: 0,
    notional: 0,
    priceTicks,
    stopTicks,
    phase: 'pending',
    cancelIntent: 'none',
    venueCancels: false,
    triggered: false,
    cancelReplaceOnly: false,
    overfillReported: 0,
    fills: [],
    endedAs: '',
  };
}

/** The open remainder R = position + Σ entry filled − Σ exit filled, lots. */
export function openRemainder(g: GroupRec): number {
  return g.position + g.entryFilled - g.exitFilled;
}

/** The limit price a leg's order carries (limit and stop-limit). */
export function legLimit(l: LegRec): number | null {
  return l.orderType === 'limit' || l.orderType === 'stop-limit' ? l.priceTicks : null;
}

/** The stop price a leg's order carries (stop and stop-limit). */
export function legStop(l: LegRec): number | null {
  return l.orderType === 'stop' || l.orderType === 'stop-limit' ? l.stopTicks : null;
}
