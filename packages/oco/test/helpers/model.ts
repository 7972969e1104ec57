/**
 * Model-based testing machinery: fast-check commands over random sequences of venue behaviour
 * (partial fills, triggers, rejects, expiries, out-of-order and duplicate delivery, amends,
 * cancels, market moves) against the ModelVenue, with a naive reference ledger and the issue's
 * invariants checked after every step.
 */
import { Instrument } from '@x/core';
import fc from 'fast-check';
import {
  bracket,
  type GroupPolicies,
  multiLeg,
  type OcoEvent,
  OrderManager,
  type OrderManagerSnapshot,
  type VenueProfile,
} from '../../src/index.js';
import { inspectGroup, inspectOrder } from '../../src/internal/inspect.js';
import { Harness } from './harness.js';

const INST = Instrument.create({ symbol: 'XYZ', tickSize: '0.01', lotSize: '1' });
const MAX_GROUPS = 4;

export interface Ctx {
  readonly h: Harness;
  /** Per order id, the last filled lots seen (filled only grows). */
  readonly lastFilled: Map<string, number>;
  /** Per trailing stop leg (group:leg), the last commanded stop price. */
  readonly lastTrail: Map<string, number>;
  /** Per order id, the last commanded stop price. */
  readonly lastStop: Map<string, number>;
  /** Last market price in ticks, as the manager had seen it. */
  last: number | null;
  groups: number;
  mid: { snap: OrderManagerSnapshot; at: number } | null;
  steps: number;
  /** Whether the profile must never overfill (reduce-only). */
  readonly noOverfill: boolean;
}

type Model = { groups: number };

/** Counters of what the runs exercised (printed by the test). */
export const modelStats = {
  runs: 0,
  steps: 0,
  fills: 0,
  commands: 0,
  overfills: 0,
  groups: 0,
  /** Groups whose exits executed only inside a native list. */
  nativeGroups: 0,
  /** Of those, groups that overfilled (only possible without block). */
  nativeOverfills: 0,
};

function fail(msg: string): never {
  throw new Error(msg);
}

