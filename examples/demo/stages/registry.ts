/**
 * Stage 4, @x/registry: the stacked ensemble goes into a filesystem registry as the production
 * model, its ridge member alone as a challenger in a 20% canary. The challenger serves the
 * held-out rows; from the third interval on, a regression is injected into it (12 ms instead of
 * 0.8 ms per request, and a bias of 1.5 label units added to its answers), and the rollback
 * controller takes it out of traffic on its own.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ExportedModel, ManualClock, type Matrix, type Regressor, tensor } from '@x/core';
import { exportStacking, LinearRegression, Ridge, stackingRegressorImporter } from '@x/ensemble';
import { ModelMetrics, ModelRegistry, RollbackController, Router } from '@x/registry';
import { Registry } from 'prom-client';
import type { DemoConfig } from '../config.js';
import { lstmOnRowsImporter } from './lstm-member.js';
import type { Models } from './models.js';
import type { Progress } from './progress.js';

const MODEL = 'mid-move';
const INTERVAL_MS = 60_000;
const REQUESTS_PER_INTERVAL = 200;
const REGRESSION_FROM = 2; // interval index at which the regression is injected

/** One controller interval, for the summary and the report's timeline. */
interface IntervalRecord {
  /** Interval index (one simulated minute each). */
  readonly index: number;
  readonly outcome: string;
  /** Requests served by each role in the interval. */
  readonly production: number;
  readonly canary: number;
  /** Mean squared error of each role's answers (NaN when it served none). */
  readonly productionLoss: number;
  readonly canaryLoss: number;
  /** Simulated latency per request of each role, ms. */
  readonly canaryLatencyMs: number;
  readonly injected: boolean;
}

/** What the registry stage hands on. */
export interface RegistryResult {
  readonly dir: string;
  readonly production: string;
  readonly challenger: string;
  readonly intervals: readonly IntervalRecord[];
  readonly rollback:
    | {
        readonly interval: number;
        readonly from: string;
        readonly to: string;
        readonly reason: string;
      }
    | undefined;
  /** Version serving every account after the rollback. */
  readonly servingAfter: string;
  readonly historyActions: readonly string[];
  readonly verified: boolean;
  /** Whether the production model reloaded from disk predicts bit-identically to the live one. */
  readonly reloadIdentical: boolean;
}

const ensembleImporter = stackingRegressorImporter([
  lstmOnRowsImporter,
  LinearRegression.importer,
  Ridge.importer,
]);

/** Turns a stored artifact into a live regressor: the ensemble or the lone ridge. */
function load(e: ExportedModel): Regressor {
  return e.kind === ensembleImporter.kind
    ? ensembleImporter.importModel(e)
    : Ridge.importer.importModel(e);
}

/**
 * Runs the stage.
 * @param m - the fitted models
 * @param cfg - the demo configuration
 * @param progress - where to report progress
 * @returns the registry's story
 */
