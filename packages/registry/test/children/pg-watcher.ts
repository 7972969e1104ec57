/**
 * Child process of the PostgreSQL rollback-coordination test: a service that watches one
 * model's canary with a RollbackController (on a manual clock, so the parent aligns the two
 * services' windows) and follows the registry with watch() (real time). Prints
 * `state <now> <production> <canary|->` on every change it sees, `decision <outcome> <preempted>`
 * for every evaluated window and `rollback <now> <from> <to>` when it rolled back. Stdin:
 * `breach` makes its canary fail (half its requests errors); `tick` serves 20 canary requests,
 * advances the clock one interval and evaluates the window.
 * argv: url schema model intervalMs
 */
import { createInterface } from 'node:readline';
import { ManualClock } from '@x/core';
import { Registry } from 'prom-client';
import { ModelMetrics, ModelRegistry, RollbackController } from '../../src/index.js';
import { PostgresStorage } from '../../src/postgres.js';

async function main(): Promise<void> {
  const [url, schema, model, intervalArg] = process.argv.slice(2);
  const intervalMs = Number(intervalArg);
  const registry = await ModelRegistry.open(
    await PostgresStorage.connect(url!, { schema: schema! }),
    { actor: `svc-${process.pid}` },
  );
  const clock = new ManualClock(0);
  const metrics = new ModelMetrics({ registry: new Registry() });
  const controller = new RollbackController({
    registry,
    metrics,
    model: model!,
    clock,
    policy: { intervalMs, minRequests: 10, checks: [{ metric: 'errorRatio', max: 0.05 }] },
  });
  const out = (s: string) => process.stdout.write(`${s}\n`);
  controller.on('rollback', (e) => out(`rollback ${Date.now()} ${e.from} ${e.to}`));
  controller.on('decision', (d) => out(`decision ${d.outcome} ${d.preempted === true}`));
  await registry.watch(
    (doc) => {
      const m = doc.models[model!];
      out(`state ${Date.now()} ${m?.production ?? '-'} ${m?.traffic?.canary ?? '-'}`);
    },
    { intervalMs },
  );
  let breach = false;
  const tick = async () => {
    const canary = (await registry.getModel(model!)).traffic?.canary;
    if (canary !== undefined) {
      const h = metrics.forVersion(model!, canary);
      for (let i = 0; i < 20; i++) h.request(0.001, !(breach && i % 2 === 0));
    }
    clock.advance(intervalMs);
    await controller.tick();
  };
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'breach') breach = true;
    if (line === 'tick') tick().catch((e) => out(`error ${String(e)}`));
    if (line === 'exit') process.exit(0);
  });
  out('ready');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
