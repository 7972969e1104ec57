import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CANARY_BUCKETS, canaryBucket, ModelMetrics, Router } from '../src/index.js';
import { loadScale, scaleModel, servingRegistry } from './serving.js';

const tick = () => new Promise((r) => setImmediate(r));

async function router(
  opts: { random?: () => number; predict?: (w: number, x: number) => number } = {},
) {
  const { registry } = await servingRegistry();
  const prom = new Registry();
  const metrics = new ModelMetrics({ registry: prom });
  const r = await Router.create({
    registry,
    model: 'scale',
    load: loadScale,
    predict: opts.predict ?? ((w: number, x: number) => w * x),
    metrics,
    ...(opts.random === undefined ? {} : { random: opts.random }),
  });
  return { registry, prom, metrics, r };
}

describe('canaryBucket', () => {
  it('is deterministic, in range and spreads keys evenly (chi-square over 100 cells)', () => {
    const cells = new Array<number>(100).fill(0);
    const n = 100_000;
    let unstable = 0;
    for (let i = 0; i < n; i++) {
      const b = canaryBucket(`acct-${i}`, 'mid');
      if (b !== canaryBucket(`acct-${i}`, 'mid') || !(b >= 0 && b < CANARY_BUCKETS)) unstable++;
      cells[Math.floor(b / 100)]!++;
    }
    expect(unstable).toBe(0);
    const e = n / 100;
    const chi2 = cells.reduce((s, c) => s + (c - e) ** 2 / e, 0);
    expect(chi2).toBeLessThan(150); // df 99: p > 0.001
    // salted per model: the split of one model says nothing about another's
    let same = 0;
    for (let i = 0; i < 10_000; i++) {
      if (canaryBucket(`k${i}`, 'a') < 1000 === canaryBucket(`k${i}`, 'b') < 1000) same++;
    }
    expect(same / 10_000).toBeCloseTo(0.82, 1); // independent 10% splits agree 0.9² + 0.1²
    expect(canaryBucket('c', 'ab')).not.toBe(canaryBucket('bc', 'a'));
  });
});

describe('Router', () => {
  it('sends a key to the same version every time; raising the percentage keeps everyone in', async () => {
    const { registry, r } = await router();
    const keys = Array.from({ length: 2000 }, (_, i) => `user-${i}`);
    let before = new Set<string>();
    for (const pct of [1, 5, 10, 25, 50, 100]) {
      await registry.setTraffic('scale', '1.1.0', pct);
      await r.refresh();
      const inCanary = new Set(keys.filter((k) => r.route(k).role === 'canary'));
      for (const k of before) expect(inCanary.has(k)).toBe(true);
      for (const k of keys) expect(r.route(k).version).toBe(r.route(k).version);
      expect(inCanary.size / keys.length).toBeCloseTo(pct / 100, 1);
      before = inCanary;
    }
    expect(before.size).toBe(keys.length);
  });

  it('property: canary membership is monotone in the percentage', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        (key, a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const bucket = canaryBucket(key, 'scale');
          const inLo = bucket < (lo * CANARY_BUCKETS) / 100;
          const inHi = bucket < (hi * CANARY_BUCKETS) / 100;
          expect(!inLo || inHi).toBe(true);
        },
      ),
      fcParams(),
    );
  });

  it('splits keyless requests at random in the canary proportion', async () => {
    let s = 1;
    const random = () => {
      s = (s * 16807) % 2147483647;
      return s / 2147483647;
    };
    const { registry, r } = await router({ random });
    await registry.setTraffic('scale', '1.1.0', 20);
    await r.refresh();
    let canary = 0;
    for (let i = 0; i < 20_000; i++) if (r.route().role === 'canary') canary++;
    expect(canary / 20_000).toBeCloseTo(0.2, 1.5);
    expect(r.predict(3)).toBeTypeOf('number');
  });

  it('shadow: never delays or changes the primary answer, records errors, latency and agreement', async () => {
    let shadowCalls = 0;
    const { registry, r, prom } = await router({
      predict: (w, x) => {
        if (w === 2) {
          shadowCalls++;
          if (x < 0) throw new Error('shadow bug');
          return x === 1 ? 1 : w * x; // agrees with production (w=1) only for x = 1
        }
        return w * x;
      },
    });
    await registry.setStage('scale', '1.1.0', 'shadow');
    await r.refresh();
    expect(r.shadowVersion).toBe('1.1.0');
    expect(r.predict(1, 'a')).toBe(1);
    expect(shadowCalls).toBe(0); // not yet: the primary answered first
    expect(r.predict(5, 'b')).toBe(5);
    expect(r.predict(-1, 'c')).toBe(-1); // the shadow throws; the caller never sees it
    await tick();
    expect(shadowCalls).toBe(3);
    const text = await prom.metrics();
    expect(text).toContain('x_registry_shadow_requests_total{model="scale",version="1.1.0"} 3');
    expect(text).toContain('x_registry_shadow_errors_total{model="scale",version="1.1.0"} 1');
    expect(text).toContain('x_registry_shadow_agreement_ratio{model="scale",version="1.1.0"} 0.5');
    expect(text).toContain('x_registry_requests_total{model="scale",version="1.0.0"} 3');
    expect(text).toMatch(
      /x_registry_shadow_duration_seconds_count\{model="scale",version="1.1.0"\} 3/,
    );
  });

  it('a throwing primary is counted as an error and rethrown; no production is an InvalidStateError', async () => {
    const { r, prom } = await router({
      predict: (w, x) => {
        if (x === 0) throw new RangeError('zero');
        return w * x;
      },
    });
    expect(() => r.predict(0)).toThrow(RangeError);
    expect(await prom.metrics()).toContain(
      'x_registry_errors_total{model="scale",version="1.0.0"} 1',
    );
    const { registry } = await servingRegistry();
    await registry.register('empty', scaleModel(1));
    const none = await Router.create({
      registry,
      model: 'empty',
      load: loadScale,
      predict: (w: number) => w,
    });
    expect(() => none.route('k')).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
  });
});

