/**
 * Market data in the analytics domain (plain numbers): sides, trades, quotes, L2 books of N
 * levels on typed arrays with their deltas, and L3 order events.
 *
 * **L2 layout.** A side is two parallel arrays of length N, best level first. Level `m` is the
 * m-th *non-empty* price level; a side with fewer than N levels has its unused tail set to size 0
 * and price 0. Bids strictly decrease, asks strictly increase, sizes of used levels are > 0.
 *
 * **Time.** `ts` is milliseconds (epoch or stream-relative), fractional values allowed.
 *
 * @module
 */
import { ValidationError } from './errors.js';

/** Order or trade side. */
export type Side = 'buy' | 'sell';

/**
 * +1 for buy, -1 for sell.
 * @param side - the side
 */
export function sideSign(side: Side): 1 | -1 {
  return side === 'buy' ? 1 : -1;
}

/**
 * The other side.
 * @param side - the side
 */
export function oppositeSide(side: Side): Side {
  return side === 'buy' ? 'sell' : 'buy';
}

/** An order id as a venue reports it. */
export type OrderId = string | number;

/** A trade print. `aggressor` is the side of the order that removed liquidity. */
export interface Trade {
  /** Time in milliseconds. */
  readonly ts: number;
  /** Trade price. */
  readonly price: number;
  /** Traded quantity, > 0. */
  readonly qty: number;
  /** Side of the liquidity-taking order. */
  readonly aggressor: Side;
  /** Venue trade id, when known. */
  readonly tradeId?: string | number;
}

/** Best bid and offer at a point in time. */
export interface Quote {
  /** Time in milliseconds. */
  readonly ts: number;
  /** Best bid price. */
  readonly bidPrice: number;
  /** Size at the best bid. */
  readonly bidSize: number;
  /** Best ask price. */
  readonly askPrice: number;
  /** Size at the best ask. */
  readonly askSize: number;
}

/** An L2 book of N levels per side on typed arrays (see the module notes for the layout). */
export interface L2Snapshot {
  /** Time in milliseconds. */
  ts: number;
  /** Bid prices, best (highest) first. */
  readonly bidPrice: Float64Array;
  /** Bid sizes, aligned with `bidPrice`. */
  readonly bidSize: Float64Array;
  /** Ask prices, best (lowest) first. */
  readonly askPrice: Float64Array;
  /** Ask sizes, aligned with `askPrice`. */
  readonly askSize: Float64Array;
}

/**
 * An empty L2 book of `levels` levels per side.
 * @param levels - N, a positive integer
 * @returns a book with every size 0
 */
export function createL2Snapshot(levels: number): L2Snapshot {
  if (!Number.isInteger(levels) || levels < 1) {
    throw new ValidationError('levels must be a positive integer', {
      field: 'levels',
      value: levels,
    });
  }
  return {
    ts: 0,
    bidPrice: new Float64Array(levels),
    bidSize: new Float64Array(levels),
    askPrice: new Float64Array(levels),
    askSize: new Float64Array(levels),
  };
}

/**
 * A deep copy of an L2 book.
 * @param book - the book to copy
 */
export function cloneL2Snapshot(book: L2Snapshot): L2Snapshot {
  return {
    ts: book.ts,
    bidPrice: book.bidPrice.slice(),
    bidSize: book.bidSize.slice(),
    askPrice: book.askPrice.slice(),
    askSize: book.askSize.slice(),
  };
}

/** Options of {@link validateL2Snapshot}. */
export interface L2ValidationOptions {
  /** Accept a locked book (best bid equal to best ask). False by default. */
  readonly allowLocked?: boolean;
}

function validateSide(prices: Float64Array, sizes: Float64Array, side: 'bid' | 'ask'): number {
  let used = 0;
  let ended = false;
  for (let i = 0; i < prices.length; i++) {
    const p = prices[i]!;
    const s = sizes[i]!;
    if (!Number.isFinite(p)) {
      throw new ValidationError(`${side}Price[${i}] must be finite`, {
        field: `${side}Price[${i}]`,
        value: p,
      });
    }
    if (!Number.isFinite(s)) {
      throw new ValidationError(`${side}Size[${i}] must be finite`, {
        field: `${side}Size[${i}]`,
        value: s,
      });
    }
    if (s < 0) {
      throw new ValidationError(`${side}Size[${i}] must be >= 0`, {
        field: `${side}Size[${i}]`,
        value: s,
      });
    }
    if (s === 0) {
      ended = true;
      continue;
    }
    if (ended) {
      throw new ValidationError(`${side} level ${i} is non-empty after an empty level`, {
        field: `${side}Size[${i}]`,
        value: s,
      });
    }
    if (p <= 0) {
      throw new ValidationError(`${side}Price[${i}] must be > 0`, {
        field: `${side}Price[${i}]`,
        value: p,
      });
    }
    if (i > 0) {
      const prev = prices[i - 1]!;
      const sorted = side === 'bid' ? p < prev : p > prev;
      if (!sorted) {
        throw new ValidationError(
          `${side} prices must be strictly ${side === 'bid' ? 'decreasing' : 'increasing'} (level ${i - 1}: ${prev}, level ${i}: ${p})`,
          { field: `${side}Price[${i}]`, value: p },
        );
      }
    }
    used++;
  }
  return used;
}

