/**
 * The event-sourced order manager: events in, commands out, state as a fold over the events.
 *
 * All ledger arithmetic runs on exact integers: quantities in lots of the instrument and prices in
 * ticks (notionals in tick·lots), converted from and to exact decimals at the edges. A quantity
 * or price that is not on its grid is rejected with a typed error before any state changes.
 *
 * The ledger rule (see the package README):
 * - R = position + Σ entry filled − Σ exit filled, the open remainder;
 * - every live stop targets its own filled + R;
 * - targets share R by their integer weights: target i's planned size is its share of the total
 *   position (cumulative-weight floor split), its open quantity is planned − filled, and the
 *   opens are clamped so that Σ target open ≤ R (the last targets give way first);
 * - at R ≤ 0 no exit stays open.
 * Target quantities always come from this ledger, never from a leg's leaves quantity.
 *
 * @module
 */
import {
  Dec,
  type Decimal,
  type DecimalLike,
  type Instrument,
  InvalidStateError,
  NotFoundError,
  type OrderType,
  type Side,
  type TimeInForce,
  toDecimal,
  ValidationError,
} from '@x/core';
import { LazyModify, LazySubmit } from './internal/commands.js';
import { type UnitParser, unitParser } from './internal/units.js';
import type { RiskCheck, RiskRequest } from './risk.js';
import {
  type ContingencyRule,
  DEFAULT_POLICIES,
  type GroupPolicies,
  type GroupSpec,
  type LegRole,
  type LegTrigger,
  type NativeContingency,
  type OcoCommand,
  type OcoEvent,
  type OcoNotice,
  type PriceOffset,
  type RuleAction,
  type Step,
} from './types.js';
import { EMULATED_VENUE, type VenueProfile } from './venues.js';

/** Options of an {@link OrderManager}. */
export interface OrderManagerOptions {
  /** The instruments groups may trade. */
  readonly instruments: readonly Instrument[];
  /** The venue profile (default {@link EMULATED_VENUE}). */
  readonly venue?: VenueProfile;
  /** Pre-trade checks run before every submit and every risk-raising modify. */
  readonly risk?: readonly RiskCheck[];
  /** Default policies for groups that do not set them. */
  readonly policies?: Partial<GroupPolicies>;
}

// ---------------------------------------------------------------------------------------------
// Serializable state (exported as types only through OrderManagerSnapshot)

/** An offset as stored in the state: ticks, basis points or an ATR multiple, as a decimal string. */
export interface OffsetRecord {
  /** Unit of `v` (price offsets are stored converted to ticks). */
  readonly kind: 'ticks' | 'bps' | 'atr';
  /** The amount, as a decimal string. */
  readonly v: string;
}

/** Trailing parameters as stored in the state. */
export interface TrailRecord {
  /** Distance from the best price. */
  dist: OffsetRecord;
  /** Activation price in ticks, or null for immediate. */
  act: number | null;
}

/** Break-even parameters as stored in the state. */
export interface BreakEvenRecord {
  /** Profit that arms the move. */
  after: OffsetRecord;
  /** Ticks beyond the average entry. */
  plus: number;
}

/** Market state of one symbol, in ticks. */
export interface MarketRecord {
  /** Last price, ticks (may be fractional when off grid). */
  last: number | null;
  /** Volatility input, ticks. */
  atr: number | null;
}

/** A rule as stored in the state (leg indices). */
export interface RuleRecord {
  /** Trigger leg index. */
  on: number;
  /** The trigger. */
  when: LegTrigger;
  /** The action. */
  action: RuleAction;
  /** Target leg index. */
  target: number;
}

/** A leg's state: held (waiting for a trigger), idle (no working order), active (one working order), done. */
export type LegState = 'held' | 'idle' | 'active' | 'done';
/** Why the manager cancels an order: '' none, 'resize' (re-arm the leg after), 'final' (the leg is done). */
export type CancelWhy = '' | 'resize' | 'final';

/** One order as the manager knows it (units: lots and ticks). */
export interface OrderRecord {
  /** Client order id. */
  id: string;
  /** Group id. */
  g: string;
  /** Leg index in the group. */
  leg: number;
  /** Commanded total quantity, lots. */
  qty: number;
  /** Quantity last confirmed by the venue (submit or modify ack), lots. */
  ack: number;
  /** Filled quantity, lots. */
  filled: number;
  /** Σ price × qty of fills, tick·lots. */
  notional: number;
  /** Commanded limit price, ticks (or null). */
  price: number | null;
  /** Commanded stop price, ticks (or null). */
  stop: number | null;
  /** 0 pending-new, 1 live, 2 done. */
  st: 0 | 1 | 2;
  /** Why we cancel it ('' when no cancel is pending). */
  why: CancelWhy;
  /** The venue cancels it natively (a native contingency fired); our own idempotent cancel is sent too. */
  expect: boolean;
  /** Stop triggered. */
  trig: boolean;
  /** The venue refused a modify: resize it by cancel-replace from now on. */
  noModify: boolean;
  /** Overfill already reported, lots. */
  ovf: number;
  /** Trade ids of its fills (a repeated trade id is the same fill). */
  trades: string[];
  /** How it ended. */
  end: string;
}

/** One leg as the manager knows it. */
export interface LegRecord {
  /** Leg id. */
  id: string;
  /** Role (plus the internal `close` leg of the dust policy). */
  role: LegRole | 'close';
  /** Side. */
  side: Side;
  /** Order type. */
  type: OrderType;
  /** Time in force. */
  tif: TimeInForce;
  /** Post-only. */
  post: boolean;
  /** Target total quantity (entries and free legs), lots. */
  qty: number;
  /** Original quantity (for proportional reduction), lots. */
  orig: number;
  /** Desired limit price, ticks. */
  price: number | null;
  /** Desired stop price, ticks. */
  stop: number | null;
  /** Anchor offset, ticks / bps / ATR multiple, as decimal strings. */
  offset: OffsetRecord | null;
  /** Target weight (integer parts). */
  weight: number;
  /** Trailing distance and activation (ticks). */
  trail: TrailRecord | null;
  /** Break-even trigger and extra ticks. */
  be: BreakEvenRecord | null;
  /** State. */
  st: LegState;
  /** Current order id. */
  cur: string | null;
  /** Orders submitted so far. */
  n: number;
  /** Filled over all its orders, lots. */
  filled: number;
  /** Notional over all its orders, tick·lots. */
  notional: number;
  /** Triggers already fired (bit mask). */
  fired: number;
  /** Trailing active. */
  trailOn: boolean;
  /** Best price since trailing activation, ticks. */
  best: number | null;
  /** Break-even move done. */
  beDone: boolean;
  /** Last risk denial reported ('' when none). */
  denied: string;
}

/** One group as the manager knows it. */
export interface GroupRecord {
  /** Group id. */
  id: string;
  /** Symbol. */
  sym: string;
  /** Position side. */
  side: Side;
  /** Legs. */
  legs: LegRecord[];
  /** Rules (leg indices). */
  rules: RuleRecord[];
  /** Policies. */
  pol: GroupPolicies;
  /** Pre-existing position, lots, and its notional, tick·lots. */
  base: number;
  /** Notional of the pre-existing position. */
  baseN: number;
  /** Σ entry filled, lots. */
  eF: number;
  /** Σ entry notional. */
  eN: number;
  /** Σ exit filled, lots. */
  xF: number;
  /** Σ exit notional. */
  xN: number;
  /** working or done. */
  st: 'working' | 'done';
  /** 0 none, 1 entries cancelled, 2 everything cancelled. */
  scope: 0 | 1 | 2;
  /** Native pair: 0 none, 1 intact, 2 broken. */
  native: 0 | 1 | 2;
  /** OCO winner leg under policy `cancel` (-1 none). */
  winner: number;
  /** Position overfill reported, lots. */
  ovf: number;
  /** Dust remainder reported (0 none). */
  dust: number;
  /** Unprotected remainder reported (0 none). */
  unprot: number;
  /** Non-terminal orders. */
  live: number;
  /** Has entry legs. */
  hasEntries: boolean;
}

