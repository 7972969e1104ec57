/**
 * The one L2 book validity rule for hot paths: an allocation-free check that returns a reason code
 * (never throws, never builds a string), over a single {@link L2Snapshot} or one row of a flat batch
 * of books ({@link L2Rows}). It accepts exactly the books {@link validateL2Snapshot} accepts; the
 * throwing validator stays the place that names the offending field.
 *
 * @module
 */
import { ValidationError } from './errors.js';
import { L2_MAX_BOOK_SIZE, type L2Snapshot, validateL2Snapshot } from './market.js';

/**
 * A flat batch of L2 books: row r's level i on a side is at index `r × levels + i`, best first.
 * The layout of a recorded session for batch analytics: one typed array per field, no objects.
 */
export interface L2Rows {
  /** Number of books. */
  readonly rows: number;
  /** N, levels per side in each row. */
  readonly levels: number;
  /** Timestamps in milliseconds, one per row (optional: rows are then taken as in order). */
  readonly ts?: Float64Array;
  /** Bid prices, rows × N. */
  readonly bidPrice: Float64Array;
  /** Bid sizes, rows × N. */
  readonly bidSize: Float64Array;
  /** Ask prices, rows × N. */
  readonly askPrice: Float64Array;
  /** Ask sizes, rows × N. */
  readonly askSize: Float64Array;
}

/** The reason codes of {@link checkL2Book} and {@link checkL2Row}; `ok` (0) means valid. */
export const L2Check = {
  /** A valid book. */
  ok: 0,
  /** The level arrays do not have the expected length. */
  levels: 1,
  /** The bid side is not: non-empty levels first, finite prices > 0 strictly decreasing, finite sizes > 0, then sizes exactly 0 with finite prices. */
  bidSide: 2,
  /** The ask side breaks the same rule with prices strictly increasing. */
  askSide: 3,
  /** Best bid above best ask. */
  crossed: 4,
  /** Best bid equal to best ask, and locked books are not allowed. */
  locked: 5,
  /** The total size of the book (both sides, every level) exceeds {@link L2_MAX_BOOK_SIZE}. */
  size: 6,
} as const;

/** One of the {@link L2Check} codes. */
export type L2CheckCode = (typeof L2Check)[keyof typeof L2Check];

const MESSAGES: readonly string[] = [
  'valid',
  'wrong number of levels',
  'invalid bid side',
  'invalid ask side',
  'crossed book',
  'locked book',
  `total book size exceeds ${L2_MAX_BOOK_SIZE}`,
];

/**
 * A short description of a reason code, for logs and skip counters.
 * @param code - an {@link L2Check} code
 * @returns a static string such as `'crossed book'`
 */
export function l2CheckMessage(code: L2CheckCode): string {
  return MESSAGES[code] ?? 'unknown';
}

/**
 * One bid level of the rule, the one definition every check and fused kernel uses: walk the
 * levels best first with a state that starts at +∞. A used level (size > 0) needs a finite size
 * and a price in (0, state), strictly below the previous one, and the state becomes its price; an
 * empty level needs size exactly 0 and a finite price, and the state becomes 0 (so no used level
 * can follow). A level that breaks the rule makes the state NaN, and NaN sticks: the side is valid
 * when the state after its last level is not NaN.
 * @param prev - the state before this level (+∞ before the best level)
 * @param price - the level's price
 * @param size - the level's size
 * @returns the state after this level, NaN once the side is invalid
 */
export function l2BidStep(prev: number, price: number, size: number): number {
  if (size > 0)
    return price < prev && price > 0 && size < Number.POSITIVE_INFINITY ? price : Number.NaN;
  return size === 0 && price - price === 0 && prev >= 0 ? 0 : Number.NaN;
}

/**
 * One ask level of the rule: as {@link l2BidStep} with prices strictly increasing and finite; the
 * state starts at 0, becomes the price of a used level and +∞ after an empty one, NaN once invalid.
 * @param prev - the state before this level (0 before the best level)
 * @param price - the level's price
 * @param size - the level's size
 * @returns the state after this level, NaN once the side is invalid
 */
