import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../src/clock.js';
import { toDecimal } from '../src/decimal.js';
import { ValidationError } from '../src/errors.js';
import { createIdGenerator, isUuidV7, newId } from '../src/ids.js';
import { addFill, averageFillPrice, EMPTY_FILL_TOTALS, isTerminalStatus } from '../src/orders.js';
import { Rng } from '../src/prng.js';

describe('clocks', () => {
  it('a manual clock moves only forward, when told', () => {
    const c = new ManualClock(100);
    expect(c.now()).toBe(100);
    expect(c.advance(50)).toBe(150);
    c.set(200);
    expect(c.now()).toBe(200);
    expect(() => c.set(199)).toThrow(ValidationError);
    expect(() => c.advance(-1)).toThrow(ValidationError);
    expect(() => c.advance(Number.NaN)).toThrow(ValidationError);
    expect(() => new ManualClock(Number.POSITIVE_INFINITY)).toThrow(ValidationError);
    expect(Math.abs(systemClock.now() - Date.now())).toBeLessThan(1000);
  });
});

describe('ids', () => {
  it('newId returns UUID v7 strings that sort by creation time', () => {
    const a = newId();
    expect(isUuidV7(a)).toBe(true);
    expect(isUuidV7('not-a-uuid')).toBe(false);
    expect(isUuidV7('6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(false); // v1
  });

  it('a seeded generator with a manual clock is reproducible and strictly increasing (property)', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 200 }),
        (seed, steps) => {
          const run = () => {
            const clock = new ManualClock(1_700_000_000_000);
            const ids = createIdGenerator({ clock, rng: Rng.fromSeed(seed) });
            return steps.map((s) => {
              clock.advance(s);
              return ids();
            });
          };
          const a = run();
          expect(run()).toEqual(a);
          for (let i = 0; i < a.length; i++) {
            expect(isUuidV7(a[i]!)).toBe(true);
            if (i > 0) expect(a[i]! > a[i - 1]!).toBe(true);
          }
          // the timestamp field is the clock's millisecond
          expect(Number.parseInt(a[0]!.replaceAll('-', '').slice(0, 12), 16)).toBe(
            1_700_000_000_000 + steps[0]!,
          );
        },
      ),
      fcParams({ numRuns: 50 }),
    );
  });
});

describe('fills', () => {
  it('accumulates quantity and notional exactly', () => {
    let t = EMPTY_FILL_TOTALS;
    expect(averageFillPrice(t)).toBeUndefined();
    t = addFill(t, '100.1', '0.3');
    t = addFill(t, '100.2', '0.1');
    expect(t.qty.toString()).toBe('0.4');
    expect(t.notional.toString()).toBe('40.05');
    expect(averageFillPrice(t)!.toString()).toBe('100.125');
    expect(() => addFill(t, 100, 0)).toThrow(ValidationError);
    expect(() => addFill(t, -1, 1)).toThrow(ValidationError);
  });

  it('average price lies between the min and max fill price, and order does not matter (property)', () => {
    const fill = fc.record({
      px: fc.integer({ min: 1, max: 100000 }),
      q: fc.integer({ min: 1, max: 1000 }),
    });
    fc.assert(
      fc.property(fc.array(fill, { minLength: 1, maxLength: 30 }), (fills) => {
        const sum = (fs: typeof fills) =>
          fs.reduce(
            (t, f) => addFill(t, toDecimal(f.px).div(100), toDecimal(f.q).div(1000)),
            EMPTY_FILL_TOTALS,
          );
        const a = sum(fills);
        const b = sum([...fills].reverse());
        expect(a.qty.eq(b.qty) && a.notional.eq(b.notional)).toBe(true);
        const avg = averageFillPrice(a)!;
        const pxs = fills.map((f) => f.px / 100);
        expect(avg.gte(Math.min(...pxs)) && avg.lte(Math.max(...pxs))).toBe(true);
      }),
      fcParams(),
    );
  });

  it('knows the terminal statuses', () => {
    expect(
      ['filled', 'canceled', 'rejected', 'expired'].every((s) => isTerminalStatus(s as never)),
    ).toBe(true);
    expect(
      ['new', 'partially-filled', 'pending-new'].some((s) => isTerminalStatus(s as never)),
    ).toBe(false);
  });
});