/** The naive reference ledger: dedupe fills by (order, trade) and sum them by the leg's role. */
function referenceLedger(
  h: Harness,
): Map<string, { eF: number; eN: number; xF: number; xN: number }> {
  const role = new Map<string, { g: string; role: string }>();
  for (const c of h.commands)
    if (c.type === 'submit') role.set(c.orderId, { g: c.groupId, role: c.role });
  const seen = new Set<string>();
  const out = new Map<string, { eF: number; eN: number; xF: number; xN: number }>();
  for (const e of h.log) {
    if (e.type !== 'fill') continue;
    const key = `${e.orderId}#${e.tradeId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const r = role.get(e.orderId);
    if (r === undefined) continue;
    const q = INST.qtyToLots(e.qty);
    const p = INST.priceToTicks(e.price);
    const acc = out.get(r.g) ?? { eF: 0, eN: 0, xF: 0, xN: 0 };
    if (r.role === 'entry') {
      acc.eF += q;
      acc.eN += q * p;
    } else if (r.role !== 'free') {
      acc.xF += q;
      acc.xN += q * p;
    }
    out.set(r.g, acc);
  }
  return out;
}

/** Applies an event through the harness and checks the per-command invariants. */
function applyChecked(ctx: Ctx, e: OcoEvent): void {
  const h = ctx.h;
  const before = h.commands.length;
  h.apply(e);
  if (e.type === 'market') ctx.last = INST.priceToTicks(e.last);
  for (let i = before; i < h.commands.length; i++) {
    const c = h.commands[i]!;
    if (c.type === 'cancel') continue;
    const px = c.price;
    const stop = c.stopPrice;
    if (px !== undefined && !INST.isOnTick(px)) fail(`price off tick: ${px}`);
    if (stop !== undefined && !INST.isOnTick(stop)) fail(`stop off tick: ${stop}`);
    const o = inspectOrder(h.om, c.orderId)!;
    const g = inspectGroup(h.om, o.groupId)!;
    const leg = g.legs[o.legIndex]!;
    if (c.type === 'modify' && INST.qtyToLots(c.qty) < o.filled)
      fail(`modify below filled on ${c.orderId}`);
    if (stop !== undefined && leg.role === 'stop') {
      // a new stop price (submit or reprice) must sit on the right side of the market; a size-only
      // modify keeps the price the venue already has
      const s = INST.priceToTicks(stop);
      const unchanged = c.type === 'modify' && ctx.lastStop.get(c.orderId) === s;
      if (!unchanged && ctx.last !== null && (g.side === 'buy' ? s >= ctx.last : s <= ctx.last)) {
        fail(`stop ${s} on the wrong side of ${ctx.last}`);
      }
      ctx.lastStop.set(c.orderId, s);
    }
    // once a trailing stop is active it only ratchets (before that it follows its anchor)
    if (stop !== undefined && leg.trailing !== null && leg.trailingActive) {
      const key = `${g.id}:${leg.id}`;
      const s = INST.priceToTicks(stop);
      const prev = ctx.lastTrail.get(key);
      if (prev !== undefined && (g.side === 'buy' ? s < prev : s > prev))
        fail(`trailing stop loosened ${prev} -> ${s}`);
      ctx.lastTrail.set(key, s);
    }
  }
}

/** The invariants of the issue, checked after every step. */
function checkInvariants(ctx: Ctx): void {
  const h = ctx.h;
  const ref = referenceLedger(h);
  for (const id of h.om.groupIds()) {
    const g = inspectGroup(h.om, id)!;
    const r0 = ref.get(id) ?? { eF: 0, eN: 0, xF: 0, xN: 0 };
    const mine = [g.entryFilled, g.entryNotional, g.exitFilled, g.exitNotional];
    if (JSON.stringify(mine) !== JSON.stringify([r0.eF, r0.eN, r0.xF, r0.xN])) {
      fail(
        `ledger of ${id} differs from the reference: ${JSON.stringify(mine)} vs ${JSON.stringify(r0)}`,
      );
    }
    const r = g.position + g.entryFilled - g.exitFilled;
    const rp = Math.max(0, r);
    let stopCovers = false;
    const pos = g.position + g.entryFilled;
    for (const l of g.legs) {
      // anchored exits sit on the right side of the average entry
      if (l.offset !== null && pos > 0) {
        const avg = (Number(g.positionNotional) + Number(g.entryNotional)) / pos;
        const long = g.side === 'buy';
        const px = l.priceTicks;
        const stop = l.stopTicks;
        if (l.role === 'target' && px !== null && (long ? px <= avg : px >= avg)) {
          fail(`target ${px} on the wrong side of the average entry ${avg}`);
        }
        if (
          l.role === 'stop' &&
          stop !== null &&
          !l.trailingActive &&
          !l.breakEvenDone &&
          (long ? stop >= avg : stop <= avg)
        ) {
          fail(`stop ${stop} on the wrong side of the average entry ${avg}`);
        }
      }
      const exit = l.role === 'stop' || l.role === 'target' || l.role === 'close';
      if (l.orderId === null) continue;
      const o = inspectOrder(h.om, l.orderId)!;
      if (o.phase === 'done') fail(`leg ${id}:${l.id} points at a finished order`);
      const settling = o.cancelIntent !== 'none' || o.venueCancels;
      if (exit && !settling && o.qty - o.filled > rp)
        fail(`exit ${o.id} open ${o.qty - o.filled} > R ${rp}`);
      // a stop covers R when it works at R or is being replaced (a final cancel does not cover)
      if (
        l.role === 'stop' &&
        (o.cancelIntent === 'resize' ||
          (o.cancelIntent === 'none' && (o.venueCancels || o.qty - o.filled === rp)))
      )
        stopCovers = true;
    }
    // an open position always has a working stop or an unprotected notice for exactly R, in every
    // state (held exits, dust, OCO winners, cancelled groups included)
    if (rp > 0 && !stopCovers) {
      const last = h.notices.filter((n) => n.type === 'unprotected' && n.groupId === id).at(-1);
      if (last === undefined || last.type !== 'unprotected' || INST.qtyToLots(last.qty) !== rp)
        fail(`group ${id}: R ${rp} without a covering stop or an unprotected notice`);
    }
    // venue truth: a reduce-only venue never lets the position flip (the manager's own view can
    // be transiently negative while an entry fill is still in flight)
    if (ctx.noOverfill && (h.venue.position.get(id) ?? 0) < 0)
      fail(`venue position of ${id} flipped`);
    checkOverfill(ctx, id);
  }
  // at most one live venue order per leg: a replacement is never sent before the old order is dead
  const perLeg = new Map<string, number>();
  for (const o of h.venue.orders.values()) {
    if (o.status !== 'live') continue;
    const leg = o.id.slice(0, o.id.lastIndexOf(':'));
    const n = (perLeg.get(leg) ?? 0) + 1;
    if (n > 1) fail(`two live venue orders for leg ${leg}`);
    perLeg.set(leg, n);
  }
  for (const o of h.venue.orders.values()) {
    const mo = inspectOrder(h.om, o.id);
    if (mo === undefined) continue;
    const prev = ctx.lastFilled.get(o.id) ?? 0;
    if (mo.filled < prev) fail(`filled shrank on ${o.id}`);
    ctx.lastFilled.set(o.id, mo.filled);
  }
}

/**
 * Overfill at the venue (the truth, whatever the manager has heard): zero for a group whose exits
 * all executed inside a native one-cancels-all list with block; bounded by the race otherwise: by
 * one order's open quantity (at most the position) inside a list without block, and by the
 * position per exit leg in general (every exit order is sized to at most R when it is sent, and
 * each leg has at most one live order).
 */
function checkOverfill(ctx: Ctx, id: string): void {
  const h = ctx.h;
  const g = inspectGroup(h.om, id)!;
  const over = -(h.venue.position.get(id) ?? 0);
  if (over <= 0) return;
  const pos = h.venue.entered.get(id) ?? 0;
  const inList = h.venue.exitFilled.has(id) && !h.venue.outsideList.has(id);
  const oca = h.profile.nativeOco === 'oca-cancel' || h.profile.nativeOco === 'oca-reduce';
  if (inList && oca && h.profile.ocaBlock)
    fail(`overfill ${over} in ${id} inside a native list with block`);
  if (inList && oca && over > pos)
    fail(`overfill ${over} in ${id} inside a native list above the position ${pos}`);
  const exitLegs = g.legs.filter((l) => l.role !== 'entry' && l.role !== 'free').length;
  if (over > pos * exitLegs)
    fail(`overfill ${over} in ${id} beyond the race bound ${pos} x ${exitLegs}`);
}

/**
 * Once nothing is in flight, the venue's quantity of every live order equals the manager's: the
 * manager's mirror of native reductions is exact, so no exit is larger (overfill risk) or smaller
 * (under-protection) at the venue than the ledger says.
 */
function checkVenueAgrees(ctx: Ctx): void {
  const h = ctx.h;
  for (const o of h.venue.orders.values()) {
    if (o.status !== 'live') continue;
    const mo = inspectOrder(h.om, o.id);
    if (mo === undefined || mo.phase === 'done') continue;
    // without block the venue propagates a reduction later, computed on the sizes it then has:
    // it may differ from the manager's mirror, which is the overfill the race allows (checked by
    // checkOverfill)
    if (o.listKind === 'oca-reduce' && !o.listBlock) continue;
    if (mo.qty !== o.qty) fail(`venue qty of ${o.id} ${o.qty} != manager's ${mo.qty}`);
  }
}