/** A JSON-serialisable snapshot of the whole manager state. */
export interface OrderManagerSnapshot {
  /** Format version. */
  readonly version: 2;
  /** Groups, in creation order. */
  readonly groups: GroupRecord[];
  /** Orders, in submission order. */
  readonly orders: OrderRecord[];
  /** Market state per symbol: last price and volatility input, in ticks. */
  readonly market: [string, MarketRecord][];
}

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
  /** Per leg: id, role, state, filled quantity and the current order's id, quantity and prices. */
  readonly legs: readonly LegLedger[];
}

const EMPTY_STEP: Step = Object.freeze({
  commands: Object.freeze([]) as readonly OcoCommand[],
  notices: Object.freeze([]) as readonly OcoNotice[],
});

const TRIGGER_BIT: Readonly<Record<LegTrigger, number>> = {
  accepted: 1,
  'partially-filled': 2,
  filled: 4,
  canceled: 8,
  triggered: 16,
};

interface InstrumentInfo {
  readonly inst: Instrument;
  /** Smallest order in lots. */
  readonly minLots: number;
  /** Decimal to lots, exact. */
  readonly lots: UnitParser;
  /** Decimal to ticks, exact. */
  readonly ticks: UnitParser;
}

function isExitRole(role: LegRole | 'close'): boolean {
  return role === 'stop' || role === 'target' || role === 'close';
}

function fail(message: string, field: string, value: unknown): never {
  throw new ValidationError(message, { field, value });
}

/**
 * The contingent-order manager. Feed it events with {@link OrderManager.apply}; send the returned
 * commands to the venue; feed the venue's answers back as events. It performs no I/O, reads no
 * clock and draws no random numbers: replaying the same events into a fresh manager rebuilds an
 * identical state, and {@link OrderManager.snapshot} plus the later events gives the same state as
 * the full log.
 *
 * An event that throws (bad input) has not changed the state and must not be logged.
 *
 * @example
 * ```ts
 * const btc = Instrument.create({ symbol: 'BTC', tickSize: '0.5', lotSize: '0.001' });
 * const om = new OrderManager({ instruments: [btc] });
 * const spec = bracket({ id: 'b1', symbol: 'BTC', side: 'buy', qty: '1', entryPrice: '100',
 *   stop: { price: '95' }, target: { price: '110' } });
 * om.apply({ type: 'create', spec });            // submit the entry
 * om.apply({ type: 'accepted', orderId: 'b1:entry:1' });
 * const s = om.apply({ type: 'fill', orderId: 'b1:entry:1', tradeId: 't1', price: '100', qty: '0.4' });
 * // s.commands: submit stop 0.4 @ 95 and target 0.4 @ 110
 * ```
 */
export class OrderManager {
  private readonly venue: VenueProfile;
  private readonly risk: readonly RiskCheck[];
  private readonly defaults: GroupPolicies;
  private readonly instruments = new Map<string, InstrumentInfo>();
  private groups = new Map<string, GroupRecord>();
  private orders = new Map<string, OrderRecord>();
  /** Trade-id sets of orders with many fills (derived from `OrderRecord.trades`, not state). */
  private tradeSets = new Map<string, Set<string>>();
  private market = new Map<string, MarketRecord>();
  /** Groups with trailing or break-even stops, per symbol (derived state). */
  private reactive = new Map<string, Set<string>>();
  private cmds: OcoCommand[] | null = null;
  private notes: OcoNotice[] | null = null;

  /**
   * @param options - instruments, venue profile, risk checks and default policies
   * @throws `ValidationError` (from `@x/core`) when no instrument is given or two share a symbol
   */
  constructor(options: OrderManagerOptions) {
    if (options.instruments.length === 0)
      fail('at least one instrument is required', 'instruments', 0);
    for (const inst of options.instruments) {
      if (this.instruments.has(inst.symbol))
        fail('duplicate instrument symbol', 'instruments', inst.symbol);
      const minLots = Math.max(1, Math.ceil(inst.minQty.div(inst.lotSize).toNumber()));
      this.instruments.set(inst.symbol, {
        inst,
        minLots,
        lots: unitParser(inst.lotSize, (v) => inst.qtyToLots(v)),
        ticks: unitParser(inst.tickSize, (v) => inst.priceToTicks(v)),
      });
    }
    this.venue = options.venue ?? EMULATED_VENUE;
    this.risk = options.risk ?? [];
    this.defaults = { ...DEFAULT_POLICIES, ...options.policies };
  }

  /**
   * Restores a manager from a snapshot (the options are not part of the snapshot: pass the same).
   * @param snapshot - from {@link OrderManager.snapshot}
   * @param options - the same options the snapshotted manager had
   * @returns the restored manager
   * @throws `ValidationError` (from `@x/core`) when the snapshot version is unknown
   */
  static restore(snapshot: OrderManagerSnapshot, options: OrderManagerOptions): OrderManager {
    if (snapshot.version !== 2) fail('unknown snapshot version', 'version', snapshot.version);
    const om = new OrderManager(options);
    const copy = structuredClone(snapshot);
    for (const g of copy.groups) {
      om.groups.set(g.id, g);
      om.index(g);
    }
    for (const o of copy.orders) om.orders.set(o.id, o);
    om.market = new Map(copy.market);
    return om;
  }

  /**
   * A deep, JSON-serialisable copy of the state.
   * @returns the snapshot
   */
  snapshot(): OrderManagerSnapshot {
    return structuredClone({
      version: 2 as const,
      groups: [...this.groups.values()],
      orders: [...this.orders.values()],
      market: [...this.market.entries()],
    });
  }

  /**
   * The ledger of one group, in decimals.
   * @param groupId - the group id
   * @returns the ledger view
   * @throws `NotFoundError` (from `@x/core`) when the group is unknown
   */
  ledger(groupId: string): GroupLedger {
    const g = this.groups.get(groupId);
    if (g === undefined) throw new NotFoundError('group', groupId);
    const inst = this.info(g.sym).inst;
    const lot = inst.lotSize;
    const tick = inst.tickSize;
    const entryF = g.base + g.eF;
    const entryN = g.baseN + g.eN;
    return {
      groupId: g.id,
      status: g.st,
      entryFilled: lot.times(entryF),
      avgEntryPrice: entryF === 0 ? undefined : tick.times(entryN).div(entryF),
      exitFilled: lot.times(g.xF),
      avgExitPrice: g.xF === 0 ? undefined : tick.times(g.xN).div(g.xF),
      openQty: lot.times(entryF - g.xF),
      legs: g.legs.map((l) => {
        const o = l.cur === null ? undefined : this.orders.get(l.cur);
        return {
          id: l.id,
          role: l.role,
          state: l.st,
          filled: lot.times(l.filled),
          orderId: l.cur,
          orderQty: o === undefined ? null : lot.times(o.qty),
          price: o?.price == null ? null : tick.times(o.price),
          stopPrice: o?.stop == null ? null : tick.times(o.stop),
        };
      }),
    };
  }

  /** Ids of every group, in creation order. @returns the ids */
  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  /** Number of groups still working. @returns the count */
  workingGroups(): number {
    let n = 0;
    for (const g of this.groups.values()) if (g.st === 'working') n++;
    return n;
  }

