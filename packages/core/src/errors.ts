/**
 * Typed errors shared by every `@x/*` package.
 *
 * Every error carries a stable machine-readable {@link XError.code} and structured fields.
 * `instanceof` breaks when two copies of a package are installed side by side, so each class
 * marks its instances with a `Symbol.for` key and offers a static `isInstance` check that works
 * across copies.
 *
 * @module
 */

/** Stable error codes used across the toolkit. New codes may be added; existing ones never change meaning. */
export type ErrorCode =
  | 'X_ERROR'
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'INTEGRITY'
  | 'CONFLICT'
  | 'INVALID_STATE'
  | 'UNSUPPORTED'
  | 'UNAVAILABLE';

function hasMarker(value: unknown, key: symbol): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    key in value &&
    (value as Record<symbol, unknown>)[key] === true
  );
}

/** Marks an instance with a non-enumerable `Symbol.for` key that survives duplicate installs. */
function mark(target: object, key: symbol): void {
  Object.defineProperty(target, key, { value: true, enumerable: false });
}

const baseKey: unique symbol = Symbol.for('@x/core.error.XError');

/** The plain-object form of an {@link XError}, from {@link XError.toJSON}. */
export interface XErrorJson {
  /** The error class name, such as `'ValidationError'`. */
  readonly name: string;
  /** The stable error code. */
  readonly code: ErrorCode;
  /** The human-readable message. */
  readonly message: string;
  /** The structured details. */
  readonly details: Record<string, unknown>;
}

/** Options accepted by every {@link XError} constructor. */
export interface XErrorOptions {
  /** The underlying error, kept as the standard `cause`. */
  readonly cause?: unknown;
  /** Extra structured context, serialised by {@link XError.toJSON}. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Base class of every error thrown by the toolkit.
 *
 * @example
 * ```ts
 * try {
 *   validateL2Snapshot(book);
 * } catch (e) {
 *   if (XError.isInstance(e)) console.error(e.code, e.details);
 * }
 * ```
 */
export class XError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCode;
  /** Structured context (field names, offending values, ids). */
  readonly details: Readonly<Record<string, unknown>>;

  /**
   * @param code - stable code of the error
   * @param message - human-readable message
   * @param options - cause and structured details
   */
  constructor(code: ErrorCode, message: string, options: XErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'XError';
    this.code = code;
    this.details = options.details ?? {};
    mark(this, baseKey);
  }

  /**
   * True when `value` is an {@link XError} from any installed copy of `@x/core`.
   * @param value - anything caught
   * @returns whether `value` is an `XError`
   */
  static isInstance(value: unknown): value is XError {
    return hasMarker(value, baseKey);
  }

  /** A plain-object form for logs and wire formats. */
  toJSON(): XErrorJson {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      details: { ...this.details },
    };
  }
}

const validationKey: unique symbol = Symbol.for('@x/core.error.ValidationError');

/**
 * Input failed validation: a value is out of range, malformed, non-finite, unsorted, crossed...
 *
 * @example
 * ```ts
 * const e = new ValidationError('price must be finite', { field: 'price', value: Number.NaN });
 * e.code;  // 'VALIDATION'
 * e.field; // 'price'
 * ```
 */
export class ValidationError extends XError {
  /** Name of the offending field or argument, when one can be named. */
  readonly field: string | undefined;
  /** The offending value, when it is small enough to report. */
  readonly value: unknown;

  /**
   * @param message - what is wrong, in the caller's terms
   * @param fields - the field and value at fault, plus cause and details
   */
  constructor(
    message: string,
    fields: { readonly field?: string; readonly value?: unknown } & XErrorOptions = {},
  ) {
    super('VALIDATION', message, fields);
    this.name = 'ValidationError';
    this.field = fields.field;
    this.value = fields.value;
    mark(this, validationKey);
  }

  /**
   * True when `value` is a {@link ValidationError} from any installed copy of `@x/core`.
   * @param value - anything caught
   * @returns whether `value` is a `ValidationError`
   */
  static override isInstance(value: unknown): value is ValidationError {
    return hasMarker(value, validationKey);
  }
}

const notFoundKey: unique symbol = Symbol.for('@x/core.error.NotFoundError');

