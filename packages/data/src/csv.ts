/**
 * The two CSV layouts crypto data vendors publish: incremental L2 book updates (timestamp, side,
 * price, size, snapshot flag: one row per changed price level) and trades (timestamp, price,
 * size, aggressor side), streamed into `@x/core`'s L2 deltas and trades.
 *
 * A file may start with a header row naming its columns (matched case-insensitively, with the
 * usual vendor names: `timestamp`/`time`/`ts`, `local_timestamp`, `side`, `price`,
 * `size`/`amount`/`qty`/`quantity`, `is_snapshot`/`snapshot`, `id`/`trade_id`); extra columns
 * (exchange, symbol) are ignored. Without a header the columns are in the order above.
 *
 * @module
 */
import { type L2Delta, type Side, type Trade, ValidationError } from '@x/core';
import { type FieldCursor, isDigitByte } from './internal/fields.js';
import { Reader } from './internal/reader.js';
import type { ByteSource, ReadOptions, RecordReader } from './reader.js';

/** The unit of the file's timestamps; records carry milliseconds. */
export type TimeUnit = 's' | 'ms' | 'us' | 'ns';

/** Options of the CSV readers. */
export interface CsvOptions extends ReadOptions {
  /** The unit of the timestamp column (`'ms'` by default; vendors often use `'us'`). */
  readonly timeUnit?: TimeUnit;
  /** Refuse rows whose timestamp goes back in time (true by default). */
  readonly requireSorted?: boolean;
}

/** One row of an incremental L2 file: a level's new total size; `snapshot` marks snapshot rows. */
export interface L2Update extends L2Delta {
  /** True for rows of a full book snapshot; a snapshot after updates replaces the whole book. */
  readonly snapshot: boolean;
}

const TO_MS: Readonly<Record<TimeUnit, number>> = { s: 1000, ms: 1, us: 1e-3, ns: 1e-6 };
const SIDES = ['bid', 'buy', 'b', 'ask', 'sell', 'a', 's'] as const;
const BOOLS = ['false', '0', 'true', '1'] as const;

type Column = 'ts' | 'side' | 'price' | 'size' | 'snapshot' | 'id' | 'skip';

const NAMES: Readonly<Record<string, Column>> = {
  timestamp: 'ts',
  time: 'ts',
  ts: 'ts',
  side: 'side',
  aggressor: 'side',
  aggressor_side: 'side',
  price: 'price',
  size: 'size',
  amount: 'size',
  qty: 'size',
  quantity: 'size',
  is_snapshot: 'snapshot',
  snapshot: 'snapshot',
  id: 'id',
  trade_id: 'id',
};

function timeScale(unit: TimeUnit | undefined): number {
  const u = unit ?? 'ms';
  const f = TO_MS[u];
  if (f === undefined) {
    throw new ValidationError("timeUnit must be 's', 'ms', 'us' or 'ns'", {
      field: 'timeUnit',
      value: unit,
    });
  }
  return f;
}

/** A header row, mapped to columns; null when the line is data (its first byte is a digit). */
function readHeader(c: FieldCursor, required: readonly Column[]): Column[] | null {
  if (isDigitByte(c.buf[c.pos]) || c.buf[c.pos] === 45) return null;
  const cols: Column[] = [];
  while (!c.atEnd) cols.push(NAMES[c.text().toLowerCase()] ?? 'skip');
  for (const r of required) {
    if (!cols.includes(r)) {
      c.fail(`the header has no ${r === 'ts' ? 'timestamp' : r} column`, c.lineStart);
      return [];
    }
  }
  return cols;
}

/** The shared per-row state: column layout (from the header or the default) and time order. */
class RowState {
  cols: readonly Column[];
  lastTs = Number.NEGATIVE_INFINITY;
  first = true;
  readonly scale: number;
  readonly sorted: boolean;
  constructor(
    readonly defaults: readonly Column[],
    readonly required: readonly Column[],
    options: CsvOptions,
  ) {
    this.cols = defaults;
    this.scale = timeScale(options.timeUnit);
    this.sorted = options.requireSorted !== false;
  }

  /** Returns true when this line was the header. */
  header(c: FieldCursor): boolean {
    if (!this.first) return false;
    this.first = false;
    const h = readHeader(c, this.required);
    if (h === null) return false;
    // the default layout under a header keeps its identity: readers test it for their fast path
    this.cols =
      h.length === this.defaults.length && h.every((col, i) => col === this.defaults[i])
        ? this.defaults
        : h;
    return true;
  }

  time(c: FieldCursor, raw: number, at: number): number {
    const ts = raw * this.scale;
    if (this.sorted && ts < this.lastTs) {
      c.fail('timestamp goes back in time', at);
      return Number.NaN;
    }
    this.lastTs = ts;
    return ts;
  }
}