/** Runs the venue and delivers everything in order, checking the invariants after every event. */
function settle(ctx: Ctx): void {
  const h = ctx.h;
  for (let guard = 0; guard < 10_000; guard++) {
    h.venue.processAll();
    if (h.venue.outbox.length === 0) {
      checkVenueAgrees(ctx);
      return;
    }
    applyChecked(ctx, h.venue.outbox.shift()!);
    checkInvariants(ctx);
  }
  fail('settle did not converge');
}

/** Ends the script: cancel entries, stop out what is open, cancel everything, settle. */
function finish(ctx: Ctx): void {
  const h = ctx.h;
  settle(ctx);
  for (const id of h.om.groupIds()) {
    applyChecked(ctx, { type: 'cancel-group', groupId: id, scope: 'entries' });
    settle(ctx);
    checkInvariants(ctx);
  }
  for (const id of h.om.groupIds()) {
    for (const o of h.venue.liveOrders(id)) if (o.role === 'stop') h.venue.fill(o, 1_000_000);
    settle(ctx);
    checkInvariants(ctx);
  }
  for (const id of h.om.groupIds()) {
    applyChecked(ctx, { type: 'cancel-group', groupId: id, scope: 'all' });
    settle(ctx);
    checkInvariants(ctx);
  }
  for (const id of h.om.groupIds()) {
    const g = inspectGroup(h.om, id)!;
    if (g.phase !== 'done') {
      const orders = g.legs.map((l) => (l.orderId === null ? null : inspectOrder(h.om, l.orderId)));
      const trace = h.log.map((e) => JSON.stringify(e)).join('\n');
      const cmds = h.commands.map((c) => JSON.stringify(c)).join('\n');
      fail(
        `group ${id} not terminal at the end\n${JSON.stringify(g)}\n${JSON.stringify(orders)}\n${trace}\n${cmds}`,
      );
    }
    if (h.venue.liveOrders(id).length > 0) fail(`orphan orders in ${id}`);
    if (ctx.noOverfill && g.position + g.entryFilled - g.exitFilled < 0)
      fail(`overfill on a reduce-only venue in ${id}`);
  }
  // replay == state, and snapshot + tail == state
  const replay = new OrderManager(h.options);
  for (const e of h.log) replay.apply(e);
  const final = h.om.snapshot();
  if (JSON.stringify(replay.snapshot()) !== JSON.stringify(final))
    fail('replaying the log gives a different state');
  if (ctx.mid !== null) {
    const restored = OrderManager.restore(JSON.parse(JSON.stringify(ctx.mid.snap)), h.options);
    for (const e of h.log.slice(ctx.mid.at)) restored.apply(e);
    if (JSON.stringify(restored.snapshot()) !== JSON.stringify(final))
      fail('snapshot + tail gives a different state');
  }
}

