/**
 * Reconciliation: brings a group's orders in line with its ledger and policies (entries, the OTO
 * release of exits, exit sizing by the ledger rule, native lists, dust) and reports every state
 * in which an open position has no working stop.
 */

import { heldState, type ManagerCore } from './core.js';
import { add } from './exact.js';
import { nativeList, ocoPricesOk } from './native.js';
import {
  closeLeg,
  type GroupRec,
  isExitRole,
  legLimit,
  legStop,
  openRemainder,
} from './records.js';
import { anchoredPrice } from './reprice.js';
import { dropReason, isDust, plannedShare, releaseOf } from './sizing.js';

/** Re-anchors offset exits to the weighted average entry. */
export function reanchor(core: ManagerCore, g: GroupRec): void {
  const pos = g.position + g.entryFilled;
  if (pos <= 0) return;
  const m = core.market.get(g.symbol);
  const atr = m === undefined ? null : m.atrTicks;
  const long = g.side === 'buy';
  const notional = add(g.positionNotional, g.entryNotional);
  for (const l of g.legs) {
    if (l.offset === null || l.phase === 'done') continue;
    const px = anchoredPrice(l.offset, notional, pos, atr, long, l.role === 'stop');
    if (px === null || px <= 0) continue;
    if (l.role === 'stop') {
      // never loosen a stop that trailing or break-even has tightened
      const tightened = l.trailingActive || l.breakEvenDone;
      if (l.stopTicks !== null && tightened && (long ? px < l.stopTicks : px > l.stopTicks))
        continue;
      l.stopTicks = px;
    } else l.priceTicks = px;
  }
}

/** Brings the group's orders in line with its ledger and policies. */
export function reconcile(core: ManagerCore, g: GroupRec): void {
  const legs = g.legs;
  const r = openRemainder(g);
  const info = core.info(g.symbol);
  if (r < 0 && -r > g.overfillReported) {
    g.overfillReported = -r;
    core.note({
      type: 'overfill',
      groupId: g.id,
      orderId: undefined,
      qty: info.inst.lotSize.times(-r),
    });
  }
  let entriesLive = false;
  let entriesOpen = 0;
  let entryTarget = 0;
  for (let i = 0; i < legs.length; i++) {
    const l = legs[i]!;
    if (l.role !== 'entry' && l.role !== 'free') continue;
    if (l.role === 'entry') entryTarget += l.qty;
    if (l.phase === 'done' || l.phase === 'held') {
      if (l.phase === 'held' && l.role === 'entry') entriesLive = true;
      continue;
    }
    const want = l.qty - l.filled;
    if (want <= 0) {
      core.finishLeg(g, i, false);
      continue;
    }
    if (l.role === 'entry') {
      entriesLive = true;
      entriesOpen += want;
    }
    sizeLeg(core, g, i, want, r, entriesOpen);
  }
  let dropCause: string | null = null;
  if (g.hasEntries) {
    const { decision, cause } = releaseOf(
      g.cancelScope === 'all',
      !entriesLive,
      g.entryFilled >= entryTarget,
      g.entryFilled > 0,
      g.policies,
    );
    if (decision !== 'wait') {
      for (let i = 0; i < legs.length; i++) {
        const l = legs[i]!;
        if (!isExitRole(l.role)) continue;
        if (decision === 'release') {
          if (l.phase === 'held') l.phase = 'idle';
        } else core.finishLeg(g, i); // held, idle or working: the exits end
      }
      if (cause !== null) dropCause = dropReason(cause);
    }
  }
  const pos = g.position + g.entryFilled;
  sizeExits(core, g, r, pos);
  protect(core, g, r, dropCause);
  if (core.risk.length > 0) core.setExposure(g, Math.max(0, r) + entriesOpen, core.exposureRef(g));
  if (g.liveOrders === 0 && g.phase === 'working') {
    g.phase = 'done';
    core.note({ type: 'group-done', groupId: g.id, openQty: info.inst.lotSize.times(r) });
  }
  core.held.set(g.symbol, g.id, heldState(g));
}

