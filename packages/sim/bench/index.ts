/**
 * `pnpm bench` in packages/sim: matching throughput of the integer book (TickBook) and of the
 * decimal MatchingEngine, against an idiomatic object-based book measured in the same run, and
 * the order-flow generator's throughput per output form.
 *
 * The matching workload is a replay of a Cont–Stoikov–Talreja order stream (limit adds, cancels,
 * market orders) recorded once into typed arrays, so every book sees the same commands.
 */
import { Instrument, ManualClock, Rng } from '@x/core';
import { machineInfo, sink, sinkTotal, table } from '@x/test-utils/bench';
import {
  BackgroundFlow,
  type BookListener,
  cst2010Rates,
  MatchingEngine,
  OrderFlowGenerator,
  TickBook,
} from '../src/index.js';

const OP_LIMIT = 0;
const OP_CANCEL = 1;
const OP_MARKET = 2;

interface Workload {
  n: number;
  op: Uint8Array;
  buy: Uint8Array;
  id: Float64Array;
  price: Float64Array;
  lots: Float64Array;
}

/** Records a generator stream as commands: add → limit, cancel → cancel, taker → market. */
function record(
  commands: number,
  levels: number,
  sizeLots: number,
  seed: number,
  cancelScale = 1,
): Workload {
  const w: Workload = {
    n: 0,
    op: new Uint8Array(commands),
    buy: new Uint8Array(commands),
    id: new Float64Array(commands),
    price: new Float64Array(commands),
    lots: new Float64Array(commands),
  };
  const base = cst2010Rates(levels);
  const rates = { ...base, theta: base.theta.map((t) => t * cancelScale) };
  // a deeper initial book when cancels are rarer (stationary depth λ/θ per level)
  const gen = new OrderFlowGenerator({ seed, rates, orderSizeLots: sizeLots });
  let lastTaker: number | string = -1;
  for (const e of gen.events()) {
    if (w.n >= commands) break;
    const i = w.n;
    if (e.type === 'add') {
      w.op[i] = OP_LIMIT;
      w.buy[i] = e.side === 'buy' ? 1 : 0;
      w.id[i] = e.orderId as number;
      w.price[i] = e.price;
      w.lots[i] = e.qty;
      w.n++;
    } else if (e.type === 'cancel') {
      w.op[i] = OP_CANCEL;
      w.id[i] = e.orderId as number;
      w.n++;
    } else if (e.type === 'execute') {
      if (e.takerOrderId === lastTaker) {
        w.lots[i - 1]! += e.qty;
      } else {
        lastTaker = e.takerOrderId;
        w.op[i] = OP_MARKET;
        w.buy[i] = e.side === 'sell' ? 1 : 0;
        w.id[i] = e.takerOrderId as number;
        w.lots[i] = e.qty;
        w.n++;
      }
    }
  }
  return w;
}

// ------------------------------------------------------------------ peer: an object-based book
interface PeerOrder {
  id: number;
  buy: boolean;
  price: number;
  lots: number;
}
interface PeerLevel {
  price: number;
  orders: PeerOrder[];
}
/** The way most JavaScript order books are written: objects, arrays of levels, arrays of orders. */
class ObjectBook {
  bids: PeerLevel[] = []; // best first
  asks: PeerLevel[] = [];
  byId = new Map<number, PeerOrder>();
  events = 0;
  add(id: number, buy: boolean, price: number, lots: number): void {
    const o: PeerOrder = { id, buy, price, lots };
    const side = buy ? this.bids : this.asks;
    let i = 0;
    while (i < side.length && (buy ? side[i]!.price > price : side[i]!.price < price)) i++;
    if (i < side.length && side[i]!.price === price) side[i]!.orders.push(o);
    else side.splice(i, 0, { price, orders: [o] });
    this.byId.set(id, o);
    this.events++;
  }
  cancel(id: number): void {
    const o = this.byId.get(id);
    if (o === undefined) return;
    const side = o.buy ? this.bids : this.asks;
    const li = side.findIndex((l) => l.price === o.price);
    const lvl = side[li]!;
    lvl.orders.splice(lvl.orders.indexOf(o), 1);
    if (lvl.orders.length === 0) side.splice(li, 1);
    this.byId.delete(id);
    this.events++;
  }
  market(buy: boolean, lots: number): void {
    const side = buy ? this.asks : this.bids;
    while (lots > 0 && side.length > 0) {
      const lvl = side[0]!;
      const o = lvl.orders[0]!;
      const q = Math.min(lots, o.lots);
      o.lots -= q;
      lots -= q;
      this.events++;
      if (o.lots === 0) {
        lvl.orders.shift();
        this.byId.delete(o.id);
        if (lvl.orders.length === 0) side.shift();
      }
    }
  }
}