export async function registryStage(
  m: Models,
  cfg: DemoConfig,
  progress: Progress,
): Promise<RegistryResult> {
  const dir = resolve(cfg.outDir, 'registry');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const clock = new ManualClock(Date.parse('2026-01-05T14:30:00Z'));
  const registry = await ModelRegistry.open(dir, { clock, actor: 'research' });
  const ens = m.holdout.find((h) => h.name === 'ensemble')!;
  const ridgeScore = m.holdout.find((h) => h.name === 'ridge')!;
  const prod = await registry.register(MODEL, exportStacking(m.stack), {
    metrics: { holdoutMse: ens.mse, holdoutR2: ens.r2VsZero },
    tags: { members: m.names.join(',') },
  });
  const ridge = m.stack.estimators[m.names.indexOf('ridge')] as Ridge;
  const chal = await registry.register(MODEL, ridge.exportModel(), {
    metrics: { holdoutMse: ridgeScore.mse, holdoutR2: ridgeScore.r2VsZero },
    tags: { members: 'ridge' },
  });
  await registry.setStage(MODEL, prod.version, 'staging');
  await registry.promote(MODEL, prod.version, { reason: 'stacked ensemble, best purged-CV score' });
  await registry.setStage(MODEL, chal.version, 'staging');
  await registry.setTraffic(MODEL, chal.version, 20, { reason: 'canary 20%: cheaper model' });
  progress('serving held-out rows through the router');

  let simMs = 0;
  let injected = false;
  const metrics = new ModelMetrics({ registry: new Registry() });
  const router = await Router.create({
    registry,
    model: MODEL,
    metrics,
    now: () => simMs,
    salt: `demo-${cfg.seed}`,
    load,
    predict: (model: Regressor, x: Matrix) => {
      const isChallenger = model instanceof Ridge;
      simMs += isChallenger && injected ? 12 : 0.8;
      const y = model.predict(x)[0]!;
      return isChallenger && injected ? y + 1.5 : y;
    },
  });
  const controller = new RollbackController({
    registry,
    metrics,
    model: MODEL,
    clock,
    policy: {
      intervalMs: INTERVAL_MS,
      minRequests: 20,
      failureLimit: 1,
      checks: [
        { metric: 'latencyP99Seconds', max: 0.005 },
        { metric: 'errorRatio', max: 0.01 },
        { metric: 'loss', max: 2 * Math.max(ens.mse, ridgeScore.mse) },
      ],
    },
  });
  let rollback: RegistryResult['rollback'];
  const intervals: IntervalRecord[] = [];
  controller.on('rollback', (e) => {
    rollback = { interval: intervals.length, from: e.from, to: e.to, reason: e.reason };
  });
  const nTest = m.xTest.shape[0]!;
  const width = m.xTest.shape[1]!;
  const yScaled = m.outcome.map((v) => v / m.scaleTicks);
  let row = 0;
  for (let k = 0; k < 8; k++) {
    injected = k >= REGRESSION_FROM;
    const acc = { production: [0, 0], canary: [0, 0] };
    for (let r = 0; r < REQUESTS_PER_INTERVAL; r++) {
      const i = row++ % nTest;
      const x = tensor(
        'float64',
        [1, width],
        m.xTest.data.slice(i * width, (i + 1) * width),
      ) as Matrix;
      const key = `account-${r % 50}`;
      const t = router.route(key);
      const yhat = router.predict(x, key);
      const loss = (yhat - yScaled[i]!) ** 2;
      t.metrics?.loss(loss);
      const a = t.role === 'canary' ? acc.canary : acc.production;
      a[0]!++;
      a[1]! += loss;
    }
    clock.advance(INTERVAL_MS);
    const d = await controller.tick();
    intervals.push({
      index: k,
      outcome: d?.outcome ?? 'none',
      production: acc.production[0]!,
      canary: acc.canary[0]!,
      productionLoss: acc.production[1]! / acc.production[0]!,
      canaryLoss: acc.canary[0]! > 0 ? acc.canary[1]! / acc.canary[0]! : Number.NaN,
      canaryLatencyMs: injected ? 12 : 0.8,
      injected,
    });
    await router.refresh();
    progress(`interval ${k + 1}: ${d?.outcome ?? 'none'}`);
  }
  const history = await registry.history(MODEL);
  const report = await registry.verify();
  const reloaded = await registry.loadModel(MODEL, 'production', ensembleImporter);
  const a = reloaded.predict(m.xTest);
  const b = m.stack.predict(m.xTest);
  const reloadIdentical = a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
  return {
    dir,
    production: prod.version,
    challenger: chal.version,
    intervals,
    rollback,
    servingAfter: router.route('account-1').version,
    historyActions: history.map(
      (e) => `${e.action} ${e.target} ${e.from ?? '-'} -> ${e.to ?? '-'}`,
    ),
    verified: report.ok,
    reloadIdentical,
  };
}
