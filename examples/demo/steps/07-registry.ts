import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttentionLstm, attentionLstmImporter } from '@x/attention-lstm';
import { ManualClock, type Tensor, tensor } from '@x/core';
import { ModelMetrics, ModelRegistry, RollbackController, Router } from '@x/registry';
import { Registry } from 'prom-client';
import type { DemoStep } from '../step.js';

const FEATURES = 6;
const WINDOW = 20;

const step: DemoStep = {
  title:
    '@x/registry: champion in production, challenger in canary, a regression, automatic rollback',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'x-demo-registry-'));
    try {
      const clock = new ManualClock(Date.parse('2026-01-05T14:30:00Z'));
      const registry = await ModelRegistry.open(dir, { clock, actor: 'research' });
      const make = (seed: number) =>
        AttentionLstm.create({
          inputSize: FEATURES,
          hiddenSize: 16,
          numHeads: 4,
          causal: true,
          attentionWindow: WINDOW,
          seed,
        });
      const championLive = make(3);
      const champion = await registry.register('mid-move', championLive.exportModel(), {
        metrics: { testMse: 0.97 },
        tags: { data: 'cst2010-sim' },
      });
      const challenger = await registry.register('mid-move', make(4).exportModel(), {
        metrics: { testMse: 0.95 },
        tags: { data: 'cst2010-sim' },
      });
      await registry.setStage('mid-move', champion.version, 'staging');
      await registry.promote('mid-move', champion.version, { reason: 'best validation loss' });
      await registry.setAlias('mid-move', 'champion', champion.version);
      await registry.setStage('mid-move', challenger.version, 'staging');
      await registry.setAlias('mid-move', 'challenger', challenger.version);
      await registry.setTraffic('mid-move', challenger.version, 20, { reason: 'canary 20%' });

      // Serve: simulated time, so the injected regression is exact and the demo stays fast.
      let simMs = 0;
      const prom = new Registry();
      const metrics = new ModelMetrics({ registry: prom });
      const router = await Router.create({
        registry,
        model: 'mid-move',
        metrics,
        now: () => simMs,
        load: (m) => attentionLstmImporter.importModel(m),
        predict: (model: AttentionLstm, x: Tensor) => {
          const y = model.forward(x);
          // the challenger takes 12 ms per request (a regression), the champion 0.8 ms
          simMs += model === challengerModel ? 12 : 0.8;
          return (y.data as Float32Array | Float64Array)[0]!;
        },
      });
      let probe = 0;
      while (router.route(`account-${probe}`).role !== 'canary') probe++;
      const challengerModel = router.route(`account-${probe}`).model;
      const controller = new RollbackController({
        registry,
        metrics,
        model: 'mid-move',
        clock,
        policy: {
          intervalMs: 60_000,
          minRequests: 20,
          failureLimit: 1,
          checks: [
            { metric: 'latencyP99Seconds', max: 0.005 },
            { metric: 'errorRatio', max: 0.01 },
            { metric: 'loss', max: 1.2 },
          ],
        },
      });
      const rollbacks: string[] = [];
      controller.on('rollback', (e) => rollbacks.push(`${e.from} -> ${e.to}`));
      const x = tensor(
        'float32',
        [1, WINDOW, FEATURES],
        new Float32Array(WINDOW * FEATURES).map((_, i) => Math.sin(i * 0.3)),
      );
      const served = { [champion.version]: 0, [challenger.version]: 0 } as Record<string, number>;
      const outcomes: string[] = [];
      for (let minute = 0; minute < 5 && rollbacks.length === 0; minute++) {
        for (let r = 0; r < 200; r++) {
          const key = `account-${r}`;
          const t = router.route(key);
          router.predict(x, key);
          served[t.version]!++;
          // realised squared error, reported later by the strategy: the challenger is worse
          t.metrics!.loss(t.version === challenger.version ? 1.6 : 0.95);
        }
        clock.advance(60_000);
        outcomes.push((await controller.tick())!.outcome);
      }
      await router.refresh();
      const after = router.route('account-1').version;
      const history = await registry.history('mid-move');
      const report = await registry.verify();
      const reloaded = await registry.loadModel('mid-move', 'champion', attentionLstmImporter);
      const a = reloaded.forward(x).data;
      const b = championLive.forward(x).data;
      const same = a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
      return [
        `registered ${champion.version} (champion, production) and ${challenger.version} (challenger) as safetensors blobs of ${champion.size.toLocaleString('en-US')} bytes, SHA-256 ${champion.digest.slice(0, 12)}...`,
        `canary 20% by account hash: served ${served[champion.version]} requests on ${champion.version}, ${served[challenger.version]} on ${challenger.version}`,
        `injected regression on ${challenger.version}: p99 latency 12 ms (SLO 5 ms), loss 1.6 (SLO 1.2); windows: ${outcomes.join(', ')}`,
        `automatic rollback: ${rollbacks.join(', ')}; now every account is served by ${after}`,
        'audit history:',
        ...history.map(
          (e) =>
            `  #${e.seq} ${new Date(e.at).toISOString().slice(11, 19)} ${e.actor.padEnd(14)} ${e.action.padEnd(12)} ${e.target.padEnd(10)} ${e.from ?? '-'} -> ${e.to ?? '-'} (${e.reason.length > 60 ? `${e.reason.slice(0, 57)}...` : e.reason})`,
        ),
        `verify(): ${report.ok ? 'clean' : `${report.problems.length} problems`} (${report.versions} versions, ${report.blobs} blobs); champion reloaded from disk (SHA-256 verified) gives ${same ? 'bit-identical' : 'DIFFERENT'} output with its ${reloaded.parameterCount} parameters`,
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default step;
