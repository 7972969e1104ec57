/**
 * `pnpm bench` in packages/sim: matching throughput of the integer book (TickBook) and of the
 * decimal MatchingEngine, against an idiomatic object-based book measured in the same run, the
 * allocation of both on the hot path, and the order-flow generator's throughput per output form.
 *
 * The matching workload is a replay of a Cont–Stoikov–Talreja order stream (limit adds, cancels,
 * market orders) recorded once into typed arrays, so every book sees the same commands.
 *
 * Allocation is measured, not assumed: V8's GC profiler (`v8.GCProfiler`) lists every GC during a
 * run with the heap's space statistics before and after it, so the bytes allocated in the young
 * generation are exact (growth between GCs plus growth since the last one); the heap delta is
 * taken after a forced full GC (`--expose-gc`, set at runtime). The engine's allocation is then
 * broken down by what allocates it with V8's sampling heap profiler.
 */
import { Session } from 'node:inspector/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Instrument, ManualClock, Rng } from '@x/core';
import { machineInfo, sink, sinkTotal, table } from '@x/test-utils/bench';
import {
  BackgroundFlow,
  type BookListener,
  cst2010Rates,
  MatchingEngine,
  OrderFlowGenerator,
  type OrderRequest,
  TickBook,
} from '../src/index.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

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

/**
 * The book listener of every TickBook run: one object for the whole process, so the optimised
 * code that inlines it is never invalidated by a listener from an earlier run dying in a GC.
 */
let counted = 0;
const COUNTER: BookListener = {
  onAdd() {
    counted++;
  },
  onCancel() {
    counted++;
  },
  onModify() {
    counted++;
  },
  onExecute() {
    counted++;
  },
};

function replayInto(book: TickBook, w: Workload): number {
  counted = 0;
  for (let i = 0; i < w.n; i++) {
    const op = w.op[i];
    if (op === OP_LIMIT)
      book.submit(w.id[i]!, w.buy[i] === 1 ? 'buy' : 'sell', w.price[i]!, w.lots[i]!);
    else if (op === OP_CANCEL) book.cancel(w.id[i]!);
    else book.submit(w.id[i]!, w.buy[i] === 1 ? 'buy' : 'sell', Number.NaN, w.lots[i]!, 'IOC');
  }
  return counted;
}

