/**
 * The calling thread's side of a worker's error: rebuilt as the `@x/core` class the worker threw.
 *
 * @module
 */
import {
  ConflictError,
  IntegrityError,
  InvalidStateError,
  NotFoundError,
  UnsupportedError,
  ValidationError,
  XError,
} from '@x/core';
import type { WireError } from './wire.js';

/** Rebuilds the error a worker threw, as the same `@x/core` class where it was one. */
export function errorFromWire(w: WireError): Error {
  const options = { details: w.details ?? {} };
  switch (w.name) {
    case 'ValidationError':
      return new ValidationError(w.message, {
        ...options,
        ...(w.field === undefined ? {} : { field: w.field }),
        ...('value' in w ? { value: w.value } : {}),
      });
    case 'InvalidStateError':
      return new InvalidStateError(w.message, {
        ...options,
        ...(w.state === undefined ? {} : { state: w.state }),
      });
    case 'NotFoundError': {
      const e = new NotFoundError(w.entity ?? 'entity', w.id ?? '', options);
      e.message = w.message;
      return e;
    }
    case 'IntegrityError':
      return new IntegrityError(w.message, options);
    case 'ConflictError':
      return new ConflictError(w.message, options);
    case 'UnsupportedError':
      return new UnsupportedError(w.message, options);
    default: {
      if (w.code !== undefined) {
        const e = new XError(w.code, w.message, options);
        e.name = w.name;
        return e;
      }
      const e = new Error(w.message);
      e.name = w.name;
      return e;
    }
  }
}
