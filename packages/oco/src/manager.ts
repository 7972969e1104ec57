/**
 * The event-sourced order manager: events in, commands out, state as a fold over the events.
 *
 * All ledger arithmetic is exact: quantities in lots of the instrument and prices in ticks,
 * notionals in tick·lots as safe integers on the fast path and exact decimals past it (fine grids
 * beyond 2^53, off-grid fill prices). Every event is validated completely before any state
 * changes: an event that throws has changed nothing.
 *
 * The ledger rule (see the package README):
 * - R = position + Σ entry filled − Σ exit filled, the open remainder;
 * - every live stop targets its own filled + R;
 * - targets share R by their integer weights (cumulative-weight floor split), clamped so that
 *   Σ target open ≤ R (the last targets give way first);
 * - at R ≤ 0 no exit stays open.
 *
 * The parts live in internal modules: stored records (`records.ts`), spec compilation
 * (`compile.ts`), repricing (`reprice.ts`), exit sizing and the OTO release (`sizing.ts`), native
 * lists (`native.ts`), fills (`fills.ts`), reconciliation (`reconcile.ts`) and snapshots
 * (`snapshot.ts`). This module dispatches events and handles the venue's answers.
 *
 * @module
 */
import {
  assertNonEmptyString,
  assertObject,
  assertOneOf,
  Dec,
  type Decimal,
  type DecimalLike,
  failValidation as fail,
  type Instrument,
  InvalidStateError,
  NotFoundError,
  ValidationError,
} from '@x/core';
import { compileGroup, resolvePolicies } from './internal/compile.js';
import {
  addTo,
  heldState,
  type InstrumentInfo,
  ManagerCore,
  STOP_THROUGH_MARKET,
} from './internal/core.js';
import { add, type Exact } from './internal/exact.js';
import { amendTrade, applyFill, tradeIdOf } from './internal/fills.js';
import { reanchor, reconcile } from './internal/reconcile.js';
import { type GroupRec, isExitRole, type OrderRec, openRemainder } from './internal/records.js';
import { breakEvenStop, tightens, trail } from './internal/reprice.js';
import {
  migrateV2,
  readSnapshot,
  SNAPSHOT_VERSION,
  type StateRecords,
  writeSnapshot,
} from './internal/snapshot.js';
import { type GridCodec, gridCodec } from './internal/units.js';
import type { RiskCheck } from './risk.js';
import {
  DEFAULT_POLICIES,
  type GroupPolicies,
  type GroupSpec,
  type OcoCommand,
  type OcoEvent,
  type OcoNotice,
  type Step,
} from './types.js';
import { EMULATED_VENUE, type VenueProfile } from './venues.js';
import type { GroupLedger, LegState } from './view.js';

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

/**
 * A JSON-serialisable snapshot of the whole manager state (format version 3). Its body is opaque:
 * restore it with {@link OrderManager.restore}, which also reads version-2 snapshots (see the
 * README's "Snapshots" section for the migration).
 */
export interface OrderManagerSnapshot {
  /** Format version. */
  readonly version: 3;
  /** Groups, in creation order (opaque records). */
  readonly groups: readonly unknown[];
  /** Orders, in submission order (opaque records). */
  readonly orders: readonly unknown[];
  /** Market state per symbol (opaque records). */
  readonly market: readonly unknown[];
}

/** A snapshot written before version 3 (restorable; see {@link OrderManager.restore}). */
export interface LegacyOrderManagerSnapshot {
  /** Format version. */
  readonly version: 2;
  /** Groups. */
  readonly groups: readonly unknown[];
  /** Orders. */
  readonly orders: readonly unknown[];
  /** Market state. */
  readonly market: readonly unknown[];
}

const EMPTY_STEP: Step = Object.freeze({
  commands: Object.freeze([]) as readonly OcoCommand[],
  notices: Object.freeze([]) as readonly OcoNotice[],
});

const ORDER_EVENTS = new Set([
  'accepted',
  'rejected',
  'fill',
  'trade-bust',
  'trade-correct',
  'canceled',
  'cancel-rejected',
  'expired',
  'triggered',
  'modified',
  'modify-rejected',
]);

type OrderEvent = Exclude<
  OcoEvent,
  { type: 'create' | 'cancel-group' | 'amend-entry' | 'market' | 'forget' }
