/**
 * Small argument checks that throw {@link ValidationError} with the field name and value, shared
 * so every package reports bad input the same way. Each works on values of unknown type too, so an
 * options object loaded from JSON is checked exactly like a typed literal.
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
  checkedInteger(value, field, min, max);
}

/**
 * Returns `value` when it is an integer in [min, max] (a count, a size, a lag), for options read
 * inline: `{ lags: checkedInteger(o.lags ?? 1, 'lags') }`. Any input type is taken, so a config
 * loaded from JSON is checked like a typed literal.
 * @param value - the value to check
 * @param field - the argument's name, for the error
 * @param min - inclusive lower bound, 1 by default
 * @param max - inclusive upper bound, `Number.MAX_SAFE_INTEGER` by default
 * @returns `value`
 * @throws {@link ValidationError} otherwise
 *
 * @example
 * ```ts
 * checkedInteger(3, 'levels'); // 3
 * checkedInteger(0, 'gap', 0); // 0
 * ```
 */
export function checkedInteger(
  value: unknown,
  field: string,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER
        ? `>= ${min}`
        : min === -Number.MAX_SAFE_INTEGER
          ? `<= ${max}`
          : `in [${min}, ${max}]`;
    throw new ValidationError(`${field} must be an integer ${range}`, { field, value });
  }
  return value;
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

/**
 * Asserts that `value` is a finite number in the range from `min` to `max`, each end included
 * unless excluded by `options`.
 * @param value - the value to check
 * @param field - the argument's name, for the error
 * @param min - lower bound
 * @param max - upper bound
 * @param options - `minExclusive` / `maxExclusive` to exclude an end
 * @throws {@link ValidationError} otherwise, with the range in the message
 *
 * @example
 * ```ts
 * assertInRange(0.3, 'dropout', 0, 1, { maxExclusive: true }); // ok
 * ```
 */
export function assertInRange(
  value: number,
  field: string,
  min: number,
  max: number,
  options: { readonly minExclusive?: boolean; readonly maxExclusive?: boolean } = {},
): void {
  const lo = options.minExclusive === true ? value > min : value >= min;
  const hi = options.maxExclusive === true ? value < max : value <= max;
  if (typeof value !== 'number' || !Number.isFinite(value) || !lo || !hi) {
    const range = `${options.minExclusive === true ? '(' : '['}${min}, ${max}${options.maxExclusive === true ? ')' : ']'}`;
    throw new ValidationError(`${field} must be a finite number in ${range}`, { field, value });
  }
}

/**
 * Asserts that `value` is one of the allowed strings (an enum option loaded from JSON).
 * @param value - the value to check
 * @param allowed - the accepted values
 * @param field - the argument's name, for the error
 * @throws {@link ValidationError} listing the accepted values
 *
 * @example
 * ```ts
 * const loss: unknown = 'huber';
 * assertOneOf(loss, ['mse', 'huber'] as const, 'loss'); // loss: 'mse' | 'huber' from here on
 * ```
 */
export function assertOneOf<const T extends string>(
  value: unknown,
  allowed: readonly T[],
  field: string,
): asserts value is T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ValidationError(
      `${field} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`,
      { field, value },
    );
  }
}

/**
 * Asserts that `values` is finite and increasing: strictly by default, or non-decreasing with
 * `strict: false` (timestamps that may repeat). Reports the first offending index.
 * @param values - the array to scan
 * @param field - the array's name, for the error
 * @param strict - whether equal neighbours are refused (true by default)
 * @throws {@link ValidationError} naming `field[i]` of the first element out of order or not finite
 */
export function assertIncreasing(values: ArrayLike<number>, field: string, strict = true): void {
  assertAllFinite(values, field);
  for (let i = 1; i < values.length; i++) {
    const a = values[i - 1]!;
    const b = values[i]!;
    if (strict ? !(b > a) : b < a) {
      throw new ValidationError(
        `${field} must be ${strict ? 'strictly increasing' : 'non-decreasing'}: ${field}[${i - 1}] = ${a}, ${field}[${i}] = ${b}`,
        { field: `${field}[${i}]`, value: b },
      );
    }
  }
}

/**
 * Asserts that an options object is a plain object whose keys are all known, so a misspelt option
 * (`learningRte`) in a JSON config is an error rather than silently ignored.
 * @param value - the options object
 * @param known - the accepted keys
 * @param field - the object's name, for the error
 * @throws {@link ValidationError} naming the first unknown key
 */
export function assertKnownKeys(value: unknown, known: readonly string[], field: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(`${field} must be an object`, { field, value });
  }
  for (const k of Object.keys(value)) {
    if (!known.includes(k)) {
      throw new ValidationError(`${field} has an unknown option '${k}'`, {
        field: `${field}.${k}`,
        details: { known: [...known] },
      });
    }
  }
}

/**
 * Throws the {@link ValidationError} for a rule that no generic check expresses (a bracket stop on
 * the wrong side, a leg that needs a price), with the same fields as the checks above: the one
 * way a package reports a domain rule broken by its input.
 * @param message - what is wrong, in the caller's terms
 * @param field - the argument's name
 * @param value - the offending value
 * @throws {@link ValidationError} always
 *
 * @example
 * ```ts
 * try {
 *   failValidation('a leg needs a price', 'price', undefined);
 * } catch (e) {
 *   ValidationError.isInstance(e); // true
 * }
 * ```
 */
export function failValidation(message: string, field: string, value: unknown): never {
  throw new ValidationError(message, { field, value });
}

/**
 * Asserts that `value` is a non-empty string (an id, a symbol).
 * @param value - the value to check
 * @param field - the argument's name, for the error
 * @throws {@link ValidationError} otherwise
 */
export function assertNonEmptyString(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ValidationError(`${field} must be a non-empty string`, { field, value });
  }
}

/**
 * Asserts that `value` is an object (not `null`, not an array): a spec or options record loaded
 * from JSON.
 * @param value - the value to check
 * @param field - the argument's name, for the error
 * @throws {@link ValidationError} otherwise
 */
export function assertObject(value: unknown, field: string): asserts value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(`${field} must be an object`, { field, value });
  }
}
