import { ConflictError, ManualClock } from '@x/core';
import { Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import {
  ModelMetrics,
  ModelRegistry,
  RollbackController,
  type RollbackEvent,
  type RollbackPolicy,
  Router,
  type WindowDecision,
} from '../src/index.js';
import { loadScale, servingRegistry } from './serving.js';

const INTERVAL = 10_000;

async function setup(policy: Partial<RollbackPolicy> = {}) {
  const clock = new ManualClock(1_000_000);
  const { registry } = await servingRegistry(clock);
  const metrics = new ModelMetrics({ registry: new Registry() });
  const controller = new RollbackController({
    registry,
    metrics,
    model: 'scale',
    clock,
    policy: {
      intervalMs: INTERVAL,
      minRequests: 10,
      checks: [
        { metric: 'latencyP99Seconds', max: 0.01 },
        { metric: 'errorRatio', max: 0.05 },
        { metric: 'loss', max: 1 },
      ],
      ...policy,
    },
  });
  const decisions: WindowDecision[] = [];
  const rollbacks: RollbackEvent[] = [];
  controller.on('decision', (d) => decisions.push(d));
  controller.on('rollback', (e) => rollbacks.push(e));
  const canary = metrics.forVersion('scale', '1.1.0');
  /** Serve `n` canary requests of the given latency/loss, then close the window. */
  const window = async (n: number, latency: number, loss = 0.1, errors = 0) => {
    for (let i = 0; i < n; i++) {
      canary.request(latency, i >= errors);
      canary.loss(loss);
    }
    clock.advance(INTERVAL);
    return (await controller.tick())!;
  };
  return { clock, registry, metrics, controller, decisions, rollbacks, canary, window };
}

describe('RollbackController', () => {
  it('makes no decision before the canary has traffic, then inconclusive on too few samples', async () => {
    const s = await setup({ failureLimit: 0 });
    expect((await s.window(0, 0)).outcome).toBe('idle'); // no canary at all
    await s.registry.setTraffic('scale', '1.1.0', 10);
    expect((await s.window(0, 0)).outcome).toBe('waiting');
    expect((await s.window(0, 0)).outcome).toBe('waiting');
    expect(await s.window(5, 1)).toMatchObject({ outcome: 'inconclusive', requests: 5 }); // 5 < 10, even though slow
    expect((await s.window(0, 0)).outcome).toBe('inconclusive'); // idle after traffic: not a failure
    expect(s.rollbacks).toEqual([]);
    expect((await s.window(10, 0.001)).outcome).toBe('passed');
    expect(s.decisions.map((d) => d.outcome)).toEqual([
      'idle',
      'waiting',
      'waiting',
      'inconclusive',
      'inconclusive',
      'passed',
    ]);
  });

  it('does nothing before a full interval has passed', async () => {
    const s = await setup();
    s.clock.advance(INTERVAL - 1);
    expect(await s.controller.tick()).toBeNull();
    s.clock.advance(1);
    expect(await s.controller.tick()).not.toBeNull();
  });

  it('rolls back exactly when failures exceed the limit (total), atomically and audited', async () => {
    const s = await setup({ failureLimit: 2 });
    await s.registry.setTraffic('scale', '1.1.0', 10);
    expect((await s.window(20, 0.05)).outcome).toBe('failed'); // p99 50 ms > 10 ms
    expect((await s.window(20, 0.001)).outcome).toBe('passed');
    const second = await s.window(20, 0.001, 5); // loss 5 > 1
    expect(second).toMatchObject({ outcome: 'failed', rolledBack: false, counts: { failed: 2 } });
    expect(s.rollbacks).toEqual([]);
    const breachAt = s.clock.now();
    const third = await s.window(20, 0.001, 0.1, 5); // 25 % errors
    expect(third).toMatchObject({ outcome: 'failed', rolledBack: true, counts: { failed: 3 } });
    expect(third.breaches[0]).toMatch(/^errorRatio 0.2500 outside/);
    expect(s.rollbacks).toHaveLength(1);
    const e = s.rollbacks[0]!;
    expect(e).toMatchObject({ model: 'scale', from: '1.1.0', to: '1.0.0', kind: 'canary' });
    expect(e.at - breachAt).toBeLessThanOrEqual(INTERVAL);
    const m = await s.registry.getModel('scale');
    expect(m.traffic).toBeNull();
    expect(m.production).toBe('1.0.0');
    expect(m.versions['1.1.0']!.stage).toBe('archived');
    const audit = (await s.registry.history('scale')).filter((a) => a.actor === 'slo-controller');
    expect(audit.map((a) => a.action)).toEqual(['canary-abort', 'stage']);
    expect(audit[0]!.reason).toMatch(/3 failed windows > limit 2/);
    expect((await s.registry.verify()).ok).toBe(true);
    expect((await s.window(20, 1)).outcome).toBe('idle'); // nothing left to watch
  });

  it('optionally rolls back on consecutive failures first', async () => {
    const s = await setup({ failureLimit: 10, consecutiveFailureLimit: 1 });
    await s.registry.setTraffic('scale', '1.1.0', 10);
    expect((await s.window(20, 0.05)).rolledBack).toBe(false);
    expect((await s.window(20, 0.001)).outcome).toBe('passed'); // resets the run
    expect((await s.window(20, 0.05)).rolledBack).toBe(false);
    const d = await s.window(20, 0.05);
    expect(d).toMatchObject({ rolledBack: true, counts: { failed: 3, consecutive: 2 } });
  });

  it('counts metric errors apart from failures, with their own optional limit', async () => {
    const broken = () => {
      throw new Error('feature store down');
    };
    const s = await setup({
      metricErrorLimit: 1,
      checks: [
        { metric: 'errorRatio', max: 0.05 },
        { metric: broken, name: 'pnl', min: 0 },
        { metric: () => Number.NaN, name: 'nan', max: 1 },
      ],
    });
    await s.registry.setTraffic('scale', '1.1.0', 10);
    const d = await s.window(20, 0.001);
    expect(d).toMatchObject({
      outcome: 'error',
      counts: { failed: 0, errors: 1 },
      rolledBack: false,
    });
    expect(d.values).toEqual({ errorRatio: 0, pnl: null, nan: null });
    expect(d.metricErrors).toEqual(['pnl: feature store down', 'nan: not finite (NaN)']);
    const e = await s.window(20, 0.001);
    expect(e).toMatchObject({ outcome: 'error', rolledBack: true });
    expect(s.rollbacks[0]!.reason).toMatch(/2 consecutive metric-error windows > limit 1/);
  });

  it('rolls a promoted production version back to the previous one, and a router follows', async () => {
    const s = await setup();
    await s.registry.promote('scale', '1.1.0');
    const router = await Router.create({
      registry: s.registry,
      model: 'scale',
      load: loadScale,
      predict: (w: number, x: number) => w * x,
      metrics: s.metrics,
    });
    s.controller.on('rollback', () => void router.refresh());
    expect(router.predict(3, 'k')).toBe(6);
    const d = await s.window(30, 0.5);
    expect(d.rolledBack).toBe(true);
    expect(s.rollbacks[0]).toMatchObject({ from: '1.1.0', to: '1.0.0', kind: 'production' });
    await router.refresh();
    expect(router.predict(3, 'k')).toBe(3);
    const last = (await s.registry.history('scale')).at(-1)!;
    expect(last).toMatchObject({
      action: 'rollback',
      actor: 'slo-controller',
      from: '1.1.0',
      to: '1.0.0',
    });
  });

  it('stops watching a canary that was ended meanwhile; rollback moves are guarded by version', async () => {
    const s = await setup();
    await s.registry.setTraffic('scale', '1.1.0', 10);
    await s.window(0, 0);
    for (let i = 0; i < 20; i++) s.canary.request(1, true);
    // someone ends the canary between the samples and the check
    await s.registry.setTraffic('scale', '1.1.0', 0);
    s.clock.advance(INTERVAL);
    expect((await s.controller.tick())!.outcome).toBe('idle');
    expect(s.rollbacks).toEqual([]);
    await s.registry.setTraffic('scale', '1.1.0', 10);
    await expect(s.registry.abortCanary('scale', { expectedVersion: '9.0.0' })).rejects.toSatisfy(
      ConflictError.isInstance,
    );
    await s.registry.promote('scale', '1.1.0');
    await expect(s.registry.rollback('scale', { expectedVersion: '1.0.0' })).rejects.toSatisfy(
      ConflictError.isInstance,
    );
    expect((await s.registry.getModel('scale')).production).toBe('1.1.0');
  });

  it('rejects a bad policy with a ValidationError', async () => {
    const { registry } = await servingRegistry();
    const metrics = new ModelMetrics({ registry: new Registry() });
    const make = (policy: RollbackPolicy) => () =>
      new RollbackController({ registry, metrics, model: 'scale', policy });
    expect(make({ intervalMs: 0, checks: [{ metric: 'errorRatio', max: 1 }] })).toThrow(
      /intervalMs/,
    );
    expect(make({ intervalMs: 1, checks: [] })).toThrow(/checks/);
    expect(make({ intervalMs: 1, checks: [{ metric: 'errorRatio' }] })).toThrow(/range/);
    expect(make({ intervalMs: 1, failureLimit: -1, checks: [{ metric: 'loss', max: 1 }] })).toThrow(
      /failureLimit/,
    );
  });

  it('start() checks every interval on a timer; stop() ends it', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const s = await setup();
      s.controller.start();
      s.controller.start(); // idempotent: one timer
      s.clock.advance(INTERVAL);
      vi.advanceTimersByTime(INTERVAL);
      await vi.waitFor(() => expect(s.decisions).toHaveLength(1));
      s.controller.stop();
      s.clock.advance(INTERVAL);
      vi.advanceTimersByTime(3 * INTERVAL);
      await new Promise((r) => setTimeout(r, 50));
      expect(s.decisions).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
  it('two controllers on one store, one breach: exactly one rollback, the other is preempted', async () => {
    const a = await setup();
    const other = await ModelRegistry.open(a.registry.storage.location, { clock: a.clock });
    const bMetrics = new ModelMetrics({ registry: new Registry() }); // another process's own
    const b = new RollbackController({
      registry: other,
      metrics: bMetrics,
      model: 'scale',
      clock: a.clock,
      policy: {
        intervalMs: INTERVAL,
        minRequests: 10,
        checks: [{ metric: 'errorRatio', max: 0.05 }],
      },
    });
    const bRollbacks: RollbackEvent[] = [];
    b.on('rollback', (e) => bRollbacks.push(e));
    await a.registry.setTraffic('scale', '1.1.0', 10);
    const bCanary = bMetrics.forVersion('scale', '1.1.0');
    for (let i = 0; i < 20; i++) {
      a.canary.request(0.001, i % 2 === 0); // 50% errors, seen by both services
      bCanary.request(0.001, i % 2 === 0);
    }
    a.clock.advance(INTERVAL);
    const [da, db] = await Promise.all([a.controller.tick(), b.tick()]);
    expect([da!.outcome, db!.outcome]).toEqual(['failed', 'failed']);
    expect(a.rollbacks.length + bRollbacks.length).toBe(1);
    expect([da!.rolledBack, db!.rolledBack].sort()).toEqual([false, true]);
    expect((da!.rolledBack ? db : da)!.preempted).toBe(true);
    const aborts = (await other.history('scale')).filter((e) => e.action === 'canary-abort');
    expect(aborts).toHaveLength(1);
    expect((await other.getModel('scale')).traffic).toBeNull();
  });

  it('watch() reports the current document, then every change, by polling', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const { registry } = await servingRegistry();
      const other = await ModelRegistry.open(registry.storage.location);
      const seen: (string | null)[] = [];
      let wake: () => void = () => undefined;
      const watch = await other.watch(
        (doc) => {
          seen.push(doc.models.scale!.production);
          wake();
        },
        { intervalMs: 1000 },
      );
      await registry.promote('scale', '1.1.0');
      const next = new Promise<void>((r) => (wake = r));
      await vi.advanceTimersByTimeAsync(1000); // one interval
      await next;
      await watch.close();
      expect(seen).toEqual(['1.0.0', '1.1.0']);
      await expect(other.watch(() => undefined, { intervalMs: 0 })).rejects.toMatchObject({
        code: 'VALIDATION',
      });
    } finally {
      vi.useRealTimers();
    }
  });
});