export function l2AskStep(prev: number, price: number, size: number): number {
  if (size > 0) {
    return price > prev && price < Number.POSITIVE_INFINITY && size < Number.POSITIVE_INFINITY
      ? price
      : Number.NaN;
  }
  return size === 0 && price - price === 0 && prev >= 0 ? Number.POSITIVE_INFINITY : Number.NaN;
}

/**
 * The rule across the sides, on the best prices: crossed (best bid > best ask) or, unless
 * allowed, locked (equal). Pass −∞ for an empty bid side and +∞ for an empty ask side.
 * @param bestBid - the best bid price, or −∞
 * @param bestAsk - the best ask price, or +∞
 * @param allowLocked - accept best bid equal to best ask
 * @returns {@link L2Check.ok}, {@link L2Check.crossed} or {@link L2Check.locked}
 */
export function l2TopCheck(bestBid: number, bestAsk: number, allowLocked: boolean): L2CheckCode {
  if (bestBid > bestAsk) return L2Check.crossed;
  return bestBid === bestAsk && !allowLocked ? L2Check.locked : L2Check.ok;
}

/**
 * The bid side of one book at offset `off` of length `n`, level by level with
 * {@link l2BidStep}. Monomorphic over `Float64Array`.
 * @param prices - bid prices
 * @param sizes - bid sizes
 * @param off - index of the best level
 * @param n - levels
 * @returns whether the side is valid
 */
export function bidSideValid(
  prices: Float64Array,
  sizes: Float64Array,
  off: number,
  n: number,
): boolean {
  let st = Number.POSITIVE_INFINITY;
  for (let i = off; i < off + n; i++) st = l2BidStep(st, prices[i]!, sizes[i]!);
  return !Number.isNaN(st);
}

/**
 * The ask side of {@link bidSideValid}, level by level with {@link l2AskStep}.
 * @param prices - ask prices
 * @param sizes - ask sizes
 * @param off - index of the best level
 * @param n - levels
 * @returns whether the side is valid
 */
export function askSideValid(
  prices: Float64Array,
  sizes: Float64Array,
  off: number,
  n: number,
): boolean {
  let st = 0;
  for (let i = off; i < off + n; i++) st = l2AskStep(st, prices[i]!, sizes[i]!);
  return !Number.isNaN(st);
}

function checkAt(
  bp: Float64Array,
  bs: Float64Array,
  ap: Float64Array,
  as: Float64Array,
  off: number,
  n: number,
  allowLocked: boolean,
): L2CheckCode {
  // both sides and the total in one pass: each level's loads serve every part of the rule
  let pb = Number.POSITIVE_INFINITY;
  let pa = 0;
  let total = 0;
  const end = off + n;
  for (let i = off; i < end; i++) {
    const qb = bs[i]!;
    const qa = as[i]!;
    pb = l2BidStep(pb, bp[i]!, qb);
    pa = l2AskStep(pa, ap[i]!, qa);
    total += qb + qa;
  }
  if (Number.isNaN(pb)) return L2Check.bidSide;
  if (Number.isNaN(pa)) return L2Check.askSide;
  // sides valid: every size is finite and >= 0, so the sum is the book's total (or +∞)
  if (!(total <= L2_MAX_BOOK_SIZE)) return L2Check.size;
  return l2TopCheck(
    bs[off]! > 0 ? bp[off]! : Number.NEGATIVE_INFINITY,
    as[off]! > 0 ? ap[off]! : Number.POSITIVE_INFINITY,
    allowLocked,
  );
}

