/**
 * The microstructure features and an `@x/oco` bracket on real data: the LOBSTER AAPL sample
 * (2012-06-21, level 10, 999 messages) in `../shared/data/real/`, read with `@x/data`, replayed
 * with `@x/sim`'s `ReplayVenue`, measured with `@x/microstructure`, and traded with `@x/oco`
 * through `@x/sim-oco`. Run it with `node --conditions=@x/source --import tsx examples/real/index.ts`
 * (it prints the same kind of summaries as the demo's steps).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Instrument } from '@x/core';
import { readLobster } from '@x/data';
import { BookFeatures, l2QueueModel, MultiLevelOfi } from '@x/microstructure';
import { bracket, OrderManager } from '@x/oco';
import { ReplayOrders, ReplayVenue } from '@x/sim';
import { SIM_VENUE_PROFILE, SimOcoSession } from '@x/sim-oco';

const FILES = 'data/real/yilezheng-orderbook-hls/AAPL_2012-06-21_34200000_57600000';
const TICK = 0.01;

/** Where the sample is: `$X_SHARED`, else `shared/` beside the repository. */
export function defaultSharedDir(): string {
  return process.env.X_SHARED ?? join(import.meta.dirname, '..', '..', '..', 'shared');
}

/** What {@link runReal} computed, besides the printed lines. */
export interface RealSummary {
  readonly lines: readonly string[];
  readonly messages: number;
  readonly bracketEntryFilled: number;
  readonly bracketExitFilled: number;
  readonly bracketStatus: 'working' | 'done';
}

/**
 * Runs the features and the bracket on the real sample and returns (and prints) the summaries.
 * @param sharedDir - the shared folder holding `data/real/` (default {@link defaultSharedDir})
 * @param print - where the lines go (default `console.log`)
 * @returns the summary, or `undefined` (with a printed message) when the sample is absent
 */
export default async function runReal(
  sharedDir: string = defaultSharedDir(),
  print: (line: string) => void = console.log,
): Promise<RealSummary | undefined> {
  const messages = join(sharedDir, `${FILES}_message_10.csv`);
  const orderbook = join(sharedDir, `${FILES}_orderbook_10.csv`);
  if (!existsSync(messages) || !existsSync(orderbook)) {
    print(`[skip] the real LOBSTER sample is not at ${join(sharedDir, 'data/real')}`);
    return undefined;
  }
  const aapl = Instrument.create({ symbol: 'AAPL', tickSize: '0.01', lotSize: '1' });
  const ofi = new MultiLevelOfi({ levels: 10, onInvalid: 'skip' });
  const feats = new BookFeatures({
    tickSize: TICK,
    levels: 10,
    decay: 0.3,
    bandTicks: 5,
    onInvalid: 'skip',
  });
  // the bracket, on the replayed day
  const venue = new ReplayVenue(aapl);
  const om = new OrderManager({ instruments: [aapl], venue: SIM_VENUE_PROFILE });
  const session = new SimOcoSession(om, venue);
  // one resting bid followed by the exact L3 queue and by an L2 queue model, side by side
  const exact = new ReplayOrders();
  const model = new ReplayOrders({ queueModel: l2QueueModel({ type: 'power', n: 2 }) });
  let rows = 0;
  let ofiSum = 0;
  let spreadSum = 0;
  let imbSum = 0;
  let twoSided = 0;
  let firstMid = Number.NaN;
  let lastMid = Number.NaN;
  for await (const { message, book } of readLobster(
    { messages, orderbook, levels: 10 },
    { tickSize: '0.01' },
  )) {
    rows++;
    if (ofi.update(book)) ofiSum += ofi.last[0]!;
    if (feats.update(book) && feats.twoSided) {
      twoSided++;
      spreadSum += feats.spread;
      imbSum += feats.imbalanceTop;
      if (Number.isNaN(firstMid)) firstMid = feats.mid;
      lastMid = feats.mid;
    }
    if (rows === 1) {
      // LOBSTER's book after the first message: the replay starts at the second
      venue.seed(book);
      exact.seed(book, TICK);
      model.seed(book, TICK);
      continue;
    }
    venue.apply(message);
    exact.apply(message);
    model.apply(message);
    if (rows === 2) {
      const bid = venue.orders.replay.book.bestBid();
      exact.submit('bid', 'buy', bid, 100);
      model.submit('bid', 'buy', bid, 100);
      session.apply({
        type: 'create',
        spec: bracket({
          id: 'aapl',
          symbol: 'AAPL',
          side: 'buy',
          qty: '100',
          entryPrice: (bid * TICK).toFixed(2),
          stop: { offset: { kind: 'ticks', value: 5 } },
          target: { offset: { kind: 'ticks', value: 5 } },
        }),
      });
    }
    session.pump();
    session.market();
    session.pump();
  }
  const g = om.ledger('aapl');
  if (g === undefined) throw new Error('the bracket was not created');
  const r = venue.orders.replay.stats;
  const lines = [
    `AAPL 2012-06-21, ${rows} messages: ${r.adds} adds, ${r.cancels} cancels, ${r.executions} executions, ${r.hiddenExecutions} hidden`,
    `mid ${firstMid.toFixed(4)} -> ${lastMid.toFixed(4)}; mean spread ${(spreadSum / twoSided / TICK).toFixed(2)} ticks; mean top imbalance ${(imbSum / twoSided).toFixed(3)}`,
    `level-1 OFI summed over ${ofi.accepted} books: ${ofiSum.toFixed(0)} shares (${ofi.skipped} skipped)`,
    `a 100-share bid joined at the best bid: exact L3 queue filled ${exact.order('bid')?.filledLots}, ${model.queueModelName} model filled ${model.order('bid')?.filledLots}`,
    `bracket (buy 100 at the best bid, stop and target 5 ticks away): ${g.status}; entry ${g.entryFilled.toString()} @ ${g.avgEntryPrice?.toString() ?? '-'}, exit ${g.exitFilled.toString()} @ ${g.avgExitPrice?.toString() ?? '-'}`,
    `(our orders have no market impact: the historical stream is replayed unchanged)`,
  ];
  for (const line of lines) print(line);
  return {
    lines,
    messages: rows,
    bracketEntryFilled: Number(g.entryFilled.toString()),
    bracketExitFilled: Number(g.exitFilled.toString()),
    bracketStatus: g.status,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runReal();
