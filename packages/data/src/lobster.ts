/**
 * LOBSTER files (lobsterdata.com): the message file (one row per book event) and the orderbook
 * file (the N-level book after each message, row-aligned with the messages), read as streams.
 *
 * Message row: time (seconds after midnight, nanosecond decimals), event type (1 submission,
 * 2 partial cancellation, 3 deletion, 4 visible execution, 5 hidden execution, 6 cross trade,
 * 7 trading halt), order id, size (shares), price (dollars × 10000), direction (1 buy, −1 sell;
 * for an execution, the side of the resting order). Orderbook row: ask price, ask size, bid
 * price, bid size for each level 1..N; an unoccupied level has size 0 and a dummy price
 * (9999999999 on the ask side, −9999999999 on the bid side).
 *
 * @module
 */
import {
  createL2Snapshot,
  type DecimalLike,
  type L2Snapshot,
  type Side,
  toDecimal,
  ValidationError,
} from '@x/core';
import type { FieldCursor } from './internal/fields.js';
import { Reader } from './internal/reader.js';
import type { ByteSource, ReadOptions, RecordReader } from './reader.js';

/** LOBSTER's event types: 1 submit, 2 partial cancel, 3 delete, 4 visible execution, 5 hidden execution, 6 cross, 7 halt. */
export type LobsterEventType = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** One row of a LOBSTER message file. */
export interface LobsterMessage {
  /** Seconds after midnight, as in the file. */
  readonly time: number;
  /** Milliseconds: `time × 1000 + dayOffsetMs`. */
  readonly ts: number;
  /** The event type. */
  readonly type: LobsterEventType;
  /** The order's id (for a halt, LOBSTER writes −1). */
  readonly orderId: number;
  /** Shares. */
  readonly size: number;
  /** Price in dollars (`priceRaw / 10000`); for a halt, LOBSTER's flag value (−1, 0 or 1). */
  readonly price: number;
  /** Price as in the file: dollars × 10000, an integer. */
  readonly priceRaw: number;
  /**
   * Price in ticks when a `tickSize` was given; NaN without one and for a halt (type 7, which
   * carries a flag, not a price). A number either way, so rows keep one shape on the hot path:
   * test `Number.isNaN` (or the type) before using it.
   */
  readonly priceTicks: number;
  /** 1 buy, −1 sell, as `'buy'` / `'sell'`; for executions the resting order's side. */
  readonly side: Side;
}

/** Options of the LOBSTER readers. */
export interface LobsterOptions extends ReadOptions {
  /**
   * The instrument's tick in dollars (0.01 for US equities). When given, every price must lie on
   * it (a typed error otherwise) and messages carry `priceTicks`.
   */
  readonly tickSize?: DecimalLike;
  /** Added to `time × 1000` to give `ts` (for example the session date in epoch ms); 0 by default. */
  readonly dayOffsetMs?: number;
}

const RAW_PER_DOLLAR = 10_000;

/** Records a failure at byte `at` of the line; the record is then refused. */
function refuse(c: FieldCursor, reason: string, at: number): undefined {
  c.fail(reason, at);
  return undefined;
}
const DUMMY_ASK = 9_999_999_999;

/** The tick in raw price units (dollars × 10000), an integer, or 0 when no tick is given. */
function rawTick(tickSize: DecimalLike | undefined): number {
  if (tickSize === undefined) return 0;
  const t = toDecimal(tickSize, 'tickSize').times(RAW_PER_DOLLAR);
  if (!t.isInteger() || !t.gt(0)) {
    throw new ValidationError('tickSize must be a positive multiple of 0.0001 dollars', {
      field: 'tickSize',
      value: String(tickSize),
    });
  }
  return t.toNumber();
}

function checkOffset(ms: number | undefined): number {
  if (ms === undefined) return 0;
  if (!Number.isFinite(ms)) {
    throw new ValidationError('dayOffsetMs must be finite', { field: 'dayOffsetMs', value: ms });
  }
  return ms;
}

/** Parses one message row at the cursor. */
function messageParser(tick: number, offsetMs: number) {
  return (c: FieldCursor): LobsterMessage | undefined => {
    const time = c.number('time');
    if (!c.failed && !(time >= 0)) return refuse(c, 'time must be >= 0', c.lineStart);
    const typeAt = c.pos;
    const type = c.integer('type');
    if (c.failed) return undefined;
    if (type < 1 || type > 7) return refuse(c, 'type must be 1-7', typeAt);
    const orderId = c.integer('order id');
    const sizeAt = c.pos;
    const size = c.integer('size');
    const priceAt = c.pos;
    const priceRaw = c.integer('price');
    const dirAt = c.pos;
    const direction = c.integer('direction');
    c.expectEnd();
    if (c.failed) return undefined;
    if (direction !== 1 && direction !== -1) {
      return refuse(c, 'direction must be 1 or -1', dirAt);
    }
    let priceTicks = Number.NaN;
    if (type !== 7) {
      if (!(size > 0)) return refuse(c, 'size must be > 0', sizeAt);
      if (!(priceRaw > 0)) return refuse(c, 'price must be > 0', priceAt);
      if (tick > 0) {
        if (priceRaw % tick !== 0) return refuse(c, 'price is not on the tick grid', priceAt);
        priceTicks = priceRaw / tick;
      }
    }
    return {
      time,
      ts: time * 1000 + offsetMs,
      type: type as LobsterEventType,
      orderId,
      size,
      price: type === 7 ? priceRaw : priceRaw / RAW_PER_DOLLAR,
      priceRaw,
      priceTicks,
      side: direction === 1 ? 'buy' : 'sell',
    };
  };
}

