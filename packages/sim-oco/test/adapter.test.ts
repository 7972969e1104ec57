/**
 * The adapter end to end: @x/oco's OrderManager on @x/sim's MatchingEngine through SimOcoSession,
 * by random street flow and by fast-check model-based runs (moved here from @x/oco's tests).
 */
import { Instrument, Rng } from '@x/core';
import { bracket } from '@x/oco';
import { FC_SEED, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SIM_CANCEL_REPLACE_PROFILE, SIM_VENUE_PROFILE } from '../src/index.js';
import { inspectGroup, inspectOrder } from './helpers/inspect.js';
import { type SimStats, simCommands, simRun } from './helpers/sim-model.js';
import { SimVenue } from './helpers/sim-venue.js';

const XYZ = Instrument.create({ symbol: 'XYZ', tickSize: '0.01', lotSize: '1' });

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
  for (const profile of [SIM_VENUE_PROFILE, SIM_CANCEL_REPLACE_PROFILE]) {
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
