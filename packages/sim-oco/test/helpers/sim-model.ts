/**
 * fast-check model-based commands against the @x/sim matching engine as the venue: street flow
 * (market and limit orders), brackets with anchored and trailing exits, amends, group cancels and
 * market data, with the ledger checked against the engine's own fills after every step.
 */
import { Instrument } from '@x/core';
import { bracket, type GroupPolicies, OrderManager, type VenueProfile } from '@x/oco';
import fc from 'fast-check';
import { SIM_VENUE_PROFILE } from '../../src/index.js';
import { inspectGroup, inspectOrder } from './inspect.js';
import { SimVenue } from './sim-venue.js';

const SIM_INST = Instrument.create({ symbol: 'XYZ', tickSize: '0.01', lotSize: '1' });

interface SimCtx {
  readonly v: SimVenue;
  groups: number;
  readonly stats: SimStats;
}
type SimModel = { groups: number };

function fail(msg: string): never {
  throw new Error(msg);
}

/** Invariants after every step (everything is delivered synchronously, so no race is pending). */
function checkSim(ctx: SimCtx): void {
  const v = ctx.v;
  const last = v.engine.lastPrice();
  const lastTicks = last === undefined ? null : SIM_INST.priceToTicks(last);
  for (const id of v.om.groupIds()) {
    const g = inspectGroup(v.om, id)!;
    // ledger == the engine's own fills
    let eF = 0;
    let xF = 0;
    for (const [oid, q] of v.engineFilled) {
      const o = inspectOrder(v.om, oid)!;
      if (o.groupId !== id) continue;
      if (g.legs[o.legIndex]!.role === 'entry') eF += q;
      else xF += q;
    }
    if (g.entryFilled !== eF || g.exitFilled !== xF)
      fail(`ledger of ${id} ${[g.entryFilled, g.exitFilled]} != engine ${[eF, xF]}`);
    const r = Math.max(0, g.entryFilled - g.exitFilled);
    let stopCovers = false;
    for (const l of g.legs) {
      if (l.orderId === null) continue;
      const o = inspectOrder(v.om, l.orderId)!;
      const eng = v.engine.getOrder(o.id);
      const idle = o.cancelIntent === 'none';
      if (l.role !== 'entry' && idle && o.qty - o.filled > r) fail(`exit ${o.id} above R`);
      // the engine agrees on the quantity of every working order the manager is not changing
      if (idle && eng !== undefined && eng.status !== 'filled' && eng.status !== 'canceled') {
        if (SIM_INST.qtyToLots(eng.qty) !== o.qty)
          fail(`engine qty of ${o.id} ${eng.qty} != ${o.qty}`);
      }
      // and on the trigger price of every waiting stop (amended in place, or cancel-replaced)
      if (
        idle &&
        o.stopTicks !== null &&
        eng?.triggered === false &&
        eng.status !== 'canceled' &&
        SIM_INST.priceToTicks(eng.stopPrice!) !== o.stopTicks
      ) {
        fail(`engine stop price of ${o.id} ${eng.stopPrice} != ${o.stopTicks}`);
      }
      if (l.role === 'stop' && (o.cancelIntent === 'resize' || (idle && o.qty - o.filled === r)))
        stopCovers = true;
      if (l.role === 'stop' && idle && !o.triggered && lastTicks !== null && o.stopTicks !== null) {
        // a waiting stop at the engine is on the right side of the last trade (else it triggered)
        if (
          eng?.triggered === false &&
          (g.side === 'buy' ? o.stopTicks >= lastTicks : o.stopTicks <= lastTicks)
        ) {
          fail(`waiting stop ${o.id} through the market`);
        }
      }
    }
    // an open position always has a working stop or an unprotected notice for exactly R
    if (r > 0 && !stopCovers && g.unprotectedReported !== r)
      fail(`group ${id}: R ${r} unprotected and not flagged`);
  }
  // at most one live engine order per leg
  const seen = new Set<string>();
  for (const o of v.engine.openOrders()) {
    if (o.owner !== 'oco') continue;
    const leg = o.orderId.slice(0, o.orderId.lastIndexOf(':'));
    if (seen.has(leg)) fail(`two live engine orders for ${leg}`);
    seen.add(leg);
  }
}

abstract class SimCmd implements fc.Command<SimModel, SimCtx> {
  check(_m: Readonly<SimModel>): boolean {
    return true;
  }
  abstract act(ctx: SimCtx): void;
  run(m: SimModel, ctx: SimCtx): void {
    this.act(ctx);
    m.groups = ctx.groups;
    checkSim(ctx);
  }
  abstract toString(): string;
}

