import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import { allocFloat, floatArrayFrom } from '../src/tensor.js';
import {
  assertIncreasing,
  assertInRange,
  assertKnownKeys,
  assertNonEmptyString,
  assertObject,
  assertOneOf,
  failValidation,
} from '../src/validate.js';

describe('validators', () => {
  it('assertNonEmptyString, assertObject and failValidation name the field and the value', () => {
    expect(() => assertNonEmptyString('g1', 'groupId')).not.toThrow();
    for (const bad of ['', null, 3, undefined]) {
      expect(() => assertNonEmptyString(bad, 'groupId')).toThrow(
        'groupId must be a non-empty string',
      );
    }
    expect(() => assertObject({}, 'spec')).not.toThrow();
    for (const bad of [null, [], 'x', 1])
      expect(() => assertObject(bad, 'spec')).toThrow('spec must be an object');
    try {
      failValidation('a leg needs a price', 'price', 'x');
      expect.unreachable();
    } catch (e) {
      expect(ValidationError.isInstance(e)).toBe(true);
      expect((e as ValidationError).message).toBe('a leg needs a price');
      expect((e as ValidationError).field).toBe('price');
    }
  });

  it('assertInRange includes or excludes each end', () => {
    expect(() => assertInRange(0, 'p', 0, 1)).not.toThrow();
    expect(() => assertInRange(0, 'p', 0, 1, { minExclusive: true })).toThrow(
      /p must be a finite number in \(0, 1\]/,
    );
    expect(() => assertInRange(1, 'p', 0, 1, { maxExclusive: true })).toThrow(/\[0, 1\)/);
    expect(() => assertInRange(Number.NaN, 'p', 0, 1)).toThrow(ValidationError);
    expect(() => assertInRange('0.5' as unknown as number, 'p', 0, 1)).toThrow(ValidationError);
  });

  it('assertOneOf refuses unknown names loaded from JSON', () => {
    const loss: unknown = JSON.parse('"hubber"');
    expect(() => assertOneOf(loss, ['mse', 'huber'] as const, 'loss')).toThrow(
      "loss must be one of 'mse', 'huber'",
    );
    expect(() => assertOneOf('mse', ['mse', 'huber'] as const, 'loss')).not.toThrow();
    expect(() => assertOneOf(1, ['mse'] as const, 'loss')).toThrow(ValidationError);
  });

  it('assertIncreasing names the first element out of order', () => {
    expect(() => assertIncreasing([1, 2, 3], 'edges')).not.toThrow();
    expect(() => assertIncreasing([1, 1, 3], 'ts', false)).not.toThrow();
    expect(() => assertIncreasing([1, 1, 3], 'edges')).toThrow(/edges\[0\] = 1, edges\[1\] = 1/);
    expect(() => assertIncreasing([1, 3, 2], 'ts', false)).toThrow(/non-decreasing/);
    expect(() => assertIncreasing([1, Number.NaN], 'ts')).toThrow(/ts\[1\] must be finite/);
  });

  it('assertKnownKeys catches a misspelt option', () => {
    expect(() => assertKnownKeys({ lr: 1 }, ['lr', 'epochs'], 'options')).not.toThrow();
    try {
      assertKnownKeys({ learningRte: 1 }, ['lr'], 'options');
      expect.unreachable();
    } catch (e) {
      expect((e as ValidationError).field).toBe('options.learningRte');
    }
    expect(() => assertKnownKeys(null, [], 'options')).toThrow(/must be an object/);
  });

  it('allocFloat picks the array type by dtype, once', () => {
    expect(allocFloat('float32', 3)).toBeInstanceOf(Float32Array);
    expect(allocFloat('float64', 3)).toBeInstanceOf(Float64Array);
    expect(() => allocFloat('int8' as 'float32', 3)).toThrow(/dtype/);
    expect(() => allocFloat('float32', -1)).toThrow(/length/);
    expect(Array.from(floatArrayFrom('float32', [0.1]))).toEqual([Math.fround(0.1)]);
  });
});
