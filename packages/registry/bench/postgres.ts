/**
 * PostgresStorage beside FsStorage, in the same run, interleaved A/B (`pnpm bench` in the
 * package; needs `X_PG_URL`, from `node scripts/pg-server.mjs start`, else it says so and skips):
 *
 * - register a small version; move a pointer (an alias);
 * - load from the cache (shared code: the backend is not touched);
 * - cold verified load of a 10 MiB artifact (blob read, SHA-256, safetensors parse);
 * - throughput of 8 processes registering versions of one model at once.
 *
 * Wall-clock medians, plus this process's CPU time per operation (`process.cpuUsage`; the
 * database server's CPU is not in it). The machine is shared: the load average is printed.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type ExportedModel, tensor } from '@x/core';
import { machineInfo, percentile, sink, sinkTotal, table } from '@x/test-utils/bench';
import { build } from 'esbuild';
import { ModelRegistry } from '../src/index.js';
import { PostgresStorage } from '../src/postgres.js';

const QUICK = process.env.X_BENCH_QUICK === '1';
const progress = (what: string) =>
  process.stderr.write(`  ${what} (load ${loadavg()[0]!.toFixed(1)})\n`);
const URL_ = process.env.X_PG_URL;
const root = mkdtempSync(join(tmpdir(), 'x-registry-pg-bench-'));
const ns = () => Number(process.hrtime.bigint());
const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

interface Sample {
  wallMs: number[];
  cpuMs: number[];
}
const sample = (): Sample => ({ wallMs: [], cpuMs: [] });

async function timed(s: Sample, fn: () => Promise<void>, per = 1): Promise<void> {
  const c0 = process.cpuUsage();
  const t0 = ns();
  await fn();
  s.wallMs.push((ns() - t0) / 1e6 / per);
  const c = process.cpuUsage(c0);
  s.cpuMs.push((c.user + c.system) / 1000 / per);
}

function small(i: number): ExportedModel {
  return {
    kind: 'bench:Small',
    formatVersion: 1,
    config: { i },
    tensors: { w: tensor('float32', [256], new Float32Array(256).fill(i)) },
  };
}

async function concurrent(store: string, child: string, procs: number, per: number) {
  const kids = Array.from({ length: procs }, (_, id) =>
    spawn(process.execPath, [child, store, 'many', String(per), String(id)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const lines = kids.map((k) => createInterface({ input: k.stdout! }));
  const exits = kids.map((k) => new Promise((r) => k.once('exit', r)));
  const next = (i: number) =>
    new Promise<string>((r, fail) => {
      lines[i]!.once('line', r);
      kids[i]!.once('exit', (code) => fail(new Error(`bench child exited (${code})`)));
    });
  await Promise.all(kids.map((_, i) => next(i))); // ready
  progress(`${procs} children ready`);
  const done = kids.map((_, i) => next(i));
  for (const k of kids) k.stdin!.end('go\n'); // closing stdin lets the child exit
  const spans = (await Promise.all(done)).map((l) => l.split(' ').slice(1).map(Number));
  const wall = Math.max(...spans.map((s) => s[1]!)) - Math.min(...spans.map((s) => s[0]!));
  await Promise.all(exits);
  return (procs * per) / (wall / 1000);
}

async function main(): Promise<void> {
  if (URL_ === undefined) {
    console.log('postgres bench: X_PG_URL is not set, skipping (node scripts/pg-server.mjs start)');
    return;
  }
  console.log(`@x/registry PostgresStorage vs FsStorage on ${machineInfo()}`);
  console.log(`load average at start: ${load()} (shared machine, 2 cores)\n`);
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const pgUrl = `${URL_}${URL_.includes('?') ? '&' : '?'}schema=${schema}`;
  const fs = await ModelRegistry.open(join(root, 'fs'), { cacheBytes: 0 });
  const pg = await ModelRegistry.open(await PostgresStorage.connect(pgUrl), { cacheBytes: 0 });
  const both = [
    ['fs', fs],
    ['pg', pg],
  ] as const;
  const s = {
    register: { fs: sample(), pg: sample() },
    pointer: { fs: sample(), pg: sample() },
    cached: { fs: sample(), pg: sample() },
    cold: { fs: sample(), pg: sample() },
  };

  // register + pointer moves, interleaved
  const reps = QUICK ? 10 : 60;
  for (const [, r] of both) await r.register('m', small(0));
  for (let i = 1; i <= reps; i++) {
    for (const [name, r] of both) {
      await timed(s.register[name], async () => void (await r.register('m', small(i))));
      await timed(s.pointer[name], () => r.setAlias('m', 'champion', `1.${i}.0`));
    }
  }

  progress('pointer moves done');
  // cached load: a registry with a cache, the same code path for both backends
  const cachedFs = await ModelRegistry.open(fs.storage, {});
  const cachedPg = await ModelRegistry.open(pg.storage, {});
  const n = QUICK ? 20_000 : 100_000;
  for (const r of [cachedFs, cachedPg]) await r.load('m', '1.1.0');
  for (let rep = 0; rep < 5; rep++) {
    for (const [name, r] of [
      ['fs', cachedFs],
      ['pg', cachedPg],
    ] as const) {
      await timed(
        s.cached[name],
        async () => {
          for (let i = 0; i < n; i++) sink((await r.load('m', '1.1.0')).formatVersion);
        },
        n,
      );
    }
  }

  progress('cached done');
  // cold verified load of 10 MiB (the cache is off: every load reads and verifies the blob)
  const elements = (10 * 2 ** 20) / 4;
  const big = new Float32Array(elements).map((_, i) => Math.sin(i));
  const bigModel = {
    kind: 'bench:Big',
    formatVersion: 1,
    config: {},
    tensors: { w: tensor('float32', [elements], big) },
  };
  const versions = { fs: '', pg: '' };
  for (const [name, r] of both) versions[name] = (await r.register('big', bigModel)).version;
  for (let rep = 0; rep < (QUICK ? 3 : 15); rep++) {
    for (const [name, r] of both) {
      await timed(s.cold[name], async () =>
        sink((await r.load('big', versions[name])).tensors.w!.data[7]!),
      );
    }
  }

  progress('cold done');
  // 8 processes registering at once
  const child = join(root, 'child.cjs');
  await build({
    entryPoints: [join(import.meta.dirname, 'register-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: child,
    conditions: ['@x/source'],
    logLevel: 'error',
  });
  const per = QUICK ? 5 : 20;
  const tput = { fs: [] as number[], pg: [] as number[] };
  for (let rep = 0; rep < (QUICK ? 1 : 2); rep++) {
    progress('built');
    tput.fs.push(await concurrent(join(root, `fs-many-${rep}`), child, 8, per));
    const u = `${URL_}${URL_.includes('?') ? '&' : '?'}schema=${schema}_${rep}`;
    tput.pg.push(await concurrent(u, child, 8, per));
  }

  const rows: (string | number)[][] = [];
  const row = (what: string, k: keyof typeof s, unit: 'ms' | 'µs', goal: string) => {
    const f = unit === 'µs' ? 1000 : 1;
    const a = s[k].fs;
    const b = s[k].pg;
    rows.push([
      what,
      (median(b.wallMs) / median(a.wallMs)).toFixed(2),
      (median(a.wallMs) * f).toFixed(3),
      (median(b.wallMs) * f).toFixed(3),
      (median(a.cpuMs) * f).toFixed(3),
      (median(b.cpuMs) * f).toFixed(3),
      unit,
      goal,
    ]);
  };
  row('register a version (small)', 'register', 'ms', '');
  row('move a pointer (setAlias)', 'pointer', 'ms', 'pg < 5 ms');
  row('load from cache', 'cached', 'µs', 'pg = fs');
  row('cold verified load, 10 MiB', 'cold', 'ms', 'pg ≤ 3× fs');
  rows.push([
    `8 processes × ${per} registrations (per s)`,
    (median(tput.pg) / median(tput.fs)).toFixed(2),
    median(tput.fs).toFixed(1),
    median(tput.pg).toFixed(1),
    '',
    '',
    'reg/s',
    '',
  ]);
  console.log(
    table(['measurement', 'pg/fs', 'fs wall', 'pg wall', 'fs cpu', 'pg cpu', 'unit', 'goal'], rows),
  );
  console.log(`\nload average at end: ${load()}; sink ${sinkTotal().toFixed(0)}`);
  await fs.close();
  await pg.close();
}

main()
  .finally(() => rmSync(root, { recursive: true, force: true }))
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