abstract class Cmd implements fc.Command<Model, Ctx> {
  check(_m: Readonly<Model>): boolean {
    return true;
  }
  abstract act(ctx: Ctx): void;
  run(m: Model, ctx: Ctx): void {
    this.act(ctx);
    m.groups = ctx.groups;
    ctx.steps++;
    if (ctx.mid === null && ctx.steps === 8)
      ctx.mid = { snap: ctx.h.om.snapshot(), at: ctx.h.log.length };
    checkInvariants(ctx);
  }
  abstract toString(): string;
}

const POLICY_SETS: readonly Partial<GroupPolicies>[] = [
  {},
  { otoTrigger: 'full' },
  { parentCancel: 'cancel-all', otoTrigger: 'full' },
  { exitSiblingOnFill: 'cancel' },
  { reprotect: false },
  { parentCancel: 'cancel-all' },
];

class Create extends Cmd {
  constructor(
    readonly qty: number,
    readonly policy: number,
    readonly multi: boolean,
    readonly trailing: boolean,
    readonly side: 'buy' | 'sell',
  ) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.groups < MAX_GROUPS;
  }
  act(ctx: Ctx): void {
    const id = `g${ctx.groups++}`;
    const long = this.side === 'buy';
    // half of the policy draws anchor the exits to the average entry (re-anchored on every entry fill)
    const anchored = Math.floor(this.policy / POLICY_SETS.length) % 2 === 1;
    const stop = {
      ...(anchored
        ? { offset: { kind: 'bps' as const, value: 300 } }
        : { price: long ? '95' : '105' }),
      ...(this.trailing ? { trailing: { distance: { kind: 'ticks' as const, value: 150 } } } : {}),
    };
    const target = anchored ? { offset: { kind: 'ticks' as const, value: 700 } } : undefined;
    const policies = POLICY_SETS[this.policy % POLICY_SETS.length]!;
    const spec = this.multi
      ? multiLeg({
          id,
          symbol: 'XYZ',
          side: this.side,
          entries: [
            { qty: String(this.qty), price: '100' },
            { qty: String(Math.max(1, this.qty >> 1)), price: long ? '99' : '101' },
          ],
          stops: [stop],
          targets: [
            target ?? { price: long ? '105' : '95', weight: 1 },
            { ...(target ?? { price: long ? '110' : '90' }), weight: 2 },
          ],
          policies,
        })
      : bracket({
          id,
          symbol: 'XYZ',
          side: this.side,
          qty: String(this.qty),
          entryPrice: '100',
          stop,
          target: target ?? { price: long ? '110' : '90' },
          policies,
        });
    applyChecked(ctx, { type: 'create', spec });
  }
  toString(): string {
    return `Create(${this.qty},${this.policy},${this.multi},${this.trailing},${this.side})`;
  }
}

