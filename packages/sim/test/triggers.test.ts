/**
 * The engine's trigger and expiry queues: the indexed heap against a sorted-list model, and the
 * stop trigger rule ("among the stops the last price has reached, the earliest submitted goes
 * first") checked on the engine's event stream with many stops waiting at once.
 */
import { Instrument, ManualClock } from '@x/core';
import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EngineEvent, MatchingEngine } from '../src/index.js';
import { IndexedHeap } from '../src/internal/heap.js';

interface Item {
  key: number;
  id: number;
  heapPos0: number;
  heapPos1: number;
}

describe('IndexedHeap', () => {
  it('agrees with a sorted list under push, pop and remove (two heaps sharing elements)', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('push' as const), key: fc.integer({ min: -20, max: 20 }) }),
      fc.record({ k: fc.constant('pop' as const) }),
      fc.record({ k: fc.constant('remove' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const less = (a: Item, b: Item) => a.key < b.key || (a.key === b.key && a.id < b.id);
        const h0 = new IndexedHeap<Item>(less, 0);
        // a second heap in the other slot, in the reverse order, holding the same elements
        const h1 = new IndexedHeap<Item>((a, b) => less(b, a), 1);
        let model: Item[] = [];
        let id = 0;
        const sorted = () => [...model].sort((a, b) => (less(a, b) ? -1 : 1));
        for (const o of ops) {
          if (o.k === 'push') {
            const x = { key: o.key, id: id++, heapPos0: -1, heapPos1: -1 };
            h0.push(x);
            h1.push(x);
            model.push(x);
          } else if (o.k === 'pop') {
            const expected = sorted()[0];
            expect(h0.pop()).toBe(expected);
            if (expected !== undefined) {
              expect(h1.remove(expected)).toBe(true);
              model = model.filter((x) => x !== expected);
            }
          } else if (model.length > 0) {
            const x = model[o.pick % model.length]!;
            expect(h1.remove(x)).toBe(true);
            expect(h0.remove(x)).toBe(true);
            expect(h0.remove(x)).toBe(false);
            model = model.filter((y) => y !== x);
          }
          expect(h0.size).toBe(model.length);
          expect(h0.peek()).toBe(sorted()[0]);
          expect(h1.peek()).toBe(sorted().at(-1));
        }
      }),
      fcParams({ numRuns: 200 }),
    );
  });
});

describe('stop triggers', () => {
  const inst = Instrument.create({ symbol: 'T', tickSize: '1', lotSize: '1' });
  const cmd = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        k: fc.constant('stop' as const),
        side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
        stop: fc.integer({ min: 90, max: 110 }),
        limit: fc.option(fc.integer({ min: 88, max: 112 }), { nil: undefined }),
        qty: fc.integer({ min: 1, max: 3 }),
        life: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        k: fc.constant('trade' as const),
        side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
        qty: fc.integer({ min: 1, max: 6 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant('quote' as const),
        side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
        price: fc.integer({ min: 88, max: 112 }),
        qty: fc.integer({ min: 1, max: 8 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('cancel' as const), pick: fc.nat() }) },
    {
      weight: 1,
      arbitrary: fc.record({
        k: fc.constant('move' as const),
        pick: fc.nat(),
        stop: fc.integer({ min: 90, max: 110 }),
      }),
    },
  );

  it('the earliest-submitted stop whose condition holds triggers first, never early or late', () => {
    fc.assert(
      fc.property(fc.array(cmd, { minLength: 20, maxLength: 150 }), (cmds) => {
        const clock = new ManualClock(0);
        const v = new MatchingEngine(inst, { clock });
        const events: EngineEvent[] = [];
        v.subscribe((e) => events.push(e));
        // model of the waiting stops, rebuilt from the event stream: id -> [submission, side, stop]
        const waiting = new Map<string, { seq: number; side: 'buy' | 'sell'; stop: number }>();
        const stops: string[] = [];
        let seq = 0;
        for (let p = 100; p <= 105; p++)
          v.submit({ side: 'sell', type: 'limit', price: p, qty: 5 });
        for (let p = 95; p <= 99; p++) v.submit({ side: 'buy', type: 'limit', price: p, qty: 5 });
        for (const c of cmds) {
          clock.advance(3);
          events.length = 0;
          if (c.k === 'stop') {
            const id = `s${stops.length}`;
            stops.push(id);
            v.submit({
              orderId: id,
              side: c.side,
              type: c.limit === undefined ? 'stop' : 'stop-limit',
              stopPrice: c.stop,
              ...(c.limit === undefined ? {} : { price: c.limit }),
              qty: c.qty,
              ...(c.life === undefined
                ? {}
                : { timeInForce: 'GTD', expireAtMs: clock.now() + c.life }),
            });
          } else if (c.k === 'trade') v.submit({ side: c.side, type: 'market', qty: c.qty });
          else if (c.k === 'quote') {
            v.submit({ side: c.side, type: 'limit', price: c.price, qty: c.qty });
          } else if (stops.length > 0) {
            const id = stops[c.pick % stops.length]!;
            if (c.k === 'cancel') v.cancel(id);
            else v.amend(id, { stopPrice: c.stop });
          }
          for (const e of events) {
            if (e.type === 'accepted' && e.stopPrice !== undefined) {
              waiting.set(e.orderId, { seq: seq++, side: e.side, stop: e.stopPrice.toNumber() });
            } else if (e.type === 'amended' && e.stopPrice !== undefined) {
              waiting.get(e.orderId)!.stop = e.stopPrice.toNumber();
            } else if (e.type === 'canceled') waiting.delete(e.orderId);
            else if (e.type === 'triggered') {
              const last = e.lastPrice.toNumber();
              const met = [...waiting]
                .filter(([, w]) => (w.side === 'buy' ? last >= w.stop : last <= w.stop))
                .sort((a, b) => a[1].seq - b[1].seq);
              expect(met.length).toBeGreaterThan(0);
              expect(e.orderId).toBe(met[0]![0]);
              waiting.delete(e.orderId);
            }
          }
          // after the command no waiting stop is met at the last price (none triggers late)
          const last = v.lastPrice()?.toNumber();
          if (last !== undefined) {
            for (const [id, w] of waiting) {
              expect(w.side === 'buy' ? last >= w.stop : last <= w.stop, id).toBe(false);
            }
          }
          // the model's waiting stops are the engine's
          const open = v
            .openOrders()
            .filter((o) => !o.triggered)
            .map((o) => o.orderId)
            .sort();
          expect(open).toEqual([...waiting.keys()].sort());
        }
      }),
      fcParams({ numRuns: 80 }),
    );
  });
});
