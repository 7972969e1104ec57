/**
 * `pnpm demo --real`: the microstructure stage on real data, the free LOBSTER sample (AAPL,
 * 2012-06-21, 10 levels, its first 999 messages) read with @x/data from `$X_SHARED/data/real`.
 * Only 49 seconds of one stock, so the numbers are illustrations, not estimates to rely on.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readLobster } from '@x/data';
import {
  BookFeatures,
  kyleLambda,
  MicroPriceTracker,
  MultiLevelOfi,
  tradeBars,
} from '@x/microstructure';

/** What the real-data run found. */
export interface RealResult {
  readonly rows: number;
  readonly seconds: number;
  readonly meanSpreadTicks: number;
  /** Mean of micro-price − mid, in ticks. */
  readonly meanMicroMinusMidTicks: number;
  /** Correlation of best-level OFI with the concurrent mid change, over 20-row windows. */
  readonly ofiCorr: number;
  readonly windows: number;
  readonly executions: number;
  readonly kyleLambda: number;
}

/** Where the sample is, `$X_SHARED` or the `shared` directory beside the repository. */
export function lobsterSample(root: string): { messages: string; orderbook: string } {
  const dir = join(
    process.env.X_SHARED ?? join(root, '..', 'shared'),
    'data',
    'real',
    'yilezheng-orderbook-hls',
  );
  return {
    messages: join(dir, 'AAPL_2012-06-21_34200000_57600000_message_10.csv'),
    orderbook: join(dir, 'AAPL_2012-06-21_34200000_57600000_orderbook_10.csv'),
  };
}

/**
 * Runs the features on the sample.
 * @param files - the sample's two files
 * @returns the findings, or undefined when the files are absent
 */
export async function realMicrostructure(files: {
  messages: string;
  orderbook: string;
}): Promise<RealResult | undefined> {
  if (!existsSync(files.messages) || !existsSync(files.orderbook)) return undefined;
  const tick = 0.01;
  const ofi = new MultiLevelOfi({ levels: 5, onInvalid: 'skip' });
  const book = new BookFeatures({
    tickSize: tick,
    levels: 5,
    decay: 0.5,
    bandTicks: 3,
    onInvalid: 'skip',
  });
  const micro = new MicroPriceTracker({ horizons: [1], onInvalid: 'skip' });
  const W = 20;
  const xs: number[] = [];
  const ys: number[] = [];
  const trades = {
    ts: [] as number[],
    price: [] as number[],
    qty: [] as number[],
    sign: [] as number[],
  };
  let rows = 0;
  let first = Number.NaN;
  let last = Number.NaN;
  let spread = 0;
  let microDiff = 0;
  let sided = 0;
  let acc = 0;
  let midOpen = Number.NaN;
  for await (const r of readLobster({ ...files, levels: 10 }, { tickSize: '0.01' })) {
    if (rows === 0) first = r.message.ts;
    last = r.message.ts;
    rows++;
    book.update(r.book);
    micro.update(r.book);
    if (ofi.update(r.book)) acc += ofi.last[0]!;
    if (book.twoSided) {
      spread += book.spread / tick;
      microDiff += (micro.price - book.mid) / tick;
      sided++;
      if (Number.isNaN(midOpen)) midOpen = book.mid;
    }
    if (r.message.type === 4 || r.message.type === 5) {
      trades.ts.push(r.message.ts);
      trades.price.push(r.message.price);
      trades.qty.push(r.message.size);
      // the message's side is the resting order's: the aggressor is the other one
      trades.sign.push(r.message.side === 'buy' ? -1 : 1);
    }
    if (rows % W === 0 && book.twoSided) {
      xs.push(acc);
      ys.push(book.mid - midOpen);
      midOpen = book.mid;
      acc = 0;
    }
  }
  const f64 = (a: number[]) => Float64Array.from(a);
  const bars = tradeBars(
    { ts: f64(trades.ts), price: f64(trades.price), qty: f64(trades.qty), sign: f64(trades.sign) },
    1000,
  );
  return {
    rows,
    seconds: (last - first) / 1000,
    meanSpreadTicks: spread / Math.max(1, sided),
    meanMicroMinusMidTicks: microDiff / Math.max(1, sided),
    ofiCorr: corr(xs, ys),
    windows: xs.length,
    executions: trades.ts.length,
    kyleLambda: kyleLambda(bars.priceChange, bars.signedVolume).lambda,
  };
}

function corr(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}