  /**
   * Raw read-only access to a group's record (lots and ticks), for invariant checks and tooling.
   * @param groupId - the group id
   * @returns the record, or undefined
   */
  inspectGroup(groupId: string): Readonly<GroupRecord> | undefined {
    return this.groups.get(groupId);
  }

  /**
   * Raw read-only access to an order's record (lots and ticks).
   * @param orderId - the client order id
   * @returns the record, or undefined
   */
  inspectOrder(orderId: string): Readonly<OrderRecord> | undefined {
    return this.orders.get(orderId);
  }

  /**
   * Applies one event and returns the commands to send and the notices to report.
   * @param event - the event
   * @returns the step (shared empty arrays when there is nothing to do)
   * @throws `ValidationError` (from `@x/core`) on malformed input (off-grid quantity or price, unknown
   *   symbol, invalid spec); the state is then unchanged
   * @throws `NotFoundError` (from `@x/core`) when a user intent names an unknown group or leg
   * @throws `InvalidStateError` (from `@x/core`) when a user intent is not allowed (amend below filled)
   */
  apply(event: OcoEvent): Step {
    this.cmds = null;
    this.notes = null;
    switch (event.type) {
      case 'create':
        this.onCreate(event.spec);
        break;
      case 'cancel-group':
        this.onCancelGroup(event.groupId, event.scope ?? 'entries');
        break;
      case 'amend-entry':
        this.onAmend(event.groupId, event.legId, event.qty);
        break;
      case 'market':
        this.onMarket(event.symbol, event.last, event.atr);
        break;
      default:
        this.onOrderEvent(event);
    }
    if (this.cmds === null && this.notes === null) return EMPTY_STEP;
    return {
      commands: this.cmds ?? EMPTY_STEP.commands,
      notices: this.notes ?? EMPTY_STEP.notices,
    };
  }

  // -------------------------------------------------------------------------------------------
  // user intents

  private info(symbol: string): InstrumentInfo {
    const i = this.instruments.get(symbol);
    if (i === undefined) fail(`unknown symbol '${symbol}'`, 'symbol', symbol);
    return i;
  }

  private onCreate(spec: GroupSpec): void {
    if (this.groups.has(spec.id)) fail(`group '${spec.id}' already exists`, 'id', spec.id);
    const g = this.buildGroup(spec);
    this.groups.set(g.id, g);
    this.index(g);
    if (g.base > 0) this.reanchor(g);
    this.reconcile(g);
  }

  private buildGroup(spec: GroupSpec): GroupRecord {
    if (typeof spec.id !== 'string' || spec.id.length === 0)
      fail('group id required', 'id', spec.id);
    const { inst } = this.info(spec.symbol);
    if (spec.side !== 'buy' && spec.side !== 'sell')
      fail('side must be buy or sell', 'side', spec.side);
    const exitSide: Side = spec.side === 'buy' ? 'sell' : 'buy';
    const ids = new Map<string, number>();
    const legs: LegRecord[] = [];
    let hasEntries = false;
    let hasExits = false;
    for (const ls of spec.legs) {
      if (ids.has(ls.id)) fail(`duplicate leg id '${ls.id}'`, 'legs', ls.id);
      ids.set(ls.id, legs.length);
      const exit = isExitRole(ls.role);
      if (ls.role === 'entry') hasEntries = true;
      if (exit) hasExits = true;
      if (ls.role === 'free' && ls.side === undefined) fail('free legs need a side', 'side', ls.id);
      let qty = 0;
      if (!exit) {
        if (ls.qty === undefined) fail(`leg '${ls.id}' needs a qty`, 'qty', ls.id);
        qty = inst.qtyToLots(ls.qty);
        if (qty <= 0) fail('qty must be > 0', 'qty', ls.qty);
      }
      const price = ls.price === undefined ? null : inst.priceToTicks(ls.price);
      const stop = ls.stopPrice === undefined ? null : inst.priceToTicks(ls.stopPrice);
      if (price !== null && price <= 0) fail('price must be > 0', 'price', ls.price);
      if (stop !== null && stop <= 0) fail('stopPrice must be > 0', 'stopPrice', ls.stopPrice);
      const needsPrice = ls.type === 'limit' || ls.type === 'stop-limit';
      const needsStop = ls.type === 'stop' || ls.type === 'stop-limit';
      const anchored = ls.offset !== undefined;
      if (anchored && !exit) fail('only exits can be anchored by offset', 'offset', ls.id);
      if (anchored && ls.type !== 'stop' && ls.type !== 'limit') {
        fail('anchored exits must be stop or limit orders', 'type', ls.id);
      }
      if (needsPrice && price === null && !anchored)
        fail(`leg '${ls.id}' needs a price`, 'price', ls.id);
      if (needsStop && stop === null && !anchored && ls.trailing === undefined) {
        fail(`leg '${ls.id}' needs a stopPrice`, 'stopPrice', ls.id);
      }
      if ((ls.trailing !== undefined || ls.breakEven !== undefined) && ls.role !== 'stop') {
        fail('trailing and break-even apply to stops', 'trailing', ls.id);
      }
      const weight = ls.weight ?? 1;
      if (!Number.isSafeInteger(weight) || weight <= 0)
        fail('weight must be a positive integer', 'weight', weight);
      legs.push({
        id: ls.id,
        role: ls.role,
        side: ls.role === 'entry' ? spec.side : exit ? exitSide : (ls.side as Side),
        type: ls.type,
        tif: ls.timeInForce ?? 'GTC',
        post: ls.postOnly ?? false,
        qty,
        orig: qty,
        price,
        stop,
        offset: ls.offset === undefined ? null : offsetRec(ls.offset, inst),
        weight,
        trail:
          ls.trailing === undefined
            ? null
            : {
                dist: offsetRec(ls.trailing.distance, inst),
                act:
                  ls.trailing.activation === undefined
                    ? null
                    : inst.priceToTicks(ls.trailing.activation),
              },
        be:
          ls.breakEven === undefined
            ? null
            : {
                after: offsetRec(ls.breakEven.after, inst),
                plus: intOr0(ls.breakEven.plusTicks, 'plusTicks'),
              },
        st: 'idle',
        cur: null,
        n: 0,
        filled: 0,
        notional: 0,
        fired: 0,
        trailOn: false,
        best: null,
        beDone: false,
        denied: '',
      });
    }
    const rules: RuleRecord[] = [];
    for (const r of spec.rules ?? ([] as readonly ContingencyRule[])) {
      const on = ids.get(r.on);
      const target = ids.get(r.target);
      if (on === undefined) fail(`rule names unknown leg '${r.on}'`, 'rules', r.on);
      if (target === undefined) fail(`rule names unknown leg '${r.target}'`, 'rules', r.target);
      if (on === target) fail('a rule cannot target its own leg', 'rules', r.on);
      if (isExitRole(legs[target]!.role)) {
        fail('exits are driven by the ledger; rules target entry or free legs', 'rules', r.target);
      }
      if (
        (r.action === 'reduce-absolute' || r.action === 'reduce-proportional') &&
        r.when !== 'partially-filled'
      ) {
        fail('reduce rules fire on every fill: use when "partially-filled"', 'rules', r.when);
      }
      rules.push({ on, when: r.when, action: r.action, target });
      if (r.action === 'release') legs[target]!.st = 'held';
    }
    const base = spec.position === undefined ? 0 : inst.qtyToLots(spec.position);
    if (base < 0) fail('position must be >= 0', 'position', spec.position);
    if (base > 0 && hasEntries)
      fail('a group has either a position or entries', 'position', spec.position);
    if (base === 0 && hasExits && !hasEntries)
      fail('exits need entries or a position', 'position', 0);
    const basePx = spec.positionPrice === undefined ? null : inst.priceToTicks(spec.positionPrice);
    if (base > 0 && basePx === null && legs.some((l) => l.offset !== null || l.be !== null)) {
      fail('positionPrice is required for anchored exits', 'positionPrice', undefined);
    }
    const pol: GroupPolicies = { ...this.defaults, ...spec.policies };
    // exits of a group with entries wait for the OTO policy
    if (hasEntries) for (const l of legs) if (isExitRole(l.role)) l.st = 'held';
    return {
      id: spec.id,
      sym: spec.symbol,
      side: spec.side,
      legs,
      rules,
      pol,
      base,
      baseN: basePx === null ? 0 : base * basePx,
      eF: 0,
      eN: 0,
      xF: 0,
      xN: 0,
      st: 'working',
      scope: 0,
      native: 0,
      winner: -1,
      ovf: 0,
      dust: 0,
      unprot: 0,
      live: 0,
      hasEntries,
    };
  }

