import { ConflictError, type L3Event, NotFoundError, Rng, ValidationError } from '@x/core';
import { cst2010Rates, OrderFlowGenerator } from '@x/sim';
import { expectClose, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DepletionRate,
  expectedTimeToFill,
  fillProbability,
  L2QueuePosition,
  L3QueueTracker,
} from '../src/index.js';
import { logShare, powerShare } from '../src/internal/queue-share.js';

const add = (
  ts: number,
  orderId: number,
  price: number,
  qty: number,
  side: 'buy' | 'sell' = 'buy',
): L3Event => ({
  type: 'add',
  ts,
  orderId,
  side,
  price,
  qty,
});

describe('L3QueueTracker', () => {
  it('hand-computed queue ahead through add, execute, cancel, modify', () => {
    const q = new L3QueueTracker();
    q.apply(add(0, 1, 100, 5));
    q.apply(add(1, 2, 100, 3));
    q.track(9); // before its add
    q.apply(add(2, 9, 100, 2));
    q.apply(add(3, 3, 100, 4)); // behind us
    q.apply(add(3, 4, 99, 10)); // other level
    expect(q.queueAhead(9)).toBe(8);
    q.apply({
      type: 'execute',
      ts: 4,
      makerOrderId: 1,
      takerOrderId: 'x',
      side: 'buy',
      price: 100,
      qty: 2,
      tradeId: 1,
    });
    expect(q.queueAhead(9)).toBe(6);
    q.apply({ type: 'cancel', ts: 5, orderId: 3, side: 'buy', price: 100, qty: 4 });
    expect(q.queueAhead(9)).toBe(6);
    q.apply({
      type: 'modify',
      ts: 6,
      orderId: 2,
      side: 'buy',
      price: 100,
      qty: 1,
      keptPriority: true,
    });
    expect(q.queueAhead(9)).toBe(4);
    // order 1 re-prices up and down again: it loses priority and goes behind us
    q.apply({
      type: 'modify',
      ts: 7,
      orderId: 1,
      side: 'buy',
      price: 100,
      qty: 3,
      keptPriority: false,
    });
    expect(q.queueAhead(9)).toBe(1);
    expect(q.levelQty('buy', 100)).toBe(1 + 2 + 3);
    expect(q.queueAge(9, 10)).toBe(8);
    q.apply({
      type: 'execute',
      ts: 8,
      makerOrderId: 2,
      takerOrderId: 'y',
      side: 'buy',
      price: 100,
      qty: 1,
      tradeId: 2,
    });
    expect(q.queueAhead(9)).toBe(0);
    q.apply({
      type: 'execute',
      ts: 8,
      makerOrderId: 9,
      takerOrderId: 'y',
      side: 'buy',
      price: 100,
      qty: 1,
      tradeId: 3,
    });
    expect(q.executedQty(9)).toBe(1);
    expect(q.queueAhead(9)).toBe(0);
  });

  it('rejects invalid events with typed errors, or skips them', () => {
    const q = new L3QueueTracker();
    q.apply(add(5, 1, 100, 5));
    expect(() => q.apply(add(6, 1, 100, 5))).toThrow(ConflictError);
    expect(() =>
      q.apply({ type: 'cancel', ts: 6, orderId: 7, side: 'buy', price: 100, qty: 1 }),
    ).toThrow(NotFoundError);
    expect(() => q.apply(add(4, 2, 100, 5))).toThrow(/ts/);
    expect(() => q.apply(add(6, 2, Number.NaN, 5))).toThrow(ValidationError);
    expect(() => q.apply(add(6, 2, 100, -1))).toThrow(ValidationError);
    const s = new L3QueueTracker({ onInvalid: 'skip' });
    expect(s.apply({ type: 'cancel', ts: 6, orderId: 7, side: 'buy', price: 100, qty: 1 })).toBe(
      false,
    );
    expect(s.skipped).toBe(1);
    expect(() => q.queueAhead(42)).toThrow(NotFoundError);
  });

  it('equals the @x/sim book queue on a Cont-Stoikov-Talreja stream', () => {
    // stream A gives the L3 events; twin B (same seed) is stepped by hand so its book can be read
    // exactly at the end of each model step
    const events = [
      ...new OrderFlowGenerator({ seed: 7, rates: cst2010Rates(10) }).events({ count: 60_000 }),
    ];
    const twin = new OrderFlowGenerator({ seed: 7, rates: cst2010Rates(10) });
    const q = new L3QueueTracker();
    const tracked: (string | number)[] = [];
    let adds = 0;
    let checks = 0;
    const mismatches: string[] = [];
    let i = 0;
    const last = events[events.length - 1]!.ts;
    while (twin.timeMs < last) {
      twin.step();
      for (; i < events.length && events[i]!.ts <= twin.timeMs; i++) {
        const ev = events[i]!;
        if (ev.type === 'trade') continue;
        q.apply(ev);
        if (ev.type === 'add' && ++adds % 97 === 0) {
          q.track(ev.orderId);
          tracked.push(ev.orderId);
        }
      }
      for (let k = tracked.length - 1; k >= 0; k--) {
        const id = tracked[k]!;
        if (q.has(id) !== twin.book.has(id))
          mismatches.push(`step at ${twin.timeMs}: order ${id} presence`);
        if (!twin.book.has(id)) {
          tracked.splice(k, 1); // left the book: stop comparing
          q.untrack(id);
          continue;
        }
        if (q.queueAhead(id) !== twin.book.queueAheadLots(id)) {
          mismatches.push(`order ${id}: ${q.queueAhead(id)} vs ${twin.book.queueAheadLots(id)}`);
        }
        checks++;
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(checks).toBeGreaterThan(10_000);
  });

  it('matches a naive recount on random event sequences', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 3 }),
            fc.integer({ min: 0, max: 9 }),
            fc.integer({ min: 1, max: 5 }),
            fc.boolean(),
          ),
          {
            maxLength: 80,
          },
        ),
        (ops) => {
          const q = new L3QueueTracker({ onInvalid: 'skip' });
          // naive model: array of [id, price, qty] in priority order
          let book: [number, number, number][] = [];
          q.track(0);
          let ts = 0;
          let next = 0;
          for (const [kind, pick, qty, keep] of ops) {
            ts++;
            const price = 100 + (pick % 2);
            if (kind === 0 || book.length === 0) {
              const id = next++;
              q.apply(add(ts, id, price, qty));
              book.push([id, price, qty]);
            } else {
              const o = book[pick % book.length]!;
              if (kind === 1) {
                q.apply({ type: 'cancel', ts, orderId: o[0], side: 'buy', price: o[1], qty: o[2] });
                book = book.filter((x) => x !== o);
              } else if (kind === 2) {
                const x = Math.min(qty, o[2]);
                q.apply({
                  type: 'execute',
                  ts,
                  makerOrderId: o[0],
                  takerOrderId: 't',
                  side: 'buy',
                  price: o[1],
                  qty: x,
                  tradeId: ts,
                });
                o[2] -= x;
                if (o[2] === 0) book = book.filter((y) => y !== o);
              } else {
                const np = keep ? o[1] : price;
                const nq = keep ? Math.max(1, o[2] - 1) : qty;
                q.apply({
                  type: 'modify',
                  ts,
                  orderId: o[0],
                  side: 'buy',
                  price: np,
                  qty: nq,
                  keptPriority: keep,
                });
                if (keep) o[2] = nq;
                else {
                  book = book.filter((y) => y !== o);
                  book.push([o[0], np, nq]);
                }
              }
            }
            const mine = book.find((x) => x[0] === 0);
            if (mine !== undefined) {
              let ahead = 0;
              for (const x of book) {
                if (x === mine) break;
                if (x[1] === mine[1]) ahead += x[2];
              }
              expect(q.queueAhead(0)).toBe(ahead);
            }
          }
        },
      ),
      fcParams(),
    );
  });
});

