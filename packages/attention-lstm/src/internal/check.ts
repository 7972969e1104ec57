/**
 * The few run-time checks `@x/core`'s validators do not cover, for options that arrive from
 * JSON as well as from typed literals.
 * @internal
 */
import { ValidationError } from '@x/core';

/** `v` when it is one of `allowed`. */
export function oneOf<T extends string>(v: unknown, field: string, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new ValidationError(
      `${field} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`,
      {
        field,
        value: v,
      },
    );
  }
  return v as T;
}

/** `v`, or `dflt` when undefined, when it is a boolean. */
export function bool(v: unknown, field: string, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') {
    throw new ValidationError(`${field} must be a boolean`, { field, value: v });
  }
  return v;
}

/** `v` when it is a finite number in [lo, hi) (or [lo, hi] with `closed`). */
export function inRange(v: unknown, field: string, lo: number, hi: number, closed = false): number {
  if (typeof v !== 'number' || !(v >= lo) || !(closed ? v <= hi : v < hi)) {
    throw new ValidationError(`${field} must be in [${lo}, ${hi}${closed ? ']' : ')'}`, {
      field,
      value: v,
    });
  }
  return v;
}

/** Throws unless `v` is undefined or a function. */
export function optFn(v: unknown, field: string): void {
  if (v !== undefined && typeof v !== 'function') {
    throw new ValidationError(`${field} must be a function`, { field });
  }
}

/** Throws unless `v` is an object (not null, not an array). */
export function obj(v: unknown, field: string): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new ValidationError(`${field} must be an object`, { field });
  }
}

/** Throws on a key outside `allowed` (a misspelt option from JSON, which a typed literal would refuse). */
export function knownKeys(v: object, field: string, allowed: readonly string[]): void {
  for (const k of Object.keys(v)) {
    if (!allowed.includes(k)) {
      throw new ValidationError(
        `unknown option '${k}' in ${field} (known: ${allowed.join(', ')})`,
        {
          field: `${field}.${k}`,
        },
      );
    }
  }
}