/**
 * Streams an incremental L2 CSV into {@link L2Update}s (an `L2Delta` plus its snapshot flag).
 * Feed them to an {@link L2BookBuilder} to get books.
 *
 * @param src - a path (plain or gzip), stream or iterable of bytes
 * @param options - time unit, order check, skip policy
 * @returns a reader of updates
 *
 * @example
 * ```ts
 * const csv = 'timestamp,side,price,size,is_snapshot\n1000,bid,99.5,2,true\n1000,ask,100,1,true\n1500,bid,99.5,0,false\n';
 * const updates = await readL2Updates([Buffer.from(csv)]).toArray();
 * updates[2]; // { ts: 1500, side: 'buy', price: 99.5, size: 0, snapshot: false }: the level is gone
 * ```
 */
export function readL2Updates(src: ByteSource, options: CsvOptions = {}): RecordReader<L2Update> {
  const st = new RowState(
    ['ts', 'side', 'price', 'size', 'snapshot'],
    ['ts', 'side', 'price', 'size'],
    options,
  );
  return new Reader(
    src,
    (c) => {
      if (st.header(c)) return c.failed ? undefined : null;
      let ts = Number.NaN;
      let side: Side = 'buy';
      let price = Number.NaN;
      let size = Number.NaN;
      let snapshot = false;
      for (const col of st.cols) {
        const at = c.pos;
        if (col === 'ts') ts = st.time(c, c.number('timestamp'), at);
        else if (col === 'side') side = c.choice('side', SIDES) < 3 ? 'buy' : 'sell';
        else if (col === 'price') price = c.positive('price');
        else if (col === 'size') size = c.nonNegative('size');
        else if (col === 'snapshot') snapshot = c.choice('snapshot flag', BOOLS) >= 2;
        else c.skip();
        if (c.failed) return undefined;
      }
      c.expectEnd();
      return c.failed ? undefined : { ts, side, price, size, snapshot };
    },
    options,
  );
}

/**
 * The side word at the cursor: `buy` and `sell` as written (what files hold) read directly, any
 * other spelling through {@link FieldCursor.choice}, which names what is wrong.
 */
function sideAt(c: FieldCursor): Side {
  const buf = c.buf;
  const i = c.pos;
  const n = c.end - i;
  if (n >= 3 && buf[i] === 98 && buf[i + 1] === 117 && buf[i + 2] === 121) {
    if (n === 3 || buf[i + 3] === 44) {
      c.pos = i + 4;
      c.field++;
      return 'buy';
    }
  } else if (
    n >= 4 &&
    buf[i] === 115 &&
    buf[i + 1] === 101 &&
    buf[i + 2] === 108 &&
    buf[i + 3] === 108
  ) {
    if (n === 4 || buf[i + 4] === 44) {
      c.pos = i + 5;
      c.field++;
      return 'sell';
    }
  }
  return c.choice('side', SIDES) < 3 ? 'buy' : 'sell';
}

/**
 * A trade row in the default column order (timestamp, price, size, side): the general loop's
 * reads in the same order with the same checks, without looking the columns up.
 */
function plainTrade(c: FieldCursor, st: RowState): Trade | undefined {
  const at = c.pos;
  const ts = st.time(c, c.number('timestamp'), at);
  if (c.failed) return undefined;
  const price = c.positive('price');
  if (c.failed) return undefined;
  const qty = c.positive('size');
  if (c.failed) return undefined;
  const aggressor = sideAt(c);
  if (c.failed) return undefined;
  c.expectEnd();
  return c.failed ? undefined : { ts, price, qty, aggressor };
}

/**
 * Streams a trades CSV into `@x/core` trades (the side is the aggressor's: `buy` or `sell`).
 *
 * @param src - a path (plain or gzip), stream or iterable of bytes
 * @param options - time unit, order check, skip policy
 * @returns a reader of trades
 *
 * @example
 * ```ts
 * const csv = 'timestamp,price,size,side\n1000,100.5,0.25,buy\n1001,100.4,1,sell\n';
 * const trades = await readTrades([Buffer.from(csv)]).toArray();
 * trades[1]?.aggressor; // 'sell'
 * ```
 */
export function readTrades(src: ByteSource, options: CsvOptions = {}): RecordReader<Trade> {
  const st = new RowState(
    ['ts', 'price', 'size', 'side'],
    ['ts', 'price', 'size', 'side'],
    options,
  );
  return new Reader(
    src,
    (c) => {
      if (st.header(c)) return c.failed ? undefined : null;
      if (st.cols === st.defaults) return plainTrade(c, st);
      let ts = Number.NaN;
      let price = Number.NaN;
      let qty = Number.NaN;
      let aggressor: Side = 'buy';
      let tradeId: string | undefined;
      for (const col of st.cols) {
        const at = c.pos;
        if (col === 'ts') ts = st.time(c, c.number('timestamp'), at);
        else if (col === 'price') price = c.positive('price');
        else if (col === 'size') qty = c.positive('size');
        else if (col === 'side') aggressor = c.choice('side', SIDES) < 3 ? 'buy' : 'sell';
        else if (col === 'id') tradeId = c.text();
        else c.skip();
        if (c.failed) return undefined;
      }
      c.expectEnd();
      if (c.failed) return undefined;
      return tradeId === undefined
        ? { ts, price, qty, aggressor }
        : { ts, price, qty, aggressor, tradeId };
    },
    options,
  );
}