describe('L3QueueTracker keeps exact lots and trusts the venue', () => {
  const modify = (
    ts: number,
    orderId: number,
    price: number,
    qty: number,
    keptPriority: boolean,
  ): L3Event => ({
    type: 'modify',
    ts,
    orderId,
    side: 'buy',
    price,
    qty,
    keptPriority,
  });

  it('fractional sizes: nothing ahead is exactly 0, and a kept priority is kept', () => {
    const q = new L3QueueTracker({ lotSize: 0.1 });
    q.apply(add(0, 1, 100, 1.4));
    q.apply(add(1, 9, 100, 0.5));
    q.track(9);
    expect(q.queueAhead(9)).toBe(1.4);
    // 1.4 -> 1.3 with kept priority: a float copy says 1.3 > 1.4 - 0.1 = 1.2999999999999998
    q.apply(modify(2, 1, 100, 1.3, true));
    expect(q.queueAhead(9)).toBe(1.3);
    q.apply({
      type: 'execute',
      ts: 3,
      makerOrderId: 1,
      takerOrderId: 't',
      side: 'buy',
      price: 100,
      qty: 1.3,
      tradeId: 1,
    });
    expect(q.queueAhead(9)).toBe(0);
    expect(Object.is(q.queueAhead(9), 0)).toBe(true);
    expect(q.levelQty('buy', 100)).toBe(0.5);
  });

  it('the venue flag decides: a kept priority on a size increase keeps the place', () => {
    const q = new L3QueueTracker();
    q.apply(add(0, 1, 100, 3));
    q.apply(add(1, 9, 100, 1));
    q.track(9);
    q.apply(modify(2, 1, 100, 5, true));
    expect(q.queueAhead(9)).toBe(5);
    q.apply(modify(3, 1, 100, 5, false));
    expect(q.queueAhead(9)).toBe(0);
  });

  it('rejects a quantity off the lot grid and a kept priority with a new price', () => {
    const q = new L3QueueTracker({ lotSize: 0.1 });
    expect(() => q.apply(add(0, 1, 100, 0.25))).toThrow(/lotSize/);
    q.apply(add(0, 1, 100, 0.2));
    expect(() => q.apply(modify(1, 1, 101, 0.2, true))).toThrow(/keeps priority/);
    expect(() => new L3QueueTracker({ lotSize: 0 })).toThrow(ValidationError);
    expect(() => q.queueAge(1, Number.NaN)).toThrow(ValidationError);
  });

  it('matches exact rational arithmetic on fractional lots (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 30 }), fc.boolean()), {
          minLength: 1,
          maxLength: 40,
        }),
        (ops) => {
          const q = new L3QueueTracker({ lotSize: 0.1 });
          q.apply(add(0, 0, 100, 0.1));
          q.track(0);
          // every other order joins behind ours and is then cancelled or executed away
          let ts = 1;
          for (const [lots] of ops) {
            q.apply(add(ts, ts, 100, lots / 10));
            ts++;
          }
          q.apply(add(ts, 9999, 100, 0.3)); // behind
          for (let id = 1; id < ts; id++) {
            if (ops[id - 1]![1]) {
              q.apply({ type: 'cancel', ts, orderId: id, side: 'buy', price: 100, qty: 0 });
            }
          }
          expect(q.queueAhead(0)).toBe(0);
          const rest = ops.reduce((s, [l, c]) => s + (c ? 0 : l), 0) + 1 + 3;
          expect(q.levelQty('buy', 100)).toBe((rest * 1) / 10);
        },
      ),
      fcParams(),
    );
  });
});

