/**
 * Historical L3 replay throughput: LOBSTER-like messages (submissions near the touch,
 * cancellations and executions of live orders, a book of about 4,000 live orders) applied to the TickBook through L3Replay, in
 * messages per second on one core; and the real LOBSTER sample when ../shared is present.
 * Goal: at least 5M messages per second through the book.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { type QueueModel, Rng } from '@x/core';
import { machineInfo, sink, sinkTotal } from '@x/test-utils/bench';
import { type HistoricalMessage, L3Replay, ReplayOrders } from '../src/index.js';

/** A queue model of this file (sim does not depend on microstructure): trades at our price only. */
const TRADES_ONLY: QueueModel = {
  name: 'trades-only',
  create(join) {
    let front = join.depth;
    return {
      get queueAhead() {
        return Math.max(front, 0);
      },
      get filledQty() {
        return front >= 0 ? 0 : Math.min(join.qty, -front);
      },
      onTrade(price, qty, aggressor) {
        if (aggressor !== join.side && price === join.price) front -= qty;
      },
      onDepth(depth) {
        if (front > 0) front = Math.min(front, depth);
      },
    };
  },
};

const N = Number(process.env.X_BENCH_MESSAGES ?? 3_000_000);

/** A message stream as struct-of-arrays (generated once, outside the timing). */
function generate(n: number) {
  const rng = Rng.fromSeed(17);
  const type = new Uint8Array(n);
  const id = new Float64Array(n);
  const size = new Float64Array(n);
  const price = new Float64Array(n);
  const side = new Uint8Array(n);
  const live: number[] = [];
  const liveSize = new Map<number, [number, number, number]>();
  let next = 1;
  const mid = 58_600;
  for (let i = 0; i < n; i++) {
    const u = rng.float();
    // a book of a few thousand live orders, as a liquid stock's (the stream is stationary)
    if (live.length < 200 || (u < 0.5 && live.length < 4000)) {
      const s = rng.float() < 0.5 ? 0 : 1;
      const p = s === 0 ? mid - 1 - rng.int(0, 20) : mid + 1 + rng.int(0, 20);
      const q = 1 + rng.int(0, 300);
      type[i] = 1;
      id[i] = next;
      size[i] = q;
      price[i] = p;
      side[i] = s;
      live.push(next);
      liveSize.set(next++, [q, p, s]);
    } else {
      const k = rng.int(0, live.length - 1);
      const o = live[k]!;
      const [q, p, s] = liveSize.get(o)!;
      const whole = u < 0.75;
      const take = whole ? q : Math.max(1, Math.min(q, 1 + rng.int(0, q)));
      type[i] = u < 0.75 ? 3 : u < 0.85 ? 2 : 4;
      id[i] = o;
      size[i] = take;
      price[i] = p;
      side[i] = s;
      if (take >= q) {
        live[k] = live[live.length - 1]!;
        live.pop();
        liveSize.delete(o);
      } else liveSize.set(o, [q - take, p, s]);
    }
  }
  return { type, id, size, price, side };
}

type Msg = {
  ts: number;
  type: number;
  orderId: number;
  size: number;
  priceTicks: number;
  side: 'buy' | 'sell';
};

/** What one timed run drives: a bare L3Replay, or ReplayOrders with or without our orders. */
interface Driver {
  apply(m: HistoricalMessage): void;
  /** Called every 1024 messages (our orders are topped up here). */
  tick(i: number): void;
  done(): void;
}

function bare(): Driver {
  const r = new L3Replay({ onTrade: (t) => sink(t.lots > 0 ? 0 : 1) });
  return {
    apply: (m) => r.apply(m),
    tick() {},
    done() {
      sink(r.book.size() >= 0 ? 0 : 1);
      if (r.stats.unseenOrders !== 0) throw new Error('generator and replay disagree');
    },
  };
}

/** ReplayOrders keeping `k` of our orders working at the touch (a new one when one is done). */
function withOrders(k: number, queueModel?: QueueModel): Driver {
  let filled = 0;
  const sim = new ReplayOrders({
    ...(queueModel === undefined ? {} : { queueModel }),
    onTrade: (t) => sink(t.lots > 0 ? 0 : 1),
    onReport: (r) => {
      if (r.type === 'fill') filled += r.lots;
    },
  });
  const ids: string[] = [];
  let seq = 0;
  return {
    apply: (m) => sim.apply(m),
    tick(i) {
      if (k === 0 || i === 0) return;
      const book = sim.replay.book;
      for (let j = 0; j < k; j++) {
        const id = ids[j];
        if (id !== undefined && sim.order(id)?.status === 'resting') continue;
        const buy = j % 2 === 0;
        const px = buy ? book.bestBid() : book.bestAsk();
        if (Number.isNaN(px)) continue;
        ids[j] = `u${++seq}`;
        sim.submit(ids[j]!, buy ? 'buy' : 'sell', px, 50);
      }
    },
    done() {
      sink(filled);
      if (sim.replay.stats.unseenOrders !== 0) throw new Error('generator and replay disagree');
      if (k > 0 && filled === 0) throw new Error('our orders never filled');
    },
  };
}