function sizeExits(core: ManagerCore, g: GroupRec, r: number, pos: number): void {
  const legs = g.legs;
  const info = core.info(g.symbol);
  let weightTotal = 0;
  let anyExit = false;
  for (const l of legs) {
    if (!isExitRole(l.role)) continue;
    anyExit = true;
    if (l.role === 'target') weightTotal += l.weight;
  }
  if (!anyExit) return;
  const rp = Math.max(r, 0);
  const inst = info.inst;
  const dust =
    rp > 0 &&
    isDust(
      rp,
      info.minLots,
      inst.minNotional,
      info.tickLot,
      add(g.positionNotional, g.entryNotional),
      pos,
    );
  if (dust && g.dustReported !== rp) {
    g.dustReported = rp;
    core.note({ type: 'dust', groupId: g.id, qty: inst.lotSize.times(rp) });
    if (
      g.policies.dust === 'close' &&
      g.cancelScope !== 'all' &&
      !legs.some((l) => l.role === 'close')
    ) {
      legs.push(closeLeg(g));
    }
  }
  let pair: number[] | null = null;
  if (g.nativeList === 'none' && g.exitFilled === 0) {
    pair = nativeList(core.venue, g, core.orders);
    if (pair !== null) {
      let ok = !dust && ocoPricesOk(core.venue, g, pair, core.lastTicks(g.symbol));
      for (const k of pair) if (legs[k]!.phase !== 'idle' || legs[k]!.ordersSent !== 0) ok = false;
      if (ok) g.nativeList = 'intact';
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
      const planned = plannedShare(cum, l.weight, weightTotal, pos);
      cum += l.weight;
      d = Math.min(Math.max(0, planned - l.filled), targetBudget);
      if (g.winnerLeg === i) d = rp;
      if (l.phase !== 'done' && l.phase !== 'held') targetBudget -= d;
    } else if (l.role === 'stop') d = rp;
    else d = dust ? rp : 0;
    if (dust && l.role !== 'close') d = 0;
    if (g.cancelScope === 'all') d = 0;
    if (l.phase === 'done' || l.phase === 'held') continue;
    sizeLeg(core, g, i, d, r, 0);
  }
  if (pair !== null) for (const k of pair) if (legs[k]!.orderId === null) g.nativeList = 'broken';
}

/**
 * Every state in which an open position has no working stop is reported: an `unprotected`
 * notice each time the uncovered remainder changes, whatever the cause (held exits, a stop that
 * cannot be sent, a rejected or unfilled stop, an OCO winner that is a target, dust, a cancel).
 */
function protect(core: ManagerCore, g: GroupRec, r: number, dropCause: string | null): void {
  const rp = Math.max(r, 0);
  if (rp === 0) {
    g.unprotectedReported = 0;
    return;
  }
  let covered = false;
  let hasStop = false;
  let held = false;
  let denial = '';
  for (const l of g.legs) {
    if (l.role !== 'stop') continue;
    hasStop = true;
    if (l.phase === 'held') held = true;
    if (l.lastDenial !== '' && denial === '') denial = l.lastDenial;
    if (l.orderId === null) continue;
    const o = core.orders.get(l.orderId)!;
    if (o.phase === 'done') continue;
    // a stop covers R while it works at R or is being replaced; a final cancel does not cover
    if (o.cancelIntent === 'resize') covered = true;
    else if (o.cancelIntent === 'none' && (o.venueCancels || o.qty - o.filled === rp))
      covered = true;
  }
  if (covered) {
    g.unprotectedReported = 0;
    return;
  }
  if (g.unprotectedReported === rp) return;
  g.unprotectedReported = rp;
  const winner = g.winnerLeg >= 0 ? g.legs[g.winnerLeg] : undefined;
  const reason =
    dropCause ??
    (g.cancelScope === 'all'
      ? 'group cancelled (scope all)'
      : !hasStop
        ? 'the group has no stop leg'
        : held
          ? 'exits held until the entry is filled (otoTrigger full)'
          : g.dustReported === rp
            ? g.policies.dust === 'close'
              ? 'dust remainder: the close-out is pending or was refused'
              : 'dust remainder below the venue minimum: exits cancelled'
            : winner !== undefined && winner.role === 'target'
              ? 'the target carries the position alone (exitSiblingOnFill cancel)'
              : denial !== ''
                ? `stop held back: ${denial}`
                : lastStopEnd(core, g));
  core.note({
    type: 'unprotected',
    groupId: g.id,
    qty: core.info(g.symbol).inst.lotSize.times(rp),
    reason,
  });
}

