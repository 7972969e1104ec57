/**
 * The ledger side of executions: applying a fill exactly (on or off the grid, beyond 2^53),
 * idempotence by trade id with conflict detection, trade busts and corrections, the rules that
 * act on every fill, and what an exit fill does to its siblings (natively or emulated).
 *
 * Every function here validates before it mutates: a caller that throws leaves the state as it was.
 */
import { ValidationError } from '@x/core';
import type { ManagerCore } from './core.js';
import { add, type Exact, eq, mul, sub } from './exact.js';
import { mirroredReduction } from './native.js';
import { reanchor } from './reconcile.js';
import { type FillRec, type GroupRec, isExitRole, type OrderRec } from './records.js';
import { mulDivFloor } from './sizing.js';

/** Orders with more fills than this get a trade-id index (derived, rebuilt lazily). */
const INDEX_AFTER = 16;

/** A validated trade id. */
export function tradeIdOf(v: unknown): string {
  if (typeof v !== 'string' || v.length === 0) {
    throw new ValidationError('a fill needs a non-empty tradeId (it makes fills idempotent)', {
      field: 'tradeId',
      value: v,
    });
  }
  return v;
}

/** The order's fill with this trade id, or undefined. */
function findFill(core: ManagerCore, o: OrderRec, tradeId: string): FillRec | undefined {
  const f = o.fills;
  if (f.length <= INDEX_AFTER) {
    for (let i = 0; i < f.length; i++) if (f[i]!.tradeId === tradeId) return f[i];
    return undefined;
  }
  let idx = core.tradeIndex.get(o.id);
  if (idx === undefined) {
    idx = new Map();
    for (let i = 0; i < f.length; i++) idx.set(f[i]!.tradeId, i);
    core.tradeIndex.set(o.id, idx);
  }
  const i = idx.get(tradeId);
  return i === undefined ? undefined : f[i];
}

/** Adds (sign 1) or removes (sign −1) an execution's quantity and notional everywhere. */
function book(g: GroupRec, o: OrderRec, q: number, n: Exact, sign: 1 | -1): void {
  const l = g.legs[o.legIndex]!;
  const exit = isExitRole(l.role);
  const f = sign === 1 ? add : sub;
  o.filled += sign * q;
  o.notional = f(o.notional, n);
  l.filled += sign * q;
  l.notional = f(l.notional, n);
  if (l.role === 'entry') {
    g.entryFilled += sign * q;
    g.entryNotional = f(g.entryNotional, n);
  } else if (exit) {
    g.exitFilled += sign * q;
    g.exitNotional = f(g.exitNotional, n);
  }
}

function checkRange(g: GroupRec, o: OrderRec, q: number): void {
  const l = g.legs[o.legIndex]!;
  const total = l.role === 'entry' ? g.entryFilled : isExitRole(l.role) ? g.exitFilled : 0;
  if (!Number.isSafeInteger(total + q + g.position) || !Number.isSafeInteger(l.filled + q)) {
    throw new ValidationError('fill quantity exceeds the exact range (2^53 lots)', {
      field: 'qty',
      value: q,
    });
  }
}

/**
 * Applies a new execution (its quantity and price already validated). Returns false for a
 * duplicate (a no-op) or a conflicting reuse of a trade id (reported, ignored).
 */
export function applyFill(
  core: ManagerCore,
  g: GroupRec,
  o: OrderRec,
  tradeId: string,
  q: number,
  p: Exact,
): boolean {
  const seen = findFill(core, o, tradeId);
  if (seen !== undefined) {
    // lots < 0: a fill restored from a version-2 snapshot, whose size was not recorded
    if (seen.busted || seen.lots < 0 || (seen.lots === q && eq(seen.priceTicks, p))) return false;
    core.note({
      type: 'trade-conflict',
      groupId: g.id,
      orderId: o.id,
      tradeId,
      reason: 'trade id reused with a different price or quantity',
    });
    return false;
  }
  checkRange(g, o, q);
  const n = mul(p, q);
  o.fills.push({ tradeId, lots: q, priceTicks: p, busted: false });
  core.tradeIndex.get(o.id)?.set(tradeId, o.fills.length - 1);
  book(g, o, q, n, 1);
  afterFill(core, g, o, q);
  return true;
}

/**
 * Busts (`qty` null) or corrects an execution. Returns false (with a notice) when the order has
 * no such live trade.
 */
