/**
 * Spec compilation: a {@link GroupSpec} validated completely and turned into a group record (leg
 * indices, integer grid units, policies resolved). Nothing is stored until the whole spec passed.
 */
import {
  assertFinite,
  assertInteger,
  assertKnownKeys,
  assertNonEmptyString,
  assertNonNegative,
  assertObject,
  assertOneOf,
  failValidation as fail,
  type Side,
  type TimeInForce,
} from '@x/core';
import type { ContingencyRule, GroupPolicies, GroupSpec, LegSpec, PriceOffset } from '../types.js';
import { mul } from './exact.js';
import {
  type GroupRec,
  isExitRole,
  type LegRec,
  newLeg,
  type OffsetRec,
  type RuleRec,
} from './records.js';
import { type GridCodec, strictDecimal } from './units.js';

const ROLES = ['entry', 'stop', 'target', 'free'] as const;
const TYPES = ['market', 'limit', 'stop', 'stop-limit'] as const;
const TIFS = ['GTC', 'IOC', 'FOK', 'GTD', 'DAY'] as const satisfies readonly TimeInForce[];
const SIDES = ['buy', 'sell'] as const satisfies readonly Side[];
const TRIGGERS = ['accepted', 'partially-filled', 'filled', 'canceled', 'triggered'] as const;
const ACTIONS = ['release', 'cancel', 'reduce-absolute', 'reduce-proportional'] as const;
const POLICY_VALUES: Readonly<Record<keyof GroupPolicies, readonly unknown[]>> = {
  otoTrigger: ['partial', 'full'],
  exitSiblingOnFill: ['reduce', 'cancel'],
  parentCancel: ['keep-filled', 'cancel-all'],
  dust: ['flag', 'close'],
  reprotect: [true, false],
  stopThroughMarket: ['wait', 'send'],
};
const POLICY_NAMES = Object.keys(POLICY_VALUES);

/**
 * Resolves policies over defaults, checking every value.
 * @throws `ValidationError` for an unknown policy or value
 */