const POLICIES: readonly Partial<GroupPolicies>[] = [
  {},
  { otoTrigger: 'full' },
  { exitSiblingOnFill: 'cancel' },
];

class Create extends SimCmd {
  constructor(
    readonly long: boolean,
    readonly qty: number,
    readonly trailing: boolean,
    readonly policy: number,
  ) {
    super();
  }
  override check(m: Readonly<SimModel>): boolean {
    return m.groups < 4;
  }
  act(ctx: SimCtx): void {
    const v = ctx.v;
    const bb = v.engine.bestBid();
    const ba = v.engine.bestAsk();
    const ref = (this.long ? bb : ba) ?? v.engine.lastPrice();
    if (ref === undefined) return;
    v.apply({
      type: 'create',
      spec: bracket({
        id: `g${ctx.groups++}`,
        symbol: 'XYZ',
        side: this.long ? 'buy' : 'sell',
        qty: String(this.qty),
        entryPrice: ref,
        stop: this.trailing
          ? {
              offset: { kind: 'ticks', value: 20 },
              trailing: { distance: { kind: 'ticks', value: 20 } },
            }
          : { offset: { kind: 'ticks', value: 20 } },
        target: { offset: { kind: 'ticks', value: 25 } },
        policies: POLICIES[this.policy % POLICIES.length]!,
      }),
    });
    v.pump();
  }
  toString(): string {
    return `Create(${this.long},${this.qty},${this.trailing},${this.policy})`;
  }
}

class StreetMarket extends SimCmd {
  constructor(
    readonly buy: boolean,
    readonly qty: number,
  ) {
    super();
  }
  act(ctx: SimCtx): void {
    ctx.v.other(this.buy ? 'buy' : 'sell', 'market', String(this.qty));
  }
  toString(): string {
    return `StreetMarket(${this.buy},${this.qty})`;
  }
}

class StreetLimit extends SimCmd {
  constructor(
    readonly buy: boolean,
    readonly qty: number,
    readonly offsetTicks: number,
  ) {
    super();
  }
  act(ctx: SimCtx): void {
    const last = ctx.v.engine.lastPrice() ?? SIM_INST.ticksToPrice(10_000);
    const px = Math.max(100, SIM_INST.priceToTicks(last) + this.offsetTicks);
    ctx.v.other(
      this.buy ? 'buy' : 'sell',
      'limit',
      String(this.qty),
      SIM_INST.ticksToPrice(px).toString(),
    );
  }
  toString(): string {
    return `StreetLimit(${this.buy},${this.qty},${this.offsetTicks})`;
  }
}

class Cancel extends SimCmd {
  constructor(
    readonly group: number,
    readonly all: boolean,
  ) {
    super();
  }
  act(ctx: SimCtx): void {
    if (ctx.groups === 0) return;
    ctx.v.apply({
      type: 'cancel-group',
      groupId: `g${this.group % ctx.groups}`,
      scope: this.all ? 'all' : 'entries',
    });
    ctx.v.pump();
  }
  toString(): string {
    return `Cancel(${this.group},${this.all})`;
  }
}

class Amend extends SimCmd {
  constructor(
    readonly group: number,
    readonly extra: number,
  ) {
    super();
  }
  act(ctx: SimCtx): void {
    if (ctx.groups === 0) return;
    const id = `g${this.group % ctx.groups}`;
    const leg = inspectGroup(ctx.v.om, id)!.legs[0]!;
    if (leg.phase === 'done' || leg.filled + this.extra === 0) return; // zero is a typed error
    ctx.v.apply({
      type: 'amend-entry',
      groupId: id,
      legId: 'entry',
      qty: String(leg.filled + this.extra),
    });
    ctx.v.pump();
  }
  toString(): string {
    return `Amend(${this.group},${this.extra})`;
  }
}

