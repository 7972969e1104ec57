import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, tensor } from '@x/core';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ModelMetrics, ModelRegistry, RollbackController, Router } from '../src/index.js';

// The README quick start, step by step, with the values it states.
describe('README quick start', () => {
  it('runs and produces what the README says', async () => {
    const scale = (w: number) => ({
      kind: 'demo:Scale',
      formatVersion: 1,
      config: {},
      tensors: { w: tensor('float64', [1], new Float64Array([w])) },
    });
    const clock = new ManualClock(Date.parse('2026-01-05T09:00:00Z'));
    const registry = await ModelRegistry.open(mkdtempSync(join(tmpdir(), 'models-')), {
      clock,
      actor: 'alice',
    });
    const v1 = await registry.register('mid', scale(1), { metrics: { mse: 0.9 } });
    const v2 = await registry.register('mid', scale(2), { metrics: { mse: 0.8 } });
    expect([v1.version, v2.version]).toEqual(['1.0.0', '1.1.0']);
    await registry.setStage('mid', v1.version, 'staging');
    await registry.promote('mid', v1.version, { reason: 'first model' });
    await registry.setStage('mid', v2.version, 'staging');
    await registry.setTraffic('mid', v2.version, 20, { reason: 'canary' });

    const prom = new Registry();
    const metrics = new ModelMetrics({ registry: prom });
    const router = await Router.create({
      registry,
      model: 'mid',
      metrics,
      load: (m) => (m.tensors.w!.data as Float64Array)[0]!,
      predict: (w: number, x: number) => w * x,
    });
    const answer = router.predict(10, 'account-42');
    expect([10, 20]).toContain(answer);
    expect(router.predict(10, 'account-42')).toBe(answer);

    const controller = new RollbackController({
      registry,
      metrics,
      model: 'mid',
      clock,
      policy: {
        intervalMs: 60_000,
        minRequests: 20,
        checks: [
          { metric: 'latencyP99Seconds', max: 0.005 },
          { metric: 'errorRatio', max: 0.01 },
        ],
      },
    });
    const events: string[] = [];
    controller.on('rollback', (e) => events.push(`rolled back ${e.from} -> ${e.to}`));
    const canary = metrics.forVersion('mid', v2.version);
    for (let i = 0; i < 50; i++) canary.request(0.02, true);
    clock.advance(60_000);
    const decision = await controller.tick();
    expect(decision).toMatchObject({ outcome: 'failed', rolledBack: true });
    expect(events).toEqual(['rolled back 1.1.0 -> 1.0.0']);
    await router.refresh();
    expect(router.canaryPercent).toBe(0);
    expect(router.predict(10, 'account-42')).toBe(10);

    const history = await registry.history('mid');
    expect(history.at(-2)).toMatchObject({ action: 'canary-abort', actor: 'slo-controller' });
    expect(history[0]).toMatchObject({ actor: 'alice', action: 'register', to: '1.0.0' });
    const report = await registry.verify();
    expect(report).toMatchObject({ ok: true, problems: [] });
  });
});