class VenueStep extends Cmd {
  constructor(readonly n: number) {
    super();
  }
  act(ctx: Ctx): void {
    for (let i = 0; i < this.n; i++) ctx.h.venue.processOne();
  }
  toString(): string {
    return `VenueStep(${this.n})`;
  }
}

class Settle extends Cmd {
  act(ctx: Ctx): void {
    settle(ctx);
  }
  toString(): string {
    return 'Settle';
  }
}

class Deliver extends Cmd {
  constructor(readonly pick: number) {
    super();
  }
  act(ctx: Ctx): void {
    const box = ctx.h.venue.outbox;
    if (box.length === 0) return;
    const [e] = box.splice(this.pick % box.length, 1);
    applyChecked(ctx, e!);
  }
  toString(): string {
    return `Deliver(${this.pick})`;
  }
}

class Duplicate extends Cmd {
  constructor(readonly pick: number) {
    super();
  }
  act(ctx: Ctx): void {
    const fills = ctx.h.log.filter((e) => e.type === 'fill');
    if (fills.length === 0) return;
    applyChecked(ctx, fills[this.pick % fills.length]!);
  }
  toString(): string {
    return `Duplicate(${this.pick})`;
  }
}

class Fill extends Cmd {
  constructor(
    readonly group: number,
    readonly role: 'entry' | 'stop' | 'target',
    readonly lots: number,
    readonly dpx: number,
  ) {
    super();
  }
  act(ctx: Ctx): void {
    if (ctx.groups === 0) return;
    const id = `g${this.group % ctx.groups}`;
    const live = ctx.h.venue.liveOrders(id);
    const o = live.find((x) => x.role === this.role) ?? live[0];
    if (o === undefined) return;
    const px = o.role === 'entry' ? 10_000 + this.dpx : undefined;
    ctx.h.venue.fill(o, this.lots, px);
  }
  toString(): string {
    return `Fill(${this.group},${this.role},${this.lots},${this.dpx})`;
  }
}

class Trigger extends Cmd {
  constructor(readonly group: number) {
    super();
  }
  act(ctx: Ctx): void {
    if (ctx.groups === 0) return;
    const o = ctx.h.venue.liveOrders(`g${this.group % ctx.groups}`).find((x) => x.role === 'stop');
    if (o !== undefined) ctx.h.venue.trigger(o);
  }
  toString(): string {
    return `Trigger(${this.group})`;
  }
}

class Expire extends Cmd {
  constructor(readonly group: number) {
    super();
  }
  act(ctx: Ctx): void {
    if (ctx.groups === 0) return;
    const o = ctx.h.venue.liveOrders(`g${this.group % ctx.groups}`).find((x) => x.role === 'entry');
    if (o !== undefined) ctx.h.venue.expire(o);
  }
  toString(): string {
    return `Expire(${this.group})`;
  }
}