export function resolvePolicies(
  base: GroupPolicies,
  over: Partial<GroupPolicies> | undefined,
): GroupPolicies {
  if (over === undefined) return base;
  assertKnownKeys(over, POLICY_NAMES, 'policies');
  for (const [k, v] of Object.entries(over)) {
    const allowed = POLICY_VALUES[k as keyof GroupPolicies];
    if (v !== undefined && !allowed.includes(v))
      fail(`policy ${k} must be one of ${allowed.join(', ')}`, `policies.${k}`, v);
  }
  const out = { ...base };
  for (const [k, v] of Object.entries(over))
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

function nonNegInt(v: unknown, field: string): number {
  assertInteger(v as number, field, 0);
  return v as number;
}

function nonNegNumber(v: unknown, field: string): string {
  assertNonNegative(v as number, field);
  return String(v);
}

/** An offset in its stored form (price offsets converted to ticks, which must be whole). */
function compileOffset(o: PriceOffset, codec: GridCodec, field: string): OffsetRec {
  assertObject(o, field);
  switch (o.kind) {
    case 'price': {
      const d = strictDecimal(o.value, field);
      if (d.lt(0)) fail(`${field} must be >= 0`, field, o.value);
      // a price distance may be a fraction of a tick: exits round it to the safe side
      return { kind: 'ticks', amount: d.div(codec.inst.tickSize.toString()).toFixed() };
    }
    case 'ticks':
      return { kind: 'ticks', amount: String(nonNegInt(o.value, field)) };
    case 'bps':
      return { kind: 'bps', amount: nonNegNumber(o.value, field) };
    case 'atr':
      return { kind: 'atr', amount: nonNegNumber(o.multiple, field) };
    default:
      return fail(`unknown offset kind '${String((o as { kind: unknown }).kind)}'`, field, o);
  }
}

function positivePrice(codec: GridCodec, v: unknown, field: string): number | null {
  if (v === undefined) return null;
  const t = codec.ticks(v as string, field);
  if (t <= 0) fail(`${field} must be > 0`, field, v);
  return t;
}

function compileLeg(ls: LegSpec, spec: GroupSpec, codec: GridCodec): LegRec {
  assertObject(ls, 'legs');
  assertNonEmptyString(ls.id, 'leg id');
  assertOneOf(ls.role, ROLES, 'role');
  assertOneOf(ls.type, TYPES, 'type');
  const exit = isExitRole(ls.role);
  if (ls.role === 'free' && ls.side !== 'buy' && ls.side !== 'sell')
    fail('free legs need a side (buy or sell)', 'side', ls.id);
  let qty = 0;
  if (!exit) {
    if (ls.qty === undefined) fail(`leg '${ls.id}' needs a qty`, 'qty', ls.id);
    qty = codec.lots(ls.qty, 'qty');
    if (qty <= 0) fail('qty must be > 0', 'qty', ls.qty);
  }
  const price = positivePrice(codec, ls.price, 'price');
  const stop = positivePrice(codec, ls.stopPrice, 'stopPrice');
  const needsPrice = ls.type === 'limit' || ls.type === 'stop-limit';
  const needsStop = ls.type === 'stop' || ls.type === 'stop-limit';
  const anchored = ls.offset !== undefined;
  if (anchored && !exit) fail('only exits can be anchored by offset', 'offset', ls.id);
  if (anchored && ls.type !== 'stop' && ls.type !== 'limit')
    fail('anchored exits must be stop or limit orders', 'type', ls.id);
  if (needsPrice && price === null && !anchored)
    fail(`leg '${ls.id}' needs a price`, 'price', ls.id);
  if (needsStop && stop === null && !anchored && ls.trailing === undefined)
    fail(`leg '${ls.id}' needs a stopPrice`, 'stopPrice', ls.id);
  if ((ls.trailing !== undefined || ls.breakEven !== undefined) && ls.role !== 'stop')
    fail('trailing and break-even apply to stops', 'trailing', ls.id);
  const weight = ls.weight ?? 1;
  assertInteger(weight, 'weight', 1);
  const tif = ls.timeInForce ?? 'GTC';
  assertOneOf(tif, TIFS, 'timeInForce');
  let expireAtMs: number | null = null;
  if (tif === 'GTD') {
    if (ls.expireAtMs === undefined) fail('GTD needs expireAtMs', 'expireAtMs', ls.expireAtMs);
    assertFinite(ls.expireAtMs, 'expireAtMs');
    expireAtMs = ls.expireAtMs;
  } else if (ls.expireAtMs !== undefined)
    fail('expireAtMs needs timeInForce GTD', 'expireAtMs', ls.expireAtMs);
  const exitSide: Side = spec.side === 'buy' ? 'sell' : 'buy';
  const tr = ls.trailing;
  const be = ls.breakEven;
  return newLeg({
    id: ls.id,
    role: ls.role,
    side: ls.role === 'entry' ? spec.side : exit ? exitSide : (ls.side as Side),
    orderType: ls.type,
    timeInForce: tif,
    expireAtMs,
    postOnly: ls.postOnly ?? false,
    qty,
    priceTicks: price,
    stopTicks: stop,
    offset: ls.offset === undefined ? null : compileOffset(ls.offset, codec, 'offset'),
    weight,
    trailing:
      tr === undefined
        ? null
        : {
            distance: compileOffset(tr.distance, codec, 'trailing.distance'),
            activationTicks: positivePrice(codec, tr.activation, 'trailing.activation'),
          },
    breakEven:
      be === undefined
        ? null
        : {
            after: compileOffset(be.after, codec, 'breakEven.after'),
            plusTicks: be.plusTicks === undefined ? 0 : nonNegInt(be.plusTicks, 'plusTicks'),
          },
  });
}

function compileRules(spec: GroupSpec, ids: Map<string, number>, legs: LegRec[]): RuleRec[] {
  const rules: RuleRec[] = [];
  for (const r of spec.rules ?? ([] as readonly ContingencyRule[])) {
    const on = ids.get(r.on);
    const target = ids.get(r.target);
    if (on === undefined) fail(`rule names unknown leg '${r.on}'`, 'rules', r.on);
    if (target === undefined) fail(`rule names unknown leg '${r.target}'`, 'rules', r.target);
    if (on === target) fail('a rule cannot target its own leg', 'rules', r.on);
    assertOneOf(r.when, TRIGGERS, 'rules.when');
    assertOneOf(r.action, ACTIONS, 'rules.action');
    if (isExitRole(legs[target]!.role))
      fail('exits are driven by the ledger; rules target entry or free legs', 'rules', r.target);
    if (
      (r.action === 'reduce-absolute' || r.action === 'reduce-proportional') &&
      r.when !== 'partially-filled'
    )
      fail('reduce rules fire on every fill: use when "partially-filled"', 'rules', r.when);
    rules.push({ onLeg: on, when: r.when, action: r.action, targetLeg: target });
  }
  return rules;
}

/**
 * Fixed exit prices must sit on the protective side of every entry's price (and of the position
 * price): a long's stop below and its target above, as broker bracket APIs require. An exit on the
 * wrong side would execute at once at a loss.
 */
function checkExitSides(spec: GroupSpec, legs: readonly LegRec[], refs: readonly number[]): void {
  const long = spec.side === 'buy';
  for (const l of legs) {
    if (l.offset !== null || (l.role !== 'stop' && l.role !== 'target')) continue;
    const px = l.role === 'stop' ? l.stopTicks : l.priceTicks;
    if (px === null) continue;
    for (const ref of refs) {
      const below = long === (l.role === 'stop');
      if (below ? px >= ref : px <= ref) {
        fail(
          `${l.role} '${l.id}' is on the wrong side of the entry: a ${long ? 'long' : 'short'}'s ${l.role} must be ${below ? 'below' : 'above'} it`,
          l.role === 'stop' ? 'stopPrice' : 'price',
          l.id,
        );
      }
    }
  }
}

/**
 * Compiles and validates a group spec.
 * @param spec - the spec
 * @param codec - the instrument's grid codec
 * @param defaults - the manager's default policies
 * @returns the group record (not yet stored)
 * @throws `ValidationError` for any invalid part
 */
export function compileGroup(spec: GroupSpec, codec: GridCodec, defaults: GroupPolicies): GroupRec {
  assertObject(spec, 'spec');
  assertNonEmptyString(spec.id, 'id');
  assertOneOf(spec.side, SIDES, 'side');
  if (!Array.isArray(spec.legs) || spec.legs.length === 0)
    fail('a group needs legs', 'legs', spec.legs);
  const ids = new Map<string, number>();
  const legs: LegRec[] = [];
  for (const ls of spec.legs) {
    const leg = compileLeg(ls, spec, codec);
    if (ids.has(leg.id)) fail(`duplicate leg id '${leg.id}'`, 'legs', leg.id);
    ids.set(leg.id, legs.length);
    legs.push(leg);
  }
  const hasEntries = legs.some((l) => l.role === 'entry');
  const hasExits = legs.some((l) => isExitRole(l.role));
  const free = legs.filter((l) => l.role === 'free').length;
  if (
    free > 0 &&
    free === legs.length &&
    spec.rules !== undefined &&
    spec.rules.length > 0 &&
    free < 2
  )
    fail('a contingency between orders needs at least two orders', 'legs', free);
  const rules = compileRules(spec, ids, legs);
  const position = spec.position === undefined ? 0 : codec.lots(spec.position, 'position');
  if (position < 0) fail('position must be >= 0', 'position', spec.position);
  if (position > 0 && hasEntries)
    fail('a group has either a position or entries', 'position', spec.position);
  if (position === 0 && hasExits && !hasEntries)
    fail('exits need entries or a position', 'position', 0);
  const basePx = positivePrice(codec, spec.positionPrice, 'positionPrice');
  if (
    position > 0 &&
    basePx === null &&
    legs.some((l) => l.offset !== null || l.breakEven !== null)
  )
    fail('positionPrice is required for anchored exits', 'positionPrice', undefined);
  const refs: number[] = [];
  for (const l of legs) {
    if (l.role !== 'entry') continue;
    const ref = l.orderType === 'stop' || l.orderType === 'stop-limit' ? l.stopTicks : l.priceTicks;
    if (ref !== null) refs.push(ref);
  }
  if (basePx !== null) refs.push(basePx);
  checkExitSides(spec, legs, refs);
  const policies = resolvePolicies(defaults, spec.policies);
  for (const r of rules) if (r.action === 'release') legs[r.targetLeg]!.phase = 'held';
  // exits of a group with entries wait for the OTO policy
  if (hasEntries) for (const l of legs) if (isExitRole(l.role)) l.phase = 'held';
  return {
    id: spec.id,
    symbol: spec.symbol,
    side: spec.side,
    legs,
    rules,
    policies,
    position,
    positionNotional: basePx === null ? 0 : mul(position, basePx),
    entryFilled: 0,
    entryNotional: 0,
    exitFilled: 0,
    exitNotional: 0,
    phase: 'working',
    cancelScope: 'none',
    nativeList: 'none',
    winnerLeg: -1,
    overfillReported: 0,
    dustReported: 0,
    unprotectedReported: 0,
    liveOrders: 0,
    hasEntries,
  };
}
