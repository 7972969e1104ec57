/**
 * Benchmarks of @x/registry (`pnpm bench` in the package):
 *
 * - load from cache: `await registry.load(model, version)` of a cached artifact;
 * - cold verified load of a 10 MB artifact (read, SHA-256, safetensors parse, zero-copy views)
 *   beside `sha256sum` of the same file in the same run (the physical limit of a verified
 *   load), and beside Node's own SHA-256 of the bytes in memory;
 * - router overhead per request: `route(key)` with a canary, and `predict()` with metrics
 *   against calling the model directly;
 * - rollback latency: from the tick that sees the breach to the new production committed.
 *
 * The machine is shared: the load average is printed beside the figures.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, tensor } from '@x/core';
import { machineInfo, percentile, sink, sinkTotal, table } from '@x/test-utils/bench';
import { Registry } from 'prom-client';
import { ModelMetrics, ModelRegistry, RollbackController, Router } from '../src/index.js';

const QUICK = process.env.X_BENCH_QUICK === '1';
const root = mkdtempSync(join(tmpdir(), 'x-registry-bench-'));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return percentile(s, 50);
}

const ns = () => Number(process.hrtime.bigint());

/** A registry with `model` 1.0.0 (w=1) in production and 1.1.0 (w=2) at 10 % canary. */
async function canaryRegistry(dir: string, model: string, clock: ManualClock) {
  const r = await ModelRegistry.open(dir, { clock });
  for (const w of [1, 2]) {
    const v = await r.register(model, {
      kind: 'bench:Scale',
      formatVersion: 1,
      config: {},
      tensors: { w: tensor('float64', [1], new Float64Array([w])) },
    });
    await r.setStage(model, v.version, 'staging');
  }
  await r.promote(model, '1.0.0');
  await r.setTraffic(model, '1.1.0', 10);
  return r;
}