/**
 * Largest total size (both sides, every level) of a valid L2 book. Finite sizes beyond it are
 * corrupt data, not quantities: depths, imbalances and order-flow sums of a few such books would
 * overflow to ∞ (1e308 + 1e308). {@link validateL2Snapshot} and `checkL2Book` refuse a book above
 * it.
 */
export const L2_MAX_BOOK_SIZE = 1e300;

/**
 * Checks an L2 book: equal array lengths, finite values, non-negative sizes, non-empty levels
 * first, bids strictly decreasing, asks strictly increasing, a total size of at most
 * {@link L2_MAX_BOOK_SIZE}, and a book that is not crossed.
 *
 * @param book - the book to check
 * @param options - whether a locked book is accepted
 * @throws {@link ValidationError} naming the first offending field
 *
 * @example
 * ```ts
 * const book = createL2Snapshot(2);
 * book.bidPrice.set([99, 98]); book.bidSize.set([5, 3]);
 * book.askPrice.set([101, 102]); book.askSize.set([4, 1]);
 * validateL2Snapshot(book); // ok
 * ```
 */
export function validateL2Snapshot(book: L2Snapshot, options: L2ValidationOptions = {}): void {
  const n = book.bidPrice.length;
  if (book.bidSize.length !== n || book.askPrice.length !== n || book.askSize.length !== n) {
    throw new ValidationError('all four level arrays must have the same length', {
      field: 'levels',
      details: {
        bidPrice: n,
        bidSize: book.bidSize.length,
        askPrice: book.askPrice.length,
        askSize: book.askSize.length,
      },
    });
  }
  if (!Number.isFinite(book.ts))
    throw new ValidationError('ts must be finite', { field: 'ts', value: book.ts });
  const bids = validateSide(book.bidPrice, book.bidSize, 'bid');
  const asks = validateSide(book.askPrice, book.askSize, 'ask');
  let total = 0;
  for (let i = 0; i < n; i++) total += book.bidSize[i]! + book.askSize[i]!;
  if (!(total <= L2_MAX_BOOK_SIZE)) {
    throw new ValidationError(
      `the book's total size ${total} exceeds ${L2_MAX_BOOK_SIZE}: sizes this large are corrupt data`,
      { field: 'size', value: total, details: { maxBookSize: L2_MAX_BOOK_SIZE } },
    );
  }
  if (bids > 0 && asks > 0) {
    const bb = book.bidPrice[0]!;
    const ba = book.askPrice[0]!;
    if (bb > ba || (bb === ba && options.allowLocked !== true)) {
      throw new ValidationError(
        `crossed book: best bid ${bb} ${bb === ba ? '=' : '>'} best ask ${ba}`,
        {
          field: 'bidPrice[0]',
          value: bb,
          details: { bestBid: bb, bestAsk: ba },
        },
      );
    }
  }
}

/**
 * The number of non-empty levels on one side.
 * @param book - the book
 * @param side - `'buy'` for bids, `'sell'` for asks
 */
export function l2Depth(book: L2Snapshot, side: Side): number {
  const sizes = side === 'buy' ? book.bidSize : book.askSize;
  let n = 0;
  while (n < sizes.length && sizes[n]! > 0) n++;
  return n;
}

/**
 * The mid price, or `undefined` when a side is empty.
 * @param book - the book
 */
export function midPrice(book: L2Snapshot): number | undefined {
  if (!(book.bidSize[0]! > 0) || !(book.askSize[0]! > 0)) return undefined;
  return 0.5 * (book.bidPrice[0]! + book.askPrice[0]!);
}

/**
 * A change of one price level: the new total size at `price` on `side` (0 removes the level).
 */