  private index(g: GroupRecord): void {
    if (!g.legs.some((l) => l.trail !== null || l.be !== null || l.offset?.kind === 'atr')) return;
    let set = this.reactive.get(g.sym);
    if (set === undefined) {
      set = new Set();
      this.reactive.set(g.sym, set);
    }
    set.add(g.id);
  }

  private group(groupId: string): GroupRecord {
    const g = this.groups.get(groupId);
    if (g === undefined) throw new NotFoundError('group', groupId);
    return g;
  }

  private onCancelGroup(groupId: string, scope: 'entries' | 'all'): void {
    const g = this.group(groupId);
    const s = scope === 'all' ? 2 : 1;
    if (g.scope >= s) return;
    g.scope = s;
    for (let i = 0; i < g.legs.length; i++) {
      const l = g.legs[i]!;
      if (isExitRole(l.role) && s < 2) continue;
      this.finishLeg(g, i);
    }
    this.reconcile(g);
  }

  private onAmend(groupId: string, legId: string, qty: DecimalLike): void {
    const g = this.group(groupId);
    const idx = g.legs.findIndex((l) => l.id === legId);
    if (idx < 0) throw new NotFoundError('leg', legId);
    const l = g.legs[idx]!;
    if (l.role !== 'entry' && l.role !== 'free')
      fail('only entry and free legs can be amended', 'legId', legId);
    const lots = this.info(g.sym).inst.qtyToLots(qty);
    if (lots < l.filled) {
      throw new InvalidStateError(`amend to ${String(qty)} is below the filled quantity`, {
        state: 'filled',
      });
    }
    if (l.st === 'done') throw new InvalidStateError(`leg '${legId}' is done`, { state: 'done' });
    l.qty = lots;
    this.reconcile(g);
  }

  private onMarket(symbol: string, lastPx: DecimalLike, atrPx: DecimalLike | undefined): void {
    const { inst } = this.info(symbol);
    const last = toDecimal(lastPx, 'last').div(inst.tickSize).toNumber();
    if (!(last > 0)) fail('last must be > 0', 'last', lastPx);
    let m = this.market.get(symbol);
    if (m === undefined) {
      m = { last: null, atr: null };
      this.market.set(symbol, m);
    }
    m.last = last;
    if (atrPx !== undefined) {
      const atr = toDecimal(atrPx, 'atr').div(inst.tickSize).toNumber();
      if (!(atr >= 0)) fail('atr must be >= 0', 'atr', atrPx);
      m.atr = atr;
    }
    const set = this.reactive.get(symbol);
    if (set === undefined) return;
    for (const id of set) {
      const g = this.groups.get(id)!;
      if (g.st !== 'working') continue;
      if (this.onMarketGroup(g, last, m.atr)) this.reconcile(g);
    }
  }

  /** Trailing and break-even: ratchets only in the favourable direction. Returns whether a stop moved. */
  private onMarketGroup(g: GroupRecord, last: number, atr: number | null): boolean {
    const long = g.side === 'buy';
    const pos = g.base + g.eF;
    let moved = false;
    if (
      atr !== null &&
      g.legs.some(
        (l) => l.offset?.kind === 'atr' && (l.role === 'stop' ? l.stop : l.price) === null,
      )
    ) {
      this.reanchor(g);
      moved = true;
    }
    for (const l of g.legs) {
      if (l.role !== 'stop' || l.st === 'done') continue;
      if (l.trail !== null) {
        if (
          !l.trailOn &&
          (l.trail.act === null || (long ? last >= l.trail.act : last <= l.trail.act))
        ) {
          l.trailOn = true;
          l.best = last;
        }
        if (l.trailOn) {
          l.best = long ? Math.max(l.best!, last) : Math.min(l.best!, last);
          const dist = offsetTicks(l.trail.dist, l.best, atr);
          if (dist !== null) {
            const s = long ? Math.floor(l.best - dist) : Math.ceil(l.best + dist);
            if (s > 0 && (l.stop === null || (long ? s > l.stop : s < l.stop))) {
              l.stop = s;
              moved = true;
            }
          }
        }
      }
      if (l.be !== null && !l.beDone && pos > 0) {
        const avg = (g.baseN + g.eN) / pos;
        const after = offsetTicks(l.be.after, avg, atr);
        if (after !== null && (long ? last >= avg + after : last <= avg - after)) {
          l.beDone = true;
          const s = long
            ? ceilDiv(g.baseN + g.eN, pos) + l.be.plus
            : floorDiv(g.baseN + g.eN, pos) - l.be.plus;
          if (l.stop === null || (long ? s > l.stop : s < l.stop)) {
            l.stop = s;
            moved = true;
          }
        }
      }
    }
    return moved;
  }

  // -------------------------------------------------------------------------------------------
  // venue events

  private onOrderEvent(
    e: Exclude<OcoEvent, { type: 'create' | 'cancel-group' | 'amend-entry' | 'market' }>,
  ): void {
    const o = this.orders.get(e.orderId);
    if (o === undefined) {
      this.note({ type: 'unknown-order', orderId: e.orderId });
      return;
    }
    const g = this.groups.get(o.g)!;
    switch (e.type) {
      case 'accepted':
        if (o.st === 0) o.st = 1;
        // an ack changes nothing in the ledger; only a rule on 'accepted' can act
        if (!this.fire(g, o.leg, 'accepted')) return;
        break;
      case 'fill':
        if (!this.onFill(g, o, e.tradeId, e.price, e.qty)) return;
        break;
      case 'canceled':
      case 'expired':
      case 'rejected':
        if (o.st === 2) return; // late duplicate of a terminal event
        this.onOrderEnd(g, o, e.type);
        break;
      case 'triggered':
        if (o.trig) return;
        o.trig = true;
        this.fire(g, o.leg, 'triggered');
        this.onStopTriggered(g, o);
        break;
      case 'modified':
        o.ack = this.info(g.sym).lots(e.qty, 'qty');
        if (o.st === 0) o.st = 1;
        return; // nothing in the ledger changed
      case 'cancel-rejected':
        // the order is no longer live at the venue (too late to cancel): it has ended; fills
        // still in flight are absorbed when they arrive
        if (o.st === 2) return;
        this.finishOrderFilled(g, o);
        break;
      case 'modify-rejected':
        if (o.st === 2) return;
        o.qty = Math.max(o.ack, o.filled);
        o.noModify = true;
        if (o.filled >= o.qty) this.finishOrderFilled(g, o);
        break;
    }
    this.reconcile(g);
  }