/**
 * Streams a LOBSTER message file.
 *
 * @param src - a path (plain or gzip), stream or iterable of bytes
 * @param options - tick size, day offset, skip policy
 * @returns a reader of {@link LobsterMessage}s
 * @throws `ValidationError` (when read) for a malformed row, naming file, line and column; for a
 *   bad option at once
 *
 * @example
 * ```ts
 * const rows = ['34200.004241176,1,16113575,18,5853300,1', '34200.025551909,4,16113575,18,5853300,1'];
 * const messages = await readLobsterMessages([Buffer.from(rows.join('\n'))], { tickSize: '0.01' }).toArray();
 * messages[0]?.priceTicks; // 58533
 * messages[1]?.type;       // 4: a visible execution of the resting buy order
 * ```
 */
export function readLobsterMessages(
  src: ByteSource,
  options: LobsterOptions = {},
): RecordReader<LobsterMessage> {
  const parse = messageParser(rawTick(options.tickSize), checkOffset(options.dayOffsetMs));
  return new Reader(src, parse, options);
}

/** Options of {@link readLobsterOrderbook}. */
export interface LobsterBookOptions extends LobsterOptions {
  /** N, the file's number of levels (10 for a `_orderbook_10.csv`). */
  readonly levels: number;
  /**
   * One `L2Snapshot` for every row, refilled in place (no allocation per row): read each book
   * before asking for the next, or copy it (`cloneL2Snapshot`). After a row refused under the
   * `'skip'` policy its content is unspecified until the next good row. Default false (a fresh
   * snapshot per row, whose four arrays are views into a block of about 16 KiB shared with
   * neighbouring rows' snapshots: each snapshot's values are its own, but do not transfer or
   * detach their `.buffer`; `cloneL2Snapshot` gives a copy with arrays of its own).
   */
  readonly reuseSnapshot?: boolean;
}

/** True when level `(price, size)` passes {@link levelOk}: the check without a cursor. */
function levelFine(price: number, size: number, tick: number, dummy: number): boolean {
  if (size === 0) return price === dummy || price > 0;
  return size > 0 && price > 0 && price !== DUMMY_ASK && (tick === 0 || price % tick === 0);
}

/**
 * The fast path of a book row: every field a plain integer and every level valid, read in one
 * pass into `raw` and copied into `b`; false otherwise.
 */
function plainBook(c: FieldCursor, raw: Float64Array, b: L2Snapshot, tick: number): boolean {
  if (!c.plainIntegers(raw)) return false;
  const levels = raw.length >> 2;
  const { askPrice, askSize, bidPrice, bidSize } = b;
  // checked and copied in one pass: a refused row leaves `b` part-filled, which the slow path
  // (refusing it as well, by the same checks) refills or the reader drops
  for (let i = 0, k = 0; i < levels; i++, k += 4) {
    const ap = raw[k]!;
    const as = raw[k + 1]!;
    const bp = raw[k + 2]!;
    const bs = raw[k + 3]!;
    if (!levelFine(ap, as, tick, DUMMY_ASK) || !levelFine(bp, bs, tick, -DUMMY_ASK)) return false;
    askPrice[i] = as > 0 ? ap / RAW_PER_DOLLAR : 0;
    askSize[i] = as;
    bidPrice[i] = bs > 0 ? bp / RAW_PER_DOLLAR : 0;
    bidSize[i] = bs;
  }
  return true;
}

/** Bytes of one block of fresh snapshots' arrays (a block holds at least one snapshot). */
const BLOCK_BYTES = 16_384;

/**
 * Fresh snapshots whose four arrays are views into a block shared with neighbouring rows: a
 * typed array of its own costs an ArrayBuffer per array (the allocation and its collection were
 * 80% of a fresh read), a view into a block costs the view. A snapshot refused under `'skip'`
 * leaves its slot unused.
 */
function snapshotBlocks(levels: number): () => L2Snapshot {
  const bytes = 32 * levels;
  const perBlock = Math.max(1, Math.floor(BLOCK_BYTES / bytes));
  let block = new ArrayBuffer(0);
  let used = perBlock;
  return () => {
    if (used === perBlock) {
      block = new ArrayBuffer(bytes * perBlock);
      used = 0;
    }
    const at = bytes * used++;
    const n = 8 * levels;
    return {
      ts: 0,
      bidPrice: new Float64Array(block, at, levels),
      bidSize: new Float64Array(block, at + n, levels),
      askPrice: new Float64Array(block, at + 2 * n, levels),
      askSize: new Float64Array(block, at + 3 * n, levels),
    };
  };
}