export interface L2Delta {
  /** Time in milliseconds. */
  readonly ts: number;
  /** `'buy'` for the bid side, `'sell'` for the ask side. */
  readonly side: Side;
  /** The level's price. */
  readonly price: number;
  /** The new total size at that price; 0 removes the level. */
  readonly size: number;
}

/**
 * Applies a level delta to an N-level book in place, keeping levels sorted. A new level worse
 * than the N-th is ignored, and inserting a level pushes the N-th out; so a book kept from deltas
 * is exact for its N levels only while the source never reports deeper levels moving up.
 *
 * @param book - the book to update
 * @param delta - the level change
 * @returns true when the top N levels changed
 * @throws {@link ValidationError} when the delta has a non-finite or negative field
 */
export function applyL2Delta(book: L2Snapshot, delta: L2Delta): boolean {
  const { price, size } = delta;
  if (!Number.isFinite(price) || !(price > 0)) {
    throw new ValidationError('delta price must be finite and > 0', {
      field: 'price',
      value: price,
    });
  }
  if (!Number.isFinite(size) || size < 0) {
    throw new ValidationError('delta size must be finite and >= 0', { field: 'size', value: size });
  }
  if (!Number.isFinite(delta.ts))
    throw new ValidationError('delta ts must be finite', { field: 'ts', value: delta.ts });
  book.ts = delta.ts;
  const isBid = delta.side === 'buy';
  const prices = isBid ? book.bidPrice : book.askPrice;
  const sizes = isBid ? book.bidSize : book.askSize;
  const n = prices.length;
  // find the first level whose price is not better than `price`
  let i = 0;
  while (i < n && sizes[i]! > 0 && (isBid ? prices[i]! > price : prices[i]! < price)) i++;
  if (i < n && sizes[i]! > 0 && prices[i] === price) {
    if (size > 0) {
      if (sizes[i] === size) return false;
      sizes[i] = size;
      return true;
    }
    // remove level i: shift the tail up
    for (let j = i; j < n - 1; j++) {
      prices[j] = prices[j + 1]!;
      sizes[j] = sizes[j + 1]!;
    }
    prices[n - 1] = 0;
    sizes[n - 1] = 0;
    return true;
  }
  if (size === 0 || i === n) return false; // removing an absent level, or a level beyond N
  for (let j = n - 1; j > i; j--) {
    prices[j] = prices[j - 1]!;
    sizes[j] = sizes[j - 1]!;
  }
  prices[i] = price;
  sizes[i] = size;
  return true;
}

/** A new resting order entered the book. */
export interface L3Add {
  /** Event kind. */
  readonly type: 'add';
  /** Time in milliseconds. */
  readonly ts: number;
  /** The order's id. */
  readonly orderId: OrderId;
  /** The order's side. */
  readonly side: Side;
  /** Limit price. */
  readonly price: number;
  /** Resting quantity. */
  readonly qty: number;
}

/** A resting order changed price or size; `qty` is the new resting quantity. */
export interface L3Modify {
  /** Event kind. */
  readonly type: 'modify';
  /** Time in milliseconds. */
  readonly ts: number;
  /** The order's id. */
  readonly orderId: OrderId;
  /** The order's side. */
  readonly side: Side;
  /** The new limit price. */
  readonly price: number;
  /** The new resting quantity. */
  readonly qty: number;
  /** Whether the order kept its queue priority (a pure size reduction does). */
  readonly keptPriority: boolean;
}

/** A resting order left the book unfilled; `qty` is the quantity removed. */
export interface L3Cancel {
  /** Event kind. */
  readonly type: 'cancel';
  /** Time in milliseconds. */
  readonly ts: number;
  /** The order's id. */
  readonly orderId: OrderId;
  /** The order's side. */
  readonly side: Side;
  /** The order's price. */
  readonly price: number;
  /** Quantity removed from the book. */
  readonly qty: number;
}

/** A resting (maker) order was executed against an incoming (taker) order. */
export interface L3Execute {
  /** Event kind. */
  readonly type: 'execute';
  /** Time in milliseconds. */
  readonly ts: number;
  /** The resting order's id. */
  readonly makerOrderId: OrderId;
  /** The incoming order's id. */
  readonly takerOrderId: OrderId;
  /** The resting order's side. */
  readonly side: Side;
  /** Execution price (the maker's price). */
  readonly price: number;
  /** Executed quantity. */
  readonly qty: number;
  /** The trade id of this execution. */
  readonly tradeId: string | number;
}

/** An order-by-order (L3) book event. */
export type L3Event = L3Add | L3Modify | L3Cancel | L3Execute;
