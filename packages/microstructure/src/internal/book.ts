/**
 * How this package applies `@x/core`'s one L2 book-validity rule (`checkL2Book`, `checkL2Row`):
 * the core check's reason codes mapped onto this package's static reason strings, the timestamp
 * and level-count rules of a stream, and the package's one invalid-input policy. Every streaming
 * calculator and every batch function checks books through this module, and this module through
 * core, so the rule is written once.
 *
 * **The rule** (core's): each side has its used levels first (size > 0, price finite and > 0,
 * prices strictly decreasing on the bid and increasing on the ask), then a tail of levels with size
 * exactly 0 and a finite price; the total size of the book is at most `L2_MAX_BOOK_SIZE` (1e300),
 * so no depth, imbalance or OFI of a few books can overflow; the book is not crossed (best bid >
 * best ask) and, unless allowed, not locked (equal). A streaming calculator also needs the same
 * number of levels each time and a timestamp that is finite and does not go back.
 *
 * **Interface.** {@link checkShape} / {@link checkBook} check a snapshot and {@link rowReason} a
 * row of a batch, returning `null` or one of the static reason codes `R_*` (no allocation); only
 * {@link throwBookError} builds an error.
 *
 * @module
 */
import {
  checkL2Book,
  checkL2Row,
  L2_MAX_BOOK_SIZE,
  type L2CheckCode,
  type L2Rows,
  type L2Snapshot,
  ValidationError,
  validateL2Snapshot,
} from '@x/core';

/** What a streaming calculator does with an invalid update. */
export type InvalidPolicy = 'throw' | 'skip';

/** Reason code: the arrays do not have the expected number of levels. */
export const R_LEVELS = 'wrong number of levels';
/** Reason code: the timestamp is not finite or goes back. */
export const R_TS = 'timestamp is not finite or goes back in time';
/** Reason code: a level breaks the per-side rule, or the book is crossed or locked. */
export const R_BOOK = 'invalid L2 book';
/** Reason code: the book's total size exceeds core's `L2_MAX_BOOK_SIZE`. */
export const R_SIZE = 'total book size exceeds 1e300';
/** Reason code (tick-mode OFI): a price off the tick grid. */
export const R_OFFGRID = 'price is not on the tick grid';
/** Reason code (calculators that need both sides): a side is empty. */
export const R_EMPTY = 'a side of the book is empty';

/** Core's `L2Check` codes (ok, levels, bidSide, askSide, crossed, locked, size) as reasons. */
const REASONS: readonly (string | null)[] = [
  null,
  R_LEVELS,
  R_BOOK,
  R_BOOK,
  R_BOOK,
  R_BOOK,
  R_SIZE,
];

/** The reason string of a core check code (`null` for ok). */
function reasonOf(code: L2CheckCode): string | null {
  return code === 0 ? null : (REASONS[code] ?? R_BOOK);
}

/**
 * Core's rule on row `row` of a batch (shape checked beforehand): `null` when valid, else
 * {@link R_BOOK} or {@link R_SIZE}.
 */
export function rowReason(rows: L2Rows, row: number, allowLocked: boolean): string | null {
  return reasonOf(checkL2Row(rows, row, allowLocked));
}

/**
 * {@link checkBook} without the timestamp: callers test `ts` inline so that no double crosses a
 * call boundary on the hot path (V8 would box it). `null` when valid, else a static reason.
 */
export function checkShape(book: L2Snapshot, levels: number, allowLocked: boolean): string | null {
  const code = checkL2Book(book, levels, allowLocked);
  return code === 0 ? null : reasonOf(code);
}

/**
 * Checks a book without allocating: `null` when valid, else a static reason.
 * @param levels - the required array length
 * @param lastTs - the previous accepted timestamp (`-Infinity` before the first)
 */
export function checkBook(
  book: L2Snapshot,
  levels: number,
  lastTs: number,
  allowLocked: boolean,
): string | null {
  if (
    book.bidPrice.length !== levels ||
    book.bidSize.length !== levels ||
    book.askPrice.length !== levels ||
    book.askSize.length !== levels
  ) {
    return R_LEVELS;
  }
  const ts = book.ts;
  if (!Number.isFinite(ts) || ts < lastTs) return R_TS;
  return checkShape(book, levels, allowLocked);
}

/**
 * Throws the most specific `ValidationError` for a book that {@link checkBook} rejected.
 */
export function throwBookError(
  reason: string,
  book: L2Snapshot,
  levels: number,
  lastTs: number,
  allowLocked: boolean,
): never {
  if (reason === R_LEVELS) {
    throw new ValidationError(`expected ${levels} levels per side`, {
      field: 'levels',
      value: book.bidPrice.length,
      details: {
        expected: levels,
        bidPrice: book.bidPrice.length,
        bidSize: book.bidSize.length,
        askPrice: book.askPrice.length,
        askSize: book.askSize.length,
      },
    });
  }
  if (reason === R_TS) {
    throw new ValidationError(`ts ${book.ts} is not finite or is before the previous ${lastTs}`, {
      field: 'ts',
      value: book.ts,
      details: { previousTs: lastTs },
    });
  }
  if (reason === R_BOOK) validateL2Snapshot(book, { allowLocked });
  if (reason === R_SIZE) {
    throw new ValidationError(
      `the book's total size exceeds ${L2_MAX_BOOK_SIZE}: sizes this large are corrupt data`,
      { field: 'size', details: { maxBookSize: L2_MAX_BOOK_SIZE } },
    );
  }
  throw new ValidationError(reason, { field: 'book' });
}

/**
 * The package's one invalid-input policy, applied: throws the error of `reason` under
 * `'throw'`, returns normally under `'skip'` (the caller then counts the skip and changes
 * nothing).
 */
export function rejectBook(
  policy: InvalidPolicy,
  reason: string,
  book: L2Snapshot,
  levels: number,
  lastTs: number,
  allowLocked: boolean,
): void {
  if (policy === 'skip') return;
  if (reason === R_EMPTY) {
    throw new ValidationError('a book with an empty side is not accepted here', {
      field: 'book',
    });
  }
  throwBookError(reason, book, levels, lastTs, allowLocked);
}

/** Validates a policy option. */
export function checkPolicy(p: unknown): InvalidPolicy {
  if (p === undefined) return 'throw';
  if (p !== 'throw' && p !== 'skip') {
    throw new ValidationError("onInvalid must be 'throw' or 'skip'", {
      field: 'onInvalid',
      value: p,
    });
  }
  return p;
}

/** Validates an `allowLocked` option (a boolean, default false). */
export function checkAllowLocked(v: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') {
    throw new ValidationError('allowLocked must be a boolean', { field: 'allowLocked', value: v });
  }
  return v;
}