>;

let coreAccess: (om: OrderManager) => ManagerCore;

/**
 * Whether a market move may clear a group's held-back legs: a stop held back only because it is
 * through the market stays held while it still is (skipping it saves a reconciliation per market
 * event); any other denial is re-checked.
 */
function mayClear(g: GroupRec, last: number): boolean {
  const long = g.side === 'buy';
  for (const l of g.legs) {
    if (l.lastDenial === '' || l.phase === 'done') continue;
    if (l.lastDenial !== STOP_THROUGH_MARKET || l.stopTicks === null) return true;
    if (long ? l.stopTicks < last : l.stopTicks > last) return true;
  }
  return false;
}

/** An execution's quantity (lots, > 0) and exact price (ticks, >= 0, on or off the grid). */
function execution(
  codec: GridCodec,
  qty: DecimalLike,
  price: DecimalLike,
): { q: number; p: Exact } {
  const q = codec.lots(qty, 'qty');
  const p = codec.exactTicks(price, 'price');
  if (q <= 0)
    fail('an execution qty must be > 0 (a correction to nothing is a trade-bust)', 'qty', qty);
  if (typeof p === 'number' ? p < 0 : p.lt(0))
    fail('an execution price must be >= 0', 'price', price);
  return { q, p };
}

/**
 * The state of a manager, for the package's internal inspection tooling (`internal/inspect.ts`);
 * not re-exported from the package entry point.
 * @internal
 */
export function managerCore(om: OrderManager): ManagerCore {
  return coreAccess(om);
}

function idOf(v: unknown, field: string): string {
  assertNonEmptyString(v, field);
  return v;
}

