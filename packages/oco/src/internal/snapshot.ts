/**
 * Snapshot formats: version 3 (current) and the migration from version 2.
 *
 * Version 3 is plain JSON of the state records (`records.ts`) with two encodings:
 * - exact amounts (notionals, off-grid fill prices) are a number when they are a safe integer and
 *   an exact decimal string otherwise;
 * - an order's fills are `[tradeId, lots, priceTicks, busted]` tuples (`busted` 0 or 1).
 *
 * Version 2 (before the records got domain names) is migrated field by field (see
 * {@link migrateV2}); what version 2 did not record is filled in conservatively:
 * - acknowledged prices are taken to be the commanded ones (no modify is in flight);
 * - the size and price of each fill were not recorded: an order with one fill gets them from its
 *   totals, otherwise the fills keep their trade ids with an unknown size (`lots: -1`): a repeated
 *   trade id is still a duplicate, and a bust or correction of such a fill is reported;
 * - the new policy `stopThroughMarket` takes its default, `wait`.
 */
import { ValidationError } from '@x/core';
import { DEFAULT_POLICIES, type GroupPolicies } from '../types.js';
import { canon, type Exact, fromJson, toJson, toXDec } from './exact.js';
import type {
  CancelIntent,
  CancelScope,
  FillRec,
  GroupRec,
  LegRec,
  MarketRec,
  NativeListState,
  OffsetRec,
  OrderPhase,
  OrderRec,
} from './records.js';

/** The current snapshot format version. */
export const SNAPSHOT_VERSION = 3;

/** The stored state, as records. */
export interface StateRecords {
  readonly groups: GroupRec[];
  readonly orders: OrderRec[];
  readonly market: [string, MarketRec][];
}

type Json = Record<string, unknown>;

function exactFields<T extends object>(r: T, keys: readonly string[], f: (v: never) => unknown): T {
  const out = { ...r } as Record<string, unknown>;
  for (const k of keys) out[k] = f(out[k] as never);
  return out as T;
}

const GROUP_EXACT = ['positionNotional', 'entryNotional', 'exitNotional'] as const;

/** Writes the records as a version-3 snapshot body (deep copy, JSON-safe). */
export function writeSnapshot(s: StateRecords): {
  groups: Json[];
  orders: Json[];
  market: [string, MarketRec][];
} {
  return {
    groups: s.groups.map((g) => {
      const out = exactFields(g, GROUP_EXACT, toJson) as unknown as Json;
      out.legs = g.legs.map((l) => structuredClone({ ...l, notional: toJson(l.notional) }));
      out.rules = g.rules.map((r) => ({ ...r }));
      out.policies = { ...g.policies };
      return out;
    }),
    orders: s.orders.map((o) => ({
      ...o,
      notional: toJson(o.notional),
      pendingModifies: o.pendingModifies === null ? null : [...o.pendingModifies],
      fills: o.fills.map((f) => [f.tradeId, f.lots, toJson(f.priceTicks), f.busted ? 1 : 0]),
    })),
    market: s.market.map(([k, m]) => [k, { ...m }]),
  };
}

/** Reads a version-3 snapshot body back into records. */
export function readSnapshot(body: {
  groups: unknown[];
  orders: unknown[];
  market: unknown[];
}): StateRecords {
  const groups = body.groups.map((x) => {
    const g = structuredClone(x) as Json;
    for (const k of GROUP_EXACT) g[k] = fromJson(g[k] as number | string);
    for (const l of g.legs as Json[]) l.notional = fromJson(l.notional as number | string);
    return g as unknown as GroupRec;
  });
  const orders = body.orders.map((x) => {
    const o = structuredClone(x) as Json;
    o.notional = fromJson(o.notional as number | string);
    o.fills = (o.fills as [string, number, number | string, number][]).map(
      ([tradeId, lots, p, b]): FillRec => ({
        tradeId,
        lots,
        priceTicks: fromJson(p),
        busted: b === 1,
      }),
    );
    return o as unknown as OrderRec;
  });
  const market = structuredClone(body.market) as [string, MarketRec][];
  return { groups, orders, market };
}

const PHASE_V2: readonly OrderPhase[] = ['pending', 'working', 'done'];
const SCOPE_V2: readonly CancelScope[] = ['none', 'entries', 'all'];
const NATIVE_V2: readonly NativeListState[] = ['none', 'intact', 'broken'];

function offsetV2(o: { kind: OffsetRec['kind']; v: string } | null): OffsetRec | null {
  return o === null ? null : { kind: o.kind, amount: o.v };
}