function run(s: ReturnType<typeof generate>, n: number, d: Driver): number {
  const m: Msg = { ts: 0, type: 1, orderId: 0, size: 0, priceTicks: 0, side: 'buy' };
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    if ((i & 1023) === 0) d.tick(i);
    m.ts = i;
    m.type = s.type[i]!;
    m.orderId = s.id[i]!;
    m.size = s.size[i]!;
    m.priceTicks = s.price[i]!;
    m.side = s.side[i] === 0 ? 'buy' : 'sell';
    d.apply(m as HistoricalMessage);
  }
  const c = process.cpuUsage(c0);
  d.done();
  return (c.user + c.system) / 1e6;
}

console.log(`@x/sim replay bench — ${machineInfo()}`);
console.log(
  `load average at start: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')} (${cpus().length} cores)`,
);
const s = generate(N);
const variants: [string, () => Driver][] = [
  ['L3Replay (no orders of ours)', bare],
  ['ReplayOrders, none inserted', () => withOrders(0)],
  ['ReplayOrders, 10 inserted, exact L3 FIFO', () => withOrders(10)],
  ['ReplayOrders, 10 inserted, QueueModel (trades-only)', () => withOrders(10, TRADES_ONLY)],
];
for (const [, make] of variants) run(s, Math.min(N, 200_000), make()); // warm up
const best = variants.map(() => Number.POSITIVE_INFINITY);
// interleaved: each round runs every variant once, so a change of load hits them alike
for (let k = 0; k < 3; k++) {
  variants.forEach(([, make], v) => {
    best[v] = Math.min(best[v]!, run(s, N, make()));
  });
}
console.log(
  `${N.toLocaleString()} synthetic LOBSTER-like messages, best of 3 interleaved rounds, process CPU time (other load on the machine does not count); goal >= 5M messages/s`,
);
variants.forEach(([name], v) => {
  const sec = best[v]!;
  console.log(
    `  ${name.padEnd(52)} ${(N / sec / 1e6).toFixed(2)}M messages/s, ${((sec / N) * 1e9).toFixed(0)} ns/message, ${(best[0]! / sec).toFixed(2)}x of the bare replay`,
  );
});

const sample = join(
  process.env.X_SHARED ?? join(import.meta.dirname, '..', '..', '..', '..', 'shared'),
  'data/real/yilezheng-orderbook-hls/AAPL_2012-06-21_34200000_57600000_message_10.csv',
);
if (existsSync(sample)) {
  const { readLobsterMessages } = await import('@x/data');
  const msgs = await readLobsterMessages(sample, { tickSize: '0.01' }).toArray();
  const reps = 2000;
  const realRun = (make: () => Driver) => {
    const c0 = process.cpuUsage();
    for (let k = 0; k < reps; k++) {
      const d = make();
      for (let i = 0; i < msgs.length; i++) {
        if ((i & 127) === 0) d.tick(i);
        d.apply(msgs[i]!);
      }
      sink(d === undefined ? 1 : 0);
    }
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1e6;
  };
  const realBest = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  // (from an empty book the file's older orders are unseen: no done() check here)
  const real: (() => Driver)[] = [bare, () => withOrders(4)];
  for (let k = 0; k < 3; k++) {
    real.forEach((make, v) => {
      realBest[v] = Math.min(realBest[v]!, realRun(make));
    });
  }
  const total = msgs.length * reps;
  console.log(
    `real AAPL sample (${msgs.length} messages, replayed ${reps}x from an empty book, best of 3 interleaved): bare ${(total / realBest[0]! / 1e6).toFixed(2)}M messages/s; with 4 of our orders at the touch ${(total / realBest[1]! / 1e6).toFixed(2)}M messages/s`,
  );
} else console.log(`(real sample not found at ${sample}: skipped)`);
console.log(`(sink ${sinkTotal()})`);
