import type { OrderId } from '@x/core';
import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdIndex } from '../src/internal/id-index.js';

// ids that stress both paths: small and huge safe integers (low words that collide), negatives,
// 0 and -0 (one key, as in a Map), and ids that go to the Map fallback
const idArb: fc.Arbitrary<OrderId> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 40 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 8 }).map((k) => k * 2 ** 32 + 7) },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: -1 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<OrderId>(
      -0,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
      2 ** 53,
      1.5,
      Number.NaN,
      '1',
      'a',
      '',
    ),
  },
);

type Op = { k: 'set' | 'delete' | 'get'; id: OrderId };

describe('IdIndex (TickBook order-id index)', () => {
  it('behaves like a Map under any sequence of set/delete/get, through growth and collisions', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(
          fc.record({ k: fc.constantFrom<Op['k']>('set', 'set', 'delete', 'get'), id: idArb }),
          { maxLength: 400 },
        ),
        (capacity, ops) => {
          const index = new IdIndex(capacity);
          const model = new Map<OrderId, number>();
          let next = 0;
          for (const op of ops) {
            if (op.k === 'set') {
              if (model.has(op.id)) continue; // the book never sets a stored id
              model.set(op.id, next);
              index.set(op.id, next++);
            } else if (op.k === 'delete') {
              model.delete(op.id);
              index.delete(op.id);
            }
            expect(index.get(op.id)).toBe(model.get(op.id) ?? -1);
            expect(index.has(op.id)).toBe(model.has(op.id));
            expect(index.size).toBe(model.size);
          }
          for (const [id, v] of model) expect(index.get(id)).toBe(v);
          index.clear();
          expect(index.size).toBe(0);
          for (const id of model.keys()) expect(index.get(id)).toBe(-1);
        },
      ),
      fcParams({ numRuns: 300 }),
    );
  });

  it('treats 0 and -0 as one id and the number 1 and the string "1" as two', () => {
    const index = new IdIndex(4);
    index.set(-0, 3);
    expect(index.get(0)).toBe(3);
    index.set(1, 4);
    index.set('1', 5);
    expect(index.get(1)).toBe(4);
    expect(index.get('1')).toBe(5);
    index.delete(0);
    expect(index.has(-0)).toBe(false);
    expect(index.size).toBe(2);
  });

  it('keeps every id through repeated churn at a fixed population (no lost entries)', () => {
    const index = new IdIndex(64);
    const live: number[] = [];
    let id = 0;
    for (let i = 0; i < 64; i++) {
      index.set(id, id);
      live.push(id++);
    }
    for (let step = 0; step < 20_000; step++) {
      const victim = live.splice((step * 7919) % live.length, 1)[0]!;
      index.delete(victim);
      index.set(id, id);
      live.push(id++);
    }
    expect(index.size).toBe(64);
    for (const k of live) expect(index.get(k)).toBe(k);
    expect(index.get(live[0]! - 1)).toBe(-1);
  });
});