  /** Returns false for a duplicate fill (a no-op). */
  private onFill(
    g: GroupRecord,
    o: OrderRecord,
    tradeId: string,
    price: DecimalLike,
    qty: DecimalLike,
  ): boolean {
    if (this.hasTrade(o, tradeId)) return false;
    const info = this.info(g.sym);
    const inst = info.inst;
    const q = info.lots(qty, 'qty');
    const p = info.ticks(price, 'price');
    if (q <= 0) fail('fill qty must be > 0', 'qty', qty);
    if (p < 0) fail('fill price must be >= 0', 'price', price);
    const n = p * q;
    const l = g.legs[o.leg]!;
    const exit = isExitRole(l.role);
    const total = exit ? g.xN + n : l.role === 'entry' ? g.eN + n : 0;
    if (
      !Number.isSafeInteger(n) ||
      !Number.isSafeInteger(total) ||
      !Number.isSafeInteger(l.notional + n)
    ) {
      fail('fill notional exceeds the exact integer range', 'qty', qty);
    }
    this.addTrade(o, tradeId);
    o.filled += q;
    o.notional += n;
    l.filled += q;
    l.notional += n;
    if (l.role === 'entry') {
      g.eF += q;
      g.eN += n;
    } else if (exit) {
      g.xF += q;
      g.xN += n;
    }
    if (o.st === 0) o.st = 1;
    if (o.filled > o.qty && o.filled - o.qty > o.ovf) {
      o.ovf = o.filled - o.qty;
      this.note({ type: 'overfill', groupId: g.id, orderId: o.id, qty: inst.lotSize.times(o.ovf) });
    }
    if (g.st === 'done') g.st = 'working'; // a late fill is real: the group acts on it again
    this.fire(g, o.leg, 'partially-filled');
    // reduce rules act on every fill of their trigger leg
    for (const r of g.rules) {
      if (r.on !== o.leg) continue;
      const t = g.legs[r.target]!;
      if (r.action === 'reduce-absolute') t.qty = Math.max(t.filled, t.qty - q);
      else if (r.action === 'reduce-proportional' && l.orig > 0) {
        const left = Math.max(0, l.orig - l.filled);
        t.qty = Math.max(t.filled, Math.min(t.qty, floorDiv(t.orig * left, l.orig)));
      }
    }
    if (exit) this.onExitFill(g, o, q);
    if (o.st !== 2 && o.filled >= o.qty) {
      const current = l.cur === o.id;
      this.endOrder(g, o, 'filled');
      if (current) {
        l.cur = null;
        if (l.st === 'active') l.st = 'idle';
        if (isExitRole(l.role)) this.fire(g, o.leg, 'filled');
      }
    }
    if ((l.role === 'entry' || l.role === 'free') && l.filled >= l.qty) {
      if (l.st !== 'done') this.finishLeg(g, o.leg, false);
      this.fire(g, o.leg, 'filled');
    }
    if (l.role === 'entry') this.reanchor(g);
    return true;
  }

  /** Whether this order already has a fill with this trade id (idempotence). */
  private hasTrade(o: OrderRecord, tradeId: string): boolean {
    const t = o.trades;
    if (t.length <= 16) {
      for (let i = 0; i < t.length; i++) if (t[i] === tradeId) return true;
      return false;
    }
    let set = this.tradeSets.get(o.id);
    if (set === undefined) {
      set = new Set(t);
      this.tradeSets.set(o.id, set);
    }
    return set.has(tradeId);
  }

  private addTrade(o: OrderRecord, tradeId: string): void {
    o.trades.push(tradeId);
    this.tradeSets.get(o.id)?.add(tradeId);
  }

  /** Ends an order that the venue has finished (filled, or too late to cancel). */
  private finishOrderFilled(g: GroupRecord, o: OrderRecord): void {
    this.endOrder(g, o, 'filled');
    const l = g.legs[o.leg]!;
    if (l.cur !== o.id) return;
    l.cur = null;
    if (l.st === 'active') l.st = isExitRole(l.role) || l.filled < l.qty ? 'idle' : 'done';
  }

  private onExitFill(g: GroupRecord, o: OrderRecord, q: number): void {
    if (g.native === 1) {
      const mode = this.venue.nativeOco;
      for (let i = 0; i < g.legs.length; i++) {
        const s = g.legs[i]!;
        if (i === o.leg || !isExitRole(s.role) || s.cur === null) continue;
        const so = this.orders.get(s.cur)!;
        if (so.st === 2) continue;
        if (mode === 'oca-reduce') {
          // the venue reduces the sibling's open quantity in proportion to the fraction of its open
          // quantity the filler executed; both legs carry the same open R here (see nativeList),
          // where this is open - q
          const fillerOpen = o.qty - (o.filled - q);
          const open = so.qty - so.filled;
          const left = fillerOpen <= q ? 0 : floorDiv(open * (fillerOpen - q), fillerOpen);
          so.qty = so.filled + Math.max(0, left);
          so.ack = so.qty;
        } else if (
          mode === 'oca-cancel' ||
          (mode === 'spot-oco' && g.legs[o.leg]!.role === 'target')
        ) {
          // the venue cancels it; we send our own cancel too (idempotent: at worst the venue
          // answers cancel-rejected), so nothing hangs if the venue did not have it yet
          so.expect = true;
          if (so.why === '') {
            this.cancel(
              g,
              so,
              g.pol.exitSiblingOnFill === 'reduce' && g.pol.reprotect && s.role === 'stop'
                ? 'resize'
                : 'final',
            );
          }
          g.native = 2;
        }
      }
    }
    if (g.pol.exitSiblingOnFill === 'cancel' && g.winner < 0) {
      g.winner = o.leg;
      for (let i = 0; i < g.legs.length; i++) {
        const s = g.legs[i]!;
        if (i !== o.leg && isExitRole(s.role) && s.role !== 'close') this.finishLeg(g, i);
      }
    }
  }

  private onStopTriggered(g: GroupRecord, o: OrderRecord): void {
    const l = g.legs[o.leg]!;
    if (l.role !== 'stop') return;
    // the triggered stop now carries R as a market order: the other exits stand down
    if (g.winner < 0) g.winner = o.leg;
    const nativeSpot = g.native === 1 && this.venue.nativeOco === 'spot-oco';
    for (let i = 0; i < g.legs.length; i++) {
      const s = g.legs[i]!;
      if (i === o.leg || !isExitRole(s.role) || s.role === 'close') continue;
      if (nativeSpot && s.cur !== null) {
        const so = this.orders.get(s.cur)!;
        if (so.st !== 2) so.expect = true;
      }
      this.finishLeg(g, i);
    }
    if (nativeSpot) g.native = 2;
  }

  private onOrderEnd(
    g: GroupRecord,
    o: OrderRecord,
    how: 'canceled' | 'expired' | 'rejected',
  ): void {
    const l = g.legs[o.leg]!;
    const why = o.why;
    this.endOrder(g, o, how);
    if (l.cur !== o.id) return; // replaced order, or the leg already moved on
    l.cur = null;
    if (g.native === 1 && isExitRole(l.role)) g.native = 2;
    if (how === 'canceled' && why === 'resize') {
      if (l.st === 'active') l.st = 'idle';
      return;
    }
    if (
      how === 'canceled' &&
      why === '' &&
      l.role === 'stop' &&
      !o.trig &&
      g.pol.reprotect &&
      g.scope < 2
    ) {
      if (l.st === 'active') l.st = 'idle'; // unsolicited venue cancel of a waiting stop: re-protect
      return;
    }
    if (l.role === 'stop' && (how !== 'canceled' || o.trig)) {
      // a rejected stop, or a triggered stop the venue ended unfilled (no liquidity, self-trade
      // prevention): re-sending it would loop, so the position is reported instead
      const r = g.base + g.eF - g.xF;
      if (r > 0) {
        g.unprot = r;
        this.note({
          type: 'unprotected',
          groupId: g.id,
          qty: this.info(g.sym).inst.lotSize.times(r),
          reason: how === 'canceled' ? 'triggered stop ended unfilled' : `stop ${how}`,
        });
      }
    }
    if (l.st !== 'done') {
      l.st = 'done';
      this.fire(g, o.leg, 'canceled');
    }
  }

