/**
 * Historical L3 replay: a day of order-by-order messages (LOBSTER's, or any source with the same
 * fields) applied to a {@link TickBook}, so the book after every message can be read, compared with
 * the venue's own reconstruction, and traded against.
 *
 * Each message is applied as the venue reported it: a submission rests at its price (the back of
 * its queue), a cancellation or deletion removes quantity from the named order, an execution
 * reduces the named order (not re-matched by price-time priority: the venue sometimes executes an
 * order with visible shares ahead of it, so reducing the named order is the exact rule), a hidden
 * execution or a cross is a trade without a book change, and a halt is surfaced.
 *
 * Orders that rested before the file's first message appear only in later cancellations and
 * executions. {@link L3Replay.seed} enters the first book as one synthetic order per level
 * (negative ids); an event naming an unknown order is then taken from the seeded order at its side
 * and price, and what no seeded order can absorb is counted in {@link ReplayStats.unseenLots}.
 *
 * @module
 */
import { type L2Snapshot, type OrderId, type Side, ValidationError } from '@x/core';
import { TickBook } from './book.js';

/** One historical message, in ticks and lots: what `@x/data`'s `LobsterMessage` carries. */
export interface HistoricalMessage {
  /** Time in milliseconds. */
  readonly ts: number;
  /** 1 submit, 2 partial cancel, 3 delete, 4 visible execution, 5 hidden execution, 6 cross, 7 halt. */
  readonly type: number;
  /** The order's id (positive). */
  readonly orderId: number;
  /** Quantity in lots (shares). */
  readonly size: number;
  /** Price in ticks (an integer; `@x/data` fills it when given the instrument's tick). */
  readonly priceTicks: number;
  /** The order's side; for executions, the resting order's side. */
  readonly side: Side;
}

/** A trade of the historical stream. */
export interface ReplayTrade {
  /** Time in milliseconds. */
  readonly ts: number;
  /** Price in ticks. */
  readonly priceTicks: number;
  /** Quantity in lots. */
  readonly lots: number;
  /** The side of the liquidity taker (the opposite of the resting order's side). */
  readonly aggressor: Side;
  /** The resting order. */
  readonly makerOrderId: number;
  /** `'visible'` (type 4), `'hidden'` (type 5, no book change) or `'cross'` (type 6, an auction). */
  readonly kind: 'visible' | 'hidden' | 'cross';
}

/** What a replay has seen, by kind of message and by what could not be applied exactly. */
export interface ReplayStats {
  /** Messages applied. */
  messages: number;
  /** Submissions that rest in the book. */
  adds: number;
  /** Partial cancellations and deletions. */
  cancels: number;
  /** Visible executions. */
  executions: number;
  /** Hidden executions (trades without a book change). */
  hiddenExecutions: number;
  /** Cross trades. */
  crosses: number;
  /** Trading halts and resumptions. */
  halts: number;
  /** Orders entered by {@link L3Replay.seed}. */
  seededOrders: number;
  /** Cancellations and executions of orders the file never showed, taken from a seeded level. */
  fromSeed: number;
  /** Lots of cancellations and executions that no order in the book could absorb. */
  unseenLots: number;
  /** Messages naming an order the file never showed with no seeded level to take them from. */
  unseenOrders: number;
  /** Submissions refused by the book (an id already resting, a bad price), counted, not applied. */
  refusedAdds: number;
}

/** Options of {@link L3Replay}. */
export interface L3ReplayOptions {
  /** Called for every trade of the stream (visible and hidden executions, crosses). */
  readonly onTrade?: (trade: ReplayTrade) => void;
  /** Called for every halt message (type 7), as LOBSTER writes it. */
  readonly onHalt?: (message: HistoricalMessage) => void;
  /**
   * Called whenever a cancellation, deletion or visible execution removes lots from a resting
   * order, just before the book changes (the order is still in `book`, with its time priority)
   * and before the trade of an execution is reported: the order actually reduced (a seeded
   * order's negative id when the message named an order the file never showed), its side and
   * price, and the lots removed. Primitive arguments: a listener that counts allocates nothing.
   */
  readonly onReduce?: (
    orderId: OrderId,
    side: Side,
    priceTicks: number,
    lots: number,
    execution: boolean,
  ) => void;
}