function replayObject(w: Workload): number {
  const book = new ObjectBook();
  for (let i = 0; i < w.n; i++) {
    const op = w.op[i];
    if (op === OP_LIMIT) book.add(w.id[i]!, w.buy[i] === 1, w.price[i]!, w.lots[i]!);
    else if (op === OP_CANCEL) book.cancel(w.id[i]!);
    else book.market(w.buy[i] === 1, w.lots[i]!);
  }
  return book.events;
}

function replayTickBook(w: Workload): number {
  let events = 0;
  const counter: BookListener = {
    onAdd() {
      events++;
    },
    onCancel() {
      events++;
    },
    onModify() {
      events++;
    },
    onExecute() {
      events++;
    },
  };
  const book = new TickBook({ listener: counter, initialCapacity: 4096 });
  for (let i = 0; i < w.n; i++) {
    const op = w.op[i];
    if (op === OP_LIMIT)
      book.submit(w.id[i]!, w.buy[i] === 1 ? 'buy' : 'sell', w.price[i]!, w.lots[i]!);
    else if (op === OP_CANCEL) book.cancel(w.id[i]!);
    else book.submit(w.id[i]!, w.buy[i] === 1 ? 'buy' : 'sell', Number.NaN, w.lots[i]!, 'IOC');
  }
  return events;
}

function replayEngine(w: Workload, n: number): number {
  const inst = Instrument.create({ symbol: 'SIM', tickSize: '1', lotSize: '1' });
  const engine = new MatchingEngine(inst, { clock: new ManualClock(0) });
  let events = 0;
  for (let i = 0; i < n; i++) {
    const op = w.op[i];
    const side = w.buy[i] === 1 ? 'buy' : 'sell';
    const id = String(w.id[i]);
    let r: ReturnType<MatchingEngine['submit']>;
    if (op === OP_LIMIT)
      r = engine.submit({ orderId: id, side, type: 'limit', price: w.price[i]!, qty: w.lots[i]! });
    else if (op === OP_CANCEL) r = engine.cancel(id);
    else r = engine.submit({ orderId: id, side, type: 'market', qty: w.lots[i]! });
    events += r.events.length;
  }
  return events;
}

function best(fn: () => number, reps: number): { ms: number; out: number } {
  let ms = Number.POSITIVE_INFINITY;
  let out = 0;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    out = fn();
    ms = Math.min(ms, performance.now() - t0);
  }
  sink(out);
  return { ms, out };
}

const quick = process.env.X_BENCH_QUICK === '1';
console.log(`@x/sim benchmarks on ${machineInfo()}`);
console.log('(best of several runs; throughput = events or commands per second of wall time)\n');

// ------------------------------------------------------------------ matching
const rows: (string | number)[][] = [];
for (const [name, levels, size, cancelScale] of [
  ['CST 5 levels (thin book, ~20 orders)', 5, 1, 1],
  ['CST 10 levels (thin book)', 10, 1, 1],
  ['CST 10 levels, theta/50 (deep book, ~2,000 orders)', 10, 1, 0.02],
] as const) {
  const w = record(quick ? 200_000 : 1_000_000, levels, size, 7, cancelScale);
  const tb = best(() => replayTickBook(w), quick ? 2 : 5);
  const ob = best(() => replayObject(w), quick ? 2 : 5);
  if (tb.out !== ob.out) {
    throw new Error(`books disagree: TickBook ${tb.out} events, object book ${ob.out} events`);
  }
  rows.push([
    name,
    w.n,
    tb.out,
    (tb.out / tb.ms) * 1000,
    (ob.out / ob.ms) * 1000,
    `${(ob.ms / tb.ms).toFixed(2)}x`,
  ]);
}
console.log('Matching (integer core, TickBook, vs an object-based book on the same commands)');
console.log(
  table(
    [
      'workload',
      'commands',
      'book events',
      'TickBook events/s',
      'object book events/s',
      'speed-up',
    ],
    rows,
  ),
);
console.log('goal: >= 1,000,000 matching-engine events per second on one core\n');

