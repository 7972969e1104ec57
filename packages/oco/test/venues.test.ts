import { Instrument } from '@x/core';
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
import { inspectOrder } from '../src/internal/inspect.js';
import { Harness, longBracket } from './helpers/harness.js';

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