const CANCEL_SCOPES = ['entries', 'all'] as const;

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
  readonly #core: ManagerCore;

  static {
    coreAccess = (om) => om.#core;
  }

  /**
   * @param options - instruments, venue profile, risk checks and default policies
   * @throws `ValidationError` (from `@x/core`) when no instrument is given, two share a symbol, or
   *   a default policy is unknown
   */
  constructor(options: OrderManagerOptions) {
    if (options.instruments.length === 0)
      fail('at least one instrument is required', 'instruments', 0);
    const instruments = new Map<string, InstrumentInfo>();
    for (const inst of options.instruments) {
      if (instruments.has(inst.symbol))
        fail('duplicate instrument symbol', 'instruments', inst.symbol);
      const minLots = Math.max(1, Math.ceil(inst.minQty.div(inst.lotSize).toNumber()));
      const tickLot = inst.tickSize.times(inst.lotSize);
      instruments.set(inst.symbol, { codec: gridCodec(inst), inst, minLots, tickLot });
    }
    this.#core = new ManagerCore(
      options.venue ?? EMULATED_VENUE,
      options.risk ?? [],
      resolvePolicies(DEFAULT_POLICIES, options.policies),
      instruments,
    );
  }

  /**
   * Restores a manager from a snapshot (the options are not part of the snapshot: pass the same).
   * Version-2 snapshots (written before the records got their domain names) are migrated.
   * @param snapshot - from {@link OrderManager.snapshot} (version 3) or an older version 2
   * @param options - the same options the snapshotted manager had
   * @returns the restored manager
   * @throws `ValidationError` (from `@x/core`) when the snapshot version is unknown or it is malformed
   */
  static restore(
    snapshot: OrderManagerSnapshot | LegacyOrderManagerSnapshot,
    options: OrderManagerOptions,
  ): OrderManager {
    const v = (snapshot as { version?: unknown } | null)?.version;
    let records: StateRecords;
    if (v === SNAPSHOT_VERSION) {
      try {
        records = readSnapshot(snapshot as never);
      } catch (cause) {
        throw new ValidationError('malformed snapshot', { field: 'snapshot', value: v, cause });
      }
    } else if (v === 2) records = migrateV2(snapshot as never);
    else return fail('unknown snapshot version', 'version', v);
    const om = new OrderManager(options);
    const core = om.#core;
    for (const g of records.groups) {
      if (!core.instruments.has(g.symbol))
        fail(`snapshot names unknown symbol '${g.symbol}'`, 'symbol', g.symbol);
      core.groups.set(g.id, g);
    }
    for (const o of records.orders) core.orders.set(o.id, o);
    core.market = new Map(records.market);
    for (const g of core.groups.values()) om.#index(g);
    return om;
  }

  /**
   * A deep, JSON-serialisable copy of the state (format version 3).
   * @returns the snapshot
   */
  snapshot(): OrderManagerSnapshot {
    const c = this.#core;
    return {
      version: SNAPSHOT_VERSION,
      ...writeSnapshot({
        groups: [...c.groups.values()],
        orders: [...c.orders.values()],
        market: [...c.market.entries()],
      }),
    };
  }

  /**
   * The ledger of one group, in decimals: a read-only view.
   * @param groupId - the group id
   * @returns the ledger view
   * @throws `NotFoundError` (from `@x/core`) when the group is unknown
   */
  ledger(groupId: string): GroupLedger {
    const g = this.#group(groupId);
    const inst = this.#core.info(g.symbol).inst;
    const lot = inst.lotSize;
    const tick = inst.tickSize;
    const entryF = g.position + g.entryFilled;
    const entryN = add(g.positionNotional, g.entryNotional);
    const avg = (n: typeof entryN, f: number): Decimal | undefined =>
      f === 0 ? undefined : tick.times(new Dec(n.toString())).div(f);
    return {
      groupId: g.id,
      status: g.phase,
      entryFilled: lot.times(entryF),
      avgEntryPrice: avg(entryN, entryF),
      exitFilled: lot.times(g.exitFilled),
      avgExitPrice: avg(g.exitNotional, g.exitFilled),
      openQty: lot.times(entryF - g.exitFilled),
      unprotectedQty: lot.times(g.unprotectedReported),
      legs: g.legs.map((l) => {
        const o = l.orderId === null ? undefined : this.#core.orders.get(l.orderId);
        return {
          id: l.id,
          role: l.role,
          state: (l.phase === 'working' ? 'active' : l.phase) as LegState,
          filled: lot.times(l.filled),
          orderId: l.orderId,
          orderQty: o === undefined ? null : lot.times(o.qty),
          price: o?.priceTicks == null ? null : tick.times(o.priceTicks),
          stopPrice: o?.stopTicks == null ? null : tick.times(o.stopTicks),
        };
      }),
    };
  }

  /** Ids of every group, in creation order. @returns the ids */
  groupIds(): string[] {
    return [...this.#core.groups.keys()];
  }

  /** Number of groups still working. @returns the count */
  workingGroups(): number {
    let n = 0;
    for (const g of this.#core.groups.values()) if (g.phase === 'working') n++;
    return n;
  }

  /**
   * Applies one event and returns the commands to send and the notices to report. The event is
   * validated completely before anything changes: when it throws, the state is as before.
   * @param event - the event
   * @returns the step (shared empty arrays when there is nothing to do)
   * @throws `ValidationError` (from `@x/core`) on malformed input (not an event, an unknown event
   *   type, off-grid quantity or price, unknown symbol, invalid spec, missing trade id)
   * @throws `NotFoundError` (from `@x/core`) when a user intent names an unknown group or leg
   * @throws `InvalidStateError` (from `@x/core`) when a user intent is not allowed (amend below
   *   filled, forget a working group)
   */
  apply(event: OcoEvent): Step {
    assertObject(event, 'event');
    const core = this.#core;
    core.begin();
    switch (event.type) {
      case 'create':
        this.#onCreate(event.spec);
        break;
      case 'cancel-group':
        this.#onCancelGroup(event.groupId, event.scope);
        break;
      case 'amend-entry':
        this.#onAmend(event.groupId, event.legId, event.qty);
        break;
      case 'market':
        this.#onMarket(event.symbol, event.last, event.atr);
        break;
      case 'forget':
        this.#onForget(event.groupId);
        break;
      default:
        if (!ORDER_EVENTS.has((event as { type: string }).type)) {
          fail(
            `unknown event type '${String((event as { type: unknown }).type)}'`,
            'type',
            (event as { type: unknown }).type,
          );
        }
        this.#onOrderEvent(event);
    }
    const commands = core.takeCommands();
    const notices = core.takeNotices();
    if (commands === null && notices === null) return EMPTY_STEP;
    return { commands: commands ?? EMPTY_STEP.commands, notices: notices ?? EMPTY_STEP.notices };
  }

  // -------------------------------------------------------------------------------------------
  // user intents

  #info(symbol: unknown): InstrumentInfo {
    const i = typeof symbol === 'string' ? this.#core.instruments.get(symbol) : undefined;
    if (i === undefined) fail(`unknown symbol '${String(symbol)}'`, 'symbol', symbol);
    return i;
  }

  #group(groupId: unknown): GroupRec {
    const g = this.#core.groups.get(idOf(groupId, 'groupId'));
    if (g === undefined) throw new NotFoundError('group', groupId as string);
    return g;
  }

  /** Rebuilds the derived per-symbol indexes of a group. */
  #index(g: GroupRec): void {
    const c = this.#core;
    if (g.legs.some((l) => l.trailing !== null || l.breakEven !== null || l.offset?.kind === 'atr'))
      addTo(c.reactive, g.symbol, g.id);
    c.held.set(g.symbol, g.id, heldState(g));
    if (c.risk.length > 0) {
      let open = 0;
      for (const l of g.legs)
        if (l.role === 'entry' && l.phase !== 'done') open += Math.max(0, l.qty - l.filled);
      c.setExposure(g, Math.max(0, openRemainder(g)) + open, c.exposureRef(g));
    }
  }

  #onCreate(spec: GroupSpec): void {
    assertObject(spec, 'spec');
    const info = this.#info(spec.symbol);
    const g = compileGroup(spec, info.codec, this.#core.defaults);
    if (this.#core.groups.has(g.id)) fail(`group '${g.id}' already exists`, 'id', g.id);
    this.#core.groups.set(g.id, g);
    this.#index(g);
    if (g.position > 0) reanchor(this.#core, g);
    reconcile(this.#core, g);
  }

  #onCancelGroup(groupId: string, scope: 'entries' | 'all' | undefined): void {
    if (scope !== undefined) assertOneOf(scope, CANCEL_SCOPES, 'scope');
    const g = this.#group(groupId);
    const s = scope === 'all' ? 'all' : 'entries';
    if (g.cancelScope === 'all' || g.cancelScope === s) return;
    g.cancelScope = s;
    for (let i = 0; i < g.legs.length; i++) {
      if (isExitRole(g.legs[i]!.role) && s !== 'all') continue;
      this.#core.finishLeg(g, i);
    }
    reconcile(this.#core, g);
  }

  #onAmend(groupId: string, legId: string, qty: DecimalLike): void {
    const g = this.#group(groupId);
    const idx = g.legs.findIndex((l) => l.id === legId);
    if (idx < 0) throw new NotFoundError('leg', String(legId));
    const l = g.legs[idx]!;
    if (l.role !== 'entry' && l.role !== 'free')
      fail('only entry and free legs can be amended', 'legId', legId);
    const lots = this.#core.info(g.symbol).codec.lots(qty, 'qty');
    if (lots <= 0) fail('amended qty must be > 0 (cancel the group to end the leg)', 'qty', qty);
    if (lots < l.filled) {
      throw new InvalidStateError(`amend to ${String(qty)} is below the filled quantity`, {
        state: 'filled',
      });
    }
    if (l.phase === 'done')
      throw new InvalidStateError(`leg '${legId}' is done`, { state: 'done' });
    l.qty = lots;
    reconcile(this.#core, g);
  }

  #onForget(groupId: string): void {
    const g = this.#group(groupId);
    if (g.phase !== 'done')
      throw new InvalidStateError(`group '${g.id}' is still working`, { state: 'working' });
    const c = this.#core;
    for (const l of g.legs) {
      for (let n = 1; n <= l.ordersSent; n++) {
        const id = `${g.id}:${l.id}:${n}`;
        c.orders.delete(id);
        c.tradeIndex.delete(id);
      }
    }
    c.groups.delete(g.id);
    c.reactive.get(g.symbol)?.delete(g.id);
    c.held.delete(g.symbol, g.id);
    if (c.risk.length > 0) c.setExposure(g, 0, 0);
  }

  #onMarket(symbol: string, lastPx: DecimalLike, atrPx: DecimalLike | undefined): void {
    const { codec } = this.#info(symbol);
    // validate everything before storing anything
    const last = codec.approxTicks(lastPx, 'last');
    if (!Number.isFinite(last)) fail('last is out of range (not a finite price)', 'last', lastPx);
    if (!(last > 0)) fail('last must be > 0', 'last', lastPx);
    let atr: number | undefined;
    if (atrPx !== undefined) {
      atr = codec.approxTicks(atrPx, 'atr');
      if (!Number.isFinite(atr)) fail('atr is out of range (not a finite price)', 'atr', atrPx);
      if (!(atr >= 0)) fail('atr must be >= 0', 'atr', atrPx);
    }
    const c = this.#core;
    let m = c.market.get(symbol);
    if (m === undefined) {
      m = { lastTicks: null, atrTicks: null };
      c.market.set(symbol, m);
    }
    m.lastTicks = last;
    if (atr !== undefined) m.atrTicks = atr;
    const set = c.reactive.get(symbol);
    if (set !== undefined) {
      for (const id of set) {
        const g = c.groups.get(id)!;
        if (g.phase !== 'working') continue;
        if (this.#onMarketGroup(g, last, m.atrTicks)) reconcile(c, g);
      }
    }
    // legs held back by a check are re-evaluated on market data: a stop held back because it is
    // through the market only once the last has crossed it (the index hands out only those)
    const due = c.held.due(symbol, last);
    for (let i = 0; i < due.length; i++) {
      const g = c.groups.get(due[i]!);
      if (g === undefined) continue;
      if (g.phase === 'working' && mayClear(g, last)) reconcile(c, g);
      else c.held.set(g.symbol, g.id, heldState(g));
    }
  }

  /** Trailing, break-even and ATR anchoring; returns whether a price moved. */
  #onMarketGroup(g: GroupRec, last: number, atr: number | null): boolean {
    const long = g.side === 'buy';
    const pos = g.position + g.entryFilled;
    let moved = false;
    if (
      atr !== null &&
      g.legs.some(
        (l) =>
          l.offset?.kind === 'atr' && (l.role === 'stop' ? l.stopTicks : l.priceTicks) === null,
      )
    ) {
      reanchor(this.#core, g);
      moved = true;
    }
    for (const l of g.legs) {
      if (l.role !== 'stop' || l.phase === 'done') continue;
      if (l.trailing !== null) {
        const before = { active: l.trailingActive, bestTicks: l.bestTicks, stopTicks: l.stopTicks };
        const s = trail(before, long, l.trailing.activationTicks, l.trailing.distance, last, atr);
        if (s !== before) {
          l.trailingActive = s.active;
          l.bestTicks = s.bestTicks;
          if (s.stopTicks !== l.stopTicks) {
            l.stopTicks = s.stopTicks;
            moved = true;
          }
        }
      }
      if (l.breakEven !== null && !l.breakEvenDone && pos > 0) {
        const notional = add(g.positionNotional, g.entryNotional);
        const s = breakEvenStop(
          long,
          l.breakEven.after,
          l.breakEven.plusTicks,
          notional,
          pos,
          last,
          atr,
        );
        if (s !== null) {
          l.breakEvenDone = true;
          if (tightens(long, l.stopTicks, s)) {
            l.stopTicks = s;
            moved = true;
          }
        }
      }
    }
    return moved;
  }

  // -------------------------------------------------------------------------------------------
  // venue events

  #onOrderEvent(e: OrderEvent): void {
    const c = this.#core;
    // the shape is checked before the order is looked up: a malformed event is malformed even
    // for an order this manager does not know
    if (e.type === 'fill' || e.type === 'trade-bust' || e.type === 'trade-correct')
      tradeIdOf(e.tradeId);
    const o = c.orders.get(idOf(e.orderId, 'orderId'));
    if (o === undefined) {
      c.note({ type: 'unknown-order', orderId: e.orderId });
      return;
    }
    const g = c.groups.get(o.groupId)!;
    const codec = c.info(g.symbol).codec;
    switch (e.type) {
      case 'accepted':
        if (o.phase === 'pending') o.phase = 'working';
        // an ack changes nothing in the ledger; only a rule on 'accepted' can act
        if (!c.fire(g, o.legIndex, 'accepted')) return;
        break;
      case 'fill': {
        const x = execution(codec, e.qty, e.price);
        if (!applyFill(c, g, o, e.tradeId, x.q, x.p)) return; // tradeId checked above
        break;
      }
      case 'trade-bust':
        if (!amendTrade(c, g, o, tradeIdOf(e.tradeId), null)) return;
        break;
      case 'trade-correct':
        if (!amendTrade(c, g, o, tradeIdOf(e.tradeId), execution(codec, e.qty, e.price))) return;
        break;
      case 'canceled':
      case 'expired':
      case 'rejected':
        if (o.phase === 'done') return; // late duplicate of a terminal event
        this.#onOrderEnd(g, o, e.type);
        break;
      case 'triggered':
        if (o.triggered) return;
        o.triggered = true;
        c.fire(g, o.legIndex, 'triggered');
        this.#onStopTriggered(g, o);
        break;
      case 'modified': {
        const lots = codec.lots(e.qty, 'qty');
        o.ackedQty = lots;
        const pm = o.pendingModifies;
        if (pm !== null) {
          o.ackedPriceTicks = pm[0] ?? null;
          o.ackedStopTicks = pm[1] ?? null;
          o.pendingModifies = pm.length > 2 ? pm.slice(2) : null;
        }
        if (o.phase === 'pending') o.phase = 'working';
        return; // nothing in the ledger changed
      }
      case 'cancel-rejected':
        // the order is no longer live at the venue (too late to cancel): it has ended; fills
        // still in flight are absorbed when they arrive
        if (o.phase === 'done') return;
        c.finishOrderFilled(g, o);
        break;
      case 'modify-rejected':
        if (o.phase === 'done') return;
        this.#onModifyRejected(g, o);
        break;
    }
    reconcile(c, g);
  }

  /**
   * A refused modify (FIX 35=9, CxlRejResponseTo=2): quantity and prices revert to what the venue
   * last acknowledged, and further changes go by cancel-replace (the reconciliation that follows
   * retries the move that way).
   */
  #onModifyRejected(g: GroupRec, o: OrderRec): void {
    const pm = o.pendingModifies;
    o.pendingModifies = pm !== null && pm.length > 2 ? pm.slice(2) : null;
    o.qty = Math.max(o.ackedQty, o.filled);
    o.priceTicks = o.ackedPriceTicks;
    o.stopTicks = o.ackedStopTicks;
    o.cancelReplaceOnly = true;
    if (o.filled >= o.qty) this.#core.finishOrderFilled(g, o);
  }

  #onStopTriggered(g: GroupRec, o: OrderRec): void {
    const l = g.legs[o.legIndex]!;
    if (l.role !== 'stop') return;
    // the triggered stop now carries R as a market order: the other exits stand down
    if (g.winnerLeg < 0) g.winnerLeg = o.legIndex;
    const nativeSpot = g.nativeList === 'intact' && this.#core.venue.nativeOco === 'spot-oco';
    for (let i = 0; i < g.legs.length; i++) {
      const s = g.legs[i]!;
      if (i === o.legIndex || !isExitRole(s.role) || s.role === 'close') continue;
      if (nativeSpot && s.orderId !== null) {
        const so = this.#core.orders.get(s.orderId)!;
        if (so.phase !== 'done') so.venueCancels = true;
      }
      this.#core.finishLeg(g, i);
    }
    if (nativeSpot) g.nativeList = 'broken';
  }

  #onOrderEnd(g: GroupRec, o: OrderRec, how: 'canceled' | 'expired' | 'rejected'): void {
    const c = this.#core;
    const l = g.legs[o.legIndex]!;
    const intent = o.cancelIntent;
    c.endOrder(g, o, how);
    if (l.orderId !== o.id) return; // replaced order, or the leg already moved on
    l.orderId = null;
    if (g.nativeList === 'intact' && isExitRole(l.role)) g.nativeList = 'broken';
    if (how === 'canceled' && intent === 'resize') {
      if (l.phase === 'working') l.phase = 'idle';
      return;
    }
    const unsolicited = how === 'canceled' && intent === 'none' && !o.triggered;
    if (unsolicited && l.role === 'stop' && g.policies.reprotect && g.cancelScope !== 'all') {
      if (l.phase === 'working') l.phase = 'idle'; // unsolicited venue cancel of a waiting stop: re-protect
      return;
    }
    // a rejected or expired stop, or a triggered stop the venue ended unfilled, is not re-sent
    // (that would loop): the reconciliation reports the position unprotected
    if (l.phase !== 'done') {
      l.phase = 'done';
      c.fire(g, o.legIndex, 'canceled');
    }
  }
}