{
  const w = record(200_000, 5, 1, 7);
  const n = quick ? 50_000 : 200_000;
  const tb = best(() => replayTickBook({ ...w, n }), 3);
  const en = best(() => replayEngine(w, n), quick ? 1 : 3);
  console.log('Decimal order entry (MatchingEngine: validation, decimals, event objects)');
  console.log(
    table(
      ['layer', 'commands', 'commands/s', 'events/s'],
      [
        ['TickBook (integer)', n, (n / tb.ms) * 1000, (tb.out / tb.ms) * 1000],
        ['MatchingEngine (decimal)', n, (n / en.ms) * 1000, (en.out / en.ms) * 1000],
      ],
    ),
  );
  console.log(
    `MatchingEngine is ${(en.ms / tb.ms).toFixed(1)}x slower than the integer core it wraps`,
  );
  const steps = quick ? 50_000 : 200_000;
  const fl = best(
    () => {
      const inst = Instrument.create({ symbol: 'SIM', tickSize: '0.01', lotSize: '1' });
      const clock = new ManualClock(0);
      const engine = new MatchingEngine(inst, { clock });
      let events = 0;
      engine.subscribe(() => {
        events++;
      });
      const flow = new BackgroundFlow(engine, { seed: 3, clock, rates: cst2010Rates(10) });
      for (let i = 0; i < steps; i++) flow.step();
      return events;
    },
    quick ? 1 : 3,
  );
  console.log(
    `BackgroundFlow inside the engine: ${Math.round((steps / fl.ms) * 1000).toLocaleString('en-US')} model events/s, ` +
      `${Math.round((fl.out / fl.ms) * 1000).toLocaleString('en-US')} engine events/s\n`,
  );
}

// ------------------------------------------------------------------ generator
{
  const N = quick ? 200_000 : 1_000_000;
  const gRows: (string | number)[][] = [];
  const snapRun = best(() => {
    const g = new OrderFlowGenerator({ seed: 1, rates: cst2010Rates(10) });
    let s = 0;
    for (const snap of g.l2Snapshots(10, { count: N })) s += snap.bidSize[0]! + snap.askSize[9]!;
    return s;
  }, 3);
  gRows.push(['10-level L2 snapshots (in place)', N, (N / snapRun.ms) * 1000, snapRun.ms]);
  const copyRun = best(() => {
    const g = new OrderFlowGenerator({ seed: 1, rates: cst2010Rates(10) });
    let s = 0;
    for (const snap of g.l2Snapshots(10, { count: N, copy: true })) s += snap.bidSize[0]!;
    return s;
  }, 3);
  gRows.push(['10-level L2 snapshots (copy: true)', N, (N / copyRun.ms) * 1000, copyRun.ms]);
  const deltaRun = best(() => {
    const g = new OrderFlowGenerator({ seed: 1, rates: cst2010Rates(10) });
    let s = 0;
    for (const d of g.l2Deltas(10, { count: N })) s += d.size;
    return s;
  }, 3);
  gRows.push(['10-level L2 deltas', N, (N / deltaRun.ms) * 1000, deltaRun.ms]);
  const l3Run = best(() => {
    const g = new OrderFlowGenerator({ seed: 1, rates: cst2010Rates(10) });
    let s = 0;
    for (const e of g.events({ count: N })) s += e.ts;
    return s;
  }, 3);
  gRows.push(['L3 events + trades', N, (N / l3Run.ms) * 1000, l3Run.ms]);
  // the floor: the random draws alone (one exponential and one uniform per model event)
  const floor = best(() => {
    const rng = Rng.fromSeed(1);
    let s = 0;
    for (let i = 0; i < N; i++) s += rng.exponential(20) + rng.float();
    return s;
  }, 3);
  gRows.push(['peer: 2 Rng draws per event (floor)', N, (N / floor.ms) * 1000, floor.ms]);
  console.log('Order-flow generator (CST 2010 rates extended to 10 levels)');
  console.log(table(['output', 'items', 'items/s', 'ms'], gRows));
  console.log(
    `1,000,000 ten-level snapshots: ${(((snapRun.ms / N) * 1e6) / 1000).toFixed(2)} s; ` +
      `snapshot stream costs ${(snapRun.ms / floor.ms).toFixed(1)}x the bare random draws`,
  );
}
console.log(`\nsink ${sinkTotal().toExponential(3)}`);