function legV2(l: Json): LegRec {
  const trail = l.trail as {
    dist: { kind: OffsetRec['kind']; v: string };
    act: number | null;
  } | null;
  const be = l.be as { after: { kind: OffsetRec['kind']; v: string }; plus: number } | null;
  return {
    id: l.id as string,
    role: l.role as LegRec['role'],
    side: l.side as LegRec['side'],
    orderType: l.type as LegRec['orderType'],
    timeInForce: l.tif as LegRec['timeInForce'],
    expireAtMs: null,
    postOnly: l.post as boolean,
    qty: l.qty as number,
    originalQty: l.orig as number,
    priceTicks: l.price as number | null,
    stopTicks: l.stop as number | null,
    offset: offsetV2(l.offset as never),
    weight: l.weight as number,
    trailing:
      trail === null ? null : { distance: offsetV2(trail.dist)!, activationTicks: trail.act },
    breakEven: be === null ? null : { after: offsetV2(be.after)!, plusTicks: be.plus },
    phase: l.st === 'active' ? 'working' : (l.st as LegRec['phase']),
    orderId: l.cur as string | null,
    ordersSent: l.n as number,
    filled: l.filled as number,
    notional: fromJson(l.notional as number),
    fired: l.fired as number,
    trailingActive: l.trailOn as boolean,
    bestTicks: l.best as number | null,
    breakEvenDone: l.beDone as boolean,
    lastDenial: l.denied as string,
  };
}

function groupV2(g: Json): GroupRec {
  const rules = g.rules as { on: number; when: never; action: never; target: number }[];
  return {
    id: g.id as string,
    symbol: g.sym as string,
    side: g.side as GroupRec['side'],
    legs: (g.legs as Json[]).map(legV2),
    rules: rules.map((r) => ({ onLeg: r.on, when: r.when, action: r.action, targetLeg: r.target })),
    policies: { ...DEFAULT_POLICIES, ...(g.pol as Partial<GroupPolicies>) },
    position: g.base as number,
    positionNotional: fromJson(g.baseN as number),
    entryFilled: g.eF as number,
    entryNotional: fromJson(g.eN as number),
    exitFilled: g.xF as number,
    exitNotional: fromJson(g.xN as number),
    phase: g.st as GroupRec['phase'],
    cancelScope: SCOPE_V2[g.scope as number]!,
    nativeList: NATIVE_V2[g.native as number]!,
    winnerLeg: g.winner as number,
    overfillReported: g.ovf as number,
    dustReported: g.dust as number,
    unprotectedReported: g.unprot as number,
    liveOrders: g.live as number,
    hasEntries: g.hasEntries as boolean,
  };
}

function orderV2(o: Json): OrderRec {
  const trades = o.trades as string[];
  const notional: Exact = fromJson(o.notional as number);
  const filled = o.filled as number;
  const fills: FillRec[] = trades.map((tradeId) =>
    trades.length === 1 && filled > 0
      ? { tradeId, lots: filled, priceTicks: unitPrice(notional, filled), busted: false }
      : { tradeId, lots: -1, priceTicks: 0, busted: false },
  );
  const why = o.why as string;
  return {
    id: o.id as string,
    groupId: o.g as string,
    legIndex: o.leg as number,
    qty: o.qty as number,
    ackedQty: o.ack as number,
    ackedPriceTicks: o.price as number | null,
    ackedStopTicks: o.stop as number | null,
    pendingModifies: null,
    filled,
    notional,
    priceTicks: o.price as number | null,
    stopTicks: o.stop as number | null,
    phase: PHASE_V2[o.st as number]!,
    cancelIntent: (why === '' ? 'none' : why) as CancelIntent,
    venueCancels: o.expect as boolean,
    triggered: o.trig as boolean,
    cancelReplaceOnly: o.noModify as boolean,
    overfillReported: o.ovf as number,
    fills,
    endedAs: o.end as string,
  };
}

/** notional / lots for a single fill: its exact price in ticks. */
function unitPrice(notional: Exact, lots: number): Exact {
  return canon(toXDec(notional).div(lots));
}

/**
 * Migrates a version-2 snapshot (field names `g`, `eF`, `xN`, `st`, `why`, `ovf`...) to records.
 * @throws `ValidationError` when it is not a well-formed version-2 snapshot
 */
export function migrateV2(snap: Json): StateRecords {
  try {
    return {
      groups: (snap.groups as Json[]).map(groupV2),
      orders: (snap.orders as Json[]).map(orderV2),
      market: (snap.market as [string, { last: number | null; atr: number | null }][]).map(
        ([k, m]) => [k, { lastTicks: m.last, atrTicks: m.atr }],
      ),
    };
  } catch (cause) {
    throw new ValidationError('malformed version 2 snapshot', {
      field: 'snapshot',
      value: 2,
      cause,
    });
  }
}
