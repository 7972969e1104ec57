/**
 * The registry's own error: a backend that cannot be reached. Every other failure is one of
 * `@x/core`'s errors (`ValidationError`, `NotFoundError`, `IntegrityError`, `ConflictError`, ...).
 *
 * @module
 */
import { XError, type XErrorOptions } from '@x/core';

const unavailableKey: unique symbol = Symbol.for('@x/registry.error.StorageUnavailableError');

/**
 * The storage backend could not be reached, or the connection was lost while a request was in
 * flight (code `'UNAVAILABLE'`). A write that fails this way may or may not have been committed:
 * read the state again once the backend is back (a registration either is fully there or is not
 * there at all, never half-written). The backend keeps no broken connection: the next request
 * reconnects.
 *
 * @example
 * ```ts
 * const e = new StorageUnavailableError('connection refused', { location: 'postgres://db/reg' });
 * e.code; // 'UNAVAILABLE'
 * StorageUnavailableError.isInstance(e); // true
 * ```
 */
export class StorageUnavailableError extends XError {
  /** The store that could not be reached (without secrets). */
  readonly location: string;

  /**
   * @param message - what failed
   * @param fields - the store's location, plus cause and details
   */
  constructor(message: string, fields: { readonly location: string } & XErrorOptions) {
    super('UNAVAILABLE', message, {
      ...fields,
      details: { location: fields.location, ...fields.details },
    });
    this.name = 'StorageUnavailableError';
    this.location = fields.location;
    Object.defineProperty(this, unavailableKey, { value: true, enumerable: false });
  }

  /**
   * True when `value` is a {@link StorageUnavailableError} from any installed copy of `@x/registry`.
   * @param value - anything caught
   * @returns whether `value` is a `StorageUnavailableError`
   */
  static override isInstance(value: unknown): value is StorageUnavailableError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[unavailableKey] === true
    );
  }
}
