import { fcParams } from '@x/test-utils';
import DecimalJs from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, isMultipleOf, roundToStep, toDecimal, toNumber } from '../src/decimal.js';
import { ValidationError } from '../src/errors.js';
import { Instrument } from '../src/instrument.js';

describe('decimal conversions', () => {
  it('number → decimal → number is the identity for every finite double (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const back = toNumber(toDecimal(x));
        expect(Object.is(back, x === 0 ? 0 : x)).toBe(true);
      }),
      fcParams({ numRuns: 2000 }),
    );
  });

  it('decimal string → number → decimal keeps the value for ≤15 significant digits (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n) + 1n, max: 10n ** 15n - 1n }),
        fc.integer({ min: 0, max: 12 }),
        (m, scale) => {
          const s = new Dec(m.toString()).div(new Dec(10).pow(scale));
          expect(toDecimal(toNumber(s)).eq(s)).toBe(true);
        },
      ),
      fcParams({ numRuns: 2000 }),
    );
  });

  it('is exact where doubles are not', () => {
    expect(toDecimal(0.1).plus(toDecimal(0.2)).toString()).toBe('0.3');
    expect(toDecimal('1e-8').times(3).toString()).toBe('0.00000003');
    expect(toDecimal(-0).isNegative()).toBe(false);
  });

  it('ignores a caller’s global decimal.js settings', () => {
    const saved = DecimalJs.precision;
    try {
      DecimalJs.set({ precision: 2 });
      const fromGlobal = new DecimalJs('1');
      const d = toDecimal(fromGlobal).div(3);
      expect(d.toString().length).toBeGreaterThan(40);
    } finally {
      DecimalJs.set({ precision: saved });
    }
  });

  it('rejects non-finite and malformed input with typed errors', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 'abc', '', '1..2', 'Infinity']) {
      expect(() => toDecimal(bad as never), String(bad)).toThrow(ValidationError);
    }
    expect(() => toDecimal({} as never)).toThrow(ValidationError);
    expect(() => toNumber('1e400')).toThrow(ValidationError);
  });
});

describe('roundToStep', () => {
  it('rounds in the requested direction', () => {
    expect(roundToStep('100.037', '0.01', 'floor').toString()).toBe('100.03');
    expect(roundToStep('100.031', '0.01', 'ceil').toString()).toBe('100.04');
    expect(roundToStep('-100.037', '0.01', 'floor').toString()).toBe('-100.04');
    expect(roundToStep('-100.037', '0.01', 'toward-zero').toString()).toBe('-100.03');
    expect(roundToStep('-100.031', '0.01', 'away-from-zero').toString()).toBe('-100.04');
    expect(roundToStep('100.025', '0.01', 'half-even').toString()).toBe('100.02');
    expect(roundToStep('100.035', '0.01', 'half-even').toString()).toBe('100.04');
    expect(roundToStep('100.025', '0.01', 'half-up').toString()).toBe('100.03');
    expect(roundToStep('7', '0.25', 'floor').toString()).toBe('7');
    expect(roundToStep('7.3', '0.25', 'ceil').toString()).toBe('7.5');
  });

  it('lands on the grid, on the requested side, within one step (property)', () => {
    const steps = ['0.01', '0.05', '0.25', '0.0001', '1', '5', '0.5'];
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.constantFrom(...steps),
        (x, step) => {
          const v = toDecimal(x);
          const f = roundToStep(v, step, 'floor');
          const c = roundToStep(v, step, 'ceil');
          const n = roundToStep(v, step, 'half-even');
          for (const r of [f, c, n]) expect(isMultipleOf(r, step)).toBe(true);
          expect(f.lte(v)).toBe(true);
          expect(c.gte(v)).toBe(true);
          expect(c.minus(f).lte(step)).toBe(true);
          expect(n.minus(v).abs().lte(new Dec(step).div(2))).toBe(true);
          // idempotent: a value on the grid stays put in every direction
          expect(roundToStep(f, step, 'ceil').eq(f)).toBe(true);
        },
      ),
      fcParams({ numRuns: 1000 }),
    );
  });

  it('rejects a non-positive step', () => {
    expect(() => roundToStep(1, 0, 'floor')).toThrow(ValidationError);
    expect(() => roundToStep(1, '-0.01', 'floor')).toThrow(ValidationError);
    expect(() => roundToStep(1, '0.01', 'sideways' as never)).toThrow(ValidationError);
  });
});