describe('L3QueueTracker on partly invalid streams', () => {
  it('only typed errors escape, skipped events change nothing, outputs stay finite', () => {
    const bad = fc.constantFrom(Number.NaN, -1, Number.POSITIVE_INFINITY);
    const ev = fc.record({
      kind: fc.constantFrom('add', 'cancel', 'execute', 'modify'),
      id: fc.integer({ min: 0, max: 6 }),
      price: fc.oneof(fc.constantFrom(100, 101), bad),
      qty: fc.oneof(fc.integer({ min: 1, max: 5 }), bad),
      dt: fc.integer({ min: -2, max: 3 }),
      keep: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(ev, { maxLength: 80 }),
        fc.constantFrom('throw', 'skip'),
        (evs, onInvalid) => {
          const q = new L3QueueTracker({ onInvalid });
          q.track(0);
          q.track(3);
          let ts = 0;
          for (const e of evs) {
            ts += e.dt;
            const base = { ts, side: 'buy' as const, price: e.price, qty: e.qty };
            const l3: L3Event =
              e.kind === 'execute'
                ? { ...base, type: 'execute', makerOrderId: e.id, takerOrderId: 't', tradeId: ts }
                : e.kind === 'modify'
                  ? { ...base, type: 'modify', orderId: e.id, keptPriority: e.keep }
                  : { ...base, type: e.kind as 'add' | 'cancel', orderId: e.id };
            const before = q.accepted + q.skipped;
            try {
              q.apply(l3);
            } catch (err) {
              expect(onInvalid).toBe('throw');
              expect(
                ValidationError.isInstance(err) ||
                  NotFoundError.isInstance(err) ||
                  ConflictError.isInstance(err),
              ).toBe(true);
            }
            if (onInvalid === 'skip') expect(q.accepted + q.skipped).toBe(before + 1);
            for (const id of [0, 3]) {
              if (!q.has(id)) continue;
              expect(Number.isFinite(q.queueAhead(id))).toBe(true);
              expect(q.queueAhead(id)).toBeGreaterThanOrEqual(0);
              expect(Number.isFinite(q.queueAge(id))).toBe(true);
            }
            expect(Number.isFinite(q.levelQty('buy', 100))).toBe(true);
          }
        },
      ),
      fcParams(),
    );
  });
});