/** The synthetic id of the seeded order at one side and price: negative, unique. */
function seedId(side: Side, priceTicks: number): number {
  return -(2 * priceTicks + (side === 'buy' ? 1 : 2));
}

/**
 * Replays order-by-order historical messages through a {@link TickBook}.
 *
 * @example
 * ```ts
 * const replay = new L3Replay();
 * replay.apply({ ts: 0, type: 1, orderId: 7, size: 100, priceTicks: 58533, side: 'buy' });
 * replay.apply({ ts: 1, type: 4, orderId: 7, size: 40, priceTicks: 58533, side: 'buy' });
 * replay.book.levelLots('buy', 58533); // 60
 * ```
 */
export class L3Replay {
  /** The reconstructed book (read it between messages; do not submit to it). */
  readonly book = new TickBook();
  /** What has been applied so far. */
  readonly stats: ReplayStats = {
    messages: 0,
    adds: 0,
    cancels: 0,
    executions: 0,
    hiddenExecutions: 0,
    crosses: 0,
    halts: 0,
    seededOrders: 0,
    fromSeed: 0,
    unseenLots: 0,
    unseenOrders: 0,
    refusedAdds: 0,
  };
  private readonly onTrade: ((t: ReplayTrade) => void) | undefined;
  private readonly onHalt: ((m: HistoricalMessage) => void) | undefined;
  private readonly onReduce: L3ReplayOptions['onReduce'];
  private lastTs = Number.NEGATIVE_INFINITY;

  /** @param options - trade and halt callbacks */
  constructor(options: L3ReplayOptions = {}) {
    this.onTrade = options.onTrade;
    this.onHalt = options.onHalt;
    this.onReduce = options.onReduce;
  }

  /**
   * Enters a book that existed before the first message: one synthetic order (negative id) per
   * non-empty level. Call it once, before the first message, with the venue's book as of then
   * (for LOBSTER, the first orderbook row with the first message undone, or simply the first row
   * when the replay starts at the second message).
   * @param book - the book, prices in currency units
   * @param tickSize - the tick in the same units, to convert prices to ticks
   * @throws `ValidationError` when a price is off the tick grid or messages were applied
   */
  seed(book: L2Snapshot, tickSize: number): void {
    if (this.stats.messages > 0 || this.book.size() > 0) {
      throw new ValidationError('seed before the first message', { field: 'seed' });
    }
    if (!(tickSize > 0) || tickSize === Number.POSITIVE_INFINITY) {
      throw new ValidationError('tickSize must be finite and > 0', {
        field: 'tickSize',
        value: tickSize,
      });
    }
    const sides = [
      ['buy', book.bidPrice, book.bidSize],
      ['sell', book.askPrice, book.askSize],
    ] as const;
    for (const [side, prices, sizes] of sides) {
      for (let i = 0; i < prices.length; i++) {
        const lots = sizes[i]!;
        if (!(lots > 0)) continue;
        const ticks = Math.round(prices[i]! / tickSize);
        if (Math.abs(ticks * tickSize - prices[i]!) > 1e-9 * Math.max(1, prices[i]!)) {
          throw new ValidationError(`seed price ${prices[i]} is not on the tick ${tickSize}`, {
            field: `${side === 'buy' ? 'bid' : 'ask'}Price[${i}]`,
            value: prices[i],
          });
        }
        if (this.book.submit(seedId(side, ticks), side, ticks, lots) !== 'ok') {
          throw new ValidationError(`seed level ${i} (${side} ${prices[i]}) is not valid`, {
            field: `${side === 'buy' ? 'bid' : 'ask'}Size[${i}]`,
            value: lots,
          });
        }
        this.stats.seededOrders++;
      }
    }
  }

