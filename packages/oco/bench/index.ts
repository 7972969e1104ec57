/**
 * `pnpm bench` in packages/oco: the order manager with 100,000 live bracket groups and a stream
 * of mixed venue events (acks, partial entry fills, partial take-profit fills, stop triggers and
 * fills, modify acks, duplicate fills, market data).
 *
 * 1. A driver builds the event log once: it plays a simple venue against a manager, so every
 *    event is one the manager would really see.
 * 2. Throughput: the log is replayed into a fresh manager in a tight loop (the manager is
 *    deterministic, so the replay takes exactly the same paths).
 * 3. Latency: the stream is replayed again with one high-resolution timing per event.
 *    Both read every command's quantity as a decimal, as a venue adapter must.
 * 4. Peer, same run: a naive reference ledger that recomputes each group's remainder from all of
 *    its fills on every fill (what the ledger does without incremental state).
 *
 * Goal from the issue: >= 250,000 events/s and p99 < 20 µs per event on one core.
 */
import { loadavg } from 'node:os';
import { Dec, Instrument, Rng } from '@x/core';
import { machineInfo, percentile, sink, sinkTotal, table } from '@x/test-utils/bench';
import { bracket, type OcoCommand, type OcoEvent, OrderManager } from '../src/index.js';

const GROUPS = Number(process.env.OCO_BENCH_GROUPS ?? 100_000);
const EVENTS = Number(process.env.OCO_BENCH_EVENTS ?? 500_000);