describe('L2QueuePosition', () => {
  it('risk-averse: trades advance, cancels come from the back', () => {
    const q = new L2QueuePosition({ side: 'buy', price: 100, qty: 2, depth: 10 });
    q.onDepth(14); // joins behind us
    expect(q.queueAhead).toBe(10);
    q.onDepth(8); // cancels: min(10, 8)
    expect(q.queueAhead).toBe(8);
    q.onTrade(100, 3, 'sell');
    q.onDepth(5);
    expect(q.queueAhead).toBe(5);
    q.onTrade(100, 3, 'buy'); // a buy aggressor does not trade against bids
    expect(q.queueAhead).toBe(5);
    q.onTrade(100, 6, 'sell');
    expect(q.filledQty).toBe(1);
    q.onTrade(99, 1, 'sell'); // swept through
    expect(q.filled).toBe(true);
  });

  it('probabilistic power model follows the documented split (hand-computed)', () => {
    // front 6, back 4 (depth 10); a cancel of 5: p = 4^2/(4^2+6^2) = 16/52
    const q = new L2QueuePosition({
      side: 'sell',
      price: 101,
      qty: 1,
      depth: 6,
      model: { type: 'power', n: 2 },
    });
    q.onDepth(10);
    q.onDepth(5);
    const p = 16 / 52;
    const want = 6 - (1 - p) * 5 + Math.min(4 - p * 5, 0);
    expectClose(q.queueAhead, Math.min(want, 5), { atol: 1e-12 });
  });

  it('counts a trade once (trade then its depth update)', () => {
    const q = new L2QueuePosition({
      side: 'buy',
      price: 100,
      qty: 1,
      depth: 10,
      model: { type: 'log' },
    });
    q.onTrade(100, 4, 'sell');
    q.onDepth(6);
    expect(q.queueAhead).toBe(6);
  });

  it('never ahead more than the depth, never NaN', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<'risk-averse' | 'power' | 'log'>('risk-averse', 'power', 'log'),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 30 })), { maxLength: 50 }),
        (model, ops) => {
          const q = new L2QueuePosition({
            side: 'buy',
            price: 100,
            qty: 3,
            depth: 20,
            model: model === 'power' ? { type: 'power', n: 3 } : { type: model },
          });
          let depth = 20;
          for (const [trade, v] of ops) {
            if (trade && v > 0) q.onTrade(100, Math.min(v, 5), 'sell');
            else {
              depth = v;
              q.onDepth(v);
              expect(q.queueAhead).toBeLessThanOrEqual(depth);
            }
            expect(Number.isFinite(q.queueAhead)).toBe(true);
            expect(q.filledQty).toBeGreaterThanOrEqual(0);
            expect(q.filledQty).toBeLessThanOrEqual(3);
          }
        },
      ),
      fcParams(),
    );
  });
});

