import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeldIndex, type HeldState } from '../src/internal/held.js';

/** The naive index the heaps replace: an insertion-ordered map scanned on every market event. */
class NaiveHeld {
  private readonly groups = new Map<string, { symbol: string; state: HeldState }>();
  set(symbol: string, id: string, state: HeldState): void {
    if (state.kind === 'none') this.groups.delete(id);
    else if (this.groups.has(id)) this.groups.get(id)!.state = state;
    else this.groups.set(id, { symbol, state });
  }
  due(symbol: string, last: number): string[] {
    const out: string[] = [];
    for (const [id, g] of this.groups) {
      if (g.symbol !== symbol) continue;
      const s = g.state;
      if (s.kind === 'any') out.push(id);
      else if (s.kind === 'trigger' && (s.side === 'above' ? s.key < last : s.key > last))
        out.push(id);
    }
    return out;
  }
}

const stateArb: fc.Arbitrary<HeldState> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(HeldIndex.NONE) },
  { weight: 1, arbitrary: fc.constant(HeldIndex.ANY) },
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.constantFrom('above' as const, 'below' as const), fc.integer({ min: 90, max: 110 }))
      .map(([side, key]) => HeldIndex.trigger(side, key)),
  },
);

const opArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      symbol: fc.constantFrom('A', 'B'),
      id: fc.integer({ min: 0, max: 30 }).map((i) => `g${i}`),
      state: stateArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('market' as const),
      symbol: fc.constantFrom('A', 'B'),
      last: fc.oneof(
        fc.integer({ min: 85, max: 115 }),
        fc.double({ min: 85, max: 115, noNaN: true }),
      ),
      // what the reconciliation of each due group then says about it
      after: fc.array(stateArb, { minLength: 40, maxLength: 40 }),
    }),
  },
);

describe('held-back stops: the heap index equals the naive scan', () => {
  it('hands out the same groups, in the same order, after any sequence (property)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
        const heap = new HeldIndex();
        const naive = new NaiveHeld();
        const symbolOf = new Map<string, string>();
        for (const op of ops) {
          if (op.kind === 'set') {
            // a group keeps its symbol
            const symbol = symbolOf.get(op.id) ?? op.symbol;
            symbolOf.set(op.id, symbol);
            heap.set(symbol, op.id, op.state);
            naive.set(symbol, op.id, op.state);
            continue;
          }
          const got = [...heap.due(op.symbol, op.last)];
          expect(got).toEqual(naive.due(op.symbol, op.last));
          // the caller re-registers every group it was handed (a reconciliation does)
          got.forEach((id, i) => {
            heap.set(op.symbol, id, op.after[i % op.after.length]!);
            naive.set(op.symbol, id, op.after[i % op.after.length]!);
          });
        }
      }),
      fcParams({ numRuns: 1000 }),
    );
  });

  it('a market event touches only the triggers it crossed, and stale entries are dropped', () => {
    const h = new HeldIndex();
    for (let i = 0; i < 10_000; i++) h.set('A', `l${i}`, HeldIndex.trigger('above', 1000 + i));
    for (let i = 0; i < 10_000; i++) h.set('A', `s${i}`, HeldIndex.trigger('below', 900 - i));
    expect(h.due('A', 950)).toEqual([]);
    expect([...h.due('A', 1002.5)]).toEqual(['l0', 'l1', 'l2']);
    expect([...h.due('A', 898)]).toEqual(['s0', 's1']);
    // a trailing trigger moved many times leaves no unbounded garbage behind
    for (let k = 0; k < 50_000; k++)
      h.set('A', 'l5000', HeldIndex.trigger('above', 2000 + (k % 7)));
    expect(h.size).toBe(20_000); // the five handed out stay registered until re-set
    expect(h.heapEntries).toBeLessThanOrEqual(2 * (20_000 - 5) + 64);
    h.set('A', 'l5000', HeldIndex.NONE);
    expect(h.size).toBe(20_000 - 1);
    expect([...h.due('A', 1e9)]).toHaveLength(10_000 - 3 - 1);
  });
});
