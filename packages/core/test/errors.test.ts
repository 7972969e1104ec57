import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  IntegrityError,
  InvalidStateError,
  NotFoundError,
  UnsupportedError,
  ValidationError,
  XError,
} from '../src/errors.js';

describe('errors', () => {
  it('carry a stable code, a name and structured fields', () => {
    const e = new ValidationError('price must be finite', { field: 'price', value: Number.NaN });
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('VALIDATION');
    expect(e.name).toBe('ValidationError');
    expect(e.field).toBe('price');
    expect(Number.isNaN(e.value)).toBe(true);
    expect(new NotFoundError('order', 42).id).toBe('42');
    expect(new NotFoundError('order', 42).message).toBe("order '42' not found");
    expect(new IntegrityError('bad checksum').code).toBe('INTEGRITY');
    expect(new ConflictError('dup').code).toBe('CONFLICT');
    expect(new InvalidStateError('not fitted', { state: 'new' }).state).toBe('new');
    expect(new UnsupportedError('no').code).toBe('UNSUPPORTED');
  });

  it('keeps the cause and serialises to JSON', () => {
    const cause = new Error('root');
    const e = new IntegrityError('header', { cause, details: { offset: 8 } });
    expect(e.cause).toBe(cause);
    expect(e.toJSON()).toEqual({
      name: 'IntegrityError',
      code: 'INTEGRITY',
      message: 'header',
      details: { offset: 8 },
    });
  });

  it('isInstance distinguishes subclasses', () => {
    const v = new ValidationError('x');
    expect(XError.isInstance(v)).toBe(true);
    expect(ValidationError.isInstance(v)).toBe(true);
    expect(NotFoundError.isInstance(v)).toBe(false);
    expect(XError.isInstance(new Error('plain'))).toBe(false);
    expect(XError.isInstance(null)).toBe(false);
    expect(XError.isInstance('VALIDATION')).toBe(false);
  });

  it('isInstance works across two copies of the module, where instanceof does not', async () => {
    // a query string makes the module loader evaluate a second, independent copy
    const secondCopy = '../src/errors.ts?second-copy';
    const copy = (await import(/* @vite-ignore */ secondCopy)) as typeof import('../src/errors.js');
    expect(copy.ValidationError).not.toBe(ValidationError);
    const foreign = new copy.ValidationError('from the other copy', { field: 'qty' });
    expect(foreign instanceof ValidationError).toBe(false);
    expect(ValidationError.isInstance(foreign)).toBe(true);
    expect(XError.isInstance(foreign)).toBe(true);
    expect(NotFoundError.isInstance(foreign)).toBe(false);
    const local = new NotFoundError('model', 'm1');
    expect(copy.NotFoundError.isInstance(local)).toBe(true);
    expect(copy.ValidationError.isInstance(local)).toBe(false);
  });
});
