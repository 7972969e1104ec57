/**
 * Allocation-free validation of L2 books for the streaming calculators. The hot path returns a
 * static reason string (or `null`); only the throwing path builds an error.
 *
 * @module
 */
import { type L2Snapshot, ValidationError, validateL2Snapshot } from '@x/core';

/** What a streaming calculator does with an invalid update. */
export type InvalidPolicy = 'throw' | 'skip';

export const R_LEVELS = 'wrong number of levels';
export const R_TS = 'timestamp is not finite or goes back in time';
export const R_BOOK = 'invalid L2 book';
export const R_OFFGRID = 'price is not on the tick grid';

/**
 * One side of a book at offset `off`: used levels first (size > 0 and finite, price > 0 and
 * finite, strictly sorted), then a tail of size exactly 0 with finite prices. Three comparisons
 * per level; NaN fails every comparison.
 */
export function bidSideOk(
  prices: Float64Array,
  sizes: Float64Array,
  off: number,
  n: number,
): boolean {
  let prev = Number.POSITIVE_INFINITY;
  let i = 0;
  for (; i < n; i++) {
    const s = sizes[off + i];
    if (!(s > 0)) break;
    const p = prices[off + i];
    if (!(p < prev && p > 0) || s === Number.POSITIVE_INFINITY) return false;
    prev = p;
  }
  for (; i < n; i++) {
    const p = prices[off + i];
    if (sizes[off + i] !== 0 || p - p !== 0) return false;
  }
  return true;
}

/** The ask side of {@link bidSideOk}: strictly increasing prices. */
export function askSideOk(
  prices: Float64Array,
  sizes: Float64Array,
  off: number,
  n: number,
): boolean {
  let prev = 0;
  let i = 0;
  for (; i < n; i++) {
    const s = sizes[off + i];
    if (!(s > 0)) break;
    const p = prices[off + i];
    if (!(p > prev && p < Number.POSITIVE_INFINITY) || s === Number.POSITIVE_INFINITY) return false;
    prev = p;
  }
  for (; i < n; i++) {
    const p = prices[off + i];
    if (sizes[off + i] !== 0 || p - p !== 0) return false;
  }
  return true;
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
  if (!bidSideOk(book.bidPrice, book.bidSize, 0, levels)) return R_BOOK;
  if (!askSideOk(book.askPrice, book.askSize, 0, levels)) return R_BOOK;
  if (book.bidSize[0] > 0 && book.askSize[0] > 0) {
    const bb = book.bidPrice[0];
    const ba = book.askPrice[0];
    if (bb > ba || (bb === ba && !allowLocked)) return R_BOOK;
  }
  return null;
}

/**
 * {@link checkBook} without the timestamp: callers test `ts` inline so that no double crosses a
 * call boundary on the hot path (V8 would box it). `null` when valid, else a static reason.
 */
export function checkShape(book: L2Snapshot, levels: number, allowLocked: boolean): string | null {
  if (
    book.bidPrice.length !== levels ||
    book.bidSize.length !== levels ||
    book.askPrice.length !== levels ||
    book.askSize.length !== levels
  ) {
    return R_LEVELS;
  }
  if (!bidSideOk(book.bidPrice, book.bidSize, 0, levels)) return R_BOOK;
  if (!askSideOk(book.askPrice, book.askSize, 0, levels)) return R_BOOK;
  if (book.bidSize[0] > 0 && book.askSize[0] > 0) {
    const bb = book.bidPrice[0];
    const ba = book.askPrice[0];
    if (bb > ba || (bb === ba && !allowLocked)) return R_BOOK;
  }
  return null;
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
  throw new ValidationError(reason, { field: 'book' });
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