function replayTickBook(w: Workload): number {
  return replayInto(new TickBook({ listener: COUNTER, initialCapacity: 4096 }), w);
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

// ------------------------------------------------------------------ waiting orders
/**
 * The cost of an unrelated command (a limit order away from the touch, then its cancel) while
 * `waiting` stop-limit GTD orders wait for their trigger and their expiry: the trigger and expiry
 * lookups must not scan them (O(log n) per command, not O(n)).
 */
function waitingOrders(waiting: number, pairs: number): number {
  const inst = Instrument.create({ symbol: 'SIM', tickSize: '1', lotSize: '1' });
  const clock = new ManualClock(0);
  const engine = new MatchingEngine(inst, { clock });
  engine.submit({ orderId: 'a', side: 'sell', type: 'limit', price: 1000, qty: 10 });
  engine.submit({ orderId: 'b', side: 'buy', type: 'limit', price: 1000, qty: 1 }); // last = 1000
  for (let i = 0; i < waiting; i++) {
    const buy = i % 2 === 0;
    const stop = buy ? 2000 + (i % 500) : 500 - (i % 400);
    engine.submit({
      orderId: `s${i}`,
      side: buy ? 'buy' : 'sell',
      type: 'stop-limit',
      stopPrice: stop,
      price: stop,
      qty: 1,
      timeInForce: 'GTD',
      expireAtMs: 1e12 + i,
    });
  }
  const t0 = performance.now();
  for (let i = 0; i < pairs; i++) {
    clock.advance(1);
    engine.submit({ orderId: `u${i}`, side: 'buy', type: 'limit', price: 900, qty: 1 });
    engine.cancel(`u${i}`);
  }
  return performance.now() - t0;
}
{
  const pairs = quick ? 5_000 : 20_000;
  const wRows: (string | number)[][] = [];
  let base = Number.NaN;
  waitingOrders(0, pairs); // warm-up (JIT)
  for (const waiting of [0, 1_000, 100_000]) {
    let ms = Number.POSITIVE_INFINITY;
    for (let r = 0; r < 3; r++) ms = Math.min(ms, waitingOrders(waiting, pairs));
    if (waiting === 0) base = ms;
    wRows.push([
      waiting,
      2 * pairs,
      ((ms / (2 * pairs)) * 1e3).toFixed(2),
      `${(ms / base).toFixed(2)}x`,
    ]);
  }
  console.log(
    'Waiting orders (stop-limit GTD orders waiting for trigger and expiry) vs an unrelated command',
  );
  console.log(table(['waiting orders', 'commands', 'µs per command', 'vs 0 waiting'], wRows));
  console.log('goal: trigger and expiry lookups O(log n): the cost per command stays flat\n');
}

// ------------------------------------------------------------------ allocation
interface AllocRun {
  /** what the run returned (events) */
  out: number;
  /** GC events during the run (any kind) */
  gcs: number;
  /** bytes allocated in the young generation during the run */
  youngBytes: number;
  /** heap used after a forced full GC minus heap used after one before the run */
  heapDelta: number;
}

function youngUsed(
  spaces: readonly {
    spaceName?: string;
    space_name?: string;
    spaceUsedSize?: number;
    space_used_size?: number;
  }[],
): number {
  let used = 0;
  for (const sp of spaces) {
    const name = sp.spaceName ?? sp.space_name;
    if (name === 'new_space' || name === 'new_large_object_space') {
      used += sp.spaceUsedSize ?? sp.space_used_size ?? 0;
    }
  }
  return used;
}

/** Runs `fn` once between forced GCs and reports its GCs and allocation (see the header). */
function measureAlloc(fn: () => number): AllocRun {
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const prof = new v8.GCProfiler();
  prof.start();
  const y0 = youngUsed(v8.getHeapSpaceStatistics());
  const out = fn();
  const y1 = youngUsed(v8.getHeapSpaceStatistics());
  const stats = prof.stop()?.statistics ?? [];
  let young = 0;
  let prev = y0;
  for (const g of stats) {
    young += youngUsed(g.beforeGC.heapSpaceStatistics) - prev;
    prev = youngUsed(g.afterGC.heapSpaceStatistics);
  }
  young += y1 - prev;
  gc();
  return {
    out,
    gcs: stats.length,
    youngBytes: young,
    heapDelta: process.memoryUsage().heapUsed - heap0,
  };
}

/**
 * One book replaying the whole workload again and again (`clear()` between passes, pools kept):
 * the steady state of a long-running book, after the JIT has settled.
 */
function steadyBook(w: Workload): () => number {
  const book = new TickBook({ listener: COUNTER, initialCapacity: 4096 });
  return () => {
    book.clear();
    return replayInto(book, w);
  };
}

const allocRows: (string | number)[][] = [];
let bookAllocFree = true;
/** the most any steady-state pass allocated beyond the empty run, in bytes */
let bookWorstExcess = 0;
let bookWorstBytesPerEvent = 0;
const allocWorkloads = (
  [
    ['CST 5 levels (thin book)', 5, 1],
    ['CST 10 levels (thin book)', 10, 1],
    ['CST 10 levels, theta/50 (deep book)', 10, 0.02],
  ] as const
).map(([name, levels, cancelScale]) => {
  const w = record(quick ? 200_000 : 1_000_000, levels, 1, 7, cancelScale);
  return { name, w, pass: steadyBook(w) };
});
// a full GC first (the books of the runs above die now, and optimised code that referred to
// them is dropped now rather than in a measured pass), then the first pass of each book measured
// cold, then warm-up of all three in turn, so the shared code has seen every workload's shape
gc();
// what the measurement itself allocates (GC profiler, heap statistics): an empty run
const floorBytes = Math.max(...[0, 1, 2].map(() => measureAlloc(() => 1).youngBytes));
const cold = allocWorkloads.map((a) => measureAlloc(a.pass));
for (let r = 0; r < 5; r++) for (const a of allocWorkloads) a.pass();
for (let k = 0; k < allocWorkloads.length; k++) {
  const { name, w, pass } = allocWorkloads[k]!;
  const runs = [measureAlloc(pass), measureAlloc(pass), measureAlloc(pass)];
  if (process.env.X_BENCH_DEBUG === '1') console.log(name, runs);
  const gcs = runs.reduce((a, r) => a + r.gcs, 0);
  const bytes = Math.max(...runs.map((r) => r.youngBytes));
  const heap = Math.max(...runs.map((r) => r.heapDelta));
  const events = runs[0]!.out;
  if (gcs > 0) bookAllocFree = false;
  bookWorstExcess = Math.max(bookWorstExcess, bytes - floorBytes);
  bookWorstBytesPerEvent = Math.max(bookWorstBytesPerEvent, bytes / events);
  const c = cold[k]!;
  allocRows.push([
    `TickBook, ${name}`,
    w.n,
    events,
    String(gcs),
    bytes / 1024,
    bytes / events,
    heap / 1024,
    `${c.gcs} GC, ${(c.youngBytes / c.out).toFixed(2)} B/event`,
  ]);
}

/**
 * The decimal engine on the same stream: requests are built before the run (the caller's objects
 * are not the engine's allocation), a fresh engine per pass (order ids are remembered).
 */
function engineRequests(w: Workload, n: number): (OrderRequest | string)[] {
  const reqs: (OrderRequest | string)[] = [];
  for (let i = 0; i < n; i++) {
    const side = w.buy[i] === 1 ? 'buy' : 'sell';
    const id = String(w.id[i]);
    if (w.op[i] === OP_LIMIT)
      reqs.push({ orderId: id, side, type: 'limit', price: w.price[i]!, qty: w.lots[i]! });
    else if (w.op[i] === OP_CANCEL) reqs.push(id);
    else reqs.push({ orderId: id, side, type: 'market', qty: w.lots[i]! });
  }
  return reqs;
}
function engineReplay(reqs: readonly (OrderRequest | string)[], inst: Instrument): () => number {
  return () => {
    const engine = new MatchingEngine(inst, { clock: new ManualClock(0) });
    let events = 0;
    for (let i = 0; i < reqs.length; i++) {
      const q = reqs[i]!;
      events += (typeof q === 'string' ? engine.cancel(q) : engine.submit(q)).events.length;
    }
    return events;
  };
}

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}
/** Sampled bytes per allocating function (with its caller), from a sampling heap profile. */
function allocationSites(root: ProfileNode): Map<string, number> {
  const sites = new Map<string, number>();
  const label = (n: ProfileNode) => {
    const file = n.callFrame.url.split('/').slice(-3).join('/');
    const fn = n.callFrame.functionName || '(anonymous)';
    return file === '' ? fn : `${fn} (${file})`;
  };
  const walk = (n: ProfileNode, caller: string) => {
    const me = label(n);
    if (n.selfSize > 0) {
      const k = `${me} <- ${caller}`;
      sites.set(k, (sites.get(k) ?? 0) + n.selfSize);
    }
    for (const c of n.children) walk(c, me);
  };
  walk(root, '');
  return sites;
}

