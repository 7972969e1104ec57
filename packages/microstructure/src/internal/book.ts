/**
 * The package's one L2 book-validity rule, allocation-free, with reason codes. Every streaming
 * calculator and every batch function of this package checks books through this module (the
 * fused OFI kernels call its per-level steps), so the rule is written once; it can later
 * delegate to `@x/core`'s check without changing its callers.
 *
 * **The rule.** Each side has its used levels first (size > 0, price finite and > 0, prices
 * strictly decreasing on the bid and increasing on the ask), then a tail of levels with size
 * exactly 0 and a finite price; the book is not crossed (best bid > best ask) and, unless
 * allowed, not locked (equal); the total size of the book (both sides, every level) is at most
 * {@link MAX_BOOK_SIZE}, so no depth, imbalance or OFI of a few books can overflow. A streaming
 * calculator also needs the same number of levels each time and a timestamp that is finite and
 * does not go back.
 *
 * **Interface.** {@link nextBidLevel} / {@link nextAskLevel} advance a side one level at a time
 * (a number in, a number out: inlined by V8, nothing allocated); {@link bookRowReason} checks a
 * row of flat arrays and {@link checkBook} / {@link checkShape} a snapshot, returning `null` or one
 * of the static reason codes `R_*`; only {@link throwBookError} builds an error.
 *
 * @module
 */
import { type L2Snapshot, ValidationError, validateL2Snapshot } from '@x/core';

/** What a streaming calculator does with an invalid update. */
export type InvalidPolicy = 'throw' | 'skip';

/** Reason code: the arrays do not have the expected number of levels. */
export const R_LEVELS = 'wrong number of levels';
/** Reason code: the timestamp is not finite or goes back. */
export const R_TS = 'timestamp is not finite or goes back in time';
/** Reason code: a level breaks the per-side rule, or the book is crossed or locked. */
export const R_BOOK = 'invalid L2 book';
/** Reason code: the book's total size exceeds {@link MAX_BOOK_SIZE}. */
export const R_SIZE = 'total book size exceeds 1e300';
/** Reason code (tick-mode OFI): a price off the tick grid. */
export const R_OFFGRID = 'price is not on the tick grid';
/** Reason code (calculators that need both sides): a side is empty. */
export const R_EMPTY = 'a side of the book is empty';

/**
 * Largest total size (both sides, all levels) of a valid book. Finite sizes beyond it are corrupt
 * data, not quantities: they would overflow depths and imbalances (1e308 + 1e308 = ∞).
 */
export const MAX_BOOK_SIZE = 1e300;

const INF = Number.POSITIVE_INFINITY;

/**
 * One bid level after the previous one. `prev` is +∞ before the first level, the previous used
 * price, or 0 once the side has ended; returns the new state, or NaN when the level breaks the
 * rule (NaN then sticks: every later step returns NaN).
 */
export function nextBidLevel(prev: number, price: number, size: number): number {
  if (size > 0) return price < prev && price > 0 && size < INF ? price : Number.NaN;
  return size === 0 && price - price === 0 && prev >= 0 ? 0 : Number.NaN;
}

/**
 * One ask level after the previous one. `prev` is 0 before the first level, the previous used
 * price, or +∞ once the side has ended; NaN as in {@link nextBidLevel}.
 */
export function nextAskLevel(prev: number, price: number, size: number): number {
  if (size > 0) return price > prev && price < INF && size < INF ? price : Number.NaN;
  return size === 0 && price - price === 0 && prev >= 0 ? INF : Number.NaN;
}

/**
 * Whether best prices cross (or lock, unless allowed). Pass −∞ for an empty bid side and +∞ for
 * an empty ask side.
 */
export function crosses(bestBid: number, bestAsk: number, allowLocked: boolean): boolean {
  return bestBid > bestAsk || (bestBid === bestAsk && !allowLocked);
}

/**
 * The rule (without timestamp and level count) on row `off` of flat arrays, n levels per side:
 * `null` when valid, else {@link R_BOOK} or {@link R_SIZE}.
 */
export function bookRowReason(
  bp: Float64Array,
  bs: Float64Array,
  ap: Float64Array,
  as: Float64Array,
  off: number,
  n: number,
  allowLocked: boolean,
): string | null {
  let b = INF;
  let a = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const qb = bs[off + i];
    const qa = as[off + i];
    b = nextBidLevel(b, bp[off + i], qb);
    a = nextAskLevel(a, ap[off + i], qa);
    total += qb + qa;
  }
  if (Number.isNaN(b) || Number.isNaN(a)) return R_BOOK;
  const bb = bs[off] > 0 ? bp[off] : -INF;
  const ba = as[off] > 0 ? ap[off] : INF;
  if (crosses(bb, ba, allowLocked)) return R_BOOK;
  return total <= MAX_BOOK_SIZE ? null : R_SIZE;
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
  return bookRowReason(
    book.bidPrice,
    book.bidSize,
    book.askPrice,
    book.askSize,
    0,
    levels,
    allowLocked,
  );
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
      `the book's total size exceeds ${MAX_BOOK_SIZE}: sizes this large are corrupt data`,
      { field: 'size', details: { maxBookSize: MAX_BOOK_SIZE } },
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
