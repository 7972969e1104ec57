import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { mostProbableClass, ValidationError } from '../src/index.js';

describe('mostProbableClass', () => {
  it('picks the first of equal maxima, as numpy argmax does', () => {
    const p = ndarray(new Float64Array([0.2, 0.8, 0.5, 0.5, 0.4, 0.3]), [3, 2]);
    expect(Array.from(mostProbableClass(p, new Int32Array([3, 7])))).toEqual([7, 3, 3]);
  });

  it('reads strided views (a transposed matrix) like their contiguous copy', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 30, maxLength: 30 }),
        (n, K, raw) => {
          const vals = Float64Array.from(raw.slice(0, n * K));
          const t = ndarray(vals, [K, n]).transpose(1, 0);
          const classes = Int32Array.from({ length: K }, (_, k) => 10 * k);
          const got = mostProbableClass(t, classes);
          for (let i = 0; i < n; i++) {
            let best = 0;
            for (let k = 1; k < K; k++) if (t.get(i, k) > t.get(i, best)) best = k;
            expect(got[i]).toBe(classes[best]);
          }
        },
      ),
      fcParams(),
    );
  });

  it('refuses labels that do not match the columns', () => {
    const p = ndarray(new Float64Array(4), [2, 2]);
    expect(() => mostProbableClass(p, new Int32Array([1]))).toThrow(ValidationError);
  });
});
