import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, type Decimal, parseDecimal } from '../src/decimal.js';
import { ValidationError } from '../src/errors.js';
import { Grid, type GridReject } from '../src/grid.js';
import { Instrument } from '../src/instrument.js';

/** The reference: the definition, in exact decimal arithmetic, with no fast path. */
function reference(step: Decimal, value: unknown): number | GridReject {
  const d = parseDecimal(value);
  if (typeof d === 'string') return d;
  if (!d.mod(step).isZero()) return 'off-grid';
  const q = d.div(step);
  if (q.abs().gt(Number.MAX_SAFE_INTEGER)) return 'out-of-range';
  return q.toNumber();
}

const steps = ['1', '0.01', '0.5', '0.00000001', '0.001', '0.25', '5', '100', '0.0001'];

/** Decimal strings near and off each grid, in every notation the fast path may see. */
const decimalString = fc
  .tuple(
    fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
    fc.integer({ min: 0, max: 12 }),
    fc.constantFrom('', '0', '00', '5', '000000000000000000001'),
  )
  .map(([digits, scale, tail]) => {
    const neg = digits < 0n;
    const abs = (neg ? -digits : digits).toString().padStart(scale + 1, '0');
    const int = abs.slice(0, abs.length - scale);
    const frac = abs.slice(abs.length - scale) + tail;
    return `${neg ? '-' : ''}${int}${frac.length > 0 ? `.${frac}` : ''}`;
  });

describe('Grid', () => {
  it('fast and exact paths agree with the exact definition on strings (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...steps), decimalString, (step, v) => {
        const g = new Grid(step, 'price');
        expect(g.parse(v)).toBe(reference(new Dec(step), v));
      }),
      fcParams({ numRuns: 3000 }),
    );
  });

  it('fast and exact paths agree with the exact definition on numbers (property)', () => {
    const near = fc
      .tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.constantFrom(1, 10, 100, 1000, 1e8))
      .map(([n, s]) => n / s);
    fc.assert(
      fc.property(
        fc.constantFrom(...steps),
        fc.oneof(near, fc.double({ noNaN: true, min: -1e18, max: 1e18 })),
        (step, v) => {
          expect(new Grid(step, 'qty').parse(v)).toBe(reference(new Dec(step), v));
        },
      ),
      fcParams({ numRuns: 3000 }),
    );
  });

  it('refuses what is not a plain decimal, says why, and never reads hexadecimal', () => {
    const g = new Grid('0.01', 'price');
    expect(g.parse('0x10')).toBe('syntax');
    expect(g.parse('0b1')).toBe('syntax');
    expect(g.parse('1,5')).toBe('syntax');
    expect(g.parse('')).toBe('syntax');
    expect(g.parse('NaN')).toBe('non-finite');
    expect(g.parse('-Infinity')).toBe('non-finite');
    expect(g.parse(Number.POSITIVE_INFINITY)).toBe('non-finite');
    expect(g.parse({})).toBe('type');
    expect(g.parse(`1.${'0'.repeat(60)}1`)).toBe('off-grid'); // decided on every digit
    expect(g.parse(`1${'1'.repeat(55)}`)).toBe('precision'); // on the grid, too many digits
    expect(g.parse('1e400')).toBe('out-of-range');
    expect(g.parse(`100.${'0'.repeat(52)}1`)).toBe('off-grid');
    expect(g.parse(`100.${'0'.repeat(40)}1`)).toBe('off-grid'); // 1e-41 off: exact, not rounded
    try {
      g.toUnits('1e400');
      expect.unreachable();
    } catch (e) {
      expect(ValidationError.isInstance(e)).toBe(true);
      expect((e as ValidationError).message).toMatch(/more than 9007199254740991 steps/);
      expect((e as ValidationError).details).toEqual({ reason: 'out-of-range' });
    }
    expect(() => g.toUnits('0x10')).toThrow(/plain notation/);
  });

  it('converts beyond 2^53 exactly with bigints', () => {
    const lots = new Grid('0.00000001', 'qty');
    const ticks = new Grid('0.01', 'price');
    // 5 units at 100,000 on a crypto grid: 5e8 lots × 1e7 ticks = 5e15 units of notional
    const n = lots.toBigUnits('123.45678901') * ticks.toBigUnits('98765.43');
    expect(n).toBe(12345678901n * 9876543n);
    expect(ticks.fromBigUnits(2n ** 70n).toString()).toBe(
      new Dec(2).pow(70).times('0.01').toString(),
    );
    expect(() => lots.toBigUnits('0.000000001')).toThrow(/not a multiple/);
  });

  it('round trips units for every safe integer (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...steps),
        fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        (step, n) => {
          const g = new Grid(step, 'price');
          expect(g.parse(g.fromUnits(n))).toBe(n === 0 ? 0 : n);
          expect(g.parse(g.fromUnits(n).toString())).toBe(n === 0 ? 0 : n);
        },
      ),
      fcParams({ numRuns: 2000 }),
    );
  });
});

