import { ValidationError } from '@x/core';
import { expect } from 'vitest';

/** Asserts that `f` throws a `ValidationError` (from any copy of @x/core). */
export function expectValidationError(f: () => unknown): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(ValidationError.isInstance(err), String(err)).toBe(true);
}
