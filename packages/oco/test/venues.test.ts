import { Instrument, Rng } from '@x/core';
import { FC_SEED, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bracket,
  brokerOcaVenue,
  DERIVATIVES_VENUE,
  EMULATED_VENUE,
  type GroupPolicies,
  multiLeg,
  SPOT_OCO_VENUE,
  type VenueProfile,
} from '../src/index.js';
import { inspectGroup, inspectOrder } from '../src/internal/inspect.js';
import { Harness, longBracket } from './helpers/harness.js';
import { type SimStats, simCommands, simRun } from './helpers/sim-model.js';
import { SIM_CANCEL_REPLACE_PROFILE, SIM_PROFILE, SimVenue } from './helpers/sim-venue.js';

const XYZ = Instrument.create({ symbol: 'XYZ', tickSize: '0.01', lotSize: '1' });

type Action = { kind: 'entry' | 'target'; lots: number } | { kind: 'stop' };

/** Runs one script of venue-side executions, addressed by leg, and returns the ledger. */
function runScript(
  profile: VenueProfile,
  policies: Partial<GroupPolicies>,
  qty: number,
  actions: readonly Action[],
) {
  const h = new Harness(XYZ, profile);
  h.apply({
    type: 'create',
    spec: bracket({
      id: 'b',
      symbol: 'XYZ',
      side: 'buy',
      qty: String(qty),
      entryPrice: '100',
      stop: { price: '95' },
      target: { price: '110' },
      policies,
    }),
  });
  h.settle();
  for (const a of actions) {
    const o = h.order('b', a.kind);
    if (o === undefined || o.status !== 'live') continue;
    if (a.kind === 'stop') h.venue.fill(o, 1_000_000);
    else h.venue.fill(o, a.lots);
    h.settle();
  }
  const l = h.om.ledger('b');
  return {
    entry: l.entryFilled.toString(),
    avgEntry: l.avgEntryPrice?.toString(),
    exit: l.exitFilled.toString(),
    avgExit: l.avgExitPrice?.toString(),
    open: l.openQty.toString(),
    legs: l.legs.map((x) => [x.id, x.filled.toString()]),
    status: l.status,
    commands: h.commands.filter((c) => c.type === 'submit' && c.contingency !== undefined).length,
  };
}

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('entry' as const), lots: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('target' as const), lots: fc.integer({ min: 1, max: 8 }) }),
  fc.constant({ kind: 'stop' as const }),
);