describe('Grid.ratio and Grid.format', () => {
  /** The reference ratio: the value divided by the step in exact decimals, then to a double. */
  function ratioReference(step: Decimal, value: unknown): number | string {
    const d = parseDecimal(value);
    if (typeof d === 'string') return d;
    const q = d.div(step).toNumber();
    return q === 0 ? 0 : q;
  }

  it('ratio equals the exact quotient rounded once, on and off the grid (property)', () => {
    const near = fc
      .tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.constantFrom(1, 10, 100, 1000, 1e8))
      .map(([n, s]) => n / s);
    fc.assert(
      fc.property(
        fc.constantFrom(...steps),
        fc.oneof(decimalString, near, fc.double({ noNaN: true, min: -1e18, max: 1e18 })),
        (step, v) => {
          expect(new Grid(step, 'price').ratio(v)).toBe(ratioReference(new Dec(step), v));
        },
      ),
      fcParams({ numRuns: 3000 }),
    );
  });

  it('ratio says why a value is not a decimal, and reads on-grid values as whole units', () => {
    const g = new Grid('0.01', 'price');
    expect(g.ratio('100.25')).toBe(10025);
    expect(g.ratio('-100.255')).toBe(-10025.5);
    expect(g.ratio(100.005)).toBe(10000.5);
    expect(g.ratio('0x10')).toBe('syntax');
    expect(g.ratio('Infinity')).toBe('non-finite');
    expect(g.ratio(`100.${'0'.repeat(48)}1`)).toBe('precision');
    expect(g.ratio('1e400')).toBe(Number.POSITIVE_INFINITY);
    expect(g.ratio({})).toBe('type');
  });

  it('format is the exact plain string of units × step for every safe integer (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...steps, '0.000000000000001'),
        fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        (step, n) => {
          const g = new Grid(step, 'qty');
          const s = g.format(n);
          expect(s).toBe(new Dec(step).times(n).toFixed());
          expect(g.parse(s)).toBe(n === 0 ? 0 : n);
        },
      ),
      fcParams({ numRuns: 3000 }),
    );
    expect(() => new Grid('0.01', 'price').format(0.5)).toThrow(ValidationError);
    expect(new Grid('0.001', 'qty').format(-5)).toBe('-0.005');
  });
});

describe('Instrument on its grids', () => {
  /** The rule as written before the grids: exact decimal comparisons. */
  function checkOrderReference(ins: Instrument, price: string | undefined, qty: string) {
    const q = new Dec(qty);
    if (!q.gt(0)) return 'non-positive-qty';
    if (!q.mod(ins.lotSize).isZero()) return 'off-lot';
    if (q.lt(ins.minQty)) return 'below-min-qty';
    if (price !== undefined) {
      const p = new Dec(price);
      if (!p.gt(0)) return 'non-positive-price';
      if (!p.mod(ins.tickSize).isZero()) return 'off-tick';
      if (p.times(q).lt(ins.minNotional)) return 'below-min-notional';
    }
    return null;
  }

  it('checkOrder equals the exact decimal rule, including products beyond 2^53 (property)', () => {
    const spec = fc.record({
      tickSize: fc.constantFrom('0.01', '0.5', '1', '0.0001'),
      lotSize: fc.constantFrom('0.00000001', '0.001', '1', '0.25'),
      minQty: fc.constantFrom('0', '0.001', '2'),
      minNotional: fc.constantFrom('0', '10', '1000000', '12345.678'),
    });
    const value = fc
      .tuple(fc.bigInt({ min: -10n, max: 10n ** 14n }), fc.integer({ min: 0, max: 9 }))
      .map(([d, s]) => new Dec(d.toString()).div(new Dec(10).pow(s)).toFixed());
    fc.assert(
      fc.property(spec, fc.option(value, { nil: undefined }), value, (s, price, qty) => {
        const ins = Instrument.create({ symbol: 'T', ...s });
        expect(ins.checkOrder(price, qty)).toBe(checkOrderReference(ins, price, qty));
      }),
      fcParams({ numRuns: 3000 }),
    );
  });

  it('priceToTicks and checkOrder agree on values just off the grid and on hexadecimal', () => {
    const ins = Instrument.create({ symbol: 'T', tickSize: '0.01', lotSize: '1' });
    const tiny = `100.${'0'.repeat(40)}1`; // 1e-41 off the grid, within the 50 digits
    expect(ins.checkOrder(tiny, '1')).toBe('off-tick');
    expect(() => ins.priceToTicks(tiny)).toThrow(/not a multiple/);
    const tinier = `100.${'0'.repeat(50)}1`; // 1e-53 off: more digits than the arithmetic carries
    expect(ins.checkOrder(tinier, '1')).toBe('off-tick'); // still decided exactly
    expect(() => ins.priceToTicks(tinier)).toThrow(/not a multiple/);
    expect(() => ins.checkOrder(`1${'0'.repeat(55)}`, `1${'1'.repeat(55)}`)).toThrow(
      /more than 50 significant digits/,
    );
    expect(() => ins.checkOrder('100', '0x10')).toThrow(/plain notation/);
    expect(() => ins.qtyToLots('0x10')).toThrow(ValidationError);
  });
});
