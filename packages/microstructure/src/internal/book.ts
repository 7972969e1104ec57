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

function checkSide(prices: Float64Array, sizes: Float64Array, isBid: boolean): boolean {
  let ended = false;
  let prev = 0;
  const n = prices.length;
  for (let i = 0; i < n; i++) {
    const p = prices[i];
    const s = sizes[i];
    // NaN fails every comparison below, so `!(x >= 0)` style checks reject it
    if (!(s >= 0) || s === Number.POSITIVE_INFINITY) return false;
    if (!Number.isFinite(p)) return false;
    if (s === 0) {
      ended = true;
      continue;
    }
    if (ended || !(p > 0)) return false;
    if (i > 0 && (isBid ? !(p < prev) : !(p > prev))) return false;
    prev = p;
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
  if (!checkSide(book.bidPrice, book.bidSize, true)) return R_BOOK;
  if (!checkSide(book.askPrice, book.askSize, false)) return R_BOOK;
  if (book.bidSize[0] > 0 && book.askSize[0] > 0) {
    const bb = book.bidPrice[0];
    const ba = book.askPrice[0];
    if (bb > ba || (bb === ba && !allowLocked)) return R_BOOK;
  }
  return null;
}

/**
 * Throws the most specific {@link ValidationError} for a book that {@link checkBook} rejected.
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