  /**
   * Applies one message. All-or-nothing: a message that fails validation changes nothing.
   * @param m - the message, in ticks and lots
   * @throws `ValidationError` for an unknown type, a non-integer price or size, a side
   *   other than buy/sell, or a time before the previous message's
   */
  apply(m: HistoricalMessage): void {
    const type = m.type;
    if (!(m.ts >= this.lastTs)) {
      throw new ValidationError(`message time ${m.ts} is before the previous ${this.lastTs}`, {
        field: 'ts',
        value: m.ts,
      });
    }
    if (type === 7) {
      this.lastTs = m.ts;
      this.stats.messages++;
      this.stats.halts++;
      this.onHalt?.(m);
      return;
    }
    if (!(type >= 1 && type <= 6) || !Number.isInteger(type)) {
      throw new ValidationError(`message type must be 1-7, got ${type}`, {
        field: 'type',
        value: type,
      });
    }
    if (!Number.isSafeInteger(m.priceTicks) || m.priceTicks <= 0) {
      throw new ValidationError(
        'priceTicks must be a positive integer: read the file with the instrument tick (tickSize)',
        { field: 'priceTicks', value: m.priceTicks },
      );
    }
    if (!Number.isSafeInteger(m.size) || m.size <= 0) {
      throw new ValidationError('size must be a positive integer', {
        field: 'size',
        value: m.size,
      });
    }
    if (m.side !== 'buy' && m.side !== 'sell') {
      throw new ValidationError("side must be 'buy' or 'sell'", { field: 'side', value: m.side });
    }
    this.lastTs = m.ts;
    this.stats.messages++;
    switch (type) {
      case 1:
        if (this.book.submit(m.orderId, m.side, m.priceTicks, m.size) === 'ok') this.stats.adds++;
        else this.stats.refusedAdds++;
        return;
      case 2:
      case 3:
        this.stats.cancels++;
        this.reduce(m, type === 3, false);
        return;
      case 4:
        this.stats.executions++;
        this.reduce(m, false, true);
        this.trade(m, 'visible');
        return;
      case 5:
        this.stats.hiddenExecutions++;
        this.trade(m, 'hidden');
        return;
      default:
        this.stats.crosses++;
        this.trade(m, 'cross');
    }
  }

  /** Removes `m.size` lots from the named order (all of it for a deletion). */
  private reduce(m: HistoricalMessage, whole: boolean, execution: boolean): void {
    const book = this.book;
    let id: OrderId = m.orderId;
    if (!book.has(id)) {
      id = seedId(m.side, m.priceTicks);
      if (!book.has(id)) {
        this.stats.unseenOrders++;
        this.stats.unseenLots += m.size;
        return;
      }
      this.stats.fromSeed++;
      whole = false; // a deletion of a pre-existing order removes its size from the seeded level
    }
    const left = book.remainingLots(id);
    const take = whole ? left : Math.min(m.size, left);
    if (!whole && m.size > left) this.stats.unseenLots += m.size - left;
    this.onReduce?.(id, m.side, m.priceTicks, take, execution);
    if (take >= left) book.cancel(id);
    else book.amend(id, m.priceTicks, left - take);
  }

  private trade(m: HistoricalMessage, kind: ReplayTrade['kind']): void {
    this.onTrade?.({
      ts: m.ts,
      priceTicks: m.priceTicks,
      lots: m.size,
      aggressor: m.side === 'buy' ? 'sell' : 'buy',
      makerOrderId: m.orderId,
      kind,
    });
  }
}

/** What {@link VenueBookCheck} has counted, per price level compared. */
export interface VenueBookCheckStats {
  /** Books compared. */
  books: number;
  /** Books whose every visible level equals the venue's. */
  exactBooks: number;
  /** Levels that agree in price and size. */
  matchingLevels: number;
  /**
   * Levels that differ at a price that was, at some book since the start, deeper than the venue's
   * file shows (a level-N file omits events on orders outside the top N, so such a level may hold
   * orders the replay never saw, or keep orders deleted while out of view).
   */
  outsideVisibleDepth: number;
  /** Levels that differ at a price the file has always shown: a replay error, expected 0. */
  unexplained: number;
  /** Levels compared at prices the file has always shown (where the check is strict). */
  alwaysVisibleLevels: number;
}