class VenueCancel extends Cmd {
  constructor(
    readonly group: number,
    readonly role: 'entry' | 'stop' | 'target',
  ) {
    super();
  }
  act(ctx: Ctx): void {
    if (ctx.groups === 0) return;
    const o = ctx.h.venue
      .liveOrders(`g${this.group % ctx.groups}`)
      .find((x) => x.role === this.role);
    if (o !== undefined) ctx.h.venue.cancelUnsolicited(o);
  }
  toString(): string {
    return `VenueCancel(${this.group},${this.role})`;
  }
}

class Reject extends Cmd {
  act(ctx: Ctx): void {
    ctx.h.venue.rejectNext();
  }
  toString(): string {
    return 'Reject';
  }
}

class CancelGroup extends Cmd {
  constructor(
    readonly group: number,
    readonly all: boolean,
  ) {
    super();
  }
  act(ctx: Ctx): void {
    if (ctx.groups === 0) return;
    applyChecked(ctx, {
      type: 'cancel-group',
      groupId: `g${this.group % ctx.groups}`,
      scope: this.all ? 'all' : 'entries',
    });
  }
  toString(): string {
    return `CancelGroup(${this.group},${this.all})`;
  }
}

class Amend extends Cmd {
  constructor(
    readonly group: number,
    readonly extra: number,
  ) {
    super();
  }
  act(ctx: Ctx): void {
    if (ctx.groups === 0) return;
    const id = `g${this.group % ctx.groups}`;
    const g = inspectGroup(ctx.h.om, id)!;
    const leg = g.legs.find((l) => l.role === 'entry')!;
    // an amend to zero is a typed error (see BadInput); cancel-group ends an entry
    if (leg.phase === 'done' || leg.filled + this.extra === 0) return;
    applyChecked(ctx, {
      type: 'amend-entry',
      groupId: id,
      legId: leg.id,
      qty: String(leg.filled + this.extra),
    });
  }
  toString(): string {
    return `Amend(${this.group},${this.extra})`;
  }
}

class Market extends Cmd {
  constructor(readonly px: number) {
    super();
  }
  act(ctx: Ctx): void {
    applyChecked(ctx, { type: 'market', symbol: 'XYZ', last: INST.ticksToPrice(this.px) });
  }
  toString(): string {
    return `Market(${this.px})`;
  }
}

/**
 * Bad input of every kind: each must throw a typed error and change nothing (the event is then not
 * logged, so the final replay check also proves that a throwing event left no trace).
 */
class BadInput extends Cmd {
  constructor(readonly pick: number) {
    super();
  }
  act(ctx: Ctx): void {
    const h = ctx.h;
    // an order the manager knows (for an unknown one an off-grid quantity cannot be judged)
    const order = h.commands.find((c) => c.type === 'submit')?.orderId ?? 'g0:entry:1';
    const bad: unknown[] = [
      null,
      { type: 'nope' },
      { type: 'market', symbol: 'XYZ', last: '101', atr: 'volatile' },
      { type: 'market', symbol: 'XYZ', last: '1e400' },
      { type: 'market', symbol: 'XYZ', last: '0x10' },
      { type: 'fill', orderId: order, tradeId: '', price: '100', qty: '1' },
      { type: 'fill', orderId: order, price: '100', qty: '1' },
      { type: 'fill', orderId: order, tradeId: 'bad', price: '100', qty: '0.5' },
      { type: 'amend-entry', groupId: 'g0', legId: 'entry', qty: '0' },
      { type: 'cancel-group', groupId: 'g0', scope: 'some' },
      {
        type: 'create',
        spec: bracket({
          id: `bad${ctx.steps}`,
          symbol: 'XYZ',
          side: 'buy',
          qty: '1',
          entryPrice: '100',
          stop: { price: '110' },
          target: { price: '90' },
        }),
      },
    ];
    const e = bad[this.pick % bad.length] as OcoEvent;
    const before = JSON.stringify(h.om.snapshot());
    let threw = false;
    try {
      h.apply(e);
    } catch (err) {
      threw = typeof (err as { code?: unknown }).code === 'string';
    }
    if (!threw) fail(`bad input ${JSON.stringify(e)} did not throw a typed error`);
    if (JSON.stringify(h.om.snapshot()) !== before)
      fail(`bad input ${JSON.stringify(e)} changed the state`);
  }
  toString(): string {
    return `BadInput(${this.pick})`;
  }
}