function bookParser(levels: number, tick: number, reuse: boolean) {
  const shared = reuse ? createL2Snapshot(levels) : undefined;
  const fresh = snapshotBlocks(levels);
  const raw = new Float64Array(4 * levels);
  return (c: FieldCursor): L2Snapshot | undefined => {
    const b = shared ?? fresh();
    const start = c.pos;
    if (plainBook(c, raw, b, tick)) return b;
    c.pos = start; // the slow path below reads the row again and names what is wrong
    for (let i = 0; i < levels; i++) {
      const a0 = c.pos;
      const ap = c.integer('ask price');
      const as = c.integer('ask size');
      const b0 = c.pos;
      const bp = c.integer('bid price');
      const bs = c.integer('bid size');
      if (c.failed) return undefined;
      if (!levelOk(c, ap, as, tick, a0, DUMMY_ASK)) return undefined;
      if (!levelOk(c, bp, bs, tick, b0, -DUMMY_ASK)) return undefined;
      b.askPrice[i] = as > 0 ? ap / RAW_PER_DOLLAR : 0;
      b.askSize[i] = as;
      b.bidPrice[i] = bs > 0 ? bp / RAW_PER_DOLLAR : 0;
      b.bidSize[i] = bs;
    }
    c.expectEnd();
    return c.failed ? undefined : b;
  };
}

function levelOk(
  c: FieldCursor,
  price: number,
  size: number,
  tick: number,
  at: number,
  dummy: number,
): boolean {
  if (size < 0) return refuse(c, 'size must be >= 0', at) ?? false;
  if (size === 0) {
    if (price !== dummy && price <= 0)
      return refuse(c, 'an empty level needs a dummy price', at) ?? false;
    return true;
  }
  if (!(price > 0) || price === DUMMY_ASK) return refuse(c, 'price must be > 0', at) ?? false;
  if (tick > 0 && price % tick !== 0)
    return refuse(c, 'price is not on the tick grid', at) ?? false;
  return true;
}

/**
 * Streams a LOBSTER orderbook file as N-level books (prices in dollars, best first; an unoccupied
 * level has price 0 and size 0). The file has no time column: `ts` is 0 here, and
 * {@link readLobster} sets it from the aligned message.
 *
 * @param src - a path (plain or gzip), stream or iterable of bytes
 * @param options - the number of levels, tick size, skip policy, snapshot reuse
 * @returns a reader of books, one fresh `L2Snapshot` per row (its arrays views into a block
 *   shared with neighbouring rows, see {@link LobsterBookOptions.reuseSnapshot}), or one refilled
 *   (`reuseSnapshot`)
 * @throws `ValidationError` for a bad option at once, for a malformed row when read
 */
export function readLobsterOrderbook(
  src: ByteSource,
  options: LobsterBookOptions,
): RecordReader<L2Snapshot> {
  const levels = options.levels;
  if (!Number.isSafeInteger(levels) || levels < 1) {
    throw new ValidationError('levels must be an integer >= 1', { field: 'levels', value: levels });
  }
  const reuse = options.reuseSnapshot ?? false;
  if (typeof reuse !== 'boolean') {
    throw new ValidationError('reuseSnapshot must be a boolean', {
      field: 'reuseSnapshot',
      value: reuse,
    });
  }
  return new Reader(src, bookParser(levels, rawTick(options.tickSize), reuse), options);
}

/** One aligned row of a LOBSTER message file and its orderbook file. */
export interface LobsterRow {
  /** The message. */
  readonly message: LobsterMessage;
  /** LOBSTER's book after the message, `ts` set from the message. */
  readonly book: L2Snapshot;
}

/**
 * Streams a LOBSTER message file and its orderbook file together, row by row (they are
 * row-aligned by construction).
 *
 * @param files - the message file, the orderbook file, and the orderbook's number of levels
 * @param options - tick size, day offset, skip policy (applied to both files)
 * @returns the aligned rows
 * @throws `ValidationError` when one file ends before the other, or as the single readers do
 */
export async function* readLobster(
  files: { readonly messages: ByteSource; readonly orderbook: ByteSource; readonly levels: number },
  options: LobsterOptions = {},
): AsyncGenerator<LobsterRow> {
  if (options.onInvalid === 'skip') {
    throw new ValidationError(
      "readLobster needs onInvalid 'throw': a skipped row would misalign the files",
      {
        field: 'onInvalid',
        value: options.onInvalid,
      },
    );
  }
  const m = readLobsterMessages(files.messages, options)[Symbol.asyncIterator]();
  const b = readLobsterOrderbook(files.orderbook, { ...options, levels: files.levels })[
    Symbol.asyncIterator
  ]();
  for (let row = 1; ; row++) {
    const [mr, br] = await Promise.all([m.next(), b.next()]);
    if (mr.done === true && br.done === true) return;
    if (mr.done === true || br.done === true) {
      throw new ValidationError(
        `the ${mr.done === true ? 'message' : 'orderbook'} file ends at row ${row - 1}, the other goes on`,
        { field: mr.done === true ? 'messages' : 'orderbook', value: row - 1 },
      );
    }
    br.value.ts = mr.value.ts;
    yield { message: mr.value, book: br.value };
  }
}