const engineCommands = quick ? 50_000 : 200_000;
const ew = record(engineCommands, 5, 1, 7);
const eInst = Instrument.create({ symbol: 'SIM', tickSize: '1', lotSize: '1' });
const eReqs = engineRequests(ew, ew.n);
const ePass = engineReplay(eReqs, eInst);
for (let r = 0; r < 3; r++) ePass();
const eRuns = [measureAlloc(ePass), measureAlloc(ePass)];
const eRun = eRuns.reduce((a, b) => (a.youngBytes <= b.youngBytes ? a : b));
const engineBytesPerEvent = eRun.youngBytes / eRun.out;
allocRows.push([
  'MatchingEngine (decimal), CST 5 levels',
  ew.n,
  eRun.out,
  String(eRun.gcs),
  eRun.youngBytes / 1024,
  engineBytesPerEvent,
  eRun.heapDelta / 1024,
  '',
]);
// where the engine's bytes go: V8's sampling heap profiler over one more pass
const session = new Session();
session.connect();
await session.post('HeapProfiler.enable');
// (the two include flags keep the objects minor and major GCs collected: all bytes, not live ones)
const samplingParams: object = {
  samplingInterval: 4096,
  includeObjectsCollectedByMinorGC: true,
  includeObjectsCollectedByMajorGC: true,
};
await session.post('HeapProfiler.startSampling', samplingParams);
const sampledEvents = ePass();
const { profile } = await session.post('HeapProfiler.stopSampling');
session.disconnect();
const groups = allocationSites(profile.head as unknown as ProfileNode);
const sampledTotal = [...groups.values()].reduce((a, b) => a + b, 0);