  // -------------------------------------------------------------------------------------------
  // rule graph

  /** Fires a trigger once; returns whether a rule acted on it. */
  private fire(g: GroupRecord, leg: number, when: LegTrigger): boolean {
    const l = g.legs[leg]!;
    const bit = TRIGGER_BIT[when];
    if ((l.fired & bit) !== 0) return false;
    l.fired |= bit;
    let acted = false;
    for (const r of g.rules) {
      if (r.on !== leg || r.when !== when) continue;
      acted = true;
      const t = g.legs[r.target]!;
      if (r.action === 'release') {
        if (t.st === 'held') t.st = g.scope > 0 ? 'done' : 'idle';
      } else if (r.action === 'cancel') this.finishLeg(g, r.target);
    }
    return acted;
  }

  /** Ends a leg for good: cancels its working order (final) and marks it done. */
  private finishLeg(g: GroupRecord, leg: number, fireCanceled = true): void {
    const l = g.legs[leg]!;
    if (l.st === 'done') return;
    if (l.cur !== null) {
      const o = this.orders.get(l.cur)!;
      if (o.st !== 2) {
        if (o.why === '') this.cancel(g, o, 'final');
        else o.why = 'final';
      }
    }
    l.st = 'done';
    if (fireCanceled) this.fire(g, leg, 'canceled');
  }

  // -------------------------------------------------------------------------------------------
  // the ledger and the commands it implies

  /** Re-anchors offset exits to the weighted average entry after an entry fill. */
  private reanchor(g: GroupRecord): void {
    const pos = g.base + g.eF;
    if (pos <= 0) return;
    const m = this.market.get(g.sym);
    const atr = m === undefined ? null : m.atr;
    const long = g.side === 'buy';
    for (const l of g.legs) {
      if (l.offset === null || l.st === 'done') continue;
      const px = anchoredPrice(l.offset, g.baseN + g.eN, pos, atr, long, l.role === 'stop');
      if (px === null || px <= 0) continue;
      if (l.role === 'stop') {
        // never loosen a stop that trailing or break-even has tightened
        if (l.stop !== null && (l.trailOn || l.beDone) && (long ? px < l.stop : px > l.stop))
          continue;
        l.stop = px;
      } else l.price = px;
    }
  }

  /** Brings the group's orders in line with its ledger and policies. */
  private reconcile(g: GroupRecord): void {
    const legs = g.legs;
    const r = g.base + g.eF - g.xF;
    const info = this.info(g.sym);
    if (r < 0 && -r > g.ovf) {
      g.ovf = -r;
      this.note({
        type: 'overfill',
        groupId: g.id,
        orderId: undefined,
        qty: info.inst.lotSize.times(-r),
      });
    }
    // entries and free legs
    let entriesLive = false;
    let entriesOpen = 0;
    let entryTarget = 0;
    for (let i = 0; i < legs.length; i++) {
      const l = legs[i]!;
      if (l.role !== 'entry' && l.role !== 'free') continue;
      if (l.role === 'entry') entryTarget += l.qty;
      if (l.st === 'done' || l.st === 'held') {
        if (l.st === 'held' && l.role === 'entry') entriesLive = true;
        continue;
      }
      const want = l.qty - l.filled;
      if (want <= 0) {
        this.finishLeg(g, i, false);
        continue;
      }
      if (l.role === 'entry') {
        entriesLive = true;
        entriesOpen += want;
      }
      this.sizeLeg(g, i, want, r, entriesOpen);
    }
    // OTO release of exits
    const pos = g.base + g.eF;
    if (g.hasEntries) {
      const fully = g.eF >= entryTarget;
      const entriesOver = !entriesLive;
      let release = false;
      let drop = false;
      if (g.scope === 2) drop = true;
      else if (entriesOver && !fully && g.eF > 0 && g.pol.parentCancel === 'cancel-all')
        drop = true;
      else if (g.pol.otoTrigger === 'partial' ? g.eF > 0 : fully) release = true;
      else if (entriesOver) {
        if (g.eF > 0)
          release = true; // keep-filled: exits sized to what was filled
        else drop = true;
      }
      if (release || drop) {
        for (let i = 0; i < legs.length; i++) {
          const l = legs[i]!;
          if (!isExitRole(l.role)) continue;
          if (release) {
            if (l.st === 'held') l.st = 'idle';
          } else this.finishLeg(g, i); // held, idle or working: the exits end
        }
        if (drop && r > 0 && g.unprot !== r) {
          g.unprot = r;
          this.note({
            type: 'unprotected',
            groupId: g.id,
            qty: info.inst.lotSize.times(r),
            reason: 'parent cancelled, policy cancel-all',
          });
        }
      }
    }
    this.sizeExits(g, r, pos, info);
    if (g.live === 0 && g.st === 'working') {
      g.st = 'done';
      this.note({ type: 'group-done', groupId: g.id, openQty: info.inst.lotSize.times(r) });
    }
  }

  private sizeExits(g: GroupRecord, r: number, pos: number, info: InstrumentInfo): void {
    const legs = g.legs;
    let nStops = 0;
    let stopsCovering = 0;
    let weightTotal = 0;
    let anyExit = false;
    let anyStop = false;
    for (const l of legs) {
      if (!isExitRole(l.role)) continue;
      anyExit = true;
      if (l.role === 'target') weightTotal += l.weight;
      else if (l.role === 'stop') anyStop = true;
    }
    if (!anyExit) return;
    const rp = Math.max(r, 0);
    const dust = rp > 0 && this.isDust(g, rp, info);
    if (dust && g.dust !== rp) {
      g.dust = rp;
      this.note({ type: 'dust', groupId: g.id, qty: info.inst.lotSize.times(rp) });
      if (g.pol.dust === 'close' && g.scope < 2 && !legs.some((l) => l.role === 'close')) {
        legs.push(closeLeg(g));
      }
    }
    let pair: number[] | null = null;
    if (g.native === 0 && g.xF === 0) {
      pair = this.nativeList(g);
      if (pair !== null) {
        let ok = !dust && this.ocoPricesOk(g, pair);
        for (const k of pair) if (legs[k]!.st !== 'idle' || legs[k]!.n !== 0) ok = false;
        if (ok) g.native = 1;
        else pair = null;
      }
    }
    let cum = 0;
    let targetBudget = rp;
    for (let i = 0; i < legs.length; i++) {
      const l = legs[i]!;
      if (!isExitRole(l.role)) continue;
      let d = 0;
      if (l.role === 'target') {
        const prev = floorDiv(cum * pos, weightTotal);
        cum += l.weight;
        const planned = floorDiv(cum * pos, weightTotal) - prev;
        d = Math.min(Math.max(0, planned - l.filled), targetBudget);
        if (g.winner === i) d = rp;
        if (l.st !== 'done' && l.st !== 'held') targetBudget -= d;
      } else if (l.role === 'stop') d = rp;
      else d = dust ? rp : 0;
      if (dust && l.role !== 'close') d = 0;
      if (g.scope === 2) d = 0;
      if (l.st === 'done' || l.st === 'held') continue;
      this.sizeLeg(g, i, d, r, 0);
      if (l.role === 'stop') {
        nStops++;
        if (l.cur !== null) {
          const o = this.orders.get(l.cur)!;
          if (o.why !== '' || o.expect || o.qty - o.filled === rp) stopsCovering++;
        }
      }
    }
    if (pair !== null) for (const k of pair) if (legs[k]!.cur === null) g.native = 2;
    // protection: R > 0 with no working stop
    if (rp > 0 && !dust && g.scope < 2 && g.winner < 0) {
      if (anyStop && stopsCovering === 0 && g.unprot !== rp) {
        g.unprot = rp;
        this.note({
          type: 'unprotected',
          groupId: g.id,
          qty: info.inst.lotSize.times(rp),
          reason: nStops === 0 ? 'no live stop' : 'stop could not be sent or resized',
        });
      }
      if (stopsCovering > 0) g.unprot = 0;
    }
  }