const inst = Instrument.create({ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' });
// wire-like payloads: decimal strings, as a venue feed delivers them
const lot = (n: number): string => inst.lotSize.times(n).toString();
const px = (ticks: number): string => inst.tickSize.times(ticks).toString();

interface Live {
  orderId: string;
  role: 'entry' | 'stop' | 'target';
  open: number; // lots, venue view
  acked: boolean;
}

/** Builds the event log by driving a manager with a minimal synchronous venue. */
function buildLog(): { creates: OcoEvent[]; stream: OcoEvent[] } {
  const rng = Rng.fromSeed(20261124);
  const om = new OrderManager({ instruments: [inst] });
  const creates: OcoEvent[] = [];
  const stream: OcoEvent[] = [];
  const live = new Map<string, Live>();
  const byGroup: string[][] = [];
  const pending: OcoEvent[] = [];
  let trade = 0;
  const fills: OcoEvent[] = [];
  const feed = (e: OcoEvent, log: OcoEvent[]) => {
    log.push(e);
    const s = om.apply(e);
    for (const c of s.commands) {
      if (c.type === 'submit') {
        const g = Number(c.groupId.slice(1));
        live.set(c.orderId, {
          orderId: c.orderId,
          role: c.role as Live['role'],
          open: inst.qtyToLots(c.qty),
          acked: false,
        });
        byGroup[g]!.push(c.orderId);
        pending.push({ type: 'accepted', orderId: c.orderId });
      } else if (c.type === 'cancel') {
        if (live.delete(c.orderId)) pending.push({ type: 'canceled', orderId: c.orderId });
      } else {
        const o = live.get(c.orderId);
        if (o !== undefined) {
          o.open = inst.qtyToLots(c.openQty);
          pending.push({ type: 'modified', orderId: c.orderId, qty: c.qty });
        } else pending.push({ type: 'modify-rejected', orderId: c.orderId });
      }
    }
  };
  for (let g = 0; g < GROUPS; g++) {
    byGroup.push([]);
    feed(
      {
        type: 'create',
        spec: bracket({
          id: `g${g}`,
          symbol: inst.symbol,
          side: g % 2 === 0 ? 'buy' : 'sell',
          qty: lot(1000 + rng.int(0, 9000)),
          entryPrice: px(10_000_00),
          stop: { offset: { kind: 'ticks', value: 500 } },
          target: { offset: { kind: 'ticks', value: 800 } },
        }),
      },
      creates,
    );
  }
  while (pending.length > 0) feed(pending.shift()!, creates); // entry acks
  while (stream.length < EVENTS) {
    if (pending.length > 0 && rng.float() < 0.6) {
      feed(pending.splice(rng.int(0, Math.min(pending.length, 4) - 1), 1)[0]!, stream);
      continue;
    }
    const u = rng.float();
    if (u < 0.02) {
      feed(
        { type: 'market', symbol: inst.symbol, last: px(10_000_00 + rng.int(-300, 300)) },
        stream,
      );
      continue;
    }
    if (u < 0.05 && fills.length > 0) {
      feed(fills[rng.int(0, fills.length - 1)]!, stream); // duplicate delivery
      continue;
    }
    const g = rng.int(0, GROUPS - 1);
    const ids = byGroup[g]!;
    const cands = ids.filter((id) => live.has(id));
    if (cands.length === 0) continue;
    const o = live.get(cands[rng.int(0, cands.length - 1)]!)!;
    if (o.role === 'stop' && rng.float() < 0.5) {
      feed({ type: 'triggered', orderId: o.orderId }, stream);
    }
    const q = Math.max(1, Math.min(o.open, 1 + rng.int(0, Math.ceil(o.open / 3))));
    o.open -= q;
    const p =
      o.role === 'entry' ? 10_000_00 - rng.int(0, 50) : o.role === 'stop' ? 9_999_00 : 10_001_00;
    const f: OcoEvent = {
      type: 'fill',
      orderId: o.orderId,
      tradeId: `T${++trade}`,
      price: px(p),
      qty: lot(q),
    };
    fills.push(f);
    if (o.open <= 0) live.delete(o.orderId);
    feed(f, stream);
  }
  const working = om.workingGroups();
  console.log(
    `log: ${creates.length.toLocaleString('en-US')} setup events, ${stream.length.toLocaleString('en-US')} stream events, ${working.toLocaleString('en-US')} groups still working at the end`,
  );
  return { creates, stream };
}

/** The peer: a naive ledger recomputed from every fill of the group on each fill. */
class NaiveLedger {
  private readonly fillsByGroup = new Map<
    string,
    { role: string; lots: number; ticks: number }[]
  >();
  private readonly orders = new Map<string, { g: string; role: string }>();
  private readonly seen = new Set<string>();
  register(orderId: string, g: string, role: string): void {
    this.orders.set(orderId, { g, role });
  }
  apply(e: OcoEvent): number {
    if (e.type !== 'fill') return 0;
    const key = `${e.orderId}#${e.tradeId}`;
    if (this.seen.has(key)) return 0;
    this.seen.add(key);
    const o = this.orders.get(e.orderId);
    if (o === undefined) return 0;
    let list = this.fillsByGroup.get(o.g);
    if (list === undefined) {
      list = [];
      this.fillsByGroup.set(o.g, list);
    }
    list.push({ role: o.role, lots: inst.qtyToLots(e.qty), ticks: inst.priceToTicks(e.price) });
    let eF = 0;
    let eN = 0;
    let xF = 0;
    for (const f of list) {
      if (f.role === 'entry') {
        eF += f.lots;
        eN += f.lots * f.ticks;
      } else xF += f.lots;
    }
    // R, and the stop/target targets (own filled + R) the manager would send
    return eF - xF + (eF > 0 ? eN / eF : 0) * 0;
  }
}

/** Reads what a venue adapter must read of every command (its quantity, an exact decimal string). */
let qtyExponents = 0;
function consume(commands: readonly OcoCommand[]): number {
  for (let i = 0; i < commands.length; i++) {
    const c = commands[i]!;
    if (c.type !== 'cancel') qtyExponents += c.qty.length;
  }
  return commands.length;
}

/** The manager under test, or the baseline's (another checkout's `src/index.ts`, same API). */
interface ManagerClass {
  new (options: {
    instruments: unknown[];
  }): {
    apply(e: OcoEvent): { commands: readonly OcoCommand[] };
    workingGroups(): number;
  };
  /** The instrument, built by the same copy of @x/core as the manager. */
  instrument?: unknown;
}

function replay(OM: ManagerClass, creates: readonly OcoEvent[]) {
  const om = new OM({ instruments: [OM.instrument ?? inst] });
  for (const e of creates) om.apply(e);
  return om;
}

const cpuNs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1e3;
};

interface Figures {
  /** Best of the replays, events per second of process CPU time (user + system). */
  cpuPerSec: number;
  /** Best of the replays, events per second of wall time. */
  wallPerSec: number;
  /** Per-event wall latencies, sorted, ns. */
  lat: Float64Array;
  /** Per-event-type latencies, sorted, ns. */
  byType: Map<string, Float64Array>;
  commands: number;
  heapMiB: number;
}

/** One throughput replay (CPU and wall time of the whole stream). */
function throughput(OM: ManagerClass, f: { cpu: number; wall: number; commands: number }): void {
  const om = replay(OM, creates);
  const c0 = cpuNs();
  const t0 = process.hrtime.bigint();
  let c = 0;
  for (let i = 0; i < stream.length; i++) c += consume(om.apply(stream[i]!).commands);
  const wall = Number(process.hrtime.bigint() - t0);
  const cpu = cpuNs() - c0;
  f.cpu = Math.min(f.cpu, cpu);
  f.wall = Math.min(f.wall, wall);
  f.commands = c;
  sink(om.workingGroups());
}

/** One latency replay: one high-resolution (wall) timing per event. */
function latency(OM: ManagerClass): Pick<Figures, 'lat' | 'byType' | 'heapMiB'> {
  const om = replay(OM, creates);
  const heapMiB = process.memoryUsage().heapUsed / 2 ** 20;
  const lat = new Float64Array(stream.length);
  for (let i = 0; i < stream.length; i++) {
    const s = process.hrtime.bigint();
    consume(om.apply(stream[i]!).commands);
    lat[i] = Number(process.hrtime.bigint() - s);
  }
  const lists = new Map<string, number[]>();
  for (let i = 0; i < stream.length; i++) {
    const t = stream[i]!.type;
    let a = lists.get(t);
    if (a === undefined) {
      a = [];
      lists.set(t, a);
    }
    a.push(lat[i]!);
  }
  const byType = new Map<string, Float64Array>();
  for (const [t, a] of lists) byType.set(t, Float64Array.from(a).sort());
  lat.sort();
  sink(om.workingGroups());
  return { lat, byType, heapMiB };
}

/** Measures every manager, the replays interleaved (A B A B ...) so load hits them alike. */
function measureAll(managers: readonly ManagerClass[]): Figures[] {
  const acc = managers.map(() => ({
    cpu: Number.POSITIVE_INFINITY,
    wall: Number.POSITIVE_INFINITY,
    commands: 0,
  }));
  for (let rep = 0; rep < 3; rep++)
    for (let i = 0; i < managers.length; i++) throughput(managers[i]!, acc[i]!);
  const lats = managers.map((OM) => latency(OM));
  return managers.map((_, i) => ({
    cpuPerSec: stream.length / (acc[i]!.cpu / 1e9),
    wallPerSec: stream.length / (acc[i]!.wall / 1e9),
    commands: acc[i]!.commands,
    ...lats[i]!,
  }));
}

const { creates, stream } = buildLog();
const mix = new Map<string, number>();
for (const e of stream) mix.set(e.type, (mix.get(e.type) ?? 0) + 1);
console.log(
  `stream mix: ${[...mix].map(([k, v]) => `${k} ${((100 * v) / stream.length).toFixed(1)}%`).join(', ')}`,
);
console.log(machineInfo());
console.log(
  `load average at start: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log(
  `groups: ${GROUPS.toLocaleString('en-US')} live, events: ${stream.length.toLocaleString('en-US')}\n`,
);

// the baseline: another checkout of this package (for example `git worktree add /tmp/base main`
// and `OCO_BENCH_BASELINE=/tmp/base/packages/oco/src/index.ts`), measured in the same run
const baselinePath = process.env.OCO_BENCH_BASELINE;
const managers: ManagerClass[] = [OrderManager as unknown as ManagerClass];
if (baselinePath !== undefined) {
  const mod = (await import(baselinePath)) as { OrderManager: ManagerClass };
  // its own copy of @x/core (the checkout's packages/core), so its instrument is of that copy
  const core = (await import(
    new URL('../../core/src/index.ts', `file://${baselinePath}`).href
  )) as {
    Instrument: typeof Instrument;
  };
  const B = class extends mod.OrderManager {} as ManagerClass;
  B.instrument = core.Instrument.create({
    symbol: inst.symbol,
    tickSize: '0.01',
    lotSize: '0.001',
  });
  managers.push(B);
}
const figures = measureAll(managers);
const mine = figures[0]!;
const base = figures[1];
const commands = mine.commands;
if (base !== undefined && base.commands !== commands) {
  throw new Error(`baseline emitted ${base.commands} commands, this code ${commands}`);
}