console.log(
  'Allocation on the hot path (young-generation bytes allocated during a run, exact; GCs counted by v8.GCProfiler)',
);
console.log(
  table(
    [
      'workload (steady state)',
      'commands',
      'events',
      'GC events',
      'allocated KiB',
      'bytes/event',
      'heap Δ after GC KiB',
      'first pass (cold JIT)',
    ],
    allocRows,
  ),
);
console.log(
  '  TickBook: one book per workload replays the stream 3 times after 6 passes of warm-up (clear() between passes, pools kept); worst of the 3 passes shown, GCs summed; the first pass runs while the JIT compiles.',
);
console.log(
  `  MatchingEngine: ${eRun.out.toLocaleString('en-US')} emitted events (acks, L3, trades, fills, cancels), requests built beforehand; best of 2 passes.`,
);
console.log(
  '  where the engine allocates (V8 sampling heap profiler over one more pass, top sites: allocating function <- caller; inlined code may be charged to its caller):',
);
for (const [g, v] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
  console.log(
    `    ${((100 * v) / sampledTotal).toFixed(1).padStart(5)}%  ${((v / sampledEvents) | 0).toString().padStart(4)} B/event  ${g}`,
  );
}
const passEvents = allocWorkloads[0]!.w.n;
// proven: no GC at all, and no pass allocated more than 1 KiB beyond the empty run (less than one
// 16-byte object per 10,000 events; in practice the excess is 0 bytes)
const proven = bookAllocFree && bookWorstExcess <= 1024;
console.log(
  `  measurement floor: an empty run allocates ${floorBytes} bytes (the GC profiler and heap statistics calls); TickBook passes allocated at most ${Math.max(0, bookWorstExcess)} bytes beyond it.`,
);
console.log(
  `goal: no allocation per event on the hot path beyond what the emitted events need: ${
    proven
      ? `PROVEN for the integer core (TickBook): 0 GC events in ${3 * allocWorkloads.length} steady-state passes of ${passEvents.toLocaleString('en-US')} commands, ${
          bookWorstExcess <= 0
            ? 'each pass allocated exactly the measurement floor, i.e. nothing at all'
            : `at most ${bookWorstExcess} bytes per pass beyond the measurement floor (under 1 KiB: not one object per event)`
        }`
      : `NOT PROVEN for the integer core (TickBook): ${bookAllocFree ? '' : 'GCs ran during a steady-state pass; '}a pass allocated ${bookWorstExcess} bytes beyond the measurement floor (${bookWorstBytesPerEvent.toFixed(3)} B/event)`
  }.\n  The decimal MatchingEngine allocates ${engineBytesPerEvent.toFixed(0)} B per emitted event (${((eRun.youngBytes / ew.n) | 0).toString()} B per command): the event objects it emits, their decimals (fill notional and average price), the per-command result (CommandResult, OrderView, event list) and each order's record, kept until forget(); see the sites above.\n`,
);

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