/**
 * Compares a replayed book with the venue's own reconstruction after each message (a LOBSTER
 * orderbook row) and counts every difference by its cause: a price that was once outside the
 * file's visible depth, or none (unexplained). The rule: a price p on the bid side was outside
 * the visible depth at some book iff p is below the highest N-th bid level any full N-level book
 * has shown so far (asks: above the lowest N-th ask), so the check keeps two numbers, not history.
 *
 * @example
 * ```ts
 * // per message: replay.apply(message); check.compare(replay.book, lobsterBook);
 * const check = new VenueBookCheck(0.01);
 * check.stats.unexplained; // 0 for a correct replay
 * ```
 */
export class VenueBookCheck {
  /** The counts so far. */
  readonly stats: VenueBookCheckStats = {
    books: 0,
    exactBooks: 0,
    matchingLevels: 0,
    outsideVisibleDepth: 0,
    unexplained: 0,
    alwaysVisibleLevels: 0,
  };
  private bidFrontier = Number.NEGATIVE_INFINITY;
  private askFrontier = Number.POSITIVE_INFINITY;

  /** @param tickSize - the tick, to convert the venue's prices to ticks */
  constructor(private readonly tickSize: number) {
    if (!(tickSize > 0) || tickSize === Number.POSITIVE_INFINITY) {
      throw new ValidationError('tickSize must be finite and > 0', {
        field: 'tickSize',
        value: tickSize,
      });
    }
  }

  /**
   * Compares one book and updates the counts.
   * @param replayed - the replayed book after a message
   * @param venue - the venue's book after the same message
   * @returns the number of unexplained differing levels in this book (0 when correct)
   */
  compare(replayed: TickBook, venue: L2Snapshot): number {
    const n = venue.bidPrice.length;
    const t = this.tickSize;
    // the deepest visible price of a full book moves the frontier inward
    if (venue.bidSize[n - 1]! > 0) {
      this.bidFrontier = Math.max(this.bidFrontier, Math.round(venue.bidPrice[n - 1]! / t));
    }
    if (venue.askSize[n - 1]! > 0) {
      this.askFrontier = Math.min(this.askFrontier, Math.round(venue.askPrice[n - 1]! / t));
    }
    const before = this.stats.outsideVisibleDepth + this.stats.unexplained;
    const unexplained0 = this.stats.unexplained;
    this.side(replayed, 'buy', venue.bidPrice, venue.bidSize);
    this.side(replayed, 'sell', venue.askPrice, venue.askSize);
    this.stats.books++;
    if (this.stats.outsideVisibleDepth + this.stats.unexplained === before) this.stats.exactBooks++;
    return this.stats.unexplained - unexplained0;
  }

  private side(book: TickBook, s: Side, prices: Float64Array, sizes: Float64Array): void {
    const t = this.tickSize;
    const n = prices.length;
    const buy = s === 'buy';
    const hidden = (p: number) => (buy ? p < this.bidFrontier : p > this.askFrontier);
    // every venue level, against the replayed size at its price
    let worst = buy ? Number.POSITIVE_INFINITY : 0;
    for (let i = 0; i < n; i++) {
      if (!(sizes[i]! > 0)) break;
      const p = Math.round(prices[i]! / t);
      worst = p;
      this.count(book.levelLots(s, p) === sizes[i], hidden(p));
    }
    // every replayed level within the venue's visible range that the venue does not show
    const full = sizes[n - 1]! > 0;
    const levels = book.levels(s);
    for (let r = 0; r < levels; r++) {
      const p = book.levelPrice(s, r);
      if (full && (buy ? p < worst : p > worst)) break;
      let shown = false;
      for (let i = 0; i < n && sizes[i]! > 0; i++) {
        if (Math.round(prices[i]! / t) === p) {
          shown = true;
          break;
        }
      }
      if (!shown) this.count(false, hidden(p));
    }
  }

  private count(same: boolean, hiddenPrice: boolean): void {
    if (!hiddenPrice) this.stats.alwaysVisibleLevels++;
    if (same) this.stats.matchingLevels++;
    else if (hiddenPrice) this.stats.outsideVisibleDepth++;
    else this.stats.unexplained++;
  }
}
