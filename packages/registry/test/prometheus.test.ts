/**
 * A real Prometheus server (Debian's `prometheus`) scrapes a test service that serves requests
 * through the registry's router, and the values are read back through Prometheus's HTTP API.
 * Skips with a message when the binary is absent, except in CI (CI=true), where that fails.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelMetrics, Router } from '../src/index.js';
import { tempDir } from './helpers.js';
import { loadScale, servingRegistry } from './serving.js';

const PROMETHEUS = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
const present = existsSync(PROMETHEUS);
if (!present) {
  console.warn(
    `prometheus test: ${PROMETHEUS} not found${process.env.CI ? ' (CI: failing)' : ', skipping (apt-get install prometheus)'}`,
  );
}

let server: Server | undefined;
let prometheus: ChildProcess | undefined;
afterAll(async () => {
  prometheus?.kill('SIGKILL');
  await new Promise<void>((r) => (server === undefined ? r() : server.close(() => r())));
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 45_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last === undefined ? '' : `: ${String(last)}`}`);
}

describe.runIf(present || process.env.CI)('Prometheus scrapes the registry metrics', () => {
  it('reads back request counts, latency histograms and canary traffic through the HTTP API', async () => {
    expect(present, `${PROMETHEUS} is required in CI`).toBe(true);
    const { registry } = await servingRegistry();
    await registry.setTraffic('scale', '1.1.0', 30);
    const prom = new Registry();
    const metrics = new ModelMetrics({ registry: prom });
    const router = await Router.create({
      registry,
      model: 'scale',
      load: loadScale,
      predict: (w: number, x: number) => w * x,
      metrics,
    });
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/metrics') {
        prom.metrics().then((text) => {
          res.writeHead(200, { 'content-type': prom.contentType });
          res.end(text);
        });
      } else if (url.pathname === '/predict') {
        const y = router.predict(
          Number(url.searchParams.get('x')),
          url.searchParams.get('key') ?? undefined,
        );
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ y }));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const appPort = (server.address() as { port: number }).port;
    const keys = Array.from({ length: 200 }, (_, i) => `acct-${i}`);
    for (const key of keys) {
      const r = await fetch(`http://127.0.0.1:${appPort}/predict?x=2&key=${key}`);
      expect([4, 2]).toContain(((await r.json()) as { y: number }).y);
    }
    const canary = keys.filter((k) => router.route(k).version === '1.1.0').length;

    const dir = tempDir('x-registry-prom-');
    const promPort = await freePort();
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: registry-test\n    scrape_interval: 1s\n    static_configs:\n      - targets: ['127.0.0.1:${appPort}']\n`,
    );
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    prometheus.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
    });
    const api = `http://127.0.0.1:${promPort}`;
    try {
      await until('prometheus ready', async () =>
        (await fetch(`${api}/-/ready`)).ok ? true : undefined,
      );
      const query = async (q: string) => {
        const r = (await (
          await fetch(`${api}/api/v1/query?query=${encodeURIComponent(q)}`)
        ).json()) as {
          data: { result: { metric: Record<string, string>; value: [number, string] }[] };
        };
        return r.data.result;
      };
      const byVersion = await until('the scraped request counts', async () => {
        const res = await query('x_registry_requests_total{model="scale"}');
        const total = res.reduce((s, x) => s + Number(x.value[1]), 0);
        return total === keys.length ? res : undefined;
      });
      const counts = Object.fromEntries(
        byVersion.map((x) => [x.metric.version, Number(x.value[1])]),
      );
      expect(counts).toEqual({ '1.0.0': keys.length - canary, '1.1.0': canary });
      expect(byVersion[0]!.metric.job).toBe('registry-test');
      const hist = await query('sum(x_registry_request_duration_seconds_count{model="scale"})');
      expect(Number(hist[0]!.value[1])).toBe(keys.length);
      const up = await query('up{job="registry-test"}');
      expect(up[0]!.value[1]).toBe('1');
    } catch (e) {
      throw new Error(`${String(e)}\nprometheus log:\n${log}`);
    } finally {
      const exited = new Promise((r) => prometheus!.once('exit', r));
      prometheus.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (prometheus.exitCode === null && prometheus.signalCode === null)
        prometheus.kill('SIGKILL');
      prometheus = undefined;
    }
  });
});
