import { Instrument, ValidationError } from '@x/core';
import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gridCodec } from '../src/internal/units.js';

describe('unit parsing (decimal strings to lots and ticks)', () => {
  const steps = ['1', '0.1', '0.01', '0.001', '0.00000001', '0.5', '25', '0.05'];
  it('the fast path agrees with the exact decimal conversion, on and off the grid', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...steps),
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        (step, units, pad, offGrid) => {
          const inst = Instrument.create({ symbol: 'X', tickSize: step, lotSize: step });
          const parse = gridCodec(inst).lots;
          let s = inst.lotSize.times(units).toFixed();
          if (pad > 0) s = s.includes('.') ? s + '0'.repeat(pad) : `${s}.${'0'.repeat(pad)}`;
          if (offGrid) s = s.includes('.') ? `${s}7` : `${s}.0000000000007`;
          let fast: number | string;
          let slow: number | string;
          try {
            fast = parse(s, 'qty');
          } catch (e) {
            fast = ValidationError.isInstance(e) ? 'invalid' : String(e);
          }
          try {
            slow = inst.qtyToLots(s);
          } catch (e) {
            slow = ValidationError.isInstance(e) ? 'invalid' : String(e);
          }
          expect(fast).toBe(slow);
          if (!offGrid) expect(fast).toBe(units);
        },
      ),
      fcParams({ numRuns: 2000 }),
    );
  });

  it('falls back to the exact conversion for numbers, decimals and unusual strings', () => {
    const inst = Instrument.create({ symbol: 'X', tickSize: '0.01', lotSize: '0.01' });
    const parse = gridCodec(inst).lots;
    expect(parse(1.25, 'qty')).toBe(125);
    expect(parse(inst.lotSize.times(3), 'qty')).toBe(3);
    expect(parse('1.2e1', 'qty')).toBe(1200);
    expect(parse(' 2.5', 'qty')).toBe(250);
    expect(() => parse('1.001', 'qty')).toThrow(ValidationError);
    expect(() => parse('abc', 'qty')).toThrow(ValidationError);
  });
});
