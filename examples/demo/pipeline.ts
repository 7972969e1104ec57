/**
 * The demo pipeline: one seeded session through every package, each stage feeding the next,
 * with progress through listr2 (its plain renderer when stdout is not a terminal or in CI).
 */
import { resolve } from 'node:path';
import { Listr } from 'listr2';
import type { DemoConfig } from './config.js';
import { computeFeatures, type Features } from './stages/features.js';
import { fitModels, type Models } from './stages/models.js';
import type { Progress } from './stages/progress.js';
import { type RegistryResult, registryStage } from './stages/registry.js';
import { writeReport } from './stages/report.js';
import { chartData } from './stages/report-data.js';
import { type Session, simulate } from './stages/simulate.js';
import { type Trading, trade } from './stages/trading.js';
import { summaryLines } from './summary.js';

/** Everything a run produced. */
export interface PipelineResult {
  readonly config: DemoConfig;
  readonly session: Session;
  readonly features: Features;
  readonly models: Models;
  readonly registry: RegistryResult;
  readonly trading: Trading;
  /** Absolute path of the HTML report. */
  readonly reportPath: string;
  /** Wall time per stage, seconds. */
  readonly seconds: Readonly<Record<string, number>>;
}

/** Options of {@link runPipeline}. */
export interface RunOptions {
  /** `'auto'` (default): listr2's default renderer on a terminal, plain lines otherwise. */
  readonly output?: 'auto' | 'silent';
}

type Ctx = { -readonly [K in keyof PipelineResult]?: PipelineResult[K] } & {
  seconds: Record<string, number>;
};

/**
 * Runs the pipeline.
 * @param config - the configuration (full or shortened)
 * @param options - how to show progress
 * @returns every stage's output and the report's path
 */
export async function runPipeline(
  config: DemoConfig,
  options: RunOptions = {},
): Promise<PipelineResult> {
  const plain = process.stdout.isTTY !== true || process.env.CI !== undefined;
  const step = (title: string, key: string, run: (ctx: Ctx, progress: Progress) => unknown) => ({
    title,
    task: async (ctx: Ctx, task: { output: string | undefined }) => {
      let last = 0;
      const progress: Progress = (note) => {
        const now = Date.now();
        if (now - last < (plain ? 2000 : 100)) return;
        last = now;
        task.output = note;
      };
      const t0 = performance.now();
      await run(ctx, progress);
      ctx.seconds[key] = (performance.now() - t0) / 1000;
    },
  });
  const tasks = new Listr<Ctx>(
    [
      step('@x/sim: seeded order flow, informed trader switched on midway', 'simulate', (c, p) => {
        c.session = simulate(config, p);
      }),
      step(
        '@x/microstructure: OFI, micro-price, VPIN; Kyle and Hasbrouck λ per half',
        'features',
        (c, p) => {
          c.features = computeFeatures(c.session!, config, p);
        },
      ),
      step(
        '@x/attention-lstm + @x/ensemble: stacked forecasts, purged CV, held-out scores',
        'models',
        async (c, p) => {
          c.models = await fitModels(c.features!, config, p);
        },
      ),
      step(
        '@x/registry: production, canary, injected regression, automatic rollback',
        'registry',
        async (c, p) => {
          c.registry = await registryStage(c.models!, config, p);
        },
      ),
      step(
        '@x/oco + @x/sim-oco: brackets from the forecasts on the simulated venue',
        'trading',
        (c, p) => {
          c.trading = trade(c.session!, c.features!, c.models!, config, p);
        },
      ),
      step('report: self-contained HTML with uPlot charts', 'report', (c) => {
        c.config = config;
        c.reportPath = resolve(config.outDir, 'report.html');
        const partial = c as PipelineResult;
        const charts = chartData(
          c.features!,
          c.models!,
          c.registry!,
          c.trading!,
          c.session!.switchMs,
        );
        writeReport(c.reportPath, charts, summaryLines(partial));
      }),
    ],
    {
      ctx: { seconds: {} },
      renderer: 'default',
      fallbackRenderer: 'simple',
      fallbackRendererCondition: plain,
      silentRendererCondition: options.output === 'silent',
      rendererOptions: { collapseSubtasks: false },
      exitOnError: true,
    },
  );
  const ctx = await tasks.run();
  return ctx as PipelineResult;
}