export function amendTrade(
  core: ManagerCore,
  g: GroupRec,
  o: OrderRec,
  tradeId: string,
  correction: { q: number; p: Exact } | null,
): boolean {
  const f = findFill(core, o, tradeId);
  if (f === undefined || f.busted || f.lots < 0) {
    core.note({
      type: 'trade-conflict',
      groupId: g.id,
      orderId: o.id,
      tradeId,
      reason:
        f === undefined
          ? 'no fill with this trade id'
          : f.busted
            ? 'the trade was already busted'
            : 'the fill size is unknown (restored from a version 2 snapshot)',
    });
    return false;
  }
  if (correction !== null) checkRange(g, o, Math.max(0, correction.q - f.lots));
  book(g, o, f.lots, mul(f.priceTicks, f.lots), -1);
  if (correction === null) f.busted = true;
  else {
    f.lots = correction.q;
    f.priceTicks = correction.p;
    book(g, o, correction.q, mul(correction.p, correction.q), 1);
  }
  if (g.phase === 'done') g.phase = 'working';
  const l = g.legs[o.legIndex]!;
  if (l.role === 'entry') reanchor(core, g);
  return true;
}

function afterFill(core: ManagerCore, g: GroupRec, o: OrderRec, q: number): void {
  const l = g.legs[o.legIndex]!;
  const exit = isExitRole(l.role);
  if (o.phase === 'pending') o.phase = 'working';
  if (o.filled > o.qty && o.filled - o.qty > o.overfillReported) {
    o.overfillReported = o.filled - o.qty;
    core.note({
      type: 'overfill',
      groupId: g.id,
      orderId: o.id,
      qty: core.info(g.symbol).inst.lotSize.times(o.overfillReported),
    });
  }
  if (g.phase === 'done') g.phase = 'working'; // a late fill is real: the group acts on it again
  core.fire(g, o.legIndex, 'partially-filled');
  // reduce rules act on every fill of their trigger leg
  for (const r of g.rules) {
    if (r.onLeg !== o.legIndex) continue;
    const t = g.legs[r.targetLeg]!;
    if (r.action === 'reduce-absolute') t.qty = Math.max(t.filled, t.qty - q);
    else if (r.action === 'reduce-proportional' && l.originalQty > 0) {
      const left = Math.max(0, l.originalQty - l.filled);
      t.qty = Math.max(t.filled, Math.min(t.qty, mulDivFloor(t.originalQty, left, l.originalQty)));
    }
  }
  if (exit) onExitFill(core, g, o, q);
  if (o.phase !== 'done' && o.filled >= o.qty) {
    const current = l.orderId === o.id;
    core.endOrder(g, o, 'filled');
    if (current) {
      l.orderId = null;
      if (l.phase === 'working') l.phase = 'idle';
      if (exit) core.fire(g, o.legIndex, 'filled');
    }
  }
  if ((l.role === 'entry' || l.role === 'free') && l.filled >= l.qty) {
    if (l.phase !== 'done') core.finishLeg(g, o.legIndex, false);
    core.fire(g, o.legIndex, 'filled');
  }
  if (l.role === 'entry') reanchor(core, g);
}

/** What an exit fill does to the other exits: the venue's native list, or policy `cancel`. */
function onExitFill(core: ManagerCore, g: GroupRec, o: OrderRec, q: number): void {
  if (g.nativeList === 'intact') {
    const mode = core.venue.nativeOco;
    for (let i = 0; i < g.legs.length; i++) {
      const s = g.legs[i]!;
      if (i === o.legIndex || !isExitRole(s.role) || s.orderId === null) continue;
      const so = core.orders.get(s.orderId)!;
      if (so.phase === 'done') continue;
      if (mode === 'oca-reduce') {
        so.qty = mirroredReduction(o, q, so);
        so.ackedQty = so.qty;
      } else if (
        mode === 'oca-cancel' ||
        (mode === 'spot-oco' && g.legs[o.legIndex]!.role === 'target')
      ) {
        // the venue cancels it; we send our own cancel too (idempotent: at worst the venue
        // answers cancel-rejected), so nothing hangs if the venue did not have it yet
        so.venueCancels = true;
        if (so.cancelIntent === 'none') {
          const reprotect =
            g.policies.exitSiblingOnFill === 'reduce' && g.policies.reprotect && s.role === 'stop';
          core.cancel(g, so, reprotect ? 'resize' : 'final');
        }
        g.nativeList = 'broken';
      }
    }
  }
  if (g.policies.exitSiblingOnFill === 'cancel' && g.winnerLeg < 0) {
    g.winnerLeg = o.legIndex;
    for (let i = 0; i < g.legs.length; i++) {
      const s = g.legs[i]!;
      if (i !== o.legIndex && isExitRole(s.role) && s.role !== 'close') core.finishLeg(g, i);
    }
  }
}