describe('Instrument', () => {
  const ins = Instrument.create({
    symbol: 'BTC-USD',
    tickSize: '0.01',
    lotSize: '0.0001',
    minQty: '0.001',
    minNotional: 10,
  });

  it('validates its spec', () => {
    expect(() => Instrument.create({ symbol: '', tickSize: 1, lotSize: 1 })).toThrow(
      ValidationError,
    );
    expect(() => Instrument.create({ symbol: 'X', tickSize: 0, lotSize: 1 })).toThrow(
      ValidationError,
    );
    expect(() => Instrument.create({ symbol: 'X', tickSize: 1, lotSize: -1 })).toThrow(
      ValidationError,
    );
    expect(() => Instrument.create({ symbol: 'X', tickSize: 1, lotSize: 1, minQty: -1 })).toThrow(
      ValidationError,
    );
    expect(() => Instrument.create({ symbol: 'X', tickSize: Number.NaN, lotSize: 1 })).toThrow(
      ValidationError,
    );
    expect(Object.isFrozen(ins)).toBe(true);
  });

  it('converts prices to ticks and quantities to lots exactly, round trip (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.integer({ min: 0, max: 1e12 }),
        (ticks, lots) => {
          expect(ins.priceToTicks(ins.ticksToPrice(ticks))).toBe(ticks);
          expect(ins.qtyToLots(ins.lotsToQty(lots))).toBe(lots);
          expect(ins.isOnTick(ins.ticksToPrice(ticks))).toBe(true);
        },
      ),
      fcParams({ numRuns: 1000 }),
    );
    expect(ins.priceToTicks('100.03')).toBe(10003);
    expect(ins.priceToTicks(100.03)).toBe(10003); // the double 100.03 converts through '100.03'
  });

  it('rounding onto the grid then converting never throws and respects direction (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 1e7, noNaN: true }), (px) => {
        const down = ins.roundPrice(px, 'floor');
        const up = ins.roundPrice(px, 'ceil');
        expect(ins.priceToTicks(up) - ins.priceToTicks(down)).toBeLessThanOrEqual(1);
        expect(down.lte(toDecimal(px)) && up.gte(toDecimal(px))).toBe(true);
        const q = ins.roundQty(px / 1000, 'floor');
        expect(ins.isOnLot(q)).toBe(true);
        expect(q.lte(toDecimal(px / 1000))).toBe(true);
      }),
      fcParams({ numRuns: 1000 }),
    );
  });

  it('rejects off-grid conversions with typed errors', () => {
    expect(() => ins.priceToTicks('100.005')).toThrow(ValidationError);
    expect(() => ins.qtyToLots('0.00005')).toThrow(ValidationError);
    expect(() => ins.ticksToPrice(1.5)).toThrow(ValidationError);
    expect(() => ins.priceToTicks('1e300')).toThrow(ValidationError);
  });

  it('checks orders against every rule', () => {
    expect(ins.checkOrder('30000', '0.001')).toBe(null);
    expect(ins.checkOrder('30000', '0')).toBe('non-positive-qty');
    expect(ins.checkOrder('30000', '0.00015')).toBe('off-lot');
    expect(ins.checkOrder('30000', '0.0005')).toBe('below-min-qty');
    expect(ins.checkOrder('30000.001', '0.001')).toBe('off-tick');
    expect(ins.checkOrder('0', '0.001')).toBe('non-positive-price');
    expect(ins.checkOrder('100', '0.001')).toBe('below-min-notional');
    expect(ins.checkOrder(undefined, '0.001')).toBe(null);
  });
});