  private isDust(g: GroupRecord, rp: number, info: InstrumentInfo): boolean {
    if (rp < info.minLots) return true;
    const inst = info.inst;
    if (inst.minNotional.isZero()) return false;
    const pos = g.base + g.eF;
    if (pos <= 0) return false;
    // notional of R at the average entry: rp × (N / pos) × tick × lot
    return inst.tickSize
      .times(inst.lotSize)
      .times(rp)
      .times(g.baseN + g.eN)
      .div(pos)
      .lt(inst.minNotional);
  }

  /**
   * Makes leg `i`'s working order carry `want` open lots at the leg's desired prices: submit,
   * modify (or cancel-replace), or cancel at 0.
   */
  private sizeLeg(g: GroupRecord, i: number, want: number, r: number, entriesOpen: number): void {
    const l = g.legs[i]!;
    if (l.cur !== null) {
      const o = this.orders.get(l.cur)!;
      if (o.why !== '' || o.expect) return; // a cancel is in flight; act when it resolves
      if (want <= 0) {
        this.cancel(g, o, 'resize');
        return;
      }
      const qty = o.filled + want;
      const priceChanged = o.price !== legLimit(l) || o.stop !== legStop(l);
      if (qty === o.qty && !priceChanged) return;
      const reduceOnly = qty < o.qty && !priceChanged;
      if (!reduceOnly) {
        const denied = this.check(g, l, 'modify', want, r, entriesOpen);
        if (denied !== null) {
          // keep working at the old prices, but never keep more open than allowed
          if (qty < o.qty) this.modify(g, o, qty, o.price, o.stop);
          return;
        }
      }
      const stopMoved = o.stop !== legStop(l);
      if (
        o.noModify ||
        this.venue.amend === 'cancel-replace' ||
        (stopMoved && !this.venue.amendStopPrice)
      ) {
        // safe cancel-replace: the replacement is sent only once the venue confirms the cancel
        // (or says it is too late), so the old and the new order can never both fill
        this.cancel(g, o, 'resize');
        return;
      }
      this.modify(g, o, qty, legLimit(l), legStop(l));
      return;
    }
    if (l.st !== 'idle' || want <= 0) return;
    if (isExitRole(l.role) && g.scope === 2) return;
    if ((l.role === 'entry' || l.role === 'free') && g.scope > 0) return;
    if (isExitRole(l.role) && l.role !== 'close') {
      if ((l.type === 'stop' || l.type === 'stop-limit') && l.stop === null) {
        this.deny(g, l, 'no stop price yet (missing volatility input?)');
        return;
      }
      if ((l.type === 'limit' || l.type === 'stop-limit') && l.price === null) {
        this.deny(g, l, 'no limit price yet');
        return;
      }
    }
    const denied = this.check(g, l, 'submit', want, r, entriesOpen);
    if (denied !== null) return;
    this.submit(g, i, want);
  }

  private deny(g: GroupRecord, l: LegRecord, reason: string): void {
    if (l.denied === reason) return;
    l.denied = reason;
    this.note({ type: 'risk-denied', groupId: g.id, legId: l.id, reason });
  }

  /** Price relationships and the pluggable checks; returns the denial or null. */
  private check(
    g: GroupRecord,
    l: LegRecord,
    kind: 'submit' | 'modify',
    openLots: number,
    r: number,
    entriesOpen: number,
  ): string | null {
    const m = this.market.get(g.sym);
    const last = m === undefined ? null : m.last;
    const long = g.side === 'buy';
    if (
      l.role === 'stop' &&
      last !== null &&
      l.stop !== null &&
      (long ? l.stop >= last : l.stop <= last)
    ) {
      this.deny(g, l, 'stop on the wrong side of the market');
      return 'stop on the wrong side of the market';
    }
    if (this.risk.length === 0) {
      l.denied = '';
      return null;
    }
    const inst = this.info(g.sym).inst;
    const lot = inst.lotSize;
    const tick = inst.tickSize;
    const req: RiskRequest = {
      kind,
      groupId: g.id,
      legId: l.id,
      role: l.role,
      instrument: inst,
      side: l.side,
      openQty: lot.times(openLots),
      price: l.price === null ? undefined : tick.times(l.price),
      stopPrice: l.stop === null ? undefined : tick.times(l.stop),
      position: lot.times(Math.max(0, r)),
      projectedPosition: lot.times(Math.max(0, r) + (l.role === 'entry' ? entriesOpen : 0)),
      reference: last === null ? undefined : tick.times(last),
    };
    for (const c of this.risk) {
      let reason: string | null;
      try {
        reason = c(req);
      } catch (e) {
        // a failing check must not leave the group half-updated: it denies
        reason = `risk check failed: ${e instanceof Error ? e.message : String(e)}`;
      }
      if (reason !== null) {
        this.deny(g, l, reason);
        return reason;
      }
    }
    l.denied = '';
    return null;
  }

  // -------------------------------------------------------------------------------------------
  // command emission

  private submit(g: GroupRecord, i: number, lots: number): void {
    const l = g.legs[i]!;
    l.n++;
    const id = `${g.id}:${l.id}:${l.n}`;
    const exit = isExitRole(l.role);
    const o: OrderRecord = {
      id,
      g: g.id,
      leg: i,
      qty: lots,
      ack: lots,
      filled: 0,
      notional: 0,
      price: legLimit(l),
      stop: legStop(l),
      st: 0,
      why: '',
      expect: false,
      trig: false,
      noModify: false,
      ovf: 0,
      trades: [],
      end: '',
    };
    this.orders.set(id, o);
    l.cur = id;
    l.st = 'active';
    g.live++;
    if (g.st === 'done') g.st = 'working';
    let contingency: NativeContingency | undefined;
    if (exit && l.role !== 'close') contingency = this.nativeFor(g);
    const inst = this.info(g.sym).inst;
    this.cmd(
      new LazySubmit(
        id,
        g.id,
        l.id,
        l.role,
        g.sym,
        l.side,
        l.type,
        l.tif,
        exit && this.venue.reduceOnly,
        l.post && this.venue.postOnly,
        contingency,
        inst,
        lots,
        o.price,
        o.stop,
      ),
    );
  }

  /**
   * The venue's OCO price relationship (sell OCO: take-profit above last above stop; mirrored for
   * a buy OCO). When it does not hold the pair is emulated instead.
   */
  private ocoPricesOk(g: GroupRecord, list: readonly number[]): boolean {
    if (this.venue.ocoPriceRule === 'none') return true;
    const m = this.market.get(g.sym);
    if (m === undefined || m.last === null) return true;
    // the rule is stated for a pair (the only shape spot-oco lists take)
    let tp: number | null = null;
    let sp: number | null = null;
    for (const k of list) {
      const l = g.legs[k]!;
      if (l.role === 'stop') sp = l.stop;
      else tp = l.price;
    }
    if (tp === null || sp === null) return false;
    return g.side === 'buy' ? tp > m.last && m.last > sp : tp < m.last && m.last < sp;
  }

