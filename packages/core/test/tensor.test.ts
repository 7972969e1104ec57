import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import { validateExportedModel } from '../src/model.js';
import {
  assertShape,
  dtypeOf,
  isContiguous,
  shapeSize,
  tensor,
  tensorsBitEqual,
  toContiguous,
} from '../src/tensor.js';

describe('tensors', () => {
  it('builds row-major tensors over typed arrays', () => {
    const t = tensor('float32', [2, 3], new Float32Array([1, 2, 3, 4, 5, 6]));
    expect(t.get(1, 2)).toBe(6);
    expect(dtypeOf(t)).toBe('float32');
    expect(isContiguous(t)).toBe(true);
    const z = tensor('float64', [4]);
    expect(z.data).toBeInstanceOf(Float64Array);
    expect(shapeSize([2, 0, 3])).toBe(0);
    expect(shapeSize([])).toBe(1);
  });

  it('rejects data of the wrong length or type, and bad shapes', () => {
    expect(() => tensor('float32', [2, 3], new Float32Array(5))).toThrow(ValidationError);
    expect(() => tensor('float32', [2], new Float64Array(2) as never)).toThrow(ValidationError);
    expect(() => tensor('float64', [2, -1])).toThrow(ValidationError);
    expect(() => tensor('float64', [1.5])).toThrow(ValidationError);
  });

  it('assertShape names the tensor and both shapes', () => {
    const t = tensor('float64', [4, 8]);
    assertShape(t, [4, null], 'w');
    expect(() => assertShape(t, [8, 4], 'lstm.weight_ih_l0')).toThrow(
      "tensor 'lstm.weight_ih_l0' has shape [4, 8], expected [8, 4]",
    );
    expect(() => assertShape(t, [4], 'b')).toThrow(ValidationError);
  });

  it('a transposed view materialises to the transpose, and is bit-equal to it (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer(),
        (r, c, seed) => {
          const data = new Float64Array(r * c);
          for (let i = 0; i < data.length; i++) data[i] = Math.sin(seed + i);
          const t = tensor('float64', [r, c], data);
          const tt = t.transpose(1, 0);
          if (r > 1 && c > 1) expect(isContiguous(tt)).toBe(false);
          const m = toContiguous(tt);
          expect(isContiguous(m)).toBe(true);
          for (let i = 0; i < r; i++)
            for (let j = 0; j < c; j++) expect(m.get(j, i)).toBe(t.get(i, j));
          expect(tensorsBitEqual(toContiguous(m.transpose(1, 0)), t)).toBe(true);
        },
      ),
      fcParams(),
    );
  });

  it('bit equality distinguishes -0, NaN payloads, dtype and shape', () => {
    const a = tensor('float64', [2], new Float64Array([0, 1]));
    expect(tensorsBitEqual(a, tensor('float64', [2], new Float64Array([-0, 1])))).toBe(false);
    expect(tensorsBitEqual(a, tensor('float32', [2], new Float32Array([0, 1])))).toBe(false);
    expect(tensorsBitEqual(a, tensor('float64', [1, 2], new Float64Array([0, 1])))).toBe(false);
    expect(tensorsBitEqual(a, ndarray(new Float64Array([0, 1]), [2]))).toBe(true);
  });
});

describe('validateExportedModel', () => {
  const ok = {
    kind: '@x/test:M',
    formatVersion: 1,
    config: { h: 2 },
    tensors: { w: tensor('float32', [2, 2]) },
  };
  it('accepts a well-formed export and rejects kind and version mismatches', () => {
    validateExportedModel(ok, '@x/test:M');
    expect(() => validateExportedModel(ok, '@x/test:Other')).toThrow(ValidationError);
    expect(() => validateExportedModel({ ...ok, formatVersion: 0 }, '@x/test:M')).toThrow(
      ValidationError,
    );
  });
});