async function main(): Promise<void> {
  console.log(`@x/registry benchmarks on ${machineInfo()}`);
  console.log(
    `load average at start: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} (shared machine)\n`,
  );
  const rows: (string | number)[][] = [];

  // --- cached load
  const registry = await ModelRegistry.open(join(root, 'store'), { cacheBytes: 64 * 2 ** 20 });
  const small = await registry.register('small', {
    kind: 'bench:Small',
    formatVersion: 1,
    config: {},
    tensors: { w: tensor('float32', [64, 64], new Float32Array(4096).fill(0.5)) },
  });
  await registry.load('small', small.version);
  const n = QUICK ? 20_000 : 200_000;
  const cached: number[] = [];
  for (let rep = 0; rep < 5; rep++) {
    const t0 = ns();
    for (let i = 0; i < n; i++) sink((await registry.load('small', small.version)).formatVersion);
    cached.push((ns() - t0) / n);
  }
  rows.push([
    'load from cache (await load(model, version))',
    median(cached) / 1000,
    'µs',
    'goal < 5 µs',
  ]);

  // --- cold verified load of 10 MB vs sha256sum
  const elements = (10 * 2 ** 20) / 4;
  const big = new Float32Array(elements).map((_, i) => Math.sin(i));
  const rec = await registry.register('big', {
    kind: 'bench:Big',
    formatVersion: 1,
    config: {},
    tensors: { w: tensor('float32', [elements], big) },
  });
  const blobPath = join(root, 'store', 'blobs', 'sha256', rec.digest);
  const reps = QUICK ? 5 : 21;
  const cold: number[] = [];
  const sum: number[] = [];
  const nodeHash: number[] = [];
  const bytes = readFileSync(blobPath);
  for (let rep = 0; rep < reps; rep++) {
    const fresh = await ModelRegistry.open(join(root, 'store'), { cacheBytes: 0 });
    let t0 = ns();
    const m = await fresh.load('big', rec.version);
    cold.push((ns() - t0) / 1e6);
    sink(m.tensors.w!.data[123]!);
    t0 = ns();
    const r = spawnSync('sha256sum', [blobPath], { encoding: 'utf8' });
    sum.push((ns() - t0) / 1e6);
    if (!r.stdout.startsWith(rec.digest)) throw new Error('sha256sum disagrees with the registry');
    t0 = ns();
    sink(createHash('sha256').update(bytes).digest()[0]!);
    nodeHash.push((ns() - t0) / 1e6);
  }
  const t0 = ns();
  spawnSync('true');
  const spawnMs = (ns() - t0) / 1e6;
  const mb = rec.size / 2 ** 20;
  rows.push([`cold verified load, ${mb.toFixed(1)} MiB artifact`, median(cold), 'ms', '']);
  rows.push([
    `sha256sum of the same file (process, spawn ≈ ${spawnMs.toFixed(1)} ms)`,
    median(sum),
    'ms',
    '',
  ]);
  rows.push(['Node SHA-256 of the bytes in memory', median(nodeHash), 'ms', '']);
  rows.push(['ratio cold load / sha256sum', median(cold) / median(sum), '×', 'goal ≤ 1.5']);

  // --- router overhead
  const clock = new ManualClock(0);
  const reg2 = await canaryRegistry(join(root, 'serve'), 'scale', clock);
  const metrics = new ModelMetrics({ registry: new Registry() });
  const predict = (w: number, x: number) => w * x;
  const router = await Router.create({
    registry: reg2,
    model: 'scale',
    load: (m) => (m.tensors.w!.data as Float64Array)[0]!,
    predict,
    metrics,
  });
  const keys = Array.from({ length: 1024 }, (_, i) => `account-${i}`);
  const batch = QUICK ? 100_000 : 1_000_000;
  const measure = (fn: (i: number) => number) => {
    const out: number[] = [];
    for (let rep = 0; rep < 5; rep++) {
      const s = ns();
      let acc = 0;
      for (let i = 0; i < batch; i++) acc += fn(i);
      out.push((ns() - s) / batch);
      sink(acc);
    }
    return median(out);
  };
  const direct = measure((i) => predict(1, i));
  const route = measure((i) => (router.route(keys[i & 1023]!).role === 'canary' ? 1 : 0));
  const served = measure((i) => router.predict(i, keys[i & 1023]!));
  rows.push(['router.route(key), 10 % canary', route / 1000, 'µs', 'goal < 2 µs']);
  rows.push([
    'router.predict(x, key) with metrics, minus direct call',
    (served - direct) / 1000,
    'µs',
    'goal < 2 µs',
  ]);

  // --- rollback latency: breach seen by a tick -> new production committed
  const lat: number[] = [];
  for (let rep = 0; rep < (QUICK ? 3 : 10); rep++) {
    const c = new ManualClock(0);
    const r = await canaryRegistry(join(root, `rb-${rep}`), 'm', c);
    const mm = new ModelMetrics({ registry: new Registry() });
    const ctl = new RollbackController({
      registry: r,
      metrics: mm,
      model: 'm',
      clock: c,
      policy: {
        intervalMs: 1000,
        minRequests: 10,
        checks: [{ metric: 'latencyP99Seconds', max: 0.01 }],
      },
    });
    const h = mm.forVersion('m', '1.1.0');
    for (let i = 0; i < 50; i++) h.request(0.5, true);
    c.advance(1000);
    const s = ns();
    const d = await ctl.tick();
    lat.push((ns() - s) / 1e6);
    if (d?.rolledBack !== true || (await r.getModel('m')).traffic !== null) {
      throw new Error('no rollback');
    }
  }
  rows.push([
    'rollback: breach tick -> canary aborted, durable (fsync)',
    median(lat),
    'ms',
    'plus ≤ 1 interval',
  ]);

  console.log(table(['measurement', 'median', 'unit', 'goal'], rows));
  console.log(
    `\nload average at end: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}; sink ${sinkTotal().toFixed(0)}`,
  );
}

main()
  .finally(() => rmSync(root, { recursive: true, force: true }))
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
