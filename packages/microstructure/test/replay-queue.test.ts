import { ValidationError } from '@x/core';
import { ReplayOrders } from '@x/sim';
import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type L2QueueModel, L2QueuePosition, l2QueueModel } from '../src/index.js';

const MODELS: readonly L2QueueModel[] = [
  { type: 'risk-averse' },
  { type: 'power', n: 2 },
  { type: 'power', n: 0.5 },
  { type: 'log' },
];

/** One bid level: historical adds, cancels of random orders and FIFO executions. */
const opArb = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), size: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    kind: fc.constant('cancel' as const),
    pick: fc.nat(),
    size: fc.integer({ min: 1, max: 40 }),
  }),
  fc.record({ kind: fc.constant('exec' as const), pct: fc.integer({ min: 1, max: 100 }) }),
);

describe('l2QueueModel as the replay venue’s queue model', () => {
  it('is named after the model and refuses a bad one', () => {
    expect(MODELS.map((m) => l2QueueModel(m).name)).toEqual([
      'risk-averse',
      'power(n=2)',
      'power(n=0.5)',
      'log',
    ]);
    expect(l2QueueModel().name).toBe('risk-averse');
    expect(() => l2QueueModel({ type: 'power', n: 0 })).toThrow(ValidationError);
  });

  it('ReplayOrders fills exactly as L2QueuePosition estimates from the same depth and trades (property)', () => {
    let filled = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...MODELS),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
        fc.array(opArb, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 50 }),
        (model, before, ops, myLots) => {
          const sim = new ReplayOrders({ queueModel: l2QueueModel(model) });
          expect(sim.queueModelName).toBe(l2QueueModel(model).name);
          const resting = new Map<number, number>();
          let id = 0;
          let ts = 0;
          for (const size of before) {
            sim.apply({ ts, type: 1, orderId: ++id, size, priceTicks: 100, side: 'buy' });
            resting.set(id, size);
          }
          sim.submit('me', 'buy', 100, myLots);
          const depth = () => [...resting.values()].reduce((a, b) => a + b, 0);
          const ref = new L2QueuePosition({
            side: 'buy',
            price: 100,
            qty: myLots,
            depth: depth(),
            model,
          });
          for (const op of ops) {
            ts++;
            const ids = [...resting.keys()];
            if (op.kind === 'add') {
              sim.apply({
                ts,
                type: 1,
                orderId: ++id,
                size: op.size,
                priceTicks: 100,
                side: 'buy',
              });
              resting.set(id, op.size);
            } else if (ids.length > 0 && op.kind === 'cancel') {
              const o = ids[op.pick % ids.length]!;
              const size = Math.min(op.size, resting.get(o)!);
              sim.apply({ ts, type: 2, orderId: o, size, priceTicks: 100, side: 'buy' });
              resting.set(o, resting.get(o)! - size);
            } else if (ids.length > 0 && op.kind === 'exec') {
              const o = ids[0]!;
              const size = Math.max(1, Math.floor((resting.get(o)! * op.pct) / 100));
              sim.apply({ ts, type: 4, orderId: o, size, priceTicks: 100, side: 'buy' });
              resting.set(o, resting.get(o)! - size);
              ref.onTrade(100, size, 'sell');
            } else continue;
            for (const [k, v] of resting) if (v === 0) resting.delete(k);
            ref.onDepth(depth());
            expect(sim.order('me')?.filledLots).toBe(Math.min(myLots, Math.floor(ref.filledQty)));
            if (ref.filledQty > 0) filled++;
          }
        },
      ),
      fcParams({ numRuns: 200 }),
    );
    expect(filled).toBeGreaterThan(50); // the property saw fills
  });

  it('on L2 data (depth updates and trade prints) ReplayOrders fills as L2QueuePosition (property)', () => {
    let filled = 0;
    const step = fc.oneof(
      fc.record({ kind: fc.constant('depth' as const), lots: fc.integer({ min: 0, max: 200 }) }),
      fc.record({ kind: fc.constant('trade' as const), pct: fc.integer({ min: 1, max: 100 }) }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...MODELS),
        fc.integer({ min: 0, max: 200 }),
        fc.array(step, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 50 }),
        (model, depth0, steps, myLots) => {
          const sim = new ReplayOrders({ queueModel: l2QueueModel(model) });
          let ts = 0;
          sim.applyDepth(ts, 'buy', 100, depth0);
          sim.applyDepth(ts, 'sell', 101, 500);
          sim.submit('me', 'buy', 100, myLots);
          const ref = new L2QueuePosition({
            side: 'buy',
            price: 100,
            qty: myLots,
            depth: depth0,
            model,
          });
          let depth = depth0;
          for (const s of steps) {
            ts++;
            if (s.kind === 'depth') {
              sim.applyDepth(ts, 'buy', 100, s.lots);
              ref.onDepth(s.lots);
              depth = s.lots;
            } else if (depth > 0) {
              // a sell print at our price, then the feed's depth update for it
              const q = Math.max(1, Math.floor((depth * s.pct) / 100));
              sim.applyTrade(ts, 100, q, 'sell');
              ref.onTrade(100, q, 'sell');
              depth -= q;
              sim.applyDepth(ts, 'buy', 100, depth);
              ref.onDepth(depth);
            }
            expect(sim.replay.book.levelLots('buy', 100)).toBe(depth);
            expect(sim.order('me')?.filledLots).toBe(Math.min(myLots, Math.floor(ref.filledQty)));
            if (ref.filledQty > 0) filled++;
          }
        },
      ),
      fcParams({ numRuns: 200 }),
    );
    expect(filled).toBeGreaterThan(50);
    expect(() => new ReplayOrders().applyDepth(0, 'buy', 100, 1)).toThrow(ValidationError);
  });
});