/** A referenced entity (order, group, model version...) does not exist. */
export class NotFoundError extends XError {
  /** Kind of entity looked up, such as `'order'` or `'model'`. */
  readonly entity: string;
  /** The id that was not found. */
  readonly id: string;

  /**
   * @param entity - kind of entity looked up
   * @param id - the id that was not found
   * @param options - cause and structured details
   */
  constructor(entity: string, id: string | number, options: XErrorOptions = {}) {
    super('NOT_FOUND', `${entity} '${String(id)}' not found`, options);
    this.name = 'NotFoundError';
    this.entity = entity;
    this.id = String(id);
    mark(this, notFoundKey);
  }

  /**
   * True when `value` is a {@link NotFoundError} from any installed copy of `@x/core`.
   * @param value - anything caught
   * @returns whether `value` is a `NotFoundError`
   */
  static override isInstance(value: unknown): value is NotFoundError {
    return hasMarker(value, notFoundKey);
  }
}

const integrityKey: unique symbol = Symbol.for('@x/core.error.IntegrityError');

/** Stored or received data is corrupt: checksum mismatch, truncated buffer, inconsistent header. */
export class IntegrityError extends XError {
  /**
   * @param message - what is inconsistent
   * @param options - cause and structured details
   */
  constructor(message: string, options: XErrorOptions = {}) {
    super('INTEGRITY', message, options);
    this.name = 'IntegrityError';
    mark(this, integrityKey);
  }

  /**
   * True when `value` is an {@link IntegrityError} from any installed copy of `@x/core`.
   * @param value - anything caught
   * @returns whether `value` is an `IntegrityError`
   */
  static override isInstance(value: unknown): value is IntegrityError {
    return hasMarker(value, integrityKey);
  }
}

const conflictKey: unique symbol = Symbol.for('@x/core.error.ConflictError');

/** The operation conflicts with existing state: duplicate id, version already exists. */
export class ConflictError extends XError {
  /**
   * @param message - what conflicts with what
   * @param options - cause and structured details
   */
  constructor(message: string, options: XErrorOptions = {}) {
    super('CONFLICT', message, options);
    this.name = 'ConflictError';
    mark(this, conflictKey);
  }

  /**
   * True when `value` is a {@link ConflictError} from any installed copy of `@x/core`.
   * @param value - anything caught
   * @returns whether `value` is a `ConflictError`
   */
  static override isInstance(value: unknown): value is ConflictError {
    return hasMarker(value, conflictKey);
  }
}

const stateKey: unique symbol = Symbol.for('@x/core.error.InvalidStateError');

/** The operation is not allowed in the current state (predict before fit, amend of a filled order). */
export class InvalidStateError extends XError {
  /** The state the object was in, when it can be named. */
  readonly state: string | undefined;

  /**
   * @param message - what was attempted and why it is not allowed now
   * @param fields - the current state, plus cause and details
   */
  constructor(message: string, fields: { readonly state?: string } & XErrorOptions = {}) {
    super('INVALID_STATE', message, fields);
    this.name = 'InvalidStateError';
    this.state = fields.state;
    mark(this, stateKey);
  }

  /**
   * True when `value` is an {@link InvalidStateError} from any installed copy of `@x/core`.
   * @param value - anything caught
   * @returns whether `value` is an `InvalidStateError`
   */
  static override isInstance(value: unknown): value is InvalidStateError {
    return hasMarker(value, stateKey);
  }
}

const unsupportedKey: unique symbol = Symbol.for('@x/core.error.UnsupportedError');

/** The requested feature or combination of options is not supported. */
export class UnsupportedError extends XError {
  /**
   * @param message - what is not supported
   * @param options - cause and structured details
   */
  constructor(message: string, options: XErrorOptions = {}) {
    super('UNSUPPORTED', message, options);
    this.name = 'UnsupportedError';
    mark(this, unsupportedKey);
  }

  /**
   * True when `value` is an {@link UnsupportedError} from any installed copy of `@x/core`.
   * @param value - anything caught
   * @returns whether `value` is an `UnsupportedError`
   */
  static override isInstance(value: unknown): value is UnsupportedError {
    return hasMarker(value, unsupportedKey);
  }
}
