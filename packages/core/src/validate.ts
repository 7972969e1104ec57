/**
 * Small argument checks that throw {@link ValidationError} with the field name and value, shared
 * so every package reports bad input the same way.
 *
 * @module
 */
import { ValidationError } from './errors.js';

/**
 * Asserts that `value` is a finite number.
 * @param value - the value to check
 * @param field - the argument's name, for the error
 * @throws {@link ValidationError} when it is NaN, infinite or not a number
 */
export function assertFinite(value: number, field: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValidationError(`${field} must be a finite number`, { field, value });
  }
}

/**
 * Asserts that `value` is a finite number > 0.
 * @param value - the value to check
 * @param field - the argument's name, for the error
 * @throws {@link ValidationError} otherwise
 */
export function assertPositive(value: number, field: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || !(value > 0)) {
    throw new ValidationError(`${field} must be a finite number > 0`, { field, value });
  }
}

/**
 * Asserts that `value` is a finite number >= 0.
 * @param value - the value to check
 * @param field - the argument's name, for the error
 * @throws {@link ValidationError} otherwise
 */
export function assertNonNegative(value: number, field: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || !(value >= 0)) {
    throw new ValidationError(`${field} must be a finite number >= 0`, { field, value });
  }
}

/**
 * Asserts that `value` is an integer in [min, max].
 * @param value - the value to check
 * @param field - the argument's name, for the error
 * @param min - inclusive lower bound, `-Number.MAX_SAFE_INTEGER` by default
 * @param max - inclusive upper bound, `Number.MAX_SAFE_INTEGER` by default
 * @throws {@link ValidationError} otherwise
 */
export function assertInteger(
  value: number,
  field: string,
  min = -Number.MAX_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ValidationError(`${field} must be an integer in [${min}, ${max}]`, { field, value });
  }
}

/**
 * Asserts that every element of `values` is finite; reports the first offending index.
 * @param values - the array to scan
 * @param field - the array's name, for the error
 * @throws {@link ValidationError} naming `field[i]` of the first non-finite element
 */
export function assertAllFinite(values: ArrayLike<number>, field: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      throw new ValidationError(`${field}[${i}] must be finite`, {
        field: `${field}[${i}]`,
        value: v,
      });
    }
  }
}