describe('venue profiles: native and emulated handling give identical ledgers', () => {
  const cases: [VenueProfile, Partial<GroupPolicies>][] = [
    [SPOT_OCO_VENUE, {}],
    [SPOT_OCO_VENUE, { exitSiblingOnFill: 'cancel' }],
    [brokerOcaVenue('reduce-block'), {}],
    [brokerOcaVenue('reduce-no-block'), {}],
    [brokerOcaVenue('cancel'), { exitSiblingOnFill: 'cancel' }],
    [DERIVATIVES_VENUE, {}],
  ];
  for (const [profile, policies] of cases) {
    it(`${profile.name} ${JSON.stringify(policies)} == emulated (seed ${FC_SEED})`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 20 }),
          fc.array(actionArb, { maxLength: 12 }),
          (qty, actions) => {
            const a = runScript(profile, policies, qty, actions);
            const b = runScript(EMULATED_VENUE, policies, qty, actions);
            expect({ ...a, commands: 0 }).toEqual({ ...b, commands: 0 });
            expect(b.commands).toBe(0);
          },
        ),
        fcParams({ numRuns: 300 }),
      );
    });
  }

  it(`broker-oca-cancel multi-target (one list of every exit) == emulated (seed ${FC_SEED})`, () => {
    type MAction = { leg: 'entry' | 'stop' | 'target1' | 'target2'; lots: number };
    const run = (profile: VenueProfile, qty: number, actions: readonly MAction[]) => {
      const h = new Harness(XYZ, profile);
      h.apply({
        type: 'create',
        spec: multiLeg({
          id: 'm',
          symbol: 'XYZ',
          side: 'buy',
          entries: [{ qty: String(qty), price: '100' }],
          stops: [{ price: '95' }],
          targets: [
            { price: '105', weight: 1 },
            { price: '110', weight: 2 },
          ],
          policies: { exitSiblingOnFill: 'cancel' },
        }),
      });
      h.settle();
      for (const a of actions) {
        const o = h.order('m', a.leg);
        if (o === undefined || o.status !== 'live') continue;
        h.venue.fill(o, a.lots);
        h.settle();
      }
      const lists = h.commands.filter((c) => c.type === 'submit' && c.contingency !== undefined);
      return {
        ledger: h.om.ledger('m'),
        lists: lists.length,
        over: h.noticesOf('overfill').length,
      };
    };
    let nativeRuns = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(
          fc.record({
            leg: fc.constantFrom(
              'entry' as const,
              'stop' as const,
              'target1' as const,
              'target2' as const,
            ),
            lots: fc.integer({ min: 1, max: 25 }),
          }),
          { maxLength: 12 },
        ),
        (qty, actions) => {
          const a = run(brokerOcaVenue('cancel'), qty, actions);
          const b = run(EMULATED_VENUE, qty, actions);
          expect(a.ledger).toEqual(b.ledger);
          expect(b.lists).toBe(0);
          expect(a.over).toBe(0);
          if (a.lists > 0) nativeRuns++;
        },
      ),
      fcParams({ numRuns: 300 }),
    );
    expect(nativeRuns).toBeGreaterThan(20);
  });

  it('the spot venue cancels the stop on a partial limit fill and the manager re-protects R', () => {
    const h = new Harness(XYZ, SPOT_OCO_VENUE);
    longBracket(h);
    h.venue.fill(h.order('b', 'entry')!, 10);
    h.settle();
    const first = h.order('b', 'stop')!;
    expect(first.listId).toBe('b');
    h.venue.fill(h.order('b', 'target')!, 4);
    h.settle();
    expect(first.status).toBe('done');
    const reprotect = h.order('b', 'stop')!;
    expect(reprotect.id).toBe('b:stop:2');
    expect(reprotect.qty - reprotect.filled).toBe(6);
    expect(reprotect.listId).toBeNull();
  });

  it('broker OCA reduce: the venue reduces the sibling, the manager sends no modify', () => {
    const h = new Harness(XYZ, brokerOcaVenue('reduce-block'));
    longBracket(h);
    h.venue.fill(h.order('b', 'entry')!, 10);
    h.settle();
    const n = h.commands.length;
    h.venue.fill(h.order('b', 'target')!, 4);
    h.settle();
    expect(h.commands.length).toBe(n);
    const stop = h.order('b', 'stop')!;
    expect(stop.qty - stop.filled).toBe(6);
  });
});