  /** The native contingency of an exit of an intact native pair. */
  private nativeFor(g: GroupRecord): NativeContingency | undefined {
    if (g.native !== 1) return undefined;
    const mode = this.venue.nativeOco;
    if (mode === 'none') return undefined;
    return { listId: g.id, kind: mode === 'spot-oco' ? 'oco' : mode, block: this.venue.ocaBlock };
  }

  /**
   * Indices of the exits the venue can handle as one native list, or null to emulate: a pair of
   * one stop and one target for `spot-oco` and `oca-reduce` (the latter only once no entry order
   * can fill any more), any two or more stops and targets for `oca-cancel`. See
   * `NativeOcoSupport` in venues.ts for why.
   */
  private nativeList(g: GroupRecord): number[] | null {
    const mode = this.venue.nativeOco;
    if (mode === 'none') return null;
    const policy = g.pol.exitSiblingOnFill;
    if (mode === 'oca-cancel' && policy !== 'cancel') return null;
    if (mode === 'oca-reduce' && (policy !== 'reduce' || this.entriesMayFill(g))) return null;
    const out: number[] = [];
    let stops = 0;
    for (let i = 0; i < g.legs.length; i++) {
      const x = g.legs[i]!;
      if (x.role === 'close') return null;
      if (x.role !== 'stop' && x.role !== 'target') continue;
      if (x.role === 'stop') stops++;
      out.push(i);
    }
    if (mode === 'oca-cancel') return out.length >= 2 ? out : null;
    return out.length === 2 && stops === 1 ? out : null;
  }

  /** Whether an entry order may still fill: an entry leg not done, or one whose order the venue has not ended. */
  private entriesMayFill(g: GroupRecord): boolean {
    for (const l of g.legs) {
      if (l.role !== 'entry') continue;
      if (l.st !== 'done') return true;
      if (l.cur !== null && this.orders.get(l.cur)!.st !== 2) return true;
    }
    return false;
  }

  private cancel(g: GroupRecord, o: OrderRecord, why: Exclude<CancelWhy, ''>): void {
    o.why = why;
    this.cmd({ type: 'cancel', orderId: o.id, groupId: g.id });
  }

  private modify(
    g: GroupRecord,
    o: OrderRecord,
    qty: number,
    price: number | null,
    stop: number | null,
  ): void {
    const inst = this.info(g.sym).inst;
    const delta = qty - o.qty;
    o.qty = qty;
    if (o.price !== null) o.price = price;
    if (o.stop !== null) o.stop = stop;
    this.cmd(new LazyModify(o.id, g.id, inst, qty, qty - o.filled, delta, o.price, o.stop));
  }

  private endOrder(g: GroupRecord, o: OrderRecord, how: string): void {
    if (o.st === 2) return;
    o.st = 2;
    o.end = how;
    g.live--;
  }

  private cmd(c: OcoCommand): void {
    if (this.cmds === null) this.cmds = [c];
    else this.cmds.push(c);
  }

  private note(n: OcoNotice): void {
    if (this.notes === null) this.notes = [n];
    else this.notes.push(n);
  }
}

function legLimit(l: LegRecord): number | null {
  return l.type === 'limit' || l.type === 'stop-limit' ? l.price : null;
}

function legStop(l: LegRecord): number | null {
  return l.type === 'stop' || l.type === 'stop-limit' ? l.stop : null;
}

function closeLeg(g: GroupRecord): LegRecord {
  return {
    id: '__close',
    role: 'close',
    side: g.side === 'buy' ? 'sell' : 'buy',
    type: 'market',
    tif: 'IOC',
    post: false,
    qty: 0,
    orig: 0,
    price: null,
    stop: null,
    offset: null,
    weight: 1,
    trail: null,
    be: null,
    st: 'idle',
    cur: null,
    n: 0,
    filled: 0,
    notional: 0,
    fired: 0,
    trailOn: false,
    best: null,
    beDone: false,
    denied: '',
  };
}

function intOr0(v: number | undefined, field: string): number {
  if (v === undefined) return 0;
  if (!Number.isSafeInteger(v)) fail(`${field} must be an integer`, field, v);
  return v;
}

function offsetRec(o: PriceOffset, inst: Instrument): OffsetRecord {
  switch (o.kind) {
    case 'price': {
      const t = toDecimal(o.value, 'offset').div(inst.tickSize);
      if (t.lt(0)) fail('offset must be >= 0', 'offset', o.value);
      return { kind: 'ticks', v: t.toString() };
    }
    case 'ticks':
      if (!(Number.isFinite(o.value) && o.value >= 0))
        fail('offset must be >= 0', 'offset', o.value);
      return { kind: 'ticks', v: String(o.value) };
    case 'bps':
      if (!(Number.isFinite(o.value) && o.value >= 0))
        fail('offset must be >= 0', 'offset', o.value);
      return { kind: 'bps', v: String(o.value) };
    case 'atr':
      if (!(Number.isFinite(o.multiple) && o.multiple >= 0))
        fail('offset must be >= 0', 'offset', o.multiple);
      return { kind: 'atr', v: String(o.multiple) };
    default:
      return fail('unknown offset kind', 'offset', (o as { kind: unknown }).kind);
  }
}

/** An offset in ticks at a given anchor (ticks), or null when the ATR input is missing. */
function offsetTicks(o: OffsetRecord, anchor: number, atr: number | null): number | null {
  if (o.kind === 'ticks') return Number(o.v);
  if (o.kind === 'bps') return (anchor * Number(o.v)) / 10_000;
  return atr === null ? null : atr * Number(o.v);
}

/**
 * The exit price anchored at the weighted average entry N / F (ticks), exactly, rounded away from
 * the market side that would hurt: a long's stop rounds down (stays below), a long's target rounds
 * up (stays above); mirrored for a short.
 */
function anchoredPrice(
  o: OffsetRecord,
  notional: number,
  filled: number,
  atr: number | null,
  long: boolean,
  stop: boolean,
): number | null {
  const below = long === stop; // long stop and short target sit below the anchor
  // exact integer fast path: floor/ceil of an integer quotient a / b is exact in doubles while
  // |a| < 2^53 (a non-integer quotient is at least 1/b away from the next integer)
  if (o.kind !== 'atr') {
    const v = Number(o.v);
    if (Number.isSafeInteger(v)) {
      if (o.kind === 'ticks') {
        const a = below ? notional - v * filled : notional + v * filled;
        if (Number.isSafeInteger(a)) return below ? Math.floor(a / filled) : Math.ceil(a / filled);
      } else {
        const a = notional * (below ? 10_000 - v : 10_000 + v);
        const b = filled * 10_000;
        if (Number.isSafeInteger(a) && Number.isSafeInteger(b)) {
          return below ? Math.floor(a / b) : Math.ceil(a / b);
        }
      }
    }
  }
  const avg = new Dec(notional).div(filled);
  let off: Decimal;
  if (o.kind === 'ticks') off = new Dec(o.v);
  else if (o.kind === 'bps') off = avg.times(o.v).div(10_000);
  else {
    if (atr === null) return null;
    off = new Dec(atr).times(o.v);
  }
  const px = below ? avg.minus(off).floor() : avg.plus(off).ceil();
  return px.toNumber();
}

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

function ceilDiv(a: number, b: number): number {
  return Math.ceil(a / b);
}
