/**
 * Historical L3 replay throughput: LOBSTER-like messages (submissions near the touch,
 * cancellations and executions of live orders) applied to the TickBook through L3Replay, in
 * messages per second on one core; and the real LOBSTER sample when ../shared is present.
 * Goal: at least 5M messages per second through the book.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@x/core';
import { machineInfo, sink, sinkTotal } from '@x/test-utils/bench';
import { type HistoricalMessage, L3Replay } from '../src/index.js';

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
    if (live.length < 200 || u < 0.5) {
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

function run(s: ReturnType<typeof generate>, n: number): number {
  const r = new L3Replay({ onTrade: (t) => sink(t.lots > 0 ? 0 : 1) });
  const m: Msg = { ts: 0, type: 1, orderId: 0, size: 0, priceTicks: 0, side: 'buy' };
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    m.ts = i;
    m.type = s.type[i]!;
    m.orderId = s.id[i]!;
    m.size = s.size[i]!;
    m.priceTicks = s.price[i]!;
    m.side = s.side[i] === 0 ? 'buy' : 'sell';
    r.apply(m as HistoricalMessage);
  }
  const c = process.cpuUsage(c0);
  const sec = (c.user + c.system) / 1e6;
  sink(r.book.size() >= 0 ? 0 : 1);
  if (r.stats.unseenOrders !== 0) throw new Error('generator and replay disagree');
  return sec;
}

console.log(`@x/sim replay bench — ${machineInfo()}`);
const s = generate(N);
run(s, Math.min(N, 200_000)); // warm up
const times: number[] = [];
for (let k = 0; k < 3; k++) times.push(run(s, N));
const best = Math.min(...times);
console.log(
  `L3Replay.apply, ${N.toLocaleString()} synthetic LOBSTER-like messages: ${(N / best / 1e6).toFixed(2)}M messages/s, ${((best / N) * 1e9).toFixed(0)} ns/message of CPU time (best of 3; process CPU time, so other load on the machine does not count; goal >= 5M/s)`,
);

const sample = join(
  process.env.X_SHARED ?? join(import.meta.dirname, '..', '..', '..', '..', 'shared'),
  'data/real/yilezheng-orderbook-hls/AAPL_2012-06-21_34200000_57600000_message_10.csv',
);
if (existsSync(sample)) {
  const { readLobsterMessages } = await import('@x/data');
  const msgs = await readLobsterMessages(sample, { tickSize: '0.01' }).toArray();
  const reps = 2000;
  const c0 = process.cpuUsage();
  for (let k = 0; k < reps; k++) {
    const r = new L3Replay();
    for (const m of msgs) r.apply(m);
    sink(r.book.size() >= 0 ? 0 : 1);
  }
  const c = process.cpuUsage(c0);
  const sec = (c.user + c.system) / 1e6;
  console.log(
    `real AAPL sample (${msgs.length} messages, replayed ${reps}x from an empty book): ${((msgs.length * reps) / sec / 1e6).toFixed(2)}M messages/s`,
  );
} else console.log(`(real sample not found at ${sample}: skipped)`);
console.log(`(sink ${sinkTotal()})`);