describe('broker one-cancels-all groups (ocaType 1, 2, 3)', () => {
  /** A long bracket of 10 whose entry fills at once, so the exits go out as one native list. */
  function filledBracket(profile: VenueProfile, policies: Partial<GroupPolicies> = {}) {
    const h = new Harness(XYZ, profile);
    longBracket(h, { policies });
    h.venue.fill(h.order('b', 'entry')!, 10);
    h.settle();
    return h;
  }
  const lists = (h: Harness) =>
    h.commands.flatMap((c) => (c.type === 'submit' && c.contingency ? [c.contingency] : []));

  it('the list carries the block flag the adapter maps to ocaType 1, 2 or 3', () => {
    expect(lists(filledBracket(brokerOcaVenue('cancel'), { exitSiblingOnFill: 'cancel' }))).toEqual(
      [
        { listId: 'b', kind: 'oca-cancel', block: true },
        { listId: 'b', kind: 'oca-cancel', block: true },
      ],
    );
    expect(lists(filledBracket(brokerOcaVenue('reduce-block'))).map((c) => c.block)).toEqual([
      true,
      true,
    ]);
    expect(lists(filledBracket(brokerOcaVenue('reduce-no-block'))).map((c) => c.block)).toEqual([
      false,
      false,
    ]);
  });

  it('reduce with block: a fill of the target reduces the stop atomically, so a racing stop cannot overfill', () => {
    const h = filledBracket(brokerOcaVenue('reduce-block'));
    // the target fills 4 and the stop is hit for everything before the manager hears of either
    expect(h.venue.fill(h.order('b', 'target')!, 4)).toBe(4);
    expect(h.venue.fill(h.order('b', 'stop')!, 1_000)).toBe(6);
    h.settle();
    const l = h.om.ledger('b');
    expect(l.openQty.toString()).toBe('0');
    expect(h.noticesOf('overfill')).toEqual([]);
    expect(l.status).toBe('done');
    expect(h.venue.liveOrders('b')).toEqual([]);
  });

  it('reduce without block: the same race overfills by the target fill, reported and bounded by R', () => {
    const h = filledBracket(brokerOcaVenue('reduce-no-block'));
    expect(h.venue.fill(h.order('b', 'target')!, 4)).toBe(4);
    // the reduction has not reached the stop yet: it executes at its old size
    expect(h.venue.fill(h.order('b', 'stop')!, 1_000)).toBe(10);
    h.settle();
    const l = h.om.ledger('b');
    expect(l.openQty.toString()).toBe('-4');
    expect(h.noticesOf('overfill').at(-1)?.qty.toString()).toBe('4');
    expect(l.status).toBe('done');
    expect(h.venue.liveOrders('b')).toEqual([]);
  });

  it('reduce: proportional reduction keeps both legs at the same open R, and the manager mirrors it without a modify', () => {
    for (const kind of ['reduce-block', 'reduce-no-block'] as const) {
      const h = filledBracket(brokerOcaVenue(kind));
      const n = h.commands.length;
      h.venue.fill(h.order('b', 'target')!, 3);
      h.settle();
      h.venue.fill(h.order('b', 'stop')!, 2);
      h.settle();
      // R = 10 - 5: the target (3 filled) and the triggered stop (2 filled) are each at filled + R
      // at the venue; the manager sent only the cancel of the target that a triggered stop ends
      const stop = h.order('b', 'stop')!;
      expect([stop.filled, stop.qty]).toEqual([2, 7]);
      expect(inspectOrder(h.om, stop.id)!.qty).toBe(7);
      expect(h.commands.slice(n).map((c) => c.type)).toEqual(['cancel']);
    }
  });

  it('cancel (ocaType 1): the first fill cancels every other exit at the venue, the filler carries R', () => {
    const h = filledBracket(brokerOcaVenue('cancel'), { exitSiblingOnFill: 'cancel' });
    expect(h.venue.fill(h.order('b', 'target')!, 4)).toBe(4);
    const stop = h.venue.orders.get('b:stop:1')!;
    expect(stop.status).toBe('done'); // atomically, before the manager knows
    expect(h.venue.fill(stop, 1_000)).toBe(0);
    h.settle();
    h.venue.fill(h.order('b', 'target')!, 6);
    h.settle();
    expect(h.om.ledger('b').openQty.toString()).toBe('0');
    expect(h.noticesOf('overfill')).toEqual([]);
  });

  it('reduce: exits released while the entry can still fill are emulated (upsizes would race the proportional reduction)', () => {
    const h = new Harness(XYZ, brokerOcaVenue('reduce-block'));
    longBracket(h);
    h.venue.fill(h.order('b', 'entry')!, 4);
    h.settle();
    expect(h.order('b', 'stop')!.listId).toBeNull();
    expect(lists(h)).toEqual([]);
  });

  it('cancel (ocaType 1) takes multi-target groups natively: one list of every exit, identical ledger to emulation', () => {
    const spec = multiLeg({
      id: 'm',
      symbol: 'XYZ',
      side: 'buy',
      entries: [{ qty: '9', price: '100' }],
      stops: [{ price: '95' }],
      targets: [
        { price: '105', weight: 1 },
        { price: '110', weight: 2 },
      ],
      policies: { exitSiblingOnFill: 'cancel' },
    });
    const run = (profile: VenueProfile) => {
      const h = new Harness(XYZ, profile);
      h.apply({ type: 'create', spec });
      h.settle();
      h.venue.fill(h.order('m', 'entry')!, 9);
      h.settle();
      const listed = lists(h).length;
      h.venue.fill(h.order('m', 'target1')!, 2);
      const others = h.venue
        .liveOrders('m')
        .filter((o) => o.role !== 'target' || o.id.startsWith('m:target2'));
      h.settle();
      h.venue.fill(h.order('m', 'target1')!, 100);
      h.settle();
      return { listed, others: others.length, ledger: h.om.ledger('m'), h };
    };
    const native = run(brokerOcaVenue('cancel'));
    const emulated = run(EMULATED_VENUE);
    expect(native.listed).toBe(3);
    expect(native.others).toBe(0); // the venue cancelled the stop and target2 with the fill
    expect(emulated.listed).toBe(0);
    expect(native.ledger).toEqual(emulated.ledger);
    expect(native.ledger.openQty.toString()).toBe('0');
    expect(native.h.noticesOf('overfill')).toEqual([]);
  });
});