const createArb = fc
  .tuple(
    fc.integer({ min: 1, max: 20 }),
    fc.nat(11),
    fc.boolean(),
    fc.boolean(),
    fc.constantFrom('buy' as const, 'sell' as const),
  )
  .map(([q, p, m, t, s]) => new Create(q, p, m, t, s));

const fillArb = fc
  .tuple(
    fc.nat(3),
    fc.constantFrom('entry' as const, 'stop' as const, 'target' as const),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: -50, max: 50 }),
  )
  .map(([g, r, q, d]) => new Fill(g, r, q, d));

/** The command arbitraries (repeated entries weight the draw). */
const commandArbs = [
  createArb,
  fc.constant(new Settle()),
  fc.constant(new Settle()),
  fc.constant(new Settle()),
  fillArb,
  fillArb,
  fillArb,
  fillArb,
  fc.integer({ min: 1, max: 4 }).map((n) => new VenueStep(n)),
  fc.nat(50).map((p) => new Deliver(p)),
  fc.nat(50).map((p) => new Deliver(p)),
  fc.nat(50).map((p) => new Duplicate(p)),
  fc.nat(3).map((g) => new Trigger(g)),
  fc.nat(3).map((g) => new Expire(g)),
  fc.constant(new Reject()),
  fc
    .tuple(fc.nat(3), fc.constantFrom('entry' as const, 'stop' as const, 'target' as const))
    .map(([g, r]) => new VenueCancel(g, r)),
  fc.tuple(fc.nat(3), fc.boolean()).map(([g, a]) => new CancelGroup(g, a)),
  fc.tuple(fc.nat(3), fc.integer({ min: 0, max: 10 })).map(([g, e]) => new Amend(g, e)),
  fc.integer({ min: 9_000, max: 11_000 }).map((p) => new Market(p)),
  fc.nat(20).map((p) => new BadInput(p)),
];

/** A script: 1 to 4 groups created up front, then random commands. */
export const scriptArb = fc.tuple(
  fc.array(createArb, { minLength: 1, maxLength: MAX_GROUPS }),
  fc.commands(commandArbs, { maxCommands: 60, size: 'large' }),
);

/** One model-based run on a venue profile. */
export function modelRun(
  profile: VenueProfile,
  creates: readonly fc.Command<Model, Ctx>[],
  cmds: Iterable<fc.Command<Model, Ctx>>,
): void {
  const ctx: Ctx = {
    h: new Harness(INST, profile),
    lastFilled: new Map(),
    lastTrail: new Map(),
    lastStop: new Map(),
    last: null,
    groups: 0,
    mid: null,
    steps: 0,
    noOverfill: profile.reduceOnly,
  };
  for (const c of creates) c.run({ groups: ctx.groups }, ctx);
  fc.modelRun(() => ({ model: { groups: ctx.groups }, real: ctx }), cmds);
  finish(ctx);
  modelStats.runs++;
  modelStats.steps += ctx.steps;
  modelStats.groups += ctx.groups;
  modelStats.fills += ctx.h.venue.fills.length;
  modelStats.commands += ctx.h.commands.length;
  modelStats.overfills += ctx.h.notices.filter((n) => n.type === 'overfill').length;
  for (let i = 0; i < ctx.groups; i++) {
    const id = `g${i}`;
    if (!ctx.h.venue.exitFilled.has(id) || ctx.h.venue.outsideList.has(id)) continue;
    modelStats.nativeGroups++;
    if ((ctx.h.venue.position.get(id) ?? 0) < 0) modelStats.nativeOverfills++;
  }
}