// peer: the naive ledger over the same stream (fills only; other events are a no-op for it)
const roles = new Map<string, string>();
for (const e of [...creates, ...stream]) {
  if (e.type === 'create') for (const l of e.spec.legs) roles.set(`${e.spec.id}:${l.id}`, l.role);
}
let peerBest = Number.POSITIVE_INFINITY;
let peerSum = 0;
for (let rep = 0; rep < 3; rep++) {
  const peer = new NaiveLedger();
  for (const e of stream) {
    if (e.type !== 'fill' && e.type !== 'accepted') continue;
    const parts = e.orderId.split(':');
    peer.register(e.orderId, parts[0]!, roles.get(`${parts[0]}:${parts[1]}`) ?? 'free');
  }
  const t0 = process.hrtime.bigint();
  let acc = 0;
  for (let i = 0; i < stream.length; i++) acc += peer.apply(stream[i]!);
  const ns = Number(process.hrtime.bigint() - t0);
  if (ns < peerBest) peerBest = ns;
  peerSum = acc;
}
sink(peerSum);
const check = Dec(commands);
if (!check.isFinite()) throw new Error('bad command count');

const peerPerSec = stream.length / (peerBest / 1e9);
const us = (a: Float64Array, p: number) => percentile(a, p) / 1e3;
const row = (what: string, f: Figures, goal: string) => [
  what,
  f.cpuPerSec,
  f.wallPerSec,
  us(f.lat, 50),
  us(f.lat, 99),
  us(f.lat, 99.9),
  goal,
];
const rows = [
  row('OrderManager.apply (full: ledger, rules, commands)', mine, '>= 250,000/s, p99 < 20 µs'),
];
if (base !== undefined) rows.push(row(`baseline (${baselinePath})`, base, ''));
rows.push([
  'peer: naive ledger recomputed from all fills (no commands)',
  '',
  peerPerSec,
  '',
  '',
  '',
  '',
]);
if (base !== undefined) {
  console.log(
    `this code / baseline, same run: throughput ${(mine.cpuPerSec / base.cpuPerSec).toFixed(2)}x (CPU time), p99 ${(us(base.lat, 99) / us(mine.lat, 99)).toFixed(2)}x faster`,
  );
}
console.log(
  `manager / naive-peer throughput ratio: ${(mine.wallPerSec / peerPerSec).toFixed(2)}x wall (the peer does far less work: no commands, rules or state machine)\n`,
);
console.log(
  table(['what', 'events/s CPU', 'events/s wall', 'p50 µs', 'p99 µs', 'p99.9 µs', 'goal'], rows),
);
const types = (f: Figures) =>
  [...f.byType]
    .map(([t, a]) => `${t} ${us(a, 50).toFixed(2)} / ${us(a, 99).toFixed(2)}`)
    .join(', ');
console.log(`\nper event type (p50 / p99 µs, wall): ${types(mine)}`);
if (base !== undefined) console.log(`baseline per event type:             ${types(base)}`);
console.log(
  `latencies are wall time per event (hrtime); throughput best of 3 replays, CPU = user + system`,
);
console.log(
  `load average at end: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
sink(qtyExponents);
console.log(
  `heap in use with the manager and the event log loaded: ${mine.heapMiB.toFixed(0)} MiB`,
);
console.log(
  `commands emitted per replay: ${commands.toLocaleString('en-US')}; sink ${sinkTotal()}`,
);