/** Bad input through the session: a typed error, no change, nothing logged (replay stays equal). */
class BadInput extends SimCmd {
  constructor(readonly pick: number) {
    super();
  }
  act(ctx: SimCtx): void {
    const v = ctx.v;
    const known = v.log.find((e) => e.type === 'accepted');
    // an off-grid quantity can be judged only for an order the manager knows
    if (known === undefined && this.pick % 5 === 3) return;
    const order = known?.orderId ?? 'g0:entry:1';
    const bad = [
      { type: 'market', symbol: 'XYZ', last: '100', atr: 'high' },
      { type: 'market', symbol: 'XYZ', last: '0x64' },
      { type: 'fill', orderId: order, tradeId: '', price: '100', qty: '1' },
      { type: 'fill', orderId: order, tradeId: 'x', price: '100', qty: '1.5' },
      { type: 'cancel-group', groupId: 'g0', scope: 'none' },
    ];
    const e = bad[this.pick % bad.length] as never;
    const before = JSON.stringify(v.om.snapshot());
    let code: unknown;
    try {
      v.apply(e);
    } catch (err) {
      code = (err as { code?: unknown }).code;
    }
    if (typeof code !== 'string')
      fail(`bad input ${JSON.stringify(e)} did not throw a typed error`);
    if (JSON.stringify(v.om.snapshot()) !== before)
      fail(`bad input ${JSON.stringify(e)} changed the state`);
  }
  toString(): string {
    return `BadInput(${this.pick})`;
  }
}

export const simCommands = [
  fc.nat(10).map((p) => new BadInput(p)),
  fc
    .tuple(fc.boolean(), fc.integer({ min: 1, max: 12 }), fc.boolean(), fc.nat(2))
    .map(([l, q, t, p]) => new Create(l, q, t, p)),
  fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 12 })).map(([b, q]) => new StreetMarket(b, q)),
  fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 12 })).map(([b, q]) => new StreetMarket(b, q)),
  fc
    .tuple(fc.boolean(), fc.integer({ min: 1, max: 10 }), fc.integer({ min: -40, max: 40 }))
    .map(([b, q, o]) => new StreetLimit(b, q, o)),
  fc
    .tuple(fc.boolean(), fc.integer({ min: 1, max: 10 }), fc.integer({ min: -40, max: 40 }))
    .map(([b, q, o]) => new StreetLimit(b, q, o)),
  fc.tuple(fc.nat(3), fc.boolean()).map(([g, a]) => new Cancel(g, a)),
  fc.tuple(fc.nat(3), fc.integer({ min: 0, max: 8 })).map(([g, e]) => new Amend(g, e)),
];

/** One run: a seeded two-sided book, then the commands, then cancel everything and check the end state. */
export function simRun(
  cmds: Iterable<fc.Command<SimModel, SimCtx>>,
  stats: SimStats,
  profile: VenueProfile = SIM_VENUE_PROFILE,
): void {
  const v = new SimVenue(SIM_INST, profile);
  for (let i = 1; i <= 6; i++) {
    v.other('buy', 'limit', String(3 + i), SIM_INST.ticksToPrice(10_000 - 5 * i).toString());
    v.other('sell', 'limit', String(3 + i), SIM_INST.ticksToPrice(10_000 + 5 * i).toString());
  }
  const ctx: SimCtx = { v, groups: 0, stats };
  fc.modelRun(() => ({ model: { groups: 0 }, real: ctx }), cmds);
  for (const id of v.om.groupIds()) {
    v.apply({ type: 'cancel-group', groupId: id, scope: 'all' });
    v.pump();
    checkSim(ctx);
  }
  for (const id of v.om.groupIds())
    if (inspectGroup(v.om, id)!.phase !== 'done') fail(`group ${id} not terminal`);
  if (v.engine.openOrders().some((o) => o.owner === 'oco')) fail('orphan orders at the engine');
  const replay = new OrderManager({ instruments: [SIM_INST], venue: v.profile });
  for (const e of v.log) replay.apply(e);
  if (JSON.stringify(replay.snapshot()) !== JSON.stringify(v.om.snapshot())) fail('replay differs');
  stats.fills += v.engineFilled.size;
  stats.groups = (stats.groups ?? 0) + ctx.groups;
  stats.stopAmends = (stats.stopAmends ?? 0) + v.stopAmends;
  let replaced = 0;
  for (const c of v.om.snapshot().orders as { id: string }[])
    if (c.id.includes(':stop:') && !c.id.endsWith(':1')) replaced++;
  stats.stopReplacements = (stats.stopReplacements ?? 0) + replaced;
}

/** Counters of what the runs exercised. */
export interface SimStats {
  fills: number;
  groups?: number;
  /** Stop-price amends in place. */
  stopAmends?: number;
  /** Stop orders after the first of their leg (cancel-replace or re-protection). */
  stopReplacements?: number;
}
