/**
 * `node --conditions=@x/source --import tsx bench/held.ts` in packages/oco: the cost of a market
 * event while many stops are held back through the market (policy `stopThroughMarket: 'wait'`).
 *
 * N long positions bought at 105 with their stop at 104 while the market trades at 100: every
 * stop is held. Market events then move between 99.50 and 100.50, crossing none of them. The
 * naive re-evaluation looks at every held group on every event; the index keyed by trigger looks
 * at none. A last event at 104.01 then releases them all (the work is per stop that became valid).
 * With `OCO_BENCH_BASELINE` (another checkout's `packages/oco/src/index.ts`) the baseline runs in
 * the same process, interleaved; CPU time (user + system) per event is reported.
 */
import { loadavg } from 'node:os';
import { Instrument } from '@x/core';
import { machineInfo, sink } from '@x/test-utils/bench';
import { type OcoEvent, OrderManager, ocoExit } from '../src/index.js';

const HELD = Number(process.env.OCO_BENCH_HELD ?? 20_000);
const MOVES = Number(process.env.OCO_BENCH_MOVES ?? 2_000);

interface Manager {
  apply(e: OcoEvent): { commands: readonly unknown[] };
}
type Build = () => Manager;

const setup: OcoEvent[] = [{ type: 'market', symbol: 'BTC', last: '100' }];
for (let g = 0; g < HELD; g++) {
  setup.push({
    type: 'create',
    spec: ocoExit({
      id: `h${g}`,
      symbol: 'BTC',
      side: 'buy',
      position: '1',
      positionPrice: '105',
      stop: { price: '104' },
      target: { price: '110' },
    }),
  });
}
const moves: OcoEvent[] = [];
for (let i = 0; i < MOVES; i++) {
  moves.push({ type: 'market', symbol: 'BTC', last: (99.5 + ((i * 37) % 101) / 100).toFixed(2) });
}
const release: OcoEvent = { type: 'market', symbol: 'BTC', last: '104.01' };

const cpuNs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1e3;
};

/** CPU ns per non-crossing market event, and for the one event that releases every stop. */
function run(build: Build): { perMove: number; release: number; sent: number } {
  const om = build();
  for (const e of setup) om.apply(e);
  const c0 = cpuNs();
  for (const e of moves) sink(om.apply(e).commands.length);
  const perMove = (cpuNs() - c0) / moves.length;
  const c1 = cpuNs();
  const sent = om.apply(release).commands.length;
  return { perMove, release: cpuNs() - c1, sent };
}

const builds: [string, Build][] = [];
const mine = Instrument.create({ symbol: 'BTC', tickSize: '0.01', lotSize: '0.001' });
builds.push(['this code', () => new OrderManager({ instruments: [mine] })]);
const basePath = process.env.OCO_BENCH_BASELINE;
if (basePath !== undefined) {
  const mod = (await import(basePath)) as {
    OrderManager: new (o: { instruments: unknown[] }) => Manager;
  };
  const core = (await import(new URL('../../core/src/index.ts', `file://${basePath}`).href)) as {
    Instrument: typeof Instrument;
  };
  const inst = core.Instrument.create({ symbol: 'BTC', tickSize: '0.01', lotSize: '0.001' });
  builds.push([`baseline (${basePath})`, () => new mod.OrderManager({ instruments: [inst] })]);
}

console.log(machineInfo());
console.log(
  `load average at start: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log(`${HELD.toLocaleString('en-US')} held stops, ${MOVES} market events crossing none`);
const best = builds.map(() => ({ perMove: Number.POSITIVE_INFINITY, release: 0, sent: 0 }));
for (let rep = 0; rep < 3; rep++) {
  builds.forEach(([, build], i) => {
    const r = run(build);
    const b = best[i]!;
    if (r.perMove < b.perMove) Object.assign(b, r);
  });
}
builds.forEach(([name], i) => {
  const b = best[i]!;
  if (b.sent !== HELD) throw new Error(`${name}: the release sent ${b.sent} stops, not ${HELD}`);
  console.log(
    `${name}: ${(b.perMove / 1e3).toFixed(2)} µs CPU per market event; the releasing event ${(b.release / 1e6).toFixed(1)} ms for ${b.sent.toLocaleString('en-US')} stops`,
  );
});
if (best.length > 1) {
  console.log(
    `baseline / this code, per market event: ${(best[1]!.perMove / best[0]!.perMove).toFixed(0)}x`,
  );
}
console.log(
  `load average at end: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