describe('end to end through the @x/sim matching engine', () => {
  it(`random street flow: ledger equals the engine's fills, exits never exceed R, groups end flat or cancelled (seed ${FC_SEED})`, () => {
    let exitFills = 0;
    let entryFills = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.boolean(), (seed, trailing) => {
        const rng = Rng.fromSeed(seed);
        const v = new SimVenue(XYZ);
        // a two-sided book from the street
        for (let i = 1; i <= 5; i++) {
          v.other('buy', 'limit', String(5 + rng.int(0, 10 - 1)), (100 - i * 0.5).toFixed(2));
          v.other('sell', 'limit', String(5 + rng.int(0, 10 - 1)), (100 + i * 0.5).toFixed(2));
        }
        for (let g = 0; g < 3; g++) {
          const long = rng.float() < 0.5;
          v.apply({
            type: 'create',
            spec: bracket({
              id: `g${g}`,
              symbol: 'XYZ',
              side: long ? 'buy' : 'sell',
              qty: String(1 + rng.int(0, 15 - 1)),
              entryPrice: long ? '99.99' : '100.01',
              stop: trailing
                ? {
                    offset: { kind: 'ticks', value: 15 },
                    trailing: { distance: { kind: 'ticks', value: 15 } },
                  }
                : { offset: { kind: 'ticks', value: 15 } },
              target: { offset: { kind: 'ticks', value: 15 } },
            }),
          });
          v.pump();
        }
        const check = () => {
          for (const id of v.om.groupIds()) {
            const g = inspectGroup(v.om, id)!;
            const r = Math.max(0, g.entryFilled - g.exitFilled);
            for (const l of g.legs) {
              if (l.orderId === null || l.role === 'entry') continue;
              const o = inspectOrder(v.om, l.orderId)!;
              if (o.cancelIntent === 'none' && o.qty - o.filled > r)
                throw new Error(`exit ${o.id} open above R`);
            }
          }
        };
        for (let step = 0; step < 120; step++) {
          const side = rng.float() < 0.5 ? 'buy' : 'sell';
          const u = rng.float();
          if (u < 0.45) v.other(side, 'market', String(1 + rng.int(0, 15 - 1)));
          else {
            // limit orders around the last price, crossing it now and then
            const mid = Number(v.engine.lastPrice()?.toString() ?? '100');
            const px = Math.max(90, Math.min(110, mid + rng.normal(0, 0.6))).toFixed(2);
            v.other(side, 'limit', String(1 + rng.int(0, 8 - 1)), px);
          }
          check();
        }
        for (const id of v.om.groupIds()) {
          v.apply({ type: 'cancel-group', groupId: id, scope: 'all' });
          v.pump(check);
        }
        // the engine's truth equals the manager's ledger
        for (const id of v.om.groupIds()) {
          const g = inspectGroup(v.om, id)!;
          let eF = 0;
          let xF = 0;
          for (const [oid, q] of v.engineFilled) {
            const o = inspectOrder(v.om, oid)!;
            if (o.groupId !== id) continue;
            if (g.legs[o.legIndex]!.role === 'entry') eF += q;
            else xF += q;
          }
          expect([g.entryFilled, g.exitFilled]).toEqual([eF, xF]);
          entryFills += eF;
          exitFills += xF;
          expect(g.phase).toBe('done');
        }
        expect(v.engine.openOrders().filter((o) => o.owner === 'oco')).toEqual([]);
      }),
      fcParams({ numRuns: 60 }),
    );
    // the flow really exercised entries and exits
    expect(entryFills).toBeGreaterThan(100);
    expect(exitFills).toBeGreaterThan(50);
  });

  it('a bracket through the engine: partial entry, re-anchored exits, take-profit closes the position', () => {
    const v = new SimVenue(XYZ);
    v.other('sell', 'limit', '4', '100.00');
    v.apply({
      type: 'create',
      spec: bracket({
        id: 'b',
        symbol: 'XYZ',
        side: 'buy',
        qty: '10',
        entryPrice: '100.00',
        stop: { offset: { kind: 'bps', value: 50 } },
        target: { offset: { kind: 'bps', value: 50 } },
      }),
    });
    v.pump();
    let l = v.om.ledger('b');
    expect(l.entryFilled.toString()).toBe('4');
    expect(l.legs.find((x) => x.id === 'stop')?.stopPrice?.toString()).toBe('99.5');
    expect(l.legs.find((x) => x.id === 'target')?.orderQty?.toString()).toBe('4');
    v.other('sell', 'limit', '6', '99.90');
    l = v.om.ledger('b');
    expect(l.entryFilled.toString()).toBe('10');
    // the street's sell at 99.90 trades at our resting 100.00 (maker price): avg stays 100
    expect(l.avgEntryPrice?.toString()).toBe('100');
    expect(l.legs.find((x) => x.id === 'stop')?.orderQty?.toString()).toBe('10');
    expect(l.legs.find((x) => x.id === 'target')?.orderQty?.toString()).toBe('10');
    expect(
      v.engine.getOrder(l.legs.find((x) => x.id === 'stop')!.orderId!)?.leavesQty.toString(),
    ).toBe('10');
    v.other('buy', 'limit', '10', '100.50');
    l = v.om.ledger('b');
    expect(l.openQty.toString()).toBe('0');
    expect(l.status).toBe('done');
    expect(v.engine.openOrders().filter((o) => o.owner === 'oco')).toEqual([]);
  });
});

describe('model-based against the @x/sim engine', () => {
  for (const profile of [SIM_PROFILE, SIM_CANCEL_REPLACE_PROFILE]) {
    it(`street flow, brackets, amends and cancels keep the ledger equal to the engine's fills after every step (${profile.name}, seed ${FC_SEED})`, () => {
      const stats: SimStats = { fills: 0 };
      fc.assert(
        fc.property(fc.commands(simCommands, { maxCommands: 50, size: 'large' }), (cmds) =>
          simRun(cmds, stats, profile),
        ),
        fcParams({ numRuns: 300 }),
      );
      expect(stats.fills).toBeGreaterThan(300);
      if (profile.amendStopPrice) {
        // trailing stops move their trigger price in place at the engine, with no cancel-replace
        expect(stats.stopAmends).toBeGreaterThan(50);
      } else {
        expect(stats.stopAmends).toBe(0);
        expect(stats.stopReplacements).toBeGreaterThan(50);
      }
      console.log(
        `${profile.name}: ${stats.stopAmends} stop-price amends, ${stats.stopReplacements} stop replacements`,
      );
    });
  }
});