/**
 * Checks one book without allocating. The timestamp is not checked: a caller that needs time order
 * compares `book.ts` inline (a double passed across a call boundary may be boxed).
 *
 * @param book - the book
 * @param levels - the length every level array must have
 * @param allowLocked - accept best bid equal to best ask
 * @returns {@link L2Check.ok} or the first reason the book is invalid
 *
 * @example
 * ```ts
 * const book = createL2Snapshot(1);
 * book.bidPrice[0] = 101; book.bidSize[0] = 1; book.askPrice[0] = 100; book.askSize[0] = 1;
 * checkL2Book(book, 1, false) === L2Check.crossed; // true
 * ```
 */
export function checkL2Book(book: L2Snapshot, levels: number, allowLocked: boolean): L2CheckCode {
  const { bidPrice, bidSize, askPrice, askSize } = book;
  if (
    bidPrice.length !== levels ||
    bidSize.length !== levels ||
    askPrice.length !== levels ||
    askSize.length !== levels
  ) {
    return L2Check.levels;
  }
  return checkAt(bidPrice, bidSize, askPrice, askSize, 0, levels, allowLocked);
}

/**
 * Checks row `row` of a batch without allocating (the batch's shape is checked once by
 * {@link checkL2Rows}).
 * @param rows - the batch
 * @param row - the row index
 * @param allowLocked - accept best bid equal to best ask
 * @returns {@link L2Check.ok} or the first reason the row is invalid
 */
export function checkL2Row(rows: L2Rows, row: number, allowLocked: boolean): L2CheckCode {
  const n = rows.levels;
  return checkAt(rows.bidPrice, rows.bidSize, rows.askPrice, rows.askSize, row * n, n, allowLocked);
}

/**
 * Checks the shape of a batch: integer counts and arrays of rows × levels (and rows timestamps).
 * @param rows - the batch
 * @throws {@link ValidationError} naming the field whose length is wrong
 */
export function checkL2Rows(rows: L2Rows): void {
  const { rows: r, levels: n } = rows;
  if (!Number.isSafeInteger(r) || r < 0) {
    throw new ValidationError('rows must be an integer >= 0', { field: 'rows', value: r });
  }
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new ValidationError('levels must be an integer >= 1', { field: 'levels', value: n });
  }
  for (const f of ['bidPrice', 'bidSize', 'askPrice', 'askSize'] as const) {
    if (!(rows[f] instanceof Float64Array) || rows[f].length !== r * n) {
      throw new ValidationError(`${f} must be a Float64Array of rows × levels = ${r * n}`, {
        field: f,
        value: rows[f]?.length,
      });
    }
  }
  if (rows.ts !== undefined && (!(rows.ts instanceof Float64Array) || rows.ts.length !== r)) {
    throw new ValidationError(`ts must be a Float64Array of ${r} elements`, {
      field: 'ts',
      value: rows.ts?.length,
    });
  }
}

/**
 * The detailed `ValidationError` for a book that {@link checkL2Book} refused: the throwing
 * validator's message naming the offending field, with the code in `details.check`.
 * @param code - the code {@link checkL2Book} returned (not `ok`)
 * @param book - the refused book
 * @param levels - the expected number of levels
 * @param allowLocked - as passed to the check
 * @returns the error (not thrown)
 */
export function l2CheckError(
  code: L2CheckCode,
  book: L2Snapshot,
  levels: number,
  allowLocked: boolean,
): ValidationError {
  if (code === L2Check.levels) {
    return new ValidationError(`expected ${levels} levels per side`, {
      field: 'levels',
      value: book.bidPrice.length,
      details: {
        check: code,
        expected: levels,
        bidPrice: book.bidPrice.length,
        bidSize: book.bidSize.length,
        askPrice: book.askPrice.length,
        askSize: book.askSize.length,
      },
    });
  }
  try {
    validateL2Snapshot({ ...book, ts: 0 }, { allowLocked });
  } catch (e) {
    if (ValidationError.isInstance(e)) {
      return new ValidationError(e.message, {
        field: e.field ?? 'book',
        value: e.value,
        details: { ...e.details, check: code },
      });
    }
    throw e;
  }
  return new ValidationError(l2CheckMessage(code), { field: 'book', details: { check: code } });
}