describe('ModelMetrics', () => {
  it('registers into the caller’s registry only, with Prometheus names, and windows drain', async () => {
    const { register } = await import('prom-client');
    const globalBefore = (await register.getMetricsAsJSON()).length;
    const prom = new Registry();
    const metrics = new ModelMetrics({ registry: prom, windowSamples: 8 });
    const v = metrics.forVersion('m', '1.0.0');
    expect(metrics.forVersion('m', '1.0.0')).toBe(v);
    for (let i = 0; i < 100; i++) v.request(i / 1000, i % 10 !== 0);
    v.loss(0.25);
    v.loss(0.75);
    expect(() => v.loss(Number.NaN)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    metrics.rollback('m');
    const names = (await prom.getMetricsAsJSON()).map((m) => m.name).sort();
    expect(names).toEqual([
      'x_registry_errors_total',
      'x_registry_model_loss',
      'x_registry_request_duration_seconds',
      'x_registry_requests_total',
      'x_registry_rollbacks_total',
      'x_registry_shadow_agreement_ratio',
      'x_registry_shadow_duration_seconds',
      'x_registry_shadow_errors_total',
      'x_registry_shadow_requests_total',
    ]);
    expect((await register.getMetricsAsJSON()).length).toBe(globalBefore);
    const w = v.drainWindow();
    expect(w).toMatchObject({ requests: 100, errors: 10, lossSum: 1, lossCount: 2 });
    expect(w.latencies.length).toBe(8); // a uniform sample of the 100
    for (let i = 1; i < 8; i++) expect(w.latencies[i]!).toBeGreaterThanOrEqual(w.latencies[i - 1]!);
    expect(v.drainWindow()).toMatchObject({ requests: 0, errors: 0, lossCount: 0 });
    expect(v.totalRequests).toBe(100);
  });

  it('counts stay exact past the pending buffer and across scrapes', async () => {
    const prom = new Registry();
    const v = new ModelMetrics({ registry: prom }).forVersion('m', '2.0.0');
    for (let i = 0; i < 70_000; i++) v.request(0.001, i % 7 !== 0);
    let text = await prom.metrics();
    expect(text).toContain('x_registry_requests_total{model="m",version="2.0.0"} 70000');
    expect(text).toContain('x_registry_errors_total{model="m",version="2.0.0"} 10000');
    expect(text).toContain(
      'x_registry_request_duration_seconds_count{model="m",version="2.0.0"} 70000',
    );
    v.request(2, true);
    text = await prom.metrics();
    expect(text).toContain('x_registry_requests_total{model="m",version="2.0.0"} 70001');
    const sum = /x_registry_request_duration_seconds_sum\{model="m",version="2.0.0"\} (\S+)/.exec(
      text,
    );
    expect(Number(sum?.[1])).toBeCloseTo(72, 9);
    expect(text).toContain(
      'x_registry_request_duration_seconds_bucket{le="1",model="m",version="2.0.0"} 70000',
    );
  });
});
