/**
 * A/B of the streaming calculators against other checkouts, interleaved in one run: the same
 * cases (`bench/internal/streaming.ts`) over the same generated rows, each version in its own
 * Node process, the versions taking turns round after round, CPU time per update
 * (`process.cpuUsage`), the median over rounds, and each version's ratio to this checkout.
 *
 * Run from packages/microstructure:
 * `node --min-semi-space-size=64 --max-semi-space-size=64 --conditions=@x/source --import tsx
 *  bench/streaming-ab.ts before=/path/to/old/packages/microstructure/src/index.ts`
 * (env AB_ROUNDS, default 3; BENCH_ROWS, default 1,000,000; AB_ONLY=text runs only the cases whose
 * name contains it, for profiling). An old checkout needs its own
 * `pnpm install`; the rows always come from this checkout's @x/sim, written once to a temp file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo, table } from '@x/test-utils/bench';
import {
  acc,
  generate,
  type MicroLib,
  N,
  type Rows,
  type RunResult,
  run,
  stopGcObserver,
  streamingCases,
  train,
} from './internal/streaming.js';

const FIELDS = ['ts', 'bidPrice', 'bidSize', 'askPrice', 'askSize'] as const;

function readRows(dir: string, rows: number): Rows {
  const f = (name: string) => {
    const b = readFileSync(join(dir, `${name}.f64`));
    return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  return {
    rows,
    levels: N,
    ts: f('ts'),
    bidPrice: f('bidPrice'),
    bidSize: f('bidSize'),
    askPrice: f('askPrice'),
    askSize: f('askSize'),
  };
}

async function child(src: string, dir: string, rows: number): Promise<void> {
  const lib = (await import(src)) as MicroLib;
  const data = readRows(dir, rows);
  const t = train(lib, data);
  const cases = streamingCases(lib, data, t);
  // settling run (discarded): start-up allocation is charged to whichever run comes first
  const first = cases[0];
  if (first === undefined) throw new Error('no cases');
  await run(first[0], first[1], rows, true);
  const out: Record<string, RunResult> = {};
  const only = process.env.AB_ONLY;
  for (const [name, make] of cases) {
    if (only !== undefined && name !== first[0] && !name.includes(only)) continue;
    acc[0] = 0;
    out[name] = await run(name, make, rows, true);
    if (Number.isNaN(acc[0]) || Number.isNaN(acc[1])) throw new Error(`${name}: NaN result`);
  }
  stopGcObserver();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : 0.5 * ((s[m - 1] as number) + (s[m] as number));
}

type Samples = Record<string, Record<string, number[]>>;
function push(into: Samples, label: string, name: string, v: number): void {
  const per = into[label] ?? {};
  into[label] = per;
  const xs = per[name] ?? [];
  per[name] = xs;
  xs.push(v);
}

async function driver(): Promise<void> {
  const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
  const rounds = Number(process.env.AB_ROUNDS ?? 3);
  const here = fileURLToPath(new URL('../src/index.ts', import.meta.url));
  const versions: [string, string][] = [['this', here]];
  for (const a of process.argv.slice(2)) {
    const eq = a.indexOf('=');
    if (eq < 1) throw new Error(`expected label=path/to/src/index.ts, got ${a}`);
    versions.push([a.slice(0, eq), resolve(a.slice(eq + 1))]);
  }
  console.log(`@x/microstructure streaming A/B — ${machineInfo()}`);
  console.log(
    `load average at start: ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'x-micro-ab-'));
  const res: Samples = {};
  const bytes: Samples = {};
  try {
    const data = generate(rows);
    for (const f of FIELDS) writeFileSync(join(dir, `${f}.f64`), data[f]);
    const self = fileURLToPath(import.meta.url);
    for (let r = 0; r < rounds; r++) {
      // alternate the order each round, so that neither version always runs first
      const order = r % 2 === 0 ? versions : [...versions].reverse();
      for (const [label, src] of order) {
        const p = spawnSync(process.execPath, [...process.execArgv, self], {
          env: { ...process.env, AB_CHILD: src, AB_DIR: dir, AB_N: String(rows) },
          encoding: 'utf8',
          maxBuffer: 1 << 24,
        });
        if (p.status !== 0) throw new Error(`${label} failed: ${p.stderr}`);
        const line = p.stdout.trim().split('\n').pop() as string;
        const out = JSON.parse(line) as Record<string, RunResult>;
        for (const [name, v] of Object.entries(out)) {
          push(res, label, name, v.cpuNsPerUpdate);
          push(bytes, label, name, v.bytesPerUpdate);
        }
        console.log(`  round ${r + 1}: ${label} done (load ${os.loadavg()[0]?.toFixed(2)})`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const names = Object.keys(res.this ?? {});
  const labels = versions.map((v) => v[0]);
  const head = ['case', ...labels.slice(1).map((l) => `${l} / this`)];
  for (const l of labels) head.push(`${l} CPU ns`, `${l} B/upd`);
  const body = names.map((n) => {
    const cells: (string | number)[] = [n];
    const base = median(res.this?.[n] ?? []);
    for (const l of labels.slice(1)) cells.push(median(res[l]?.[n] ?? [NaN]) / base);
    for (const l of labels) {
      cells.push(median(res[l]?.[n] ?? [NaN]), median(bytes[l]?.[n] ?? [NaN]));
    }
    return cells;
  });
  console.log('');
  console.log(
    `CPU ns per update including the row copy (median of ${rounds} interleaved rounds, ${rows.toLocaleString('en-US')} updates each); ratios first`,
  );
  console.log(table(head, body));
  console.log(
    `load average at end: ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
}

if (process.env.AB_CHILD !== undefined) {
  await child(
    process.env.AB_CHILD,
    process.env.AB_DIR as string,
    Number(process.env.AB_N as string),
  );
} else {
  await driver();
  stopGcObserver();
}