describe('L2 queue power model in a stable form', () => {
  it('n = 40 with a deep book and with tiny sizes: finite, the right split', () => {
    // a deep book: x^40 overflows to Infinity (Infinity / Infinity = NaN before)
    const deep = new L2QueuePosition({
      side: 'buy',
      price: 100,
      qty: 1,
      depth: 2e10,
      model: { type: 'power', n: 40 },
    });
    deep.onDepth(1e10); // front 2e10, back 0 after joining: a decrease comes from the front
    expect(deep.queueAhead).toBe(1e10);
    const q = new L2QueuePosition({
      side: 'buy',
      price: 100,
      qty: 1,
      depth: 1e10,
      model: { type: 'power', n: 40 },
    });
    q.onDepth(3e10); // 2e10 joined behind us
    q.onDepth(2e10); // front 1e10, back 2e10: p = 1/(1 + 2^-40), the decrease is from the back
    expect(Number.isFinite(q.queueAhead)).toBe(true);
    expectClose(q.queueAhead, 1e10 - 1e10 / (1 + 2 ** 40), { rtol: 1e-12 });
    // tiny sizes: x^40 underflows to 0 (p = 1 before, whatever the sizes)
    const t = new L2QueuePosition({
      side: 'buy',
      price: 100,
      qty: 1e-9,
      depth: 1e-8,
      model: { type: 'power', n: 40 },
    });
    t.onDepth(2e-8);
    t.onDepth(1.5e-8); // front = back: p = 1/2
    expectClose(t.queueAhead, 1e-8 - 0.25e-8, { rtol: 1e-12 });
  });

  it('equals the direct formula where it is finite, and stays in [0, 1] everywhere (property)', () => {
    const size = fc.double({ min: 1e-300, max: 1e300, noNaN: true });
    fc.assert(
      fc.property(size, size, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (b, f, n) => {
        const p = powerShare(b, f, n);
        expect(p >= 0 && p <= 1).toBe(true);
        const fb = b ** n;
        const ff = f ** n;
        if (Number.isFinite(fb + ff) && fb > 1e-290 && ff > 1e-290) {
          expectClose(p, fb / (fb + ff), { atol: 1e-12, rtol: 1e-9 });
        }
        // monotone: more behind us, more of a decrease taken from the back
        expect(powerShare(b * 2, f, n) >= p - 1e-15).toBe(true);
        const l = logShare(b, f);
        expect(l >= 0 && l <= 1).toBe(true);
      }),
      fcParams(),
    );
  });

  it('queue ahead stays finite and within the depth on extreme streams (property)', () => {
    const size = fc.oneof(
      fc.double({ min: 0, max: 1e300, noNaN: true }),
      fc.constantFrom(0, 1e-300, 1e300),
    );
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 200, noNaN: true }),
        size,
        fc.array(fc.tuple(fc.boolean(), size), { maxLength: 30 }),
        (n, d0, steps) => {
          for (const model of [
            { type: 'power' as const, n },
            { type: 'log' as const },
            { type: 'risk-averse' as const },
          ]) {
            const q = new L2QueuePosition({ side: 'sell', price: 10, qty: 5, depth: d0, model });
            let depth = d0;
            for (const [trade, x] of steps) {
              if (trade) {
                if (x > 0) q.onTrade(10, x, 'buy');
              } else {
                q.onDepth(x);
                depth = x;
              }
              expect(Number.isFinite(q.queueAhead)).toBe(true);
              expect(q.queueAhead).toBeGreaterThanOrEqual(0);
              expect(q.queueAhead).toBeLessThanOrEqual(
                Math.max(d0, depth, ...steps.map((s) => s[1])),
              );
              expect(Number.isFinite(q.filledQty)).toBe(true);
            }
          }
        },
      ),
      fcParams(),
    );
  });
});

describe('fill probability and depletion rate', () => {
  it('Poisson closed form', () => {
    // ahead 0 -> one event needed: 1 - e^{-λh}
    expectClose(fillProbability(0, 0.01, 1, 100), 1 - Math.exp(-1), { atol: 1e-15 });
    // ahead 2.5, size 1 -> 3 events: 1 - e^{-μ}(1 + μ + μ²/2)
    const mu = 2;
    expectClose(fillProbability(2.5, 0.02, 1, 100), 1 - Math.exp(-mu) * (1 + mu + (mu * mu) / 2), {
      atol: 1e-15,
    });
    expect(expectedTimeToFill(2.5, 0.02, 1)).toBe(150);
    expect(expectedTimeToFill(1, 0, 1)).toBeUndefined();
    expect(fillProbability(1e6, 1, 1, 10)).toBe(0);
    expect(() => fillProbability(-1, 1, 1, 1)).toThrow(ValidationError);
  });

  it('recovers a known depletion rate and agrees with Monte Carlo fills', () => {
    const rng = Rng.fromSeed(5);
    const rate = 0.004; // events per ms
    const d = new DepletionRate({ tauMs: 2_000_000 });
    d.start(0);
    let t = 0;
    for (let i = 0; i < 20_000; i++) {
      t += rng.exponential(rate);
      d.observe(t, 1 + rng.int(0, 2));
    }
    expectClose(d.eventRatePerMs, rate, { rtol: 0.05 });
    expectClose(d.meanSize, 2, { rtol: 0.03 });
    // Monte Carlo of the same model: 4 ahead, unit events, 1000 ms horizon
    let hits = 0;
    const trials = 20_000;
    for (let i = 0; i < trials; i++) {
      let s = 0;
      let k = 0;
      while (true) {
        s += rng.exponential(rate);
        if (s > 1000) break;
        if (++k === 5) {
          hits++;
          break;
        }
      }
    }
    expectClose(fillProbability(4, rate, 1, 1000), hits / trials, { atol: 0.01 });
  });
});