/** Why the last stop order ended, as a notice reason. */
function lastStopEnd(core: ManagerCore, g: GroupRec): string {
  for (const l of g.legs) {
    if (l.role !== 'stop' || l.ordersSent === 0) continue;
    const o = core.orders.get(`${g.id}:${l.id}:${l.ordersSent}`);
    if (o === undefined) continue;
    if (o.triggered && o.endedAs === 'canceled') return 'triggered stop ended unfilled';
    if (o.endedAs === 'rejected' || o.endedAs === 'expired') return `stop ${o.endedAs}`;
    if (o.cancelIntent === 'final') return 'stop cancelled';
  }
  return 'no live stop';
}

/**
 * Makes leg `i`'s working order carry `want` open lots at the leg's desired prices: submit,
 * modify (or cancel-replace), or cancel at 0.
 */
function sizeLeg(
  core: ManagerCore,
  g: GroupRec,
  i: number,
  want: number,
  r: number,
  entriesOpen: number,
): void {
  const l = g.legs[i]!;
  if (l.orderId !== null) {
    const o = core.orders.get(l.orderId)!;
    if (o.cancelIntent !== 'none' || o.venueCancels) return; // a cancel is in flight
    if (want <= 0) {
      core.cancel(g, o, 'resize');
      return;
    }
    const qty = o.filled + want;
    const stopMoved = o.stopTicks !== legStop(l);
    const priceChanged = o.priceTicks !== legLimit(l) || stopMoved;
    if (qty === o.qty && !priceChanged) {
      if (l.lastDenial !== '') l.lastDenial = '';
      return;
    }
    const reduceOnly = qty < o.qty && !priceChanged;
    if (!reduceOnly) {
      const denied = core.check(g, l, 'modify', want, r, entriesOpen);
      if (denied !== null) {
        // keep working at the old prices, but never keep more open than allowed
        if (qty < o.qty) core.modify(g, o, qty, o.priceTicks, o.stopTicks);
        return;
      }
    }
    if (
      o.cancelReplaceOnly ||
      core.venue.amend === 'cancel-replace' ||
      (stopMoved && !core.venue.amendStopPrice)
    ) {
      // safe cancel-replace: the replacement is sent only once the venue confirms the cancel
      // (or says it is too late), so the old and the new order can never both fill
      core.cancel(g, o, 'resize');
      return;
    }
    core.modify(g, o, qty, legLimit(l), legStop(l));
    return;
  }
  if (l.phase !== 'idle' || want <= 0) return;
  if (isExitRole(l.role) && g.cancelScope === 'all') return;
  if ((l.role === 'entry' || l.role === 'free') && g.cancelScope !== 'none') return;
  if (isExitRole(l.role) && l.role !== 'close') {
    const needsStop = l.orderType === 'stop' || l.orderType === 'stop-limit';
    if (needsStop && l.stopTicks === null) {
      core.deny(g, l, noPriceReason(core, g, l.offset?.kind === 'atr'));
      return;
    }
    if ((l.orderType === 'limit' || l.orderType === 'stop-limit') && l.priceTicks === null) {
      core.deny(g, l, noPriceReason(core, g, l.offset?.kind === 'atr'));
      return;
    }
  }
  if (core.check(g, l, 'submit', want, r, entriesOpen) !== null) return;
  core.submit(g, i, want);
}

/** Why an anchored exit has no price yet: the missing volatility input, or an offset through zero. */
function noPriceReason(core: ManagerCore, g: GroupRec, atr: boolean): string {
  const m = core.market.get(g.symbol);
  if (atr && (m === undefined || m.atrTicks === null))
    return 'no price yet: missing volatility input (atr)';
  return 'no price yet: the offset puts the price at or below zero';
}
